"""Bad input gets a clear, localized message and changes nothing; never a 500."""

import io

import pytest
from conftest import PASSWORD, csrf_token, link_in, submit
from sqlalchemy import func, select

from site_app.extensions import db
from site_app.models import OutboxMail, User


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(OutboxMail.id))),
        )


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", PASSWORD, "Enter your email address."),
        ("not-an-address", PASSWORD, "Enter a valid email address"),
        ("a@b", PASSWORD, "Enter a valid email address"),
        ("x" * 300 + "@example.org", PASSWORD, "This email address is too long."),
        ("zoé@example.org", PASSWORD, "Use only unaccented letters"),
        ("zoe\u202e@example.org", PASSWORD, "Use only unaccented letters"),
        ("zoe@exa\u202emple.org", PASSWORD, "Enter a valid email address"),
        ("ok@example.org", "", "Choose a password."),
        ("ok@example.org", "short", "Use at least 8 characters."),
        ("ok@example.org", "x" * 129 + "abc", "Use at most 128 characters."),
        ("ok@example.org", "password123", "This password is too common"),
        ("ok@example.org", "aaaaaaaaaaaa", "This password is too common"),
        ("marie.curie@example.org", "MarieCurie2024", "based on your email address"),
    ],
)
def test_sign_up_rejections_say_why(app, client, email, password, message):
    client.get("/language/en")
    answer = submit(client, "/signup", {"email": email, "password": password})
    assert answer.status_code == 422
    assert message in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert counts(app) == (0, 0)


def test_long_passphrase_and_unicode_are_accepted(app, client, inbox):
    passphrase = "Ünïcode pässphrase — 長いパスワード " * 2
    answer = submit(client, "/signup", {"email": "elodie@exämple.fr", "password": passphrase[:120]})
    assert answer.status_code == 302
    assert counts(app) == (1, 1)
    assert inbox.last("elodie@xn--exmple-cua.fr")["Subject"] == "VEUILLEZ ACTIVER VOTRE COMPTE"


def test_odd_unicode_in_fields_never_breaks_a_page(app, client):
    for value in (
        "\x00",
        "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
        "🙂" * 50,
        "\u0301" * 20,
    ):
        answer = submit(client, "/login", {"email": value, "password": value})
        assert answer.status_code == 422
    assert counts(app) == (0, 0)


def test_a_huge_body_gets_the_413_page(app, client):
    token = csrf_token(client, "/signup")
    answer = client.post(
        "/signup", data={"csrf_token": token, "email": "a@example.org", "password": "x" * 1_000_000}
    )
    assert answer.status_code == 413
    assert "#too-large" in answer.text
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_missing_or_forged_csrf_token_gets_the_form_expired_page(app, client, token):
    data = {"email": "a@example.org", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    client.get("/language/en")
    answer = client.post("/signup", data=data)
    assert answer.status_code == 403
    assert "The form has expired" in answer.text
    assert "#form-expired" in answer.text
    assert counts(app) == (0, 0)


def test_security_headers_are_sent(client):
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(app, client, inbox):
    submit(client, "/signup", {"email": "c@example.org", "password": PASSWORD})
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only
    assert cookie.same_site == "Lax"


def test_forms_help_password_managers(client):
    signup = client.get("/signup").text
    assert 'autocomplete="email"' in signup and 'autocomplete="new-password"' in signup
    assert "onpaste" not in signup
    assert 'class="show-password"' in signup
    login = client.get("/login").text
    assert 'autocomplete="current-password"' in login


def file_part(text: str = "owner@example.org"):
    """A multipart file part where a text field is expected."""
    return (io.BytesIO(text.encode()), "field.txt", "text/plain")


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/login", {"email": file_part(), "password": PASSWORD}, "Saisissez votre adresse e-mail."),
        ("/login", {"email": "owner@example.org", "password": file_part()}, "mot de passe"),
        ("/signup", {"email": file_part(), "password": PASSWORD}, "Saisissez votre adresse"),
        ("/signup", {"email": "new@example.org", "password": file_part()}, "mot de passe"),
        ("/password/forgot", {"email": file_part()}, "Saisissez votre adresse e-mail."),
        ("/activation/resend", {"email": file_part()}, "Saisissez votre adresse e-mail."),
        (
            "/contact",
            {"email": "a@example.org", "topic": "other", "message": file_part("hello")},
            "Écrivez votre message.",
        ),
        (
            "/contact",
            {"email": file_part(), "topic": "other", "message": "hello"},
            "Saisissez votre adresse e-mail.",
        ),
    ],
)
def test_a_file_instead_of_a_text_field_is_a_clear_422(make_app, inbox, url, data, message):
    """The attacker's odd request gets the form back; the owner signs in as before."""
    app = make_app()
    owner = app.test_client()
    submit(owner, "/signup", {"email": "owner@example.org", "password": PASSWORD})
    submit(owner, link_in(inbox.last("owner@example.org"), "/activate/"), {})
    inbox.clear()
    before = counts(app)

    attacker = app.test_client()
    token = csrf_token(attacker, url)
    answer = attacker.post(url, data={"csrf_token": token, **data})
    assert answer.status_code == 422
    assert message in answer.text
    assert counts(app) == before and inbox.messages == []
    assert owner.get("/account").status_code == 200


def test_a_file_instead_of_the_new_password_is_a_clear_422(make_app, inbox):
    app = make_app()
    owner = app.test_client()
    submit(owner, "/signup", {"email": "owner@example.org", "password": PASSWORD})
    submit(owner, link_in(inbox.last("owner@example.org"), "/activate/"), {})
    submit(owner, "/password/forgot", {"email": "owner@example.org"})
    reset = link_in(inbox.last("owner@example.org"), "/password/reset/")
    token = csrf_token(owner, reset)
    answer = owner.post(reset, data={"csrf_token": token, "password": file_part("new one!")})
    assert answer.status_code == 422
    assert "Choisissez un mot de passe." in answer.text


@pytest.mark.parametrize("body", [{"email": {"x": 1}, "password": [1, 2]}, [1, 2], "text", 7])
def test_a_json_body_posted_to_a_form_is_not_read(client, app, body):
    """Forms read form fields only, never a JSON body (Flask-WTF would, and fail on objects)."""
    token = csrf_token(client, "/login")
    answer = client.post("/login", json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 422
    assert "Saisissez votre adresse e-mail." in answer.text
    assert counts(app) == (0, 0)


def test_json_nested_5000_deep_is_a_json_400(client, app):
    from site_app.models import PageFeedback

    deep = '{"page": "/help/", "lang": "fr", "helpful": 1, "comment": ' + "[" * 5000 + "]" * 5000
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    answer = client.post(
        "/api/feedback", data=deep + "}", content_type="application/json", headers=headers
    )
    assert answer.status_code == 400
    assert answer.json["error"] == "bad-request" and answer.json["help_url"]
    with app.app_context():
        assert db.session.scalar(select(func.count(PageFeedback.id))) == 0
    # Another reader's vote still works.
    vote = app.test_client().post(
        "/api/feedback", json={"page": "/help/", "lang": "fr", "helpful": 1}, headers=headers
    )
    assert vote.status_code == 200
