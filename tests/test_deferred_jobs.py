"""Work after the answer runs outside the request (issue 19, item 4).

With gunicorn's sync workers the connection closed only after the work done once the
answer was sent (reset, resend, the B3 sign-in link): a client waiting for the close saw
an existing address 4–6 ms later. Now the request stores one deferred job — the same for
every address — and the outbox's deliverers run it. Checked structurally, never by timing:
the request path runs the same statements for an account and without one, the job is
still waiting once a real gunicorn worker has closed the connection, and the owner still
gets the mail in their own mailbox.
"""

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import requests
from conftest import (
    CSRF_RE,
    OWNER,
    PASSWORD,
    ROOT,
    create_account,
    free_port,
    link_in,
    person,
    reference,
    sign_in,
    submit,
)
from sqlalchemy import event, func, select

from site_app import create_app
from site_app.accounts import notifications
from site_app.extensions import db
from site_app.mail import outbox, run_pending_jobs
from site_app.models import DeferredJob, OutboxMail

UNKNOWN = "nobody-here@example.org"


@contextmanager
def statements_of(app):
    """Every SQL statement run while the block runs (parameters left out)."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(re.sub(r"\s+", " ", statement))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def owner_account(app, inbox):
    """The owner's activated account; its mails delivered, the inbox emptied (worker mode
    queues them)."""
    create_account(app, inbox)
    app.test_cli_runner().invoke(args=["outbox", "deliver"])
    inbox.clear()


def jobs(app):
    with app.app_context():
        return db.session.scalar(select(func.count(DeferredJob.id)))


def mails(app, kind):
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.kind == kind))


def post_and_close(client, url, data, form_url=None):
    """POST a form (fetched first, as a browser does) and close the answer, as the server
    does once the last byte is out: what runs then is the request's too."""
    token = CSRF_RE.search(client.get(form_url or url).text).group(1)
    answer = client.post(url, data={"csrf_token": token, **data})
    answer.close()
    return answer


@pytest.mark.both_databases
@pytest.mark.parametrize("url", ["/password/forgot", "/activation/resend"])
def test_the_request_runs_the_same_statements_with_an_account_and_without(make_app, inbox, url):
    app = make_app(OUTBOX_DELIVERY="worker")
    owner_account(app, inbox)
    with app.app_context():  # resend has work only for an account waiting for activation
        from site_app.accounts import rules as accounts

        accounts.register("pending@example.org", PASSWORD, "fr")
    known = OWNER if url == "/password/forgot" else "pending@example.org"
    ran = {}
    for address in (known, UNKNOWN):
        client = person(app, "203.0.113.80")
        token = CSRF_RE.search(client.get(url).text).group(1)
        with statements_of(app) as seen:
            answer = client.post(url, data={"csrf_token": token, "email": address})
            answer.close()
        assert answer.status_code == 302
        ran[address] = seen
    assert ran[known] == ran[UNKNOWN]
    assert any("INSERT INTO deferred_job" in statement for statement in ran[known])
    assert jobs(app) == 2
    # The deliverer does the work: the owner gets the mail, the unknown address nothing.
    kind, path = ("reset_password", "/password/reset/") if known == OWNER else ("activate", "")
    before = mails(app, kind)
    assert app.test_cli_runner().invoke(args=["outbox", "deliver"]).exit_code == 0
    assert mails(app, kind) == before + 1 and jobs(app) == 0
    assert not inbox.to(UNKNOWN)
    assert link_in(inbox.last(known), path or "/activate/")


def test_under_attack_right_and_wrong_passwords_run_the_same_statements(make_app, inbox):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="1 per hour", OUTBOX_DELIVERY="worker")
    owner_account(app, inbox)
    sign_in(person(app, "10.41.0.1"), OWNER, "a wrong guess").close()
    sign_in(person(app, "10.41.0.2"), OWNER, "another wrong guess").close()  # the warning's
    ran = {}
    for password in ("a third wrong guess", PASSWORD):
        client = person(app, "10.41.0.3")
        token = CSRF_RE.search(client.get("/signup").text).group(1)
        with statements_of(app) as seen:
            answer = client.post(
                "/login", data={"csrf_token": token, "email": OWNER, "password": password}
            )
            answer.close()
        assert answer.status_code == 429 and reference(answer) == "B3"
        ran[password] = seen
    assert ran["a third wrong guess"] == ran[PASSWORD]
    assert mails(app, "sign_in_link") == 0
    app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert mails(app, "sign_in_link") == 1  # the right password's job, run by the deliverer


