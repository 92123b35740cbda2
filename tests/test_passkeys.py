"""Passkeys (issue 24, part 3): added on the account page, used to sign in.

The browser's side is played by a software authenticator written here: an EC P-256 key
per credential, attestation "none", assertions over authenticatorData and the hash of
clientDataJSON signed with ECDSA-SHA256, as a platform authenticator does. The app checks
them with py_webauthn. The attacker and the owner are separate people (their own
browsers, networks and, where it matters, their own authenticators).
"""

import base64
import hashlib
import json
import os
import re
from pathlib import Path

import cbor2
import pytest
from conftest import (
    OWNER,
    PASSWORD,
    create_account,
    csrf_token,
    person,
    reference,
    sign_in,
)
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import Passkey, User, UserSession

ORIGIN = "http://localhost"  # the tests' PUBLIC_URL
ATTACKER = "mallory@example.org"
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """A platform authenticator in software: discoverable credentials, user verified.

    ``counts``: whether it keeps a signature counter (synced passkeys keep none: 0).
    """

    def __init__(self, origin: str = ORIGIN, counts: bool = True):
        self.origin, self.counts = origin, counts
        self.credentials = {}  # id → {key, rp_id, user_handle, count}

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict) -> dict:
        """``navigator.credentials.create()`` for the app's options (attestation "none")."""
        assert options["authenticatorSelection"]["residentKey"] == "required"
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        credential_id = os.urandom(32)
        excluded = {unb64u(c["id"]) for c in options.get("excludeCredentials", [])}
        assert not excluded & set(self.credentials), "InvalidStateError: already registered"
        rp_id = options["rp"]["id"]
        self.credentials[credential_id] = {
            "key": key,
            "rp_id": rp_id,
            "user_handle": unb64u(options["user"]["id"]),
            "count": 0,
        }
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([0x01 | 0x04 | 0x40])  # user present, user verified, attested data
            + (0).to_bytes(4, "big")
            + bytes(16)  # AAGUID
            + len(credential_id).to_bytes(2, "big")
            + credential_id
            + cose_key
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return {
            "id": b64u(credential_id),
            "rawId": b64u(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64u(client_data),
                "attestationObject": b64u(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(self, options: dict, credential_id: bytes | None = None, count: int | None = None):
        """``navigator.credentials.get()``: the (only, or given) credential for the RP."""
        if credential_id is None:
            found = [i for i, c in self.credentials.items() if c["rp_id"] == options["rpId"]]
            assert len(found) == 1, found
            credential_id = found[0]
        credential = self.credentials[credential_id]
        if count is None:
            count = credential["count"] + 1 if self.counts else 0
        credential["count"] = count
        auth_data = (
            hashlib.sha256(credential["rp_id"].encode()).digest()
            + bytes([0x01 | 0x04])
            + count.to_bytes(4, "big")
        )
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = credential["key"].sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64u(credential_id),
            "rawId": b64u(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64u(client_data),
                "authenticatorData": b64u(auth_data),
                "signature": b64u(signature),
                "userHandle": b64u(credential["user_handle"]),
            },
            "clientExtensionResults": {},
        }


# --- The page's side (static/js/passkeys.js), as plain requests ---------------------------------


def post_json(client, url, body, token_from="/signup"):
    """POST ``body`` as JSON with the CSRF token of a page, as passkeys.js does."""
    token = csrf_token(client, token_from)
    return client.post(
        url,
        json=body,
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )


def add_passkey(client, authenticator, password=PASSWORD, name="Mon téléphone"):
    """The account page's add button: password, options, the authenticator, the answer."""
    options = post_json(
        client, "/account/passkeys/options", {"password": password, "name": name}, "/account"
    )
    if options.status_code != 200:
        return options
    credential = authenticator.create(options.get_json())
    return post_json(client, "/account/passkeys", {"credential": credential}, "/account")


def passkey_sign_in(client, authenticator, **get_options):
    """/login's passkey button: options, the authenticator, the answer."""
    options = post_json(client, "/passkeys/sign-in/options", {})
    assert options.status_code == 200, options.get_data(as_text=True)
    credential = authenticator.get(options.get_json(), **get_options)
    return post_json(client, "/passkeys/sign-in", {"credential": credential, "next": "/account"})


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def sessions_of(app, address):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == address))
        return count(app, UserSession, UserSession.user_id == user.id)


