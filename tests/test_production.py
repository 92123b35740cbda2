"""Production behaviour: migrations, concurrent workers and sign-ups, slow SMTP, /healthz."""

import os
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy
from aiosmtpd.controller import Controller
from conftest import PASSWORD, POSTGRES_URI, PRODUCTION_HASHING, ROOT, free_port, submit
from sqlalchemy import func, select, text

from site_app.accounts import rules as accounts
from site_app.extensions import db
from site_app.mail import outbox
from site_app.models import OutboxMail, User

pytestmark = pytest.mark.both_databases


def test_migrations_build_the_schema_the_models_describe(make_app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    app = make_app()
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == []
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def queue_signups(app, count):
    client = app.test_client()
    for n in range(count):
        submit(
            client,
            "/signup",
            {"email": f"user{n}@example.org", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": f"10.3.{n}.1"},
        )


def test_two_deliverers_never_send_a_mail_twice(make_app, inbox):
    app = make_app(OUTBOX_DELIVERY="worker")
    queue_signups(app, 12)
    inbox.clear()
    barrier = threading.Barrier(2)
    results = []

    def worker():
        with app.app_context():
            barrier.wait()
            results.append(outbox.deliver_pending())
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _ in results) == 12
    ids = [message["Message-ID"] for message in inbox.messages]
    assert len(ids) == 12 and len(set(ids)) == 12


def test_a_deliverer_killed_mid_send_leaves_the_mail_for_another(make_app, inbox, time_machine):
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    app = make_app(OUTBOX_DELIVERY="worker")
    queue_signups(app, 1)
    with app.app_context():
        mail = db.session.scalar(select(OutboxMail))
        assert outbox._claim(mail.id, mail.next_attempt_at)  # claimed, then the process dies
        message_id = mail.message_id
        assert outbox.deliver_pending() == (0, 0)  # still held by the dead claim
        time_machine.move_to("2030-01-01 12:05:01+00:00", tick=False)
        assert outbox.deliver_pending() == (1, 0)
    assert [m["Message-ID"] for m in inbox.messages] == [message_id]


def test_simultaneous_sign_ups_with_one_address_make_one_account(make_app, inbox):
    # The production hash, made before the insert: its time is the race's window.
    app = make_app(MAIL_ACTIONS_PER_EMAIL="100 per hour", **PRODUCTION_HASHING)
    clients = [app.test_client() for _ in range(4)]
    tokens = [submit.__globals__["csrf_token"](client, "/signup") for client in clients]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def sign_up(client, token):
        barrier.wait()
        answer = client.post(
            "/signup", data={"csrf_token": token, "email": "race@example.org", "password": PASSWORD}
        )
        statuses.append(answer.status_code)

    threads = [
        threading.Thread(target=sign_up, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * len(clients)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


class SlowInbox:
    """An SMTP server that holds every mail until released."""

    def __init__(self):
        self.release = threading.Event()
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        while not self.release.is_set():
            await asyncio.sleep(0.05)
        self.received.append(envelope)
        return "250 OK"


def test_sign_up_does_not_wait_for_a_slow_smtp_server(make_app):
    slow = SlowInbox()
    port = free_port()
    controller = Controller(slow, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_app(OUTBOX_DELIVERY="background", MAIL_PORT=port)
        answer = submit(
            app.test_client(), "/signup", {"email": "slow@example.org", "password": PASSWORD}
        )
        # The answer is here while the SMTP server still holds the mail.
        assert answer.status_code == 302
        assert slow.received == []
        slow.release.set()
        deadline = time.monotonic() + 20
        while not slow.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(slow.received) == 1
    finally:
        slow.release.set()
        controller.stop()


def test_mail_worker_process_delivers(tmp_path, smtp_server, help_site):
    smtp_server.clear()
    env = {
        **os.environ,
        "FLASK_SECRET_KEY": "worker-secret",
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'worker.db'}",
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(smtp_server.port),
        "FLASK_OUTBOX_DELIVERY": '"worker"',
        "FLASK_HELP_SITE_DIR": str(help_site),
    }
    flask = [sys.executable, "-m", "flask", "--app", "site_app"]
    subprocess.run(
        [*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120
    )
    worker = subprocess.Popen(
        [*flask, "outbox", "deliver", "--watch", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from site_app import create_app

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": env["FLASK_SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "worker-secret",
                "OUTBOX_DELIVERY": "worker",
                "HELP_SITE_DIR": str(help_site),
                "PUBLIC_URL": "http://localhost",
            }
        )
        submit(app.test_client(), "/signup", {"email": "queued@example.org", "password": PASSWORD})
        deadline = time.monotonic() + 30
        while not smtp_server.to("queued@example.org") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert smtp_server.last("queued@example.org")["Subject"] == "VEUILLEZ ACTIVER VOTRE COMPTE"
        with app.app_context():
            db.engine.dispose()
    finally:
        worker.terminate()
        worker.wait(timeout=10)


def test_healthz_reports_the_database_and_limiter_and_operators_get_the_backlog(make_app):
    app = make_app(OUTBOX_DELIVERY="worker", HEALTH_TOKEN="ops-secret-for-the-probe")
    queue_signups(app, 2)
    report = app.test_client().get("/healthz")
    assert report.status_code == 200
    assert report.json == {"database": "ok", "limiter": "ok"}  # no backlog: tests/test_health.py
    details = app.test_client().get(
        "/healthz/details", headers={"Authorization": "Bearer ops-secret-for-the-probe"}
    )
    assert details.json["outbox"]["pending"] == 2


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    from site_app import create_app

    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "missing" / "db.sqlite"),
        }
    )
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.json["database"].startswith("error")


def test_a_connection_the_database_closed_is_replaced_unseen(make_app, postgres_uri, inbox):
    """A pooled connection is checked before use (``pool_pre_ping``, site_app/config.py).

    PostgreSQL only: SQLite holds no connection to a server, there is nothing to lose.
    """
    pages = {}
    for pre_ping in (False, True):
        app = make_app(
            SQLALCHEMY_DATABASE_URI=postgres_uri,
            SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": pre_ping},
        )
        client = app.test_client()
        with app.test_request_context("/"):
            accounts.register("pooled@example.org", PASSWORD, "en")
            accounts.activate(accounts.find_user("pooled@example.org"), "en")
        submit(client, "/login", {"email": "pooled@example.org", "password": PASSWORD})
        with app.app_context():  # the pool's only connection: which server process?
            backend = db.session.scalar(text("SELECT pg_backend_pid()"))
            db.session.remove()
        killer = sqlalchemy.create_engine(POSTGRES_URI)
        with killer.connect() as connection:  # as a database restart would
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        killer.dispose()
        time.sleep(0.05)
        pages[pre_ping] = client.get("/account")
    assert pages[False].status_code == 500  # the dead connection reached the request
    assert pages[True].status_code == 200
    assert "pooled@example.org" in pages[True].text
