"""The reader's language wins (issue 13, point 1): over ``?lang=`` in the address they
came from, in every link from the app to the guide, and on the guide's 404 page.
Also what browsers and search engines read on every app page: an icon, a description."""

import html
import re

import pytest

from site_app.config import LANGUAGES

DEFAULT = LANGUAGES[0]
PAIRS = [(shown, chosen) for shown in LANGUAGES for chosen in LANGUAGES if shown != chosen]


def guide_home(lang: str) -> str:
    return "/help/" if lang == DEFAULT else f"/help/{lang}/"


def guide_language(href: str) -> str:
    """The language of a link into the guide (``/help/en/…`` → ``en``)."""
    first = href[len("/help/") :].split("/", 1)[0]
    return first if first in LANGUAGES[1:] else DEFAULT


def switch_link(page: str, lang: str) -> str:
    """The href of the page's language switch (point 1) to ``lang``."""
    match = re.search(rf'href="(/language/{lang}\?[^"]*)"', page)
    assert match, f"no switch to {lang}"
    return html.unescape(match.group(1))


@pytest.mark.parametrize(("shown", "chosen"), PAIRS)
@pytest.mark.parametrize("path", ["/signup", "/login"])
def test_the_switch_beats_lang_in_the_address(client, path, shown, chosen):
    """The guide links to /signup?lang=fr; choosing English there must give English."""
    page = client.get(f"{path}?lang={shown}")
    assert f'<html lang="{shown}"' in page.text

    answer = client.get(switch_link(page.text, chosen))

    assert answer.status_code == 302
    assert answer.location == path
    landed = client.get(answer.location).text
    assert f'<html lang="{chosen}"' in landed
    # Every link into the guide (header, footer, help links) is in the chosen language.
    guide_links = re.findall(r'href="(/help/[^"]*)"', landed)
    assert f'href="{guide_home(chosen)}"' in landed
    assert guide_links and {guide_language(href) for href in guide_links} == {chosen}


def test_the_switch_keeps_the_other_parameters(client):
    answer = client.get(
        "/language/en", query_string={"next": "/password/forgot?email=a%40example.org&lang=fr"}
    )
    assert answer.location == "/password/forgot?email=a%40example.org"


def test_the_switch_also_cleans_the_page_after_sign_in(client):
    """The guide's « Mon compte » (/account?lang=fr) sends a signed-out reader to
    /login?next=/account?lang=fr: choosing English there must hold after signing in."""
    login = client.get("/account?lang=fr", follow_redirects=True)
    assert login.request.path == "/login" and '<html lang="fr"' in login.text

    answer = client.get(switch_link(login.text, "en"))

    assert answer.location == "/login?next=%2Faccount"


@pytest.mark.parametrize(
    ("url", "cookie", "browser", "expected"),
    [
        ("/help/nope/", "en", None, "en"),  # the reader's choice (cookie) …
        ("/help/en/nope/", "fr", "en", "fr"),  # … wins over the address and the browser;
        ("/help/en/nope/", None, "fr-FR", "en"),  # then the language of the part asked for;
        ("/help/nope/", None, "en-GB,en;q=0.8", "en"),  # then the browser's
        ("/help/nope/", None, "fr-FR,fr;q=0.9", "fr"),
        ("/help/en/nope/", "ar", None, "ar"),  # and the same for Arabic (right to left)
        ("/help/ar/nope/", None, "fr-FR", "ar"),
        ("/help/nope/", None, "ar-EG,ar;q=0.9", "ar"),
    ],
)
def test_guide_404_is_in_the_reader_language(client, url, cookie, browser, expected):
    if cookie:
        client.set_cookie("lang", cookie)
    headers = {"Accept-Language": browser} if browser else {}
    answer = client.get(url, headers=headers)
    assert answer.status_code == 404
    assert f'<html lang="{expected}"' in answer.text
    assert 'id="page-not-found"' in answer.text


