"""The contact form, page feedback from the guide, failed searches and the editors' report."""

import re

import pytest
from conftest import submit
from sqlalchemy import func, select

from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import ContactMessage, PageFeedback

MESSAGE = "Bonjour, je ne reçois pas le mail d'activation."


#: The acknowledgment's subject and the "replies can take a while" notice, per language.
CONTACT_WORDS = {
    "fr": ("Nous avons bien reçu votre message", "peuvent prendre du temps"),
    "en": ("We've received your message", "can take a while"),
    "ar": ("وصلتنا رسالتك", "قد يستغرق الرد بعض الوقت"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_contact_reaches_support_and_acknowledges(client, inbox, app, lang):
    ack_subject, busy = CONTACT_WORDS[lang]
    client.get(f"/language/{lang}")
    page = client.get("/contact")
    assert "support@example.org" in page.text
    assert busy in page.text
    answer = submit(
        client,
        "/contact",
        {"email": "reader@example.org", "topic": "ip-blocked", "message": MESSAGE},
    )
    assert answer.status_code == 302
    sent = client.get(answer.location).text
    with app.app_context():
        reference = db.session.scalar(select(ContactMessage.reference))
    assert reference in sent
    to_support = inbox.last("support@example.org")
    assert reference in to_support["Subject"] and to_support["Reply-To"] == "reader@example.org"
    assert MESSAGE in to_support.get_body(preferencelist=("plain",)).get_content()
    ack = inbox.last("reader@example.org")
    assert ack["Subject"].startswith(ack_subject) and reference in ack["Subject"]
    topic = {
        "fr": "Mon adresse IP est bloquée",
        "en": "My IP address is blocked",
        "ar": "عنوان IP الخاص بي محظور",
    }[lang]
    for part in parts(ack):
        assert reference in part and topic in part


def parts(message) -> list[str]:
    """The text and the HTML part of a mail."""
    return [message.get_body(preferencelist=(kind,)).get_content() for kind in ("plain", "html")]


@pytest.mark.both_databases
def test_a_reference_already_given_is_drawn_again(make_app, inbox, monkeypatch):
    """Two senders, one reference drawn twice: the second sender gets a new one.

    A reference is six random hex digits, so two messages can draw the same one; the
    second used to be a 500 (the unique constraint) and its message was lost. The draws
    are fixed here so the collision happens every time.
    """
    from site_app.contact import messages

    draws = iter(["C-AAAAAA", "C-AAAAAA", "C-AAAAAA", "C-BBBBBB"])
    monkeypatch.setattr(messages, "new_reference", lambda: next(draws))
    app = make_app()
    first, second = app.test_client(), app.test_client()
    for person, address, text in (
        (first, "first@example.org", "Premier message."),
        (second, "second@example.org", "Second message."),
    ):
        answer = submit(person, "/contact", {"email": address, "topic": "other", "message": text})
        assert answer.status_code == 302, address
    assert "C-BBBBBB" in second.get("/contact/sent").text
    assert "C-BBBBBB" in inbox.last("second@example.org")["Subject"]
    assert "C-AAAAAA" in first.get("/contact/sent").text
    assert "C-AAAAAA" in inbox.last("first@example.org")["Subject"]
    with app.app_context():
        stored = db.session.execute(
            select(ContactMessage.reference, ContactMessage.email, ContactMessage.message)
        ).all()
    assert sorted(stored) == [
        ("C-AAAAAA", "first@example.org", "Premier message."),
        ("C-BBBBBB", "second@example.org", "Second message."),
    ]
    to_support = [m["Subject"] for m in inbox.to("support@example.org")]
    assert len(to_support) == 2 and "C-BBBBBB" in to_support[1]


PHISHING = "Votre compte sera supprimé ce soir : confirmez vite sur http://evil.example/login"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_acknowledgement_never_repeats_the_message(make_app, inbox, lang):
    """A stranger types someone else's address and their own text: it must not reach them."""
    app = make_app()
    attacker = app.test_client()
    attacker.get(f"/language/{lang}")
    answer = submit(
        attacker,
        "/contact",
        {"email": "victim@example.org", "topic": "account-page", "message": PHISHING},
    )
    assert answer.status_code == 302
    with app.app_context():
        reference = db.session.scalar(select(ContactMessage.reference))

    # The victim's own mailbox: the reference and the topic, never the text.
    ack = inbox.last("victim@example.org")
    topic = {"fr": "Mon compte", "en": "My account", "ar": "حسابي"}[lang]
    ignore = {
        "fr": "Si vous ne nous avez pas écrit",
        "en": "If you didn't write to us",
        "ar": "إن لم تراسلنا",
    }[lang]
    for part in parts(ack):
        assert reference in part and topic in part and ignore in part
        assert "evil.example" not in part and "supprimé" not in part
    # Support still gets the whole message, with the typed address to reply to.
    to_support = inbox.last("support@example.org")
    assert PHISHING in parts(to_support)[0]
    assert to_support["Reply-To"] == "victim@example.org"


def test_contact_is_never_blocked_by_sign_up_or_reset_quotas(make_app, inbox):
    """Someone who used up the mail quotas (or was made to) can still reach support."""
    app = make_app(MAIL_ACTIONS_PER_IP="2 per hour", MAIL_ACTIONS_PER_EMAIL="2 per hour")
    person = app.test_client()
    where = {"REMOTE_ADDR": "10.5.0.1"}
    statuses = [
        submit(person, url, {"email": "stuck@example.org"}, environ_base=where).status_code
        for url in ("/password/forgot", "/activation/resend", "/password/forgot")
    ]
    assert statuses[-1] == 429  # the quotas are used up, for this address and this client
    answer = submit(
        person,
        "/contact",
        {"email": "stuck@example.org", "topic": "ip-blocked", "message": "Je suis bloqué."},
        environ_base=where,
    )
    assert answer.status_code == 302
    assert "Je suis bloqué." in parts(inbox.last("support@example.org"))[0]
    assert inbox.last("stuck@example.org")


def test_contact_has_its_own_limit_per_client(make_app, inbox):
    app = make_app(CONTACT_PER_IP="2 per hour")
    statuses = [
        submit(
            app.test_client(),
            "/contact",
            {"email": f"p{n}@example.org", "topic": "other", "message": f"m{n}"},
            environ_base={"REMOTE_ADDR": "10.6.0.1"},
        ).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    elsewhere = submit(
        app.test_client(),
        "/contact",
        {"email": "p9@example.org", "topic": "other", "message": "m9"},
        environ_base={"REMOTE_ADDR": "10.6.0.2"},
    )
    assert elsewhere.status_code == 302


def test_error_reference_travels_from_the_blocked_page_to_support(client, inbox):
    page = client.get("/contact?ref=B2")
    assert 'data-reference="B2"' in page.text
    submit(
        client,
        "/contact",
        {"email": "r@example.org", "topic": "ip-blocked", "message": "Bloqué", "ref": "B2"},
        form_url="/contact?ref=B2",
    )
    body = inbox.last("support@example.org").get_body(preferencelist=("plain",)).get_content()
    assert "B2" in body


def test_error_pages_link_to_contact_with_their_reference(client):
    page = client.get("/no/such/page")
    assert 'href="/contact?ref=E404"' in page.text


def test_a_forged_reference_is_dropped(client, inbox):
    page = client.get('/contact?ref=<script>"')
    assert "<script>" not in page.text and "data-reference" not in page.text


def test_bots_filling_the_hidden_field_send_nothing(client, inbox, app):
    answer = submit(
        client,
        "/contact",
        {"email": "bot@example.org", "topic": "other", "message": "spam", "website": "http://spam"},
    )
    assert answer.status_code == 302
    assert inbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count(ContactMessage.id))) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "topic": "other", "message": "x"}, "Saisissez votre adresse e-mail."),
        ({"email": "a@example.org", "topic": "hacking", "message": "x"}, "pas un choix valide"),
        ({"email": "a@example.org", "topic": "other", "message": ""}, "Écrivez votre message."),
        (
            {"email": "a@example.org", "topic": "other", "message": "x" * 5001},
            "ne doit pas dépasser 5\u202f000",
        ),
    ],
)
def test_contact_rejections(client, inbox, data, message):
    answer = submit(client, "/contact", data)
    assert answer.status_code == 422
    assert message in answer.text
    assert inbox.messages == []


