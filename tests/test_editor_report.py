"""/editor as its readers see it: who gets it, the table's numbers after real requests,
the charts under the app's CSP, sorting without script, the CSV exports."""

import csv
import io
import re
from datetime import date

import pytest
from conftest import PASSWORD, link_in, submit

from site_app.config import LANGUAGES

SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def sign_in(client, address):
    answer = submit(client, "/login", {"email": address, "password": PASSWORD})
    assert answer.status_code == 302, answer.text


@pytest.fixture
def editor(client, runner, member):
    """``member`` granted and signed in on ``client``."""
    assert runner.invoke(args=["editors", "add", member]).exit_code == 0
    sign_in(client, member)
    return member


def figures(page: str, topic: str, lang: str) -> dict[str, str]:
    """The numbers of the table's row for ``topic`` in ``lang``."""
    row = re.search(rf'<tr data-topic="{topic}" data-lang="{lang}">(.*?)</tr>', page, re.S)
    assert row, f"no row {topic} [{lang}]"
    return dict(re.findall(r'data-figure="(\w+)">(\d+)<', row.group(1)))


def table_order(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-topic="([\w-]+)" data-lang="(\w+)">', page)


def test_only_granted_accounts_see_the_report(app, client, runner, member, inbox):
    for url in ("/editor", "/editor/report.csv", "/editor/searches.csv"):
        assert client.get(url).status_code == 404  # anonymous
    sign_in(client, member)
    answer = client.get("/editor")
    assert answer.status_code == 404  # an ordinary account
    assert 'data-error="page-not-found"' in answer.text

    runner.invoke(args=["editors", "add", member])
    assert client.get("/editor").status_code == 200
    assert client.get("/editor/report.csv").status_code == 200

    runner.invoke(args=["editors", "remove", member])
    for url in ("/editor", "/editor/report.csv", "/editor/searches.csv"):
        assert client.get(url).status_code == 404  # revoked, still signed in


def test_a_grant_dies_with_its_account(app, client, runner, inbox, time_machine):
    time_machine.move_to("2030-01-01 08:00:00+00:00", tick=False)
    address = "editor-to-be@example.org"
    submit(client, "/signup", {"email": address, "password": PASSWORD})
    runner.invoke(args=["editors", "add", address])
    time_machine.move_to("2030-01-04 08:00:00+00:00", tick=False)
    assert "Deleted 1 unactivated" in runner.invoke(args=["accounts", "purge"]).output

    stranger = app.test_client()  # someone else signs up with the address afterwards
    inbox.clear()
    submit(stranger, "/signup", {"email": address, "password": PASSWORD})
    submit(stranger, link_in(inbox.last(address), "/activate/"), {})
    assert stranger.get("/account").status_code == 200
    assert stranger.get("/editor").status_code == 404
    assert "No editors" in runner.invoke(args=["editors", "list"]).output


def test_the_table_shows_what_readers_met(app, client, editor, inbox):
    reader = app.test_client()
    for _ in range(3):
        reader.get("/no-such-page")
    reader.get("/no-such-page?lang=en")
    reader.get("/help/go/page-not-found?lang=en")
    reader.get("/help/go/page-not-found?lang=en")
    data = {"email": "reader@example.org", "topic": "other", "message": "Lost", "ref": "E404"}
    submit(reader, "/contact?ref=E404", data, form_url="/contact?ref=E404")
    reader.post("/api/search-miss", json={"query": "facture", "lang": "fr"}, headers=SAME_ORIGIN)
    reader.post("/api/search-miss", json={"query": "facture", "lang": "fr"}, headers=SAME_ORIGIN)

    page = client.get("/editor").text
    assert figures(page, "page-not-found", "fr") == {
        "shown": "3",
        "followed": "0",
        "contact": "0",
        "answered": "0",
        "helpful": "0",
        "not_helpful": "0",
        "comments": "0",
    }
    english = figures(page, "page-not-found", "en")
    assert (english["shown"], english["followed"]) == ("1", "2")
    shown = sum(int(figures(page, *row)["shown"]) for row in table_order(page))
    assert shown >= 4 and f'data-total="shown">{shown}<' in page  # the editor's mails too
    assert 'data-total="followed">2<' in page
    assert 'data-total="searches">2<' in page
    assert re.search(r">facture</bdi></td><td>Français</td><td class=\"number\">2<", page)
    # The reader chose English (?lang=en is kept), then wrote from the E404 page.
    assert (english["contact"], figures(page, "page-not-found", "fr")["contact"]) == ("1", "0")


def test_a_suggestion_that_answered_counts_for_its_topic(app, client, editor):
    """"This answered my question" on /contact counts for the suggested paragraph's topic."""
    reader = app.test_client()
    for page in ("troubleshooting/#check-spam", "troubleshooting/#check-spam", "troubleshooting/"):
        body = {"page": page, "lang": "en", "topic": "other"}
        answered = reader.post("/api/contact/answered", json=body, headers=SAME_ORIGIN)
        assert answered.status_code == 200
    report = client.get("/editor").text
    assert figures(report, "check-spam", "en")["answered"] == "2"
    assert sum(int(figures(report, *row)["answered"]) for row in table_order(report)) == 2


def test_the_charts_are_inline_svg_under_the_apps_csp(app, client, editor):
    app.test_client().get("/no-such-page")
    answer = client.get("/editor")
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page = answer.text
    assert page.count("<svg") == 2 and 'data-chart="per-day"' in page
    # A column for today's one error; no inline style or script the CSP would block.
    assert re.search(r'<rect class="chart-shown"[^>]*data-value="1"', page)
    assert " style=" not in page and "<style" not in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/app.js" defer>']


def test_the_table_sorts_by_any_column_without_script(app, client, editor):
    reader = app.test_client()
    reader.get("/no-such-page")
    reader.get("/no-such-page")
    for _ in range(3):
        reader.get("/help/go/wrong-password")
    by_shown = client.get("/editor").text
    assert table_order(by_shown)[0] == ("page-not-found", "fr")
    assert 'aria-sort="descending"' in by_shown
    link = re.search(r'href="([^"]*sort=followed[^"]*)"', by_shown).group(1).replace("&amp;", "&")
    by_followed = client.get(link).text
    assert table_order(by_followed)[0] == ("wrong-password", "fr")
    ascending = client.get(link.replace("order=desc", "order=asc")).text
    assert table_order(ascending)[-1] == ("wrong-password", "fr")
    assert 'aria-sort="ascending"' in ascending


def test_the_period_is_chosen_in_utc_days(app, client, runner, member, time_machine):
    time_machine.move_to("2030-03-01 12:00:00+00:00", tick=False)
    runner.invoke(args=["editors", "add", member])
    sign_in(client, member)
    app.test_client().get("/no-such-page")
    time_machine.move_to("2030-03-05 12:00:00+00:00", tick=False)
    app.test_client().get("/no-such-page?lang=en")
    page = client.get("/editor?from=2030-03-01&to=2030-03-01").text
    assert table_order(page) == [("page-not-found", "fr")]
    assert "2030-03-01" in page
    week = client.get("/editor?days=7").text
    assert sorted(table_order(week)) == [("page-not-found", "en"), ("page-not-found", "fr")]
    assert table_order(client.get("/editor?from=2030-03-02&to=2030-03-04").text) == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "query", ["from=yesterday", "from=2030-03-05&to=2030-03-01", "from=2020-01-01&to=2030-01-01"]
)
def test_a_wrong_period_says_why_in_the_readers_language(app, client, editor, lang, query):
    english = client.get(f"/editor?{query}&lang=en")
    answer = client.get(f"/editor?{query}&lang={lang}")
    assert answer.status_code == 400 and 'data-error="period"' in answer.text
    message = re.search(r'data-error="period"><p>(.*?)</p>', answer.text).group(1)
    english_message = re.search(r'data-error="period"><p>(.*?)</p>', english.text).group(1)
    assert message and (lang == "en" or message != english_message)
    assert client.get(f"/editor/report.csv?{query}").status_code == 400


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_speaks_every_language(app, client, editor, lang):
    page = client.get(f"/editor?lang={lang}").text
    english = client.get("/editor?lang=en").text
    title = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert title and (lang == "en" or title != re.search(r"<h1>(.*?)</h1>", english).group(1))
    assert ('dir="rtl"' in page) == (lang == "ar")


