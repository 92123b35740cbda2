"""Limits that cannot be dodged or turned against people (issue 11, items 3, 4, 5, 9, 12).

Attacker and owner are separate people: each has their own client (cookies), their own
address (``REMOTE_ADDR``) and only the owner reads the owner's mailbox.
"""

import re
import threading

import pytest
from conftest import (
    OWNER,
    PASSWORD,
    PRODUCTION_HASHING,
    create_account,
    person,
    reference,
    sign_in,
    submit,
)

from site_app.config import LANGUAGES
from site_app.templating import text_direction


def test_the_limit_pages_switch_to_the_languages_tested_here(app, inbox):
    """The tests below run in each configured language: the B2 page offers exactly those."""
    guesser = person(app, "10.39.0.1")
    for n in range(5):
        sign_in(guesser, OWNER, f"guess {n}")
    blocked = sign_in(guesser, OWNER, "guess 5")
    assert reference(blocked) == "B2"
    offered = re.findall(r'<(?:a|span) class="language[^"]*" lang="([a-z-]+)"', blocked.text)
    assert offered and set(offered) == set(LANGUAGES)


def html_lang(lang):
    """The page's opening tag in ``lang`` (right-to-left languages carry ``dir="rtl"``)."""
    direction = ' dir="rtl"' if text_direction(lang) == "rtl" else ""
    return f'<html lang="{lang}"{direction}>'


def help_anchor(answer):
    match = re.search(r'<a class="button" href="([^"]+)">', answer.text)
    return match.group(1)


# Item 3: the address as stored, and the IPv6 /64.

SPELLINGS = [
    "dave@example.org",
    "DAVE@example.org",
    "dave@\uff45xample.org",  # fullwidth e
    "dave@example\u3002org",  # ideographic full stop
    "dave@e\u034fxample.org",  # combining grapheme joiner
    " Dave@EXAMPLE.org ",
]


def test_spellings_of_one_address_share_its_mail_quota(app, inbox):
    create_account(app, inbox)
    answers = [
        submit(person(app, f"10.3.{n}.1"), "/password/forgot", {"email": spelling})
        for n, spelling in enumerate(SPELLINGS)
    ]
    assert [a.status_code for a in answers] == [302] * 3 + [429] * 3
    assert len(inbox.to(OWNER)) == 3
    assert {reference(a) for a in answers[3:]} == {"E429-MAIL"}


def test_spellings_of_one_address_share_its_failure_count(make_app, inbox):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="3 per hour")
    create_account(app, inbox)
    statuses = [
        sign_in(person(app, f"10.4.{n}.1"), spelling, "not the password").status_code
        for n, spelling in enumerate(SPELLINGS)
    ]
    assert statuses == [422] * 3 + [429] * 3


def test_an_ipv6_client_is_limited_on_its_64(client, app):
    for n in range(5):
        answer = sign_in(person(app, f"2001:db8:1:2::{n + 1:x}"), OWNER, "not the password")
        assert answer.status_code == 422
    same_network = sign_in(person(app, "2001:db8:1:2:ffff::9"), OWNER, "not the password")
    assert same_network.status_code == 429 and reference(same_network) == "B2"
    next_network = sign_in(person(app, "2001:db8:1:3::1"), OWNER, "not the password")
    assert next_network.status_code == 422


# Item 5: every limit page names its real cause; only what happened counts.


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_limit_page_names_its_cause(make_app, inbox, lang):
    app = make_app(
        LOGIN_FAILURES_PER_ACCOUNT="2 per hour",
        MAIL_ACTIONS_PER_EMAIL="1 per hour",
        MAIL_ACTIONS_PER_IP="1 per hour",
    )
    create_account(app, inbox)

    def as_reader(ip):
        client = person(app, ip)
        client.get(f"/language/{lang}")
        return client

    seen = {}
    ip_client = as_reader("10.8.0.1")
    for _ in range(5):
        sign_in(ip_client, "nobody@example.org", "wrong")
    seen["B2"] = sign_in(ip_client, "nobody@example.org", "wrong")
    for n in range(2):
        sign_in(as_reader(f"10.8.1.{n}"), OWNER, "wrong")
    seen["B3"] = sign_in(as_reader("10.8.1.9"), OWNER, "wrong")
    submit(as_reader("10.8.2.1"), "/password/forgot", {"email": OWNER})
    seen["E429-MAIL"] = submit(as_reader("10.8.2.2"), "/password/forgot", {"email": OWNER})
    mail_ip = as_reader("10.8.3.1")
    submit(mail_ip, "/password/forgot", {"email": "a@example.org"})
    seen["E429-IP"] = submit(mail_ip, "/password/forgot", {"email": "b@example.org"})

    topics = {
        "B2": "ip-blocked",
        "B3": "account-protected",
        "E429-MAIL": "too-many-mails",
        "E429-IP": "too-many-requests",
    }
    explanations = {}
    for ref, answer in seen.items():
        assert answer.status_code == 429, ref
        assert reference(answer) == ref
        assert html_lang(lang) in answer.text
        assert 0 < int(answer.headers["Retry-After"]) <= 3600
        assert re.search(r'data-countdown-until="\d+"', answer.text)
        link = help_anchor(answer)
        assert link.endswith(f"#{topics[ref]}")
        assert link.startswith("/help/" if lang == LANGUAGES[0] else f"/help/{lang}/")
        with app.test_client().get(link.partition("#")[0]) as page:
            assert f'id="{topics[ref]}"' in page.text
        explanations[ref] = re.search(r"<h1>(.*?)</h1>\s*<p>(.*?)</p>", answer.text, re.S).groups()
    assert len(set(explanations.values())) == 4  # four causes, four explanations
    blamed_ip = [ref for ref, (_, text) in explanations.items() if "IP" in text]
    assert blamed_ip == ["B2"]


