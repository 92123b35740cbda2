"""MkDocs hook: the hashes of the guide's inline scripts, for its Content-Security-Policy.

The guide is served on the same origin as the account pages, so its policy must be as
strict as theirs: ``script-src 'self'``, no ``'unsafe-inline'`` (which let any injected
``<img onerror>`` run on /help/en/). Material and mkdocs-glightbox write a few inline
``<script>`` blocks (``__md_scope`` per folder depth, the situation room …); once every
language is built, this hook hashes each one found in ``site/**/*.html`` (SHA-256, as CSP
Level 2 hashes them) and writes ``site/script-hashes.json``, which the app reads to send
``script-src 'self' 'sha256-…'``. An inline event handler (``onclick=…``), which no hash
can allow without ``'unsafe-hashes'``, fails the build with the page that holds it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path

import i18n_build  # overrides/hooks/i18n_build.py
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger("script_hashes")

#: What the app reads (site_app/help/script_hashes.py).
HASHES_FILE = "script-hashes.json"
#: ``type`` values a browser runs; ``application/json`` (Material's ``__config``) is data.
EXECUTED_TYPES = {"", "text/javascript", "application/javascript", "module"}


class InlineScripts(HTMLParser):
    """The text of every inline script a browser would run, and every inline handler."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        self.handlers += [f"<{tag} {name}=…>" for name, _ in attrs if name.startswith("on")]
        if tag == "script" and "src" not in named:
            kind = (named.get("type") or "").strip().lower()
            self._text = [] if kind in EXECUTED_TYPES else None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._text is not None:
            self.scripts.append("".join(self._text))
            self._text = None


def script_hash(text: str) -> str:
    """The CSP source that allows exactly this inline script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def site_script_hashes(site: Path) -> list[str]:
    """Every inline script's hash in the built ``site``; raises on an inline handler."""
    hashes: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        parser = InlineScripts()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        if parser.handlers:
            raise PluginError(
                f"{page.relative_to(site)}: inline event handlers {sorted(set(parser.handlers))}"
                " would be blocked by the guide's Content-Security-Policy; use a script file"
            )
        hashes.update(script_hash(text) for text in parser.scripts)
    return sorted(hashes)


@event_priority(-300)  # after help_center.py has written each language's 404 page
def on_post_build(config, **kwargs):
    """Once every language is built, write the hashes of the guide's inline scripts."""
    if i18n_build.inner_build(config):
        return  # an inner language build: the outer one sees every page
    site = Path(config.site_dir)
    hashes = site_script_hashes(site)
    (site / HASHES_FILE).write_text(json.dumps({"script-src": hashes}, indent=2) + "\n", "utf-8")
    log.info("Wrote %s (%d inline scripts)", HASHES_FILE, len(hashes))
