"""Rate limits: password attempts (sign-in, account page) and requests that send mail.

Counted by hand on Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``: memory, or Redis
shared by every process) rather than with its decorators, because a decorator checks
before the view and counts after it: 30 parallel wrong passwords were all verified before
the first was counted. Here an attempt is counted *before* the password is verified (one
atomic increment) and given back when it succeeded, so only failures stay counted.

Keys are what the address really is: the validated, normalised email (the form stored
on the account; an invalid address opens no counter) and the client's network (an IPv4
address, an IPv6 /64, which one household or server usually holds whole).

Every refusal is a :class:`Blocked` error naming its cause; ``errors.py`` gives each cause
its own page, reference and help topic.
"""

import logging
import time
from dataclasses import dataclass
from functools import lru_cache, wraps

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from ..accounts.addresses import stored_address
from ..extensions import limiter
from ..security.network import client_network

log = logging.getLogger(__name__)

#: How long a process counts in its own memory after the shared storage failed.
RETRY_STORAGE_AFTER = 30


class Blocked(TooManyRequests):
    """A refusal: ``cause`` is ``ip``, ``account``, ``mail``, ``mail-own`` or ``mail-ip``
    (see errors.py)."""

    def __init__(self, cause: str, reset_at: float, shown_until: float | None = None):
        super().__init__()
        self.cause = cause
        self.reset_at = reset_at
        #: Set when the page is shown again (see :func:`keep_limit_page`).
        self.shown_until = shown_until


class _Counters:
    """Fixed-window counters on the shared storage, or in memory while it is unreachable."""

    def __init__(self):
        self.memory = FixedWindowRateLimiter(MemoryStorage())
        self.retry_at = 0.0

    def run(self, method: str, *args, **kwargs):
        if time.monotonic() >= self.retry_at:
            try:
                return getattr(FixedWindowRateLimiter(limiter.storage), method)(*args, **kwargs)
            except Exception:  # noqa: BLE001 - any storage failure: keep serving
                log.warning("limit storage unreachable; counting in memory", exc_info=True)
                self.retry_at = time.monotonic() + RETRY_STORAGE_AFTER
        return getattr(self.memory, method)(*args, **kwargs)


def _counters() -> _Counters:
    counters = current_app.extensions.get("site_limits")
    if counters is None:  # once per app (a MemoryStorage starts a timer thread)
        counters = current_app.extensions["site_limits"] = _Counters()
    return counters


@lru_cache(maxsize=32)
def _parse(value: str):
    return parse(value)


def _item(name: str):
    return _parse(current_app.config[name])


def _hit(name: str, *key: str, cost: int = 1) -> bool:
    return _counters().run("hit", _item(name), *key, cost=cost)


def _give_back(name: str, *key: str) -> None:
    _counters().run("hit", _item(name), *key, cost=-1)


def window_seconds(name: str) -> int:
    """The length of the window of the limit setting ``name`` (e.g. 3600 for "3 per hour")."""
    return _item(name).get_expiry()


def _reset_at(name: str, *key: str) -> float:
    reset = _counters().run("get_window_stats", _item(name), *key).reset_time
    return reset if reset > time.time() else time.time() + _item(name).get_expiry()


def _first_in_window(name: str, *key: str) -> bool:
    """True once per window of the limit ``name`` (e.g. one warning mail per attack)."""
    item = _item(name)
    return _counters().run("hit", type(item)(1, item.multiples), "once", *key)


@dataclass
class PasswordAttempt:
    """One password about to be verified, already counted.

    ``under_attack``: the account's limit is spent (guessing from many addresses); the
    password may then only lead to a sign-in link sent by mail. ``first_alarm``: this is
    the first attempt of the attack's window (warn the owner once).
    """

    scope: str
    network: str
    email: str | None
    under_attack: bool = False
    first_alarm: bool = False
    reset_at: float = 0.0
    #: The key of the account's failure count: the account's, or a known browser's own.
    account_key: tuple = ()

    def succeeded(self) -> None:
        """The password was right: give the attempt back (only failures count)."""
        _give_back("LOGIN_FAILURES_PER_IP", "login-ip", self.network)
        if self.account_key and not self.under_attack:
            _give_back("LOGIN_FAILURES_PER_ACCOUNT", *self.account_key)


