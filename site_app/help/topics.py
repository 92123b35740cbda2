"""Help topics: stable ids that lead to the paragraph of the guide that explains them.

The help center build (``overrides/hooks/help_center.py``) checks that every registered topic
exists in every language and writes ``topics.json`` (topic → URL per language)
into the built site; this module reads it, so the app never hand-writes a
guide URL.
"""

import json
from pathlib import Path

from flask import current_app, url_for
from flask_babel import get_locale


def topic_map() -> dict[str, dict[str, str]]:
    """The ``{language: {topic: path}}`` map of the built guide (empty if not built)."""
    path = Path(current_app.config["HELP_SITE_DIR"]) / "topics.json"
    try:
        stat = path.stat()
    except OSError:
        return {}
    cache = current_app.extensions.setdefault("help_topics", {})
    if cache.get("mtime") != stat.st_mtime:
        cache.update(mtime=stat.st_mtime, data=json.loads(path.read_text(encoding="utf-8")))
    return cache["data"]


def topic_map_version() -> float | None:
    """Changes whenever the guide is rebuilt (the map's modification time)."""
    topic_map()
    return current_app.extensions.get("help_topics", {}).get("mtime")


def resolve(topic: str, locale: str) -> str | None:
    """Path of ``topic`` in the guide of ``locale`` (French when unknown), or None."""
    topics = topic_map()
    languages = current_app.config["LANGUAGES"]
    for language in (locale, languages[0]):
        path = topics.get(language, {}).get(topic)
        if path is not None:
            return "/help/" + path
    return None


def help_url(topic: str, locale: str | None = None, external: bool = False) -> str:
    """The link to ``topic``: straight to its paragraph, or the stable /help/go redirect.

    Mails use the stable redirect (``external``), since they outlive page moves; it is
    built on ``PUBLIC_URL`` (:mod:`site_app.security.hosts`), never on the request's ``Host``.
    """
    locale = locale or str(get_locale())
    if external:
        from ..security.hosts import public_url_for

        return public_url_for("help.go", topic=topic, lang=locale)
    return resolve(topic, locale) or url_for("help.go", topic=topic, lang=locale)
