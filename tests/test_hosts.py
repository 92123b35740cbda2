"""PUBLIC_URL: mail links never follow the request's Host; other hosts get a 400 and no mail.

The attacker fetches a form like anyone, then posts it with ``Host: evil.example:8080`` and
the owner's address, hoping the owner gets a link to the attacker's server. The owner has a
mailbox of their own (the real SMTP fixture) and their own browser (test client).
"""

import os
import re
import subprocess
import sys

import pytest
from conftest import CSRF_RE, PASSWORD, ROOT, link_in, submit

from site_app.accounts import rules as accounts
from site_app.settings import PublicUrlError, parse_public_url

PUBLIC = "https://help.example.org"
EVIL = "evil.example:8080"
OWNER = "owner@example.org"


@pytest.fixture
def site(make_app):
    # No SERVER_NAME, as in production before PUBLIC_URL existed.
    return make_app(PUBLIC_URL=PUBLIC, SERVER_NAME=None)


def links(message) -> list[str]:
    """Every absolute link of both parts of a mail."""
    found = []
    for kind in ("plain", "html"):
        body = message.get_body(preferencelist=(kind,)).get_content()
        found += re.findall(r"https?://[^\s\"'<>]+", body)
    assert found, "the mail has no link"
    return found


def attacker_posts(app, url, data, host=EVIL):
    """A stranger's request: the form fetched normally, posted with a forged Host header."""
    attacker = app.test_client(use_cookies=False)
    attacker.environ_base["HTTP_REFERER"] = PUBLIC + "/"
    page = attacker.get(url)
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = CSRF_RE.search(page.text).group(1)
    return attacker.post(
        url, data={"csrf_token": token, **data}, headers={"Host": host, "Cookie": cookie}
    )


def browser(app):
    """A person's browser on the site (https: Flask-WTF then wants a same-origin Referer)."""
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = PUBLIC + "/"
    return client


def owner_signs_up(app, inbox, activate=True):
    owner = browser(app)
    submit(owner, "/signup", {"email": OWNER, "password": PASSWORD})
    if activate:
        submit(owner, link_in(inbox.last(OWNER), "/activate/"), {})
    inbox.clear()
    return owner


@pytest.mark.parametrize(
    ("url", "activated", "data", "owner_link"),
    [
        ("/password/forgot", True, {"email": OWNER}, "/password/reset/"),
        ("/activation/resend", False, {"email": OWNER}, "/activate/"),
        ("/signup", True, {"email": OWNER, "password": "attacker's own passphrase"}, "/login"),
    ],
)
def test_a_forged_host_gets_a_400_and_the_owner_no_mail(
    site, inbox, url, activated, data, owner_link
):
    owner = owner_signs_up(site, inbox, activate=activated)

    answer = attacker_posts(site, url, data)
    assert answer.status_code == 400
    assert "La requête n'a pas pu être comprise" in answer.text
    assert "E400-HOST" in answer.text
    assert inbox.to(OWNER) == []

    # The owner asks the same thing on the real site: every link is on PUBLIC_URL.
    submit(owner, url, data if url != "/signup" else {"email": OWNER, "password": PASSWORD})
    mail = inbox.last(OWNER)
    assert all(link.startswith(PUBLIC + "/") for link in links(mail)), links(mail)
    assert any(owner_link in link for link in links(mail))


def test_refused_requests_use_none_of_the_owner_quota(make_app, inbox):
    """Refused before the limiter: forged-host requests cannot lock the owner out of resets."""
    app = make_app(PUBLIC_URL=PUBLIC, SERVER_NAME=None, MAIL_ACTIONS_PER_EMAIL="2 per hour")
    owner = owner_signs_up(app, inbox)  # the sign-up used one of the two
    for _ in range(3):
        assert attacker_posts(app, "/password/forgot", {"email": OWNER}).status_code == 400
    assert submit(owner, "/password/forgot", {"email": OWNER}).status_code == 302
    assert "/password/reset/" in inbox.last(OWNER).get_body(("plain",)).get_content()


