"""Request-level safety: where ``next`` may lead, the security headers of every response,
and bodies sent without a length (chunked) held to ``MAX_CONTENT_LENGTH`` like the others."""

import io
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.wsgi import get_content_length


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None.

    Refuses absolute and scheme-relative URLs (``//evil``), backslashes that
    browsers read as slashes (``/\\evil``) and control characters.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


def security_headers(path: str) -> dict[str, str]:
    """The security headers of a response to ``path``."""
    config = current_app.config
    policy = config["CONTENT_SECURITY_POLICY"]
    if path.startswith("/help/"):
        # Material's pages carry a few inline scripts, allowed by their hashes only (computed
        # when the guide is built), and inline styles.
        from ..help.script_hashes import guide_script_sources

        hashes = " ".join(guide_script_sources())
        policy = policy.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip())
        policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if config["SESSION_COOKIE_SECURE"]:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


def address_holds_a_token() -> bool:
    """Tell whether this request's address carries a link's token (``/activate/<token>`` …).

    Such a page must not send its address as ``Referer`` to its CSS, script and icon or
    to the next page: an access log that records ``Referer`` would keep a live token.
    """
    return bool((request.view_args or {}).get("token"))


def bound_unsized_bodies(app: Flask) -> None:
    """Give a body sent without ``Content-Length`` (chunked) a length, or the 413 page.

    Werkzeug holds such a body to ``MAX_CONTENT_LENGTH`` by reading no further than the
    limit, and the form parser takes what it got: a chunked form over the limit lost its
    last fields (a 422 that named a field the person had filled in) instead of the 413
    page. Here the body is read up to one byte past the limit before the app sees it and
    handed on with its length, so Werkzeug itself refuses a longer one with the 413 page,
    as it does for a body that announces its length. At most the limit plus one byte is
    ever read; the rest of an endless body is left to the server.
    """
    inner = app.wsgi_app

    def sized_body(environ, start_response):
        limit = app.config["MAX_CONTENT_LENGTH"]
        # No length (a "chunked" one wins over Content-Length), read by the server itself.
        if environ.get("wsgi.input_terminated") and get_content_length(environ) is None:
            if limit is not None:
                body = _read_at_most(environ["wsgi.input"], limit + 1)
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
                # An ordinary body of known length now (Werkzeug ignores a length beside
                # "chunked").
                del environ["wsgi.input_terminated"]
                environ.pop("HTTP_TRANSFER_ENCODING", None)
        return inner(environ, start_response)

    app.wsgi_app = sized_body


def _read_at_most(stream, size: int) -> bytes:
    """Read from ``stream`` until it ends or ``size`` bytes came (reads may return less)."""
    parts, got = [], 0
    while got < size:
        part = stream.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def init_app(app: Flask) -> None:
    """Send the security headers on every response (a header the view set wins), and
    bound the bodies sent without a length."""
    bound_unsized_bodies(app)

    @app.after_request
    def _security_headers(response):
        path = request.path
        if address_holds_a_token():  # its error pages too (403, expired link …)
            response.headers.setdefault("Referrer-Policy", "no-referrer")
        for name, value in security_headers(path).items():
            response.headers.setdefault(name, value)
        if not path.startswith(("/help/", "/static/")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
