"""The built guide served at /help/, and /help/go/<topic>."""

import json
import os
import re

import pytest

from site_app.config import LANGUAGES
from site_app.templating import text_direction

DEFAULT = LANGUAGES[0]


def home(lang: str) -> str:
    """Where the guide of ``lang`` lives: the default language at /help/, others below."""
    return "/help/" if lang == DEFAULT else f"/help/{lang}/"


def get(client, url, **kwargs):
    """GET and read a (possibly streamed) response, closing its file."""
    with client.get(url, **kwargs) as response:
        response.text_body = response.get_data(as_text=True)
        return response


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guide_is_served_in_every_language_and_direction(client, lang):
    page = get(client, home(lang))
    assert page.status_code == 200 and f'<html lang="{lang}"' in page.text_body
    assert f'<body dir="{text_direction(lang)}"' in page.text_body


def test_html_is_revalidated_and_assets_cached(client):
    page = get(client, "/help/")
    assert page.headers["Cache-Control"].startswith("no-cache")
    assert page.headers["ETag"]
    again = get(client, "/help/", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    css = get(client, "/help/stylesheets/extra.css")
    assert css.status_code == 200 and "max-age=300" in css.headers["Cache-Control"]


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_reader_language_opens_the_matching_guide(client, lang):
    client.set_cookie("lang", lang)
    answer = get(client, "/help/")
    assert answer.status_code == 302 and answer.location == home(lang)


@pytest.mark.parametrize(
    ("query", "lang"),
    [(f"?lang={lang}", lang) for lang in LANGUAGES] + [("?lang=xx", DEFAULT), ("", DEFAULT)],
)
def test_go_redirects_to_the_topic_in_the_reader_language(client, help_site, query, lang):
    topics = json.loads((help_site / "topics.json").read_text())
    answer = get(client, f"/help/go/wrong-password{query}")
    assert answer.status_code == 302
    assert answer.location == "/help/" + topics[lang]["wrong-password"]
    assert answer.location.startswith(home(lang)) and answer.location.endswith("#wrong-password")
    others = [home(other) for other in LANGUAGES if other not in (lang, DEFAULT)]
    assert not answer.location.startswith(tuple(others))


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_go_follows_the_language_cookie(client, lang):
    client.set_cookie("lang", lang)
    assert get(client, "/help/go/ip-blocked").location.startswith(home(lang))


def test_go_to_an_unknown_topic_is_a_404(client):
    assert get(client, "/help/go/no-such-topic").status_code == 404


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_guide_pages_get_the_guide_404_in_their_language(client, lang):
    answer = get(client, home(lang) + "nope/")
    assert answer.status_code == 404
    assert f'<html lang="{lang}"' in answer.text_body


def test_a_folder_without_slash_redirects(client):
    from urllib.parse import urljoin

    answer = get(client, "/help/troubleshooting")  # WhiteNoise: a 302, a relative Location
    assert answer.status_code == 302
    assert urljoin("/help/troubleshooting", answer.location) == "/help/troubleshooting/"


def test_no_file_outside_the_site_is_served(client):
    for url in (
        "/help/../site_app/config.py",
        "/help/..%2fsite_app%2fconfig.py",
        "/help/%2e%2e/README.md",
    ):
        assert get(client, url).status_code == 404


def test_the_guide_tells_nothing_of_the_directories_outside_it(client, help_site):
    """A stranger probes the machine's folders with ``..%2f``: each answer is a missing page's.

    ``/etc``, the project's folder, the test's own process in ``/proc`` exist; the others do
    not. Before, the existing ones answered 301 to themselves and the others 404.
    """
    root = "..%2f" * len(help_site.resolve().parts)
    probes = [
        f"{root}etc",
        f"{root}etc/",
        f"{root}proc%2f{os.getpid()}",
        f"{root}proc/{os.getpid()}/",
        "..",
        "..%2f",
        "en/..%2f..%2f",
        f"{root}no-such-folder",
        f"{root}no-such-folder/",
    ]
    missing = get(client, "/help/no-such-page")
    assert missing.status_code == 404
    for probe in probes:
        answer = get(client, f"/help/{probe}")
        assert answer.status_code == 404, probe
        assert answer.headers.get("Location") is None, probe
        assert answer.text_body == missing.text_body, probe
        assert sorted(answer.headers.items()) == sorted(missing.headers.items()), probe


def test_guide_not_built_is_a_503(make_app, tmp_path):
    client = make_app(HELP_SITE_DIR=str(tmp_path / "empty")).test_client()
    answer = get(client, "/help/")
    assert answer.status_code == 503
    # Help links still work: they fall back to the stable redirect.
    assert "/help/go/" in get(client, "/signup").text_body


def test_guide_states_the_app_delays():
    """The guide quotes the activation, address-change and reset delays: they must be the
    app's defaults (no other number of hours)."""
    from conftest import ROOT

    from site_app import config

    hours = {
        int(delay.total_seconds() // 3600)
        for delay in (config.ACTIVATION_DELAY, config.EMAIL_CHANGE_DELAY)
    }
    reset = int(config.PASSWORD_RESET_DELAY.total_seconds() // 60)
    # "48 hours" and "60 minutes" in each language, as the app writes them (Arabic: "48
    # ساعة", "60 دقيقة"; tests/test_quotes.py reads the app's own phrasing).
    words = {
        "fr": ("heures", rf"\b{reset} minutes\b"),
        "en": ("hours", rf"\b{reset} minutes\b"),
        "ar": ("ساعة", rf"\b{reset} دقيقة"),
    }
    assert set(LANGUAGES) <= set(words), "say how the guide writes hours in the new language"
    for lang in LANGUAGES:
        plural, one_hour = words[lang]
        text = (ROOT / "docs" / f"create-account.{lang}.md").read_text(encoding="utf-8")
        text += (ROOT / "docs" / f"troubleshooting.{lang}.md").read_text(encoding="utf-8")
        stated = {int(n) for n in re.findall(rf"\b(\d+) {plural}\b", text)}
        assert stated == hours, f"{lang}: the guide says {stated} {plural}, the app {hours}"
        assert re.search(one_hour, text), f"{lang}: reset delay ({reset} minutes) missing"


def test_guide_pages_are_compressed_and_revalidated(client):
    plain = get(client, "/help/troubleshooting/")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    with client.get("/help/troubleshooting/", headers={"Accept-Encoding": "gzip, br"}) as packed:
        body = packed.get_data()  # the file WhiteNoise opened is closed after
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["Cache-Control"] == "no-cache"
    policy = dict(
        d.strip().split(" ", 1) for d in packed.headers["Content-Security-Policy"].split(";")
    )
    assert (
        "'unsafe-inline'" in policy["style-src"] and "'unsafe-inline'" not in policy["script-src"]
    )
    assert "'sha256-" in policy["script-src"]  # the theme's inline scripts, by their hashes
    assert packed.headers["X-Content-Type-Options"] == "nosniff"
    import gzip

    assert gzip.decompress(body).decode() == plain.text_body
    # One ETag per file whatever the encoding (WhiteNoise); Vary keeps caches apart.
    assert packed.headers["ETag"] == plain.headers["ETag"]
    again = get(
        client,
        "/help/troubleshooting/",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304 and again.get_data() == b""
    with client.head("/help/troubleshooting/") as head:
        assert head.status_code == 200 and head.get_data() == b""
    assert int(head.headers["Content-Length"]) == len(plain.get_data())


def test_a_rebuilt_guide_is_served_once_the_app_restarts(make_app, help_site, tmp_path):
    """WhiteNoise lists the guide's files at start: production restarts after a rebuild."""
    import shutil
    import subprocess
    import sys

    site = tmp_path / "site"
    shutil.copytree(help_site, site)
    before = get(make_app(HELP_SITE_DIR=str(site)).test_client(), "/help/stylesheets/extra.css")
    (site / "stylesheets" / "extra.css").write_text("/* edited */ body { color: red }")
    subprocess.run([sys.executable, "-m", "whitenoise.compress", "-q", str(site)], check=True)
    restarted = make_app(HELP_SITE_DIR=str(site)).test_client()
    for encoding in ("identity", "gzip"):
        after = get(restarted, "/help/stylesheets/extra.css", headers={"Accept-Encoding": encoding})
        assert after.text_body.startswith("/* edited */")
        assert after.headers["ETag"] != before.headers["ETag"]


def test_a_path_the_file_system_cannot_hold_is_a_missing_page(client):
    """A NUL byte, a name longer than 255 bytes, or a path past the system's length limit
    cannot name a file of the guide: the missing page's plain 404 (before: 500, with a
    logged traceback)."""
    other = LANGUAGES[1]
    probes = [
        "%00",
        "a%00b",
        f"{other}/%00/",
        "a" * 256,
        f"{other}/" + "a" * 256 + "/page/",
        "é" * 128,  # 256 bytes in UTF-8
        "/".join(["a" * 200] * 30),  # each name fits, the whole path does not
    ]
    for probe in probes:
        part = f"{other}/" if probe.startswith(f"{other}/") else ""
        missing = get(client, f"/help/{part}no-such-page")
        answer = get(client, f"/help/{probe}")
        assert answer.status_code == 404, probe
        assert answer.text_body == missing.text_body, probe
