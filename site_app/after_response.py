"""Work done once the answer has been sent, so its duration tells nothing.

Asking for a reset link or a new activation mail answers the same page whether
the address has an account or not, but only an account gets a mail rendered,
queued and committed: about 20 ms (and a write to disk) that a stranger could
time to learn which addresses have accounts. Such work runs here after the
response: the WSGI server calls ``close()`` on the response once the last byte
is sent (gunicorn, Werkzeug's server), and the work runs then, in the same
request context (copied), so the answer takes the same time either way.

With ``OUTBOX_DELIVERY = "inline"`` (the tests) everything happens before the
answer, as mail delivery does. A failure after the response cannot reach the
person any more: it is logged, and the person may ask again.
"""

import logging
from functools import partial

from flask import after_this_request, copy_current_request_context, current_app

log = logging.getLogger(__name__)


def after_response(func, *args, **kwargs) -> None:
    """Call ``func(*args, **kwargs)`` once the response is sent (before it when "inline")."""
    if current_app.config["OUTBOX_DELIVERY"] == "inline":
        func(*args, **kwargs)
        return
    job = copy_current_request_context(partial(func, *args, **kwargs))

    @after_this_request
    def _on_close(response):
        response.call_on_close(partial(_run, job))
        return response


def _run(job) -> None:
    try:
        job()
    except Exception:  # the answer is gone: log it, never raise into the server
        log.exception("work after the response failed")