def read_csv(answer) -> list[list[str]]:
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True).removeprefix("\ufeff"))))


def test_the_csv_holds_every_figure_per_day(app, client, editor):
    reader = app.test_client()
    reader.get("/no-such-page")
    reader.get("/no-such-page?lang=ar")
    reader.get("/help/go/wrong-password?lang=ar")
    rows = read_csv(client.get("/editor/report.csv"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["day", "topic", "language", "shown", "followed"]
    today = date.today().isoformat()
    as_dicts = {(r[1], r[2]): dict(zip(header, r, strict=True)) for r in body}
    assert as_dicts[("page-not-found", "fr")]["shown"] == "1"
    assert as_dicts[("page-not-found", "ar")]["day"] == today
    assert as_dicts[("wrong-password", "ar")]["followed"] == "1"


def test_the_csv_of_searches_runs_no_formula(app, client, editor):
    reader = app.test_client()
    typed = [
        '=HYPERLINK("http://evil.example","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tfacture",
        "كلمة السر",
        "facture",
    ]
    for query in typed:
        reader.post("/api/search-miss", json={"query": query, "lang": "fr"}, headers=SAME_ORIGIN)
    cells = {row[0] for row in read_csv(client.get("/editor/searches.csv"))[1:]}
    assert cells == {
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "facture",
        "كلمة السر",
    }  # the tab-led query was stripped by the guide's endpoint: plain "facture", twice
