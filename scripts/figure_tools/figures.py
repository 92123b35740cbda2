"""The guide's figures: each screen cropped to its point, with numbered badges, as WebP.

Shared by ``scripts/screenshots.py`` (which writes the files) and
``tests/test_browser.py`` (which replays the scenes and compares). For each scene
the elements marked ``data-help-point="N"`` (and the B1/B2 messages) are
measured on the live page; the figure is the smallest region holding them, the
scene's context (the page's heading …) and their badges, with a margin, at least
``figure_layout.MIN_WIDTH`` wide. Each badge is put on a corner or a side of its element,
the first place that stays inside the figure and touches no other point, control
or heading (the geometry is in ``figure_layout.py``). Images are captured at 2x and
stored as lossless WebP.

``callouts.json`` (one per language) records per figure, in CSS pixels: its size,
where it was cut from the page, each point's box, badge and text, and every marked
element it shows. Coordinates are relative to the figure's top-left corner
(multiply by :data:`browser_support.DEVICE_SCALE_FACTOR` for the image's pixels).
"""

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale

from . import browser_support as support
from . import mail_reader
from .figure_layout import (
    BADGE_HEIGHT,
    FRAME_MARGIN,
    MARGIN,
    crop_area,
    intersects,
    place_badges,
    rounded,
)

SCREENSHOTS_DIR = support.ROOT / "docs" / "assets" / "screenshots"
ACCENT = "#c2571a"  # the accent of the app and the guide (app.css, extra.css)


@dataclass(frozen=True)
class Scene:
    points: tuple
    #: What else the figure shows so that the page is recognised.
    context: tuple = ("main h1",)


#: Figure name → its points (numbers are data-help-point values) and context.
SCENES = {
    "home": Scene((1, 2), ()),  # header controls: the same on every page
    "login": Scene((3,), ("main h1", "#email")),
    "activation-mail": Scene((4,), (".reader",)),
    "account": Scene((5,)),
    # Passkeys: at http://localhost (WebAuthn refuses IP addresses), with a passkey added.
    "passkey-sign-in": Scene((7,), ('form[action$="/login"] button[type="submit"]',)),
    "passkeys": Scene((6,), ()),
    "wrong-password": Scene(("B1",)),
    "ip-blocked": Scene(("B2",)),
}
#: The elements the guide's steps B1 and B2 point at.
STEP_SELECTORS = support.STEP_SELECTORS


def selector(point) -> str:
    return STEP_SELECTORS.get(point) or f'[data-help-point="{point}"]'


# --- Measuring the page ------------------------------------------------------------------------

# Text elements are measured by their text (a Range), not their block box, which
# spans the whole column; everything is in page coordinates (CSS pixels).
_MEASURE_JS = """
([points, context, marked]) => {
  const rect = (el) => {
    let r = el.getBoundingClientRect();
    if (/^(H[1-6]|P|LABEL)$/.test(el.tagName)) {
      const range = document.createRange();
      range.selectNodeContents(el);
      r = range.getBoundingClientRect();
    }
    return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height};
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const controls = "a, button, input, select, textarea, label, h1, h2, h3, [role=tab], " + marked;
  const obstacles = [...document.querySelectorAll(controls)].filter(visible);
  const found = points.map(([point, sel]) => {
    const el = document.querySelector(sel);
    if (!el) { return {point, missing: sel}; }
    return {point, box: rect(el), text: el.innerText.replace(/\\s+/g, " ").trim(),
      obstacles: obstacles.filter((o) => !o.contains(el) && !el.contains(o)).map(rect)};
  });
  return {
    points: found,
    context: context.flatMap(
      (sel) => [...document.querySelectorAll(sel)].filter(visible).map(rect)),
    marked: [...document.querySelectorAll(marked)].filter(visible).map((el) => ({
      point: el.dataset.helpPoint || el.dataset.reference || el.dataset.error, box: rect(el)})),
    // Texts: the width of their words, the height of their box (padding, background).
    texts: [...document.querySelectorAll(controls + ", p, li")].filter(visible).map((el) => {
      const r = el.getBoundingClientRect();
      return {...rect(el), y: r.top + scrollY, height: r.height};
    }),
    page: {width: document.documentElement.scrollWidth,
           height: document.documentElement.scrollHeight},
    rtl: getComputedStyle(document.documentElement).direction === "rtl",
  };
}
"""


