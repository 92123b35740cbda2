"""The help topic registry (``docs/topics.yml``): what each topic is and how readers find it.

A topic is ``topic-id: short description``, or a mapping with ``description``,
``references`` (what the app prints: B1, E404 …, each owned by one topic),
``keywords`` per language (comma-separated words readers type for it) and
``app_strings`` (the app's own strings shown for it: msgids of its catalogs; a label shown
on the screens of two topics belongs to both; their text comes from the catalogs, see
``app_strings.py``). The format is
documented at the top of ``docs/topics.yml`` and in ``docs/CONTRIBUTING.md``.

Set ``HELP_TOPICS_FILE`` to read another registry (used by the tests).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError


def registry_path(config) -> Path:
    """``docs/topics.yml``, or the file named by ``HELP_TOPICS_FILE``."""
    override = os.environ.get("HELP_TOPICS_FILE")
    return Path(override) if override else Path(config.docs_dir) / "topics.yml"


def load(config) -> dict[str, dict]:
    """Read the topic registry (format in ``docs/topics.yml``).

    Each topic is ``topic-id: short description``, or a mapping with ``description``,
    optional ``references`` (what the app prints: B1, E404 …), optional ``keywords``
    per language (words readers type for it) and optional ``app_strings`` (msgids).
    Returned as mappings with all four keys.
    """
    path = registry_path(config)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PluginError(f"help topics: cannot read the registry {path}: {error}") from error
    if not isinstance(data, dict) or not data:
        raise PluginError(f"help topics: {path} must map each topic id to a description")
    registry: dict[str, dict] = {}
    owners: dict[str, str] = {}
    for topic, entry in data.items():
        entry = {"description": entry} if isinstance(entry, str) else entry
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("description"), str)
            or set(entry) - {"description", "references", "keywords", "app_strings"}
            or not isinstance(entry.get("references") or [], list)
            or not isinstance(entry.get("keywords") or {}, dict)
            or not isinstance(entry.get("app_strings") or [], list)
        ):
            raise PluginError(
                f"help topics: '{topic}' in {path.name} needs a description, and may have "
                "references (a list), keywords (per language) and app_strings (a list)"
            )
        references = [str(ref) for ref in entry.get("references") or []]
        for ref in references:
            if ref.upper() in owners:
                raise PluginError(
                    f"help topics: reference {ref} belongs to '{owners[ref.upper()]}' "
                    f"and '{topic}' in {path.name}"
                )
            owners[ref.upper()] = str(topic)
        app_strings = list(dict.fromkeys(str(msgid) for msgid in entry.get("app_strings") or []))
        keywords = {
            str(lang): words if isinstance(words, list) else str(words).split(",")
            for lang, words in (entry.get("keywords") or {}).items()
        }
        registry[str(topic)] = {
            "description": entry["description"],
            "references": references,
            "keywords": {
                lang: [str(w).strip() for w in ws if str(w).strip()]
                for lang, ws in keywords.items()
            },
            "app_strings": app_strings,
        }
    return registry
