"""The built guide's files, answered before Flask (WSGI middleware).

A guide page is a static file: it needs no session, no limiter and no
template, so it is served here, from memory, with an ETag (a revisit gets a
304), a gzip body for clients that accept it, and the same security headers
as every page. Whatever this does not serve — the /help/ root with its
language redirect, /help/go/<topic>, a missing file, a folder without its
slash, a request for a host the site does not serve — goes on to Flask
(:mod:`site_app.help.views`, :mod:`site_app.hosts`).
"""

import gzip
import hashlib
import mimetypes
import threading
from pathlib import Path

from werkzeug.datastructures import ETags
from werkzeug.http import parse_etags

#: Text files worth compressing (images are compressed already).
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map")
MIN_GZIP_SIZE = 1024
#: Larger files are left to Flask (send_file streams them).
MAX_CACHED_SIZE = 4 * 1024 * 1024


class GuideFiles:
    """WSGI middleware serving ``prefix`` from ``site_dir``, falling through to ``app``."""

    def __init__(
        self, app, site_dir: str, headers, max_age: int, prefix: str = "/help/", accept=None
    ):
        self.app = app
        #: ``accept(environ)``: False leaves the request to Flask (which refuses other hosts).
        self.accept = accept or (lambda environ: True)
        self.site = Path(site_dir).resolve()
        self.headers = list(headers)
        self.max_age = max_age
        self.prefix = prefix
        self.cache: dict[str, tuple] = {}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or not path.startswith(self.prefix)
            or path == self.prefix
            or path.startswith(self.prefix + "go/")
            or not self.accept(environ)
        ):
            return self.app(environ, start_response)
        relative = path[len(self.prefix) :]
        if relative.endswith("/"):
            relative += "index.html"
        entry = self._entry(relative)
        if entry is None:
            return self.app(environ, start_response)
        data, packed, etag, content_type, cache_control = entry
        gzipped = packed is not None and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        body, tag = (packed, etag + "-gz") if gzipped else (data, etag)
        headers = [
            ("Content-Type", content_type),
            ("ETag", f'"{tag}"'),
            ("Cache-Control", cache_control),
            ("Vary", "Accept-Encoding"),
            *self.headers,
        ]
        if self._matches(environ.get("HTTP_IF_NONE_MATCH"), tag):
            start_response("304 Not Modified", headers)
            return []
        if gzipped:
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    @staticmethod
    def _matches(header: str | None, tag: str) -> bool:
        etags: ETags = parse_etags(header)
        return bool(header) and (etags.star_tag or etags.contains_weak(tag))

    def _entry(self, relative: str):
        """The cached ``(data, gzip data, etag, type, cache-control)``, or None."""
        file = (self.site / relative).resolve()
        if not file.is_relative_to(self.site):
            return None
        try:
            stat = file.stat()
        except OSError:
            return None
        if not file.is_file() or stat.st_size > MAX_CACHED_SIZE:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        entry = self.cache.get(relative)
        if entry is not None and entry[0] == key:
            return entry[1]
        data = file.read_bytes()
        packed = None
        if relative.endswith(COMPRESSIBLE) and len(data) >= MIN_GZIP_SIZE:
            packed = gzip.compress(data, compresslevel=6, mtime=0)
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("json", "javascript", "xml")):
            content_type += "; charset=utf-8"
        # HTML is revalidated on each visit (ETag → 304); assets may be cached a while.
        cache_control = (
            "no-cache" if relative.endswith(".html") else f"public, max-age={self.max_age}"
        )
        value = (
            data,
            packed,
            hashlib.blake2b(data, digest_size=12).hexdigest(),
            content_type,
            cache_control,
        )
        with self.lock:
            self.cache[relative] = (key, value)
        return value
