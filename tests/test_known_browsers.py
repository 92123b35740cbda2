"""Strangers never hold back the owner's own browser (issue 19, item 2).

Three reset requests an hour from anyone spent the owner's per-address mail quota, and
a stranger's sign-ups around the owner's pending one kept the owner from signing up
again. A browser that signed in to the account (or signed up with the address) now has
a quota of its own — and signs in with the password alone while the account is
protected (B3) — while strangers keep theirs, bounded. Attacker and owner are separate
people: their own clients, their own networks; only the owner reads the mailbox.
"""

import re

import pytest
from conftest import OWNER, PASSWORD, create_account, link_in, person, reference, sign_in, submit

NEW_PASSWORD = "the owner's brand new passphrase"
ATTACKER_PASSWORD = "the attacker's own passphrase"
OWNER_PASSWORD = "the owner's chosen passphrase"
MOST_RECENT_WORKS = "Le lien du dernier e-mail envoyé à cette adresse reste valable"
ASK_FROM_KNOWN = "Sur un navigateur où vous vous êtes déjà connecté à ce compte"
OWN_QUOTA_SPENT = "Ce navigateur a déjà demandé plusieurs e-mails pour cette adresse"


def owners_browser(app, inbox):
    """The owner's activated account and the browser they signed in with (signed out)."""
    create_account(app, inbox)
    browser = person(app, "203.0.113.10")
    assert sign_in(browser, OWNER, PASSWORD).status_code == 302
    submit(browser, "/logout", {}, form_url="/account")
    return browser


def ask_reset(client, address=OWNER):
    return submit(client, "/password/forgot", {"email": address})


def reset_links(inbox):
    return [m for m in inbox.to(OWNER) if "/password/reset/" in str(m)]


@pytest.mark.both_databases
def test_strangers_spending_the_reset_quota_never_hold_back_the_owners_browser(app, inbox):
    owner = owners_browser(app, inbox)
    for n in range(3):
        assert ask_reset(person(app, f"10.50.{n}.1")).status_code == 302
    refused = ask_reset(person(app, "10.50.9.1"))
    assert refused.status_code == 429 and reference(refused) == "E429-MAIL"
    assert MOST_RECENT_WORKS in refused.text and ASK_FROM_KNOWN in refused.text
    assert len(reset_links(inbox)) == 3

    # The owner's browser is not refused: its own quota.
    assert ask_reset(owner).status_code == 302
    link = link_in(inbox.last(OWNER), "/password/reset/")
    assert submit(owner, link, {"password": NEW_PASSWORD}).status_code == 302
    assert sign_in(owner, OWNER, NEW_PASSWORD).location == "/account"
    assert OWNER in owner.get("/account").text

    # Its own quota is bounded too (no mail bomb from a known browser either).
    submit(owner, "/logout", {}, form_url="/account")
    answers = [ask_reset(owner) for _ in range(2)]  # the third and last of its own
    assert [a.status_code for a in answers] == [302, 302]
    own_refusal = ask_reset(owner)
    assert own_refusal.status_code == 429 and reference(own_refusal) == "E429-MAIL"
    assert OWN_QUOTA_SPENT in own_refusal.text and ASK_FROM_KNOWN not in own_refusal.text
    assert len(reset_links(inbox)) == 3 + 3
    # Strangers are still refused.
    assert ask_reset(person(app, "10.50.9.2")).status_code == 429


def test_the_most_recent_mail_works_as_the_refusal_page_says(app, inbox):
    """An owner on a browser that never signed in gets the refusal, and its advice holds:
    the newest reset mail (asked by a stranger) resets the password."""
    create_account(app, inbox)
    for n in range(3):
        ask_reset(person(app, f"10.51.{n}.1"))
    owner_elsewhere = person(app, "203.0.113.11")
    assert ask_reset(owner_elsewhere).status_code == 429
    links = [link_in(m, "/password/reset/") for m in reset_links(inbox)]
    assert owner_elsewhere.get(links[0]).status_code == 410  # replaced by the newer ones
    assert submit(owner_elsewhere, links[-1], {"password": NEW_PASSWORD}).status_code == 302
    assert sign_in(owner_elsewhere, OWNER, NEW_PASSWORD).location == "/account"


def sign_up(client, password, address=OWNER):
    return submit(client, "/signup", {"email": address, "password": password})


def opens_account(app, password):
    answer = sign_in(person(app, "198.51.100.99"), OWNER, password)
    return answer.status_code == 302 and answer.location == "/account"


@pytest.mark.both_databases
def test_attacker_owner_attacker_sign_ups_leave_the_owner_a_way_in(app, inbox):
    attacker, owner = person(app, "10.52.0.1"), person(app, "203.0.113.20")
    assert sign_up(attacker, ATTACKER_PASSWORD).status_code == 302
    assert sign_up(owner, OWNER_PASSWORD).status_code == 302
    # The attacker signs up again from a fresh browser: the shared quota is spent.
    assert sign_up(person(app, "10.52.0.2"), ATTACKER_PASSWORD + " 2").status_code == 302
    assert reference(sign_up(person(app, "10.52.0.3"), ATTACKER_PASSWORD)) == "E429-MAIL"

    # The owner's newest mail asks for the attacker's password (pre-hijacking holds) …
    newest = link_in(inbox.last(OWNER), "/activate/")
    assert 'autocomplete="current-password"' in owner.get(newest, follow_redirects=True).text
    # … and, as that page says, the owner signs up again: not refused.
    assert sign_up(owner, OWNER_PASSWORD).status_code == 302
    landed = submit(owner, link_in(inbox.last(OWNER), "/activate/"), {}, follow_redirects=True)
    assert landed.request.path == "/account" and OWNER in landed.text
    assert opens_account(app, OWNER_PASSWORD)
    assert not opens_account(app, ATTACKER_PASSWORD)
    assert not opens_account(app, ATTACKER_PASSWORD + " 2")
    assert len(inbox.to(OWNER)) == 4 + 1  # four activation mails, then "account created"


