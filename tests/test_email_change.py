"""Changing the email address (issue 24, part 1): a link to the new address, a way back
at the old one, no enumeration.

Every mail goes through the real SMTP server of the tests (aiosmtpd). The owner, the
attacker and the owner of an address already in use are separate people: their own test
clients (cookies, network address) and their own mailboxes.
"""

import re

import pytest
from conftest import PASSWORD, link_in, submit
from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from test_limit_causes import create_account
from test_passkeys import SoftAuthenticator, add_passkey, passkey_sign_in
from test_sessions import browser, copy_session_cookie, session_count, sign_in

from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import EmailChange, Passkey, User

OWNER, NEW, TAKEN = "owner@example.org", "owner.new@example.net", "someone@example.com"
ATTACKER_BOX = "attacker@example.net"


def ask_change(client, new_email, password=PASSWORD):
    return submit(
        client,
        "/account/email",
        {"new_email": new_email, "email_password": password},
        form_url="/account",
    )


def address_of(app, public_id):
    with app.app_context():
        return db.session.scalar(select(User.email).where(User.public_id == public_id))


def text_of(message):
    """The text part of ``message``, its lines joined (mail text is wrapped)."""
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def without_tokens(page):
    return re.sub(r'value="[^"]{40,}"', 'value="…"', page)


def public_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.public_id).where(User.email == email))


@pytest.fixture
def owner(app, inbox):
    """The owner's account, and their browser signed in to it."""
    create_account(app, inbox, OWNER)
    client = browser(app, "203.0.113.20")
    assert sign_in(client, OWNER).status_code == 302
    inbox.clear()
    return client


@pytest.mark.both_databases
def test_the_owner_changes_the_address(app, owner, inbox):
    account = public_id(app, OWNER)
    asked = ask_change(owner, NEW)
    assert asked.status_code == 302 and asked.location == "/account#email"
    page = owner.get("/account").text
    assert "Nous avons envoyé un lien de confirmation à" in page and NEW in page
    # Until the link is used, nothing changes: the old address still signs in.
    assert address_of(app, account) == OWNER
    assert sign_in(browser(app, "203.0.113.21"), OWNER).status_code == 302

    confirmation = inbox.last(NEW)
    assert confirmation["Subject"] == "Confirmez votre nouvelle adresse e-mail"
    assert confirmation.get_body(preferencelist=("html",)) is not None
    notice = inbox.last(OWNER)
    assert notice["Subject"] == "Demande de changement de votre adresse e-mail"
    assert NEW in text_of(notice)

    link = link_in(confirmation, "/account/email/confirm/")
    assert owner.get(link).status_code == 200  # a button: mail scanners change nothing
    assert address_of(app, account) == OWNER
    done = submit(owner, link, {})
    assert done.status_code == 302 and done.location == "/account"
    assert "Votre adresse e-mail est maintenant" in owner.get("/account").text
    assert address_of(app, account) == NEW
    assert owner.get("/account").status_code == 200  # the sessions stay

    # The new address signs in, the old one no longer does; the link works once.
    assert sign_in(browser(app, "203.0.113.22"), NEW).status_code == 302
    assert sign_in(browser(app, "203.0.113.23"), OWNER).status_code == 422
    assert submit(owner, link, {}).status_code == 410


def test_the_confirmation_link_expires(app, owner, inbox, time_machine):
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    sign_in(owner, OWNER)  # the fixture's session is years idle by then
    ask_change(owner, NEW)
    link = link_in(inbox.last(NEW), "/account/email/confirm/")
    delay = app.config["EMAIL_CHANGE_DELAY"]
    assert "24 heures" in text_of(inbox.last(NEW))
    time_machine.shift(delay.total_seconds() + 1)
    expired = owner.get(link)
    assert expired.status_code == 410 and "Ce lien a expiré" in expired.text
    assert address_of(app, public_id(app, OWNER)) == OWNER


