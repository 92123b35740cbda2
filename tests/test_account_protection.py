"""Strangers never lock the owner out (issue 11, item 4).

Past the per-account limit the account is protected (B3): the attacker, with many
addresses and their own clients, never gets in even with the right password; the owner,
from their own address, gets in through their own mailbox.
"""

import threading

import pytest
from conftest import (
    CSRF_RE,
    OWNER,
    PASSWORD,
    create_account,
    link_in,
    person,
    reference,
    sign_in,
    submit,
)
from flask import request
from sqlalchemy import func, select

from site_app.accounts import rules as accounts
from site_app.accounts import tokens as account_tokens
from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import DeferredJob, OutboxMail


@pytest.mark.both_databases
def test_strangers_cannot_lock_the_owner_out(app, inbox):
    create_account(app, inbox)
    # 20 failures from 16 addresses spend the account's limit (20 per hour).
    for n in range(20):
        attacker = person(app, f"10.5.{n % 16}.1")
        assert sign_in(attacker, OWNER, f"guess {n}").status_code == 422
    attacker = person(app, "10.5.99.1")
    blocked = sign_in(attacker, OWNER, "guess 21")
    assert blocked.status_code == 429 and reference(blocked) == "B3"
    assert "IP" not in blocked.text.split("<main", 1)[-1]  # nobody's address is blamed
    # The owner was told once, not per failure.
    assert sign_in(person(app, "10.5.98.1"), OWNER, "guess 22").status_code == 429
    warnings = [m for m in inbox.to(OWNER) if "essaie de se connecter" in m["Subject"]]
    assert len(warnings) == 1

    # The attacker's right guess gets the same page, and no session.
    right_guess = sign_in(attacker, OWNER, PASSWORD)
    assert right_guess.status_code == 429 and reference(right_guess) == "B3"
    assert attacker.get("/account").status_code == 302

    # The owner, from their own address, gets in through their mailbox.
    owner = person(app, "203.0.113.50")
    answer = sign_in(owner, OWNER, PASSWORD)
    assert answer.status_code == 429 and reference(answer) == "B3"
    assert "0.0.0.0" not in answer.text
    assert "Retry-After" in answer.headers
    link = link_in(inbox.last(OWNER), "/login/link/")
    # A button: mail scanners do not sign in.
    assert owner.get(link, follow_redirects=True).status_code == 200
    assert owner.get("/account").status_code == 302
    assert submit(owner, link, {}).location == "/account"
    assert OWNER in owner.get("/account").text
    # The link works once: the attacker cannot replay it, nor the owner.
    assert person(app, "10.5.97.1").get(link).status_code == 410


def test_a_sign_in_link_dies_when_the_password_changes(app, inbox):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "1 per hour"
    create_account(app, inbox)
    sign_in(person(app, "10.6.0.1"), OWNER, "wrong")
    owner = person(app, "203.0.113.51")
    sign_in(owner, OWNER, PASSWORD)
    link = link_in(inbox.last(OWNER), "/login/link/")
    submit(person(app, "203.0.113.52"), "/password/forgot", {"email": OWNER})
    reset = link_in(inbox.last(OWNER), "/password/reset/")
    submit(person(app, "203.0.113.52"), reset, {"password": "another long passphrase"})
    assert owner.get(link).status_code == 410


def test_a_wrong_password_under_attack_sends_no_link(app, inbox):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "1 per hour"
    create_account(app, inbox)
    sign_in(person(app, "10.7.0.1"), OWNER, "wrong")
    inbox.clear()
    answer = sign_in(person(app, "10.7.0.2"), OWNER, "still wrong")
    assert answer.status_code == 429 and reference(answer) == "B3"
    assert not [m for m in inbox.to(OWNER) if "/login/link/" in str(m)]


SUBJECTS = {
    "fr": ["Quelqu'un essaie de se connecter à votre compte", "Votre lien de connexion"],
    "en": ["Someone is trying to sign in to your account", "Your sign-in link"],
    "ar": ["هناك من يحاول تسجيل الدخول إلى حسابك", "رابط تسجيل الدخول"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_owner_is_warned_and_sent_the_link_in_their_language(make_app, inbox, lang):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="1 per hour")
    with app.app_context():
        accounts.register(OWNER, PASSWORD, lang)
        accounts.activate(accounts.find_user(OWNER), lang)
    inbox.clear()
    for n in range(3):
        sign_in(person(app, f"10.20.0.{n}"), OWNER, "wrong")
    owner = person(app, "203.0.113.60")
    owner.get(f"/language/{lang}")
    sign_in(owner, OWNER, PASSWORD)
    mails = inbox.to(OWNER)
    assert [m["Subject"] for m in mails] == SUBJECTS[lang]
    for mail, topic in zip(mails, ["account-protected", "sign-in-link"], strict=True):
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert f"/help/go/{topic}?lang={lang}" in text


@pytest.mark.both_databases
def test_a_sign_in_link_opens_one_session_even_when_used_twice_at_once(app, inbox, monkeypatch):
    """The link is used in one conditional UPDATE: two uses that both passed the token
    check (held at a barrier until both have) still give one sign-in."""
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "1 per hour"
    create_account(app, inbox)
    sign_in(person(app, "10.21.0.1"), OWNER, "wrong")
    sign_in(person(app, "203.0.113.70"), OWNER, PASSWORD)
    link = link_in(inbox.last(OWNER), "/login/link/")
    browsers = [person(app, f"203.0.113.{71 + n}") for n in range(2)]
    tokens = [
        CSRF_RE.search(browser.get(link, follow_redirects=True).text)[1] for browser in browsers
    ]
    start = threading.Barrier(2, timeout=30)
    statuses = []
    checked = threading.Barrier(2, timeout=30)
    check_token = account_tokens.check_sign_in_link

    def check_then_wait(token):
        result = check_token(token)
        if request.method == "POST":
            checked.wait()
        return result

    monkeypatch.setattr(account_tokens, "check_sign_in_link", check_then_wait)

    def use(browser, token):
        start.wait()
        statuses.append(browser.post(link, data={"csrf_token": token}).status_code)

    threads = [
        threading.Thread(target=use, args=pair) for pair in zip(browsers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302, 410]
    assert sorted(b.get("/account").status_code for b in browsers) == [200, 302]


def test_under_attack_the_mails_are_written_outside_the_request(make_app, inbox):
    """Right and wrong passwords do the same work before the B3 answer is closed: each
    stores one deferred job; the sign-in link is written when a deliverer runs it."""
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="1 per hour", OUTBOX_DELIVERY="worker")
    create_account(app, inbox)

    def count(model, *where):
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

    sign_in(person(app, "10.22.0.1"), OWNER, "wrong").close()
    for n, password in enumerate(("still wrong", PASSWORD)):
        answer = sign_in(person(app, "10.22.0.2"), OWNER, password)
        assert answer.status_code == 429 and reference(answer) == "B3"
        answer.close()
        # The first failure's job (B1, see test_signin.py), then one per answer, right
        # password or not.
        assert count(DeferredJob) == n + 2
        # Nothing written by the request, even at its close.
        assert count(OutboxMail, OutboxMail.kind.in_(["sign_in_link", "account_targeted"])) == 0
    assert app.test_cli_runner().invoke(args=["outbox", "deliver"]).exit_code == 0
    assert count(DeferredJob) == 0
    assert count(OutboxMail, OutboxMail.kind == "sign_in_link") == 1
    assert count(OutboxMail, OutboxMail.kind == "account_targeted") == 1
    assert link_in(inbox.last(OWNER), "/login/link/")
