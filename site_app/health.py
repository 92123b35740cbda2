"""What /healthz reports: the database, the limiter storage, and how far behind mail is."""

from sqlalchemy import func, select, text

from .clock import utcnow
from .extensions import db, limiter
from .models import OutboxMail


def health_report() -> tuple[dict, bool]:
    """Return the report and whether the site can serve (the database answers)."""
    report: dict = {}
    try:
        db.session.execute(text("SELECT 1"))
        pending, oldest = db.session.execute(
            select(func.count(OutboxMail.id), func.min(OutboxMail.created_at)).where(
                OutboxMail.sent_at.is_(None)
            )
        ).one()
        report["database"] = "ok"
        report["outbox"] = {
            "pending": pending,
            "oldest_pending_seconds": int((utcnow() - oldest).total_seconds()) if oldest else 0,
        }
    except Exception as error:  # report, never raise: this is what a balancer polls
        db.session.rollback()
        report["database"] = f"error: {type(error).__name__}"
    try:
        report["limiter"] = (
            "ok" if limiter.storage.check() else "unreachable (limits kept in memory)"
        )
    except Exception as error:
        report["limiter"] = f"error: {type(error).__name__}"
    return report, report["database"] == "ok"
