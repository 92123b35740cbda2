"""Sign-in, sign-out, password reset and the account page."""

import re

import pytest
from conftest import PASSWORD, PRODUCTION_HASHING, link_in, sign_in, submit
from sqlalchemy import select

from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import User

NEW_PASSWORD = "a brand new passphrase"


def test_sign_in_opens_the_account_page(client, member):
    answer = sign_in(client, member)
    assert answer.status_code == 302 and answer.location == "/account"
    assert member in client.get("/account").text


B1_PAGE = {
    # French: a narrow no-break space before « ? » (site_app/typography.py).
    "fr": ("Adresse e-mail ou mot de passe incorrect.", "Mot de passe oublié\u202f?"),
    "en": ("Incorrect email address or password.", "Forgot your password?"),
    "ar": ("عنوان البريد الإلكتروني أو كلمة المرور غير صحيحة.", "نسيت كلمة المرور؟"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_wrong_password_and_unknown_address_look_alike(client, member, lang):
    message, forgot = B1_PAGE[lang]
    client.get(f"/language/{lang}")
    wrong = sign_in(client, member, "not the password")
    unknown = sign_in(client, "stranger@example.org", "not the password")
    for answer in (wrong, unknown):
        assert answer.status_code == 422
        assert message in answer.text and forgot in answer.text
        assert (
            f"/help/{'en/' if lang == 'en' else ''}" in answer.text
            and "#wrong-password" in answer.text
        )
    assert client.get("/account").status_code == 302


def comparable(answer) -> str:
    """A sign-in answer's page without what differs by nature: the CSRF token, the typed
    address."""
    page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", answer.text)
    return re.sub(r"[\w.+-]+(@|%40)example\.org", "<typed address>", page)


def cookie_names(answer) -> list[str]:
    return sorted(value.split("=", 1)[0] for value in answer.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_pending_account_answers_like_a_wrong_password(make_app, inbox, lang):
    """A stranger who types a pending address with its password learns nothing.

    "Your account is not activated yet" told anyone which addresses wait for activation,
    and whether a guessed password was theirs (the start of a pre-hijacking race). The
    right password of a pending account, a wrong one and an unknown address now get the
    same page, status and cookies, and cost the stranger's network the same; the owner's
    way forward is a new activation mail, in the owner's mailbox.
    """
    app = make_app(LOGIN_FAILURES_PER_IP="2 per hour")
    message, _ = B1_PAGE[lang]
    owner = app.test_client()
    submit(owner, "/signup", {"email": "waiting@example.org", "password": PASSWORD})
    inbox.clear()

    answers, statuses = {}, {}
    tries = {
        "pending, right password": ("waiting@example.org", PASSWORD, "10.7.0.1"),
        "pending, wrong password": ("waiting@example.org", "not the password", "10.7.0.2"),
        "unknown address": ("nobody@example.org", PASSWORD, "10.7.0.3"),
    }
    for kind, (address, password, network) in tries.items():
        stranger = app.test_client()
        stranger.environ_base["REMOTE_ADDR"] = network
        stranger.get(f"/language/{lang}")
        answers[kind] = sign_in(stranger, address, password)
        statuses[kind] = [sign_in(stranger, address, password).status_code for _ in range(2)]
    first = answers["unknown address"]
    for kind, answer in answers.items():
        assert answer.status_code == 422, kind
        assert message in answer.text and 'data-error="wrong-password"' in answer.text, kind
        assert "activation-needed" not in answer.text and "/activation/resend" not in answer.text
        assert comparable(answer) == comparable(first), kind
        assert sorted(answer.headers.keys()) == sorted(first.headers.keys()), kind
        assert cookie_names(answer) == cookie_names(first), kind
        # Counted as a failure each time: the network's limit (2) is spent alike.
        assert statuses[kind] == [422, 429], kind

    # The owner's mailbox: a new activation mail for each B1 answer to the right password
    # (the third attempt was refused before any check), none for the others; its link
    # activates the account from the owner's browser with one click.
    mails = inbox.to("waiting@example.org")
    assert len(mails) == 2 and inbox.messages == mails
    assert submit(owner, link_in(mails[0], "/activate/"), {}).location == "/account"


def test_the_typed_address_stays_out_of_every_address(make_app, inbox):
    """The owner mistypes the password and follows "Forgot your password?": the form has
    their address, and no URL carries it (``/password/forgot?email=…`` went into access
    logs and browser history). A stranger's browser gets an empty form, even when a link
    names an address."""
    app = make_app()
    owner, stranger = app.test_client(), app.test_client()
    answer = sign_in(owner, "owner@example.org", "not the password")
    assert answer.status_code == 422
    targets = re.findall(r'(?:href|action)="([^"]*)"', answer.text)
    assert "/password/forgot" in targets
    assert not [t for t in targets if "example.org" in t and not t.startswith("mailto:")]
    assert 'value="owner@example.org"' in owner.get("/password/forgot").text
    assert "owner@example.org" not in stranger.get("/password/forgot").text
    named = stranger.get("/password/forgot?email=victim%40example.org")
    assert "victim@example.org" not in named.text


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "http:/evil.example",
        "/\r\nLocation: //evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_only_leads_to_this_site(client, member, target):
    page = client.get("/login", query_string={"next": target}).text
    answer = submit(
        client, "/login", {"email": member, "password": PASSWORD, "next": target}, form_url="/login"
    )
    assert answer.status_code == 302
    assert answer.location == "/account"
    assert "evil" not in page.split('name="next"')[1][:80]


def test_next_to_a_page_of_this_site_is_followed(client, member):
    answer = submit(
        client, "/login", {"email": member, "password": PASSWORD, "next": "/account?tab=1"}
    )
    assert answer.location == "/account?tab=1"


def test_sign_in_starts_a_new_session(client, member, app):
    client.get("/")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, member)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_is_post_only(client, member):
    sign_in(client, member)
    assert client.get("/logout").status_code == 405
    submit(client, "/logout", {}, form_url="/account")
    assert client.get("/account").status_code == 302


RESET_SUBJECTS = {
    "fr": ("Réinitialisation de votre mot de passe", "Votre mot de passe a été modifié"),
    "en": ("Reset your password", "Your password has been changed"),
    "ar": ("إعادة تعيين كلمة المرور", "تم تغيير كلمة المرور"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_password_reset_end_to_end(app, client, member, inbox, lang):
    other_device = app.test_client()
    sign_in(other_device, member)
    assert other_device.get("/account").status_code == 200

    client.get(f"/language/{lang}")
    answer = submit(client, "/password/forgot", {"email": member})
    assert answer.status_code == 302 and "/check-your-mail/reset" in answer.location
    mail = inbox.last(member)
    assert mail["Subject"] == RESET_SUBJECTS[lang][0]
    link = link_in(mail, "/password/reset/")

    done = submit(client, link, {"password": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/login"
    notice = inbox.last(member)
    assert notice["Subject"] == RESET_SUBJECTS[lang][1]

    # The link is dead, the other session is signed out, the old password is refused.
    assert client.get(link).status_code == 410
    assert other_device.get("/account").status_code == 302
    assert sign_in(client, member).status_code == 422
    assert sign_in(client, member, NEW_PASSWORD).location == "/account"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_newer_reset_link_retires_the_older_ones(app, client, member, inbox, lang):
    replaced_title = {
        "fr": "Un lien plus récent a remplacé celui-ci",
        "en": "A newer link has replaced this one",
        "ar": "حلّ محلّ هذا الرابط رابطٌ أحدث",
    }[lang]
    client.get(f"/language/{lang}")
    submit(client, "/password/forgot", {"email": member})
    first = link_in(inbox.last(member), "/password/reset/")
    submit(app.test_client(), "/password/forgot", {"email": member})  # anyone may ask
    second = link_in(inbox.last(member), "/password/reset/")
    assert first != second

    old = client.get(first)
    assert old.status_code == 410
    assert replaced_title in old.text
    match = re.search(r'href="([^"]+#link-used)"', old.text)
    assert match and match.group(1).startswith("/help/")
    posted = submit(client, first, {"password": NEW_PASSWORD}, form_url="/password/forgot")
    assert posted.status_code == 410
    assert sign_in(client, member).location == "/account"  # the old link changed nothing
    submit(client, "/logout", {}, form_url="/account")

    assert submit(client, second, {"password": NEW_PASSWORD}).location == "/login"
    assert sign_in(client, member, NEW_PASSWORD).location == "/account"
    used = client.get(second)
    assert used.status_code == 410 and replaced_title not in used.text


def test_reset_answers_the_same_for_unknown_addresses(client, inbox):
    answer = submit(client, "/password/forgot", {"email": "ghost@example.org"})
    assert answer.status_code == 302 and "/check-your-mail/reset" in answer.location
    assert inbox.messages == []


def test_reset_link_expires(client, member, inbox, time_machine):
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    submit(client, "/password/forgot", {"email": member})
    link = link_in(inbox.last(member), "/password/reset/")
    time_machine.move_to("2030-01-01 13:00:01+00:00", tick=False)
    assert client.get(link).status_code == 410


def test_reset_refuses_a_weak_password_and_changes_nothing(client, member, inbox, app):
    submit(client, "/password/forgot", {"email": member})
    link = link_in(inbox.last(member), "/password/reset/")
    answer = submit(client, link, {"password": "password1"})
    assert answer.status_code == 422
    assert "trop courant" in answer.text
    assert sign_in(client, member).location == "/account"


def test_account_page_shows_details(client, member):
    sign_in(client, member)
    page = client.get("/account").text
    for label in ("Adresse e-mail", "Date de création", "activation", "Langue", "Français"):
        assert label in page


def test_change_password_needs_the_current_one(app, client, member, inbox):
    sign_in(client, member)
    other_device = app.test_client()
    sign_in(other_device, member)
    refused = submit(
        client,
        "/account/password",
        {"current_password": "wrong", "new_password": NEW_PASSWORD},
        form_url="/account",
    )
    assert refused.status_code == 422 and "Mot de passe actuel incorrect." in refused.text
    changed = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        form_url="/account",
    )
    assert changed.status_code == 302
    assert client.get("/account").status_code == 200  # this session goes on
    assert other_device.get("/account").status_code == 302  # the others end
    assert inbox.last(member)["Subject"] == "Votre mot de passe a été modifié"


def test_delete_account_needs_the_password(app, client, member):
    sign_in(client, member)
    refused = submit(client, "/account/delete", {"password": "wrong"}, form_url="/account")
    assert refused.status_code == 422
    deleted = submit(client, "/account/delete", {"password": PASSWORD}, form_url="/account")
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == member)) is None
    assert sign_in(client, member).status_code == 422


def test_passwords_are_stored_with_owasps_argon2id_parameters_by_default(make_app, inbox):
    """The defaults of site_app/config.py (the other tests hash faster): 19 MiB, 2 passes."""
    app = make_app(**PRODUCTION_HASHING)
    client = app.test_client()
    submit(client, "/signup", {"email": "owasp@example.org", "password": PASSWORD})
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    unknown = app.test_client()
    assert sign_in(unknown, "nobody@example.org").status_code == 422
    from site_app.accounts.passwords import dummy_hash

    with app.app_context():  # an unknown address's check costs what a real one does
        assert dummy_hash().startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_password_hash_is_upgraded_when_parameters_change(make_app, inbox):
    app = make_app(ARGON2_TIME_COST=2)
    client = app.test_client()
    submit(client, "/signup", {"email": "old@example.org", "password": PASSWORD})
    submit(client, link_in(inbox.last("old@example.org"), "/activate/"), {})
    with app.app_context():
        before = db.session.scalar(select(User.password_hash))
    assert "t=2" in before
    app.config["ARGON2_TIME_COST"] = 3
    other = app.test_client()
    sign_in(other, "old@example.org")
    with app.app_context():
        after = db.session.scalar(select(User.password_hash))
    assert after.startswith("$argon2id$") and "t=3" in after


def test_cached_sign_in_page_gives_each_visitor_a_working_token(app, member):
    first, second = app.test_client(), app.test_client()
    pages = [client.get("/login").text for client in (first, second, first)]
    tokens = [
        re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', p).group(1) for p in pages
    ]
    assert tokens[0] != tokens[1]
    for client, token in ((second, tokens[1]), (first, tokens[2])):
        answer = client.post(
            "/login", data={"csrf_token": token, "email": member, "password": PASSWORD}
        )
        assert answer.status_code == 302 and answer.location == "/account"


def test_cached_sign_in_page_follows_language_and_messages(app, client, member):
    assert "Se connecter" in client.get("/login").text
    client.get("/language/en")
    assert '<html lang="en">' in client.get("/login").text
    sign_in(client, member)
    submit(client, "/logout", {}, form_url="/account")
    client.get("/")  # the "signed out" message is shown there, once
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this visitor only")]
    assert "A message for this visitor only" in client.get("/login").text
    assert "A message for this visitor only" not in client.get("/login").text


def test_cached_sign_in_page_follows_a_rebuilt_guide(make_app, help_site, tmp_path):
    import json
    import os
    import shutil

    site = tmp_path / "site"
    shutil.copytree(help_site, site)
    client = make_app(HELP_SITE_DIR=str(site)).test_client()
    assert "/help/moved/" not in client.get("/signup").text  # now cached
    topics = json.loads((site / "topics.json").read_text())
    topics["fr"]["password-rules"] = "moved/#password-rules"
    (site / "topics.json").write_text(json.dumps(topics))
    stat = (site / "topics.json").stat()
    os.utime(site / "topics.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert "/help/moved/#password-rules" in client.get("/signup").text


# --- Issue 13, point 8 ------------------------------------------------------------------------


def test_password_rules_follow_the_field_they_describe(client, member, inbox):
    """The rules sit under the new password's input, not above its label."""

    def assert_rules_after(page, field_id):
        label = page.index(f'<label for="{field_id}"')
        field = page.index(f'id="{field_id}"', label + 1)
        rules = page.index('id="password-rules"')
        assert label < field < rules, field_id
        # Nothing but the field (its error, its show button) between the input and the rules.
        assert "<label" not in page[field:rules]

    assert_rules_after(client.get("/signup").text, "password")
    submit(client, "/password/forgot", {"email": member})
    assert_rules_after(
        client.get(link_in(inbox.last(member), "/password/reset/"), follow_redirects=True).text,
        "password",
    )
    sign_in(client, member)
    assert_rules_after(client.get("/account").text, "new_password")


@pytest.mark.parametrize(
    ("lang", "label", "help_root"),
    [("fr", "Nouveau mot de passe", "/help/"), ("en", "New password", "/help/en/")],
)
def test_reset_page_names_its_field_and_links_to_help(
    client, member, inbox, lang, label, help_root
):
    client.get(f"/language/{lang}")
    submit(client, "/password/forgot", {"email": member})
    page = client.get(link_in(inbox.last(member), "/password/reset/"), follow_redirects=True).text
    assert re.search(rf'<label for="password">{label}</label>', page)
    assert f'href="{help_root}troubleshooting/#reset-password"' in page


def test_account_page_shows_the_previous_sign_in(client, member, time_machine):
    """« Dernière connexion » is the sign-in before this one: a stranger's would show."""
    time_machine.move_to("2030-03-10 09:00:00+00:00", tick=False)
    sign_in(client, member)
    first = client.get("/account").text
    assert re.search(r"<dt>Dernière connexion</dt><dd>—</dd>", first)  # none before
    submit(client, "/logout", {}, form_url="/account")

    time_machine.move_to("2030-04-22 18:00:00+00:00", tick=False)
    sign_in(client, member)
    shown = re.search(r"<dt>Dernière connexion</dt><dd>([^<]*)</dd>", client.get("/account").text)
    assert "10 mars 2030" in shown.group(1)
    assert "22 avr. 2030" not in shown.group(1)


@pytest.mark.parametrize(
    ("lang", "subject", "words"),
    [
        ("fr", "Votre compte a été supprimé", "à votre demande"),
        ("en", "Your account has been deleted", "as you asked"),
    ],
)
def test_deleting_the_account_sends_a_confirmation(client, member, inbox, lang, subject, words):
    sign_in(client, member)
    # The account's language (point 1, a form while signed in): its mails are written in it.
    submit(client, f"/language/{lang}?next=/account", {}, form_url="/account")
    submit(client, "/account/delete", {"password": "wrong"}, form_url="/account")
    assert inbox.to(member) == []  # a refused deletion sends nothing

    submit(client, "/account/delete", {"password": PASSWORD}, form_url="/account")

    mail = inbox.last(member)
    assert mail["Subject"] == subject
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert words in part and member in part
        assert "/signup" in part and "/help/go/delete-account" in part
