"""The built guide served at /help/, and /help/go/<topic>."""

import json

import pytest


def get(client, url, **kwargs):
    """GET and read a (possibly streamed) response, closing its file."""
    with client.get(url, **kwargs) as response:
        response.text_body = response.get_data(as_text=True)
        return response


def test_guide_is_served_in_french_and_english(client):
    french = get(client, "/help/")
    assert french.status_code == 200 and '<html lang="fr"' in french.text_body
    english = get(client, "/help/en/")
    assert english.status_code == 200 and '<html lang="en"' in english.text_body


def test_html_is_revalidated_and_assets_cached(client):
    page = get(client, "/help/")
    assert page.headers["Cache-Control"].startswith("no-cache")
    assert page.headers["ETag"]
    again = get(client, "/help/", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    css = get(client, "/help/stylesheets/extra.css")
    assert css.status_code == 200 and "max-age=300" in css.headers["Cache-Control"]


def test_reader_language_opens_the_matching_guide(client):
    client.set_cookie("lang", "en")
    answer = get(client, "/help/")
    assert answer.status_code == 302 and answer.location == "/help/en/"


@pytest.mark.parametrize(
    ("query", "prefix"),
    [("?lang=fr", "/help/"), ("?lang=en", "/help/en/"), ("?lang=de", "/help/"), ("", "/help/")],
)
def test_go_redirects_to_the_topic_in_the_reader_language(client, help_site, query, prefix):
    topics = json.loads((help_site / "topics.json").read_text())
    answer = get(client, f"/help/go/wrong-password{query}")
    assert answer.status_code == 302
    lang = "en" if prefix.endswith("en/") else "fr"
    assert answer.location == "/help/" + topics[lang]["wrong-password"]
    assert answer.location.startswith(prefix) and answer.location.endswith("#wrong-password")
    if lang == "fr":
        assert not answer.location.startswith("/help/en/")


def test_go_follows_the_language_cookie(client):
    client.set_cookie("lang", "en")
    assert get(client, "/help/go/ip-blocked").location.startswith("/help/en/")


def test_go_to_an_unknown_topic_is_a_404(client):
    assert get(client, "/help/go/no-such-topic").status_code == 404


@pytest.mark.parametrize(("url", "lang"), [("/help/nope/", "fr"), ("/help/en/nope/", "en")])
def test_missing_guide_pages_get_the_guide_404_in_their_language(client, url, lang):
    answer = get(client, url)
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


def test_guide_not_built_is_a_503(make_app, tmp_path):
    client = make_app(HELP_SITE_DIR=str(tmp_path / "empty")).test_client()
    answer = get(client, "/help/")
    assert answer.status_code == 503
    # Help links still work: they fall back to the stable redirect.
    assert "/help/go/" in get(client, "/signup").text_body


def test_guide_states_the_app_delays():
    """The guide quotes the activation and reset delays: they must be the app's defaults."""
    from conftest import ROOT

    from site_app import config

    hours = int(config.ACTIVATION_DELAY.total_seconds() // 3600)
    words = {"fr": ("heures", "heure"), "en": ("hours", "hour")}
    for lang, (plural, singular) in words.items():
        text = (ROOT / "docs" / f"create-account.{lang}.md").read_text(encoding="utf-8")
        text += (ROOT / "docs" / f"troubleshooting.{lang}.md").read_text(encoding="utf-8")
        import re

        stated = {int(n) for n in re.findall(rf"\b(\d+) {plural}\b", text)}
        assert stated == {hours}, f"{lang}: the guide says {stated} {plural}, the app {hours}"
        reset = int(config.PASSWORD_RESET_DELAY.total_seconds() // 3600)
        assert re.search(rf"\b{reset} {singular}\b", text), f"{lang}: reset delay missing"


def test_guide_pages_are_compressed_and_revalidated(client):
    plain = get(client, "/help/troubleshooting/")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    with client.get("/help/troubleshooting/", headers={"Accept-Encoding": "gzip, br"}) as packed:
        body = packed.get_data()  # the file WhiteNoise opened is closed after
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["Cache-Control"] == "no-cache"
    assert "unsafe-inline" in packed.headers["Content-Security-Policy"]
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
