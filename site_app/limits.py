"""Rate limits (Flask-Limiter): failed sign-ins and mail-sending actions.

Failed sign-ins are counted per client address (B2, "IP temporarily blocked")
and per account across all addresses (slow guessing). Only failures count: the
check runs before the view, the hit after it, when the view flagged a failure.
Mail-sending actions are counted per address and per target email, so nobody
can flood someone's mailbox.
"""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from .extensions import limiter
from .forms import normalize_email


def _config(name):
    return lambda: current_app.config[name]


def _target_email() -> str:
    """The address the form is about (empty: the per-email limit is skipped)."""
    return normalize_email(request.form.get("email", ""))[:254]


def _login_failed(response) -> bool:
    return "login_failed" in g


def login_failure_limits(view):
    """Block an address, then an account, after too many failed sign-ins."""
    limited = limiter.limit(
        _config("LOGIN_FAILURES_PER_ACCOUNT"),
        key_func=_target_email,
        methods=["POST"],
        deduct_when=_login_failed,
        scope="login-account",
    )(view)
    limited = limiter.limit(
        _config("LOGIN_FAILURES_PER_IP"),
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=_login_failed,
        scope="login-ip",
    )(limited)
    return limited


def mail_action_limits(view):
    """Limit an action that sends mail, per address and per target email."""
    limited = limiter.shared_limit(
        _config("MAIL_ACTIONS_PER_EMAIL"),
        scope="mail-to",
        key_func=_target_email,
        methods=["POST"],
    )(view)
    limited = limiter.limit(
        _config("MAIL_ACTIONS_PER_IP"), key_func=get_remote_address, methods=["POST"]
    )(limited)
    return limited
