"""What the site keeps of a person (issue 19, item 9): deleting the account erases every row
holding their address or their words once the goodbye mail has left, and ``accounts purge``
deletes sent mails after ``OUTBOX_RETENTION``.

The owner and a stranger are separate people; the check is a scan of every table, as
someone reading the database would do it.
"""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from conftest import PASSWORD, free_port, link_in, submit
from sqlalchemy import select

from site_app.accounts import rules as accounts
from site_app.extensions import db
from site_app.models import OutboxMail, UserSession

pytestmark = pytest.mark.both_databases

OWNER, STRANGER = "owner@example.org", "stranger@example.org"
OWNER_WORDS = "Mon dossier 4417 ZEBRA reste bloqué depuis lundi"
STRANGER_WORDS = "Le lien de mon dossier 9902 OKAPI a expiré"


def tables_holding(app, *needles: str) -> set[str]:
    """The tables with a row in which any of ``needles`` appears, in any column."""
    found = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                text = " ".join(str(value) for value in row).lower()
                if any(needle.lower() in text for needle in needles):
                    found.add(table.name)
    return found


def session_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(UserSession)).all())


def sign_up_and_write_to_support(app, inbox, address, words):
    """A person's browser: signs up, activates (signed in), writes to support, asks a reset."""
    person = app.test_client()
    submit(person, "/signup", {"email": address, "password": PASSWORD})
    submit(person, link_in(inbox.last(address), "/activate/"), {})
    submit(person, "/contact", {"email": address, "topic": "other", "message": words})
    submit(app.test_client(), "/password/forgot", {"email": address})
    return person


def test_deleting_the_account_leaves_nothing_of_the_person(app, inbox):
    owner = sign_up_and_write_to_support(app, inbox, OWNER, OWNER_WORDS)
    sign_up_and_write_to_support(app, inbox, STRANGER, STRANGER_WORDS)
    # The scan sees the person while the account exists.
    assert {"users", "outbox_mail", "contact_message"} <= tables_holding(app, OWNER)
    assert session_count(app) == 2  # each is signed in (sessions name the account by its id)
    assert {"outbox_mail", "contact_message"} <= tables_holding(app, OWNER_WORDS)

    submit(owner, "/account/delete", {"password": PASSWORD}, form_url="/account")

    assert inbox.last(OWNER)["Subject"] == "Votre compte a été supprimé"  # the goodbye left
    assert tables_holding(app, OWNER, OWNER_WORDS) == set()
    assert session_count(app) == 1
    # The stranger's account, mails and message are theirs: untouched.
    assert {"users", "outbox_mail", "contact_message"} <= tables_holding(app, STRANGER)
    assert {"outbox_mail", "contact_message"} <= tables_holding(app, STRANGER_WORDS)


def test_the_goodbye_mail_survives_smtp_down_and_is_erased_once_sent(make_app, inbox):
    port = free_port()
    app = make_app(MAIL_PORT=port)  # nothing listens there yet
    with app.app_context():
        accounts.register(OWNER, PASSWORD, "en")
        accounts.activate(accounts.find_user(OWNER), "en")
    owner = app.test_client()
    owner.set_cookie("lang", "en")  # the owner reads English: so are their mails
    submit(owner, "/login", {"email": OWNER, "password": PASSWORD})

    submit(owner, "/account/delete", {"password": PASSWORD}, form_url="/account")

    assert inbox.to(OWNER) == []
    # Only mails still to be delivered hold the address now, the goodbye among them.
    assert tables_holding(app, OWNER) == {"outbox_mail"}
    with app.app_context():
        waiting = db.session.scalars(select(OutboxMail).where(OutboxMail.recipient == OWNER)).all()
        assert all(mail.sent_at is None for mail in waiting)
        assert "account_deleted" in {mail.kind for mail in waiting}

    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()  # SMTP is back; the operator (or the worker) delivers
    try:
        result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    finally:
        controller.stop()

    assert result.exit_code == 0, result.output
    assert inbox.last(OWNER)["Subject"] == "Your account has been deleted"
    assert tables_holding(app, OWNER) == set()


class RefusingServer:
    """An SMTP server that turns one mailbox away for now (450: its mails stay pending; a 5xx
    would refuse them for good) and hands the rest to the test inbox."""

    def __init__(self, inbox, refused):
        self.inbox, self.refused = inbox, refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return await self.inbox.handle_DATA(server, session, envelope)


def test_purge_deletes_sent_mails_after_the_retention_but_never_waiting_ones(
    make_app, inbox, time_machine
):
    refused = "refused@example.org"
    port = free_port()
    controller = Controller(RefusingServer(inbox, refused), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_app(MAIL_PORT=port)
        time_machine.move_to("2030-05-01 08:00:00+00:00", tick=False)
        for address in ("old@example.org", refused):
            submit(app.test_client(), "/signup", {"email": address, "password": PASSWORD})
        time_machine.move_to("2030-05-07 08:00:00+00:00", tick=False)
        submit(app.test_client(), "/signup", {"email": "recent@example.org", "password": PASSWORD})
    finally:
        controller.stop()
    assert {m["To"] for m in inbox.messages} == {"old@example.org", "recent@example.org"}

    time_machine.move_to("2030-05-08 08:00:01+00:00", tick=False)  # 7 days after the first
    result = app.test_cli_runner().invoke(args=["accounts", "purge"])

    assert result.exit_code == 0, result.output
    assert "Deleted 1 sent mail(s)" in result.output
    with app.app_context():
        left = {
            (mail.recipient, mail.sent_at is None)
            for mail in db.session.scalars(select(OutboxMail))
        }
    # The mail sent a week ago is gone; the one sent a day ago stays, and the mail the
    # server refused for a week is still waiting for delivery.
    assert left == {("recent@example.org", False), (refused, True)}


def test_the_retention_is_a_setting(make_app, inbox, time_machine):
    app = make_app(OUTBOX_RETENTION=timedelta(days=30))
    time_machine.move_to("2030-05-01 08:00:00+00:00", tick=False)
    submit(app.test_client(), "/signup", {"email": "kept@example.org", "password": PASSWORD})
    time_machine.move_to("2030-05-08 08:00:01+00:00", tick=False)
    assert (
        "Deleted 0 sent mail(s)" in app.test_cli_runner().invoke(args=["accounts", "purge"]).output
    )
    time_machine.move_to("2030-05-31 08:00:01+00:00", tick=False)
    assert (
        "Deleted 1 sent mail(s)" in app.test_cli_runner().invoke(args=["accounts", "purge"]).output
    )
