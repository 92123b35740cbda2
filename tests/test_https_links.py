"""The links mailed (activation, reset, sign-in) work behind HTTPS (security review, H1).

Their pages answer ``Referrer-Policy: no-referrer`` so that the token in their address
goes nowhere (issue 19, item 10); but over HTTPS Flask-WTF refuses a form sent without a
same-origin ``Referer`` (``WTF_CSRF_SSL_STRICT``), so each of their forms was refused: no
owner could activate, reset a password or use a sign-in link on a production site. Here the
app is served over TLS (a certificate made for the test), Chromium plays the owner and a
stranger, and the owner must end up activated, with the new password, signed in. The
``Referer`` check itself still refuses a form sent from another site.
"""

import datetime
import ipaddress
import re
import threading

import pytest
from conftest import PASSWORD, free_port, link_in

OWNER = "owner@example.org"
NEW_PASSWORD = "a brand new passphrase"
STRANGER_GUESS = "a stranger's guess"


def self_signed_certificate(directory):
    """A certificate for ``localhost`` and 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def https_site(help_site, tmp_path, smtp_server):
    """The app over TLS at ``https://localhost:<port>``, as production serves it (its
    ``PUBLIC_URL`` https, mail over SMTP to the test's server); yields its address."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from site_app import create_app
    from site_app.extensions import db

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    cert_file, key_file = self_signed_certificate(tmp_path)
    port = free_port()
    address = f"https://localhost:{port}"
    app = create_app(
        {
            "SECRET_KEY": "https-tests-secret-key-of-some-length",
            "PUBLIC_URL": address,
            "SESSION_COOKIE_SECURE": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'https.db'}",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "OUTBOX_DELIVERY": "inline",
            "HELP_SITE_DIR": str(help_site),
            "RATELIMIT_STORAGE_URI": "memory://",
            # One stranger's failure protects the account: the owner then gets a link.
            "LOGIN_FAILURES_PER_ACCOUNT": "1 per hour",
        }
    )
    assert app.config["WTF_CSRF_SSL_STRICT"]  # the Referer check stays on
    with app.app_context():
        db.create_all()
    server = make_server(
        "127.0.0.1",
        port,
        app,
        threaded=True,
        request_handler=QuietHandler,
        ssl_context=(str(cert_file), str(key_file)),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    smtp_server.clear()
    yield address, cert_file
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def person(browser):
    """``person()``: a browser of its own (cookies, history), trusting the test's certificate."""
    contexts = []

    def open_browser():
        context = browser.new_context(ignore_https_errors=True, locale="fr")
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield open_browser
    for context in contexts:
        context.close()


def send(page, form="main form"):
    """Press the form's button and wait for the page it leads to; return that page's path."""
    with page.expect_navigation():
        page.locator(f"{form} button[type='submit']").click()
    return re.sub(r"^https://[^/]+", "", page.url)


def refusal(page) -> str:
    """The reference of the error page shown, if any (``E403-CSRF`` …), for messages."""
    found = page.locator("[data-reference]")
    return found.first.get_attribute("data-reference") if found.count() else page.title()


def sign_in(page, site, email, password):
    page.goto(f"{site}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    return send(page, "form[action$='/login']")


def test_the_owner_activates_resets_and_uses_a_sign_in_link_over_https(
    https_site, person, smtp_server
):
    site, _ = https_site
    inbox = smtp_server

    # Activation, in the browser that signed up.
    owner = person()
    owner.goto(f"{site}/signup")
    owner.fill("#email", OWNER)
    owner.fill("#password", PASSWORD)
    assert send(owner, "form[action$='/signup']") == "/check-your-mail/signup"
    owner.goto(site + link_in(inbox.last(OWNER), "/activate/"))
    assert send(owner) == "/account", refusal(owner)
    assert OWNER in owner.content()

    # A new password, from another device of the owner's.
    device = person()
    device.goto(f"{site}/password/forgot")
    device.fill("#email", OWNER)
    assert send(device) == "/check-your-mail/reset"
    device.goto(site + link_in(inbox.last(OWNER), "/password/reset/"))
    device.fill("#password", NEW_PASSWORD)
    assert send(device) == "/login", refusal(device)
    assert sign_in(device, site, OWNER, NEW_PASSWORD) == "/account"

    # A stranger's guess protects the account; the owner, on a third browser, gets a link.
    stranger = person()
    assert sign_in(stranger, site, OWNER, STRANGER_GUESS) == "/login"
    inbox.clear()
    third = person()
    sign_in(third, site, OWNER, NEW_PASSWORD)
    assert third.locator('[data-reference="B3"]').count() == 1
    third.goto(site + link_in(inbox.last(OWNER), "/login/link/"))
    assert send(third) == "/account", refusal(third)
    assert OWNER in third.content()

    # What the stranger has: no session.
    stranger.goto(f"{site}/account")
    assert stranger.url.endswith("/login?next=%2Faccount")


def test_a_form_sent_from_another_site_is_still_refused_over_https(https_site, smtp_server):
    """The owner's reset page, sent with a foreign ``Referer`` or none (another site's form
    in the owner's browser): refused (403), the password unchanged."""
    import requests

    site, cert_file = https_site
    owner = requests.Session()
    owner.verify, owner.trust_env = str(cert_file), False  # no proxy, no other CA bundle
    page = owner.get(f"{site}/signup")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    owner.post(
        f"{site}/signup",
        data={"csrf_token": token, "email": OWNER, "password": PASSWORD},
        headers={"Referer": f"{site}/signup"},
    )
    link = site + link_in(smtp_server.last(OWNER), "/activate/")
    form = owner.get(link)
    assert form.status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text).group(1)
    for headers in ({"Referer": "https://evil.example/activate"}, {}):
        refused = owner.post(form.url, data={"csrf_token": token}, headers=headers)
        assert refused.status_code == 403, headers
        assert "E403-CSRF" in refused.text
    assert owner.get(f"{site}/account", allow_redirects=False).status_code == 302
    accepted = owner.post(form.url, data={"csrf_token": token}, headers={"Referer": form.url})
    assert accepted.url == f"{site}/account"
