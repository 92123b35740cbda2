"""The built help center, served at /help/ on the app's origin, and /help/go/<topic>."""

import gzip
import os
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound

from .help_topics import resolve
from .i18n import select_locale, supported

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
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif (site / path).is_dir():
        return redirect(f"/help/{path}/", code=301)
    try:
        response = send_from_directory(site, path, max_age=_max_age(path))
    except NotFound:
        return _not_found(site, path)
    if path.endswith(_COMPRESSIBLE):
        response = _gzip_if_accepted(response, site / path)
    return response


#: Text files of the guide worth compressing (images and fonts are compressed already).
_COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map")
_MIN_GZIP_SIZE = 1024


def _gzip_if_accepted(response, file: Path):
    """Serve the gzip-compressed file when the client accepts it.

    The compressed body has its own ETag (the file's, suffixed ``-gz``), so a
    revisit with that ETag still gets a 304; ``Vary: Accept-Encoding`` keeps
    caches from mixing the two representations.
    """
    response.vary.add("Accept-Encoding")
    if response.status_code != 200 or "gzip" not in request.accept_encodings:
        return response
    if request.accept_encodings["gzip"] <= 0:  # "gzip;q=0" refuses it
        return response
    etag, _ = response.get_etag()
    try:
        stat = os.stat(file)
    except OSError:
        return response
    if etag is None or stat.st_size < _MIN_GZIP_SIZE:
        return response
    body = _compressed(str(file), stat.st_mtime_ns, stat.st_size)
    response.close()  # the open file of send_from_directory
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)
    response.set_etag(f"{etag}-gz")
    return response.make_conditional(request)


@lru_cache(maxsize=256)
def _compressed(file: str, mtime_ns: int, size: int) -> bytes:
    """The file gzip-compressed once per process (the key changes when the file does)."""
    with open(file, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=6, mtime=0)


def _max_age(path: str) -> int:
    # HTML is revalidated each time (ETag → 304); assets may be cached a while.
    return 0 if path.endswith(".html") else current_app.config["HELP_CACHE_MAX_AGE"]


def _not_found(site: Path, path: str):
    """The guide's own 404 page, in the language of the part of the site asked for."""
    first = path.split("/", 1)[0]
    candidates = [site / first / "404.html"] if supported(first) else []
    candidates.append(site / "404.html")
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8"), 404, {"Content-Type": "text/html; charset=utf-8"}
    abort(404)
