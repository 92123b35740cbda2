"""Server-side sessions: sign-out, password change and reset really end them.

The owner and the attacker are separate people with their own test clients;
the attacker's cookie is either copied from the owner's browser or their own
sign-in with a stolen password.
"""

import re

import pytest
from conftest import PASSWORD, sign_in, submit
from sqlalchemy import event, func, select

from site_app.accounts import sessions
from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import User, UserSession

NEW_PASSWORD = "a brand new passphrase"
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def browser(app, address="127.0.0.1", user_agent="Werkzeug test client"):
    """A separate person's browser: its own cookies, address and user agent."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": user_agent})
    return client


def copy_session_cookie(source, target):
    target.set_cookie("session", source.get_cookie("session").value, domain="localhost")


def session_count(app, address):
    with app.app_context():
        return db.session.scalar(
            select(func.count(UserSession.id)).join(User).where(User.email == address)
        )


@pytest.mark.both_databases
def test_a_cookie_copied_before_logout_is_refused_after(app, member):
    owner, attacker = browser(app), browser(app, "198.51.100.9")
    sign_in(owner, member)
    copy_session_cookie(owner, attacker)
    assert attacker.get("/account").status_code == 200  # the stolen cookie works …

    submit(owner, "/logout", {}, form_url="/account")
    refused = attacker.get("/account")  # … until the owner signs out
    assert refused.status_code == 302 and refused.location.startswith("/login")
    assert session_count(app, member) == 0


@pytest.mark.both_databases
def test_password_change_ends_the_attackers_session_and_keeps_the_owners(app, member, inbox):
    owner, attacker = browser(app), browser(app, "198.51.100.9")
    sign_in(owner, member)
    sign_in(attacker, member)  # with a stolen password
    assert attacker.get("/account").status_code == 200

    changed = submit(
        owner,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        form_url="/account",
    )
    assert changed.status_code == 302
    assert owner.get("/account").status_code == 200
    assert attacker.get("/account").status_code == 302
    assert sign_in(attacker, member).status_code == 422  # the stolen password is dead too
    assert session_count(app, member) == 1


def test_reset_ends_every_session(app, member, inbox):
    from conftest import link_in

    owner, attacker = browser(app), browser(app, "198.51.100.9")
    sign_in(owner, member)
    copy_session_cookie(owner, attacker)
    submit(owner, "/password/forgot", {"email": member})
    submit(owner, link_in(inbox.last(member), "/password/reset/"), {"password": NEW_PASSWORD})
    assert attacker.get("/account").status_code == 302
    assert owner.get("/account").status_code == 302
    assert session_count(app, member) == 0


@pytest.mark.both_databases
def test_sign_out_other_sessions_ends_the_attackers_and_keeps_the_owners(app, member):
    owner, attacker = browser(app), browser(app, "198.51.100.9")
    sign_in(attacker, member)
    sign_in(owner, member)
    assert "Se déconnecter des autres sessions" in owner.get("/account").text

    wrong = submit(
        owner,
        "/account/sessions/sign-out-others",
        {"sessions_password": "not the password"},
        form_url="/account",
    )
    assert wrong.status_code == 422 and "Mot de passe incorrect." in wrong.text
    assert attacker.get("/account").status_code == 200  # nothing changed
    assert session_count(app, member) == 2

    done = submit(
        owner,
        "/account/sessions/sign-out-others",
        {"sessions_password": PASSWORD},
        form_url="/account",
    )
    assert done.status_code == 302 and done.location == "/account#sessions"
    assert attacker.get("/account").status_code == 302
    page = owner.get("/account")
    assert page.status_code == 200
    assert "Vos autres sessions ont été fermées." in page.text
    assert "Aucune autre session n'est ouverte." in page.text
    assert session_count(app, member) == 1


def test_sign_out_other_sessions_needs_the_csrf_token(app, member):
    owner, attacker = browser(app), browser(app, "198.51.100.9")
    sign_in(attacker, member)
    sign_in(owner, member)
    forged = owner.post("/account/sessions/sign-out-others", data={"sessions_password": PASSWORD})
    assert forged.status_code == 403
    assert attacker.get("/account").status_code == 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_account_page_lists_the_sessions(app, member, lang):
    expected = {
        "fr": ("Firefox sur Windows", "Mobile Safari sur iOS", "cette session", "Vos sessions"),
        "en": ("Firefox on Windows", "Mobile Safari on iOS", "this session", "Your sessions"),
        # Arabic: each Latin name between the isolates U+2068 … U+2069 (site_app/typography.py).
        "ar": (
            "\u2068Firefox\u2069 على \u2068Windows\u2069",
            "\u2068Mobile Safari\u2069 على \u2068iOS\u2069",
            "هذه الجلسة",
            "جلساتك",
        ),
    }[lang]
    owner = browser(app, "203.0.113.7", FIREFOX_WINDOWS)
    phone = browser(app, "2001:db8:1234:5678::1", SAFARI_IPHONE)
    sign_in(phone, member)
    owner.get(f"/language/{lang}")
    sign_in(owner, member)
    page = owner.get("/account").text
    owner_row, phone_row = (
        page.split('data-session="current"')[1],
        page.split('data-session="other"')[1],
    )
    assert owner_row.index(expected[0]) < owner_row.index("</li>")
    assert owner_row.index("203.0.113.x") < owner_row.index("</li>")
    assert owner_row.index(expected[2]) < owner_row.index("</li>")
    assert phone_row.index(expected[1]) < phone_row.index("</li>")
    assert phone_row.index("2001:db8:1234::/48") < phone_row.index("</li>")
    assert page.count(expected[2]) == 1
    assert expected[3] in page
    assert re.search(r'href="[^"]*/help/[^"]*#sessions"', page)  # the help topic
    # The session ids (what a cookie carries) never appear on the page.
    with app.app_context():
        for session_id in db.session.scalars(select(UserSession.id)):
            assert session_id not in page


@pytest.mark.both_databases
def test_last_seen_is_written_at_most_once_a_minute(app, member, time_machine):
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    owner = browser(app)
    sign_in(owner, member)
    updates = []

    def count_updates(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE USER_SESSIONS"):
            updates.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count_updates)
    time_machine.move_to("2030-01-01 12:00:30+00:00", tick=False)
    for _ in range(3):
        assert owner.get("/account").status_code == 200
    assert updates == []
    time_machine.move_to("2030-01-01 12:01:01+00:00", tick=False)
    owner.get("/account")
    owner.get("/account")
    assert len(updates) == 1
    with app.app_context():
        seen = db.session.scalar(select(UserSession.last_seen_at))
    assert seen.isoformat() == "2030-01-01T12:01:01"


@pytest.mark.both_databases
def test_an_idle_session_expires_and_purge_clears_it(app, member, runner, time_machine):
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    idle, busy = browser(app), browser(app)
    sign_in(idle, member)
    sign_in(busy, member)
    for day in range(2, 16):
        time_machine.move_to(f"2030-01-{day:02d} 12:00:00+00:00", tick=False)
        assert busy.get("/account").status_code == 200
    time_machine.move_to("2030-01-15 12:00:01+00:00", tick=False)
    page = busy.get("/account").text
    assert page.count('data-session="') == 1  # the idle one is no longer listed
    assert "Deleted 1 idle session(s).\n" in runner.invoke(args=["accounts", "purge"]).output
    assert idle.get("/account").status_code == 302
    assert busy.get("/account").status_code == 200


def test_signing_in_again_ends_the_browsers_previous_session(app, member):
    owner = browser(app)
    sign_in(owner, member)
    again = submit(owner, "/login", {"email": member, "password": PASSWORD}, form_url="/signup")
    assert again.status_code == 302
    assert session_count(app, member) == 1


@pytest.mark.both_databases
def test_deleting_the_account_deletes_its_sessions(app, member):
    owner, other = browser(app), browser(app)
    sign_in(owner, member)
    sign_in(other, member)
    submit(owner, "/account/delete", {"password": PASSWORD}, form_url="/account")
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert other.get("/account").status_code == 302


@pytest.mark.parametrize(
    ("address", "place"),
    [
        ("203.0.113.7", "203.0.113.x"),
        ("::ffff:198.51.100.20", "198.51.100.x"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("not an address", ""),
        (None, ""),
    ],
)
def test_approximate_place_keeps_only_the_network(address, place):
    assert sessions.approximate_place(address) == place


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (FIREFOX_WINDOWS, ("Firefox", "Windows")),
        (SAFARI_IPHONE, ("Mobile Safari", "iOS")),
        ("curl/8.5.0", ("curl", "")),
        ("", ("", "")),
    ],
)
def test_user_agent_is_summarised_as_browser_and_system(user_agent, described):
    assert sessions.describe_user_agent(user_agent) == described


@pytest.mark.both_databases
def test_sign_ins_beyond_the_cap_end_the_least_recently_used_sessions(
    make_app, inbox, time_machine
):
    """60 sign-ins from one script left 61 rows (issue 19, item 14a): the account keeps at
    most SESSIONS_PER_ACCOUNT; the owner's session, in use, outlives the script's."""
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    app = make_app()
    from conftest import create_account

    create_account(app, inbox, "member@example.org")
    owner = browser(app, "203.0.113.5", FIREFOX_WINDOWS)
    sign_in(owner, "member@example.org")
    script = []
    for n in range(60):
        time_machine.move_to(f"2030-01-01 12:{n // 2 + 1:02d}:{n % 2 * 30:02d}+00:00", tick=False)
        if n % 10 == 0:
            assert owner.get("/account").status_code == 200  # the owner is using it
        client = browser(app, "198.51.100.7")
        assert sign_in(client, "member@example.org").status_code == 302
        script.append(client)
    assert app.config["SESSIONS_PER_ACCOUNT"] == 20
    assert session_count(app, "member@example.org") == 20
    page = owner.get("/account")
    assert page.status_code == 200 and page.text.count('data-session="') == 20
    # The script's oldest sessions ended; its 19 newest are the ones kept.
    alive = [client.get("/account").status_code for client in script]
    assert alive == [302] * 41 + [200] * 19


def test_the_session_cap_is_a_setting(make_app, inbox):
    app = make_app(SESSIONS_PER_ACCOUNT=2)
    from conftest import create_account

    create_account(app, inbox, "member@example.org")
    clients = [browser(app) for _ in range(3)]
    for client in clients:
        sign_in(client, "member@example.org")
    assert [client.get("/account").status_code for client in clients] == [302, 200, 200]


SIGN_OUT_ONE = re.compile(r'formaction="(/account/sessions/[0-9a-f]{32}/sign-out)"')


def sign_out_buttons(page_text):
    """The address each row's « End session » button posts to, in the order of the list."""
    return SIGN_OUT_ONE.findall(page_text)


