"""Pre-hijacking: a stranger signs up with someone else's address before (or after) them.

Bob holds the mailbox (the real SMTP server's inbox); the attacker does not.
Each has a browser of their own. Whatever the order of the two sign-ups, only
a password Bob chose can end up on his account, and the links mailed for a
replaced sign-up are dead.
"""

import pytest
from conftest import link_in, submit
from sqlalchemy import select

from site_app.accounts import rules as accounts
from site_app.accounts import tokens
from site_app.extensions import db
from site_app.models import User

BOB = "bob@example.org"
BOB_PASSWORD = "bob's own long passphrase"
ATTACKER_PASSWORD = "the attacker's passphrase"


def sign_up(client, password):
    answer = submit(client, "/signup", {"email": BOB, "password": password})
    assert answer.status_code == 302 and "/check-your-mail/signup" in answer.location
    return answer


def newest_link(inbox):
    return link_in(inbox.last(BOB), "/activate/")


def opens_account(app, password):
    """Whether ``password`` signs in as Bob, from a fresh browser."""
    answer = submit(app.test_client(), "/login", {"email": BOB, "password": password})
    return answer.status_code == 302 and answer.location == "/account"


def activated(app):
    with app.app_context():
        return db.session.scalar(select(User.activated_at).where(User.email == BOB)) is not None


@pytest.mark.parametrize("bob_clicks_in", ["the browser he signed up with", "another browser"])
def test_attacker_signs_up_first_bob_signs_up_and_activates(app, inbox, bob_clicks_in):
    attacker, bob = app.test_client(), app.test_client()
    sign_up(attacker, ATTACKER_PASSWORD)
    attackers_link = newest_link(inbox)  # mailed to Bob, never seen by the attacker

    sign_up(bob, BOB_PASSWORD)
    link = newest_link(inbox)
    assert link != attackers_link
    clicking = bob if bob_clicks_in == "the browser he signed up with" else app.test_client()
    if clicking is bob:
        page = submit(clicking, link, {}, follow_redirects=True)
    else:
        assert 'autocomplete="current-password"' in clicking.get(link, follow_redirects=True).text
        refused = submit(clicking, link, {})
        assert refused.status_code == 422 and not activated(app)
        page = submit(clicking, link, {"password": BOB_PASSWORD}, follow_redirects=True)
    assert page.request.path == "/account" and BOB in page.text

    assert opens_account(app, BOB_PASSWORD)
    assert not opens_account(app, ATTACKER_PASSWORD)
    dead = attacker.get(attackers_link)
    assert dead.status_code == 410 and "#link-used" in dead.text


@pytest.mark.both_databases
def test_bob_signs_up_first_attacker_signs_up_after(app, inbox):
    bob, attacker = app.test_client(), app.test_client()
    sign_up(bob, BOB_PASSWORD)
    bobs_first_link = newest_link(inbox)
    sign_up(attacker, ATTACKER_PASSWORD)  # replaces the password, mails Bob a new link
    link = newest_link(inbox)

    # Bob's first link was replaced by the newer mail.
    replaced = bob.get(bobs_first_link)
    assert replaced.status_code == 410
    assert "Un lien plus récent a remplacé celui-ci" in replaced.text
    assert "#link-used" in replaced.text

    # The newest link, in Bob's browser: his browser did not choose the password the
    # account has now, so he is asked for it — and his own is refused.
    page = bob.get(link, follow_redirects=True)
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    refused = submit(bob, link, {"password": BOB_PASSWORD})
    assert refused.status_code == 422
    assert "Ce n'est pas le mot de passe choisi lors de la dernière inscription" in refused.text
    assert 'href="/signup"' in refused.text
    assert not activated(app)

    # As the page says, Bob signs up again and activates from the newest mail.
    sign_up(bob, BOB_PASSWORD)
    landed = submit(bob, newest_link(inbox), {}, follow_redirects=True)
    assert landed.request.path == "/account"
    assert opens_account(app, BOB_PASSWORD)
    assert not opens_account(app, ATTACKER_PASSWORD)
    assert attacker.get(link).status_code == 410  # the link of the attacker's sign-up