def test_background_delivery_is_woken_only_once_the_answer_is_closed(make_app, inbox, monkeypatch):
    """One process (OUTBOX_DELIVERY=background): the deliverer thread is woken by the
    response's close, for every address alike, and never before: its work cannot delay
    the answer."""
    app = make_app(OUTBOX_DELIVERY="background")
    owner_account(app, inbox)
    woken = []
    monkeypatch.setattr(outbox.BackgroundDeliverer, "notify", lambda self: woken.append(1))
    for address in (OWNER, UNKNOWN):
        woken.clear()
        client = person(app, "203.0.113.81")
        token = CSRF_RE.search(client.get("/password/forgot").text).group(1)
        answer = client.post("/password/forgot", data={"csrf_token": token, "email": address})
        assert answer.status_code == 302
        assert woken == [] and jobs(app) == 1  # stored, nothing done yet
        answer.close()
        assert woken == [1] and jobs(app) == 1
        with app.app_context():
            assert run_pending_jobs() == 1
    assert mails(app, "reset_password") == 1


@pytest.mark.both_databases
def test_a_failed_job_is_kept_and_retried_by_another_process(make_app, inbox, monkeypatch):
    """Durable: a job whose run fails (or whose worker is recycled) stays, with its error,
    and another process runs it later; the owner gets one mail."""
    app = make_app(OUTBOX_DELIVERY="worker")
    owner_account(app, inbox)
    post_and_close(person(app, "203.0.113.82"), "/password/forgot", {"email": OWNER})
    real = notifications.password_reset

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(notifications, "password_reset", fail)
    with app.app_context():
        assert run_pending_jobs() == 0
        job = db.session.scalar(select(DeferredJob))
        assert job.attempts == 1 and "the disk is full" in job.last_error
        db.session.execute(db.update(DeferredJob).values(next_attempt_at=job.created_at))
        db.session.commit()
    monkeypatch.setattr(notifications, "password_reset", real)
    other_process = create_app(
        {key: app.config[key] for key in SETTINGS_OF_ANOTHER_PROCESS} | {"TESTING": True}
    )
    assert other_process.test_cli_runner().invoke(args=["outbox", "deliver"]).exit_code == 0
    with other_process.app_context():
        db.engine.dispose()
    assert jobs(app) == 0 and len(inbox.to(OWNER)) == 1
    assert link_in(inbox.last(OWNER), "/password/reset/")


SETTINGS_OF_ANOTHER_PROCESS = [
    "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "MAIL_SERVER",
    "MAIL_PORT",
    "OUTBOX_DELIVERY",
    "HELP_SITE_DIR",
    "PUBLIC_URL",
]


# --- A real gunicorn sync worker on PostgreSQL -----------------------------------------------


@contextmanager
def gunicorn(database_uri, help_site, **settings):
    port = free_port()
    env = {
        **os.environ,
        "FLASK_SECRET_KEY": "test-secret-key",
        "FLASK_SQLALCHEMY_DATABASE_URI": database_uri,
        "FLASK_HELP_SITE_DIR": str(help_site),
        "NO_MKDOCS_2_WARNING": "1",
        **{f"FLASK_{key}": value for key, value in settings.items()},
    }
    env.pop("FLASK_PUBLIC_URL", None)  # loopback hosts only
    command = [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", "1", "-k", "sync"]
    server = subprocess.Popen(
        [*command, "-b", f"127.0.0.1:{port}", "site_app:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "gunicorn exited"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn not ready after 60 s"
                time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def post_until_closed(host, path, cookie, body) -> bytes:
    """POST over a raw socket and read until the server closes the connection."""
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()
    received = b""
    with socket.create_connection(tuple(host.split(":")), timeout=30) as connection:
        connection.sendall(request)
        while chunk := connection.recv(65536):
            received += chunk
    return received  # recv() returned b"": the connection is closed


def test_a_gunicorn_worker_closes_the_connection_before_the_work_is_done(
    make_app, postgres_uri, help_site, inbox
):
    from urllib.parse import urlencode

    app = make_app(SQLALCHEMY_DATABASE_URI=postgres_uri, OUTBOX_DELIVERY="worker")
    owner_account(app, inbox)
    with gunicorn(postgres_uri, help_site, OUTBOX_DELIVERY='"worker"') as host:
        for n, address in enumerate((OWNER, UNKNOWN), start=1):
            browser = requests.Session()
            form = browser.get(f"http://{host}/password/forgot", timeout=30)
            token = CSRF_RE.search(form.text).group(1)
            cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
            body = urlencode({"csrf_token": token, "email": address})
            answer = post_until_closed(host, "/password/forgot", cookie, body)
            assert answer.startswith(b"HTTP/1.1 302"), answer[:200]
            # The client has the whole answer and the connection is closed: the job waits.
            with app.app_context():
                waiting = db.session.scalars(select(DeferredJob.arguments)).all()
            assert [job["email"] for job in waiting][-1] == address and len(waiting) == n
            assert mails(app, "reset_password") == 0
    assert app.test_cli_runner().invoke(args=["outbox", "deliver"]).exit_code == 0
    assert jobs(app) == 0 and not inbox.to(UNKNOWN)
    landed = link_in(inbox.last(OWNER), "/password/reset/")
    answer = submit(app.test_client(), landed, {"password": "a new long passphrase"})
    assert answer.status_code == 302
