"""The guide's figures, as a reader gets them (issue 15).

- the committed images are the ones ``callouts.json`` describes: WebP, captured at 2x;
- each badge sits on or beside its own element, never on another marked element;
- in the built guide every figure has its size, a zoom link, an alt text in the page's
  language naming each of its points, and a legend with the same numbers as its badges;
- in Chromium at 1280 and 390 CSS pixels wide: figures take the column, the app's text
  in them is shown at 60 % of its size or more on a desktop; a click opens the figure
  larger and Escape closes it, the focus coming back to the figure.

Point 4 is the activation mail the app sent, in a mail reader, with public links.
The figures themselves are checked against the live app by test_browser.py.
"""

import json
import re
from pathlib import Path

import pytest
from figure_tools import browser_support as support
from figure_tools import figure_layout, figures

LANGUAGES = support.LANGUAGES
FIGURES = [f"{name}.webp" for name in figures.SCENES]
#: How close a badge must be to its element to be "beside" it (CSS pixels).
BESIDE = 12
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MIN_DESKTOP_SCALE = 0.6


def _distance(a: dict, b: dict) -> float:
    dx = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]), 0)
    dy = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]), 0)
    return (dx * dx + dy * dy) ** 0.5


# --- The committed files ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_committed_images_are_the_figures_the_callouts_describe(lang):
    from PIL import Image

    folder = figures.SCREENSHOTS_DIR / lang
    callouts = figures.read_callouts(lang)
    assert sorted(callouts) == sorted(FIGURES), "run make screenshots"
    assert not list(folder.glob("*.png")), "old PNG figures are left in " + str(folder)
    for name, figure in callouts.items():
        with Image.open(folder / name) as image:
            assert image.format == "WEBP", name
            assert image.size == (
                figure["width"] * support.DEVICE_SCALE_FACTOR,
                figure["height"] * support.DEVICE_SCALE_FACTOR,
            ), f"{lang}/{name} does not match callouts.json: run make screenshots"
        assert (folder / name).stat().st_size < 120_000, f"{lang}/{name} is heavy"
        shown = {p["point"] for p in figure["points"]}
        assert shown == set(figures.SCENES[name.removesuffix(".webp")].points)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_badges_sit_on_their_element_and_never_on_another(lang):
    """Each badge touches or nearly touches its element, and covers no other marked one."""
    for name, figure in figures.read_callouts(lang).items():
        area = {"x": 0, "y": 0, "width": figure["width"], "height": figure["height"]}
        for point in figure["points"]:
            badge, where = point["badge"], f"{lang}/{name}, badge {point['point']}"
            assert figure_layout.inside(badge, area, slack=0), f"{where} is cut off"
            assert _distance(badge, point) <= BESIDE, f"{where} is away from its element"
            others = [e for e in figure["elements"] if e["point"] != point["point"]]
            for other in others:
                covered = figure_layout.intersects(badge, other)
                assert not covered, f"{where} covers {other['point']}"
                assert _distance(badge, point) < _distance(badge, other), (
                    f"{where} is nearer to point {other['point']} than to its own"
                )


def test_badge_placement_avoids_a_neighbour_control():
    """Issue 15: badge 3 sat between the tabs, beside « Se connecter ». Now: on « S'inscrire »."""
    sign_in_tab = {"x": 375, "y": 105, "width": 125, "height": 45}
    sign_up_tab = {"point": 3, "box": {"x": 500, "y": 105, "width": 215, "height": 45}}
    sign_up_tab["obstacles"] = [sign_in_tab]
    area = {"x": 300, "y": 60, "width": 560, "height": 300}
    [badge] = figure_layout.place_badges([sign_up_tab], area)
    assert not figure_layout.intersects(badge, sign_in_tab)
    frame = figure_layout.grow(sign_up_tab["box"], figure_layout.FRAME_MARGIN)
    assert figure_layout.intersects(badge, frame)


def test_right_to_left_pages_put_badges_on_the_corner_where_reading_starts():
    box = {"x": 100, "y": 100, "width": 200, "height": 40}
    ltr, rtl = (figure_layout.badge_candidates(box, 30, rtl)[0] for rtl in (False, True))
    assert ltr["x"] < box["x"] < ltr["x"] + 30
    assert rtl["x"] < box["x"] + box["width"] < rtl["x"] + 30


# --- The built guide ---------------------------------------------------------------------------


