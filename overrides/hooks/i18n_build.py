"""What the hooks read of mkdocs-static-i18n, in one place.

The plugin is pinned (``mkdocs-static-i18n==1.3.1``, frozen upstream) and the hooks use
its internals: which language is being built, the default one, the built ones, their
settings, the language switcher's links. Read only here, so the pin reaches one file and
a move to another plugin (or to Zensical, see GOTCHAS) changes this file, not the hooks.

The plugin builds the default language first, then every other language from inside its
own ``on_post_build``: :func:`inner_build` tells those inner builds apart.
"""

from __future__ import annotations

import copy

from mkdocs.exceptions import PluginError


def _plugin(config, required: bool = True):
    plugin = config.plugins.get("i18n")
    if plugin is None and required:
        raise PluginError("the i18n plugin (mkdocs-static-i18n) is not configured")
    return plugin


def inner_build(config) -> bool:
    """True while a language other than the default is built (inside the outer build)."""
    plugin = _plugin(config, required=False)
    return plugin is not None and plugin.building


def current_language(config) -> str:
    """The language being built now."""
    return _plugin(config).current_language


def default_language(config) -> str:
    """The source language (French), built first, at the root of the site."""
    return _plugin(config).default_language


def build_languages(config) -> list[str]:
    """The languages built, the default first."""
    return list(_plugin(config).build_languages)


def all_languages(config) -> list[str]:
    """Every configured language, built or not (file suffixes may name any of them)."""
    return list(_plugin(config).all_languages)


def language_settings(config) -> dict:
    """The settings of each built language (``locale`` → its entry; ``.extra`` …)."""
    return {lang.locale: lang for lang in _plugin(config).config.languages if lang.build}


def switcher_links(config) -> list:
    """The language switcher's links of the page being built (a copy)."""
    return copy.deepcopy(_plugin(config).extra_alternate)