# Styles are set through the CSSOM (element.style): the app's CSP forbids inline <style>.
_DRAW_JS = """
([marks, accent, frameMargin]) => {
  const layer = document.createElement("div");
  layer.setAttribute("data-callouts", "");
  layer.setAttribute("aria-hidden", "true");
  Object.assign(layer.style, {position: "absolute", left: "0", top: "0", width: "0",
    height: "0", zIndex: "2147483647", pointerEvents: "none"});
  for (const {point, box, badge} of marks) {
    const frame = document.createElement("div");
    Object.assign(frame.style, {position: "absolute", left: (box.x - frameMargin) + "px",
      top: (box.y - frameMargin) + "px", width: (box.width + 2 * frameMargin) + "px",
      height: (box.height + 2 * frameMargin) + "px", border: "3px solid " + accent,
      borderRadius: "8px", boxShadow: "0 0 0 2px #fff", boxSizing: "border-box"});
    const label = document.createElement("div");
    label.textContent = String(point);
    Object.assign(label.style, {position: "absolute", left: badge.x + "px", top: badge.y + "px",
      width: badge.width + "px", height: badge.height + "px", lineHeight: (badge.height - 4) + "px",
      borderRadius: (badge.height / 2) + "px", background: accent, color: "#fff",
      border: "2px solid #fff", boxShadow: "0 1px 4px rgba(0,0,0,.45)",
      boxSizing: "border-box", textAlign: "center", fontWeight: "700", fontSize: "16px",
      fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"});
    layer.append(frame, label);
  }
  document.body.append(layer);
}
"""


def figure(page, name: str, out_dir: Path | None = None) -> dict:
    """Measure the scene ``name`` on ``page``; with ``out_dir`` draw it and write ``name.webp``."""
    scene = SCENES[name]
    page.evaluate("() => document.fonts.ready.then(() => document.activeElement?.blur())")
    page.evaluate("() => window.scrollTo(0, 0)")
    marked = ", ".join(["[data-help-point]", *STEP_SELECTORS.values()])
    found = page.evaluate(
        _MEASURE_JS, [[[p, selector(p)] for p in scene.points], list(scene.context), marked]
    )
    for point in found["points"]:
        if "missing" in point:
            raise AssertionError(f"{page.url}: no element for point {point['point']}")
    points = found["points"]
    # The badges go where there is room around what must be shown; then the figure
    # is cut around all of it, off the texts it would slice.
    needed = [p["box"] for p in points] + found["context"]
    room = crop_area(needed, found["page"], margin=MARGIN + BADGE_HEIGHT)
    badges = place_badges(points, room, found["rtl"])
    area = rounded(crop_area(needed + badges, found["page"], found["texts"]))
    shown = [m for m in found["marked"] if intersects(m["box"], area)]
    record = {
        "width": area["width"],
        "height": area["height"],
        "crop": area,
        "points": [
            {
                "point": p["point"],
                **rounded(p["box"], area),
                "badge": rounded(badge, area),
                "text": p["text"],
            }
            for p, badge in zip(points, badges, strict=True)
        ],
        "elements": [{"point": _point_value(m["point"]), **rounded(m["box"], area)} for m in shown],
    }
    if out_dir is not None:
        marks = [
            {"point": p["point"], "box": p["box"], "badge": b}
            for p, b in zip(points, badges, strict=True)
        ]
        page.evaluate(_DRAW_JS, [marks, ACCENT, FRAME_MARGIN])
        png = page.screenshot(
            clip=area, full_page=True, animations="disabled", caret="hide", type="png"
        )
        write_webp(png, Path(out_dir) / f"{name}.webp")
    return record


def _point_value(value):
    return int(value) if str(value).isdigit() else value


