"""The mail outbox: nothing is lost when SMTP is down; ``flask outbox deliver``."""

import logging

import pytest
from aiosmtpd.controller import Controller
from conftest import PASSWORD, free_port, link_in, submit
from sqlalchemy import select

from site_app.extensions import db
from site_app.models import OutboxMail, User

pytestmark = pytest.mark.both_databases


def test_sign_up_while_smtp_is_down_keeps_account_and_mail(make_app, inbox):
    port = free_port()
    app = make_app(MAIL_PORT=port)  # nothing listens there yet
    client = app.test_client()
    answer = submit(client, "/signup", {"email": "patient@example.org", "password": PASSWORD})
    assert answer.status_code == 302
    assert inbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "patient@example.org"))
        mail = db.session.scalar(select(OutboxMail))
        assert mail.sent_at is None and mail.attempts == 1
        assert "ConnectionRefusedError" in mail.last_error
        assert mail.next_attempt_at > mail.created_at

    # SMTP comes back on the same address: the operator flushes the queue.
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert "Sent 1 mail(s), 0 failed" in result.output
    mail = inbox.last("patient@example.org")
    assert mail["Subject"] == "VEUILLEZ ACTIVER VOTRE COMPTE"
    # The link in the late mail still works.
    page = submit(client, link_in(mail, "/activate/"), {}, follow_redirects=True)
    assert page.request.path == "/account"


def test_a_delivery_failure_is_logged_without_the_address(make_app, inbox, caplog):
    """Operators see which mail failed and why; the log keeps no one's whole address."""
    app = make_app(MAIL_PORT=free_port())  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="site_app"):
        submit(
            app.test_client(),
            "/signup",
            {"email": "private.person@example.org", "password": PASSWORD},
        )
    lines = [r.getMessage() for r in caplog.records if "not delivered" in r.getMessage()]
    assert lines, [r.getMessage() for r in caplog.records]
    for line in lines:
        assert "private.person" not in line and "p***@example.org" in line, line


def test_a_migration_run_in_the_same_process_keeps_the_sites_warnings(make_app, inbox, caplog):
    """``flask db upgrade`` configures logging from alembic.ini when nothing else did; it
    must not disable the loggers that exist (a shell or test process that migrates and then
    serves would lose every "not delivered" warning)."""
    from flask_migrate import upgrade

    app = make_app(MAIL_PORT=free_port())  # nothing listens there
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    for handler in saved_handlers:  # as in a fresh shell: logging not configured yet
        root.removeHandler(handler)
    try:
        with app.app_context():
            db.drop_all()
            upgrade()
            db.session.remove()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
    assert not logging.getLogger("site_app.mail.outbox").disabled
    with caplog.at_level(logging.WARNING, logger="site_app"):
        submit(app.test_client(), "/signup", {"email": "late@example.org", "password": PASSWORD})
    assert any("not delivered" in r.getMessage() for r in caplog.records)


def test_deliver_reports_failures_and_exits_non_zero(make_app, inbox):
    app = make_app(MAIL_PORT=free_port())
    submit(app.test_client(), "/signup", {"email": "a@example.org", "password": PASSWORD})
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 1
    assert "Sent 0 mail(s), 1 failed and stay pending" in result.output
    status = app.test_cli_runner().invoke(args=["outbox", "status"])
    assert "1 pending" in status.output and "a@example.org" in status.output


def test_a_mail_is_sent_once_with_a_stable_message_id(app, client, inbox):
    submit(client, "/signup", {"email": "once@example.org", "password": PASSWORD})
    with app.app_context():
        mail = db.session.scalar(select(OutboxMail))
        assert mail.sent_at is not None and mail.transport == "smtp"
        message_id = mail.message_id
    again = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert "Sent 0 mail(s)" in again.output
    assert len(inbox.to("once@example.org")) == 1
    assert inbox.last("once@example.org")["Message-ID"] == message_id


def test_without_smtp_server_mails_go_to_the_dev_mailbox_when_enabled(make_app, inbox):
    app = make_app(MAIL_SERVER=None, DEV_MAILBOX=True)
    client = app.test_client()
    submit(client, "/signup", {"email": "dev@example.org", "password": PASSWORD})
    assert inbox.messages == []
    page = client.get("/dev/mailbox")
    assert page.status_code == 200
    assert "VEUILLEZ ACTIVER VOTRE COMPTE" in page.text and 'data-help-point="4"' in page.text
    assert "/activate/" in page.text
    with app.app_context():
        mail_id = db.session.scalar(select(OutboxMail.id))
    assert "Activer mon compte" in client.get(f"/dev/mailbox/{mail_id}").text


def test_dev_mailbox_is_closed_when_smtp_is_configured(make_app):
    client = make_app(DEV_MAILBOX=True).test_client()
    assert client.get("/dev/mailbox").status_code == 404


def test_without_smtp_mails_stay_queued_and_no_mailbox_opens(make_app, inbox, database_uri):
    """A production start without SMTP settings: strangers read nothing, the owner loses nothing.

    The attacker asks a reset for the owner's address and looks for /dev/mailbox; the owner
    gets the mails in their own mailbox once the operator sets MAIL_SERVER.
    """
    from site_app import create_app

    app = make_app(MAIL_SERVER=None)  # DEV_MAILBOX left at its default
    assert app.config["DEV_MAILBOX"] is False
    owner = app.test_client()
    submit(owner, "/signup", {"email": "owner@example.org", "password": PASSWORD})

    attacker = app.test_client()
    submit(attacker, "/password/forgot", {"email": "owner@example.org"})
    for path in ("/dev/mailbox", "/dev/mailbox/1", "/dev/mailbox/2"):
        assert attacker.get(path).status_code == 404
    with app.app_context():
        mails = db.session.scalars(select(OutboxMail)).all()
        assert len(mails) == 2 and all(m.sent_at is None and m.attempts == 0 for m in mails)
    refused = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert refused.exit_code == 1 and "MAIL_SERVER is not set" in refused.output
    assert inbox.messages == []

    # The operator sets MAIL_SERVER: the queued mails reach the owner, and their link works.
    with_smtp = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": inbox.port,
            "MAIL_SUPPRESS_SEND": False,
            "PUBLIC_URL": "http://localhost",
            "HELP_SITE_DIR": app.config["HELP_SITE_DIR"],
        }
    )
    result = with_smtp.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert "Sent 2 mail(s), 0 failed" in result.output
    with with_smtp.app_context():
        db.engine.dispose()
    activation = inbox.last("owner@example.org")
    assert len(inbox.to("owner@example.org")) == 2
    page = submit(owner, link_in(activation, "/activate/"), {}, follow_redirects=True)
    assert page.request.path == "/account"


def test_make_run_opens_the_dev_mailbox_explicitly():
    import subprocess

    from conftest import ROOT

    plan = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    assert "FLASK_DEV_MAILBOX=true" in plan and "flask run" in plan