def test_the_delay_is_a_setting(make_app, inbox, time_machine):
    app = make_app(EMAIL_CHANGE_DELAY="2 hours")
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    create_account(app, inbox, OWNER)
    owner = browser(app)
    sign_in(owner, OWNER)
    ask_change(owner, NEW)
    link = link_in(inbox.last(NEW), "/account/email/confirm/")
    assert "2 heures" in text_of(inbox.last(NEW))
    time_machine.shift(2 * 3600 + 1)
    assert owner.get(link).status_code == 410


@pytest.mark.both_databases
def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_a_mail(app, owner, inbox):
    create_account(app, inbox, TAKEN)
    free = ask_change(owner, NEW)
    free_page = owner.get("/account").text
    inbox.clear()
    taken = ask_change(owner, TAKEN)
    taken_page = owner.get("/account").text
    assert (free.status_code, free.location) == (taken.status_code, taken.location)
    assert without_tokens(free_page).replace(NEW, "X") == without_tokens(taken_page).replace(
        TAKEN, "X"
    )
    # The other account's owner is told, and gets no link; nothing changes.
    (told,) = inbox.to(TAKEN)
    assert told["Subject"] == "Quelqu'un a tenté d'associer votre adresse à un autre compte"
    assert "/account/email/confirm/" not in str(told)
    assert inbox.last(OWNER)["Subject"] == "Demande de changement de votre adresse e-mail"
    assert address_of(app, public_id(app, OWNER)) == OWNER
    assert sign_in(browser(app, "203.0.113.30"), TAKEN).status_code == 302


def test_a_wrong_password_changes_nothing_and_sends_nothing(app, owner, inbox):
    refused = ask_change(owner, NEW, password="not the password")
    assert refused.status_code == 422 and "Mot de passe incorrect." in refused.text
    assert inbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count(EmailChange.id))) == 0


@pytest.mark.parametrize(
    ("new_email", "message"),
    [
        ("", "Saisissez votre adresse e-mail."),
        ("not an address", "Saisissez une adresse e-mail valide"),
        ("x" * 250 + "@example.org", "Cette adresse e-mail est trop longue."),
        (OWNER.upper(), "C'est déjà l'adresse de votre compte."),
    ],
)
def test_a_bad_new_address_is_refused_clearly(app, owner, inbox, new_email, message):
    refused = ask_change(owner, new_email)
    assert refused.status_code == 422 and message in refused.text
    assert inbox.messages == []


def test_the_password_checks_are_limited(app, owner, inbox):
    for n in range(int(app.config["LOGIN_FAILURES_PER_IP"].split()[0])):
        assert ask_change(owner, NEW, password=f"guess {n}").status_code == 422
    blocked = ask_change(owner, NEW, password=PASSWORD)
    assert blocked.status_code == 429
    assert inbox.messages == []


def test_mails_asked_are_limited_per_address(app, owner, inbox):
    for _ in range(3):  # MAIL_ACTIONS_PER_EMAIL: 3 per hour
        assert ask_change(owner, NEW).status_code == 302
    assert ask_change(owner, NEW).status_code == 429
    assert len(inbox.to(NEW)) == 3


@pytest.mark.both_databases
def test_a_stolen_cookie_without_the_password_changes_nothing(app, owner, inbox):
    attacker = browser(app, "198.51.100.9")
    copy_session_cookie(owner, attacker)
    assert attacker.get("/account").status_code == 200  # the cookie works …
    for guess in ("123456", "password", "owner"):
        refused = ask_change(attacker, ATTACKER_BOX, password=guess)
        assert refused.status_code == 422  # … but not without the password
    forged = attacker.post("/account/email", data={"new_email": ATTACKER_BOX})
    assert forged.status_code in (403, 422)
    assert inbox.to(ATTACKER_BOX) == [] and inbox.to(OWNER) == []
    assert address_of(app, public_id(app, OWNER)) == OWNER