def _guide_pages(help_site: Path):
    from selectolax.lexbor import LexborHTMLParser

    for path in sorted(help_site.rglob("index.html")):
        tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
        lang = tree.css_first("html").attributes.get("lang")
        for img in tree.css("img"):
            src = img.attributes.get("src") or ""
            found = re.search(r"assets/screenshots/([^/]+)/([^/]+)$", src)
            if found:
                yield path.relative_to(help_site), lang, found.groups(), img


def test_every_figure_is_sized_zoomable_described_and_numbered(help_site):
    seen, alts = set(), {}
    for page, lang, (figure_lang, name), img in _guide_pages(help_site):
        where = f"{page}: {name}"
        assert figure_lang == lang, f"{where}: a figure of another language"
        figure = figures.read_callouts(lang)[name]
        attrs = img.attributes
        assert (attrs.get("width"), attrs.get("height")) == (
            str(figure["width"]),
            str(figure["height"]),
        ), f"{where}: width/height must be the figure's, so nothing shifts"
        link = img.parent
        assert link.tag == "a" and "glightbox" in link.attributes.get("class", ""), where
        labels = json.loads(link.attributes["data-zoom-labels"])
        assert set(labels) == {"dialog", "close", "previous", "next"}, where
        alt = attrs.get("alt") or ""
        assert len(alt) >= 80, f"{where}: the alt text must say what the figure shows"
        for point in figure["points"]:
            assert re.search(rf"\b{point['point']}\b", alt), f"{where}: alt omits {point}"
        step = link
        while "help-step" not in (step.attributes.get("class") or ""):
            step = step.parent
        legend = {span.text().strip() for span in step.css(".help-points .help-point")}
        assert legend == {str(p["point"]) for p in figure["points"]}, f"{where}: legend"
        seen.add((lang, name))
        alts.setdefault(name, {}).setdefault(lang, set()).add(alt)
    assert seen == {(lang, name) for lang in LANGUAGES for name in FIGURES}
    for name, per_lang in alts.items():
        for lang, texts in per_lang.items():
            for other_lang, other_texts in per_lang.items():
                if lang != other_lang:
                    assert not texts & other_texts, f"{name}: one alt for {lang}, {other_lang}"


