"""The account app's own words, searchable from every language's guide (issue 21).

A reader who has not switched the language yet types what the app showed in French
(« VEUILLEZ ACTIVER VOTRE COMPTE », « Mot de passe oublié ? ») into the English or Arabic
guide. Each topic of ``docs/topics.yml`` names the strings the app shows for it
(``app_strings``: msgids of the app's catalogs); ``help_search.py`` indexes their text, in
the guide's default language and in the page's language, as a hidden field of the
topic's heading. The text is read from the catalogs (``extra: app_catalogs:`` in
``mkdocs.yml``, ``site_app/translations/<lang>/LC_MESSAGES/messages.po``) at build time,
never copied: a reworded translation is searchable at the next build, and a msgid that a
catalog no longer holds is a build warning (an error with ``--strict``).
"""

from __future__ import annotations

import re
from pathlib import Path

import topic_registry
from babel.messages.pofile import read_po
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("help_search")

#: ``%(num)d``, ``%(email)s``: filled in by the app, not words a reader types.
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-z]|%[a-z]")


#: Catalogs read, by path: ``make docs-serve`` rebuilds often, the catalogs rarely change.
_READ: dict[Path, tuple[float, object]] = {}


def _read(path: Path, lang: str):
    try:
        mtime = path.stat().st_mtime
        if path not in _READ or _READ[path][0] != mtime:
            with path.open("rb") as file:
                _READ[path] = (mtime, read_po(file, locale=lang))
    except (OSError, ValueError) as error:
        raise PluginError(f"search: cannot read {path}: {error}") from error
    return _READ[path][1]


class Catalogs:
    """The app's catalogs: what it shows for a msgid in each language."""

    def __init__(self, directory: Path, languages: list[str]):
        self.directory = directory
        self.catalogs = {}
        for lang in languages:
            path = self.path(lang)
            if path.exists():
                self.catalogs[lang] = _read(path, lang)

    def path(self, lang: str) -> Path:
        return self.directory / lang / "LC_MESSAGES" / "messages.po"

    def missing(self, msgid: str) -> list[Path]:
        """The catalogs that do not hold ``msgid`` (obsolete entries do not count)."""
        return [self.path(lang) for lang, c in self.catalogs.items() if c.get(msgid) is None]

    def texts(self, msgid: str, languages: list[str]) -> list[str]:
        """Every form (plurals too) the app shows for ``msgid`` in ``languages``, placeholders
        out.

        A language without a catalog shows the msgid (the app's source language), as does an
        entry not translated yet.
        """
        shown = []
        for lang in languages:
            message = self.catalogs[lang].get(msgid) if lang in self.catalogs else None
            ids = [msgid]
            strings = []
            if message is not None:
                ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
                strings = message.string if isinstance(message.string, tuple) else [message.string]
            shown += [s for s in strings if s] or ids
        return [PLACEHOLDER.sub(" ", text) for text in dict.fromkeys(shown)]


def load(config, registry: dict, languages: list[str]) -> Catalogs:
    """The app's catalogs (``extra: app_catalogs:`` of ``mkdocs.yml``); a warning (an error
    with ``--strict``) for each app string of the registry that one of them does not hold."""
    directory = Path(config.config_file_path).parent / config.extra.get("app_catalogs", "")
    catalogs = Catalogs(directory, languages)
    for topic, entry in registry.items():
        for msgid in entry["app_strings"]:
            for path in catalogs.missing(msgid):
                log.warning(
                    "help topic '%s' names the app string %r, which %s does not hold: "
                    "update its app_strings in %s",
                    topic,
                    msgid,
                    path,
                    topic_registry.registry_path(config).name,
                )
    return catalogs
