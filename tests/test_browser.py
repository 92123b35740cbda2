"""The app and the guide in a real browser (Chromium driven by Playwright).

- the callouts of the committed screenshots still match the live app;
- the whole journey of the guide, in each language;
- the guide and the app keep the reader's language, both ways;
- axe-core finds no WCAG 2.1 A/AA violation on the app's pages and the guide's.

Without /usr/bin/chromium, the playwright package or node_modules/axe-core these
tests are skipped with a message; with ``CI=true`` they fail instead.
"""


import re

import pytest
from conftest import requirement_missing
from figure_tools import browser_support as support
from figure_tools import figures

LANGS = support.LANGUAGES  # the configured languages (site_app.config.LANGUAGES)
#: For each language, another one to switch to (the next in the list).
OTHER = {lang: LANGS[(n + 1) % len(LANGS)] for n, lang in enumerate(LANGS)}
HELP_HOME = {lang: "/help/" if lang == LANGS[0] else f"/help/{lang}/" for lang in LANGS}
ACTIVATION_SUBJECT = {
    "fr": "VEUILLEZ ACTIVER VOTRE COMPTE",
    "en": "PLEASE ACTIVATE YOUR ACCOUNT",
    "ar": "يُرجى تفعيل حسابك",
}
FORGOT_PASSWORD = {
    "fr": "Mot de passe oublié ?",
    "en": "Forgot your password?",
    "ar": "نسيت كلمة المرور؟",
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def expect_language(page, lang: str) -> None:
    """The page shown is in ``lang`` (waits for a navigation still under way)."""
    from playwright.sync_api import expect

    expect(page.locator("html")).to_have_attribute("lang", lang)


# --- (a) The screenshots' callouts ------------------------------------------------------------


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_callouts_match_the_live_app(browser, help_site, tmp_path, lang):
    """``make screenshots`` was run after the last change of the pages the figures show.

    The callouts hold each figure's crop, size, boxes, badges and the text of its
    points, so a changed layout or wording makes the committed figure stale.
    """
    committed = figures.read_callouts(lang)
    live = figures.capture(browser, help_site, tmp_path, lang)
    assert live == committed, (
        f"docs/assets/screenshots/{lang}/callouts.json is out of date: run make screenshots"
    )


# --- (b) The guide's journey ------------------------------------------------------------------


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_journey(live, open_page, lang):
    # The browser prefers the other language: the reader switches (point 1).
    page = open_page(OTHER[lang])
    page.goto(live.url("/"))
    expect_language(page, OTHER[lang])
    page.locator(f'[data-help-point="1"] a[lang="{lang}"]').click()
    page.wait_for_selector(f'html[lang="{lang}"]')
    assert {c["name"]: c["value"] for c in page.context.cookies()}["lang"] == lang

    # A1–A3: account area (point 2), « S'inscrire » (point 3), the form.
    support.sign_up(page, support.EMAIL, support.PASSWORD)
    expect_language(page, lang)

    # A4: the activation mail (point 4), its link, the confirm button.
    mail = support.open_mailbox(page, live)
    assert mail.get_attribute("data-help-point") == "4"
    assert mail.locator(".mail-subject").inner_text() == ACTIVATION_SUBJECT[lang]
    support.follow_link_in_mail(page, mail, "/activate/")
    assert page.url.endswith("/activate")  # the token left the address (review H1)
    support.confirm_activation(page)

    # A5: the account page (point 5), then sign out.
    account = page.locator('[data-help-point="5"]')
    assert support.EMAIL in account.inner_text()
    expect_language(page, lang)
    support.sign_out(page)

    # B1: a wrong password; the help link opens the B1 paragraph, in the same language.
    page.locator('[data-help-point="2"]').click()
    support.sign_in(page, live, support.EMAIL, support.WRONG_PASSWORD)
    alert = page.locator(support.STEP_SELECTORS["B1"])
    alert.wait_for()
    alert.locator('a[href*="#wrong-password"]').click()
    page.wait_for_url("**/help/**#wrong-password")
    assert page.locator("#wrong-password").count() == 1
    expect_language(page, lang)
    assert page.url.startswith(live.url(HELP_HOME[lang]))

    # « Mot de passe oublié ? » → reset link in the mailbox → new password.
    # (Back to the failed POST would resubmit it: sign in wrongly again instead.)
    support.sign_in(page, live, support.EMAIL, support.WRONG_PASSWORD)
    alert.get_by_role("link", name=FORGOT_PASSWORD[lang]).click()
    page.wait_for_url("**/password/forgot**")
    assert page.input_value("#email") == support.EMAIL
    page.locator('form[action$="/password/forgot"] button[type="submit"]').click()
    page.wait_for_url("**/check-your-mail/reset")
    mail = support.open_mailbox(page, live)
    assert mail.get_attribute("data-kind") == "reset_password"
    support.follow_link_in_mail(page, mail, "/password/reset/")
    page.fill("#password", support.NEW_PASSWORD)
    page.locator("main form button[type='submit']").click()
    page.wait_for_url("**/login")
    expect_language(page, lang)

    # The old password no longer works; the new one does.
    support.sign_in(page, live, support.EMAIL, support.PASSWORD)
    assert page.locator(support.STEP_SELECTORS["B1"]).count() == 1
    support.sign_in(page, live, support.EMAIL, support.NEW_PASSWORD)
    page.wait_for_url("**/account")
    assert support.EMAIL in page.locator('[data-help-point="5"]').inner_text()
    expect_language(page, lang)


# --- (c) From the guide to the app ------------------------------------------------------------


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_guide_account_link_keeps_the_language(live, open_page, lang):
    """The guide's "My account" link opens the app in the guide's language.

    The browser prefers the other language and no cookie is set yet, so only
    the link itself can carry the language.
    """
    page = open_page(OTHER[lang])
    page.goto(live.url(HELP_HOME[lang] + "create-account/"))
    expect_language(page, lang)
    page.locator(".help-account__link").click()
    page.wait_for_url("**/login**")
    expect_language(page, lang)
    page.goto(live.url("/"))
    expect_language(page, lang)


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_guide_language_switcher_sets_the_app_language(live, open_page, lang):
    """Choosing a language in the guide sets the ``lang`` cookie the app reads — also over
    the one the app set before, which no script can overwrite (HttpOnly, issue 19 item 13)."""
    page = open_page(OTHER[lang])
    guide_page = HELP_HOME[OTHER[lang]] + "troubleshooting/"
    page.goto(live.url(f"/language/{OTHER[lang]}?next={guide_page}"))  # the app's choice
    page.wait_for_url(live.url(guide_page))
    expect_language(page, OTHER[lang])
    # Hover opens the menu; the focus keeps it open (:focus-within) where the pointer,
    # on its way to the link, could leave it and let the page take the click.
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'a.md-select__link[hreflang="{lang}"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live.url(HELP_HOME[lang] + "troubleshooting/"))
    expect_language(page, lang)
    cookie = next(c for c in page.context.cookies() if c["name"] == "lang")
    assert (cookie["value"], cookie["httpOnly"], cookie["sameSite"]) == (lang, True, "Lax")
    page.goto(live.url("/login"))
    expect_language(page, lang)


# --- The guide knows the reader, and hears back (issue 7) ------------------------------------

SIGN_IN = {
    "fr": "Se connecter / S'inscrire",
    "en": "Sign in / Sign up",
    "ar": "تسجيل الدخول / إنشاء حساب",
}
MY_ACCOUNT = {"fr": "Mon compte", "en": "My account", "ar": "حسابي"}


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_guide_header_shows_whether_the_reader_is_signed_in(live, open_page, lang):
    from playwright.sync_api import expect

    page = open_page(lang)
    page.goto(live.url(HELP_HOME[lang]))
    link = page.locator(".help-account__link")
    expect(link).to_have_text(SIGN_IN[lang])
    support.choose_language(page, live, lang)
    support.sign_up(page, support.EMAIL, support.PASSWORD)
    support.follow_link_in_mail(page, support.open_mailbox(page, live), "/activate/")
    support.confirm_activation(page)
    page.goto(live.url(HELP_HOME[lang]))
    expect(link).to_have_text(MY_ACCOUNT[lang])
    link.click()
    page.wait_for_url("**/account?lang=*")
    expect_language(page, lang)


def test_guide_still_works_when_the_app_does_not_answer(live, open_page):
    from playwright.sync_api import expect

    page = open_page("fr")
    page.route("**/api/session", lambda route: route.abort())
    page.goto(live.url("/help/"))
    expect(page.locator(".help-account__link")).to_have_text(MY_ACCOUNT["fr"])
    expect(page.locator("h1").first).to_be_visible()
    # Let the page's last requests (its icon) finish: closing the browser in the middle of
    # one leaves the test server's file to the garbage collector (an unraisable warning).
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_feedback_vote_and_comment_reach_the_report(live, open_page, lang):
    from playwright.sync_api import expect

    page = open_page(lang)
    page.goto(live.url(HELP_HOME[lang] + "troubleshooting/"))
    form = page.locator("form.help-feedback")
    expect(form).to_be_visible()
    form.locator('.help-feedback__vote[data-helpful="0"]').click()
    comment = form.locator("textarea")
    expect(comment).to_be_visible()
    comment.fill("Il manque la durée exacte du blocage")
    expect(form.locator(".help-feedback__thanks")).to_be_hidden()
    form.locator(".help-feedback__send").click()
    # Thanks appear once the comment is stored.
    expect(form.locator(".help-feedback__thanks")).to_be_visible()
    report = live.app.test_cli_runner().invoke(args=["help", "report"]).output
    assert f"{HELP_HOME[lang]}troubleshooting/ [{lang}]: 0 yes, 1 no" in report
    assert "Il manque la durée exacte du blocage" in report


def test_french_search_finds_words_after_an_apostrophe_and_only_french_pages(live, open_page):
    """« inscription » only ever follows an apostrophe in the guide (« l'inscription »)."""
    from playwright.sync_api import expect

    page = open_page("fr")
    page.goto(live.url("/help/"))
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially("inscription", delay=20)
    results = page.locator(".md-search-result__item a")
    expect(results.first).to_be_visible()
    hrefs = [results.nth(n).get_attribute("href") for n in range(results.count())]
    assert hrefs and not any("/en/" in href for href in hrefs), hrefs


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_searches_without_results_are_reported(live, open_page, lang):
    page = open_page(lang)
    page.goto(live.url(HELP_HOME[lang]))
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially("zzqx wqpl kvrt", delay=20)
    report = ""
    for _ in range(40):  # bounded: at most about 10 s
        page.wait_for_timeout(250)
        report = live.app.test_cli_runner().invoke(args=["help", "report"]).output
        if "zzqx" in report:
            break
    assert f"1 × 'zzqx wqpl kvrt' [{lang}]" in report


# --- (d) Accessibility (axe-core, WCAG 2.1 A and AA) ------------------------------------------


@pytest.fixture(scope="module")
def axe_source():
    problem = support.missing_axe()
    if problem:
        requirement_missing(f"accessibility tests need axe-core: {problem}")
    return support.AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, axe_source) -> list[str]:
    """Run axe on the page as it is now; one readable line per violating node."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a <script>: the app's CSP forbids inline scripts.
        page.evaluate(axe_source)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) {node['target']}: "
        f"{node['failureSummary'].splitlines()[-1].strip()}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def check_pages(page, axe_source, live, paths) -> list[str]:
    problems = []
    for path in paths:
        page.goto(live.url(path))
        problems += axe_violations(page, axe_source)
    return problems


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_app_pages_are_accessible(live, open_page, axe_source, lang):
    page = open_page(lang)
    problems = check_pages(
        page,
        axe_source,
        live,
        [
            "/",
            "/login",
            "/signup",
            "/password/forgot",
            "/activation/resend",
            "/no-such-page",
        ],
    )
    # Forms in error: messages tied to their fields.
    page.goto(live.url("/signup"))
    page.fill("#email", "not-an-address")
    page.locator('form[action$="/signup"] button[type="submit"]').click()
    page.wait_for_selector(".field-error")
    problems += axe_violations(page, axe_source)
    # Check your mail, the mailbox, activation, the account page.
    page.goto(live.url("/signup"))
    support.sign_up(page, support.EMAIL, support.PASSWORD)
    problems += axe_violations(page, axe_source)
    mail = support.open_mailbox(page, live)
    problems += axe_violations(page, axe_source)
    link = mail.locator('.mail-body a[href*="/activate/"]').first.get_attribute("href")
    support.follow_link_in_mail(page, mail, "/activate/")
    problems += axe_violations(page, axe_source)
    # The same link in another browser asks for the password chosen at sign-up.
    other = open_page(lang)
    other.goto(live.url(link[link.index("/activate/") :]))
    other.wait_for_selector("main input[autocomplete='current-password']")
    problems += axe_violations(other, axe_source)
    support.confirm_activation(page)
    problems += axe_violations(page, axe_source)
    # Signed in on two browsers: the sessions list, and its form in error.
    support.sign_in(other, live, support.EMAIL, support.PASSWORD)
    page.reload()
    page.fill("#sessions_password", support.WRONG_PASSWORD)
    page.locator('form[action$="/sign-out-others"] button[type="submit"]:not([formaction])').click()
    page.wait_for_selector("#sessions_password-error")
    problems += axe_violations(page, axe_source)
    support.sign_out(page)
    # B1, then B2.
    support.sign_in(page, live, support.EMAIL, support.WRONG_PASSWORD)
    page.wait_for_selector(support.STEP_SELECTORS["B1"])
    problems += axe_violations(page, axe_source)
    support.fail_until_blocked(page, live, support.EMAIL)
    problems += axe_violations(page, axe_source)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_guide_pages_are_accessible(live, open_page, axe_source, lang):
    page = open_page(lang)
    home = HELP_HOME[lang]
    paths = [home] + [f"{home}{name}/" for name in ("create-account", "troubleshooting", "account")]
    problems = check_pages(page, axe_source, live, paths + [f"{home}no-such-page/"])
    assert not problems, "\n".join(problems)


# --- The reader's choice wins, and keeps their place (issue 13, points 1 and 2) ---------------


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_app_switch_beats_lang_in_the_address_and_the_guide_follows(live, open_page, lang):
    """The guide sends readers to /signup?lang=… and /login?lang=…: the switch must win there,
    and the app's "Guide" link then opens the guide in the language chosen."""
    page = open_page(OTHER[lang])
    for path in ("/signup", "/login"):
        page.goto(live.url(f"{path}?lang={OTHER[lang]}"))
        expect_language(page, OTHER[lang])
        page.locator(f'[data-help-point="1"] a[lang="{lang}"]').click()
        page.wait_for_url(live.url(path))
        expect_language(page, lang)
    page.locator("header .header-nav a").first.click()  # « Guide »
    page.wait_for_url(live.url(HELP_HOME[lang]))
    expect_language(page, lang)


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_guide_switch_keeps_the_paragraph(live, open_page, lang):
    from playwright.sync_api import expect

    page = open_page(OTHER[lang])
    page.goto(live.url(HELP_HOME[OTHER[lang]] + "troubleshooting/#ip-blocked"))
    expect_language(page, OTHER[lang])
    # Hover opens the menu; the focus keeps it open (:focus-within) where the pointer,
    # on its way to the link, could leave it and let the page take the click.
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'a.md-select__link[hreflang="{lang}"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live.url(HELP_HOME[lang] + "troubleshooting/#ip-blocked"))
    expect_language(page, lang)
    expect(page.locator("#ip-blocked")).to_be_in_viewport()


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_signed_in_the_switch_is_a_form_that_keeps_the_page(live, open_page, lang):
    """Issue 19, item 8: signed in, point 1 is a form (its CSRF token in the page); choosing
    a language there keeps the reader on their page and is the account's mail language."""
    from playwright.sync_api import expect

    from site_app.templating import language_name

    page = open_page(lang)
    support.choose_language(page, live, lang)
    support.sign_up(page, support.EMAIL, support.PASSWORD)
    support.follow_link_in_mail(page, support.open_mailbox(page, live), "/activate/")
    support.confirm_activation(page)
    page.locator(f'[data-help-point="1"] button[lang="{OTHER[lang]}"]').click()
    page.wait_for_url(live.url("/account"))
    expect_language(page, OTHER[lang])
    expect(page.locator('[data-help-point="5"] .details')).to_contain_text(
        language_name(OTHER[lang])
    )


