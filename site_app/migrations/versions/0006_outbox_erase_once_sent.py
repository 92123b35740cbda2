"""outbox: erase once sent

A mail that holds a person who deleted their account (the goodbye mail, or one
still on its way to support) is marked, and erased once it has been sent.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('erase_once_sent', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_column('erase_once_sent')