def test_acknowledgements_to_one_address_are_limited(client, inbox):
    # Other spellings of one address share its count (fullwidth letter, ideographic full stop).
    spellings = ["loud@example.org", "loud@ｅxample.org", "LOUD@example。org"]
    for n in range(5):  # CONTACT_PER_EMAIL
        submit(
            client,
            "/contact",
            {"email": spellings[n % 3], "topic": "other", "message": f"m{n}"},
            environ_base={"REMOTE_ADDR": f"10.2.{n}.1"},
        )
    answer = submit(
        client,
        "/contact",
        {"email": "loud@example.org", "topic": "other", "message": "again"},
        environ_base={"REMOTE_ADDR": "10.2.9.1"},
    )
    assert answer.status_code == 429


SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def vote(
    client, helpful, comment=None, page="/help/troubleshooting/", lang="fr", headers=SAME_ORIGIN
):
    return client.post(
        "/api/feedback",
        json={"page": page, "lang": lang, "helpful": helpful, "comment": comment},
        headers=headers,
    )


def test_votes_are_stored_one_per_browser_and_page(client, app):
    assert vote(client, 1).status_code == 200
    assert vote(client, 0, "Pas clair sur le blocage").status_code == 200
    other_browser = app.test_client()
    assert vote(other_browser, 1, page="/help/en/troubleshooting/", lang="en").status_code == 200
    with app.app_context():
        votes = db.session.scalars(select(PageFeedback).order_by(PageFeedback.id)).all()
    assert [(v.page, v.lang, v.helpful, v.comment) for v in votes] == [
        ("/help/troubleshooting/", "fr", False, "Pas clair sur le blocage"),
        ("/help/en/troubleshooting/", "en", True, None),
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {},
    ],
)
def test_cross_site_votes_are_refused(client, app, headers):
    assert vote(client, 0, headers=headers).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(PageFeedback.id))) == 0


