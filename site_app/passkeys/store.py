"""The account's passkeys as kept, and the relying party they belong to: what the account
page reads (:mod:`.ceremonies` makes and checks them)."""

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from ..accounts.sessions import describe_user_agent
from ..extensions import db
from ..models import Passkey, User

NAME_MAX_LENGTH = 60


def rp_id() -> str:
    """The relying party id: the host of ``PUBLIC_URL``, else ``localhost``."""
    public_url = current_app.config["PUBLIC_URL"]
    return urlsplit(public_url).hostname if public_url else "localhost"


def default_name(user_agent: str) -> str:
    """A name for a new passkey from the browser that adds it ("Chrome on Linux")."""
    browser, system = describe_user_agent(user_agent)
    if browser and system:
        name = gettext("%(browser)s on %(system)s", browser=browser, system=system)
    else:
        name = browser or system or gettext("Passkey")
    return name[:NAME_MAX_LENGTH]


def passkeys_of(user: User) -> list[Passkey]:
    """The account's passkeys, the oldest first."""
    return list(
        db.session.scalars(
            select(Passkey)
            .where(Passkey.user_id == user.id)
            .order_by(Passkey.created_at, Passkey.id)
        )
    )
