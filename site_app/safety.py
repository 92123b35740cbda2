"""Request-level safety: where ``next`` may lead, and the security headers of every response."""

from urllib.parse import urlsplit

from flask import Flask, current_app, request


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
        # Material's pages carry small inline scripts and styles of their own.
        policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
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
    return bool(request.view_args) and "token" in request.view_args


def init_app(app: Flask) -> None:
    """Send the security headers on every response (a header the view set wins)."""

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
