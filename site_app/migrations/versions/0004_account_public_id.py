"""account public id

Links name the account by a random public id instead of its sequential id (issue 19,
item 14b). Existing accounts get one each; links mailed before this upgrade keep working
until they expire (site_app/tokens.py reads their old form).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_id', sa.String(length=32), nullable=True))

    users = sa.table('users', sa.column('id', sa.Integer), sa.column('public_id', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(public_id=secrets.token_urlsafe(16))
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('public_id', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_public_id'), ['public_id'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_public_id'), type_='unique')
        batch_op.drop_column('public_id')
