"""The typography each language needs, applied by machine so that nobody types it by hand
(issue 22, items 5 and 6).

- **French**: a no-break space before ``: ; ? !`` and inside « », so that a line never
  starts with « ? » or ends with « ; a narrow one (U+202F) before ``; ? !`` and inside
  the quotation marks, a full one (U+00A0) before ``:``, as the Imprimerie nationale
  does. Only spaces that are there become no-break: nothing is added.
- **Arabic**: every Latin run (an address, a URL, an IP, a reference) is isolated, or the
  browser reorders its dots and slashes (``203.0.113.x`` shows as ``x.203.0.113``). In
  the catalogs, each placeholder (``%(email)s``) is wrapped in the Unicode isolates
  U+2068 … U+2069, which work in HTML and plain-text mails alike.

Used by ``scripts/compile_catalogs.py`` (``make translations``: the app's pages and mails)
and by ``overrides/hooks/typography.py`` (the guide).
"""

import re

NBSP = "\u00a0"
NNBSP = "\u202f"
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"

_FRENCH = [
    (re.compile(r"[ \u00a0\u202f]+([;?!])"), NNBSP + r"\1"),
    (re.compile(r"[ \u00a0\u202f]+:(?!//)"), NBSP + ":"),
    (re.compile(r"«[ \u00a0\u202f]+"), "«" + NNBSP),
    (re.compile(r"[ \u00a0\u202f]+»"), NNBSP + "»"),
]

#: A placeholder of a catalog string, already isolated or not.
_PLACEHOLDER = re.compile(f"{FSI}?(%\\(\\w+\\)s){PDI}?")

#: A run of Latin text that the bidirectional algorithm would reorder inside Arabic: Latin
#: letters and digits around a dot, a slash, ``@``, ``:`` or ``-``, a letter among them (an
#: IP such as 203.0.113.x, an address, a URL, a reference such as E429-MAIL). Digits alone
#: (14:05, 2026-12-02) and plain words (Gmail, UTC) keep their order.
LATIN_RUN = re.compile(
    r"(?:https?://)?(?=[\w./@:\-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_%+~]*"
    r"(?:[./@:\-][A-Za-z0-9_%+~]+)+/?"
)


def french(text: str) -> str:
    """``text`` with the no-break spaces of French punctuation."""
    for pattern, replacement in _FRENCH:
        text = pattern.sub(replacement, text)
    return text


def isolate_placeholders(text: str) -> str:
    """Each ``%(name)s`` of a catalog string wrapped once in U+2068 … U+2069."""
    return _PLACEHOLDER.sub(lambda m: f"{FSI}{m.group(1)}{PDI}", text)


def isolate_latin_runs(text: str) -> str:
    """Each Latin run of ``text`` (see :data:`LATIN_RUN`) wrapped in U+2066 … U+2069, for
    text that cannot hold markup (an ``alt`` attribute)."""
    return LATIN_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)


#: Language → what its catalog strings get at compile time.
CATALOG_RULES = {"fr": french, "ar": isolate_placeholders}


def for_catalog(lang: str, text: str) -> str:
    """A catalog string of ``lang`` as the app shows it."""
    rule = CATALOG_RULES.get(lang.split("_")[0])
    return rule(text) if rule and text else text
