"""The contact form answers before support must (issue 23): suggestions from the guide's own
search while the message is typed, "This answered my question" counted, and the counts in
``flask help report``. The browser part types questions in every language in Chromium."""

import pytest
from conftest import submit
from figure_tools.browser_support import LiveApp, new_page
from search_support import _node as search_node
from sqlalchemy import select

from site_app.extensions import db
from site_app.models import ContactDeflection

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}

#: A question typed in each language, and the paragraph of the guide that answers it.
QUESTIONS = {
    "fr": ("Bonjour, je n'ai rien reçu", "#check-spam"),
    "en": ("Hello, I did not get the email", "#check-spam"),
    "ar": ("مرحبا، لم يصلني شيء", "#check-spam"),
}


def answered(client, **body):
    return client.post("/api/contact/answered", json=body, headers=SAME_ORIGIN)


def test_the_contact_page_says_where_the_guides_search_is(app, client):
    for lang in app.config["LANGUAGES"]:
        page = client.get(f"/contact?lang={lang}").get_data(as_text=True)
        assert "data-suggestions" in page
        for name in ("data-worker", "data-index"):
            url = page.split(f'{name}="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
            with client.get(url) as found:
                assert found.status_code == 200, (lang, url)


def test_an_answered_question_is_counted_and_reported(app, client, inbox):
    assert answered(client, page="troubleshooting/#check-spam", lang="en", topic="other").json == {
        "ok": True
    }
    assert answered(client, page="troubleshooting/#check-spam", lang="ar").status_code == 200
    submit(
        client,
        "/contact",
        {"email": "writer@example.org", "topic": "other", "message": "Hello, a question."},
    )
    report = app.test_cli_runner().invoke(args=["help", "report"])
    assert report.exit_code == 0, report.output
    assert (
        "Contact over the last 30 day(s): 1 message(s) written, "
        "2 question(s) answered by a suggestion." in report.output
    )
    assert "1 × troubleshooting/#check-spam [en]" in report.output


@pytest.mark.parametrize(
    "body, headers, status",
    [
        ({"page": "troubleshooting/", "lang": "en"}, {"Sec-Fetch-Site": "cross-site"}, 403),
        ({"page": "https://evil.example/#x", "lang": "en"}, SAME_ORIGIN, 400),
        ({"page": "troubleshooting/", "lang": "xx"}, SAME_ORIGIN, 400),
        ({"page": "troubleshooting/", "lang": "en", "topic": "nope"}, SAME_ORIGIN, 400),
    ],
)
def test_a_bad_or_foreign_answer_changes_nothing(app, client, body, headers, status):
    assert client.post("/api/contact/answered", json=body, headers=headers).status_code == status
    with app.app_context():
        assert db.session.scalar(select(ContactDeflection)) is None


@pytest.fixture
def live(help_site, tmp_path):
    with LiveApp(help_site, tmp_path) as live:
        yield live


def test_suggestions_for_typed_questions_in_every_language(browser, live, help_site):
    """The suggestions are the guide's own search's answers: the first three paragraphs the
    search box lists for the same words (tests/search_node.js, the same worker files)."""
    for lang in live.app.config["LANGUAGES"]:
        question, paragraph = QUESTIONS[lang]
        page = new_page(browser, lang)
        page.goto(live.url(f"/contact?lang={lang}"))
        page.locator("textarea[name=message]").press_sequentially(question, delay=5)
        links = page.locator("[data-suggestions] li a")
        links.first.wait_for()
        hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
        assert 1 <= len(hrefs) <= 3, hrefs
        assert any(href.endswith(paragraph) for href in hrefs), (lang, hrefs)
        root = "/help/" if lang == live.app.config["LANGUAGES"][0] else f"/help/{lang}/"
        assert all(href.startswith(live.url(root)) for href in hrefs), hrefs
        box_order = search_node(help_site, root.removeprefix("/help/"), [question])[0]
        guide_says = [location for location in box_order if "#" in location][:3]
        assert [href.removeprefix(live.url(root)) for href in hrefs] == guide_says, lang
        # "This answered my question": counted, and the visit ends there.
        page.locator("[data-suggestions] li button").first.click()
        page.locator("[data-answered-thanks]").wait_for()
        assert not page.locator("form[data-contact-form]").is_visible()
        page.context.close()
    with live.app.app_context():
        counted = db.session.scalars(select(ContactDeflection)).all()
        assert sorted(row.lang for row in counted) == sorted(live.app.config["LANGUAGES"])
