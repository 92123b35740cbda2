"""editors' report: grants and help counts

Who may open /editor (``flask editors add``), and the counts per help topic,
language, UTC day, kind and reference that the report is made of (issue 25).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('editor_grant',
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['public_id'], ['users.public_id'], name=op.f('fk_editor_grant_public_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('public_id', name=op.f('pk_editor_grant'))
    )
    op.create_table('help_count',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'topic', 'lang', 'kind', 'reference', name=op.f('pk_help_count'))
    )


def downgrade():
    op.drop_table('help_count')
    op.drop_table('editor_grant')
