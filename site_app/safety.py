"""Request-level safety: where ``next`` may lead, the security headers, the session cookie."""

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface


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


def init_app(app: Flask) -> None:
    """Send the security headers on every response; serve the guide's files before Flask."""
    from .help_static import GuideFiles

    with app.app_context():
        guide_headers = security_headers("/help/").items()
    app.wsgi_app = GuideFiles(
        app.wsgi_app, app.config["HELP_SITE_DIR"], guide_headers, app.config["HELP_CACHE_MAX_AGE"]
    )

    app.session_interface = SessionCookies()

    @app.after_request
    def _security_headers(response):
        path = request.path
        wanted = list(security_headers(path).items())
        if not path.startswith(("/help/", "/static/")):
            wanted.append(("Cache-Control", "no-store"))
        # A header the view set wins. (Asking the headers for each absent name one by one
        # raises and catches a KeyError per name inside werkzeug.)
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend([(n, v) for n, v in wanted if n.lower() not in present])
        return response


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, with the signer built once per key, not twice a request."""

    _signer = (None, None)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._signer[0] != keys:
            self._signer = (keys, super().get_signing_serializer(app))
        return self._signer[1]
