"""What readers tell the editors: page votes, failed searches, and the report of both.

Like :mod:`site_app.accounts.rules`, nothing here reads the request.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..extensions import db
from ..models import FailedSearch, PageFeedback


def record_vote(page: str, lang: str, voter: str, helpful: bool, comment: str | None) -> None:
    """Count one vote per browser, page and language: a new vote replaces the old one."""
    vote = db.session.scalar(
        select(PageFeedback).where(
            PageFeedback.voter == voter, PageFeedback.page == page, PageFeedback.lang == lang
        )
    )
    if vote is None:
        vote = PageFeedback(page=page, lang=lang, voter=voter, helpful=helpful)
        db.session.add(vote)
    vote.helpful = helpful
    if comment is not None or helpful:
        vote.comment = comment or None
    vote.created_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # the same browser voted twice at once: keep the first
        db.session.rollback()


def record_failed_search(query: str, lang: str) -> None:
    """Remember a search that returned nothing."""
    db.session.add(FailedSearch(query=query, lang=lang))
    db.session.commit()


@dataclass
class PageReport:
    page: str
    lang: str
    up: int
    down: int
    comments: list[str]


def feedback_report(days: int) -> tuple[list[PageReport], list[tuple[str, str, int]]]:
    """Votes per page and language, with comments, and the top failed searches over ``days``."""
    since = utcnow() - timedelta(days=days)
    pages: dict[tuple[str, str], PageReport] = {}
    votes = db.session.scalars(
        select(PageFeedback).where(PageFeedback.created_at >= since).order_by(PageFeedback.id)
    )
    for vote in votes:
        report = pages.setdefault(
            (vote.page, vote.lang), PageReport(vote.page, vote.lang, 0, 0, [])
        )
        if vote.helpful:
            report.up += 1
        else:
            report.down += 1
        if vote.comment:
            report.comments.append(vote.comment)
    searches = db.session.execute(
        select(FailedSearch.query, FailedSearch.lang, func.count(FailedSearch.id).label("n"))
        .where(FailedSearch.created_at >= since)
        .group_by(FailedSearch.query, FailedSearch.lang)
        .order_by(func.count(FailedSearch.id).desc(), FailedSearch.query)
        .limit(20)
    ).all()
    ordered = sorted(pages.values(), key=lambda r: (-r.down, r.page, r.lang))
    return ordered, [(q, lang, n) for q, lang, n in searches]
