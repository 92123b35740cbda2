"""Who may read the editors' report. (Its counts, :class:`~site_app.editor.counting.HelpCount`,
live beside the upsert that writes them.)"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class EditorGrant(db.Model):
    """An account that may open /editor (``flask editors add``).

    Keyed on the account's ``public_id``, which is random and never given twice: a grant
    left behind by a deleted account (SQLite enforces no foreign key) can never pass to a
    later account, as a reused sequential ``id`` could.
    """

    __tablename__ = "editor_grant"

    public_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.public_id", ondelete="CASCADE"), primary_key=True
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
