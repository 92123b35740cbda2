"""A real browser on the real app: shared by ``scripts/screenshots.py`` and the browser tests.

The app runs in a thread on a loopback port (Werkzeug), with the development
mailbox instead of SMTP and the guide built by ``mkdocs build --strict``;
Debian's Chromium is driven by the plain sync Playwright API. The screenshot
scenes live here so that the test of ``callouts.json`` recomputes the boxes
exactly as ``make screenshots`` drew them.
"""

import json
import os
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from site_app import config

ROOT = Path(__file__).resolve().parent.parent
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
SCREENSHOTS_DIR = ROOT / "docs" / "assets" / "screenshots"
LANGUAGES = tuple(config.LANGUAGES)

#: Screenshots are taken at this instant (server clock and browser clock), so
#: the dates they show never change.
FROZEN_AT = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)
VIEWPORT = {"width": 1000, "height": 700}
DEVICE_SCALE_FACTOR = 2
#: Browser locales (Accept-Language) per site language.
BROWSER_LOCALES = {"fr": "fr-FR", "en": "en-GB", "ar": "ar"}

EMAIL = "camille.martin@example.org"
PASSWORD = "Lanterne-verte-au-jardin"
NEW_PASSWORD = "Parapluie-jaune-sous-la-pluie"
WRONG_PASSWORD = "Ce-n-est-pas-le-bon"

#: Screenshot name → the points it shows (numbers are data-help-point values).
SCENES = {
    "home": (1, 2),
    "login": (3,),
    "activation-mail": (4,),
    "account": (5,),
    "wrong-password": ("B1",),
    "ip-blocked": ("B2",),
}
#: The elements the guide's steps B1 and B2 point at.
STEP_SELECTORS = {"B1": '[data-error="wrong-password"]', "B2": '[data-reference="B2"]'}
ACCENT = "#c2571a"  # the accent of the app and the guide (app.css, extra.css)


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