@pytest.mark.both_databases
def test_a_sign_up_in_between_makes_a_confirmed_link_fail(app, inbox):
    """The check of the link and the activation are one conditional update."""
    submit(app.test_client(), "/signup", {"email": BOB, "password": BOB_PASSWORD})
    with app.test_request_context():
        token = newest_link(inbox).rsplit("/", 1)[1]
        check = tokens.check_token(token, tokens.ACTIVATE, app.config["ACTIVATION_DELAY"])
        assert check.user is not None
        # Another request (its own app context, so its own database session) lands
        # between the check of the link and the confirmation.
        with app.app_context(), app.test_request_context():
            accounts.register(BOB, ATTACKER_PASSWORD, "fr")
        assert accounts.activate(check.user, "fr") is False
    assert not activated(app)


def test_signing_up_again_gives_a_fresh_activation_delay(app, inbox, runner, time_machine):
    time_machine.move_to("2030-01-01 08:00:00+00:00", tick=False)
    sign_up(app.test_client(), ATTACKER_PASSWORD)
    time_machine.move_to("2030-01-02 20:00:00+00:00", tick=False)
    bob = app.test_client()
    sign_up(bob, BOB_PASSWORD)
    time_machine.move_to("2030-01-03 08:00:01+00:00", tick=False)
    runner.invoke(args=["accounts", "purge"])  # 48 h after the first sign-up
    landed = submit(bob, newest_link(inbox), {}, follow_redirects=True)
    assert landed.request.path == "/account"


def test_sign_up_answers_and_cookie_look_the_same_for_any_address(app, inbox, member):
    new, pending, active = (app.test_client() for _ in range(3))
    submit(app.test_client(), "/signup", {"email": "pending@example.org", "password": BOB_PASSWORD})
    answers = [
        sign_up_as(new, "fresh@example.org"),
        sign_up_as(pending, "pending@example.org"),
        sign_up_as(active, member),
    ]
    assert len({(a.status_code, a.location) for a in answers}) == 1
    proofs = []
    for client in (new, pending, active):
        with client.session_transaction() as session:
            proofs.append(session["signup_proof"])
    assert len({len(proof) for proof in proofs}) == 1


def sign_up_as(client, address):
    return submit(client, "/signup", {"email": address, "password": BOB_PASSWORD})


# Issue 19, item 5: guesses at the password on an activation link are limited like sign-ins.


def guess(app, link, password, ip):
    """A guess from a browser of its own (no sign-up proof), on network ``ip``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return submit(client, link, {"password": password})


def test_password_guesses_on_an_activation_link_are_limited_per_network(app, inbox):
    bob = app.test_client()
    sign_up(bob, BOB_PASSWORD)
    link = newest_link(inbox)  # the attacker got hold of it (say, a forwarded mail)
    for n in range(5):
        assert guess(app, link, f"guess number {n}", "10.30.0.1").status_code == 422
    blocked = guess(app, link, BOB_PASSWORD, "10.30.0.1")  # even the right one
    assert blocked.status_code == 429 and 'data-reference="B2"' in blocked.text
    assert not activated(app)
    # Bob, in his own browser, still activates with one click.
    landed = submit(bob, link, {}, follow_redirects=True)
    assert landed.request.path == "/account" and BOB in landed.text


def test_password_guesses_on_an_activation_link_from_many_networks_protect_it(app, inbox):
    bob = app.test_client()
    sign_up(bob, BOB_PASSWORD)
    link = newest_link(inbox)
    for n in range(20):  # LOGIN_FAILURES_PER_ACCOUNT: 20 an hour, from 20 networks
        assert guess(app, link, f"guess number {n}", f"10.31.{n}.1").status_code == 422
    right = guess(app, link, BOB_PASSWORD, "10.31.99.1")
    assert right.status_code == 429 and 'data-reference="B3"' in right.text
    assert "dans le navigateur utilisé pour l'inscription" in right.text
    assert not activated(app) and not opens_account(app, BOB_PASSWORD)
    landed = submit(bob, link, {}, follow_redirects=True)
    assert landed.request.path == "/account"


def test_the_right_password_on_an_activation_link_is_not_counted(make_app, inbox):
    app = make_app(LOGIN_FAILURES_PER_IP="1 per 5 minutes")
    sign_up(app.test_client(), BOB_PASSWORD)
    page = guess(app, newest_link(inbox), BOB_PASSWORD, "10.32.0.1")
    assert page.status_code == 302 and activated(app)
    assert opens_account(app, BOB_PASSWORD)  # from the same network (127.0.0.1 is another)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.32.0.1"
    answer = submit(other, "/login", {"email": BOB, "password": BOB_PASSWORD})
    assert answer.status_code == 302
