"""``/healthz`` for load balancers: the database, the limiter storage, how far behind mail is."""

from flask import Blueprint, jsonify
from sqlalchemy import func, select, text

from .clock import utcnow
from .extensions import db, limiter
from .models import OutboxMail

bp = Blueprint("health", __name__)


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


@bp.route("/healthz")
def healthz():
    """200 with the report while the database answers, 503 when it does not."""
    report, healthy = health_report()
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