@pytest.mark.both_databases
def test_ending_one_session_ends_that_one_only(app, member):
    owner = browser(app, "203.0.113.7", FIREFOX_WINDOWS)
    phone = browser(app, "203.0.113.8", SAFARI_IPHONE)
    attacker = browser(app, "198.51.100.9", "curl/8.5.0")
    sign_in(phone, member)
    sign_in(attacker, member)  # with a stolen password
    sign_in(owner, member)
    page = owner.get("/account").text
    rows = [row.split("</li>")[0] for row in page.split("<li data-session=")[1:]]
    # The current session has no such button; each other row has its own.
    assert rows[0].startswith('"current"') and "formaction" not in rows[0]
    assert all("formaction" in row for row in rows[1:]) and len(rows) == 3
    attacker_row = next(row for row in rows if "curl" in row)
    (target,) = sign_out_buttons(attacker_row)

    wrong = submit(owner, target, {"sessions_password": "not the password"}, form_url="/account")
    assert wrong.status_code == 422 and "Mot de passe incorrect." in wrong.text
    assert attacker.get("/account").status_code == 200  # nothing changed
    assert session_count(app, member) == 3

    done = submit(owner, target, {"sessions_password": PASSWORD}, form_url="/account")
    assert done.status_code == 302 and done.location == "/account#sessions"
    assert attacker.get("/account").status_code == 302  # signed out
    assert phone.get("/account").status_code == 200  # the others are kept
    page = owner.get("/account")
    assert page.status_code == 200 and "La session a été fermée." in page.text
    assert "curl" not in page.text and page.text.count('data-session="') == 2

    again = submit(owner, target, {"sessions_password": PASSWORD}, form_url="/account")
    assert again.status_code == 302
    assert "Cette session était déjà fermée." in owner.get("/account").text
    assert session_count(app, member) == 2


