"""Where every sign-in ends and every sign-out starts: the password's (auth/views.py), the
mailed links', a passkey's (site_app/passkeys/views.py) — one session start for all."""

from flask import request, session
from flask_login import current_user, login_user, logout_user

from ..accounts import known_browsers, sessions
from ..extensions import db


def start_session(user) -> None:
    """Sign ``user`` in on a new server-side session and a fresh cookie.

    The session this browser had (any account) ends; no value of the old cookie survives.
    The browser is known for ``user`` from now on (site_app/accounts/known_browsers.py).
    """
    if current_user.is_authenticated:
        sessions.end_session(current_user.current_session)
    sessions.open_session(user, request.user_agent.string, request.remote_addr)
    db.session.commit()
    session.clear()
    login_user(user)
    known_browsers.remember_sign_in(user)


def complete_sign_in(user, previous_sign_in) -> None:
    """A sign-in that succeeded (password or passkey): the session starts
    (:func:`start_session`) and keeps the sign-in before it for the account page."""
    start_session(user)
    if previous_sign_in:
        session["previous_sign_in"] = previous_sign_in.isoformat()


def end_session() -> None:
    """Sign this browser out: its server-side session row ends, then the cookie is emptied."""
    if current_user.is_authenticated:
        sessions.end_session(current_user.current_session)
        db.session.commit()
    logout_user()
    session.clear()