def test_a_refused_account_deletion_shows_its_error_in_view(live, open_page):
    """The delete form is far below the top: its error gets the focus, on screen."""
    from playwright.sync_api import expect

    page = open_page("fr")
    page.set_viewport_size({"width": 800, "height": 500})
    support.choose_language(page, live, "fr")
    support.sign_up(page, support.EMAIL, support.PASSWORD)
    support.follow_link_in_mail(page, support.open_mailbox(page, live), "/activate/")
    support.confirm_activation(page)
    form = page.locator('form[action$="/account/delete"]')
    form.locator("#password").fill(support.WRONG_PASSWORD)
    form.locator('button[type="submit"]').click()
    page.wait_for_url("**/account/delete")
    error = page.locator("#password-error")
    expect(error).to_be_in_viewport()
    assert page.evaluate("document.activeElement.id") == "password"


@pytest.mark.parametrize("lang", support.LANGUAGES)
def test_the_block_page_survives_the_language_switch(live, open_page, lang):
    """Issue 13: switching language on the B2 page keeps the block and its explanation."""
    page = open_page(OTHER[lang])
    page.goto(live.url("/login"))
    support.fail_until_blocked(page, live, "nobody@example.org")
    expect_language(page, OTHER[lang])
    page.locator(f'[data-help-point="1"] a[lang="{lang}"]').click()
    page.wait_for_selector(f'html[lang="{lang}"]')
    assert page.locator(support.STEP_SELECTORS["B2"]).count() == 1
    assert page.locator("[data-countdown-until]").count() == 1
    assert page.locator("#password").count() == 0
    # The countdown, once its script ticks: Western digits in every language, minutes and
    # seconds joined as the language joins a list (issue 22: «4 دقائق و5 ثوانٍ»).
    value = page.locator("[data-countdown-until] .countdown-value")
    before = value.text_content()
    page.wait_for_function(
        "before => document.querySelector('[data-countdown-until] .countdown-value')"
        ".textContent !== before",
        arg=before,
        timeout=5000,
    )
    shown = value.text_content()
    assert re.search(r"[0-9]", shown) and not re.search(r"[\u0660-\u0669]", shown), shown
    if lang == "ar" and len(re.findall(r"[0-9]+", shown)) == 2:
        assert " و" in shown, shown


#: Where each table of the page ends and what follows it starts (page pixels).
TABLE_PLACES = """() => [...document.querySelectorAll('.md-typeset table')].map(table => {
  const after = (table.closest('.md-typeset__scrollwrap') || table).nextElementSibling;
  return [table.getBoundingClientRect().bottom + scrollY,
          after ? after.getBoundingClientRect().top + scrollY : null];
})"""


@pytest.mark.parametrize("lang", LANGS)
def test_wrapping_a_table_moves_nothing_below_it(live, open_page, lang):
    """Material's script wraps each table (for sideways scrolling) after the first paint:
    what follows the table stays where the page without script put it, so a reader who
    opens an article at an anchor below a table sees no jump (layout shift), on a phone
    and on a desktop."""
    url = live.url(HELP_HOME[lang] + "troubleshooting/")
    for width in (412, 1000):
        places = {}
        for script in (False, True):
            page = open_page(lang, java_script_enabled=script)
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(url)
            if script:
                page.wait_for_selector(".md-typeset__scrollwrap table", state="attached")
            places[script] = page.evaluate(TABLE_PLACES)
        assert places[False], "the article has no table any more: choose another page"
        assert places[True] == places[False], (lang, width, places)