def test_ending_one_session_needs_the_csrf_token(app, member):
    owner, attacker = browser(app), browser(app, "198.51.100.9")
    sign_in(attacker, member)
    sign_in(owner, member)
    (target,) = sign_out_buttons(owner.get("/account").text)
    forged = owner.post(target, data={"sessions_password": PASSWORD})
    assert forged.status_code == 403
    assert attacker.get("/account").status_code == 200


def test_a_session_of_another_account_cannot_be_ended(app, member, inbox):
    from test_limit_causes import create_account

    create_account(app, inbox, "other@example.org")
    other, others_phone = browser(app), browser(app, "203.0.113.9")
    sign_in(others_phone, "other@example.org")
    sign_in(other, "other@example.org")
    (others_target,) = sign_out_buttons(other.get("/account").text)

    owner, owners_phone = browser(app), browser(app, "203.0.113.10")
    sign_in(owners_phone, member)
    sign_in(owner, member)
    done = submit(owner, others_target, {"sessions_password": PASSWORD}, form_url="/account")
    assert done.status_code == 302
    assert "Cette session était déjà fermée." in owner.get("/account").text
    assert others_phone.get("/account").status_code == 200
    assert owners_phone.get("/account").status_code == 200


def test_the_current_session_is_not_ended_by_its_reference(app, member):
    """No button is shown for it; a forged request for it changes nothing either."""
    owner = browser(app)
    sign_in(owner, member)
    with app.app_context():
        record = db.session.scalar(select(UserSession))
        own = f"/account/sessions/{sessions.reference(record)}/sign-out"
    done = submit(owner, own, {"sessions_password": PASSWORD}, form_url="/account")
    assert done.status_code == 302
    assert owner.get("/account").status_code == 200
    assert session_count(app, member) == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ending_one_session_speaks_the_readers_language(app, member, lang):
    from flask_babel import force_locale, gettext

    owner, other = browser(app), browser(app, "203.0.113.9")
    sign_in(other, member)
    owner.get(f"/language/{lang}")
    sign_in(owner, member)
    page = owner.get("/account").text
    with app.test_request_context(), force_locale(lang):
        button, done = gettext("End session"), gettext("That session has ended.")
    if lang != "en":
        assert button != "End session" and done != "That session has ended."
    assert button in page
    (target,) = sign_out_buttons(page)
    submit(owner, target, {"sessions_password": PASSWORD}, form_url="/account")
    assert done in owner.get("/account").text


def _plain(message) -> str:
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def test_the_notice_says_which_sessions_ended(app, member, inbox):
    """A reset ends every session, the browser's own too; a change keeps the one it was made
    from: the notice says which (the guide said "the other sessions" for both, issue 22)."""
    from conftest import link_in

    owner = browser(app)
    sign_in(owner, member)
    submit(
        owner,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        form_url="/account",
    )
    changed = _plain(inbox.last(member))
    assert "Toutes vos autres sessions ont été fermées." in changed
    assert "Toutes les sessions de votre compte" not in changed

    submit(owner, "/password/forgot", {"email": member})
    submit(owner, link_in(inbox.last(member), "/password/reset/"), {"password": PASSWORD + "x"})
    reset = _plain(inbox.last(member))
    assert "Toutes les sessions de votre compte ont été fermées." in reset
    assert "autres sessions" not in reset
    assert session_count(app, member) == 0
