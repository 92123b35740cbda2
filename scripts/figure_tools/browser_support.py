"""A real browser on the real app: shared by ``scripts/screenshots.py`` and the browser tests.

The app runs in a thread on a loopback port (Werkzeug), with the development
mailbox instead of SMTP and the guide built by ``mkdocs build --strict``;
Debian's Chromium is driven by the plain sync Playwright API. The guide's steps
live here; the figures drawn from them are in ``figures.py``.
"""

import os
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from site_app import config as app_config

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: Every language of the app and the guide (site_app/config.py), the default first.
LANGUAGES = tuple(app_config.LANGUAGES)

#: Screenshots are taken at this instant (server clock and browser clock), so
#: the dates they show never change.
FROZEN_AT = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)
VIEWPORT = {"width": 1000, "height": 700}
DEVICE_SCALE_FACTOR = 2

EMAIL = "camille.martin@example.org"
PASSWORD = "Lanterne-verte-au-jardin"
NEW_PASSWORD = "Parapluie-jaune-sous-la-pluie"
WRONG_PASSWORD = "Ce-n-est-pas-le-bon"

#: The elements the guide's steps B1 and B2 point at.
STEP_SELECTORS = {"B1": '[data-error="wrong-password"]', "B2": '[data-reference="B2"]'}


# --- What the browser tests need --------------------------------------------------------------


def missing_browser() -> str | None:
    """Why a browser cannot be driven here, or None."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


def missing_axe() -> str | None:
    """Why axe-core cannot be injected, or None."""
    if not AXE_JS.is_file():
        return f"{AXE_JS.relative_to(ROOT)} is missing (npm ci --no-audit --no-fund)"
    return None


def build_help_site(site_dir: Path) -> Path:
    """Build the guide into ``site_dir`` with ``mkdocs build --strict`` (never ``-q``)."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError("mkdocs build failed:\n" + result.stdout + result.stderr)
    compress = [sys.executable, "-m", "whitenoise.compress", "-q", str(site_dir)]
    subprocess.run(compress, check=True, timeout=300)  # as `make docs` does
    return site_dir


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _quiet_handler():
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        """No access log: tests and the screenshot script print what matters."""

        def log_request(self, *args, **kwargs):
            pass

    return QuietHandler


class _AsHost:
    """WSGI wrapper: every request reaches the app as a request for ``host``."""

    def __init__(self, app, host: str):
        self.app, self.host = app, host

    def __call__(self, environ, start_response):
        environ["HTTP_HOST"] = self.host
        return self.app(environ, start_response)


class LiveApp:
    """The app served over HTTP from a thread, on a throw-away SQLite database."""

    def __init__(
        self,
        help_site: Path,
        workdir: Path,
        port: int | None = None,
        host: str | None = None,
        **config,
    ):
        """``host``: the ``Host`` the app sees, whatever the browser sent (e.g. the host of
        ``PUBLIC_URL``, so that an app serving only its public address answers)."""
        self.help_site = Path(help_site)
        self.workdir = Path(workdir)
        self.host = host
        self.port = port if port and _port_is_free(port) else _free_port()
        self.config = {
            "SECRET_KEY": "browser-tests-secret-key-long-enough-for-a-public-site",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.workdir / 'browser.db'}",
            "MAIL_SERVER": None,
            "DEV_MAILBOX": True,  # off by default: the live app opens it explicitly
            "OUTBOX_DELIVERY": "inline",
            "HELP_SITE_DIR": str(self.help_site),
            "RATELIMIT_STORAGE_URI": "memory://",
            **config,
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def named_url(self) -> str:
        """The same server at ``localhost``: a name, where WebAuthn works (it refuses IP
        addresses; the app's relying party is ``localhost`` when it has no ``PUBLIC_URL``)."""
        return f"http://localhost:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def __enter__(self):
        from werkzeug.serving import make_server

        from site_app import create_app
        from site_app.extensions import db

        self.workdir.mkdir(parents=True, exist_ok=True)
        self.app = create_app(self.config)
        with self.app.app_context():
            db.drop_all()
            db.create_all()
        served = self.app if self.host is None else _AsHost(self.app, self.host)
        self.server = make_server(
            "127.0.0.1", self.port, served, threaded=True, request_handler=_quiet_handler()
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        from site_app.extensions import db

        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextmanager
def chromium():
    """Debian's Chromium, headless, launched by Playwright (which cannot download one here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, lang: str, **options):
    """A page in a fresh context whose browser prefers ``lang`` (Accept-Language)."""
    settings = {
        "viewport": VIEWPORT,
        "device_scale_factor": DEVICE_SCALE_FACTOR,
        "locale": lang,
        "reduced_motion": "reduce",
    }
    context = browser.new_context(**{**settings, **options})
    context.set_default_timeout(15_000)
    return context.new_page()


def desktop_user_agent(browser) -> str:
    """The user agent of this Chromium on a desktop, without the "Headless" of its own."""
    major = browser.version.split(".")[0]
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )


def virtual_authenticator(page):
    """A platform passkey authenticator for ``page``'s browser (CDP ``WebAuthn``: CTAP2,
    internal, resident keys, user verification that always succeeds); returns the CDP
    session and the authenticator's id."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