def write_webp(png: bytes, path: Path) -> None:
    """Lossless WebP: text stays sharp, and the file is about a third of the PNG's."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.save(path, format="WEBP", lossless=True, quality=100, method=6)


# --- The guide's journey, one figure per step ----------------------------------------------------


def capture(browser, help_site: Path, workdir: Path, lang: str, out_dir: Path | None = None):
    """Play the guide in ``lang`` on a fresh app at a frozen date; return the callouts.

    With ``out_dir``, also write ``<name>.webp`` there. The returned map is
    ``{"home.webp": {...}, …}`` (see the module's docstring).
    """
    import time_machine

    callouts = {}
    # The app is told its public address (it then serves only that host, so it sees
    # every request as one for it): mails link there, never to the loopback port the
    # browser really talks to.
    public = urlsplit(mail_reader.PUBLIC_URL)
    with (
        time_machine.travel(support.FROZEN_AT, tick=False),
        support.LiveApp(
            help_site, workdir, host=public.netloc, PUBLIC_URL=mail_reader.PUBLIC_URL
        ) as live,
    ):
        page = support.new_page(browser, lang)
        # The browser's clock too: the B2 countdown reads Date.now().
        page.context.clock.set_fixed_time(support.FROZEN_AT)

        def scene(name, on=page):
            callouts[f"{name}.webp"] = figure(on, name, out_dir)

        try:
            support.choose_language(page, live, lang)
            scene("home")
            page.locator('[data-help-point="2"]').click()
            page.wait_for_url("**/login")
            scene("login")
            support.sign_up(page, support.EMAIL, support.PASSWORD)
            mail = mail_reader.newest_mail(live.app, "activate", support.EMAIL)
            loopback = re.search(r"https?://(127\.|localhost|\[::1\])", mail.html)
            if loopback or mail_reader.PUBLIC_URL not in mail.html:
                raise AssertionError(f"the mail's links are not on {mail_reader.PUBLIC_URL}")
            reader = page.context.new_page()
            reader.set_content(_reader_page(live, mail, lang), wait_until="load")
            scene("activation-mail", reader)
            reader.close()
            page.goto(live.url(_activation_path(mail)))
            support.confirm_activation(page)
            scene("account")
            support.sign_out(page)
            support.sign_in(page, live, support.EMAIL, support.WRONG_PASSWORD)
            page.wait_for_selector(STEP_SELECTORS["B1"])
            scene("wrong-password")
            support.fail_until_blocked(page, live, support.EMAIL)
            scene("ip-blocked")
        finally:
            page.context.close()
        callouts.update(_capture_passkeys(browser, help_site, workdir, lang, out_dir))
    return callouts


def _capture_passkeys(browser, help_site: Path, workdir: Path, lang: str, out_dir):
    """Points 7 and 6: the passkey button of /login, then the account page's passkeys once
    one is added. WebAuthn needs a name as the relying party (never an IP address, nor
    the journey's public address, which no server answers here): a second app, whose
    relying party is ``localhost``, opened at ``http://localhost:PORT`` by a browser with a
    virtual authenticator. Its account is made directly (the journey above shows how)."""
    from site_app.accounts import rules

    callouts = {}
    with support.LiveApp(help_site, workdir / "passkeys") as live:
        with live.app.app_context():
            rules.register(support.EMAIL, support.PASSWORD, lang)
            rules.activate(rules.find_user(support.EMAIL), lang)
        # A reader's browser, not "HeadlessChrome": the passkey's proposed name comes from it.
        page = support.new_page(browser, lang, user_agent=support.desktop_user_agent(browser))
        page.context.clock.set_fixed_time(support.FROZEN_AT)
        support.virtual_authenticator(page)
        try:
            page.goto(live.named_url + "/login")
            page.wait_for_selector('[data-passkey-action="sign-in"]', state="visible")
            callouts["passkey-sign-in.webp"] = figure(page, "passkey-sign-in", out_dir)
            page.fill("#email", support.EMAIL)
            page.fill("#password", support.PASSWORD)
            page.locator('form[action$="/login"] button[type="submit"]').click()
            page.wait_for_url("**/account")
            support.add_passkey(page, support.PASSWORD)
            callouts["passkeys.webp"] = figure(page, "passkeys", out_dir)
        finally:
            page.context.close()
    return callouts


def _reader_page(live, mail, lang: str) -> str:
    """The mail reader around ``mail``, its few words in ``lang`` from the app's catalog."""
    from flask_babel import force_locale, format_time, gettext

    with live.app.test_request_context(), force_locale(lang):
        time = format_time(mail.sent_at, "short")
        to_line = gettext("To: %(recipient)s", recipient=mail.recipient)
    rtl = Locale.parse(lang).character_order == "right-to-left"
    direction = "rtl" if rtl else "ltr"
    return mail_reader.reader_html(mail, lang, direction, time, to_line)


def _activation_path(mail) -> str:
    """The path of the mail's activation link, to follow it on the live server."""
    found = re.search(r'href="([^"]*/activate/[^"]+)"', mail.html)
    if not found:
        raise AssertionError("no activation link in the mail")
    return urlsplit(found.group(1)).path


def read_callouts(lang: str, root: Path = SCREENSHOTS_DIR) -> dict:
    return json.loads((root / lang / "callouts.json").read_text(encoding="utf-8"))


def write_callouts(lang: str, callouts: dict, root: Path = SCREENSHOTS_DIR) -> Path:
    path = root / lang / "callouts.json"
    path.write_text(json.dumps(callouts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
