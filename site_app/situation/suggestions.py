"""The contact form answers before support must: the guide's search, run on the contact page.

The page (``templates/contact/index.html``) carries where the guide's search lives for its
language — the worker the guide's home page starts (its ``__config.search``: the guide's
``search-worker.js`` in front of Material's) and the language's ``search_index.json`` —
and ``static/js/suggestions.js`` runs that same worker on what is typed, as the guide's
search box does. "This answered my question" is counted here (``POST
/api/contact/answered``); ``flask help report`` prints the counts beside the messages sent.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin

from flask import current_app
from sqlalchemy import func, select

from ..clock import utcnow
from ..extensions import db
from ..models import ContactDeflection, ContactMessage

CONFIG = re.compile(r'<script id="__config"[^>]*>(.*?)</script>', re.S)


def _root(lang: str) -> str:
    """The guide's address for ``lang``: /help/ for the first language, /help/<lang>/ else."""
    return "/help/" if lang == current_app.config["LANGUAGES"][0] else f"/help/{lang}/"


def guide_search(lang: str) -> dict | None:
    """``{"worker", "index", "root"}`` of the guide's search in ``lang``, or None when the
    guide is not built. Read from the language's home page, once per build."""
    root = _root(lang)
    home = Path(current_app.config["HELP_SITE_DIR"]) / root.removeprefix("/help/") / "index.html"
    try:
        mtime = home.stat().st_mtime
    except OSError:
        return None
    cache = current_app.extensions.setdefault("guide_search", {})
    if cache.get(lang, (None,))[0] != mtime:
        match = CONFIG.search(home.read_text(encoding="utf-8"))
        worker = json.loads(match.group(1)).get("search") if match else None
        found = None
        if worker:
            found = {
                "worker": urljoin(root, worker),
                "index": urljoin(root, "search/search_index.json"),
                "root": root,
            }
        cache[lang] = (mtime, found)
    return cache[lang][1]


def record_answered(page: str, topic: str, lang: str) -> None:
    """Count one question answered by a suggestion (the caller checked the values)."""
    db.session.add(ContactDeflection(page=page, topic=topic, lang=lang))
    db.session.commit()


@dataclass
class ContactCounts:
    """Over a period: messages written to support, questions a suggestion answered."""

    written: int
    answered: int
    #: (guide paragraph, language, how many times it answered), most first.
    by_page: list[tuple[str, str, int]]


def contact_counts(days: int) -> ContactCounts:
    """The contact form's counts over the last ``days``."""
    since = utcnow() - timedelta(days=days)
    written = db.session.scalar(
        select(func.count(ContactMessage.id)).where(ContactMessage.created_at >= since)
    )
    rows = db.session.execute(
        select(ContactDeflection.page, ContactDeflection.lang, func.count(ContactDeflection.id))
        .where(ContactDeflection.created_at >= since)
        .group_by(ContactDeflection.page, ContactDeflection.lang)
        .order_by(func.count(ContactDeflection.id).desc(), ContactDeflection.page)
        .limit(20)
    ).all()
    answered = db.session.scalar(
        select(func.count(ContactDeflection.id)).where(ContactDeflection.created_at >= since)
    )
    return ContactCounts(written, answered, [(page, lang, n) for page, lang, n in rows])
