"""The guide's figures: each screen cropped to its point, with numbered badges, as WebP.

Shared by ``scripts/screenshots.py`` (which writes the files) and
``tests/test_browser.py`` (which replays the scenes and compares). For each scene
the elements marked ``data-help-point="N"`` (and the B1/B2 messages) are
measured on the live page; the figure is the smallest region holding them, the
scene's context (the page's heading …) and their badges, with a margin, at least
:data:`MIN_WIDTH` wide. Each badge is put on a corner or a side of its element,
the first place that stays inside the figure and touches no other point, control
or heading. Images are captured at 2x and stored as lossless WebP.

``callouts.json`` (one per language) records per figure, in CSS pixels: its size,
where it was cut from the page, each point's box, badge and text, and every marked
element it shows. Coordinates are relative to the figure's top-left corner
(multiply by :data:`browser_support.DEVICE_SCALE_FACTOR` for the image's pixels).
"""

import io
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import browser_support as support
import mail_reader

SCREENSHOTS_DIR = support.ROOT / "docs" / "assets" / "screenshots"
ACCENT = "#c2571a"  # the accent of the app and the guide (app.css, extra.css)
#: Margin around what a figure must show, and its smallest width (CSS pixels).
MARGIN = 24
MIN_WIDTH = 560
BADGE_HEIGHT = 30
FRAME_MARGIN = 4


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


