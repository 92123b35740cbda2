"""Text that cannot be stored is refused like any bad input (issue 19, item 6).

A NUL byte in the contact form, ``/api/feedback`` or ``/api/search-miss`` was a 500 on
PostgreSQL (SQLite stores it), and the logged traceback held the sender's address and
message. Every form field and every string of the guide's JSON is now checked once, before
anything is stored: the form comes back with the field's message, the JSON gets a 400 with
it, and nothing of the person reaches the log.
"""

import logging

import pytest
from conftest import PASSWORD, csrf_token, submit
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import ContactMessage, FailedSearch, OutboxMail, PageFeedback, User

SENDER = "sender.private@example.org"
SECRET = "Mon numéro de client est 4242"
UNSTORABLE = (
    "This text contains an invisible character that can't be saved. "
    "Type the text again instead of pasting it."
)
SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def message_in(app, lang: str) -> str:
    with app.app_context(), force_locale(lang):
        return gettext(UNSTORABLE)


def rows(app) -> dict:
    models = (ContactMessage, FailedSearch, OutboxMail, PageFeedback, User)
    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count(m.id))) for m in models}


def assert_nothing_personal_logged(caplog, *private):
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for text in private:
        assert text not in logged


@pytest.mark.both_databases
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_nul_in_the_contact_form_is_the_fields_own_error(app, inbox, caplog, lang):
    caplog.set_level(logging.DEBUG)
    sender = app.test_client()
    sender.set_cookie("lang", lang)
    before = rows(app)
    answer = submit(
        sender, "/contact", {"email": SENDER, "topic": "other", "message": f"{SECRET}\x00"}
    )
    assert answer.status_code == 422
    assert message_in(app, lang) in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert rows(app) == before and inbox.messages == []
    assert_nothing_personal_logged(caplog, SENDER, SECRET)
    # Another reader's message goes through as before.
    reader = app.test_client()
    ok = submit(
        reader, "/contact", {"email": "reader@example.org", "topic": "other", "message": "Hi"}
    )
    assert ok.status_code == 302 and inbox.last("reader@example.org")


@pytest.mark.both_databases
@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/contact", {"email": f"{SENDER}\x00", "topic": "other", "message": SECRET}, None),
        ("/contact", {"email": SENDER, "topic": "other\x00", "message": SECRET}, None),
        ("/signup", {"email": SENDER, "password": f"{PASSWORD}\x00"}, UNSTORABLE),
        ("/login", {"email": SENDER, "password": f"{PASSWORD}\x00"}, UNSTORABLE),
        ("/password/forgot", {"email": f"\x00{SENDER}"}, None),
    ],
)
def test_a_nul_in_any_form_field_is_a_422(app, inbox, caplog, url, data, message):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    client.set_cookie("lang", "en")
    before = rows(app)
    answer = client.post(url, data={"csrf_token": csrf_token(client, url), **data})
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text
    if message:
        assert message in answer.text
    assert rows(app) == before and inbox.messages == []
    assert_nothing_personal_logged(caplog, SENDER, SECRET, PASSWORD)


@pytest.mark.both_databases
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("url", "body"),
    [
        (
            "/api/feedback",
            {"page": "/help/", "lang": "fr", "helpful": 0, "comment": f"{SECRET}\x00"},
        ),
        ("/api/feedback", {"page": "/help/\x00", "lang": "fr", "helpful": 1}),
        ("/api/feedback", {"page": "/help/", "lang": "fr", "helpful": 1, "\x00": SECRET}),
        ("/api/search-miss", {"query": f"{SECRET}\x00", "lang": "fr"}),
        ("/api/search-miss", {"query": f"{SECRET}\ud800", "lang": "fr"}),  # a lone surrogate
    ],
)
def test_a_nul_in_the_guides_json_is_a_400_that_says_why(app, caplog, lang, url, body):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    client.set_cookie("lang", lang)
    before = rows(app)
    answer = client.post(url, json=body, headers=SAME_ORIGIN)
    assert answer.status_code == 400
    assert answer.json["message"] == message_in(app, lang)
    assert answer.json["reference"] == "E400-TEXT" and answer.json["help_url"]
    assert rows(app) == before
    assert_nothing_personal_logged(caplog, SECRET)
    # The same reader's vote without the character is counted.
    vote = client.post(
        "/api/feedback", json={"page": "/help/", "lang": "fr", "helpful": 1}, headers=SAME_ORIGIN
    )
    assert vote.status_code == 200


@pytest.mark.both_databases
def test_a_failed_statement_logs_none_of_its_values(app):
    """Should some other path ever reach the database with such text, its error (what a
    500 logs) names the statement, not the values (``hide_parameters``)."""
    with app.app_context():
        db.session.add(
            ContactMessage(
                reference="C-1", email=SENDER, topic="other", message=SECRET, locale="fr"
            )
        )
        db.session.add(
            ContactMessage(
                reference="C-1", email=SENDER, topic="other", message=SECRET, locale="fr"
            )
        )
        with pytest.raises(Exception) as failure:
            db.session.commit()
        db.session.rollback()
    assert "INSERT INTO contact_message" in str(failure.value)
    assert SENDER not in str(failure.value) and SECRET not in str(failure.value)
