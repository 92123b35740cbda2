"""PROTOTYPE (not used by the app): serve the built guide below Flask, as WSGI middleware.

Measures what a suggested app change would give: files of /help/ answered from memory
(identity and gzip bodies, ETag, 304) without Flask's request machinery (session,
limiter, babel, after_request hooks). Anything it does not know (the /help/ root with its
language redirect, /help/go/, missing files) falls through to the app.
"""

import gzip
import hashlib
import mimetypes
from pathlib import Path

TEXT = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map")


class HelpStatic:
    def __init__(self, app, site_dir, security_headers, prefix="/help/"):
        self.app, self.site, self.prefix = app, Path(site_dir).resolve(), prefix
        self.security = list(security_headers)
        self.cache = {}

    def _entry(self, rel):
        file = (self.site / rel).resolve()
        if not file.is_relative_to(self.site) or not file.is_file():
            return None
        stat = file.stat()
        key = (rel, stat.st_mtime_ns, stat.st_size)
        entry = self.cache.get(rel)
        if entry is None or entry[0] != key:
            data = file.read_bytes()
            tag = hashlib.blake2b(data, digest_size=12).hexdigest()
            packed = gzip.compress(data, 6, mtime=0) if rel.endswith(TEXT) and len(data) >= 1024 else None
            ctype = mimetypes.guess_type(rel)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype.endswith(("json", "javascript", "xml")):
                ctype += "; charset=utf-8"
            max_age = "no-cache, max-age=0" if rel.endswith(".html") else "public, max-age=300"
            entry = self.cache[rel] = (key, data, packed, f'"{tag}"', f'"{tag}-gz"', ctype, max_age)
        return entry

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix) or path == self.prefix or path.startswith(self.prefix + "go/"):
            return self.app(environ, start_response)
        rel = path[len(self.prefix):]
        if rel.endswith("/"):
            rel += "index.html"
        entry = self._entry(rel)
        if entry is None:
            return self.app(environ, start_response)
        _, data, packed, etag, gz_etag, ctype, cache = entry
        use_gzip = packed is not None and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        body, tag = (packed, gz_etag) if use_gzip else (data, etag)
        headers = [("Content-Type", ctype), ("ETag", tag), ("Cache-Control", cache),
                   ("Vary", "Accept-Encoding")] + self.security
        if tag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", headers)
            return [b""]
        if use_gzip:
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [body]


def wrap(app):
    """Wrap a site_app Flask app (uses its HELP_SITE_DIR and CSP)."""
    csp = (app.config["CONTENT_SECURITY_POLICY"]
           .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
           .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"))
    security = [("Content-Security-Policy", csp), ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"),
                ("Cross-Origin-Opener-Policy", "same-origin")]
    app.wsgi_app = HelpStatic(app.wsgi_app, app.config["HELP_SITE_DIR"], security)
    return app


def create_app():
    """For gunicorn: 'bench.help_static_proto:create_app()'."""
    from site_app import create_app as create

    return wrap(create())
