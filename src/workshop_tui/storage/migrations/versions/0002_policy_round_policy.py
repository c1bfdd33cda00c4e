"""round policy: the plan's pinned round, secret rounds' minimum group

Revision ID: 0002_policy
Revises: 0001
Create Date: 2026-11-27

- session.plan_round: the round the facilitator pinned the plan to (NULL: the
  default round, as before), so revealing a later round no longer moves it.
- round.min_group: a secret round with fewer ballots shows neither results nor
  who voted (default 3 for every existing round).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0002_policy'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('session') as batch:
        batch.add_column(sa.Column('plan_round', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table('round') as batch:
        batch.add_column(sa.Column('min_group', sa.Integer(), nullable=False, server_default='3'))


def downgrade() -> None:
    with op.batch_alter_table('round') as batch:
        batch.drop_column('min_group')
    with op.batch_alter_table('session') as batch:
        batch.drop_column('plan_round')
