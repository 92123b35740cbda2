"""mail receipts and refused mails

A mail refused for good (a 5xx reply) is marked ``refused_at`` and no longer tried; the
reply stays in ``last_error``. A browser's sign-up (or reset) keeps a receipt of its
mail's delivery, which the guide shows to that browser only (issue 23).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_at', sa.DateTime(), nullable=True))
    op.create_table('mail_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=43), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('recipient_hint', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('refused_at', sa.DateTime(), nullable=True),
    sa.Column('reply', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_receipt')),
    sa.UniqueConstraint('ticket', name=op.f('uq_mail_receipt_ticket'))
    )
    with op.batch_alter_table('mail_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_receipt_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_receipt_message_id'), ['message_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_receipt_message_id'))
        batch_op.drop_index(batch_op.f('ix_mail_receipt_created_at'))
    op.drop_table('mail_receipt')
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_column('refused_at')
