"""Help that knows the reader's own situation: GET /api/situation (issue 23).

Each reader is a browser of their own (a test client); the mail goes through a real SMTP
server (aiosmtpd), down, then up, then refusing an address with 550. The attacker and the
owner of an address are separate people, and the attacker's answer must be the same
whatever the owner has or does.
"""

import re
import time

import pytest
from aiosmtpd.controller import Controller
from conftest import PASSWORD, Inbox, free_port, link_in, submit
from sqlalchemy import select

from site_app.extensions import db
from site_app.models import MailReceipt, OutboxMail

pytestmark = pytest.mark.both_databases

REFUSAL = "550 5.1.1 <nobody@example.com>: mailbox unavailable"


class RefusingInbox(Inbox):
    """A mail server whose mailbox ``nobody@example.com`` does not exist."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() == "nobody@example.com":
            return REFUSAL
        envelope.rcpt_tos.append(address)
        return "250 OK"


def situation(client, lang="en"):
    answer = client.get(f"/api/situation?in={lang}")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    return answer.get_json()


def text(part) -> str:
    """A part's lines as a reader reads them (its bdi runs inline)."""
    return " ".join(
        "".join(run if isinstance(run, str) else run["bdi"] for run in line)
        for line in part["lines"]
    )


def without_times(value):
    """The answer with its clock times and dates blanked (two runs a second apart)."""
    as_text = repr(value)
    as_text = re.sub(r"\d{1,2}:\d{2}(\s?[AP]M|\s?[صم])? UTC", "HH:MM UTC", as_text)
    return re.sub(r"'reset_at': \d+", "'reset_at': T", as_text)


def test_a_browser_that_did_nothing_gets_nothing(client):
    assert situation(client) == {"mail": None, "block": None, "link": None}
    assert "help_situation" not in client.get("/api/situation").headers.get("Set-Cookie", "")


def test_after_a_sign_up_the_mail_is_sent_to_the_masked_address(app, client, inbox):
    answer = submit(client, "/signup", {"email": "camille@example.com", "password": PASSWORD})
    assert "help_situation=mail" in answer.headers["Set-Cookie"]
    sender = inbox.last("camille@example.com")["From"].addresses[0].display_name
    mail = situation(client, "en")["mail"]
    assert mail["kind"] == "mail-sent"
    said = text(mail)
    assert "c••••@example.com" in said and "camille" not in said
    assert re.search(r"at \d{1,2}:\d{2}\s[AP]M UTC", said)  # the English clock, as in the mails
    assert f'the sender\'s name is "{sender}".' in said  # as the mail shows it
    assert "Activate the account before" in said  # the deadline, 48 h after the sign-up
    # In every language, from the app's catalogs.
    for lang in app.config["LANGUAGES"]:
        told = situation(client, lang)["mail"]
        assert told["kind"] == "mail-sent" and told["title"]
        if lang != "en":
            assert told["title"] != mail["title"], lang
    # Another browser sees nothing.
    assert situation(app.test_client())["mail"] is None


