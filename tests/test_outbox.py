"""The mail outbox: nothing is lost when SMTP is down; ``flask outbox deliver``."""

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


def test_without_smtp_server_mails_go_to_the_dev_mailbox(make_app, inbox):
    app = make_app(MAIL_SERVER=None)
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


def test_dev_mailbox_is_closed_when_smtp_is_configured(client):
    assert client.get("/dev/mailbox").status_code == 404
