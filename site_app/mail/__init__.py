"""How mail leaves the app: the outbox, its delivery, the development mailbox, ``flask outbox``,
and the deferred jobs its deliverers run (:mod:`.jobs`).

Which mails a feature sends stays with the feature (``site_app/accounts/notifications.py`` for
accounts, ``site_app/contact/messages.py`` for contact); they call :func:`queue_mail`, then
:func:`commit_and_dispatch`.
"""

import logging

from flask import Flask

from .jobs import defer, deferrable, run_pending_jobs
from .outbox import (
    BackgroundDeliverer,
    can_deliver,
    commit_and_dispatch,
    deliver_pending,
    dispatch,
    queue_mail,
    uses_dev_mailbox,
)

__all__ = [
    "can_deliver",
    "commit_and_dispatch",
    "defer",
    "deferrable",
    "deliver_pending",
    "dispatch",
    "init_app",
    "queue_mail",
    "run_pending_jobs",
    "uses_dev_mailbox",
]
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the per-process deliverer, the development mailbox and ``flask outbox``."""
    from . import wording
    from .cli import outbox_cli
    from .mailbox import bp

    if not app.config.get("MAIL_SERVER") and not app.config["DEV_MAILBOX"]:
        log.warning(
            "MAIL_SERVER is not set: mails stay queued in the outbox until it is "
            "(development: set DEV_MAILBOX to read them at /dev/mailbox)"
        )

    app.extensions["outbox"] = BackgroundDeliverer(app, before=run_pending_jobs)
    app.register_blueprint(bp)
    app.cli.add_command(outbox_cli)
    wording.init_app(app)
