"""Timing tells nothing about which addresses have accounts (issue 11, item 8).

Before: sign-up answered in about 35 ms for an existing address and 75–130 ms for a new
one (the password hash), reset and resend 20–30 ms slower for an account (a mail rendered
and committed). Timing them in a test on a shared machine could only pass or fail by
luck, so the tests here check the cause instead: the request for an account does the same
work as for a fresh address — the same SQL statements, the same password hashes, no mail
rendered in the request — and the owner still gets every mail, in their own mailbox.
(The timings themselves are measured by hand: ``bench/time_to_close.py``.)
"""

import re
import time

import pytest
from conftest import PASSWORD, csrf_token, link_in, submit
from figure_tools.browser_support import LiveApp
from sqlalchemy import event

from site_app.accounts import rules
from site_app.extensions import db

OWNER = "owner@example.org"
PENDING = "pending@example.org"


def _statement(sql: str) -> str:
    """``INSERT INTO deferred_job``, ``SELECT … FROM users`` …: what a statement does, where."""
    sql = " ".join(sql.split())
    verb = sql.split(" ", 1)[0].upper()
    table = re.search(r"\b(?:INTO|FROM|UPDATE)\s+\"?(\w+)", sql, re.I)
    return f"{verb} {table[1] if table else ''}".strip()


def work_of(app, client, url, data, monkeypatch) -> dict:
    """What answering one POST did: its SQL statements in order, the passwords hashed, the
    mails written in the request. The form is fetched first, as a browser does."""
    token = csrf_token(client, url)
    statements, hashes = [], []
    hash_password = rules.hash_password
    monkeypatch.setattr(rules, "hash_password", lambda p: hashes.append(1) or hash_password(p))

    def record(conn, cursor, statement, *args):
        statements.append(_statement(statement))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        answer = client.post(url, data={"csrf_token": token, **data})
        answer.close()  # as a server does once the answer is sent: the work after it runs now
    finally:
        event.remove(engine, "before_cursor_execute", record)
        monkeypatch.setattr(rules, "hash_password", hash_password)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return {
        "answer": answer.headers["Location"],
        "statements": statements,
        "hashes": len(hashes),
        "mails written": sum(s == "INSERT outbox_mail" for s in statements),
    }


@pytest.fixture
def site(make_app, inbox):
    app = make_app(
        OUTBOX_DELIVERY="worker",  # the production setting: answers never wait for SMTP
        MAIL_ACTIONS_PER_IP="1000 per hour",
        MAIL_ACTIONS_PER_EMAIL="1000 per hour",
    )
    owner = app.test_client()
    submit(owner, "/signup", {"email": OWNER, "password": PASSWORD})
    submit(app.test_client(), "/signup", {"email": PENDING, "password": PASSWORD})
    app.test_cli_runner().invoke(args=["outbox", "deliver"])
    submit(owner, link_in(inbox.last(OWNER), "/activate/"), {})
    app.test_cli_runner().invoke(args=["outbox", "deliver"])
    inbox.clear()
    return app


@pytest.mark.parametrize(
    ("url", "known"), [("/password/forgot", OWNER), ("/activation/resend", PENDING)]
)
def test_reset_and_resend_do_the_same_work_for_an_account(site, inbox, monkeypatch, url, known):
    """The same statements (one deferred job stored), no mail written in the request: the
    mail is written by the deliverer, after the answer."""
    attacker = site.test_client()
    with_account = work_of(site, attacker, url, {"email": known}, monkeypatch)
    without = work_of(site, attacker, url, {"email": "fresh@example.org"}, monkeypatch)
    assert with_account == without
    assert with_account["statements"].count("INSERT deferred_job") == 1
    assert with_account["mails written"] == 0

    result = site.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert len(inbox.to(known)) == 1  # the owner's mail, written after the answer
    assert not inbox.to("fresh@example.org")


@pytest.mark.parametrize("known", [OWNER, PENDING])
def test_sign_up_hashes_the_password_for_an_existing_address_too(site, inbox, monkeypatch, known):
    """The hash is most of a sign-up's time: it is computed once for every address, and
    every address gets one mail written (its owner's notice, or the activation mail)."""
    attacker = site.test_client()
    data = {"password": "another passphrase here"}
    with_account = work_of(site, attacker, "/signup", {"email": known, **data}, monkeypatch)
    fresh = {"email": "fresh@example.org", **data}
    without = work_of(site, site.test_client(), "/signup", fresh, monkeypatch)
    assert with_account["answer"] == without["answer"]
    assert with_account["hashes"] == without["hashes"] == 1
    assert with_account["mails written"] == without["mails written"] == 1

    result = site.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert len(inbox.to(known)) == 1  # the owner is told, in their own mailbox


def test_work_after_the_answer_runs_under_a_real_server(help_site, tmp_path, inbox):
    """Werkzeug's server calls close() once the answer is sent: the reset mail goes out."""
    import requests
    from conftest import CSRF_RE

    with LiveApp(
        help_site,
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=inbox.port,
        DEV_MAILBOX=False,
        OUTBOX_DELIVERY="background",
    ) as live:
        with live.app.test_request_context("/"):
            rules.register(OWNER, PASSWORD, "en")
            rules.activate(rules.find_user(OWNER), "en")
        deadline = time.monotonic() + 10
        while len(inbox.to(OWNER)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        inbox.clear()
        browser = requests.Session()
        form = browser.get(live.url("/password/forgot"), timeout=10)
        token = CSRF_RE.search(form.text).group(1)
        answer = browser.post(
            live.url("/password/forgot"),
            data={"csrf_token": token, "email": OWNER},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302
        deadline = time.monotonic() + 10
        while not inbox.to(OWNER) and time.monotonic() < deadline:
            time.sleep(0.05)
        mail = inbox.last(OWNER)
    assert link_in(mail, "/password/reset/").startswith("/password/reset/")