def test_the_owner_follows_a_public_link_that_works(site, inbox):
    owner = owner_signs_up(site, inbox)
    submit(owner, "/password/forgot", {"email": OWNER})
    link = next(x for x in links(inbox.last(OWNER)) if "/password/reset/" in x)
    assert link.startswith(PUBLIC + "/password/reset/")
    page = owner.get(link.removeprefix(PUBLIC), follow_redirects=True)
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.text


def test_mails_sent_without_a_request_use_public_url(site, inbox):
    """The command line and background threads have no request, hence no Host."""
    owner_signs_up(site, inbox)
    with site.app_context():
        accounts.request_password_reset(OWNER, "en")
    mail = inbox.last(OWNER)
    assert all(link.startswith(PUBLIC + "/") for link in links(mail))
    assert any("/password/reset/" in link for link in links(mail))


def test_another_host_is_refused_on_every_page_and_in_english(site):
    stranger = site.test_client()
    for path in ("/", "/login", "/contact", "/help/", "/help/en/", "/help/go/contact"):
        answer = stranger.get(path, headers={"Host": EVIL, "Accept-Language": "en"})
        assert answer.status_code == 400, path
        assert "The request could not be understood" in answer.text, path
    assert stranger.get("/login").status_code == 200  # the real host: served
    assert stranger.get("/login", headers={"Host": "help.example.org:8443"}).status_code == 200


def test_healthz_answers_any_host(site):
    """Load balancers probe with the machine's own address."""
    assert site.test_client().get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8080", "[::1]:5000"])
def test_without_public_url_loopback_is_served_and_links_follow_it(make_app, inbox, host):
    app = make_app(PUBLIC_URL=None, SERVER_NAME=None)
    person = app.test_client()
    form = person.get("/signup", headers={"Host": host})
    assert form.status_code == 200
    data = {"csrf_token": CSRF_RE.search(form.text).group(1), "email": OWNER, "password": PASSWORD}
    answer = person.post("/signup", data=data, headers={"Host": host})
    assert answer.status_code == 302
    assert all(link.startswith(f"http://{host}/") for link in links(inbox.last(OWNER)))


@pytest.mark.parametrize(
    "host", [EVIL, "localhost.evil.example", "127.0.0.1.nip.io", "help.example.org"]
)
def test_without_public_url_other_hosts_are_refused(make_app, inbox, host):
    app = make_app(PUBLIC_URL=None, SERVER_NAME=None)
    with app.test_request_context("/"):
        accounts.register(OWNER, PASSWORD, "fr")
        accounts.activate(accounts.find_user(OWNER), "fr")
    inbox.clear()
    answer = attacker_posts(app, "/password/forgot", {"email": OWNER}, host=host)
    assert answer.status_code == 400
    assert inbox.to(OWNER) == []
    assert app.test_client().get("/help/", headers={"Host": host}).status_code == 400


@pytest.mark.parametrize(
    "value",
    [
        "help.example.org",
        "https://help.example.org/help/",
        "https://help.example.org?x=1",
        "ftp://help.example.org",
        "https://",
        "https://user:secret@help.example.org",
        "https://help.example.org:99999",
        "not a url",
        42,
    ],
)
def test_a_wrong_public_url_stops_the_start_naming_the_key(make_app, value):
    with pytest.raises(PublicUrlError, match="PUBLIC_URL"):
        make_app(PUBLIC_URL=value)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://help.example.org", "https://help.example.org"),
        ("https://Help.Example.org/", "https://help.example.org"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        (None, None),
        ("", None),
    ],
)
def test_good_public_urls_are_kept(value, kept):
    assert parse_public_url(value) == kept


def test_the_command_line_refuses_a_wrong_public_url(tmp_path):
    env = {
        **os.environ,
        "FLASK_PUBLIC_URL": "help.example.org",
        "FLASK_SECRET_KEY": "x",
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "site_app", "routes"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PUBLIC_URL must be the site's address" in result.stderr