def test_refused_sign_up_forms_do_not_use_the_mail_quota(client, inbox):
    for refused in ("short", "password", "12345678"):
        answer = submit(client, "/signup", {"email": "erin@example.org", "password": refused})
        assert answer.status_code == 422
    answer = submit(client, "/signup", {"email": "erin@example.org", "password": PASSWORD})
    assert answer.status_code == 302
    assert "/activate/" in str(inbox.last("erin@example.org"))


def test_the_contact_form_is_never_blocked_by_mail_quotas(make_app, inbox):
    app = make_app(MAIL_ACTIONS_PER_IP="2 per hour")
    visitor = person(app, "10.9.0.1")
    for _ in range(3):
        submit(visitor, "/password/forgot", {"email": "fran@example.org"}, form_url="/signup")
    refused = submit(visitor, "/password/forgot", {"email": "fran@example.org"}, form_url="/signup")
    assert refused.status_code == 429
    answer = submit(
        visitor,
        "/contact",
        {"email": "fran@example.org", "topic": "other", "message": "I am stuck."},
    )
    assert answer.status_code == 302, answer.text[:2000]


# Item 9: parallel wrong passwords are counted before they are checked.


def test_parallel_wrong_passwords_cannot_beat_the_limit(make_app):
    # The production hash: its time is the window a count made after the check would leave.
    app = make_app(**PRODUCTION_HASHING)
    attackers = [person(app, "10.10.0.1") for _ in range(30)]
    tokens = [
        re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', a.get("/login").text)[1]
        for a in attackers
    ]
    start = threading.Barrier(len(attackers), timeout=30)
    statuses = []

    def guess(attacker, token):
        start.wait()
        answer = attacker.post(
            "/login", data={"csrf_token": token, "email": OWNER, "password": "parallel guess"}
        )
        statuses.append(answer.status_code)

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(attackers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == 30
    assert statuses.count(422) == 5  # checked: exactly the limit
    assert statuses.count(429) == 25


# Item 12: the account page's password checks are limited like sign-ins.


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/account/password", "current_password"),
        ("/account/delete", "password"),
        ("/account/sessions/sign-out-others", "sessions_password"),
        ("/account/email", "email_password"),
    ],
)
def test_wrong_current_passwords_on_the_account_page_are_limited(app, people, url, field):
    owner = people.signed_in(ip="10.11.0.1")
    data = {
        field: "a wrong guess",
        "new_password": "another long passphrase",
        "new_email": "elsewhere@example.net",
    }
    for _ in range(5):
        assert submit(owner, url, data, form_url="/account").status_code == 422
    blocked = submit(owner, url, {**data, field: PASSWORD}, form_url="/account")
    assert blocked.status_code == 429 and reference(blocked) == "B2"
    # Nothing changed: the password still signs in from elsewhere.
    assert sign_in(person(app, "10.11.0.2"), OWNER, PASSWORD).status_code == 302


def test_the_right_current_password_is_not_counted(people):
    owner = people.signed_in(ip="10.12.0.1")
    password = PASSWORD
    for n in range(6):
        new = f"lighthouse keeper number {n} sings"
        data = {"current_password": password, "new_password": new}
        assert submit(owner, "/account/password", data, form_url="/account").status_code == 302
        password = new


def test_a_refused_account_form_counts_no_attempt(people):
    """A form refused before its password is read (a new password the rules refuse) leaves
    nothing counted: six of them, then the change goes through."""
    owner = people.signed_in(ip="10.12.1.1")
    refused = {"current_password": "a wrong guess", "new_password": "short"}
    for _ in range(6):
        answer = submit(owner, "/account/password", refused, form_url="/account")
        assert answer.status_code == 422 and reference(answer) is None
    data = {"current_password": PASSWORD, "new_password": "lighthouse keeper sings again"}
    assert submit(owner, "/account/password", data, form_url="/account").status_code == 302