def test_mail_queued_while_smtp_is_down_then_sent_then_refused(make_app, inbox):
    port = free_port()
    app = make_app(MAIL_PORT=port)  # nothing listens there yet
    client = app.test_client()
    submit(client, "/signup", {"email": "patient@example.com", "password": PASSWORD})
    queued = situation(client, "en")["mail"]
    assert queued["kind"] == "mail-queued"
    assert "reach the email server yet. Next attempt at" in text(queued)

    refusing = RefusingInbox()
    controller = Controller(refusing, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert app.test_cli_runner().invoke(args=["outbox", "deliver"]).exit_code == 0
        assert situation(client, "en")["mail"]["kind"] == "mail-sent"
        assert refusing.last("patient@example.com")

        # A mistyped address: the receiving server refuses it for good.
        other = app.test_client()
        submit(other, "/signup", {"email": "nobody@example.com", "password": PASSWORD})
        refused = situation(other, "en")["mail"]
        assert refused["kind"] == "mail-refused"
        said = text(refused)
        assert "550 5.1.1 <n••••@example.com>: mailbox unavailable" in said
        assert "nobody@" not in said
        assert refused["link"]["href"] == "/signup"
        # The outbox keeps the reply and does not try again.
        with app.app_context():
            mail = db.session.scalar(
                select(OutboxMail).where(OutboxMail.recipient == "nobody@example.com")
            )
            assert mail.refused_at is not None and mail.last_error == REFUSAL
            attempts = mail.attempts
        again = app.test_cli_runner().invoke(args=["outbox", "deliver", "--help"])
        assert again.exit_code == 0
        assert "Sent 0 mail(s)" in app.test_cli_runner().invoke(args=["outbox", "deliver"]).output
        status = app.test_cli_runner().invoke(args=["outbox", "status"]).output
        assert "0 pending" in status and "refused: 550 5.1.1" in status
        with app.app_context():
            assert db.session.get(OutboxMail, mail.id).attempts == attempts
    finally:
        controller.stop()
    assert [m["To"] for m in refusing.messages] == ["patient@example.com"]


def test_a_stranger_signing_up_an_address_learns_nothing_of_its_account(make_app, inbox):
    """Same answer whether the address is new or its account is active, and whatever its
    owner does afterwards (signs in, deletes the account)."""

    def attacker_sees(app, owner_acts):
        attacker = app.test_client()
        submit(attacker, "/signup", {"email": "target@example.com", "password": "an0ther pass"})
        before = without_times(situation(attacker, "fr"))
        owner_acts()
        after = without_times(situation(attacker, "fr"))
        return before, after

    # World 1: the address has no account.
    fresh = make_app()
    world_1 = attacker_sees(fresh, lambda: None)

    # World 2: the address has an active account, whose owner then deletes it.
    app = make_app()
    owner = app.test_client()
    submit(owner, "/signup", {"email": "target@example.com", "password": PASSWORD})
    submit(owner, link_in(inbox.last("target@example.com"), "/activate/"), {})

    def owner_deletes():
        submit(owner, "/account/delete", {"password": PASSWORD}, form_url="/account")

    world_2 = attacker_sees(app, owner_deletes)
    assert world_1 == world_2
    assert world_1[0] == world_1[1]
    assert "mail-sent" in world_1[0]


def test_a_reset_from_a_stranger_shows_nothing_from_a_known_browser_its_mail(app, member, inbox):
    for exists in ("member@example.org", "nobody-here@example.org"):
        stranger = app.test_client()
        submit(stranger, "/password/forgot", {"email": exists})
        assert situation(stranger) == {"mail": None, "block": None, "link": None}
    # The owner's browser, which signed in to the account before, sees its mail.
    owner = app.test_client()
    submit(owner, "/login", {"email": member, "password": PASSWORD})
    submit(owner, "/logout", {}, form_url="/account")
    submit(owner, "/password/forgot", {"email": member})
    assert inbox.last(member)["Subject"]
    mail = situation(owner)["mail"]
    assert mail["kind"] == "mail-sent" and "m••••@example.org" in text(mail)
    assert "Activate the account" not in text(mail)  # no deadline for a reset


def test_blocked_says_which_limit_and_the_minutes_of_the_refusal_page(app, client):
    for _ in range(5):
        submit(client, "/login", {"email": "someone@example.org", "password": "wrong one"})
    page = submit(client, "/login", {"email": "someone@example.org", "password": "wrong one"})
    assert page.status_code == 429
    countdown = re.search(r'class="countdown-value">([^<]+)<', page.get_data(as_text=True))
    block = situation(client, "en")["block"]
    assert block["kind"] == "blocked" and block["cause"] == "ip"
    said = text(block)
    assert f"blocked. You can try again in {countdown.group(1)}." in said and "B2" in said
    assert situation(app.test_client())["block"] is None  # a browser of its own


def test_a_replaced_and_a_used_activation_link(app, client, inbox):
    submit(client, "/signup", {"email": "twice@example.com", "password": PASSWORD})
    first = link_in(inbox.last("twice@example.com"), "/activate/")
    time.sleep(1.1)
    submit(client, "/signup", {"email": "twice@example.com", "password": PASSWORD})
    second = link_in(inbox.last("twice@example.com"), "/activate/")
    assert client.get(first).status_code == 410
    link = situation(client, "en")["link"]
    assert link["kind"] == "link-replaced"
    assert "It was an activation link. A newer email replaced it on" in text(link)
    submit(client, second, {})
    reader = app.test_client()
    assert reader.get(second).status_code == 410
    used = situation(reader, "en")["link"]
    assert used["kind"] == "link-used" and "already used on" in text(used)
    assert reader.get("/activate/garbage").status_code == 400
    assert situation(reader, "en")["link"]["kind"] == "link-invalid"


def test_an_expired_reset_link_says_when(app, member, inbox, monkeypatch):
    owner = app.test_client()
    monkeypatch.setattr(
        "itsdangerous.timed.TimestampSigner.get_timestamp", lambda self: int(time.time()) - 7200
    )
    submit(owner, "/password/forgot", {"email": member})
    monkeypatch.undo()
    link = link_in(inbox.last(member), "/password/reset/")
    assert owner.get(link).status_code == 410
    told = situation(owner, "en")["link"]
    assert told["kind"] == "link-expired"
    assert "It was a password reset link. It expired on" in text(told)
    assert told["link"]["href"] == "/password/forgot"


def test_receipts_are_purged_with_the_sent_mails(app, client, inbox):
    submit(client, "/signup", {"email": "old@example.com", "password": PASSWORD})
    with app.app_context():
        receipt = db.session.scalar(select(MailReceipt))
        assert receipt.recipient_hint == "o••••@example.com"
        receipt.created_at = receipt.created_at.replace(year=2000)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["accounts", "purge"])
    assert result.exit_code == 0
    assert situation(client)["mail"] is None


def test_a_refused_mail_is_kept_for_the_retention_then_deleted(make_app, time_machine):
    port = free_port()
    controller = Controller(RefusingInbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_app(MAIL_PORT=port)
        time_machine.move_to("2030-05-01 08:00:00+00:00", tick=False)
        submit(app.test_client(), "/signup", {"email": "nobody@example.com", "password": PASSWORD})
    finally:
        controller.stop()
    purge = app.test_cli_runner()
    time_machine.move_to("2030-05-07 08:00:00+00:00", tick=False)
    assert "Deleted 0 sent mail(s)" in purge.invoke(args=["accounts", "purge"]).output
    time_machine.move_to("2030-05-08 08:00:01+00:00", tick=False)
    assert "Deleted 1 sent mail(s)" in purge.invoke(args=["accounts", "purge"]).output
    with app.app_context():
        assert db.session.scalar(select(OutboxMail)) is None
        assert db.session.scalar(select(MailReceipt)) is None
