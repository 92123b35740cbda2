"""contact deflection

A question the contact form's suggestions answered ("This answered my question"):
counted for the editors' report, with the guide paragraph, subject and language
only (issue 23).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_deflection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=255), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_deflection'))
    )
    with op.batch_alter_table('contact_deflection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_deflection_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_deflection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_deflection_created_at'))
    op.drop_table('contact_deflection')
