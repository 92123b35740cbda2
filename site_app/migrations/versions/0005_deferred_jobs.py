"""deferred jobs

The work a request leaves to the outbox's deliverers (reset, resend, the B3 sign-in
link): one row per job, stored the same whether the address has an account or not, and
deleted with the mails it queues (issue 19, item 4).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deferred_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('arguments', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deferred_job'))
    )
    with op.batch_alter_table('deferred_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deferred_job_next_attempt_at'), ['next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('deferred_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deferred_job_next_attempt_at'))

    op.drop_table('deferred_job')
