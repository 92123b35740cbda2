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
from conftest import guide_languages

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


#: The guide's languages, from the i18n plugin (the default one first).
LANGUAGES = tuple(entry["locale"] for entry in guide_languages())
DEFAULT_LANGUAGE = LANGUAGES[0]
PAGES = sorted(
    path.name[: -len(f".{DEFAULT_LANGUAGE}.md")] for path in DOCS.glob(f"*.{DEFAULT_LANGUAGE}.md")
)
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
def site(help_site):
    """The guide as the app serves it (``conftest.help_site``: one strict build per run)."""
    return help_site


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
    for lang in LANGUAGES[1:]:
        assert (site / lang / "index.html").is_file()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_exists_in_every_language(site, page):
    for lang in LANGUAGES[1:]:
        assert (DOCS / f"{page}.{lang}.md").is_file(), f"{page}.{lang}.md is missing"
    for lang in LANGUAGES:
        built = file_of(site, url_of(page_path(page, lang)))
        assert built.is_file(), built
        assert Page(built).lang == lang


def test_every_html_page_has_its_real_language(site):
    for path in site.rglob("*.html"):
        if path.name == "translation-status.html":
            continue  # the editors' report, in English like the editors' guide
        first = path.relative_to(site).parts[0]
        expected = first if first in LANGUAGES[1:] else DEFAULT_LANGUAGE
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
    from site_app.accounts.tokens import PROBLEMS
    from site_app.errors import ERRORS

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


@pytest.mark.parametrize(
    ("lang", "other"), [(a, b) for a in LANGUAGES for b in LANGUAGES if a != b]
)
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
    pattern = separator["config"]["separator"]
    word = [t for t in re.split(pattern, "espace") if t]  # as searched (endings cut)
    tokens = [t for t in re.split(pattern, "l'espace et l’espace") if t]
    assert tokens == word * 2


def test_localized_404_pages(site):
    french, english = Page(site / "404.html"), Page(site / "en" / "404.html")
    assert (french.lang, english.lang) == ("fr", "en")
    assert "Page introuvable" in (site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in (site / "en" / "404.html").read_text(encoding="utf-8")
    assert "/help/en/troubleshooting/#page-not-found" in english.links
    for lang in LANGUAGES[1:]:
        assert Page(site / lang / "404.html").lang == lang


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
    # The cookie is HttpOnly: the script asks the app to set it, and never touches it.
    assert 'fetch("/language/" + code' in script
    assert "document.cookie" not in script


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


#: Broken links and the warning each must produce (``--strict`` then fails the build).
BROKEN_LINKS = {
    "[x](/not-an-app-page)": "absolute link '/not-an-app-page'",
    "[x](troubleshooting.md#no-such-anchor)": "anchor '#no-such-anchor'",
    "[x](no-such-page.md)": "no-such-page.md",
}


def test_build_fails_on_a_broken_link(tmp_path):
    """Each kind of broken link is reported: one build for all of them (--strict counts
    every warning of the build, then fails), each must name its own link."""
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "account.en.md").open("a", encoding="utf-8") as article:
        article.write("".join(f"\n{link}\n" for link in BROKEN_LINKS))

    result = run_mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")

    assert result.returncode != 0
    output = result.stdout + result.stderr
    missing = [message for message in BROKEN_LINKS.values() if message not in output]
    assert not missing, output


# --- The theme: pinned partials, strings per language, no foreign chrome (issues 12, 13) --------

THEME = Path(__import__("material").__file__).parent / "templates"
PINNED_PARTIALS = ("header.html", "alternate.html")
MARK = "{#- help center -#}"


def _template_lines(text: str) -> list[str]:
    """The lines of a template without its leading ``{#- … -#}`` comment."""
    return re.sub(r"\A\{#-.*?-#\}\n", "", text, flags=re.S).splitlines()


@pytest.mark.parametrize("name", PINNED_PARTIALS)
def test_pinned_partials_are_the_installed_theme_plus_marked_lines(name):
    """After a Material upgrade this fails: copy the theme's new partial, mark our line again."""
    ours = _template_lines((ROOT / "overrides" / "partials" / name).read_text(encoding="utf-8"))
    theirs = _template_lines((THEME / "partials" / name).read_text(encoding="utf-8"))
    added = [line for line in ours if line not in theirs]
    removed = [line for line in theirs if line not in ours]
    assert added and all(MARK in line for line in added), added
    assert len(removed) <= len(added), f"{name} no longer matches the theme's: {removed}"
    assert [line for line in ours if MARK not in line] == [
        line for line in theirs if line not in removed
    ]


