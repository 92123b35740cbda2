"""What this browser did that the guide may tell it about, kept in its own session.

Only facts of this browser go here: the receipt of the mail its sign-up (or, for a browser
that signed in to the account, its reset request) caused, the limit page it was shown, the
link page it was shown. Nothing is looked up by an address typed in, and nothing here
changes with what other people do (see :mod:`.receipts`).
"""

import time

from flask import current_app, session
from flask_babel import get_locale

from .receipts import tracking

MAIL, BLOCK, LINK = "situation_mail", "situation_block", "situation_link"
#: How long the page of a link problem is remembered for the guide (seconds).
LINK_MEMORY = 3600


def sign_up(register):
    """Run ``register()`` (:func:`site_app.accounts.rules.register`), tracking the one mail it
    queues whatever the address — the activation mail or the notice to an account's
    owner — and remember its receipt and the time, for the activation deadline."""
    with tracking() as holder:
        outcome = register()
    if holder.ticket:
        # The language of the sign-up: its mail's, whether it went to a new account or to
        # the owner of an existing one (named in the reader's language, not the owner's).
        session[MAIL] = {"t": holder.ticket, "at": time.time(), "why": "signup", "l": _locale()}
    return outcome


def remember_mail(ticket: str, why: str) -> None:
    """Keep the receipt ``ticket`` of a mail this browser asked for (``why``: ``reset``)."""
    session[MAIL] = {"t": ticket, "at": time.time(), "why": why, "l": _locale()}


def remember_block(cause: str, reset_at: float) -> None:
    """This browser was shown the limit page of ``cause``, until ``reset_at``."""
    session[BLOCK] = [cause, float(reset_at)]


def remember_link(purpose: str, problem: str, replaced: bool, when) -> None:
    """This browser was shown the page of a link problem (``when``: a UTC datetime or None:
    when the link expired, was replaced or was used)."""
    stamp = when.timestamp() if when is not None else None
    session[LINK] = [purpose, problem, bool(replaced), stamp, time.time()]


def families() -> list[str]:
    """Which kinds of situation this session holds now (no database look-up): what the
    guide's pages reserve room for before their script asks (``help_situation`` cookie)."""
    now = time.time()
    found = []
    mail = session.get(MAIL)
    if isinstance(mail, dict) and now < mail.get("at", 0) + _mail_memory():
        found.append("mail")
    block = session.get(BLOCK)
    if isinstance(block, list) and len(block) == 2 and now < block[1]:
        found.append("block")
    link = session.get(LINK)
    if isinstance(link, list) and len(link) == 5 and now < link[4] + LINK_MEMORY:
        found.append("link")
    return found


def _locale() -> str:
    return str(get_locale())


def _mail_memory() -> float:
    """A mail's receipt is shown until the activation deadline of the sign-up."""
    return current_app.config["ACTIVATION_DELAY"].total_seconds()
