"""The editors' counts and who may read them: `flask editors`, and what real requests
count per help topic, language and day (site_app/editor/)."""

import threading
from datetime import date, datetime

import pytest
from conftest import PASSWORD, link_in, submit
from sqlalchemy import select

from site_app.editor.counting import HelpCount
from site_app.editor.report import build_report
from site_app.extensions import db

pytestmark = pytest.mark.both_databases

SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def report(app, start=None, end=None):
    """The report's rows as ``{(topic, lang): row}``, over today by default."""
    today = date.today()
    with app.app_context():
        built = build_report(start or today, end or today)
    return {(row.topic, row.lang): row for row in built.rows}, built


def editors(runner, *args):
    return runner.invoke(args=["editors", *args])


def test_editors_are_added_listed_and_removed_by_address(app, runner, member):
    assert "No editors" in editors(runner, "list").output

    added = editors(runner, "add", "Member@EXAMPLE.org")
    assert added.exit_code == 0 and "member@example.org can now open /editor" in added.output
    again = editors(runner, "add", "member@example.org")
    assert again.exit_code == 0 and "could already open" in again.output
    listed = editors(runner, "list").output
    assert listed.startswith("member@example.org  granted ") and "UTC" in listed

    removed = editors(runner, "remove", "member@example.org")
    assert removed.exit_code == 0 and "can no longer open /editor" in removed.output
    assert "No editors" in editors(runner, "list").output
    assert "could not open" in editors(runner, "remove", "member@example.org").output


@pytest.mark.parametrize("address", ["nobody@example.org", "not an address", ""])
def test_granting_an_address_without_account_fails_and_changes_nothing(runner, member, address):
    result = editors(runner, "add", address)
    assert result.exit_code == 1 and "no account has the address" in result.output
    assert "No editors" in editors(runner, "list").output


def test_an_unactivated_account_is_granted_with_a_warning(client, runner, inbox):
    submit(client, "/signup", {"email": "late@example.org", "password": PASSWORD})
    result = editors(runner, "add", "late@example.org")
    assert "has not activated the account yet" in result.output
    assert "(not activated yet)" in editors(runner, "list").output


def test_error_pages_count_per_topic_language_and_reference(app):
    french, english = app.test_client(), app.test_client()
    for _ in range(3):
        assert french.get("/no-such-page").status_code == 404
    assert english.get("/no-such-page?lang=en").status_code == 404
    assert english.get("/logout").status_code == 405
    # A JSON client is answered, but no page was shown to a person.
    assert french.get("/nowhere", headers={"Accept": "application/json"}).status_code == 404

    rows, built = report(app)
    assert rows[("page-not-found", "fr")].shown == 3
    assert rows[("page-not-found", "fr")].references == {"E404": 3}
    assert rows[("page-not-found", "en")].shown == 1
    assert rows[("method-not-allowed", "en")].references == {"E405": 1}
    assert built.totals.shown == 5


def test_the_sign_in_message_and_link_pages_count(client, app, member):
    for _ in range(2):
        submit(client, "/login", {"email": member, "password": "wrong password here"})
    assert client.get("/activate/forged-token").status_code == 400
    rows, _ = report(app)
    assert rows[("wrong-password", "fr")].references == {"B1": 2}
    assert rows[("link-invalid", "fr")].shown == 1


def test_a_mail_that_links_a_topic_counts_once_it_is_queued(client, app, inbox):
    submit(client, "/signup?lang=en", {"email": "new@example.org", "password": PASSWORD})
    mail = inbox.last("new@example.org")
    assert "/help/go/activation-email" in link_in(mail, "/help/go/")
    rows, _ = report(app)
    assert rows[("activation-email", "en")].references == {"mail:activate": 1}


def test_a_mail_rolled_back_is_not_counted(app):
    from site_app.mail.outbox import queue_mail

    with app.test_request_context():
        queue_mail(
            "activate",
            "x@example.org",
            "fr",
            "s",
            link="/",
            deadline=datetime(2030, 1, 1),
            hours=1,
            email="x@example.org",
            support_email="s@example.org",
            help=lambda topic: f"/help/go/{topic}",
        )
        db.session.rollback()
        db.session.commit()
        assert db.session.scalars(select(HelpCount)).all() == []


