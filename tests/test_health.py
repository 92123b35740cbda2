"""Nothing an anonymous client reads moves with other people's requests (issue 19, item 1).

``/healthz`` showed the outbox backlog to anyone: polling it while a stranger's reset or
resend was handled told whether the address had an account (only an account gets a mail
queued). The public check now says only whether the process can serve; the backlog is for
operators (``flask outbox status``, ``/healthz/details`` with ``HEALTH_TOKEN``).
"""

import re

import pytest
from conftest import PASSWORD, person, submit
from sqlalchemy import func, select

from site_app.accounts import rules as accounts
from site_app.extensions import db
from site_app.mail.jobs import run_pending_jobs
from site_app.models import OutboxMail

OWNER = "owner@example.org"
NOBODY = "nobody@example.org"  # no account
#: Everything an anonymous client can GET without a form of their own.
ANONYMOUS_VIEWS = [
    "/healthz",
    "/",
    "/login",
    "/signup",
    "/password/forgot",
    "/activation/resend",
    "/contact",
    "/api/session",
    "/api/situation",
    "/robots.txt",
    "/help/",
    "/help/en/",
    "/help/no-such-page",
    "/healthz/details",
]
TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+(")')
TOKEN_HEADER = "operator-credential-4f1c"
CLOCK = ("Date", "Expires")


def what_they_read(client) -> dict:
    """Status, headers and body of every anonymous view, as ``client`` sees them. Left out:
    what moves with the clock alone (``Date``, ``Expires``, the CSRF token signed with the
    time of each page)."""
    seen = {}
    for url in ANONYMOUS_VIEWS:
        with client.get(url) as answer:
            body = TOKEN.sub(r"\1\2", answer.get_data(as_text=True))
            headers = sorted((k, v) for k, v in answer.headers.items() if k not in CLOCK)
            seen[url] = (answer.status_code, headers, body)
    return seen


def ask(app, ip: str, url: str, address: str) -> None:
    """Someone asks for a mail; the server closes the answer, then does the work
    (site_app/after_response.py)."""
    with submit(person(app, ip), url, {"email": address}) as answer:
        assert answer.status_code == 302


def pending(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(OutboxMail.id)).where(OutboxMail.sent_at.is_(None))
        )


def run_jobs(app) -> None:
    with app.app_context():
        run_pending_jobs()


@pytest.fixture
def app(make_app):
    """Mail is sent by a separate worker, as in production: queued mails stay pending."""
    return make_app(OUTBOX_DELIVERY="worker", HEALTH_TOKEN=TOKEN_HEADER)


@pytest.mark.parametrize("url", ["/password/forgot", "/activation/resend"])
def test_an_attacker_polling_anonymous_views_learns_nothing(app, url):
    with app.test_request_context("/"):
        accounts.register(OWNER, PASSWORD, "fr")
        if url == "/password/forgot":
            accounts.activate(accounts.find_user(OWNER), "fr")
    attacker = person(app, "198.51.100.66")
    what_they_read(attacker)  # the attacker's session exists before the first look
    before, queued = what_they_read(attacker), pending(app)

    # Someone asks for a mail to an address without an account: nothing is queued.
    ask(app, "203.0.113.9", url, NOBODY)
    run_jobs(app)  # the deferred work runs as the mail worker would
    after_nobody = what_they_read(attacker)
    assert pending(app) == queued
    # The owner asks for their own mail: it waits in the outbox while the attacker looks.
    ask(app, "203.0.113.10", url, OWNER)
    run_jobs(app)
    assert pending(app) == queued + 1
    after_owner = what_they_read(attacker)

    for view in ANONYMOUS_VIEWS:
        assert before[view] == after_nobody[view] == after_owner[view], view


def test_the_public_check_says_only_whether_it_can_serve(app):
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"database": "ok", "limiter": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_details_need_the_operator_credential(app):
    submit(app.test_client(), "/signup", {"email": OWNER, "password": PASSWORD})
    stranger = app.test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN_HEADER}):
        answer = stranger.get("/healthz/details", headers=headers)
        assert answer.status_code == 401 and "outbox" not in answer.text
    operator = app.test_client().get(
        "/healthz/details", headers={"Authorization": f"Bearer {TOKEN_HEADER}"}
    )
    assert operator.status_code == 200
    assert operator.json["database"] == "ok" and operator.json["limiter"] == "ok"
    assert operator.json["outbox"]["pending"] == 1
    assert operator.json["outbox"]["oldest_pending_seconds"] >= 0


def test_no_credential_configured_means_no_details(make_app):
    client = make_app(HEALTH_TOKEN=None).test_client()
    assert client.get("/healthz/details", headers={"Authorization": "Bearer "}).status_code == 404


def test_outbox_status_says_how_long_the_oldest_mail_waited(app, time_machine):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["outbox", "status"]).output == (
        "0 sent, 0 pending; 0 deferred job(s) waiting.\n"
    )
    time_machine.move_to("2030-01-01 08:00:00+00:00", tick=False)
    submit(app.test_client(), "/signup", {"email": OWNER, "password": PASSWORD})
    time_machine.move_to("2030-01-01 09:02:05+00:00", tick=False)
    submit(app.test_client(), "/signup", {"email": "other@example.org", "password": PASSWORD})
    output = runner.invoke(args=["outbox", "status"]).output
    assert output.splitlines()[0] == (
        "0 sent, 2 pending; the oldest has waited 1 h 2 min 5 s; 0 deferred job(s) waiting."
    )
