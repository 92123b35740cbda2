"""The guide shows this browser's own situation, in Chromium (issue 23).

A person signs up through the app (points 2 and 3), in each language, with a real SMTP
server; the guide's articles then say what became of their mail, without moving the page
(no layout shift, measured by the browser's own PerformanceObserver). A second browser,
and a browser without script, read the guide as before.
"""

import pytest
from conftest import PASSWORD
from figure_tools import browser_support as support
from figure_tools.browser_support import LiveApp, choose_language, new_page, sign_up


@pytest.fixture
def live_smtp(help_site, tmp_path, smtp_server):
    with LiveApp(
        help_site,
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        DEV_MAILBOX=False,
    ) as live:
        yield live


#: A phone's viewport (CSS pixels), as Lighthouse's mobile run has it.
PHONE = {"width": 412, "height": 823}
#: Where each article is (step A3 is a step of the sign-up, not a help topic of its own).
PAGES = {"step-a3": "create-account/"}


def article_url(live, topic, lang):
    if topic in PAGES:
        root = "" if lang == live.app.config["LANGUAGES"][0] else f"{lang}/"
        return live.url(f"/help/{root}{PAGES[topic]}#{topic}")
    return live.url(f"/help/go/{topic}?lang={lang}")


def article(page, live, topic, lang):
    """Open the article ``topic`` in ``lang`` and wait for the situation's script."""
    page.goto(article_url(live, topic, lang))
    page.wait_for_selector("html.help-situation--done", state="attached")


#: The situation's element and what follows it, in the page (top and height, CSS pixels).
PLACES = """box => {
  const place = node => { const r = node.getBoundingClientRect(); return [r.top, r.height]; };
  return [place(box), place(box.nextElementSibling)];
}"""


def places_before_and_after_the_fill(page, live, topic, lang):
    """Where the element and the paragraph after it are while /api/situation is held back
    (the room kept before the first paint), then once the script filled it."""
    held = []
    page.route("**/api/situation*", lambda route: held.append(route))
    page.goto("about:blank")  # a page of its own, not a jump to the anchor
    page.goto(article_url(live, topic, lang))
    for _ in range(100):  # at most 10 s
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page never asked /api/situation"
    box = page.locator(f'#{topic} ~ [data-situation-for="mail"]').first
    before = box.evaluate(PLACES)
    held[0].continue_()
    page.wait_for_selector("html.help-situation--done", state="attached")
    page.unroute("**/api/situation*")
    return before, box.evaluate(PLACES)


def test_after_a_sign_up_the_guide_says_where_the_mail_is(browser, live_smtp, inbox):
    languages = live_smtp.app.config["LANGUAGES"]
    for number, lang in enumerate(languages):
        page = new_page(browser, lang)
        errors = []
        page.on("console", lambda m, seen=errors: "script-src" in m.text and seen.append(m.text))
        choose_language(page, live_smtp, lang)
        address = f"reader{number}@example.com"
        sign_up(page, address, PASSWORD)
        assert inbox.last(address)

        for topic in ("check-spam", "step-a3", "account-deleted"):
            article(page, live_smtp, topic, lang)
            box = page.locator(f'#{topic} ~ [data-situation-for="mail"]').first
            assert box.get_attribute("data-situation") == "mail-sent", (lang, topic)
            assert box.is_visible()
            values = box.locator("bdi").all_inner_texts()
            assert "r••••@example.com" in values, values
            assert address not in box.inner_text()
            # Filled into the room kept before the first paint: nothing after it moved.
            before, after = places_before_and_after_the_fill(page, live_smtp, topic, lang)
            assert before[0][1] >= 50, (lang, topic, before)  # the room was there
            assert after[1][0] == before[1][0], (lang, topic, before, after)
        # On a phone too (the room kept is taller there: the lines wrap more).
        page.set_viewport_size(PHONE)
        before, after = places_before_and_after_the_fill(page, live_smtp, "check-spam", lang)
        assert after[1][0] == before[1][0], (lang, "phone", before, after)
        page.set_viewport_size(support.VIEWPORT)
        # Articles of other situations stay as they were.
        article(page, live_smtp, "ip-blocked", lang)
        blocked = page.locator('#ip-blocked ~ [data-situation-for="block"]').first
        assert blocked.get_attribute("data-situation") == "none"
        assert not blocked.is_visible()
        assert errors == [], errors  # the CSP allows the inline head script
        page.context.close()


def test_another_browser_and_no_script_read_the_guide_as_before(browser, live_smtp, inbox):
    person = new_page(browser, "fr")
    person.goto(live_smtp.url("/"))
    sign_up(person, "someone@example.com", PASSWORD)
    assert inbox.last("someone@example.com")

    stranger = new_page(browser, "fr")
    article(stranger, live_smtp, "check-spam", "fr")
    box = stranger.locator('#check-spam ~ [data-situation-for="mail"]').first
    assert box.get_attribute("data-situation") == "none"
    assert not box.is_visible()

    # Without script the person's own page reads as before: no empty box.
    cookies = person.context.cookies()
    without_script = new_page(browser, "fr", java_script_enabled=False)
    without_script.context.add_cookies(cookies)
    without_script.goto(live_smtp.url("/help/go/check-spam?lang=fr"))
    quiet = without_script.locator('#check-spam ~ [data-situation-for="mail"]').first
    assert not quiet.is_visible()
    assert without_script.locator("#check-spam").is_visible()
    for page in (person, stranger, without_script):
        page.context.close()
