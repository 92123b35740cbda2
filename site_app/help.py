"""The built help center, served at /help/ on the app's origin, and /help/go/<topic>."""

import gzip
import mimetypes
import os
import time
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG

from flask import Blueprint, abort, current_app, redirect, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

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
    max_age = _max_age(path)
    if path.endswith(_COMPRESSIBLE) and request.accept_encodings["gzip"] > 0:
        response = _gzipped(site, path, max_age)
        if response is not None:
            return response
    try:
        response = send_from_directory(site, path, max_age=max_age)
    except NotFound:
        return _not_found(site, path)
    if path.endswith(_COMPRESSIBLE):
        response.vary.add("Accept-Encoding")
    return response


#: Text files of the guide worth compressing (images and fonts are compressed already).
_COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map")
_MIN_GZIP_SIZE = 1024


def _gzipped(site: Path, path: str, max_age: int):
    """The file gzip-compressed, or None to serve it as it is (small, missing, unsafe path).

    Built without opening the file once its compressed body is cached. Its ETag
    is its own (``-gz``), so a revisit gets a 304; ``Vary: Accept-Encoding``
    keeps caches from mixing the two representations. Same cache headers as
    ``send_from_directory``; no byte ranges on the compressed body.
    """
    file = safe_join(str(site), path)
    if file is None:
        return None
    try:
        stat = os.stat(file)
    except OSError:
        return None
    if not S_ISREG(stat.st_mode) or stat.st_size < _MIN_GZIP_SIZE:
        return None
    response = current_app.response_class(
        _compressed(file, stat.st_mtime_ns, stat.st_size),
        mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream",
    )
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}-gz")
    response.last_modified = stat.st_mtime
    if max_age > 0:
        response.cache_control.public = True
    else:
        response.cache_control.no_cache = True
    response.cache_control.max_age = max_age
    response.expires = int(time.time() + max_age)
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
            return (
                candidate.read_text(encoding="utf-8"),
                404,
                {"Content-Type": "text/html; charset=utf-8"},
            )
    abort(404)
