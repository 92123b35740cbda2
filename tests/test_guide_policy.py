"""The guide's pages are as strict about scripts as the account pages (issue 19, item 12).

They used to allow ``'unsafe-inline'`` scripts on the app's origin: a handler injected into
a guide page ran on /help/en/ (and not on /login). The build hashes the theme's inline
scripts (``overrides/hooks/script_hashes.py``) and the guide is served with ``script-src
'self'`` plus those hashes. In Chromium: no page of any language reports a violation while
its search, language selector, feedback form and figure zoom are used; an injected handler
or script does not run.
"""

import json
import re
from xml.etree import ElementTree

import pytest
import yaml
from conftest import ROOT
from figure_tools import browser_support as support

LANGS = support.LANGUAGES
HELP_HOME = {lang: "/help/" if lang == LANGS[0] else f"/help/{lang}/" for lang in LANGS}
OTHER = {lang: LANGS[(n + 1) % len(LANGS)] for n, lang in enumerate(LANGS)}
#: A query of each language that finds its answer (the first of tests/search_queries.yml).
SEARCHED = {
    lang: queries[0][0]
    for lang, queries in yaml.safe_load((ROOT / "tests" / "search_queries.yml").read_text()).items()
}
#: Collects the page's CSP violations from its first line on (an init script is not
#: subject to the page's policy).
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def guide_pages(help_site, lang: str) -> list[str]:
    """Every page of ``lang``'s sitemap, as paths, and its 404 page."""
    prefix = "" if lang == LANGS[0] else f"{lang}/"
    tree = ElementTree.parse(help_site / prefix / "sitemap.xml")
    locations = [loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    paths = [re.sub(r"^https?://[^/]+", "", location) for location in locations]
    assert paths, f"no page in {lang}'s sitemap"
    return paths + [HELP_HOME[lang] + "no-such-page/"]


#: The address the test guide was built for (mkdocs.yml's default ``site_url``).
BUILT_FOR = "http://127.0.0.1:5000/"


def violations(page) -> list[str]:
    """The page's CSP violations, but one that comes from the test set-up alone.

    The guide names its translations by absolute address (``site_url``), and Material's
    language selector fetches ``sitemap.xml`` beside them: the test guide is built for
    127.0.0.1:5000 but served on another port, so that fetch is another origin here. In
    production both are ``PUBLIC_URL`` (README, Help center).
    """
    found = page.evaluate("() => window.__violations")
    other_origin = re.compile(rf"connect-src {re.escape(BUILT_FOR)}help/(\S*/)?sitemap\.xml ")
    return [violation for violation in found if not other_origin.match(violation)]


def test_the_guide_policy_has_no_unsafe_inline_script(live, help_site):
    import requests

    policy = requests.get(live.url("/help/en/"), timeout=10).headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    hashes = json.loads((help_site / "script-hashes.json").read_text())["script-src"]
    assert hashes and all(source in script_src for source in hashes)


@pytest.mark.parametrize("lang", LANGS)
def test_no_guide_page_reports_a_violation_while_it_is_used(live, open_page, help_site, lang):
    from playwright.sync_api import expect

    page = open_page(lang)
    page.add_init_script(COLLECT_VIOLATIONS)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    assert not live.url().startswith(BUILT_FOR), "served where it was built: drop the filter"
    for path in guide_pages(help_site, lang):
        page.goto(live.url(path))
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path

    # Search (its worker and index), on the language's home page.
    page.goto(live.url(HELP_HOME[lang]))
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially(SEARCHED[lang], delay=20)
    expect(page.locator(".md-search-result__item a").first).to_be_visible()
    assert violations(page) == []

    # The feedback form (its script posts to /api/feedback).
    page.goto(live.url(HELP_HOME[lang] + "troubleshooting/"))
    page.locator('form.help-feedback .help-feedback__vote[data-helpful="1"]').click()
    expect(page.locator("form.help-feedback .help-feedback__thanks")).to_be_visible()
    assert violations(page) == []

    # A figure opens larger (glightbox, set up by an inline script).
    page.goto(live.url(HELP_HOME[lang] + "create-account/"))
    page.locator("a.glightbox").first.click()
    expect(page.locator(".glightbox-container .gslide-image img").first).to_be_visible()
    assert violations(page) == []
    page.keyboard.press("Escape")
    expect(page.locator(".glightbox-container")).to_have_count(0)

    # The language selector leads to the same page in another language.
    # Hover opens the menu; the focus keeps it open (:focus-within) where the pointer,
    # on its way to the link, could leave it and let the page take the click.
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'a.md-select__link[hreflang="{OTHER[lang]}"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live.url(HELP_HOME[OTHER[lang]] + "create-account/"))
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert [text for text in refused if "sitemap.xml" not in text] == []


INJECT = """() => {
  document.body.insertAdjacentHTML(
    "beforeend", '<img src="no-such-image.png" onerror="window.__handlerRan = true">');
  const script = document.createElement("script");
  script.textContent = "window.__scriptRan = true";
  document.body.append(script);
}"""


@pytest.mark.parametrize("path", ["/help/en/", "/help/", "/help/ar/troubleshooting/", "/login"])
def test_an_injected_handler_or_script_does_not_run(live, open_page, path):
    """What an attacker's HTML would do once in the page (the DOM changed by a script)."""
    page = open_page("en")
    page.add_init_script(COLLECT_VIOLATIONS)
    page.goto(live.url(path))
    page.wait_for_load_state("networkidle")
    page.evaluate(INJECT)
    # Either the handler ran (it did before) or both were refused: no timed wait.
    page.wait_for_function("() => window.__handlerRan || window.__violations.length >= 2")
    assert page.evaluate("() => [window.__handlerRan, window.__scriptRan]") == [None, None]
    assert len(violations(page)) == 2


def hook():
    import importlib
    import sys

    sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
    try:
        return importlib.import_module("script_hashes")
    finally:
        sys.path.pop(0)


def test_the_build_hashes_each_inline_script_and_refuses_inline_handlers(tmp_path):
    """The hook, on a site of two pages: the hashes are what a browser computes."""
    import base64
    import hashlib

    from mkdocs.exceptions import PluginError

    script_hashes = hook()
    (tmp_path / "en").mkdir()
    (tmp_path / "index.html").write_text(
        '<script>var a = "&amp;";</script><script src="x.js"></script>'
        '<script id="__config" type="application/json">{"data": 1}</script>'
    )
    (tmp_path / "en" / "index.html").write_text("<p>x</p><script>\nb()\n</script>")
    expected = {
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
        for text in ('var a = "&amp;";', "\nb()\n")
    }
    assert set(script_hashes.site_script_hashes(tmp_path)) == expected
    (tmp_path / "en" / "index.html").write_text('<button onclick="go()">Go</button>')
    with pytest.raises(PluginError, match="en/index.html.*onclick"):
        script_hashes.site_script_hashes(tmp_path)