def test_help_links_followed_count_in_the_language_they_lead_to(client, app):
    assert client.get("/help/go/wrong-password?lang=en").status_code == 302
    assert client.get("/help/go/wrong-password?lang=ar").status_code == 302
    assert client.get("/help/go/wrong-password?lang=ar").status_code == 302
    assert client.get("/help/go/no-such-topic").status_code == 404
    rows, _ = report(app)
    assert rows[("wrong-password", "en")].followed == 1
    assert rows[("wrong-password", "ar")].followed == 2
    assert ("no-such-topic", "fr") not in rows
    assert rows[("page-not-found", "fr")].shown == 1  # the 404 page it got instead


def test_contact_messages_count_under_the_topic_of_their_reference(client, app, inbox):
    assert client.get("/nowhere?lang=en").status_code == 404
    data = {"email": "reader@example.org", "topic": "other", "message": "Where is it?"}
    submit(client, "/contact?ref=E404", {**data, "ref": "E404"}, form_url="/contact?ref=E404")
    submit(client, "/contact", {**data, "ref": "E500-1A2B3C"})  # never shown: no topic known
    rows, _ = report(app)
    assert rows[("page-not-found", "en")].contact == 1
    assert sum(row.contact for row in rows.values()) == 1


def test_page_votes_count_for_every_topic_of_their_page(client, app, help_site):
    import json

    topics = json.loads((help_site / "topics.json").read_text())["en"]
    page = "/help/" + topics["wrong-password"].split("#")[0]
    on_page = [t for t, path in topics.items() if "/help/" + path.split("#")[0] == page]
    client.post(
        "/api/feedback",
        json={"page": page, "lang": "en", "helpful": 0, "comment": "Say how long"},
        headers=SAME_ORIGIN,
    )
    rows, built = report(app)
    for topic in on_page:
        assert (rows[(topic, "en")].not_helpful, rows[(topic, "en")].comments) == (1, 1)
    assert built.totals.not_helpful == 1  # the chart counts the page's vote once
    assert [(p.page, p.comments) for p in built.pages] == [(page, ["Say how long"])]


def test_counts_from_many_workers_at_once_all_count(make_app):
    """Two apps (two workers, one database), four threads each counting 25 pages."""
    apps = [make_app(), make_app()]
    errors = []

    def worker(app):
        client = app.test_client()
        try:
            for _ in range(25):
                assert client.get("/no-such-page").status_code == 404
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(apps[n % 2],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    rows, _ = report(apps[0])
    assert rows[("page-not-found", "fr")].shown == 100


def test_counting_can_be_turned_off(make_app):
    app = make_app(HELP_COUNTING=False)
    assert app.test_client().get("/no-such-page").status_code == 404
    rows, _ = report(app)
    assert rows == {}


def test_only_aggregates_are_stored(client, app, member):
    submit(
        client,
        "/login",
        {"email": member, "password": "wrong password here"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    with app.app_context():
        stored = [
            str(value)
            for row in db.session.scalars(select(HelpCount))
            for value in (row.topic, row.lang, row.kind, row.reference)
        ]
    assert stored and not any("@" in value or "203.0.113" in value for value in stored)


def test_a_crash_while_writing_is_answered_and_counted_once_per_incident_kind(make_app):
    """The crashed request held a write (SQLite's lock): the 500 page's count still goes in."""
    from site_app.models import FailedSearch

    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/_test/crash-while-writing")
    def _crash():
        db.session.add(FailedSearch(query="half-done", lang="fr"))
        db.session.flush()
        raise RuntimeError("boom")

    client = app.test_client()
    assert client.get("/_test/crash-while-writing").status_code == 500
    assert client.get("/_test/crash-while-writing").status_code == 500
    rows, built = report(app)
    assert rows[("server-error", "fr")].references == {"E500": 2}  # not one row per incident
    assert built.searches == []  # the crashed request's write is not kept
