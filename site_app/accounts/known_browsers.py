"""Known browsers: strangers' use of an address's limits never holds its owner back.

OWASP's "device cookie" (Authentication Cheat Sheet, protecting against online guessing):
a browser that proved it belongs to an account keeps a signed, long-lived, HttpOnly
cookie naming that account, and the limits that strangers can spend for everyone (the
per-address mail quota, the per-account failure limit that protects it, B3) do not apply
to it: it has limits of its own, of the same size, which nobody else can spend.

The cookie (``KNOWN_BROWSER_COOKIE``, itsdangerous, ``KNOWN_BROWSER_LIFETIME``) holds a
random id for the browser — the key of its own limits — and up to
:data:`MAX_ACCOUNTS` entries, each naming an account by its public id:

- ``in``: the browser signed in to the account (password, sign-in link, activation). Bound
  to the account's security stamp, so a password change or reset retires every such
  entry at once (the browser that changed it from the account page gets a new one). It
  counts for the mail requests (sign-up, resend, reset) and for sign-in: while strangers
  keep the account protected (B3), this browser signs in with the password alone.
- ``up``: the browser signed up with the address. It counts for sign-ups only, for one
  window of ``MAIL_ACTIONS_PER_EMAIL`` after that browser's first sign-up with it: the owner
  whose pending sign-up a stranger replaced can sign up again and activate with one click
  (the pre-hijacking proof of :mod:`.tokens` holds as before), while a stranger gains
  at most that window's quota per browser, and each new browser costs a sign-up on the
  shared quota. It is given for any address alike (new, pending, active), so how many
  sign-ups are accepted tells nobody which addresses have accounts.

Reading the cookie costs nothing to a browser without one: the accounts it names are
looked up only when it is there.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from ..extensions import db
from ..limits.counters import window_seconds
from ..models import User

#: Accounts one browser is known for; the least recent is forgotten first.
MAX_ACCOUNTS = 5
SIGNED_IN, SIGNED_UP = "in", "up"


@dataclass
class _Cookie:
    browser: str
    entries: list  # [public_id, kind, binding, issued_at], the most recent first


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="site_app.known-browser")


def _binding(user: User) -> str:
    """A digest of the account's stamp: the entry dies with the password (nothing of the
    stamp itself is in the cookie)."""
    key = current_app.secret_key
    key = key if isinstance(key, bytes) else key.encode()
    message = f"known-browser:{user.public_id}:{user.security_stamp}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _cookie() -> _Cookie | None:
    """This request's cookie, read once; None without a valid one."""
    if "known_browser" not in g:
        g.known_browser = None
        value = request.cookies.get(current_app.config["KNOWN_BROWSER_COOKIE"])
        if value:
            lifetime = current_app.config["KNOWN_BROWSER_LIFETIME"].total_seconds()
            try:
                data = _serializer().loads(value, max_age=int(lifetime))
                g.known_browser = _Cookie(str(data["b"]), [list(e) for e in data["a"]])
            except (BadSignature, KeyError, TypeError, ValueError):
                pass
    return g.known_browser


def _valid(entry: list, user: User, now: float) -> str | None:
    """The kind of ``entry`` if it still holds for ``user``, else None."""
    _, kind, binding, issued_at = entry
    if kind == SIGNED_IN and user.is_active and hmac.compare_digest(binding, _binding(user)):
        return SIGNED_IN
    if kind == SIGNED_UP and now - issued_at < window_seconds("MAIL_ACTIONS_PER_EMAIL"):
        return SIGNED_UP
    return None


def _known_kinds(email: str) -> tuple[str | None, set[str]]:
    """This browser's id and the kinds of its valid entries for the account of ``email``."""
    cookie = _cookie()
    if cookie is None or not cookie.entries:
        return None, set()
    named = {entry[0] for entry in cookie.entries}
    user = db.session.scalar(select(User).where(User.public_id.in_(named), User.email == email))
    if user is None:
        return cookie.browser, set()
    now = time.time()
    kinds = {_valid(e, user, now) for e in cookie.entries if e[0] == user.public_id}
    return cookie.browser, kinds - {None}


def known_for_mail(email: str, signing_up: bool = False) -> str | None:
    """This browser's id if it is known for ``email`` (already normalised) when asking for
    a mail — a sign-up (``signing_up``), an activation or a reset — else None."""
    browser, kinds = _known_kinds(email)
    return browser if SIGNED_IN in kinds or (signing_up and SIGNED_UP in kinds) else None


def signed_in_before(email: str) -> str | None:
    """This browser's id if it signed in to the account of ``email`` (stamp unchanged)."""
    browser, kinds = _known_kinds(email)
    return browser if SIGNED_IN in kinds else None


def _remember(public_id: str, kind: str, binding: str) -> None:
    cookie = _cookie() or _Cookie(secrets.token_urlsafe(16), [])
    now = int(time.time())
    kept = [e for e in cookie.entries if (e[0], e[1]) == (public_id, kind)]
    # A sign-up keeps its first time: signing up again does not renew the window.
    issued_at = kept[0][3] if kind == SIGNED_UP and kept else now
    others = [e for e in cookie.entries if (e[0], e[1]) != (public_id, kind)]
    cookie.entries = [[public_id, kind, binding, issued_at], *others][:MAX_ACCOUNTS]
    g.known_browser, g.known_browser_changed = cookie, True


def remember_sign_in(user: User) -> None:
    """This browser signed in to ``user``: it is known for that account from now on."""
    _remember(user.public_id, SIGNED_IN, _binding(user))


def remember_sign_up(public_id: str) -> None:
    """This browser signed up with the address of the account ``public_id``."""
    _remember(public_id, SIGNED_UP, "")


def init_app(app: Flask) -> None:
    """Write the cookie on the responses of requests that changed it."""

    @app.after_request
    def _write_cookie(response):
        if g.get("known_browser_changed"):
            cookie, config = g.known_browser, current_app.config
            response.set_cookie(
                config["KNOWN_BROWSER_COOKIE"],
                _serializer().dumps({"b": cookie.browser, "a": cookie.entries}),
                max_age=int(config["KNOWN_BROWSER_LIFETIME"].total_seconds()),
                secure=config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
        return response