def ui_strings() -> dict[str, dict[str, str]]:
    """``extra: ui:`` of each language in mkdocs.yml."""
    return {lang["locale"]: lang["extra"]["ui"] for lang in guide_languages()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_has_the_account_link_in_the_page_language(site, lang):
    for page in PAGES:
        html = file_of(site, url_of(page_path(page, lang))).read_text(encoding="utf-8")
        header = re.search(r'<header class="md-header[^"]*".*?</header>', html, re.S).group(0)
        link = re.search(r'<a class="help-account__link"[^>]*>([^<]*)</a>', header)
        assert link, f"{page}: the account link is not in the header bar"
        assert link.group(1) == ui_strings()[lang]["account"]
        assert header.index("help-account__link") < header.index('for="__search"')


def test_templates_assume_no_language():
    """Strings come from each language's ``extra: ui:``: a third language needs no template."""
    for path in (ROOT / "overrides").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""==\s*["'](?:fr|en)["']""", text), path


def test_every_language_has_every_ui_string():
    strings = ui_strings()
    keys = {lang: set(values) for lang, values in strings.items()}
    assert len(set(map(frozenset, keys.values()))) == 1, keys
    assert all(value.strip() for values in strings.values() for value in values.values())


def test_build_fails_when_a_ui_string_is_missing(tmp_path):
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    english = text.index("- locale: en")
    line = re.compile(r"^ +feedback_send: .*\n", re.M)
    text = text[:english] + line.sub("", text[english:], count=1)
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")

    result = run_mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "'en'" in output and "feedback_send" in output


def _theme_strings(lang: str) -> dict[str, str]:
    """Material's words in ``lang`` (its language file, English where it has none)."""

    def read(code):
        text = (THEME / "partials" / "languages" / f"{code}.html").read_text(encoding="utf-8")
        return dict(re.findall(r'^\s*"([\w.]+)": "(.*)",?$', text, re.M))

    return {**read("en"), **read(lang)}


class Chrome(HTMLParser):
    """Every text node and every human-readable attribute of a page, scripts left out."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "content")

    def __init__(self, text):
        super().__init__()
        self.words, self.skip = [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.skip = tag in ("script", "style")
        self.words += [value.strip() for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        self.skip = False

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.words.append(" ".join(data.split()))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_theme_words_of_another_language(site, lang):
    """No "Made with Material for MkDocs" (English) on French pages, and so on."""
    own = _theme_strings(lang)
    foreign = {
        value
        for other in LANGUAGES
        if other != lang
        for key, value in _theme_strings(other).items()
        if value != own.get(key) and len(value) > 2
    }
    foreign |= {"Made with", "Material for MkDocs", "Permanent link"}
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    for page in [*(page_path(name, lang) for name in PAGES), f"{prefix}404.html"]:
        words = Chrome(file_of(site, url_of(page)).read_text(encoding="utf-8")).words
        found = sorted({word for word in words if word in foreign or "Material for" in word})
        assert not found, f"{page}: {found}"


# --- Sitemaps and hreflang (issue 13, point 5) --------------------------------------------------

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def site_url(site) -> str:
    """``site_url`` of the build, as the home page's canonical link gives it."""
    home = (site / "index.html").read_text(encoding="utf-8")
    return re.search(r'<link rel="canonical" href="([^"]+)"', home).group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_a_sitemap_with_its_pages_and_their_translations(site, lang):
    import xml.etree.ElementTree as ElementTree

    root = site_url(site)
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    tree = ElementTree.parse(site / prefix / "sitemap.xml")
    urls = tree.getroot().findall("s:url", SITEMAP)
    locations = sorted(url.find("s:loc", SITEMAP).text for url in urls)
    assert locations == sorted(root + page_path(page, lang) for page in PAGES)
    for url in urls:
        loc = url.find("s:loc", SITEMAP).text
        page = next(p for p in PAGES if root + page_path(p, lang) == loc)
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("x:link", SITEMAP)
            if link.get("rel") == "alternate"
        }
        assert alternates == {code: root + page_path(page, code) for code in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hreflang_links_are_absolute_and_their_sitemaps_exist(site, lang):
    """Search engines ignore relative hreflang links; Material's language selector fetches
    ``sitemap.xml`` beside each of them (a 404 there is an error in every reader's console)."""
    root = site_url(site)
    for page in PAGES:
        html = file_of(site, url_of(page_path(page, lang))).read_text(encoding="utf-8")
        links = dict(
            (code, href)
            for href, code in re.findall(
                r'<link rel="alternate" href="([^"]+)" hreflang="([^"]+)">', html
            )
        )
        assert links == {code: root + page_path(page, code) for code in LANGUAGES}, page
        for href in links.values():
            relative = href[len(root) :]
            assert (site / relative / "sitemap.xml").is_file(), href


def test_scripts_are_deferred_and_the_bundle_is_the_theme_s(site):
    """main.html names Material's bundle to defer it: after an upgrade, copy the new name."""
    ours = re.search(
        r"assets/javascripts/bundle\.\w+\.min\.js", (ROOT / "overrides" / "main.html").read_text()
    ).group(0)
    theirs = (THEME / "base.html").read_text(encoding="utf-8")
    assert ours in theirs and (THEME / ours).is_file()
    for lang in LANGUAGES:
        html = file_of(site, url_of(page_path("troubleshooting", lang))).read_text("utf-8")
        tags = re.findall(r"<script src=[^>]*>", html)
        assert len(tags) >= 3 and all(" defer" in tag for tag in tags), tags


def test_every_guide_page_has_a_description_in_its_language(site):
    descriptions = {}
    for lang in LANGUAGES:
        prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
        for page in [*(page_path(name, lang) for name in PAGES), f"{prefix}404.html"]:
            html = file_of(site, url_of(page)).read_text(encoding="utf-8")
            found = re.search(r'<meta name="description" content="([^"]{30,})">', html)
            assert found, page
            descriptions.setdefault(page.removeprefix(prefix), set()).add(found.group(1))
    assert all(len(texts) == len(LANGUAGES) for texts in descriptions.values()), descriptions