def test_a_form_post_is_not_a_vote(client):
    answer = client.post(
        "/api/feedback", data={"page": "/help/", "lang": "fr", "helpful": "1"}, headers=SAME_ORIGIN
    )
    assert answer.status_code == 400


def test_votes_are_rate_limited(make_app):
    client = make_app(FEEDBACK_PER_IP="3 per hour").test_client()
    statuses = [vote(client, 1, page=f"/help/p{n}/").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_session_endpoint_tells_only_whether_signed_in(client):
    answer = client.get("/api/session")
    assert answer.json == {"signed_in": False}
    assert answer.headers["Cache-Control"] == "no-store"


def test_report_counts_votes_comments_and_failed_searches(client, app):
    vote(client, 0, "Il manque la durée du blocage")
    vote(app.test_client(), 1)
    vote(app.test_client(), 1, page="/help/en/", lang="en")
    for query in ("supprimer compte", "supprimer compte", "facture"):
        client.post("/api/search-miss", json={"query": query, "lang": "fr"}, headers=SAME_ORIGIN)
    output = app.test_cli_runner().invoke(args=["help", "report"]).output
    assert "/help/troubleshooting/ [fr]: 1 yes, 1 no" in output
    assert "Il manque la durée du blocage" in output
    assert "/help/en/ [en]: 1 yes, 0 no" in output
    assert "2 × 'supprimer compte' [fr]" in output
    assert "1 × 'facture' [fr]" in output


@pytest.mark.parametrize(
    ("url", "subject"),
    [
        ("/contact?ref=B2", "ip-blocked"),
        ("/contact?ref=E429", "ip-blocked"),
        ("/contact?ref=B1", "wrong-password"),
        ("/contact?ref=E500-1A2B3C", None),  # no subject of its own: none chosen
        ("/contact", None),
    ],
)
def test_the_error_reference_chooses_the_subject(client, url, subject):
    page = client.get(url).text
    selected = re.findall(r'<option selected value="([^"]+)"', page)
    assert selected == ([subject] if subject else [])


def test_the_report_escapes_what_readers_typed(client, app):
    """A reader's comment cannot forge report lines or send escape codes to the editor."""
    forged = "Clair.\x1b[2J\x07\n  /help/fake/ [fr]: 999 yes, 0 no\r\u202e"
    vote(client, 0, forged)
    vote(app.test_client(), 1, page="/help/x\x1b]0;owned\x07/")
    client.post(
        "/api/search-miss", json={"query": "a\x1b[31mb\nc", "lang": "fr"}, headers=SAME_ORIGIN
    )
    output = app.test_cli_runner().invoke(args=["help", "report"]).output
    assert not any(char in output for char in "\x1b\x07\r\u202e")
    assert not any(line.startswith("  /help/fake/") for line in output.splitlines())
    assert "Clair.\\x1b[2J\\x07\\n  /help/fake/ [fr]: 999 yes, 0 no\\r\\u202e" in output
    assert "/help/x\\x1b]0;owned\\x07/ [fr]: 1 yes, 0 no" in output
    assert "'a\\x1b[31mb\\nc'" in output


def test_the_report_tells_a_typed_backslash_from_a_control_character(client, app):
    """Two readers: one sends a real ESC, the other types the four characters ``\\x1b``."""
    vote(client, 0, "real \x1b here")
    vote(app.test_client(), 0, "typed \\x1b here", page="/help/typed\\x07/")
    output = app.test_cli_runner().invoke(args=["help", "report"]).output
    assert "real \\x1b here" in output
    assert "typed \\\\x1b here" in output
    assert "/help/typed\\\\x07/ [fr]" in output
    # Only the real ESC reads as an escape: a lone backslash before x1b.
    assert re.findall(r"(?<!\\)\\x1b", output) == ["\\x1b"]