def test_the_lightbox_costs_a_page_load_nothing(help_site):
    """No page names its script or stylesheet: pages with figures hold only the data
    element javascripts/figures.js loads them from on first use; others not even that."""
    for path in sorted(help_site.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        assert "glightbox.min.js" not in page.replace(_lightbox_data(page), ""), path
        assert "glightbox.min.css" not in page.replace(_lightbox_data(page), ""), path
        if "assets/screenshots/" not in page.partition("</head>")[2]:
            assert "glightbox" not in page, path
            continue
        data = json.loads(_lightbox_data(page).partition(">")[2].removesuffix("</script>"))
        for key in ("script", "stylesheet"):
            assert (path.parent / data[key]).resolve().is_file(), (path, data[key])
        assert data["options"]["zoomable"] is True, path


def _lightbox_data(page: str) -> str:
    found = re.search(
        r'<script id="init-glightbox" type="application/json">.*?</script>', page, re.S
    )
    return found.group(0) if found else ""


def test_point_4_is_the_activation_mail_the_app_sends(app):
    """The mail reader shows the subject of the real mail, in each language, from the app."""
    from flask_babel import force_locale, gettext

    for lang in LANGUAGES:
        with app.test_request_context(), force_locale(lang):
            subject = gettext("PLEASE ACTIVATE YOUR ACCOUNT")
        [row] = figures.read_callouts(lang)["activation-mail.webp"]["points"]
        assert subject in row["text"], lang
        assert row["point"] == 4


# --- In a real browser ---------------------------------------------------------------------------


def _figure_pages(help_site: Path) -> dict[str, list[str]]:
    """Per language, the guide's paths (under /help/) that show figures."""
    pages = {}
    for page, lang, _, _ in _guide_pages(help_site):
        path = "/help/" + str(page.parent).removeprefix(".") + "/"
        pages.setdefault(lang, [])
        if path.replace("//", "/") not in pages[lang]:
            pages[lang].append(path.replace("//", "/"))
    return pages


IMAGE_BOXES_JS = """
() => [...document.querySelectorAll(".help-step img")].map((img) => {
  const r = img.getBoundingClientRect();
  return [Math.round(r.width), Math.round(r.height)];
})
"""

LOAD_IMAGES_JS = """
() => Promise.race([
  new Promise((resolve) => setTimeout(resolve, 10000)),
  Promise.all([...document.querySelectorAll(".help-step img")].map((img) => {
    img.loading = "eager";
    return img.decode().catch(() => null);
  })),
])
"""

_MEASURE_FIGURES_JS = """
() => [...document.querySelectorAll(".help-step figure img")].map((img) => {
  const column = img.closest(".md-content__inner").getBoundingClientRect();
  const figure = img.closest("figure").getBoundingClientRect();
  const legend = img.closest(".help-step").querySelector(".help-points").getBoundingClientRect();
  const shown = img.getBoundingClientRect();
  return {src: img.getAttribute("src"), natural: img.naturalWidth, width: img.width,
          attr: Number(img.getAttribute("width")), shown: shown.width, figure: figure.width,
          column: column.width, figureBottom: figure.bottom, legendTop: legend.top,
          overflow: document.documentElement.scrollWidth > innerWidth};
})
"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_figures_are_large_enough_on_a_desktop_and_fill_a_phone(live, open_page, help_site, lang):
    report = []
    for viewport in (DESKTOP, PHONE):
        page = open_page(lang, viewport=viewport)
        for path in _figure_pages(help_site)[lang]:
            page.goto(live.url(path))
            boxes = page.evaluate(IMAGE_BOXES_JS)  # lazy: most are not loaded yet
            # Lazy images load when scrolled to: load them all now (bounded wait).
            page.evaluate(LOAD_IMAGES_JS)
            assert page.evaluate(IMAGE_BOXES_JS) == boxes, f"{path}: the page moved (CLS)"
            for fig in page.evaluate(_MEASURE_FIGURES_JS):
                where = f"{viewport['width']} px, {path} {fig['src']}"
                scale = fig["shown"] / fig["attr"]
                report.append(f"{where}: {fig['shown']:.0f}/{fig['attr']} = {scale:.0%}")
                assert fig["natural"] == fig["attr"] * support.DEVICE_SCALE_FACTOR, where
                assert abs(fig["figure"] - fig["column"]) <= 1, f"{where}: not the column's width"
                assert fig["legendTop"] >= fig["figureBottom"] - 1, f"{where}: legend not below"
                assert not fig["overflow"], f"{where}: the page scrolls sideways"
                if viewport is DESKTOP:
                    assert scale >= MIN_DESKTOP_SCALE, f"{where}: text at {scale:.0%} of its size"
                else:
                    assert fig["shown"] >= fig["column"] - 2, f"{where}: not the full column"
    print("\n".join(report))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_figure_opens_larger_and_escape_closes_it(live, open_page, help_site, lang):
    from playwright.sync_api import expect

    page = open_page(lang, viewport=DESKTOP)
    page.goto(live.url(_figure_pages(help_site)[lang][0]))
    link = page.locator(".help-step a.glightbox").first
    labels = json.loads(link.get_attribute("data-zoom-labels"))
    inline_width = link.locator("img").bounding_box()["width"]
    assert page.evaluate("typeof GLightbox") == "undefined", "loaded before any use"

    link.click()
    dialog = page.locator("#glightbox-body")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-label", labels["dialog"])
    expect(dialog.locator(".gclose")).to_have_attribute("aria-label", labels["close"])
    expect(dialog.locator(".gclose")).to_be_focused()
    large = dialog.locator(".gslide.current img")
    expect(large).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('.gslide.current img')?.getBoundingClientRect().width > 0"
    )
    assert large.bounding_box()["width"] > inline_width * 1.2
    title = dialog.locator(".gslide.current .gslide-title")
    expect(title).to_have_text(link.locator("img").get_attribute("alt"))
    if not support.missing_axe():  # test_browser.py requires axe-core in CI
        page.evaluate(support.AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate(
            "(tags) => axe.run('#glightbox-body', {runOnly: {type: 'tag', values: tags}})",
            ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
        )
        assert not result["violations"], [
            (v["id"], [n["target"] for n in v["nodes"]], v["nodes"][0]["failureSummary"])
            for v in result["violations"]
        ]

    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(link).to_be_focused()

    # From the keyboard alone: Enter on the focused figure opens it again.
    page.keyboard.press("Enter")
    expect(page.locator("#glightbox-body")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#glightbox-body")).to_have_count(0)
