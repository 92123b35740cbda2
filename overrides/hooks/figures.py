"""MkDocs hook: the guide's figures get their size and their zoom in the page's language.

* Every ``<img>`` of ``assets/screenshots/<lang>/<name>.webp`` gets ``width`` and
  ``height`` (CSS pixels) from ``callouts.json`` in that folder, written by
  ``make screenshots``: the browser keeps the figure's room while it loads, so nothing
  shifts. A figure missing there is a warning, so ``--strict`` fails (``make screenshots``
  itself builds without it: the figures of a new language do not exist yet).
* Each zoom link (``a.glightbox``, added by mkdocs-glightbox) carries the lightbox's
  labels in the page's language (``extra: ui: figure_zoom_*`` of the page's language
  in ``mkdocs.yml``) for ``javascripts/figures.js``, and says that it opens a dialog.
* The lightbox costs nothing until a reader opens a figure: pages without images do not
  mention it, and pages with images load its script and stylesheet only when a figure is
  pointed at, focused or opened (``javascripts/figures.js``). The plugin puts both in
  ``<head>``, where they would hold the first paint, and sets it up on every page load
  (167 ms of main-thread work on Lighthouse's mobile profile, for a dialog most readers
  never open).
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("figures")

FIGURE_SRC = re.compile(r'src="[^"]*?assets/screenshots/([^/"]+)/([^/"]+\.webp)"')
IMG_TAG = re.compile(r"<img\b[^>]*>")
LIGHTBOX_SCRIPT = re.compile(r'<script src="([^"]*glightbox\.min\.js)"></script>\s*')
LIGHTBOX_STYLESHEET = re.compile(r'<link href="([^"]*glightbox\.min\.css)" rel="stylesheet">')
LIGHTBOX_CALL = re.compile(r'<script id="init-glightbox">(.*?)</script>', re.S)
LIGHTBOX_OPTIONS = re.compile(r"GLightbox\((\{.*?\})\)", re.S)
ZOOM_LINK = re.compile(r'<a class="glightbox"')


@cache
def _callouts(path: Path) -> dict:
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _sized(tag: str, docs_dir: Path) -> str:
    found = FIGURE_SRC.search(tag)
    if not found:
        return tag
    lang, name = found.groups()
    figure = _callouts(docs_dir / "assets" / "screenshots" / lang / "callouts.json").get(name)
    if figure is None:
        log.warning(
            f"assets/screenshots/{lang}/{name} is not in its callouts.json "
            "(run make screenshots, or fix the figure's name)"
        )
        return tag
    tag = re.sub(r'\s(width|height)="[^"]*"', "", tag)
    return tag.replace("<img ", f'<img width="{figure["width"]}" height="{figure["height"]}" ', 1)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """No image on the page: mkdocs-glightbox leaves it alone (its ``glightbox`` meta)."""
    if "![" not in markdown and "<img" not in markdown:
        page.meta.setdefault("glightbox", False)
    return markdown


def on_page_content(html_text: str, page, config, files) -> str:
    docs_dir = Path(config["docs_dir"])
    html_text = IMG_TAG.sub(lambda m: _sized(m.group(0), docs_dir), html_text)
    ui = config["extra"].get("ui") or {}
    labels = {
        key.removeprefix("figure_zoom_"): text
        for key, text in ui.items()
        if key.startswith("figure_zoom_")
    }
    if labels:
        attribute = html.escape(json.dumps(labels, ensure_ascii=False), quote=True)
        html_text = ZOOM_LINK.sub(
            f'<a class="glightbox" aria-haspopup="dialog" data-zoom-labels="{attribute}"',
            html_text,
        )
    return html_text


def on_post_page(output: str, page, config) -> str:
    """Leave the lightbox to ``javascripts/figures.js``, which loads it on first use.

    The plugin writes a ``<link>`` and a ``<script src>`` in ``<head>`` and an inline
    ``GLightbox({...})`` call at the end of ``<body>``. Here the three become one data
    element, ``<script id="init-glightbox" type="application/json">``, holding the two
    addresses (relative to the page, as the plugin wrote them) and the options; a browser
    does not run it, so the Content-Security-Policy needs no hash for it.
    """
    script = LIGHTBOX_SCRIPT.search(output)
    stylesheet = LIGHTBOX_STYLESHEET.search(output)
    call = LIGHTBOX_CALL.search(output)
    options = LIGHTBOX_OPTIONS.search(call.group(1)) if call else None
    if not (script and stylesheet and options):
        if script or stylesheet or call:
            log.warning(
                f"{page.file.src_uri}: mkdocs-glightbox's tags changed; figures.py needs a look"
            )
        return output
    data = json.dumps(
        {
            "script": script.group(1),
            "stylesheet": stylesheet.group(1),
            "options": json.loads(options.group(1)),
        },
        ensure_ascii=False,
    ).replace("</", "<\\/")
    element = f'<script id="init-glightbox" type="application/json">{data}</script>'
    output = output[: call.start()] + element + output[call.end() :]
    output = LIGHTBOX_SCRIPT.sub("", output, count=1)
    return LIGHTBOX_STYLESHEET.sub("", output, count=1)


def on_post_build(config) -> None:
    """Forget the sizes read: the next build (mkdocs serve) reads them again."""
    _callouts.cache_clear()
