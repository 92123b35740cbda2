"""MkDocs hook for the bilingual help center.

mkdocs-static-i18n builds the default language (French) first, then every other
language from inside its own ``on_post_build``. This hook works with that order:

* help topics: every id listed in ``docs/topics.yml`` (read by ``topic_registry.py``)
  must be an explicit heading id (``## Title { #topic-id }``) in a page of *each*
  language, otherwise the build fails; the resulting map is written to
  ``site/topics.json`` for the account app;
* absolute links to the account app (``/login`` …, listed in ``extra.app_links``)
  pass ``--strict`` validation, every other absolute link still fails it;
* the language switcher links are made relative, so the site works under any prefix;
* search: one index per language (``search/`` and ``en/search/``), prepared for readers
  by ``help_search.py`` (elisions, accents, stems, stop words, synonyms, and each topic's
  references and keywords from the registry);
* one localized ``404.html`` per language.

Set ``HELP_SEARCH_PLAIN=1`` to keep the theme's own search index (``bench/search_quality.py``).
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import help_search
import topic_registry
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger("help_center")

#: A heading carrying an explicit id in an attribute list: ``## Title { #id }``.
HEADING_ID = re.compile(r"^#{1,6}\s.*\{[^}\n]*?#([A-Za-z0-9_-]+)[^}\n]*\}\s*$", re.MULTILINE)
CONFIG_SCRIPT = re.compile(
    r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S
)
APP_LINK_SCHEME = "help-app:"
#: ``toc.permalink_title`` is global; its text is translated per language here.
PERMALINK_TITLES = {"fr": "Lien permanent vers ce titre", "en": "Permanent link to this heading"}


class _State:
    """What the hook learned during the current run (all languages)."""

    def __init__(self) -> None:
        self.topics: dict[str, dict[str, str]] = {}
        self.not_found_pages: dict[str, str] = {}


_state = _State()


# -- helpers ----------------------------------------------------------------------


def _i18n(config):
    plugin = config.plugins.get("i18n")
    if plugin is None:
        raise PluginError("help_center hook: the i18n plugin is not configured")
    return plugin


def _language_prefix(lang: str, default: str) -> str:
    return "" if lang == default else f"{lang}/"


def _rebase_config_script(html: str, lang: str, default: str) -> str:
    """Point Material's JS (``__config.base``) at the language root.

    The search worker loads ``<base>/search/search_index.json`` and resolves
    result locations against the same base, so English pages must use ``en/``.
    """
    prefix = _language_prefix(lang, default)
    if not prefix:
        return html

    def rebase(match: re.Match) -> str:
        data = json.loads(match.group(2))
        base = data["base"].rstrip("/")
        data["base"] = f"{base}/{prefix}" if base else prefix
        return match.group(1) + json.dumps(data, ensure_ascii=False) + match.group(3)

    return CONFIG_SCRIPT.sub(rebase, html, count=1)


# -- events -----------------------------------------------------------------------


def on_pre_build(config, **kwargs):
    """Start a fresh run when the default language is about to be built."""
    i18n = _i18n(config)
    if not i18n.building:
        _state.__init__()


def on_nav(nav, config, files, **kwargs):
    """Check that every registered topic is an explicit heading id in this language."""
    i18n = _i18n(config)
    lang = i18n.current_language
    registry = topic_registry.load(config)
    found: dict[str, str] = {}
    untranslated = [
        file.src_uri
        for file in files.documentation_pages()
        if getattr(file, "locale", lang) != lang
    ]
    if untranslated:
        # We ship every language complete: a fallback page is a missing translation.
        raise PluginError(
            f"missing translation in language '{lang}': " + ", ".join(sorted(untranslated))
        )
    for file in files.documentation_pages():
        for topic in HEADING_ID.findall(file.content_string):
            if topic not in registry:
                continue
            if topic in found:
                raise PluginError(
                    f"help topic '{topic}' is defined twice in language '{lang}': "
                    f"{found[topic].split('#')[0]} and {file.url}"
                )
            found[topic] = f"{file.url}#{topic}"
    missing = [topic for topic in registry if topic not in found]
    if missing:
        raise PluginError(
            f"help topic{'s' if len(missing) > 1 else ''} missing in language '{lang}': "
            + ", ".join(f"'{topic}'" for topic in missing)
            + f" (registered in {topic_registry.registry_path(config).name}; "
            f"add '{{ #{missing[0]} }}' to a heading of that language)"
        )
    _state.topics[lang] = found
    return nav


def on_page_markdown(markdown, page, config, files, **kwargs):
    """Let absolute links to the account app through link validation.

    MkDocs validates every ``/path`` link; the allowed app paths are given a
    private scheme here and restored in ``on_page_content``.
    """
    for path in config.extra.get("app_links", []):
        markdown = re.sub(
            rf"\]\({re.escape(path)}([?#][^)\s]*)?\)",
            lambda m, p=path: f"]({APP_LINK_SCHEME}{p}{m.group(1) or ''})",
            markdown,
        )
    return markdown


def on_page_content(html, page, config, files, **kwargs):
    """Restore the app links marked in ``on_page_markdown``; localize permalink titles."""
    html = html.replace(f'href="{APP_LINK_SCHEME}', 'href="')
    title = PERMALINK_TITLES.get(_i18n(config).current_language)
    if title:
        html = html.replace('title="Permanent link"', f'title="{title}"')
    return html


@event_priority(-100)  # after the i18n plugin has set the links of this page
def on_page_context(context, page, config, nav, **kwargs):
    """Make the language switcher links relative (runs after the i18n plugin)."""
    prefix = _site_path(config)
    # The i18n plugin sets the attribute (not the item) that the template reads.
    for alternate in getattr(config.extra, "alternate", None) or []:
        link = alternate.get("link", "")
        if prefix and link.startswith(prefix):
            alternate["link"] = link[len(prefix) :] or "."
    return context


def _site_path(config) -> str:
    """The path the site is served under (``/help/``), from ``site_url``."""
    return urlsplit(config.site_url or "").path or "/"


def on_post_page(output, page, config, **kwargs):
    """English pages search the English index (see ``_rebase_config_script``)."""
    i18n = _i18n(config)
    return _rebase_config_script(output, i18n.current_language, i18n.default_language)


def on_template_context(context, template_name, config, **kwargs):
    """The 404 page is served at any depth: its switcher links to the language roots."""
    if template_name == "404.html":
        i18n = _i18n(config)
        config.extra.alternate = copy.deepcopy(i18n.extra_alternate)
    return context


def on_post_template(output, template_name, config, **kwargs):
    """Keep each language's 404 page (the i18n plugin would keep only the last one)."""
    if template_name == "404.html":
        i18n = _i18n(config)
        lang = i18n.current_language
        _state.not_found_pages[lang] = _rebase_config_script(output, lang, i18n.default_language)
    return output