def test_the_owner_holding_the_newest_proof_signs_up_again_and_activates(app, inbox):
    for n in range(2):
        sign_up(person(app, f"10.53.0.{n}"), ATTACKER_PASSWORD)
    owner = person(app, "203.0.113.21")
    assert sign_up(owner, OWNER_PASSWORD).status_code == 302  # the quota's last mail
    inbox.clear()  # say it landed in spam: the owner signs up again
    assert sign_up(owner, OWNER_PASSWORD).status_code == 302
    landed = submit(owner, link_in(inbox.last(OWNER), "/activate/"), {}, follow_redirects=True)
    assert landed.request.path == "/account"
    assert opens_account(app, OWNER_PASSWORD)


@pytest.mark.parametrize("address", ["fresh@example.org", "pending@example.org", OWNER])
def test_a_strangers_own_sign_up_quota_is_bounded_and_tells_nothing(
    make_app, inbox, time_machine, address
):
    """A stranger's browser gets one quota window of its own for an address it signed up
    with, whatever the address's state (so the count of accepted sign-ups tells nothing),
    never renewed by signing up again: at most 1 + 3 sign-ups in the first hour, then the
    shared quota only."""
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    app = make_app()
    create_account(app, inbox)
    submit(
        person(app, "203.0.113.30"),
        "/signup",
        {"email": "pending@example.org", "password": PASSWORD},
    )
    inbox.clear()
    stranger = person(app, "10.54.0.1")
    first_hour = [sign_up(stranger, ATTACKER_PASSWORD, address) for _ in range(5)]
    assert [a.status_code for a in first_hour] == [302] * 4 + [429]
    assert OWN_QUOTA_SPENT in first_hour[-1].text
    time_machine.move_to("2030-01-01 13:00:01+00:00", tick=False)
    second_hour = [sign_up(stranger, ATTACKER_PASSWORD, address) for _ in range(4)]
    assert [a.status_code for a in second_hour] == [302] * 3 + [429]
    assert ASK_FROM_KNOWN in second_hour[-1].text  # the shared quota's refusal
    assert len(inbox.to(address)) == 4 + 3


@pytest.mark.both_databases
def test_a_known_browser_signs_in_while_strangers_keep_the_account_protected(app, inbox):
    owner = owners_browser(app, inbox)
    for n in range(20):
        assert sign_in(person(app, f"10.55.{n}.1"), OWNER, f"guess {n}").status_code == 422
    stranger = person(app, "10.55.99.1")
    right_guess = sign_in(stranger, OWNER, PASSWORD)
    assert right_guess.status_code == 429 and reference(right_guess) == "B3"
    assert stranger.get("/account").status_code == 302
    inbox.clear()

    # The owner's browser: a wrong password is B1 (its own count), the right one signs in.
    assert sign_in(owner, OWNER, "a typo in it").status_code == 422
    assert sign_in(owner, OWNER, PASSWORD).location == "/account"
    assert OWNER in owner.get("/account").text
    assert not [m for m in inbox.to(OWNER) if "/login/link/" in str(m)]

    # A new password retires every known browser: the old cookie is a stranger's again.
    submit(owner, "/logout", {}, form_url="/account")
    copied = person(app, "10.55.98.1")
    copied.set_cookie("known_browser", owner.get_cookie("known_browser").value, domain="localhost")
    elsewhere = person(app, "203.0.113.12")
    submit(elsewhere, "/password/forgot", {"email": OWNER})
    submit(elsewhere, link_in(inbox.last(OWNER), "/password/reset/"), {"password": NEW_PASSWORD})
    for browser in (owner, copied):
        refused = sign_in(browser, OWNER, NEW_PASSWORD)
        assert refused.status_code == 429 and reference(refused) == "B3"


def test_a_known_browsers_own_failures_are_bounded(make_app, inbox):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="3 per hour", LOGIN_FAILURES_PER_IP="50 per hour")
    owner = owners_browser(app, inbox)
    for n in range(3):
        assert sign_in(owner, OWNER, f"wrong {n}").status_code == 422
    assert reference(sign_in(owner, OWNER, "wrong again")) == "B3"
    # Its failures were its own: a stranger's count is untouched.
    assert sign_in(person(app, "10.56.0.1"), OWNER, PASSWORD).status_code == 302


def test_the_known_browser_cookie_is_signed_http_only_and_long_lived(app, inbox):
    owner = person(app, "203.0.113.13")
    create_account(app, inbox)
    answer = sign_in(owner, OWNER, PASSWORD)
    cookie = [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("known_browser=")]
    assert len(cookie) == 1
    assert "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]
    assert re.search(r"Max-Age=(\d+)", cookie[0]).group(1) == str(180 * 24 * 3600)
    assert OWNER not in cookie[0] and "dave" not in cookie[0]  # it names the public id
    # Tampered with, it is worth nothing.
    submit(owner, "/logout", {}, form_url="/account")
    value = owner.get_cookie("known_browser").value
    forged = person(app, "203.0.113.14")
    forged.set_cookie("known_browser", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    for n in range(3):
        ask_reset(person(app, f"10.57.{n}.1"))
    assert ask_reset(forged).status_code == 429
    assert ask_reset(owner).status_code == 302