def passkeys_of(app, address):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == address))
        return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user.id)))


def signed_in(app, address=OWNER, ip="127.0.0.1"):
    browser = person(app, ip)
    assert sign_in(browser, address).status_code == 302
    return browser


@pytest.fixture
def owner(app, inbox):
    """The owner's account, and their browser signed in to it."""
    create_account(app, inbox)
    return signed_in(app, OWNER, "203.0.113.10")


# --- Adding one ----------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_adding_a_passkey_needs_the_password(app, owner, inbox):
    authenticator = SoftAuthenticator()
    wrong = add_passkey(owner, authenticator, password="not my password")
    assert wrong.status_code == 422
    assert wrong.get_json()["message"] == "Mot de passe incorrect."
    assert passkeys_of(app, OWNER) == [] and inbox.to(OWNER) == []

    added = add_passkey(owner, authenticator)
    assert added.status_code == 200, added.get_data(as_text=True)
    assert added.get_json()["redirect"] == "/account#passkeys"
    [passkey] = passkeys_of(app, OWNER)
    assert passkey.name == "Mon téléphone" and passkey.transports == "internal"
    assert passkey.sign_count == 0 and passkey.last_used_at is None
    # The user handle is random, neither the id nor the address.
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == OWNER))
        handle = unb64u(user.passkey_handle)
    assert len(handle) == 32 and OWNER.encode() not in handle
    assert str(user.id).encode() != handle
    # The owner is told, in their language, with the way out.
    [notice] = inbox.to(OWNER)
    assert notice["Subject"] == "Une clé d'accès a été ajoutée à votre compte"
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "Mon téléphone" in text and "/account#passkeys" in text and "/password/forgot" in text
    # The same authenticator is not registered twice: its credential is excluded.
    options = post_json(
        owner, "/account/passkeys/options", {"password": PASSWORD, "name": ""}, "/account"
    )
    assert [c["id"] for c in options.get_json()["excludeCredentials"]] == [
        b64u(passkey.credential_id)
    ]