PAGES = ["/", "/login", "/signup", "/password/forgot", "/activation/resend", "/contact", "/nope"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_an_icon_and_a_description_in_its_language(client, lang):
    client.get(f"/language/{lang}")
    descriptions = {}
    for path in PAGES:
        page = client.get(path).text
        assert '<link rel="icon" href="/static/favicon.svg"' in page, path
        description = re.search(r'<meta name="description" content="([^"]+)">', page)
        assert description and len(description.group(1)) > 40, path
        descriptions[path] = description.group(1)
    # The sign-in and sign-up pages say what they are for.
    assert len({descriptions["/"], descriptions["/login"], descriptions["/signup"]}) == 3
    other = next(code for code in LANGUAGES if code != lang)
    client.get(f"/language/{other}")
    assert (
        re.search(r'<meta name="description" content="([^"]+)">', client.get("/").text)[1]
        != descriptions["/"]
    ), "the description is not translated"


def test_the_icon_is_served_where_browsers_look_for_it(client):
    with client.get("/favicon.ico") as answer:
        assert answer.status_code == 200
        assert answer.mimetype == "image/svg+xml"
        assert answer.data.startswith(b"<svg")


def test_robots_txt_names_every_language_s_sitemap(make_app):
    client = make_app(PUBLIC_URL="https://help.example.org").test_client()
    answer = client.get("/robots.txt", base_url="https://help.example.org")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    sitemaps = [
        line.split(" ", 1)[1] for line in answer.text.splitlines() if line.startswith("Sitemap:")
    ]
    assert sitemaps == [
        f"https://help.example.org{guide_home(code)}sitemap.xml" for code in LANGUAGES
    ]
    for url in sitemaps:
        path = url.removeprefix("https://help.example.org")
        with client.get(path, base_url="https://help.example.org") as sitemap:
            assert sitemap.status_code == 200 and b"<urlset" in sitemap.data


@pytest.mark.parametrize("way", ["/language/en", "/login?lang=en"])
@pytest.mark.parametrize(
    ("public_url", "secure"), [("http://localhost", False), ("https://help.example.org", True)]
)
def test_the_language_cookie_is_out_of_reach_of_scripts(make_app, way, public_url, secure):
    """Issue 19, item 13: no script reads the ``lang`` cookie, so none may (HttpOnly); it
    travels with top-level navigations only (SameSite=Lax), over https only on an https site."""
    client = make_app(PUBLIC_URL=public_url).test_client()
    answer = client.get(way, base_url=public_url)
    cookie = next(h for h in answer.headers.getlist("Set-Cookie") if h.startswith("lang="))
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert attributes[0] == "lang=en"
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert ("secure" in attributes) is secure


# --- The language of an account's mails (issue 19, item 8) -------------------------------------

OWNER = "owner@example.org"


def mail_language(message) -> str:
    """The language a mail is written in (its HTML part's ``<html lang>``)."""
    html_part = message.get_body(preferencelist=("html",)).get_content()
    return re.search(r'<html lang="([^"]+)"', html_part).group(1)


def signed_in_owner(app, lang):
    """The owner's browser, signed in to their account while reading ``lang``."""
    from conftest import PASSWORD, submit

    from site_app.accounts import rules as accounts

    with app.app_context():
        accounts.register(OWNER, PASSWORD, lang)
        accounts.activate(accounts.find_user(OWNER), lang)
    owner = app.test_client()
    owner.set_cookie("lang", lang)
    submit(owner, "/login", {"email": OWNER, "password": PASSWORD})
    return owner


def stranger_signs_up_with_the_owner_address(app):
    """Queues the "sign-up attempt with your address" mail, written in the account's language."""
    from conftest import submit

    submit(app.test_client(), "/signup", {"email": OWNER, "password": "another long passphrase"})


@pytest.mark.parametrize(("own", "other"), PAIRS)
def test_a_link_on_another_site_leaves_the_language_of_the_mails_alone(app, inbox, own, other):
    """A page elsewhere links (or embeds an image) to /language/<other>: the owner's
    browser opens it, signed in. Their pages may change language; their mails do not."""
    owner = signed_in_owner(app, own)

    followed = owner.get(
        f"/language/{other}?next=/account",
        headers={"Sec-Fetch-Site": "cross-site", "Referer": "https://evil.example/"},
    )
    assert followed.status_code == 302
    inbox.clear()
    stranger_signs_up_with_the_owner_address(app)
    assert mail_language(inbox.last(OWNER)) == own

    # A form on another site that posts to the switch has no CSRF token.
    forged = owner.post(
        f"/language/{other}?next=/account", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert forged.status_code == 403
    inbox.clear()
    stranger_signs_up_with_the_owner_address(app)
    assert mail_language(inbox.last(OWNER)) == own


@pytest.mark.parametrize(("own", "chosen"), PAIRS)
def test_the_owner_switch_changes_the_language_of_the_mails(app, inbox, own, chosen):
    """Signed in, point 1 is a form (CSRF): choosing a language there is the owner's choice,
    for the pages and the mails, and the owner stays on the same page."""
    from conftest import csrf_token

    owner = signed_in_owner(app, own)
    page = owner.get("/account").text
    action = re.search(
        rf'<button class="language" type="submit" lang="{chosen}" formaction="([^"]+)"', page
    )
    assert action, "no switch to the chosen language"

    answer = owner.post(
        html.unescape(action.group(1)), data={"csrf_token": csrf_token(owner, "/account")}
    )

    assert answer.status_code == 302 and answer.location == "/account"
    landed = owner.get("/account").text
    assert f'<html lang="{chosen}"' in landed
    inbox.clear()
    stranger_signs_up_with_the_owner_address(app)
    assert mail_language(inbox.last(OWNER)) == chosen


def test_signed_out_the_switch_stays_a_link(client):
    """Nothing stored to change: the guide's links and bookmarks keep working."""
    page = client.get("/").text
    assert switch_link(page, "en") and "language-form" not in page