def _intersects(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def _union(boxes) -> dict:
    left = min(b["x"] for b in boxes)
    top = min(b["y"] for b in boxes)
    right = max(b["x"] + b["width"] for b in boxes)
    bottom = max(b["y"] + b["height"] for b in boxes)
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def _grow(box: dict, by: float) -> dict:
    return {
        "x": box["x"] - by,
        "y": box["y"] - by,
        "width": box["width"] + 2 * by,
        "height": box["height"] + 2 * by,
    }


def _inside(box: dict, area: dict, slack: float = 2) -> bool:
    return (
        box["x"] >= area["x"] + slack
        and box["y"] >= area["y"] + slack
        and box["x"] + box["width"] <= area["x"] + area["width"] - slack
        and box["y"] + box["height"] <= area["y"] + area["height"] - slack
    )


def badge_width(point) -> int:
    return BADGE_HEIGHT + 12 if len(str(point)) > 1 else BADGE_HEIGHT


def badge_candidates(box: dict, width: int, rtl: bool = False) -> list[dict]:
    """Places for a badge on or beside ``box``, best first (reading start first)."""
    frame = _grow(box, FRAME_MARGIN)
    height, gap = BADGE_HEIGHT, 6
    left, top = frame["x"], frame["y"]
    right, bottom = left + frame["width"], top + frame["height"]
    middle_y = top + frame["height"] / 2 - height / 2 if box["height"] < 80 else top
    start_x, end_x = (right, left) if rtl else (left, right)
    outside_start = right + gap if rtl else left - gap - width
    outside_end = left - gap - width if rtl else right + gap
    centre_x = left + frame["width"] / 2 - width / 2
    places = [
        (start_x - width / 2, top - height / 2),  # on the top corner where reading starts
        (end_x - width / 2, top - height / 2),  # on the other top corner
        (outside_start, middle_y),  # beside, before it
        (outside_end, middle_y),  # beside, after it
        (centre_x, bottom + gap),  # below
        (centre_x, top - gap - height),  # above
        (start_x - width / 2, bottom - height / 2),  # on the bottom corners
        (end_x - width / 2, bottom - height / 2),
    ]
    return [{"x": x, "y": y, "width": width, "height": height} for x, y in places]


def place_badges(points: list[dict], area: dict, rtl: bool = False) -> list[dict]:
    """For each measured point, the first candidate inside ``area`` that covers nothing else."""
    frames = [_grow(p["box"], FRAME_MARGIN) for p in points]
    placed = []
    for index, point in enumerate(points):
        others = [frame for n, frame in enumerate(frames) if n != index]
        candidates = badge_candidates(point["box"], badge_width(point["point"]), rtl)
        chosen = next(
            (
                badge
                for badge in candidates
                if _inside(badge, area)
                and not any(_intersects(badge, o) for o in point["obstacles"] + others + placed)
            ),
            None,
        )
        if chosen is None:
            raise AssertionError(f"no free place for the badge of point {point['point']}")
        placed.append(chosen)
    return placed


def crop_area(boxes: list[dict], page: dict, texts=(), margin: float = MARGIN) -> dict:
    """The region of the page a figure shows: ``boxes`` with a margin, clamped to the page.

    An edge that would cut through a text or a control (``texts``) moves off it:
    outwards when the element is part of what must be shown, inwards otherwise.
    """
    needed = _union(boxes)
    area = _grow(needed, margin)
    if area["width"] < MIN_WIDTH:
        area["x"] -= (MIN_WIDTH - area["width"]) / 2
        area["width"] = MIN_WIDTH
    # Widened past a side of the page: slide back in rather than lose the width.
    area["x"] = max(min(area["x"], page["width"] - area["width"]), 0)
    left, top = area["x"], area["y"]
    right, bottom = left + area["width"], top + area["height"]
    n_left, n_top = needed["x"], needed["y"]
    n_right, n_bottom = n_left + needed["width"], n_top + needed["height"]
    for _ in range(3):
        for t in texts:
            t_right, t_bottom = t["x"] + t["width"], t["y"] + t["height"]
            across = t["x"] < right and t_right > left
            along = t["y"] < bottom and t_bottom > top
            if across and t["y"] < top < t_bottom:
                top = t_bottom + 4 if t_bottom + 4 <= n_top else t["y"] - 8
            if across and t["y"] < bottom < t_bottom:
                bottom = t["y"] - 4 if t["y"] - 4 >= n_bottom else t_bottom + 8
            if along and t["x"] < left < t_right:
                left = t_right + 4 if t_right + 4 <= n_left else t["x"] - 8
            if along and t["x"] < right < t_right:
                right = t["x"] - 4 if t["x"] - 4 >= n_right else t_right + 8
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, page["width"]), min(bottom, page["height"])
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def _rounded(box: dict, origin: dict | None = None) -> dict:
    ox, oy = (origin["x"], origin["y"]) if origin else (0, 0)
    return {
        "x": round(box["x"] - ox),
        "y": round(box["y"] - oy),
        "width": round(box["width"]),
        "height": round(box["height"]),
    }


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
    area = _rounded(crop_area(needed + badges, found["page"], found["texts"]))
    shown = [m for m in found["marked"] if _intersects(m["box"], area)]
    record = {
        "width": area["width"],
        "height": area["height"],
        "crop": area,
        "points": [
            {
                "point": p["point"],
                **_rounded(p["box"], area),
                "badge": _rounded(badge, area),
                "text": p["text"],
            }
            for p, badge in zip(points, badges, strict=True)
        ],
        "elements": [
            {"point": _point_value(m["point"]), **_rounded(m["box"], area)} for m in shown
        ],
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
    # The app is told its public address and sees it as the requests' host: mails link
    # there, never to the loopback port the browser really talks to.
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
            served = f"http://{public.netloc}"  # what url_for() builds without PUBLIC_URL
            mail = mail_reader.newest_mail(live.app, "activate", support.EMAIL, served)
            if live.base_url in mail.html or mail_reader.PUBLIC_URL not in mail.html:
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
    return callouts


def _reader_page(live, mail, lang: str) -> str:
    """The mail reader around ``mail``, its few words in ``lang`` from the app's catalog."""
    from flask_babel import force_locale, format_time, gettext

    with live.app.test_request_context(), force_locale(lang):
        time = format_time(mail.sent_at, "short")
        to_line = gettext("To: %(recipient)s", recipient=mail.recipient)
    direction = "rtl" if lang in support.RTL_LANGUAGES else "ltr"
    return mail_reader.reader_html(mail, lang, direction, time, to_line)


def _activation_path(mail) -> str:
    """The path of the mail's activation link, to follow it on the live server."""
    import re
    from urllib.parse import urlsplit

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
