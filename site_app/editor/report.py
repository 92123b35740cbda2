"""The editors' report: per help topic and language, over a period of UTC days.

It joins what the app counted (:mod:`.counting`: errors shown, help links followed,
questions answered by a suggestion) with what readers left: votes and comments on the
topic's page, failed searches, and contact messages that carried an error's reference.
Like :mod:`site_app.accounts`, nothing here reads the request.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..help.topics import topic_map
from ..models import ContactMessage, FailedSearch, PageFeedback
from .counting import ANSWERED, FOLLOWED, SHOWN, HelpCount, counted_reference

#: The figures of one topic in one language (a day's, or the period's).
FIGURES = ("shown", "followed", "contact", "answered", "helpful", "not_helpful", "comments")
#: The longest period a report covers.
MAX_DAYS = 366


@dataclass
class Figures:
    shown: int = 0
    followed: int = 0
    contact: int = 0
    answered: int = 0
    #: Votes and comments on the guide page that holds the topic, in that language.
    helpful: int = 0
    not_helpful: int = 0
    comments: int = 0

    def add(self, other: "Figures") -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TopicRow(Figures):
    topic: str = ""
    lang: str = ""
    page: str | None = None
    #: The references the errors were shown under (``E404``, ``mail:activate`` …) → count.
    references: Counter = field(default_factory=Counter)


@dataclass
class PageVotes:
    page: str
    lang: str
    helpful: int = 0
    not_helpful: int = 0
    comments: list[str] = field(default_factory=list)


@dataclass
class Report:
    start: date
    end: date
    rows: list[TopicRow]
    #: ``(topic, lang, day)`` → that day's figures (the CSV export).
    daily: dict[tuple[str, str, date], Figures]
    #: day → the figures of every topic that day (the chart).
    days: dict[date, Figures]
    pages: list[PageVotes]
    searches: list[tuple[str, str, int]]

    @property
    def totals(self) -> Figures:
        total = Figures()
        for figures in self.days.values():
            total.add(figures)
        return total


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def _pages_of_topics() -> dict[tuple[str, str], str]:
    """``(topic, lang)`` → the guide page that holds it (``/help/en/account/``)."""
    return {
        (topic, lang): "/help/" + path.split("#")[0]
        for lang, topics in topic_map().items()
        for topic, path in topics.items()
    }


def _topic_of_reference() -> dict[str, str]:
    """Which topic each reference was counted under (``E404`` → ``page-not-found``)."""
    rows = db.session.execute(
        select(HelpCount.reference, HelpCount.topic)
        .where(HelpCount.kind == SHOWN, HelpCount.reference != "")
        .distinct()
    )
    return {reference: topic for reference, topic in rows}


def build_report(start: date, end: date, searches: int = 50) -> Report:
    """The report over the UTC days ``start`` to ``end``, both included."""
    since, until = _bounds(start, end)
    daily: dict[tuple[str, str, date], Figures] = defaultdict(Figures)
    references: dict[tuple[str, str], Counter] = defaultdict(Counter)
    counts = db.session.execute(
        select(HelpCount.topic, HelpCount.lang, HelpCount.day, HelpCount.kind)
        .add_columns(HelpCount.reference, HelpCount.count)
        .where(HelpCount.day >= start, HelpCount.day <= end)
    )
    attribute = {SHOWN: "shown", FOLLOWED: "followed", ANSWERED: "answered"}
    for topic, lang, day, kind, reference, count in counts:
        if kind not in attribute:
            continue
        figures = daily[(topic, lang, day)]
        setattr(figures, attribute[kind], getattr(figures, attribute[kind]) + count)
        if kind == SHOWN:
            references[(topic, lang)][reference] += count

    owners = _topic_of_reference()
    messages = db.session.execute(
        select(ContactMessage.error_reference, ContactMessage.locale, ContactMessage.created_at)
        .where(ContactMessage.created_at >= since, ContactMessage.created_at < until)
        .where(ContactMessage.error_reference.is_not(None))
    )
    for reference, lang, created_at in messages:
        topic = owners.get(counted_reference(reference))
        if topic is not None:
            daily[(topic, lang, created_at.date())].contact += 1

    page_votes: dict[tuple[str, str], PageVotes] = {}
    votes_by_day: dict[tuple[str, str, date], Figures] = defaultdict(Figures)
    votes = db.session.scalars(
        select(PageFeedback)
        .where(PageFeedback.created_at >= since, PageFeedback.created_at < until)
        .order_by(PageFeedback.id)
    )
    for vote in votes:
        page = vote.page.removesuffix("index.html")
        entry = page_votes.setdefault((page, vote.lang), PageVotes(page, vote.lang))
        figures = votes_by_day[(page, vote.lang, vote.created_at.date())]
        if vote.helpful:
            entry.helpful += 1
            figures.helpful += 1
        else:
            entry.not_helpful += 1
            figures.not_helpful += 1
        if vote.comment:
            entry.comments.append(vote.comment)
            figures.comments += 1
    pages_of_topics = _pages_of_topics()
    topics_of_page: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (topic, lang), page in pages_of_topics.items():
        topics_of_page[(page, lang)].append(topic)
    for (page, lang, day), figures in votes_by_day.items():
        for topic in topics_of_page.get((page, lang), ()):
            target = daily[(topic, lang, day)]
            target.helpful += figures.helpful
            target.not_helpful += figures.not_helpful
            target.comments += figures.comments

    rows: dict[tuple[str, str], TopicRow] = {}
    days: dict[date, Figures] = {start + timedelta(days=n): Figures() for n in _span(start, end)}
    for (topic, lang, day), figures in daily.items():
        row = rows.setdefault(
            (topic, lang),
            TopicRow(topic=topic, lang=lang, page=pages_of_topics.get((topic, lang))),
        )
        row.add(figures)
        # A page's votes are counted once a day in the chart, not once per topic on it.
        days[day].add(Figures(figures.shown, figures.followed, figures.contact, figures.answered))
    for key, row in rows.items():
        row.references = references.get(key, Counter())
    for (_page, _lang, day), figures in votes_by_day.items():
        days[day].add(figures)

    failed = db.session.execute(
        select(FailedSearch.query, FailedSearch.lang, func.count(FailedSearch.id))
        .where(FailedSearch.created_at >= since, FailedSearch.created_at < until)
        .group_by(FailedSearch.query, FailedSearch.lang)
        .order_by(func.count(FailedSearch.id).desc(), FailedSearch.query)
        .limit(searches)
    ).all()
    return Report(
        start=start,
        end=end,
        rows=sorted(rows.values(), key=lambda r: (-r.shown, -r.not_helpful, r.topic, r.lang)),
        daily=dict(daily),
        days=days,
        pages=sorted(page_votes.values(), key=lambda p: (-p.not_helpful, p.page, p.lang)),
        searches=[(query, lang, count) for query, lang, count in failed],
    )


def _span(start: date, end: date) -> range:
    return range((end - start).days + 1)
