"""MkDocs hook for the bilingual help center.

mkdocs-static-i18n builds the default language (French) first, then every other
language from inside its own ``on_post_build``. This hook works with that order:

* help topics: every id listed in ``docs/topics.yml`` (read by ``topic_registry.py``)
  must be an explicit heading id (``## Title { #topic-id }``) in a page of *each*
  language, otherwise the build fails; the resulting map is written to
  ``site/topics.json`` for the account app;
* absolute links to the account app (``/login`` …, listed in ``extra.app_links``)
  pass ``--strict`` validation, every other absolute link still fails it;
* the language switcher links are relative, so the site works under any prefix, and
  the ``<link rel="alternate" hreflang>`` of each page are absolute (from ``site_url``);
* search: one index per language (``search/`` and ``en/search/``), prepared for readers
  by ``help_search.py`` (elisions, accents, endings, stop words, synonyms, and each
  topic's references, keywords and app strings from the registry); every page starts
  the guide's search worker, which runs Material's (``__config.search``);
* one localized ``404.html`` and one ``sitemap.xml`` (with ``hreflang`` alternates) per
  language;
* the guide's own strings (``extra: ui:`` of each language) have the same keys in
  every language; every page exists in every language (``fallback_to_default`` is off),
  and files without a language suffix (the screenshots) are given to every language.

The per-language files are written by ``site_files.py``, beside this hook.

Set ``HELP_SEARCH_PLAIN=1`` to keep the theme's own search index (``bench/search_quality.py``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import help_search
import i18n_build  # overrides/hooks/i18n_build.py: all we read of mkdocs-static-i18n
import site_files  # overrides/hooks/site_files.py (MkDocs puts a hook's folder on sys.path)
import topic_registry
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import get_files

log = get_plugin_logger("help_center")

#: A heading carrying an explicit id in an attribute list: ``## Title { #id }``.
HEADING_ID = re.compile(r"^#{1,6}\s.*\{[^}\n]*?#([A-Za-z0-9_-]+)[^}\n]*\}\s*$", re.MULTILINE)
APP_LINK_SCHEME = "help-app:"


class _State:
    """What the hook learned during the current run (all languages)."""

    def __init__(self) -> None:
        self.topics: dict[str, dict[str, str]] = {}
        self.not_found_pages: dict[str, str] = {}
        self.sitemaps: dict[str, str] = {}
        #: The default language's pages, which every language must have.
        self.page_names: set[str] = set()
        #: Page URLs (``en/troubleshooting/``) per language.
        self.pages: dict[str, list[str]] = {}


_state = _State()


# -- helpers ----------------------------------------------------------------------


def _page_name(src_uri: str, languages) -> str:
    """``troubleshooting.en.md`` → ``troubleshooting``: the page, whatever its language."""
    name = src_uri.removesuffix(".md")
    for lang in languages:
        name = name.removesuffix(f".{lang}")
    return name


# -- events -----------------------------------------------------------------------


def on_pre_build(config, **kwargs):
    """Start a fresh run when the default language is about to be built."""
    global _state
    if not i18n_build.inner_build(config):
        _state = _State()
        check_ui_strings(config)


def check_ui_strings(config) -> None:
    """Every language defines the same ``extra: ui:`` strings as the default one.

    The templates read them (``config.extra.ui.account`` …); a string missing in a
    language would render as nothing.
    """
    languages = i18n_build.language_settings(config)
    default = i18n_build.default_language(config)
    expected = set(((languages[default].extra or {}).get("ui") or {}).keys())
    if not expected:
        raise PluginError(f"language '{default}' has no 'extra: ui:' strings in mkdocs.yml")
    for locale, language in languages.items():
        keys = set(((language.extra or {}).get("ui") or {}).keys())
        if keys != expected:
            missing, unknown = sorted(expected - keys), sorted(keys - expected)
            raise PluginError(
                f"'extra: ui:' strings of language '{locale}' differ from '{default}': "
                f"missing {missing}, unknown {unknown}"
            )


@event_priority(-200)  # after the i18n plugin has chosen this language's files
def on_files(files, config, **kwargs):
    """Give every language the files of ``docs/`` that have no language suffix.

    With ``fallback_to_default: false`` the i18n plugin puts no French page in the
    English site (good: every page must be translated), but it also drops every
    file without a language suffix, such as ``assets/screenshots/en/home.png``.
    Those are shared by all languages: they are put back.
    """
    languages = i18n_build.all_languages(config)
    suffix = re.compile(r"\.(" + "|".join(map(re.escape, languages)) + r")\.[^./]+$")
    present = {file.src_uri for file in files}
    for file in get_files(config):
        if (
            not file.is_documentation_page()
            and file.src_uri not in present
            and not suffix.search(file.src_uri)
        ):
            files.append(file)
    return files


def on_nav(nav, config, files, **kwargs):
    """Check that every registered topic is an explicit heading id in this language."""
    lang = i18n_build.current_language(config)
    languages = i18n_build.all_languages(config)
    registry = topic_registry.load(config)
    found: dict[str, str] = {}
    # Every page exists in every language (fallback_to_default is off).
    pages = {_page_name(file.src_uri, languages) for file in files.documentation_pages()}
    if lang == i18n_build.default_language(config):
        _state.page_names = pages
    missing_pages = sorted(_state.page_names - pages)
    if missing_pages:
        raise PluginError(
            f"missing translation in language '{lang}': "
            + ", ".join(f"{name}.{lang}.md" for name in missing_pages)
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
    # ``toc.permalink_title`` is one setting for every language; its text is the page's here.
    title = config.extra["ui"]["permalink"]
    return html.replace('title="Permanent link"', f'title="{title}"')


@event_priority(-100)  # after the i18n plugin has set the links of this page
def on_page_context(context, page, config, nav, **kwargs):
    """This page in the other languages: absolute for the head, relative for the switcher.

    Search engines ignore relative ``hreflang`` links; the switcher's links stay
    relative (``switch_link``, read by ``partials/alternate.html``) so the guide
    works at whatever address it is previewed.
    """
    prefix = _site_path(config)
    # The i18n plugin sets the attribute (not the item) that the template reads.
    for alternate in getattr(config.extra, "alternate", None) or []:
        link = alternate.get("link", "")
        if prefix and link.startswith(prefix):
            link = link[len(prefix) :]
        alternate["switch_link"] = link or "."
        alternate["link"] = urljoin(config.site_url or "", link)
    return context


def _site_path(config) -> str:
    """The path the site is served under (``/help/``), from ``site_url``."""
    return urlsplit(config.site_url or "").path or "/"


def on_post_page(output, page, config, **kwargs):
    """English pages search the English index (see ``site_files.rebase_config_script``)."""
    lang, default = i18n_build.current_language(config), i18n_build.default_language(config)
    _state.pages.setdefault(lang, []).append(page.url)
    return site_files.rebase_config_script(output, lang, default)


def on_template_context(context, template_name, config, **kwargs):
    """The 404 page is served at any depth: its switcher links to the language roots."""
    if template_name == "404.html":
        config.extra.alternate = i18n_build.switcher_links(config)
    return context


def on_post_template(output, template_name, config, **kwargs):
    """Keep each language's 404 page and sitemap (the last language's would win)."""
    lang, default = i18n_build.current_language(config), i18n_build.default_language(config)
    if template_name == "404.html":
        _state.not_found_pages[lang] = site_files.rebase_config_script(output, lang, default)
    elif template_name == "sitemap.xml":
        _state.sitemaps[lang] = output
    return output


@event_priority(-200)  # after the i18n plugin, which builds the other languages
def on_post_build(config, **kwargs):
    """Once every language is built: 404 pages, per-language search, topics.json."""
    if i18n_build.inner_build(config):
        return  # an inner language build: the outer one finishes the job
    site = Path(config.site_dir)
    default = i18n_build.default_language(config)
    languages = i18n_build.build_languages(config)
    site_files.write_per_language(site, "404.html", _state.not_found_pages, default)
    site_files.write_sitemaps(site, _state.sitemaps, _state.pages, default)
    site_files.split_search_index(site, languages, default)
    if not os.environ.get("HELP_SEARCH_PLAIN"):
        help_search.prepare_site(config, site, languages, default)
    topics = {lang: _state.topics.get(lang, {}) for lang in languages}
    (site / "topics.json").write_text(
        json.dumps(topics, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    log.info("Wrote topics.json (%d topics)", len(topics.get(default, {})))
