"""Server-side sessions: each sign-in is a row, so signing out really ends it.

The session cookie (signed by Flask) carries only the row's id, and Flask-Login's
user loader looks the row up on every request. Deleting the row — sign-out, a
password change or reset, "sign out the other sessions" — ends that session
wherever its cookie was copied to. A row unused for ``PERMANENT_SESSION_LIFETIME``
is dead too. Rows keep summaries only: the browser and system, and the prefix of
the address (enough for a person to recognise a session, not to locate them).

Nothing here reads the request: the views pass the user agent and address.
Nothing here commits: the caller does.
"""

import hashlib
import hmac
import ipaddress
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload
from ua_parser import parse as parse_user_agent

from ..clock import utcnow
from ..extensions import db
from ..models import User, UserSession

#: "Last seen" is written at most this often per session, not on every request.
SEEN_INTERVAL = timedelta(minutes=1)


def describe_user_agent(user_agent: str) -> tuple[str, str]:
    """The browser and system named by ``user_agent`` ("" for what is not recognised)."""
    result = parse_user_agent(user_agent[:1000])
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    return (
        "" if browser == "Other" else browser[:60],
        "" if system == "Other" else system[:60],
    )


def approximate_place(address: str | None) -> str:
    """The network an address belongs to: ``203.0.113.x`` (IPv4) or its IPv6 /48."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        return ".".join(str(ip).split(".")[:3]) + ".x"
    return str(ipaddress.ip_network(f"{ip}/48", strict=False))


def open_session(user: User, user_agent: str, address: str | None) -> UserSession:
    """Add a session row for ``user`` signing in; it becomes ``user.current_session``.

    An account keeps at most ``SESSIONS_PER_ACCOUNT`` sessions: the ones used least
    recently end first, so a script signing in again and again cannot grow the table
    (or the account page's list) without bound.
    """
    _end_least_recent(user, keep=current_app.config["SESSIONS_PER_ACCOUNT"] - 1)
    browser, system = describe_user_agent(user_agent)
    record = UserSession(
        user=user, browser=browser, system=system, place=approximate_place(address)
    )
    db.session.add(record)
    user.current_session = record
    return record


def _end_least_recent(user: User, keep: int) -> None:
    if user.id is None:  # not in the database yet: no sessions
        return
    stale = (
        select(UserSession.id)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc())
        .offset(max(keep, 0))
    )
    ids = db.session.scalars(stale).all()
    if ids:
        db.session.execute(delete(UserSession).where(UserSession.id.in_(ids)))


def load_session(session_id: str, address: str | None) -> tuple[User | None, bool]:
    """The account signed in by ``session_id``, and whether the row changed (to commit).

    ``None`` when the row is gone or idle for too long. "Last seen" and the
    place move at most once per :data:`SEEN_INTERVAL`.
    """
    if not isinstance(session_id, str):
        return None, False
    record = db.session.get(UserSession, session_id, options=[joinedload(UserSession.user)])
    if record is None or not record.user.is_active:
        return None, False
    now = utcnow()
    if now - record.last_seen_at > current_app.config["PERMANENT_SESSION_LIFETIME"]:
        db.session.delete(record)
        return None, True
    changed = now - record.last_seen_at >= SEEN_INTERVAL
    if changed:
        record.last_seen_at = now
        record.place = approximate_place(address) or record.place
    record.user.current_session = record
    return record.user, changed


def active_sessions(user: User) -> list[UserSession]:
    """The live sessions of ``user`` (idle ones are left out), the most recently seen first."""
    idle_since = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.last_seen_at >= idle_since)
            .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc())
        )
    )


def end_session(record: UserSession | None) -> None:
    """Sign out one session."""
    if record is not None:  # a bulk delete: the row may be gone already (a reset ended it)
        db.session.execute(delete(UserSession).where(UserSession.id == record.id))


def reference(record: UserSession) -> str:
    """A name for one session on the account page: it designates the row without being the
    cookie's value (whoever reads the page must not be able to sign in with it)."""
    key = current_app.secret_key
    key = key if isinstance(key, bytes) else key.encode()
    return hmac.new(key, f"session-ref:{record.id}".encode(), hashlib.sha256).hexdigest()[:32]


def end_session_named(user: User, ref: str, keep: UserSession | None = None) -> bool:
    """Sign out the live session of ``user`` whose :func:`reference` is ``ref`` (never
    ``keep``); False when there is none (already ended, or not this account's)."""
    for record in active_sessions(user):
        if hmac.compare_digest(reference(record), ref) and (keep is None or record.id != keep.id):
            end_session(record)
            return True
    return False


def end_sessions(user: User, keep: UserSession | None = None) -> int:
    """Sign out every session of ``user`` but ``keep``; return how many ended."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    return db.session.execute(statement).rowcount


def purge_idle_sessions() -> int:
    """Delete the sessions unused for longer than their lifetime; return how many."""
    deadline = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    return db.session.execute(
        delete(UserSession).where(UserSession.last_seen_at < deadline)
    ).rowcount
