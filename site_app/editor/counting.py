"""Counting what the editors' report shows, per help topic, language and UTC day.

Each event adds one to a row of :class:`HelpCount` with one
atomic upsert (``INSERT … ON CONFLICT DO UPDATE SET count = count + n``, SQLite and
PostgreSQL alike), so the counts hold across gunicorn workers and machines and two
workers counting at once both count. Nothing about the person is stored.

The hooks elsewhere are one line each:

* an error page (:func:`site_app.errors.error_response`, the link pages, the sign-in
  page's B1 message) calls :func:`count_shown`;
* a mail that links a topic is counted by :func:`watch_help_links` and
  :func:`count_mail_links` in :func:`site_app.mail.outbox.queue_mail`, in the
  transaction that queues it (a mail rolled back is not counted);
* ``/help/go/<topic>`` calls :func:`count_followed`;
* the contact suggestions (issue 23) call :func:`count_answered` when a reader says a
  suggestion answered the question.

An error page is counted on a connection of its own, committed at once: the request's
own transaction may be failing (that is why a 500 page is shown) and must not be
committed by counting. A count that cannot be written is logged and lost; the page is
answered anyway.
"""

import logging
import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from functools import cache

from flask import current_app
from sqlalchemy import String, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

log = logging.getLogger(__name__)

SHOWN, FOLLOWED, ANSWERED = "shown", "followed", "answered"
#: What a count counts: an error page or mail that links the topic; a reader who followed
#: ``/help/go/<topic>``; a question a contact suggestion answered (issue 23).
KINDS = (SHOWN, FOLLOWED, ANSWERED)

_PENDING = "editor_help_counts"
#: ``E500-1A2B3C``: one incident's reference; counted as ``E500`` (a row per incident
#: would grow the table with every crash).
_INCIDENT = re.compile(r"(E500)-[0-9A-F]{6}")


class HelpCount(db.Model):
    """How often something happened for a help topic, in one language, on one UTC day.

    ``kind`` says what (:data:`KINDS`); ``reference`` is what the person saw that named it
    (``B2``, ``E404``, ``mail:activate``; empty when nothing did).
    Only these aggregates are stored: no address, no IP, no account.
    """

    __tablename__ = "help_count"

    day: Mapped[date] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


def counted_reference(reference: str | None) -> str:
    """The reference a count is kept under: an incident's reference without its id."""
    reference = reference or ""
    match = _INCIDENT.fullmatch(reference)
    return match.group(1) if match else reference[:40]


def count_shown(topic: str, reference: str | None, lang: str) -> None:
    """An error page that points to ``topic`` was shown, in ``lang``."""
    _write(Counter({(topic, lang, SHOWN, counted_reference(reference)): 1}))


def count_followed(topic: str, lang: str) -> None:
    """A reader followed ``/help/go/<topic>`` to the topic in ``lang``."""
    _write(Counter({(topic, lang, FOLLOWED, ""): 1}))


def count_answered(topic: str, lang: str) -> None:
    """Hook for the contact suggestions (issue 23): a suggestion of ``topic`` answered the
    question of a reader writing in ``lang``, who then did not need to write."""
    _write(Counter({(topic, lang, ANSWERED, ""): 1}))


def watch_help_links(context: dict) -> set[str]:
    """Note the topics a mail's templates link: wraps ``context["help"]`` in place.

    Returns the set that fills as the templates are rendered.
    """
    linked: set[str] = set()
    link = context.get("help")
    if link is not None:

        def noted(topic, *args, **kwargs):
            linked.add(topic)
            return link(topic, *args, **kwargs)

        context["help"] = noted
    return linked


def count_mail_links(kind: str, lang: str, topics: Iterable[str]) -> None:
    """Count a mail queued in the session for each topic it links, once the session commits."""
    pending = db.session.info.setdefault(_PENDING, Counter())
    for topic in topics:
        pending[(topic, lang, SHOWN, f"mail:{kind}")] += 1


@event.listens_for(db.session, "before_commit")
def _write_pending(session) -> None:
    """Add the mails' counts in their own transaction, just before it commits: counted only
    if they are, on the same connection, holding the counts' rows for the commit alone."""
    pending = session.info.pop(_PENDING, None)
    if not pending or not current_app.config["HELP_COUNTING"]:
        return
    dialect = session.get_bind().dialect.name
    try:
        if dialect == "postgresql":  # a failed statement would fail the commit: a savepoint
            with session.begin_nested():
                session.execute(*upsert(dialect, pending))
        else:  # SQLite undoes only the failed statement
            session.execute(*upsert(dialect, pending))
    except SQLAlchemyError:  # the mails matter more than their counts
        log.warning("help counts lost: %s", dict(pending), exc_info=True)


@event.listens_for(db.session, "after_soft_rollback")
def _forget_pending(session, previous_transaction) -> None:
    session.info.pop(_PENDING, None)


def _write(counts: Counter) -> None:
    """Add ``counts`` to today's rows, in one statement on a connection of its own."""
    if not current_app.config["HELP_COUNTING"]:
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(*upsert(connection.dialect.name, counts))
    except SQLAlchemyError:
        log.warning("help counts lost: %s", dict(counts), exc_info=True)


@cache
def _statement(dialect: str):
    """The upsert, built once per dialect so SQLAlchemy compiles it once (rows are bound)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # the app runs on these two (README, Production)
        raise ValueError(f"help counts need SQLite or PostgreSQL, not {dialect}")
    statement = insert(HelpCount)
    return statement.on_conflict_do_update(
        index_elements=["day", "topic", "lang", "kind", "reference"],
        set_={"count": HelpCount.count + statement.excluded["count"]},
    )


def upsert(dialect: str, counts: Counter, day=None) -> tuple:
    """``INSERT … ON CONFLICT DO UPDATE`` adding ``counts`` to the rows of ``day`` (today),
    as ``(statement, rows)`` for ``execute``.

    Rows go in key order, so two transactions lock shared rows in the same order.
    """
    day = day or utcnow().date()
    rows = [
        {"day": day, "topic": topic, "lang": lang, "kind": kind, "reference": ref, "count": n}
        for (topic, lang, kind, ref), n in sorted(counts.items())
    ]
    return _statement(dialect), rows