@event_priority(-200)  # after the i18n plugin, which builds the other languages
def on_post_build(config, **kwargs):
    """Once every language is built: 404 pages, per-language search, topics.json."""
    i18n = _i18n(config)
    if i18n.building:
        return  # an inner language build: the outer one finishes the job
    site = Path(config.site_dir)
    default = i18n.default_language
    _write_not_found_pages(site, default)
    _split_search_index(site, i18n.build_languages, default)
    if not os.environ.get("HELP_SEARCH_PLAIN"):
        _prepare_search_indexes(config, site, i18n.build_languages, default)
    topics = {lang: _state.topics.get(lang, {}) for lang in i18n.build_languages}
    (site / "topics.json").write_text(
        json.dumps(topics, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    log.info("Wrote topics.json (%d topics)", len(topics.get(default, {})))


def _write_not_found_pages(site: Path, default: str) -> None:
    for lang, html in _state.not_found_pages.items():
        target = site / _language_prefix(lang, default) / "404.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


def _split_search_index(site: Path, languages: list[str], default: str) -> None:
    """Write one search index per language, with locations relative to its root."""
    path = site / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    prefixes = {lang: _language_prefix(lang, default) for lang in languages if lang != default}
    per_language: dict[str, list] = {lang: [] for lang in languages}
    for doc in index.get("docs", []):
        location = doc["location"]
        lang = next((lg for lg, p in prefixes.items() if location.startswith(p)), default)
        prefix = _language_prefix(lang, default)
        per_language[lang].append(dict(doc, location=location[len(prefix) :]))
    for lang, docs in per_language.items():
        target = site / _language_prefix(lang, default) / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        data = dict(index, docs=docs)
        data["config"] = dict(index.get("config", {}), lang=[lang])
        target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _prepare_search_indexes(config, site: Path, languages: list[str], default: str) -> None:
    """Make each language's index understand its readers (see ``help_search.py``)."""
    registry = topic_registry.load(config)
    unknown = {lang for t in registry.values() for lang in t["keywords"]} - set(languages)
    if unknown:
        raise PluginError(
            f"help topics: keywords for unknown language(s) {', '.join(sorted(unknown))} "
            f"in {topic_registry.registry_path(config).name} (languages: {', '.join(languages)})"
        )
    search_dir = Path(config.docs_dir) / "search"
    for lang in languages:
        path = site / _language_prefix(lang, default) / "search" / "search_index.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        language = help_search.language(lang, data["config"]["separator"], config.docs_dir)
        rules = help_search.load_synonyms(search_dir / f"synonyms.{lang}.yml")
        topics = {
            topic: (entry["references"], entry["keywords"].get(lang, []))
            for topic, entry in registry.items()
        }
        data = help_search.prepare_index(data, language, rules, topics)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
