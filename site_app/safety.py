"""Request-level safety: where ``next`` may lead, and the security headers."""

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


def init_app(app: Flask) -> None:
    """Send the security headers on every response."""

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        if request.path.startswith("/help/"):
            # Material's pages carry small inline scripts of their own.
            policy = (
                current_app.config["CONTENT_SECURITY_POLICY"]
                .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
                .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
            )
        else:
            policy = current_app.config["CONTENT_SECURITY_POLICY"]
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if current_app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.path.startswith(("/help/", "/static/")):
            headers.setdefault("Cache-Control", "no-store")
        return response
