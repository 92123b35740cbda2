"""Deferred jobs: work a request must not do itself, run by the outbox's deliverers.

Asking for a reset link or a new activation mail answers the same page whether the
address has an account or not; only an account gets a mail rendered and committed, and
a client that waits for the connection to close would see that time (gunicorn's sync
workers close it only after the work done once the answer is sent). So the request only
stores one :class:`~site_app.models.DeferredJob` row — the same for every address — and
the delivery machinery of :mod:`site_app.mail.outbox` runs it later: the per-process
thread (``OUTBOX_DELIVERY = "background"``, woken once the response is closed) or the
``flask outbox deliver --watch`` workers (``"worker"``). The job looks the account up
and queues its mail, if any, then its row is deleted in that same transaction: a worker
recycled in between loses nothing, and a job runs once. With ``"inline"`` (tests) the
job runs before the answer, as mails are delivered.

A job is a function of the account rules registered with :func:`deferrable`, called
with the keyword arguments given to :func:`defer` (JSON values).
"""

import logging
from collections.abc import Callable

from flask import after_this_request, current_app, has_request_context
from sqlalchemy import func, select

from ..clock import utcnow
from ..extensions import db
from ..models import DeferredJob
from .outbox import claim, masked, retry_delay

log = logging.getLogger(__name__)

_JOBS: dict[str, Callable] = {}


def deferrable(kind: str):
    """Register the decorated function as the job ``kind`` (a stable name: rows outlive
    deployments)."""

    def register(func):
        _JOBS[kind] = func
        func.job_kind = kind
        return func

    return register


def job_named(kind: str) -> Callable:
    """The job registered as ``kind`` (a job may run another: site_app/situation/resets.py)."""
    return _JOBS[kind]


def defer(job: Callable, **arguments) -> None:
    """Store ``job(**arguments)`` for a deliverer and commit; run it now if "inline"."""
    db.session.add(DeferredJob(kind=job.job_kind, arguments=arguments))
    db.session.commit()
    mode = current_app.config["OUTBOX_DELIVERY"]
    if mode == "inline":
        run_pending_jobs()
    elif mode == "background":
        _wake_deliverer_after_response()


def _wake_deliverer_after_response() -> None:
    """Wake this process's deliverer once the response is closed, not before: its work
    then never delays the answer (a set event is all the close waits for)."""
    deliverer = current_app.extensions["outbox"]
    if not has_request_context():
        deliverer.notify()
        return

    @after_this_request
    def _on_close(response):
        response.call_on_close(deliverer.notify)
        return response


def run_pending_jobs(limit: int = 100) -> int:
    """Run the jobs that are due; return how many ran. Safe in several processes at once:
    each row is claimed by an atomic update first."""
    rows = db.session.execute(
        select(DeferredJob.id, DeferredJob.next_attempt_at)
        .where(DeferredJob.next_attempt_at <= utcnow())
        .order_by(DeferredJob.id)
        .limit(limit)
    ).all()
    done = 0
    for job_id, next_attempt_at in rows:
        if not claim(DeferredJob, job_id, next_attempt_at):
            continue
        job = db.session.get(DeferredJob, job_id)
        kind, arguments, attempts = job.kind, dict(job.arguments), job.attempts
        try:
            run = _JOBS[kind]
            db.session.delete(job)  # committed with the mails the job queues
            run(**arguments)
            db.session.commit()
        except Exception as error:  # the job stays, retried later with the error kept
            db.session.rollback()
            log.warning("deferred job %s (%s) failed: %s", job_id, kind, masked(error))
            job = db.session.get(DeferredJob, job_id)
            if job is not None:
                job.last_error = f"{type(error).__name__}: {error}"[:2000]
                job.next_attempt_at = utcnow() + retry_delay(attempts)
                db.session.commit()
        else:
            done += 1
    return done


def pending_jobs() -> int:
    """How many jobs wait (``flask outbox status``)."""
    return db.session.scalar(select(func.count(DeferredJob.id)))
