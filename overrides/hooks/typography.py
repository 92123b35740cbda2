"""The guide's typography, by machine (issue 22, items 5 and 6): editors type plain spaces
and plain Latin text, every page gets what its language needs.

- French pages: a no-break space before ``: ; ? !`` and inside « » (text and ``alt``).
- Right-to-left pages (Arabic): each Latin run with a dot, a slash, ``@``, ``:`` or ``-``
  (an IP, an address, a URL, a reference) in ``<bdi>``, each inline ``<code>`` too (inline
  code does not isolate: ``203.0.113.x`` showed as ``x.203.0.113``); in an ``alt`` text,
  which holds no markup and is also the enlarged figure's caption, the Unicode isolates
  U+2066 … U+2069.

Code, preformatted text, scripts and what is already isolated (``<bdi>``, ``dir=…``) are
left alone. The rules live in ``site_app/typography.py``, shared with the app's catalogs.
"""

from __future__ import annotations

import re

import i18n_build  # overrides/hooks/i18n_build.py: what the hooks read of the i18n plugin
from babel import Locale
from mkdocs.plugins import event_priority

from site_app import typography

TOKENS = re.compile(r"(<!--.*?-->|<[^>]+>)", re.S)
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*?)(/?)>", re.S)
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
#: Elements whose text is not prose.
SKIP = {"code", "pre", "script", "style", "kbd", "samp", "textarea", "svg", "math"}
ALT = re.compile(r'(\salt=")([^"]*)(")')


def _direction(lang: str) -> str:
    try:
        return Locale.parse(lang).text_direction
    except (ValueError, TypeError):
        return "ltr"


def apply(html: str, lang: str) -> str:
    """``html`` (a page's content) with the typography of ``lang``."""
    french = lang.split("_")[0] == "fr"
    rtl = _direction(lang) == "rtl"
    if not (french or rtl):
        return html
    alt_rule = typography.french if french else typography.isolate_latin_runs
    out = []
    stack: list[tuple[str, bool, bool]] = []  # (tag, skips its text, closes a <bdi>)
    for token in TOKENS.split(html):
        if not token:
            continue
        skipping = any(skip for _, skip, _ in stack)
        tag = TAG.fullmatch(token) if token.startswith("<") else None
        if token.startswith("<!--") or (token.startswith("<") and not tag):
            out.append(token)
        elif tag:
            closing, name, attrs, self_closing = tag.groups()
            name = name.lower()
            if closing:
                while stack:
                    opened, _, bdi = stack.pop()
                    if opened == name:
                        out.append(token + ("</bdi>" if bdi else ""))
                        break
                else:
                    out.append(token)
                continue
            if not skipping:
                token = ALT.sub(lambda m: m.group(1) + alt_rule(m.group(2)) + m.group(3), token)
            if name in VOID or self_closing:
                out.append(token)
                continue
            isolated = rtl and (name == "bdi" or " dir=" in attrs)
            wrap = rtl and name == "code" and not skipping and not isolated
            stack.append((name, name in SKIP or isolated, wrap))
            out.append(("<bdi>" if wrap else "") + token)
        elif skipping:
            out.append(token)
        elif french:
            out.append(typography.french(token))
        else:
            out.append(typography.LATIN_RUN.sub(lambda m: f"<bdi>{m.group(0)}</bdi>", token))
    return "".join(out)


@event_priority(-300)  # last: after the hooks that add figures, links and scripts
def on_post_page(output, page, config, **kwargs):
    """Apply the typography of the page's language to its body: the article, and the
    theme's words around it (the feedback form, the header's link)."""
    lang = i18n_build.current_language(config)
    head, body_tag, body = output.partition("<body")
    return head + body_tag + apply(body, lang) if body_tag else output
