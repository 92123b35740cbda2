"""Why a request is refused: one :class:`Cause` per refusal, written once.

``errors.py`` renders a :class:`Blocked` from its cause (reference, help topic, title,
explanation; Retry-After from the counter), ``errors/error.html`` adds its advice, the
contact form picks its subject from the reference, and the guide's checks
(``tests/test_search_index.py``) find every reference and text in ``docs/topics.yml``.
Each cause is named for what happened, never another one's (issue 11).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import TooManyRequests


@dataclass(frozen=True)
class Cause:
    """One reason for a refusal and what its page says."""

    #: Kept in the session while the page is shown again (:mod:`.kept_page`).
    name: str
    #: Printed on the page, searched in the guide (``docs/topics.yml``).
    reference: str
    #: The help topic the page links to.
    topic: str
    title: object
    message: object
    #: The limit setting whose window the refusal waits for (its Retry-After).
    limit: str
    #: Shown again on the refused page until the block ends, not only for a while.
    kept_whole_block: bool = False


IP = Cause(
    "ip",
    "B2",
    "ip-blocked",
    _l("Too many attempts"),
    _l("Too many wrong passwords were entered from your IP address, so it is temporarily blocked."),
    "LOGIN_FAILURES_PER_IP",
    # Every sign-in from this network is refused until the block ends: the form is no use.
    kept_whole_block=True,
)
ACCOUNT = Cause(
    "account",
    "B3",
    "account-protected",
    _l("This account is protected"),
    _l(
        "Too many wrong passwords were tried on this account, from several connections. "
        "To protect it, the password alone isn't enough to sign in for a while."
    ),
    "LOGIN_FAILURES_PER_ACCOUNT",
)
MAIL = Cause(
    "mail",
    "E429-MAIL",
    "too-many-mails",
    _l("Too many emails requested for this address"),
    _l(
        "Several emails were already requested for this address recently. "
        "To avoid flooding its inbox, we won't send any more for now."
    ),
    "MAIL_ACTIONS_PER_EMAIL",
)
#: A known browser spent its own quota for the address (site_app/accounts/known_browsers.py).
MAIL_OWN = Cause(
    "mail-own",
    "E429-MAIL",
    "too-many-mails",
    _l("Too many emails requested for this address"),
    _l(
        "This browser has already asked for several emails for this address recently. "
        "To avoid flooding its inbox, we won't send any more for now."
    ),
    "MAIL_ACTIONS_PER_EMAIL",
)
MAIL_IP = Cause(
    "mail-ip",
    "E429-IP",
    "too-many-requests",
    _l("Too many requests"),
    _l("Many emails were requested from your connection recently. Wait before asking again."),
    "MAIL_ACTIONS_PER_IP",
)

#: Every cause, by name.
CAUSES = {cause.name: cause for cause in (IP, ACCOUNT, MAIL, MAIL_OWN, MAIL_IP)}


class Blocked(TooManyRequests):
    """A refusal for ``cause``, until ``reset_at`` (a time stamp)."""

    def __init__(self, cause: Cause, reset_at: float, shown_until: float | None = None):
        super().__init__()
        self.cause = cause
        self.reset_at = reset_at
        #: Set when the page is shown again (see :func:`.kept_page.keep_limit_page`).
        self.shown_until = shown_until
