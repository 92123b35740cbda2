"""Tests of the help center build (mkdocs.yml, docs/, overrides/)."""

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
PAGES = sorted(path.name[: -len(".fr.md")] for path in DOCS.glob("*.fr.md"))
BASE = "http://help.test/help/"  # any prefix works: links are relative


def run_mkdocs_build(config_file, site_dir, **env):
    """Run ``mkdocs build --strict`` in a subprocess and return the finished process.

    No ``-q``: it hides warnings from the strict-mode counter, so a broken link would pass.
    """
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"]
        + ["-f", str(config_file), "-d", str(site_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        timeout=300,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site_dir = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(ROOT / "mkdocs.yml", site_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


@pytest.fixture(scope="module")
def topics(site):
    return json.loads((site / "topics.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registry():
    return yaml.safe_load((DOCS / "topics.yml").read_text(encoding="utf-8"))


class Page(HTMLParser):
    """The few facts the tests read from a built HTML page."""

    def __init__(self, path):
        super().__init__()
        self.ids = set()
        self.lang = None
        self.switcher = {}
        self.links = []
        self.scripts = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "a" and "md-select__link" in (attrs.get("class") or ""):
            self.switcher[attrs["hreflang"]] = attrs["href"]
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


def url_of(relative):
    """The served URL of a path relative to the site root."""
    return urljoin(BASE, relative)


def file_of(site, url):
    """The built file that answers a served URL (directory URLs end with index.html)."""
    path = urlsplit(url).path
    assert path.startswith(urlsplit(BASE).path), url
    relative = path[len(urlsplit(BASE).path) :]
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return site / relative


def page_path(page, lang):
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    return prefix if page == "index" else f"{prefix}{page}/"


def test_build_passes(site):
    assert (site / "index.html").is_file()
    assert (site / "en" / "index.html").is_file()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_exists_in_both_languages(site, page):
    assert (DOCS / f"{page}.en.md").is_file(), f"{page}.en.md is missing"
    for lang in LANGUAGES:
        built = file_of(site, url_of(page_path(page, lang)))
        assert built.is_file(), built
        assert Page(built).lang == lang


def test_every_html_page_has_its_real_language(site):
    for path in site.rglob("*.html"):
        if path.name == "translation-status.html":
            continue  # the editors' report, in English like the editors' guide
        expected = "en" if path.relative_to(site).parts[0] == "en" else "fr"
        assert Page(path).lang == expected, path


def test_every_registered_topic_resolves_to_an_anchor(site, topics, registry):
    assert set(topics) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert set(topics[lang]) == set(registry), lang
        for topic, relative in topics[lang].items():
            url = url_of(relative)
            assert urlsplit(url).fragment == topic
            if lang != DEFAULT_LANGUAGE:
                assert relative.startswith(f"{lang}/")
            page = Page(file_of(site, url))
            assert page.lang == lang
            assert topic in page.ids, f"{topic} not in {relative}"


#: How the app names a topic: ``help_url("id")`` / ``help("id")`` in code, templates and
#: mails, or ``topic="id"`` passed to a page.
TOPIC_USE = re.compile(
    r"""\b(?:help_url|help)\(\s*['"]([a-z0-9-]+)['"]|\btopic=['"]([a-z0-9-]+)['"]"""
)


def topics_used_by_the_app() -> set[str]:
    """Every topic the app links to, collected from its code rather than listed by hand."""
    from site_app.errors import ERRORS
    from site_app.tokens import PROBLEMS

    used = {entry[0] for entry in ERRORS.values()} | {f"link-{p}" for p in PROBLEMS}
    for path in (ROOT / "site_app").rglob("*"):
        if path.suffix in (".py", ".html", ".txt"):
            for match in TOPIC_USE.finditer(path.read_text(encoding="utf-8")):
                used.add(match.group(1) or match.group(2))
    return used


def test_topics_used_by_the_app_are_registered(registry):
    used = topics_used_by_the_app()
    assert len(used) >= 20  # the scan itself works
    assert used - set(registry) == set()


@pytest.mark.parametrize(("lang", "other"), [("fr", "en"), ("en", "fr")])
def test_language_switcher_links_to_the_same_page(site, lang, other):
    for page in PAGES:
        url = url_of(page_path(page, lang))
        switcher = Page(file_of(site, url)).switcher
        assert urljoin(url, switcher[other]) == url_of(page_path(page, other)), page
        assert urljoin(url, switcher[lang]) == url


def test_search_index_per_language(site):
    for lang in LANGUAGES:
        root = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
        index = json.loads((site / root / "search" / "search_index.json").read_text("utf-8"))
        assert index["config"]["lang"] == [lang]
        assert index["docs"], lang
        for doc in index["docs"]:
            url = urljoin(url_of(root), doc["location"])
            assert Page(file_of(site, url)).lang == lang, doc["location"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_load_the_search_index_of_their_language(site, lang):
    """Material's JS fetches ``<__config.base>/search/search_index.json``."""
    for page in PAGES:
        url = url_of(page_path(page, lang))
        html = file_of(site, url).read_text(encoding="utf-8")
        config = json.loads(re.search(r'id="__config"[^>]*>(.*?)</script>', html, re.S)[1])
        assert urljoin(url, config["base"].rstrip("/") + "/") == url_of(page_path("index", lang))


def test_search_splits_words_after_an_apostrophe(site):
    separator = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    tokens = re.split(separator["config"]["separator"], "l'espace et l’espace")
    assert tokens.count("espace") == 2


def test_localized_404_pages(site):
    french, english = Page(site / "404.html"), Page(site / "en" / "404.html")
    assert (french.lang, english.lang) == ("fr", "en")
    assert "Page introuvable" in (site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in (site / "en" / "404.html").read_text(encoding="utf-8")
    assert "/help/en/troubleshooting/#page-not-found" in english.links


def test_links_to_the_account_app_are_absolute_paths(site):
    for lang in LANGUAGES:
        page = Page(file_of(site, url_of(page_path("troubleshooting", lang))))
        for path in ("/login", "/signup", "/contact", "/activation/resend", "/password/forgot"):
            # In the page's language, so the app opens in the language being read.
            assert f"{path}?lang={lang}" in page.links, (lang, path)
        assert f"/account?lang={lang}" in page.links  # header link, in the page's language


def test_language_cookie_script_is_external(site):
    page = Page(site / "en" / "index.html")
    assert any(src.endswith("javascripts/lang-cookie.js") for src in page.scripts)
    script = (site / "javascripts" / "lang-cookie.js").read_text(encoding="utf-8")
    assert "path=/; max-age=31536000; samesite=lax" in script


def test_editor_files_are_not_published(site):
    assert not (site / "topics.yml").exists()
    assert not list(site.rglob("CONTRIBUTING*"))


def test_build_fails_when_a_topic_is_missing(tmp_path):
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    article = tmp_path / "docs" / "troubleshooting.en.md"
    text = article.read_text(encoding="utf-8")
    assert "{ #ip-blocked }" in text
    article.write_text(text.replace("{ #ip-blocked }", ""), encoding="utf-8")

    result = run_mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "'ip-blocked'" in output
    assert "language 'en'" in output


def test_build_fails_when_a_translation_is_missing(tmp_path):
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs" / "account.en.md").unlink()

    result = run_mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "missing translation in language 'en'" in output
    assert "account" in output


def test_build_fails_when_a_registered_topic_has_no_heading(tmp_path):
    registry = tmp_path / "topics.yml"
    registry.write_text(
        (DOCS / "topics.yml").read_text(encoding="utf-8") + "no-such-topic: test\n", "utf-8"
    )
    result = run_mkdocs_build(
        ROOT / "mkdocs.yml", tmp_path / "site", HELP_TOPICS_FILE=str(registry)
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "'no-such-topic'" in output
    assert "language 'fr'" in output


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("[x](/not-an-app-page)", "absolute link '/not-an-app-page'"),
        ("[x](troubleshooting.md#no-such-anchor)", "anchor '#no-such-anchor'"),
        ("[x](no-such-page.md)", "no-such-page.md"),
    ],
)
def test_build_fails_on_a_broken_link(tmp_path, link, message):
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "account.en.md").open("a", encoding="utf-8") as article:
        article.write(f"\n{link}\n")

    result = run_mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")

    assert result.returncode != 0
    assert message in result.stdout + result.stderr