SUBJECTS = {
    "fr": "Une clé d'accès a été ajoutée à votre compte",
    "en": "A passkey was added to your account",
    "ar": "أُضيف مفتاح مرور إلى حسابك",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_notice_is_in_the_accounts_language(app, inbox, lang):
    create_account(app, inbox, locale=lang)
    browser = person(app, user_agent=FIREFOX_WINDOWS)
    assert sign_in(browser, OWNER).status_code == 302
    with app.app_context():  # signing in from a French browser set it to fr
        db.session.execute(db.update(User).values(locale=lang))
        db.session.commit()
    assert add_passkey(browser, SoftAuthenticator(), name="").status_code == 200
    [notice] = inbox.to(OWNER)
    assert notice["Subject"] == SUBJECTS[lang]
    # Named after the browser when no name is typed, in the page's language.
    assert passkeys_of(app, OWNER)[0].name == "Firefox sur Windows"


def test_a_name_too_long_is_refused_before_the_password_is_read(app, owner):
    answer = post_json(
        owner, "/account/passkeys/options", {"password": "wrong", "name": "x" * 61}, "/account"
    )
    assert answer.status_code == 422 and answer.get_json()["error"] == "name"
    # Nothing was counted: five wrong passwords still go before the B2 block.
    for _ in range(4):
        assert add_passkey(owner, SoftAuthenticator(), password="wrong").status_code == 422
    assert add_passkey(owner, SoftAuthenticator()).status_code == 200


@pytest.mark.both_databases
def test_a_stolen_cookie_without_the_password_adds_no_passkey(app, owner, inbox):
    attacker = person(app, "198.51.100.9")
    attacker.set_cookie("session", owner.get_cookie("session").value, domain="localhost")
    assert attacker.get("/account").status_code == 200  # the cookie works …
    authenticator = SoftAuthenticator()
    for guess in ("123456", "password", ""):
        assert add_passkey(attacker, authenticator, password=guess).status_code == 422
    # … and an answer made up without options is refused: no challenge was given.
    fake = authenticator.create(
        {
            "rp": {"id": "localhost"},
            "user": {"id": b64u(os.urandom(32))},
            "challenge": b64u(os.urandom(32)),
            "authenticatorSelection": {"residentKey": "required"},
        }
    )
    forged = post_json(attacker, "/account/passkeys", {"credential": fake}, "/account")
    assert forged.status_code == 410 and forged.get_json()["error"] == "expired"
    # Without the CSRF token nothing is read at all.
    assert attacker.post("/account/passkeys", json={"credential": fake}).status_code == 403
    assert passkeys_of(app, OWNER) == [] and inbox.to(OWNER) == []


def test_the_registration_challenge_works_once(app, owner):
    authenticator = SoftAuthenticator()
    options = post_json(
        owner, "/account/passkeys/options", {"password": PASSWORD, "name": "A"}, "/account"
    ).get_json()
    kept_cookie = owner.get_cookie("session").value  # the session holding the challenge
    credential = authenticator.create(options)
    assert (
        post_json(owner, "/account/passkeys", {"credential": credential}, "/account").status_code
        == 200
    )
    # The same answer again, even with the cookie that still held the challenge: refused.
    owner.set_cookie("session", kept_cookie, domain="localhost")
    again = post_json(owner, "/account/passkeys", {"credential": credential}, "/account")
    assert again.status_code == 410
    assert len(passkeys_of(app, OWNER)) == 1


# --- Signing in with one -----------------------------------------------------------------------


@pytest.mark.both_databases
def test_a_passkey_signs_in_like_a_password(app, owner):
    authenticator = SoftAuthenticator()
    assert add_passkey(owner, authenticator).status_code == 200
    before = sessions_of(app, OWNER)

    visitor = person(app, "203.0.113.77")  # the owner on another computer: no address typed
    answer = passkey_sign_in(visitor, authenticator)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["redirect"] == "/account"
    # The same session start as a password's: a session row, the known browser, the page.
    assert sessions_of(app, OWNER) == before + 1
    assert visitor.get_cookie("known_browser") is not None
    page = visitor.get("/account")
    assert page.status_code == 200 and OWNER in page.text
    assert "Dernière connexion" in page.text and "—</dd>" not in page.text.split("Langue")[0]
    [passkey] = passkeys_of(app, OWNER)
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    # The account page names the passkey and when it was last used.
    assert "Mon téléphone" in page.text


def test_a_passkey_without_a_counter_signs_in_again_and_again(app, owner):
    authenticator = SoftAuthenticator(counts=False)  # a synced passkey: counter always 0
    add_passkey(owner, authenticator)
    for _ in range(2):
        assert passkey_sign_in(person(app, "203.0.113.78"), authenticator).status_code == 200


@pytest.mark.both_databases
def test_a_counter_that_goes_back_is_refused(app, owner):
    authenticator = SoftAuthenticator()
    add_passkey(owner, authenticator)
    assert passkey_sign_in(person(app), authenticator, count=5).status_code == 200
    before = sessions_of(app, OWNER)
    for stale in (5, 3):  # a copy of the key, a step behind
        clone = person(app, "198.51.100.20")
        answer = passkey_sign_in(clone, authenticator, count=stale)
        assert answer.status_code == 400 and answer.get_json()["error"] == "counter"
        assert "copiée" in answer.get_json()["message"]
        assert clone.get("/account").status_code == 302
    assert sessions_of(app, OWNER) == before
    assert passkeys_of(app, OWNER)[0].sign_count == 5


def test_an_answer_works_once(app, owner):
    authenticator = SoftAuthenticator(counts=False)
    add_passkey(owner, authenticator)
    visitor = person(app, "203.0.113.79")
    options = post_json(visitor, "/passkeys/sign-in/options", {}).get_json()
    kept_cookie = visitor.get_cookie("session").value
    credential = authenticator.get(options)
    assert post_json(visitor, "/passkeys/sign-in", {"credential": credential}).status_code == 200
    replay = person(app, "198.51.100.21")  # a copy of the request and of its cookie
    replay.set_cookie("session", kept_cookie, domain="localhost")
    answer = post_json(replay, "/passkeys/sign-in", {"credential": credential})
    assert answer.status_code == 410 and replay.get("/account").status_code == 302


@pytest.mark.both_databases
def test_a_credential_signs_in_to_its_own_account_only(app, owner, inbox):
    owners_key = SoftAuthenticator()
    add_passkey(owner, owners_key)
    create_account(app, inbox, ATTACKER)
    attackers_key = SoftAuthenticator()
    add_passkey(signed_in(app, ATTACKER, "198.51.100.9"), attackers_key)
    with app.app_context():
        owners_handle = db.session.scalar(select(User.passkey_handle).where(User.email == OWNER))

    # The attacker's own passkey, claiming the owner's user handle: refused.
    [attackers_id] = attackers_key.credentials
    attackers_key.credentials[attackers_id]["user_handle"] = unb64u(owners_handle)
    attacker = person(app, "198.51.100.9")
    answer = passkey_sign_in(attacker, attackers_key)
    assert answer.status_code == 400 and answer.get_json()["error"] == "unknown"

    # The owner's credential id, signed with the attacker's key: refused.
    [owners_id] = owners_key.credentials
    attackers_key.credentials[owners_id] = {
        **attackers_key.credentials[attackers_id],
        "user_handle": unb64u(owners_handle),
    }
    answer = passkey_sign_in(attacker, attackers_key, credential_id=owners_id)
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid"
    assert attacker.get("/account").status_code == 302
    # Their own passkey still signs them in to their own account, not the owner's.
    attackers_key.credentials[attackers_id]["user_handle"] = b""
    with app.app_context():
        handle = db.session.scalar(select(User.passkey_handle).where(User.email == ATTACKER))
    attackers_key.credentials[attackers_id]["user_handle"] = unb64u(handle)
    assert passkey_sign_in(attacker, attackers_key, credential_id=attackers_id).status_code == 200
    page = attacker.get("/account").text
    assert ATTACKER in page and OWNER not in page


def test_an_answer_for_another_site_is_refused(app, owner):
    authenticator = SoftAuthenticator()
    add_passkey(owner, authenticator)
    authenticator.origin = "http://evil.example"  # a phishing page relaying the challenge
    answer = passkey_sign_in(person(app), authenticator)
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid"


@pytest.mark.both_databases
def test_a_removed_passkey_no_longer_signs_in(app, owner):
    authenticator = SoftAuthenticator()
    add_passkey(owner, authenticator)
    [passkey] = passkeys_of(app, OWNER)
    # Someone else cannot remove it (the reference is the owner's passkey's, not theirs).
    create_account(app, None, ATTACKER)
    attacker = signed_in(app, ATTACKER, "198.51.100.9")
    url = f"/account/passkeys/{passkey.reference}/remove"
    token = csrf_token(attacker, "/account")
    assert attacker.post(url, data={"csrf_token": token}).status_code == 302
    assert len(passkeys_of(app, OWNER)) == 1
    # Without the CSRF token: refused.
    assert owner.post(url).status_code in (400, 403)
    assert len(passkeys_of(app, OWNER)) == 1
    # The owner removes it.
    token = csrf_token(owner, "/account")
    removed = owner.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert removed.status_code == 200 and "ne permet plus de se connecter" in removed.text
    assert passkeys_of(app, OWNER) == []
    answer = passkey_sign_in(person(app, "203.0.113.80"), authenticator)
    assert answer.status_code == 400 and answer.get_json()["error"] == "unknown"


# --- Never blocked by password limits (B2, B3) -------------------------------------------------


@pytest.mark.both_databases
def test_a_protected_account_still_signs_in_with_a_passkey(make_app, inbox):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT="3 per hour")
    create_account(app, inbox)
    authenticator = SoftAuthenticator()
    add_passkey(signed_in(app, OWNER, "203.0.113.10"), authenticator)
    for n in range(4):  # strangers spend the account's limit: B3
        sign_in(person(app, f"10.9.{n}.1"), OWNER, f"guess {n}")
    owner = person(app, "203.0.113.90")
    blocked = sign_in(owner, OWNER)
    assert blocked.status_code == 429 and reference(blocked) == "B3"
    assert 'data-passkey-action="sign-in"' in blocked.text  # the way in that is not blocked
    answer = passkey_sign_in(owner, authenticator)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert OWNER in owner.get("/account").text


