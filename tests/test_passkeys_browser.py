"""Passkeys in a real browser: Chromium's virtual authenticator (CDP ``WebAuthn``).

The authenticator is a platform one (CTAP2, internal transport, resident keys, user
verification that always succeeds), added to the page's browser over the DevTools
protocol. The app is opened at ``http://localhost:PORT``: WebAuthn refuses IP addresses as
relying party ids, so at ``http://127.0.0.1:PORT`` the passkey controls stay hidden.
"""

import pytest
from figure_tools import browser_support as support
from flask_babel import force_locale, gettext

from site_app.accounts import rules
from site_app.extensions import db
from site_app.models import Passkey

LANGS = support.LANGUAGES


def words(live, lang: str, msgid: str, **values) -> str:
    """The app's text for ``msgid`` in ``lang``, as its catalogs say it (typography
    included: the page shows the compiled catalog's string)."""
    with live.app.test_request_context(), force_locale(lang):
        return gettext(msgid, **values)


def leads_to_help(live, lang: str, box, message: str) -> str:
    """``box`` (a live region) ends with its link to the guide's passkey section; returns
    what the region reads: ``message``, then that link."""
    link = box.get_by_role("link")
    assert link.get_attribute("href").endswith("#passkeys")
    read = words(live, lang, "Read the help article")
    assert link.inner_text() == read
    return f"{message} {read}"


@pytest.mark.parametrize("lang", LANGS)
def test_add_a_passkey_sign_in_with_it_and_remove_it(live, open_page, lang):
    with live.app.app_context():
        rules.register(support.EMAIL, support.PASSWORD, lang)
        rules.activate(rules.find_user(support.EMAIL), lang)
    base = f"http://localhost:{live.port}"
    page = open_page(lang)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Errors and warnings of the page (a CSP refusal, a failed script), not Chromium's own
    # notes: "Autofocus processing was blocked…" comes when a test fills a field faster
    # than the page's autofocus runs.
    page.on(
        "console",
        lambda message: message.type in ("error", "warning")
        and not message.text.startswith("Autofocus processing was blocked")
        and errors.append("console: " + message.text),
    )
    cdp, authenticator = support.virtual_authenticator(page)

    # Signed in with the password, the owner adds a passkey on the account page.
    page.goto(base + "/login")
    page.fill("#email", support.EMAIL)
    page.fill("#password", support.PASSWORD)
    page.locator('form[action$="/login"] button[type="submit"]').click()
    page.wait_for_url("**/account")
    register = page.locator('[data-passkey-action="register"]')
    assert register.is_visible()
    assert page.locator("[data-passkey-unsupported]").is_hidden()
    # The name is filled in from the browser ("… on Linux", in the page's language).
    assert "Linux" in page.locator("#passkey_name").input_value()
    # A wrong password first: the page says so, in its language, and adds nothing.
    page.fill("#passkey_name", "Portable")
    page.fill("#passkey_password", support.WRONG_PASSWORD)
    register.click()
    error = page.locator("#passkey-form [data-passkey-error]")
    error.wait_for(state="visible")
    assert error.inner_text() == leads_to_help(
        live, lang, error, words(live, lang, "Incorrect password.")
    )
    assert (
        cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"] == []
    )
    page.fill("#passkey_password", support.PASSWORD)
    register.click()
    page.wait_for_selector('[data-passkey] bdi:text("Portable")')
    assert "/account" in page.url
    [stored] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    assert stored["isResidentCredential"]
    never = words(live, lang, "Never used")
    assert never in page.locator("[data-passkey]").inner_text()

    # Signed out, the owner opens /login: the browser's autofill offers the passkey for the
    # email field (conditional mediation; Chromium's virtual authenticator picks it at once).
    support.sign_out(page)
    # (The field's autocomplete="username webauthn" is checked in test_passkeys.py: the
    # page is gone before it could be read here.)
    page.goto(base + "/login")
    page.wait_for_url("**/account")
    listed = page.locator("[data-passkey]").inner_text()
    assert "Portable" in listed and never not in listed  # its last use is shown now

    # A browser without that autofill: the button. On /login, then on the B2 page (failed
    # passwords from this network never block a passkey).
    page.add_init_script(
        "PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);"
    )
    support.sign_out(page)
    page.goto(base + "/login")
    page.locator('[data-passkey-action="sign-in"]').click()
    page.wait_for_url("**/account")
    support.sign_out(page)
    page.goto(base + "/login")
    for _ in range(10):
        if page.locator(support.STEP_SELECTORS["B2"]).count():
            break
        page.fill("#email", support.EMAIL)
        page.fill("#password", support.WRONG_PASSWORD)
        page.locator('form[action$="/login"] button[type="submit"]').click()
        page.wait_for_load_state()
    assert page.locator(support.STEP_SELECTORS["B2"]).count()
    page.locator('[data-passkey-action="sign-in"]').click()
    page.wait_for_url("**/account")
    with live.app.app_context():
        [passkey] = db.session.scalars(db.select(Passkey)).all()
        assert passkey.last_used_at is not None and passkey.sign_count >= 3

    # The owner removes it; the browser still holds the key, which no longer signs in.
    page.locator('[data-passkey-action="remove"]').click()
    page.wait_for_selector("#passkeys")
    assert page.locator("[data-passkey]").count() == 0
    assert words(live, lang, "No passkeys yet.") in page.locator("#passkeys").inner_text()
    support.sign_out(page)
    page.goto(base + "/login")
    page.locator('[data-passkey-action="sign-in"]').click()
    refusal = page.locator("[data-passkey-sign-in] [data-passkey-error]")
    refusal.wait_for(state="visible")
    expected = words(
        live,
        lang,
        "This passkey doesn't belong to any account here: it may have been removed. "
        "Sign in with your password.",
    )
    assert refusal.inner_text() == leads_to_help(live, lang, refusal, expected)
    assert "/login" in page.url
    assert [
        e for e in errors if not e.startswith(("console: [DOM]", "console: Failed to load"))
    ] == []
    # The link goes to the guide's passkey section, in the page's language.
    refusal.get_by_role("link").click()
    page.wait_for_url("**/help/**#passkeys")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h2#passkeys").is_visible()


def test_no_passkey_control_on_an_ip_address(live, open_page):
    """On 127.0.0.1 (make run's address) nothing of passkeys shows: WebAuthn would refuse."""
    page = open_page(LANGS[0])
    support.virtual_authenticator(page)
    page.goto(live.url("/login"))
    assert page.locator('[data-passkey-action="sign-in"]').count() == 1
    assert page.locator('[data-passkey-action="sign-in"]').is_hidden()
    page.goto(f"http://localhost:{live.port}/login")
    assert page.locator('[data-passkey-action="sign-in"]').is_visible()


def test_the_autofill_turned_down_by_the_browser_says_nothing(live, open_page):
    """A browser whose authenticator holds no passkey for the site turns the autofill's
    request (conditional mediation) down by itself: the person has done nothing, so the
    sign-in page shows no error."""
    page = open_page(LANGS[0])
    support.virtual_authenticator(page)
    with page.expect_response("**/passkeys/sign-in/options") as options:
        page.goto(f"http://localhost:{live.port}/login")
    assert options.value.ok
    assert page.locator('[data-passkey-action="sign-in"]').is_visible()
    page.wait_for_timeout(1500)  # the browser's answer to the request comes in milliseconds
    box = page.locator("[data-passkey-sign-in] [data-passkey-error]")
    assert box.is_hidden(), box.inner_text()
