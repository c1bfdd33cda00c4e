"""decisions: when each override was recorded

Revision ID: 0003_decisions_when
Revises: 0003_phones
Create Date: 2026-11-27

decision.decided_at: the time (UTC) the facilitator recorded the override. Rows
recorded before this version keep NULL: the time is not known, and the session's
updated_at would be a later, unrelated time. The exports say "before this version
(time not recorded)" for them.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0003_decisions_when'
down_revision = '0003_phones'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable), never a batch table copy.
    op.add_column('decision', sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('decided_at')
