"""How mail leaves the app: the outbox, its delivery, the development mailbox, ``flask outbox``.

Which mails a feature sends stays with the feature (``site_app/notifications.py`` for
accounts, ``site_app/contact/messages.py`` for contact); they call :func:`queue_mail`, commit,
then :func:`dispatch`.
"""

from flask import Flask

from .outbox import BackgroundDeliverer, deliver_pending, dispatch, queue_mail, uses_dev_mailbox

__all__ = ["deliver_pending", "dispatch", "init_app", "queue_mail", "uses_dev_mailbox"]


def init_app(app: Flask) -> None:
    """Register the per-process deliverer, the development mailbox and ``flask outbox``."""
    from .cli import outbox_cli
    from .mailbox import bp

    app.extensions["outbox"] = BackgroundDeliverer(app)
    app.register_blueprint(bp)
    app.cli.add_command(outbox_cli)