def count_password_attempt(
    email: str | None, scope: str = "login-account", browser: str | None = None
) -> PasswordAttempt:
    """Count an attempt before its password is verified; raise :class:`Blocked` (B2) if
    this network has failed too often. ``email`` is the validated address, or None (an
    invalid address opens no counter of its own). ``browser``: a browser known for the
    account (site_app/accounts/known_browsers.py), whose failures are its own count — so it is
    never protected against because of strangers, nor adds to their count."""
    network = client_network()
    if not _hit("LOGIN_FAILURES_PER_IP", "login-ip", network):
        raise Blocked("ip", _reset_at("LOGIN_FAILURES_PER_IP", "login-ip", network))
    attempt = PasswordAttempt(scope, network, email)
    if email:
        key = (f"{scope}-known", email, browser) if browser else (scope, email)
        attempt.account_key = key
        if not _hit("LOGIN_FAILURES_PER_ACCOUNT", *key):
            attempt.under_attack = True
            attempt.reset_at = _reset_at("LOGIN_FAILURES_PER_ACCOUNT", *key)
            attempt.first_alarm = _first_in_window("LOGIN_FAILURES_PER_ACCOUNT", *key)
    return attempt


#: Seconds a limit page is shown again on GETs of the refused page (the language switch).
KEEP_LIMIT_PAGE = 120


def keep_limit_page(error: Blocked) -> None:
    """Remember a refusal so that, for a short while, GETs of the refused page show it again:
    the language switch redirects there, and the explanation must survive it.

    Kept in the refused person's session, so a page view asks the limit storage nothing
    (a look-up on every GET /login cost a third of the page's throughput: bench/README.md);
    a fresh session on a blocked network gets the form, and its first POST the B2 page.
    B2 is kept for the whole block: every sign-in from this network is refused until it
    ends, so the form would be of no use. The others only for :data:`KEEP_LIMIT_PAGE`:
    a mail quota holds for one address, and the form may still serve for another.
    """
    until = error.reset_at if error.cause == "ip" else time.time() + KEEP_LIMIT_PAGE
    shown_until = error.shown_until or min(error.reset_at, until)
    session["limit_page"] = [request.endpoint, error.cause, error.reset_at, shown_until]


def init_app(app: Flask) -> None:
    """Show a kept limit page again on GETs of the refused page, for a short while."""

    @app.before_request
    def _show_kept_limit_page():
        if request.method != "GET" or "limit_page" not in session:
            return
        endpoint, cause, reset_at, shown_until = session["limit_page"]
        if time.time() >= shown_until:
            del session["limit_page"]
        elif endpoint == request.endpoint:
            raise Blocked(cause, reset_at, shown_until)


def password_check_limits(view):
    """Limit a signed-in person's password checks (change password, delete the account)
    like sign-ins. The view sets ``g.password_failed`` when the password was wrong."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "POST" or not current_user.is_authenticated:
            return view(*args, **kwargs)
        attempt = count_password_attempt(current_user.email, scope="account-password")
        if attempt.under_attack:
            raise Blocked("account", attempt.reset_at)
        answer = view(*args, **kwargs)
        if not g.get("password_failed"):
            attempt.succeeded()
        return answer

    return wrapper


def count_mail_request(email: str, browser: str | None = None) -> None:
    """Count an accepted request that sends mail (sign-up, activation, reset) — never a
    refused form. Counted whether or not the address has an account, so the quota tells
    nobody which addresses do. Raise :class:`Blocked` when this network (per page) or this
    address has asked for too many. ``browser``: a browser known for the address
    (site_app/accounts/known_browsers.py) counts on a quota of its own, of the same size, that
    strangers cannot spend (cause ``mail-own`` when it spent it itself)."""
    network, page = client_network(), f"mail-from:{request.endpoint}"
    if not _hit("MAIL_ACTIONS_PER_IP", page, network):
        raise Blocked("mail-ip", _reset_at("MAIL_ACTIONS_PER_IP", page, network))
    key, cause = ("mail-to-known", email, browser), "mail-own"
    if not browser:
        key, cause = ("mail-to", email), "mail"
    if not _hit("MAIL_ACTIONS_PER_EMAIL", *key):
        _give_back("MAIL_ACTIONS_PER_IP", page, network)
        raise Blocked(cause, _reset_at("MAIL_ACTIONS_PER_EMAIL", *key))


def sign_in_link_allowed(email: str) -> bool:
    """Whether one more sign-in link may be mailed to ``email`` (its own quota, so people
    who know the password cannot spend the owner's reset quota with it)."""
    return _hit("MAIL_ACTIONS_PER_EMAIL", "sign-in-link", email)


def contact_limits(view):
    """The contact form's own limits, ``CONTACT_PER_IP`` per network and ``CONTACT_PER_EMAIL``
    acknowledgements per sender address, counted on every POST: never the sign-up and reset
    quotas above, so someone they block can still reach support."""
    limited = limiter.limit(
        lambda: current_app.config["CONTACT_PER_EMAIL"],
        key_func=lambda: stored_address(request.form.get("email", "")[:254]) or "",
        methods=["POST"],
        scope="contact-from",
    )(view)
    return limiter.limit(
        lambda: current_app.config["CONTACT_PER_IP"],
        key_func=client_network,
        methods=["POST"],
        scope="contact-ip",
    )(limited)
