"""The guide's figures, taken from the real app: its steps driven in Chromium
(``browser_support``), the figures cut from them (``figures``), where their badges go
(``figure_layout``), point 4's mail reader (``mail_reader``).

Used by ``scripts/screenshots.py`` (``make screenshots``), the tests (``tests/conftest.py``
puts ``scripts/`` on the path) and the benchmarks.
"""