@pytest.mark.both_databases
def test_this_wasnt_me_undoes_an_attackers_change(app, owner, inbox):
    """The attacker knows the password, signs in and moves the account to their mailbox —
    even confirming at once. The owner's notice takes it back."""
    account = public_id(app, OWNER)
    attacker = browser(app, "198.51.100.9")
    sign_in(attacker, OWNER)
    ask_change(attacker, ATTACKER_BOX)
    submit(attacker, link_in(inbox.last(ATTACKER_BOX), "/account/email/confirm/"), {})
    assert address_of(app, account) == ATTACKER_BOX

    owners_mail = browser(app, "203.0.113.20")  # the owner, reading their own mailbox
    revert = link_in(inbox.last(OWNER), "/account/email/revert/")
    page = owners_mail.get(revert)
    assert page.status_code == 200 and ATTACKER_BOX in page.text
    assert words(app, PASSKEYS_GO) not in page.text  # the account has none
    done = submit(owners_mail, revert, {})
    assert done.status_code == 302 and done.location.startswith("/password/reset/")
    # The address is the owner's again, every session (the attacker's, the owner's) ended.
    assert address_of(app, account) == OWNER
    assert session_count(app, OWNER) == 0
    assert attacker.get("/account").status_code == 302
    assert owner.get("/account").status_code == 302
    # The reset page is offered at once; the owner chooses a new password.
    reset = owners_mail.get(done.location, follow_redirects=True)
    assert reset.status_code == 200 and "Choisir un nouveau mot de passe" in reset.text
    submit(owners_mail, done.location, {"password": "a fresh passphrase only I know"})
    assert sign_in(attacker, OWNER).status_code == 422  # the stolen password is dead
    assert sign_in(attacker, ATTACKER_BOX).status_code == 422
    assert sign_in(owners_mail, OWNER, "a fresh passphrase only I know").status_code == 302
    # The way back works once.
    assert browser(app).get(revert).status_code == 410


def words(app, msgid, lang="fr"):
    """``msgid`` as the page shows it in ``lang`` (the compiled catalog's typography)."""
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid)


PASSKEYS_GO = (
    "Canceling also removes your account's passkeys: whoever asked may have added one, and it "
    "would still let them sign in after you change your password. You can add yours again "
    "afterwards."
)


@pytest.mark.both_databases
def test_this_wasnt_me_removes_the_passkey_an_attacker_added(app, owner, inbox):
    """The attacker knows the password: signs in, adds a passkey of their own (no new
    password would stop it) and moves the account to their mailbox. The owner's "this
    wasn't me" removes every passkey of the account; the owner then adds theirs again."""
    account = public_id(app, OWNER)
    owners_key = SoftAuthenticator()
    assert add_passkey(owner, owners_key).status_code == 200
    attacker = browser(app, "198.51.100.9")
    sign_in(attacker, OWNER)
    attackers_key = SoftAuthenticator()
    assert add_passkey(attacker, attackers_key, name="Clé de secours").status_code == 200
    ask_change(attacker, ATTACKER_BOX)
    submit(attacker, link_in(inbox.last(ATTACKER_BOX), "/account/email/confirm/"), {})
    assert address_of(app, account) == ATTACKER_BOX

    owners_mail = browser(app, "203.0.113.20")  # the owner, reading their own mailbox
    revert = link_in(inbox.last(OWNER), "/account/email/revert/")
    page = owners_mail.get(revert)
    assert words(app, PASSKEYS_GO) in page.text  # the page says so before the button
    done = submit(owners_mail, revert, {})
    assert done.status_code == 302 and done.location.startswith("/password/reset/")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Passkey)) == 0
    # Neither the attacker's passkey nor the owner's signs in any more, from any browser.
    for key in (attackers_key, owners_key):
        answer = passkey_sign_in(browser(app, "198.51.100.10"), key)
        assert answer.status_code == 400 and answer.get_json()["error"] == "unknown"
    assert attacker.get("/account").status_code == 302

    # The reset page says what happened; with a new password the owner adds theirs again.
    reset = owners_mail.get(done.location, follow_redirects=True)
    assert "clés d" in reset.text and "supprimées" in reset.text
    submit(owners_mail, done.location, {"password": "a fresh passphrase only I know"})
    owner_again = browser(app, "203.0.113.20")
    assert sign_in(owner_again, OWNER, "a fresh passphrase only I know").status_code == 302
    owners_new_key = SoftAuthenticator()
    added = add_passkey(owner_again, owners_new_key, "a fresh passphrase only I know")
    assert added.status_code == 200
    assert passkey_sign_in(browser(app, "203.0.113.21"), owners_new_key).status_code == 200
    assert passkey_sign_in(attacker, attackers_key).status_code == 400


