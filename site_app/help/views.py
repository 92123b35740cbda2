"""The built help center at /help/ on the app's origin, and /help/go/<topic>.

Its files are answered before Flask by :mod:`site_app.help.static_files`; these views
handle the rest: the /help/ root (which follows the reader's language), folders
without their slash, missing pages (the guide's own 404, per language), and a
guide that was not built (503).

A path that leads outside the built guide (``..%2f``, which arrives decoded as
``../``) is a missing page, and nothing is looked up for it: answering a folder
outside with its redirect told strangers which folders exist on the machine. A path
no file can have (a NUL byte, a name over 255 bytes, a path over the system's limit)
is a missing page too, not a 500.
"""

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from ..editor.counting import count_followed
from ..i18n import select_locale, supported
from .topics import resolve

bp = Blueprint("help", __name__, url_prefix="/help")


def _site() -> Path:
    return Path(current_app.config["HELP_SITE_DIR"])


@bp.route("/go/<topic>")
def go(topic):
    """Stable link to a help topic, in the reader's language (``?lang=``, cookie, browser)."""
    locale = supported(request.args.get("lang")) or select_locale()
    target = resolve(topic, locale)
    if target is None:
        abort(404)
    count_followed(topic, locale)
    return redirect(target, code=302)


@bp.route("/", defaults={"path": ""})
@bp.route("/<path:path>")
def page(path):
    """A file of the built guide; directories serve their index.html."""
    site = _site()
    if not (site / "index.html").is_file():
        abort(503)
    if path == "" and select_locale() != current_app.config["LANGUAGES"][0]:
        if (site / select_locale() / "index.html").is_file():
            return redirect(f"/help/{select_locale()}/")
    if not _nameable(path):
        return _not_found(site, path)
    if not _inside(site, path):
        return _not_found(site, "")
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif _is_dir(site / path):
        return redirect(f"/help/{path}/", code=301)
    try:
        return send_from_directory(site, path, max_age=_max_age(path))
    except (NotFound, OSError, ValueError):
        return _not_found(site, path)


#: The longest file name most file systems hold, in bytes.
NAME_MAX = 255


def _nameable(path: str) -> bool:
    """False for what no file can be called: a NUL byte, a name over :data:`NAME_MAX` bytes
    (the look-up raised ``ValueError`` or ``OSError``: a 500 before)."""
    return "\x00" not in path and all(len(name.encode()) <= NAME_MAX for name in path.split("/"))


def _inside(site: Path, path: str) -> bool:
    """Tell whether ``path`` names something inside the guide (symbolic links followed);
    False when the system refuses to look it up (a path over its length limit)."""
    joined = safe_join(str(site), path)  # None for "..", absolute paths and the like
    try:
        return joined is not None and Path(joined).resolve().is_relative_to(site.resolve())
    except (OSError, ValueError):
        return False


def _is_dir(path: Path) -> bool:
    """``path.is_dir()``, False when the system cannot look the path up (too long)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _max_age(path: str) -> int:
    # HTML is revalidated each time (ETag → 304); assets may be cached a while.
    return 0 if path.endswith(".html") else current_app.config["HELP_CACHE_MAX_AGE"]


def _not_found(site: Path, path: str):
    """The guide's own 404 page, in the reader's language.

    Their choice first (``?lang=``, the ``lang`` cookie), then the language of the
    part of the guide asked for (``/help/en/…``), then their browser's.
    """
    languages = current_app.config["LANGUAGES"]
    first = path.split("/", 1)[0]
    chosen = supported(request.args.get("lang")) or supported(
        request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    )
    locale = chosen or (first if first in languages[1:] else None) or select_locale()
    prefix = "" if locale == languages[0] else f"{locale}/"
    for candidate in (site / prefix / "404.html", site / "404.html"):
        if candidate.is_file():
            return (
                candidate.read_text(encoding="utf-8"),
                404,
                {"Content-Type": "text/html; charset=utf-8"},
            )
    abort(404)
