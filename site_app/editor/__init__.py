"""The editors' report: which help topics fail readers, at /editor.

* :mod:`.counting`: errors shown, help links followed, questions answered, counted per
  topic, language and day (the hooks elsewhere are one line each);
* :mod:`.grants` and :mod:`.cli`: who may read the report (``flask editors``);
* :mod:`.report`, :mod:`.charts`, :mod:`.views`: the report at /editor, its CSV exports.
"""

from flask import Flask

from .counting import count_answered, count_followed, count_shown

__all__ = ["count_answered", "count_followed", "count_shown", "init_app"]


def init_app(app: Flask) -> None:
    """Register /editor and ``flask editors``."""
    from . import views
    from .cli import editors_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(editors_cli)
