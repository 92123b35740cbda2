"""A body sent without its length (chunked) is held to ``MAX_CONTENT_LENGTH`` like any other
(issue 19, item 11).

Werkzeug read such a body up to the limit and the form parser took what it got: the person's
last fields were silently dropped and the form came back with a 422 naming a field they had
filled in. They get the 413 page, in their language, as for a body that gives its length.
Tried through real servers (Werkzeug's, and gunicorn as in production) and the test client.
"""

import http.client
import io
import os
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest
from conftest import CSRF_RE, ROOT, free_port
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import ContactMessage

LIMIT = 64 * 1024  # MAX_CONTENT_LENGTH's default


def contact_form(token: str, message_size: int) -> bytes:
    """The contact form as a browser sends it, its long message before the address."""
    fields = {"csrf_token": token, "topic": "other", "message": "x" * message_size}
    return urlencode({**fields, "email": "reader@example.org"}).encode()


def in_chunks(body: bytes, size: int = 8192):
    return (body[start : start + size] for start in range(0, len(body), size))


def open_form(port: int, lang: str) -> tuple[str, str]:
    """GET /contact as a reader of ``lang``: their session cookie and the form's token."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/contact", headers={"Cookie": f"lang={lang}"})
    answer = connection.getresponse()
    page = answer.read().decode()
    cookie = answer.getheader("Set-Cookie").split(";", 1)[0]
    connection.close()
    return f"{cookie}; lang={lang}", CSRF_RE.search(page).group(1)


def post_chunked(port: int, cookie: str, body: bytes) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Transfer-Encoding": "chunked",
    }
    connection.request(
        "POST", "/contact", body=in_chunks(body), headers=headers, encode_chunked=True
    )
    answer = connection.getresponse()
    page = answer.read().decode()
    connection.close()
    return answer.status, page


def assert_the_413_page(app, status: int, page: str, lang: str) -> None:
    assert status == 413, page[:300]
    assert f'<html lang="{lang}"' in page
    with app.app_context(), force_locale(lang):
        title = gettext("What you sent is too large")
    assert title in page
    assert "#too-large" in page


def stored_messages(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ContactMessage.id)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_chunked_form_over_the_limit_gets_the_413_page(live, lang):
    """Werkzeug's server, in a thread on a loopback port."""
    cookie, token = open_form(live.port, lang)
    status, page = post_chunked(live.port, cookie, contact_form(token, LIMIT))
    assert_the_413_page(live.app, status, page, lang)
    assert stored_messages(live.app) == 0
    # Under the limit, a chunked form is read whole and sent.
    status, _ = post_chunked(live.port, cookie, contact_form(token, 4000))
    assert status == 302
    assert stored_messages(live.app) == 1


@pytest.fixture
def gunicorn(help_site, tmp_path):
    """The app under gunicorn's sync worker, as in production, on a free loopback port."""
    from site_app import create_app

    database = f"sqlite:///{tmp_path / 'gunicorn.db'}"
    settings = {"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "gunicorn-test-secret"}
    settings.update(HELP_SITE_DIR=str(help_site), OUTBOX_DELIVERY="worker")
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, **{f"FLASK_{key}": value for key, value in settings.items()}}
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}"]
    with log.open("wb") as errors:  # the server keeps its own copy of the file
        server = subprocess.Popen(
            [*command, "site_app:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        for _ in range(300):  # up to 30 s for the worker to import the app
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            try:
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.1)
            finally:
                probe.close()
        yield app, port
    finally:
        server.terminate()
        server.wait(timeout=10)
        with app.app_context():
            db.engine.dispose()


def test_a_chunked_form_over_the_limit_gets_the_413_page_from_gunicorn(gunicorn):
    app, port = gunicorn
    lang = LANGUAGES[-1]
    cookie, token = open_form(port, lang)
    status, page = post_chunked(port, cookie, contact_form(token, LIMIT))
    assert_the_413_page(app, status, page, lang)
    assert stored_messages(app) == 0


def test_a_body_without_length_from_the_test_client_gets_the_413_page(client, app):
    """The test client's stream, sent as a server passes a chunked body (no length)."""
    client.set_cookie("lang", "en")
    token = CSRF_RE.search(client.get("/contact").text).group(1)
    answer = client.post(
        "/contact",
        input_stream=io.BytesIO(contact_form(token, LIMIT)),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},  # Werkzeug then ignores the length
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_the_413_page(app, answer.status_code, answer.text, "en")
    assert stored_messages(app) == 0
