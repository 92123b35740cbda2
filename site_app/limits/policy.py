"""What counts where: password attempts, requests that send mail, the contact form."""

from dataclasses import dataclass

from flask import current_app, request

from ..accounts.addresses import stored_address
from ..extensions import limiter
from ..security.network import client_network
from . import counters
from .causes import ACCOUNT, IP, MAIL, MAIL_IP, MAIL_OWN, Blocked


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
        counters.give_back(IP.limit, "login-ip", self.network)
        if self.account_key and not self.under_attack:
            counters.give_back(ACCOUNT.limit, *self.account_key)


def count_password_attempt(
    email: str | None, scope: str = "login-account", browser: str | None = None
) -> PasswordAttempt:
    """Count an attempt before its password is verified; raise :class:`~.causes.Blocked` (B2) if
    this network has failed too often. ``email`` is the validated address, or None (an
    invalid address opens no counter of its own). ``browser``: a browser known for the
    account (site_app/accounts/known_browsers.py), whose failures are its own count — so it is
    never protected against because of strangers, nor adds to their count."""
    network = client_network()
    if not counters.hit(IP.limit, "login-ip", network):
        raise Blocked(IP, counters.reset_at(IP.limit, "login-ip", network))
    attempt = PasswordAttempt(scope, network, email)
    if email:
        key = (f"{scope}-known", email, browser) if browser else (scope, email)
        attempt.account_key = key
        if not counters.hit(ACCOUNT.limit, *key):
            attempt.under_attack = True
            attempt.reset_at = counters.reset_at(ACCOUNT.limit, *key)
            attempt.first_alarm = counters.first_in_window(ACCOUNT.limit, *key)
    return attempt


def count_mail_request(email: str, browser: str | None = None) -> None:
    """Count an accepted request that sends mail (sign-up, activation, reset) — never a
    refused form. Counted whether or not the address has an account, so the quota tells
    nobody which addresses do. Raise :class:`Blocked` when this network (per page) or this
    address has asked for too many. ``browser``: a browser known for the address
    (site_app/accounts/known_browsers.py) counts on a quota of its own, of the same size, that
    strangers cannot spend (:data:`~.causes.MAIL_OWN` when it spent it itself)."""
    network, page = client_network(), f"mail-from:{request.endpoint}"
    if not counters.hit(MAIL_IP.limit, page, network):
        raise Blocked(MAIL_IP, counters.reset_at(MAIL_IP.limit, page, network))
    key, cause = ("mail-to-known", email, browser), MAIL_OWN
    if not browser:
        key, cause = ("mail-to", email), MAIL
    if not counters.hit(cause.limit, *key):
        counters.give_back(MAIL_IP.limit, page, network)
        raise Blocked(cause, counters.reset_at(cause.limit, *key))


def sign_in_link_allowed(email: str) -> bool:
    """Whether one more sign-in link may be mailed to ``email`` (its own quota, so people
    who know the password cannot spend the owner's reset quota with it)."""
    return counters.hit("MAIL_ACTIONS_PER_EMAIL", "sign-in-link", email)


def activation_reminder_allowed(email: str) -> bool:
    """Whether one more activation mail may follow a sign-in with the right password of an
    account never activated (a quota of its own, like the sign-in links')."""
    return counters.hit("MAIL_ACTIONS_PER_EMAIL", "activation-reminder", email)


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