# --- Steps of the guide, as a person does them -------------------------------------------------


def choose_language(page, live: LiveApp, lang: str, next_path: str = "/") -> None:
    """Point 1: switch the site's language (kept in the ``lang`` cookie; signed in, the
    switch is a form that also sets the language of the account's mails)."""
    page.goto(live.url(next_path))
    choice = page.locator('[data-help-point="1"]').locator(f':is(a, button)[lang="{lang}"]')
    if choice.count():
        choice.click()
    page.wait_for_selector(f'html[lang="{lang}"]')


def sign_up(page, email: str, password: str) -> None:
    """Points 2 and 3: from the header to the sign-up form, then send it."""
    page.locator('[data-help-point="2"]').click()
    page.wait_for_url("**/login")
    page.locator('[data-help-point="3"]').click()
    page.wait_for_url("**/signup")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator('form[action$="/signup"] button[type="submit"]').click()
    page.wait_for_url("**/check-your-mail/signup")


def open_mailbox(page, live: LiveApp):
    """The development mailbox; returns the newest mail (an ``article``)."""
    page.goto(live.url("/dev/mailbox"))
    return page.locator("article.mail").first


def follow_link_in_mail(page, mail, path_fragment: str) -> None:
    """Click the first link of ``mail`` whose address contains ``path_fragment``."""
    mail.locator(f'.mail-body a[href*="{path_fragment}"]').first.click()
    page.wait_for_load_state()


def confirm_activation(page) -> None:
    """The activation page only shows a button (mail scanners open links): press it."""
    page.locator("main form button[type='submit']").click()
    page.wait_for_url("**/account")


def sign_out(page) -> None:
    page.locator('form[action$="/logout"] button').click()
    page.wait_for_selector('[data-help-point="2"][href$="/login"]')


def sign_in(page, live: LiveApp, email: str, password: str) -> None:
    """Fill and send the sign-in form (whatever the outcome)."""
    if "/login" not in page.url:
        page.goto(live.url("/login"))
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator('form[action$="/login"] button[type="submit"]').click()
    page.wait_for_load_state()


def add_passkey(page, password: str, name: str | None = None) -> None:
    """Point 6: on the account page, keep the proposed name (or type ``name``), give the
    password and press « Add a passkey »; the browser's authenticator answers at once."""
    if name is not None:
        page.fill("#passkey_name", name)
    page.fill("#passkey_password", password)
    page.locator('[data-passkey-action="register"]').click()
    page.wait_for_selector("[data-passkey]")


def fail_until_blocked(page, live: LiveApp, email: str, attempts: int = 10) -> None:
    """Step B2: wrong passwords from one address until the 429 page answers."""
    for _ in range(attempts):
        if page.locator(STEP_SELECTORS["B2"]).count():
            return
        sign_in(page, live, email, WRONG_PASSWORD)
    if not page.locator(STEP_SELECTORS["B2"]).count():
        raise AssertionError(f"no B2 page after {attempts} failed sign-ins")
