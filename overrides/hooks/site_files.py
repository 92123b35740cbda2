"""The files the help center build writes once per language, after every language is built.

mkdocs-static-i18n builds every language into the same ``site/``, so the files a theme
writes once (``404.html``, ``sitemap.xml``, ``search/search_index.json``) would hold the
last language only. ``help_center.py`` keeps each language's copy; this module writes them.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

CONFIG_SCRIPT = re.compile(
    r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S
)


def language_prefix(lang: str, default: str) -> str:
    """``en/`` for English, nothing for the default language (French, at the root)."""
    return "" if lang == default else f"{lang}/"


def rebase_config_script(html: str, lang: str, default: str) -> str:
    """Point Material's JS (``__config.base``) at the language root; start its search worker
    through the guide's.

    The search worker loads ``<base>/search/search_index.json`` and resolves
    result locations against the same base, so English pages must use ``en/``.
    """
    import help_search  # beside this file; imported late: it imports nothing of ours back

    prefix = language_prefix(lang, default)
    own_search = not os.environ.get("HELP_SEARCH_PLAIN")
    if not prefix and not own_search:
        return html

    def rebase(match: re.Match) -> str:
        data = json.loads(match.group(2))
        if prefix:
            base = data["base"].rstrip("/")
            data["base"] = f"{base}/{prefix}" if base else prefix
        if own_search:  # Material's worker behind the guide's (help_search.worker_address)
            data["search"] = help_search.worker_address(data["search"])
        return match.group(1) + json.dumps(data, ensure_ascii=False) + match.group(3)

    return CONFIG_SCRIPT.sub(rebase, html, count=1)


def write_per_language(site: Path, name: str, pages: dict[str, str], default: str) -> None:
    """Write each language's copy of ``name`` (``404.html``) at that language's root."""
    for lang, html in pages.items():
        target = site / language_prefix(lang, default) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


def write_sitemaps(
    site: Path, sitemaps: dict[str, str], pages: dict[str, list[str]], default: str
) -> None:
    """Each language's ``sitemap.xml`` at its root, and beside each of its pages.

    Material's language selector fetches ``sitemap.xml`` beside every
    ``<link rel="alternate">`` of the page, which are the page's translations
    (not the language roots it expects): without a copy there, every page
    logs a 404 in the reader's console.
    """
    for lang, xml in sitemaps.items():
        root = site / language_prefix(lang, default)
        folders = {root} | {site / url for url in pages.get(lang, []) if url.endswith("/")}
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "sitemap.xml").write_text(xml, encoding="utf-8")
        (root / "sitemap.xml.gz").write_bytes(gzip.compress(xml.encode("utf-8"), mtime=0))


def split_search_index(site: Path, languages: list[str], default: str) -> None:
    """Write one search index per language, with locations relative to its root."""
    path = site / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    prefixes = {lang: language_prefix(lang, default) for lang in languages if lang != default}
    per_language: dict[str, list] = {lang: [] for lang in languages}
    for doc in index.get("docs", []):
        location = doc["location"]
        lang = next((lg for lg, p in prefixes.items() if location.startswith(p)), default)
        prefix = language_prefix(lang, default)
        per_language[lang].append(dict(doc, location=location[len(prefix) :]))
    for lang, docs in per_language.items():
        target = site / language_prefix(lang, default) / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        data = dict(index, docs=docs)
        data["config"] = dict(index.get("config", {}), lang=[lang])
        target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
