"""Pages whose address carries a token send it nowhere (issue 19, item 10; review H1).

The reset, activation and sign-in links are mailed as ``/password/reset/<token>``,
``/activate/<token>`` and ``/login/link/<token>``. With ``Referrer-Policy: same-origin`` a
browser sent that full address as ``Referer`` to the page's CSS, script and icon and to the
next page, and an access log that records ``Referer`` (nginx's ``combined``) kept live
tokens. ``no-referrer`` there broke the forms behind HTTPS (Flask-WTF wants a same-origin
``Referer``: tests/test_https_links.py); so the first GET keeps the token in the session
and moves the page to an address without it (``/password/reset`` …), whose ``Referer``
carries no token. The owner opens their link; nothing the page makes the browser ask for
carries it.
"""

import re

import pytest
from conftest import OWNER, PASSWORD, create_account, link_in, person, sign_in, submit

from site_app.config import LANGUAGES

OTHER_PASSWORD = "another long passphrase"


def reset_link(app, inbox):
    create_account(app, inbox)
    submit(person(app, "203.0.113.7"), "/password/forgot", {"email": OWNER})
    return link_in(inbox.last(OWNER), "/password/reset/")


def activation_link(app, inbox):
    submit(person(app, "203.0.113.7"), "/signup", {"email": OWNER, "password": PASSWORD})
    return link_in(inbox.last(OWNER), "/activate/")


def sign_in_link(app, inbox):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "1 per hour"
    create_account(app, inbox)
    sign_in(person(app, "10.9.0.1"), OWNER, "a stranger's guess")
    sign_in(person(app, "203.0.113.7"), OWNER, PASSWORD)
    return link_in(inbox.last(OWNER), "/login/link/")


#: kind → (how the owner gets the link, a refused form, the accepted form, the page's
#: address once the token left it)
PAGES = {
    "reset": (reset_link, {"password": "short"}, {"password": OTHER_PASSWORD}, "/password/reset"),
    "activate": (activation_link, {"password": "not the one"}, {"password": PASSWORD}, "/activate"),
    "sign-in": (sign_in_link, None, {}, "/login/link"),
}


def assert_sends_no_token(answer, link):
    """No Referer will carry the link, and nothing else in the answer leads elsewhere with it.

    An answer at the token's own address sends no Referer at all. The language switch names
    the page to come back to (``/language/en?next=<link>``): that request leads back to the
    link's own page, whose address the server has already seen.
    """
    token = link.rsplit("/", 1)[1]
    if token in answer.request.path:
        assert answer.headers["Referrer-Policy"] == "no-referrer", link
    else:
        assert answer.headers["Referrer-Policy"] == "same-origin", link
    for name, value in answer.headers.items():
        assert token not in value, f"{name} carries the token"
    html = answer.get_data(as_text=True)
    found = re.findall(r'"([^"]*' + re.escape(token) + r'[^"]*)"', html)
    back_here = {f"/language/{lang}?next={link}" for lang in LANGUAGES}
    assert set(found) <= back_here, found


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_link_page_sends_its_address_nowhere(app, inbox, kind, lang):
    get_link, refused, accepted, moved_to = PAGES[kind]
    link = get_link(app, inbox)
    owner = person(app, "198.51.100.9")  # the owner opens the mail on another device
    owner.get(f"/language/{lang}")
    opened = owner.get(link)
    assert opened.status_code == 303 and opened.location == moved_to
    assert_sends_no_token(opened, link)
    page = owner.get(moved_to)
    assert page.status_code == 200
    assert_sends_no_token(page, link)
    if refused is not None:
        answer = submit(owner, link, refused)
        assert answer.status_code == 422 and answer.request.path == moved_to
        assert_sends_no_token(answer, link)
    assert owner.post(moved_to, data={}).status_code == 403  # no CSRF token: the 403 page
    assert_sends_no_token(owner.post(moved_to, data={}), link)
    done = submit(owner, link, accepted)
    assert done.status_code == 302 and done.request.path == moved_to
    assert_sends_no_token(done, link)
    used = owner.get(link)  # used (or dead): the link page
    assert used.status_code == 410
    assert_sends_no_token(used, link)


@pytest.mark.parametrize("kind", PAGES)
def test_the_address_without_the_token_opens_only_the_owners_link(app, inbox, kind):
    """The page's address is the same for everyone: the token is in the owner's session.
    A stranger who opens it gets the page for a link that is not valid, and the owner's
    link still works."""
    get_link, _, accepted, moved_to = PAGES[kind]
    link = get_link(app, inbox)
    owner, stranger = person(app, "198.51.100.9"), person(app, "192.0.2.66")
    assert owner.get(link).location == moved_to
    for answer in (stranger.get(moved_to), submit(stranger, moved_to, {}, form_url="/signup")):
        assert answer.status_code == 400 and 'data-error="link-invalid"' in answer.text
    assert submit(owner, link, accepted).status_code == 302


def test_other_pages_keep_same_origin_referrers(client):
    assert client.get("/login").headers["Referrer-Policy"] == "same-origin"


def test_a_browser_sends_the_reset_link_to_nothing_it_loads(live, open_page):
    """Chromium's own request log: the owner opens the reset link and sets a password."""
    from figure_tools.browser_support import EMAIL, NEW_PASSWORD, PASSWORD, open_mailbox

    from site_app.accounts import rules as accounts

    with live.app.app_context():
        accounts.register(EMAIL, PASSWORD, "fr")
        accounts.activate(accounts.find_user(EMAIL), "fr")
    page = open_page("fr")
    page.goto(live.url("/password/forgot"))
    page.fill("#email", EMAIL)
    page.locator("main form button[type='submit']").click()
    page.wait_for_url("**/check-your-mail/reset")
    link = open_mailbox(page, live).locator('.mail-body a[href*="/password/reset/"]').first
    address = link.get_attribute("href")
    token = address.rsplit("/", 1)[1]

    owner = open_page("fr")
    sent = []
    owner.on("request", lambda request: sent.append((request.url, request.headers)))
    owner.goto(live.url(address[address.index("/password/reset/") :]))
    owner.fill("#password", NEW_PASSWORD)
    owner.locator("main form button[type='submit']").click()
    owner.wait_for_url("**/login")
    owner.wait_for_load_state("networkidle")
    loaded = [url for url, _ in sent if "/static/" in url]
    assert any(url.endswith(".css") for url in loaded) and any(".js" in url for url in loaded)
    for url, headers in sent:
        assert token not in headers.get("referer", ""), f"{url} got the token as Referer"