def test_this_wasnt_me_before_confirmation_kills_the_pending_link(app, owner, inbox):
    attacker = browser(app, "198.51.100.9")
    sign_in(attacker, OWNER)
    ask_change(attacker, ATTACKER_BOX)
    confirm = link_in(inbox.last(ATTACKER_BOX), "/account/email/confirm/")
    submit(browser(app), link_in(inbox.last(OWNER), "/account/email/revert/"), {})
    assert attacker.get(confirm).status_code == 410
    assert address_of(app, public_id(app, OWNER)) == OWNER


def test_a_confirmation_link_in_a_strangers_mailbox_needs_the_password(app, owner, inbox):
    """A typo sends the link to a stranger: without the account's password it is useless."""
    account = public_id(app, OWNER)
    ask_change(owner, "stranger@example.com")
    link = link_in(inbox.last("stranger@example.com"), "/account/email/confirm/")
    stranger = browser(app, "192.0.2.40")
    page = stranger.get(link)
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    refused = submit(stranger, link, {"password": "a guess"})
    assert refused.status_code == 422 and "Mot de passe incorrect." in refused.text
    assert address_of(app, account) == OWNER
    # The owner, from another browser of theirs, types the password and it is done.
    done = submit(browser(app, "203.0.113.25"), link, {"password": PASSWORD})
    assert done.status_code == 302 and done.location == "/login"
    assert address_of(app, account) == "stranger@example.com"


def test_a_new_password_kills_the_pending_link(app, owner, inbox):
    ask_change(owner, NEW)
    link = link_in(inbox.last(NEW), "/account/email/confirm/")
    submit(
        owner,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "another long passphrase"},
        form_url="/account",
    )
    assert owner.get(link).status_code == 410


def test_a_newer_request_retires_the_previous_link(app, owner, inbox):
    account = public_id(app, OWNER)
    ask_change(owner, NEW)
    first = link_in(inbox.last(NEW), "/account/email/confirm/")
    ask_change(owner, "second@example.net")
    assert owner.get(first).status_code == 410
    second = link_in(inbox.last("second@example.net"), "/confirm/")
    assert submit(owner, second, {}).status_code == 302
    assert address_of(app, account) == "second@example.net"


def test_a_tampered_link_is_refused(app, owner, inbox):
    ask_change(owner, NEW)
    link = link_in(inbox.last(NEW), "/account/email/confirm/")
    tampered = owner.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert tampered.status_code == 400 and "Ce lien n'est pas valide" in tampered.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mails_are_in_the_accounts_language(app, inbox, lang):
    create_account(app, inbox, OWNER)
    create_account(app, inbox, TAKEN)
    owner = browser(app)
    owner.get(f"/language/{lang}")
    sign_in(owner, OWNER)  # the account's language is now ``lang``
    inbox.clear()
    ask_change(owner, NEW)
    with app.test_request_context(), force_locale(lang):
        confirm_subject = gettext("Confirm your new email address")
        notice_subject = gettext("Email address change requested")
    if lang != "en":
        assert confirm_subject != "Confirm your new email address"
    assert inbox.last(NEW)["Subject"] == confirm_subject
    assert inbox.last(OWNER)["Subject"] == notice_subject
    html = inbox.last(OWNER).get_body(preferencelist=("html",)).get_content()
    assert f'lang="{lang}"' in html
    # The taken address's owner (French account) gets French, whatever the asker's language.
    ask_change(owner, TAKEN)
    told = inbox.last(TAKEN)["Subject"]
    assert told == "Quelqu'un a tenté d'associer votre adresse à un autre compte"


def test_the_account_page_offers_the_change(app, owner):
    page = owner.get("/account").text
    section = page.split('id="email"')[1].split("</section>")[0]
    assert 'action="/account/email"' in section
    assert 'autocomplete="email"' in section and 'autocomplete="current-password"' in section
    assert "#change-email" in section  # its help topic
