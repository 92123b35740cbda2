"""``/healthz`` for load balancers, and its details for operators.

The public check says only whether this process can serve: the database and the limiter
storage answer. Nothing in it moves with other people's requests: it used to show the
outbox backlog, and polling it while a reset or resend was being handled told whether the
address had an account (only an account gets a mail queued), and during a protected
sign-in (B3) whether a guessed password was right (only the right one queues the sign-in
link). The backlog and its age are for operators: ``flask outbox status``, and
``/healthz/details`` with the ``HEALTH_TOKEN`` credential as a bearer token (no endpoint
while ``HEALTH_TOKEN`` is unset).
"""

import hmac
from dataclasses import asdict

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import text

from ..extensions import db, limiter
from ..mail.outbox import backlog

bp = Blueprint("health", __name__)


def serving_report() -> tuple[dict, bool]:
    """Whether the database and the limiter storage answer, and whether the site can serve
    (it can while the database answers: limits then fall back to memory)."""
    report: dict = {}
    try:
        db.session.execute(text("SELECT 1"))
        report["database"] = "ok"
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


def _answer(report: dict, healthy: bool):
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
def healthz():
    """200 while the database answers, 503 when it does not; the same for every poller."""
    return _answer(*serving_report())


def _is_operator() -> bool:
    """The request carries ``Authorization: Bearer <HEALTH_TOKEN>`` (compared in constant
    time, so its timing tells nothing of the token)."""
    expected = current_app.config.get("HEALTH_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(expected)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), expected.encode())
    )


@bp.route("/healthz/details")
def healthz_details():
    """The public report and the outbox backlog, for operators holding ``HEALTH_TOKEN``."""
    if not current_app.config.get("HEALTH_TOKEN"):
        abort(404)  # no credential configured: no details anywhere
    if not _is_operator():
        response = jsonify(error="unauthorized")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="health"'
        response.headers["Cache-Control"] = "no-store"
        return response
    report, healthy = serving_report()
    if healthy:
        report["outbox"] = asdict(backlog())
    return _answer(report, healthy)