def test_stolen_session_guessing_from_many_addresses_is_limited(make_app, inbox):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="3 per hour")
    create_account(app, inbox)
    thief = person(app, "10.13.0.1")
    sign_in(thief, OWNER, PASSWORD)
    data = {"password": "a wrong guess"}
    for n in range(3):
        thief.environ_base["REMOTE_ADDR"] = f"10.13.{n}.1"
        assert submit(thief, "/account/delete", data, form_url="/account").status_code == 422
    thief.environ_base["REMOTE_ADDR"] = "10.13.9.1"
    blocked = submit(thief, "/account/delete", {"password": PASSWORD}, form_url="/account")
    assert blocked.status_code == 429 and reference(blocked) == "B3"
    assert sign_in(person(app, "10.13.10.1"), OWNER, PASSWORD).status_code == 302


# Issue 13: the block page survives the language switch.


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_block_page_survives_the_language_switch(app, lang):
    other = [code for code in LANGUAGES if code != lang][0]
    visitor = person(app, "10.14.0.1")
    visitor.get(f"/language/{other}")
    for _ in range(6):
        blocked = sign_in(visitor, OWNER, "wrong")
    assert blocked.status_code == 429
    switched = visitor.get(f"/language/{lang}?next=/login", follow_redirects=True)
    assert switched.status_code == 429
    assert reference(switched) == "B2"
    assert html_lang(lang) in switched.text
    assert "Retry-After" in switched.headers
    assert 'name="password"' not in switched.text
    # Another network still gets the form.
    assert person(app, "10.14.0.2").get("/login").status_code == 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_limit_page_survives_the_language_switch(make_app, inbox, lang, time_machine):
    """E429-MAIL and B3 too: the next GET of the refused page shows it again, in the
    language just chosen; then (after two minutes) the form is back."""
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    app = make_app(MAIL_ACTIONS_PER_EMAIL="1 per hour", LOGIN_FAILURES_PER_ACCOUNT="1 per hour")
    other = [code for code in LANGUAGES if code != lang][0]
    visitor = person(app, "10.15.0.1")
    visitor.get(f"/language/{other}")
    submit(visitor, "/password/forgot", {"email": OWNER})
    assert reference(submit(visitor, "/password/forgot", {"email": OWNER})) == "E429-MAIL"
    visitor.get("/static/css/app.css").close()  # what the browser loads with the page
    switched = visitor.get(f"/language/{lang}?next=/password/forgot", follow_redirects=True)
    assert switched.status_code == 429 and reference(switched) == "E429-MAIL"
    assert html_lang(lang) in switched.text and "Retry-After" in switched.headers
    time_machine.move_to("2030-01-01 12:02:01+00:00", tick=False)
    assert visitor.get("/password/forgot").status_code == 200

    sign_in(person(app, "10.15.0.2"), OWNER, "wrong")
    assert reference(sign_in(visitor, OWNER, "wrong")) == "B3"
    switched = visitor.get(f"/language/{other}?next=/login", follow_redirects=True)
    assert switched.status_code == 429 and reference(switched) == "B3"
    assert html_lang(other) in switched.text


def test_b2_stays_on_the_refused_browsers_sign_in_page_while_the_block_lasts(
    app, inbox, time_machine, monkeypatch
):
    """Issue 19, item 14d: the README and the guide say what happens. The refused browser
    sees B2 again on GET /login until the block ends (it was two minutes of a five-minute
    block); a fresh session on the blocked network gets the form — page views ask the
    limit storage nothing — and its first POST the B2 page, with no password checked."""
    from site_app.accounts import passwords
    from site_app.limits import counters

    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    create_account(app, inbox)
    guesser = person(app, "10.16.0.1")
    for n in range(5):
        assert sign_in(guesser, OWNER, f"guess {n}").status_code == 422
    assert reference(sign_in(guesser, OWNER, "guess 5")) == "B2"

    time_machine.move_to("2030-01-01 12:04:00+00:00", tick=False)
    again = guesser.get("/login")
    assert again.status_code == 429 and reference(again) == "B2"
    assert 'name="password"' not in again.text

    looked_up, checked = [], []
    run = counters._Counters.run
    monkeypatch.setattr(
        counters._Counters,
        "run",
        lambda self, *a, **k: looked_up.append(a[0]) or run(self, *a, **k),
    )
    verify = passwords.verify_password
    monkeypatch.setattr(
        "site_app.accounts.sign_in.verify_password", lambda *a: checked.append(1) or verify(*a)
    )
    fresh = person(app, "10.16.0.1")
    form = fresh.get("/login")
    assert form.status_code == 200 and 'name="password"' in form.text
    assert looked_up == []
    refused = sign_in(fresh, OWNER, PASSWORD)
    assert refused.status_code == 429 and reference(refused) == "B2"
    assert checked == []

    time_machine.move_to("2030-01-01 12:05:01+00:00", tick=False)
    assert guesser.get("/login").status_code == 200
    assert sign_in(person(app, "10.16.0.1"), OWNER, PASSWORD).status_code == 302
