"""A reset asked from a browser that signed in to the account: its mail gets a receipt.

Such a browser knows the account exists (it signed in with its password, and its known-
browser entry dies with that password: site_app/accounts/known_browsers.py), so telling it
what became of the mail tells it nothing new. Any other browser's request runs as before
and gets no receipt: the answer to a reset is the same for every address.
"""

from collections.abc import Callable

from ..accounts import known_browsers
from ..mail.jobs import defer, deferrable, job_named
from . import record
from .receipts import new_ticket, tracking


@deferrable("job-with-receipt")
def run_with_receipt(kind: str, ticket: str, **arguments) -> None:
    """Run the deferred job ``kind`` with its mail tracked under ``ticket``."""
    with tracking(ticket):
        job_named(kind)(**arguments)


def defer_password_reset(reset: Callable, email: str, locale: str) -> None:
    """Defer ``reset`` (the account rules' deferrable reset) of ``email``; with a receipt of
    its mail if this browser signed in to that account before."""
    if known_browsers.signed_in_before(email) is None:
        defer(reset, email=email, locale=locale)
        return
    ticket = new_ticket()
    record.remember_mail(ticket, "reset")
    defer(run_with_receipt, kind=reset.job_kind, ticket=ticket, email=email, locale=locale)