def test_a_blocked_network_still_signs_in_with_a_passkey(app, inbox):
    create_account(app, inbox)
    authenticator = SoftAuthenticator()
    add_passkey(signed_in(app, OWNER, "203.0.113.10"), authenticator)
    shared = person(app, "192.0.2.44")  # a network whose failures reached B2
    for n in range(5):
        sign_in(shared, OWNER, f"typo {n}")
    blocked = sign_in(shared, OWNER)
    assert blocked.status_code == 429 and reference(blocked) == "B2"
    assert 'data-passkey-action="sign-in"' in blocked.text
    assert passkey_sign_in(shared, authenticator).status_code == 200
    # And a passkey sign-in gives no password attempt back, nor takes one.
    assert sign_in(person(app, "192.0.2.44"), OWNER).status_code == 429


def test_the_passkey_endpoints_are_limited_per_network(make_app, inbox):
    app = make_app(PASSKEYS_PER_IP="3 per 5 minutes")
    visitor = person(app, "192.0.2.50")
    for _ in range(3):
        assert post_json(visitor, "/passkeys/sign-in/options", {}).status_code == 200
    limited = post_json(visitor, "/passkeys/sign-in/options", {})
    assert limited.status_code == 429 and limited.get_json()["reference"] == "E429"
    assert post_json(person(app, "192.0.2.51"), "/passkeys/sign-in/options", {}).status_code == 200