class LiveApp:
    """The app served over HTTP from a thread, on a throw-away SQLite database."""

    def __init__(self, help_site: Path, workdir: Path, port: int | None = None, **config):
        self.help_site = Path(help_site)
        self.workdir = Path(workdir)
        self.port = port if port and _port_is_free(port) else _free_port()
        self.config = {
            "SECRET_KEY": "browser-tests-secret-key",
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
        self.server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=_quiet_handler()
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
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=DEVICE_SCALE_FACTOR,
        locale=BROWSER_LOCALES.get(lang, lang),
        reduced_motion="reduce",
        **options,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


# --- Steps of the guide, as a person does them -------------------------------------------------


def choose_language(page, live: LiveApp, lang: str, next_path: str = "/") -> None:
    """Point 1: switch the site's language (kept in the ``lang`` cookie)."""
    page.goto(live.url(next_path))
    switch = page.locator('[data-help-point="1"]')
    if switch.locator(f'a[lang="{lang}"]').count():
        switch.locator(f'a[lang="{lang}"]').click()
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


def fail_until_blocked(page, live: LiveApp, email: str, attempts: int = 10) -> None:
    """Step B2: wrong passwords from one address until the 429 page answers."""
    for _ in range(attempts):
        if page.locator(STEP_SELECTORS["B2"]).count():
            return
        sign_in(page, live, email, WRONG_PASSWORD)
    if not page.locator(STEP_SELECTORS["B2"]).count():
        raise AssertionError(f"no B2 page after {attempts} failed sign-ins")


# --- Callouts: the numbered points drawn on the screenshots -------------------------------------

_BOXES_JS = """
(selectors) => selectors.map(([point, selector]) => {
  const element = document.querySelector(selector);
  if (!element) { return [point, null]; }
  const rect = element.getBoundingClientRect();
  return [point, {x: rect.left + window.scrollX, y: rect.top + window.scrollY,
                  width: rect.width, height: rect.height}];
})
"""

# Styles are set through the CSSOM (element.style): the app's CSP forbids inline <style>.
_DRAW_JS = """
([boxes, accent, viewport]) => {
  const layer = document.createElement("div");
  layer.setAttribute("data-callouts", "");
  layer.setAttribute("aria-hidden", "true");
  Object.assign(layer.style, {position: "absolute", left: "0", top: "0", width: "0",
    height: "0", zIndex: "2147483647", pointerEvents: "none"});
  const badge = 30, margin = 4;
  for (const box of boxes) {
    const frame = document.createElement("div");
    Object.assign(frame.style, {position: "absolute", left: (box.x - margin) + "px",
      top: (box.y - margin) + "px", width: (box.width + 2 * margin) + "px",
      height: (box.height + 2 * margin) + "px", border: "3px solid " + accent,
      borderRadius: "8px", boxShadow: "0 0 0 2px #fff", boxSizing: "border-box"});
    const label = document.createElement("div");
    label.textContent = String(box.point);
    const width = String(box.point).length > 1 ? badge + 12 : badge;
    // Header controls: below them. Others: on their left (beside their top when
    // tall), or on their top-left corner when there is no room on the left.
    let left, top;
    if (box.y + box.height < 80) {
      left = box.x + box.width / 2 - width / 2;
      top = box.y + box.height + margin + 6;
    } else {
      left = box.x - margin - width - 6;
      top = box.height < 80 ? box.y + box.height / 2 - badge / 2 : box.y;
      if (left < 2) { left = box.x - width / 2; top = box.y - badge / 2; }
    }
    left = Math.min(Math.max(left, 2), viewport.width - width - 2);
    top = Math.min(Math.max(top, 2), viewport.height - badge - 2);
    Object.assign(label.style, {position: "absolute", left: left + "px", top: top + "px",
      width: width + "px", height: badge + "px", lineHeight: (badge - 4) + "px",
      borderRadius: (badge / 2) + "px", background: accent, color: "#fff",
      border: "2px solid #fff", boxShadow: "0 1px 4px rgba(0,0,0,.45)",
      boxSizing: "border-box", textAlign: "center", fontWeight: "700", fontSize: "16px",
      fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"});
    layer.append(frame, label);
  }
  document.body.append(layer);
}
"""


def _selector(point) -> str:
    return STEP_SELECTORS.get(point) or f'[data-help-point="{point}"]'


def callout_boxes(page, points) -> list[dict]:
    """The boxes of ``points`` on the page, in CSS pixels, clipped to the screenshot.

    Multiply by ``DEVICE_SCALE_FACTOR`` for the pixels of the PNG.
    """
    found = page.evaluate(_BOXES_JS, [[point, _selector(point)] for point in points])
    boxes = []
    for point, rect in found:
        if rect is None:
            raise AssertionError(f"{page.url}: no element for point {point} ({_selector(point)})")
        left, top = max(rect["x"], 0), max(rect["y"], 0)
        right = min(rect["x"] + rect["width"], VIEWPORT["width"])
        bottom = min(rect["y"] + rect["height"], VIEWPORT["height"])
        boxes.append(
            {
                "point": point,
                "x": round(left),
                "y": round(top),
                "width": round(right - left),
                "height": round(bottom - top),
            }
        )
    return boxes


def draw_callouts(page, boxes) -> None:
    """Draw a frame and a numbered badge for each box, on the page itself."""
    page.evaluate(_DRAW_JS, [boxes, ACCENT, VIEWPORT])


# --- The screenshots of the guide ---------------------------------------------------------------


def capture_screenshots(
    browser,
    help_site: Path,
    workdir: Path,
    lang: str,
    out_dir: Path | None = None,
    port: int | None = None,
) -> dict:
    """Play the guide in ``lang`` on a fresh app at a frozen date; return the callouts.

    With ``out_dir``, also write ``<name>.png`` there (viewport only, points drawn).
    The returned map is ``{"home.png": [{"point", "x", "y", "width", "height"}, …], …}``.
    """
    import time_machine

    callouts = {}

    def scene(page, name):
        page.evaluate("() => document.fonts.ready.then(() => document.activeElement?.blur())")
        page.evaluate("() => window.scrollTo(0, 0)")
        boxes = callout_boxes(page, SCENES[name])
        callouts[f"{name}.png"] = boxes
        if out_dir is not None:
            draw_callouts(page, boxes)
            page.screenshot(
                path=str(Path(out_dir) / f"{name}.png"), animations="disabled", caret="hide"
            )

    with time_machine.travel(FROZEN_AT, tick=False), LiveApp(help_site, workdir, port=port) as live:
        page = new_page(browser, lang)
        # The browser's clock too: the B2 countdown reads Date.now().
        page.context.clock.set_fixed_time(FROZEN_AT)
        try:
            choose_language(page, live, lang)
            scene(page, "home")
            page.locator('[data-help-point="2"]').click()
            page.wait_for_url("**/login")
            scene(page, "login")
            sign_up(page, EMAIL, PASSWORD)
            mail = open_mailbox(page, live)
            scene(page, "activation-mail")
            follow_link_in_mail(page, mail, "/activate/")
            confirm_activation(page)
            scene(page, "account")
            sign_out(page)
            sign_in(page, live, EMAIL, WRONG_PASSWORD)
            page.wait_for_selector(STEP_SELECTORS["B1"])
            scene(page, "wrong-password")
            fail_until_blocked(page, live, EMAIL)
            scene(page, "ip-blocked")
        finally:
            page.context.close()
    return callouts


def read_callouts(lang: str, root: Path = SCREENSHOTS_DIR) -> dict:
    return json.loads((root / lang / "callouts.json").read_text(encoding="utf-8"))


def write_callouts(lang: str, callouts: dict, root: Path = SCREENSHOTS_DIR) -> Path:
    path = root / lang / "callouts.json"
    path.write_text(json.dumps(callouts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
