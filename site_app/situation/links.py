"""When a link this browser opened stopped working: expired, replaced or used.

Only the holder of a link signed by this site learns it, on the page of that link: the
time comes from the link's own signature (expired) or from the account the link names
(replaced by a newer sign-up or reset mail, used), which its mailbox's holder may know.
A tampered link names nothing, so it gets no time.
"""

from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature
from sqlalchemy import select

from ..accounts import tokens
from ..extensions import db
from ..models import OutboxMail
from . import record

#: purpose of the link page → (its token's purpose, the setting of its validity)
PURPOSES = {
    "activate": (tokens.ACTIVATE, "ACTIVATION_DELAY"),
    "reset": (tokens.RESET_PASSWORD, "PASSWORD_RESET_DELAY"),
    "sign-in": (tokens.SIGN_IN, "SIGN_IN_LINK_DELAY"),
}


def remember_problem(token: str | None, purpose: str, check: tokens.TokenCheck) -> None:
    """Keep, for the guide, which link this browser opened and what was wrong with it."""
    if purpose not in PURPOSES:
        return
    moment = None
    try:
        moment = _moment(token, purpose, check)
    except Exception:  # noqa: BLE001 - a time we cannot read is left out, nothing more
        current_app.logger.warning("link time not found", exc_info=True)
    record.remember_link(purpose, check.problem, check.replaced, moment)


def _moment(token, purpose, check) -> datetime | None:
    if not token or check.problem == "invalid":
        return None
    token_purpose, delay = PURPOSES[purpose]
    try:  # the signature is checked, not the age: when it was signed is what we want
        payload, signed = tokens._serializer(token_purpose).loads(token, return_timestamp=True)
    except BadSignature:
        return None
    signed = signed.astimezone(UTC).replace(tzinfo=None)
    if check.problem == "expired":
        return signed + current_app.config[delay]
    user = tokens.account_named(payload[0]) if isinstance(payload, list) and payload else None
    if user is None:
        return None
    if check.replaced and purpose == "activate":
        return user.created_at  # the newer sign-up, whose mail replaced this link
    if check.replaced:
        return db.session.scalar(
            select(OutboxMail.created_at)
            .where(
                OutboxMail.recipient == user.email,
                OutboxMail.kind == "reset_password",
                OutboxMail.created_at > signed,
            )
            .order_by(OutboxMail.created_at)
            .limit(1)
        )
    used = {"activate": user.activated_at, "reset": user.password_changed_at}
    return used.get(purpose, user.last_login_at)