# --- Refusals lead to help -----------------------------------------------------------------


def assert_leads_to_the_passkey_section(client, link, lang):
    """``link`` is the guide's passkey section in ``lang``: its page, its heading."""
    path, _, anchor = link.partition("#")
    assert anchor == "passkeys"
    assert path.startswith("/help/" if lang == LANGUAGES[0] else f"/help/{lang}/"), link
    with client.get(path) as page:  # a file of the built guide: closed after reading
        assert page.status_code == 200, path
        text = page.text
    assert f'<html lang="{lang}"' in text and 'id="passkeys"' in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_refusal_leads_to_the_passkey_section_in_the_page_language(app, inbox, lang):
    """Whatever stops a passkey, the page's message is followed by the guide's passkey
    section, in the language the person reads the site in."""
    create_account(app, inbox)
    owner = signed_in(app, OWNER, "203.0.113.10")
    visitor = person(app, "192.0.2.60")
    for client in (owner, visitor):
        client.get(f"/language/{lang}")
    refusals = {
        "password": post_json(
            owner, "/account/passkeys/options", {"password": "not-it", "name": "x"}, "/account"
        ),
        "expired": post_json(visitor, "/passkeys/sign-in", {"credential": {}}),
    }
    # A passkey the browser made but the site never kept (removed, or never added).
    unknown = SoftAuthenticator()
    options = post_json(owner, "/account/passkeys/options", {"password": PASSWORD}, "/account")
    unknown.create(options.get_json())
    refusals["unknown"] = passkey_sign_in(visitor, unknown)
    for reason, answer in refusals.items():
        body = answer.get_json()
        assert body["error"] == reason and body["message"], body
        assert_leads_to_the_passkey_section(visitor, body["help_url"], lang)


# --- Where passkeys are offered --------------------------------------------------------------


def test_no_passkey_on_an_ip_address(make_app, inbox):
    """WebAuthn refuses IP addresses as relying party ids: on 127.0.0.1 nothing is offered
    (the page's buttons stay hidden, passkeys.js reads data-passkey-rp), on localhost all."""
    app = make_app(PUBLIC_URL=None)

    def ask_options(base_url):
        visitor = app.test_client()
        page = visitor.get("/login", base_url=base_url)
        assert 'data-passkey-rp="localhost"' in page.text
        assert 'autocomplete="username webauthn"' in page.text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)[1]
        headers = {"X-CSRFToken": token, "Accept": "application/json"}
        return visitor.post("/passkeys/sign-in/options", headers=headers, base_url=base_url)

    answer = ask_options("http://127.0.0.1:5000")
    assert answer.status_code == 400 and answer.get_json()["error"] == "unavailable"
    assert "adresse IP" in answer.get_json()["message"]
    assert answer.get_json()["help_url"] == "/help/account/#passkeys"
    answer = ask_options("http://localhost:5000")
    assert answer.status_code == 200 and answer.get_json()["rpId"] == "localhost"


def test_the_readme_lists_every_address(app):
    """The README's table of addresses names every route of the app (issue 24: "their
    addresses are in the README's table")."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Addresses", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`(/[^`]*)`", section))
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule)
        path = path.replace("<filename>", "<path>").replace("<mail_id>", "<id>")
        assert path in listed, f"README's addresses table lacks {path}"
