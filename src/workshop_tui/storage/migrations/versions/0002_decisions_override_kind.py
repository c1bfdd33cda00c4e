"""override kinds: include within / above the bandwidth, rule out

Revision ID: 0002_decisions
Revises: 0002_writer
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0002_decisions'
down_revision = '0002_policy'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
    # Overrides recorded before the kinds keep their meaning: an include took a slot
    # inside the bandwidth, an exclude ruled the initiative out.
    op.execute("UPDATE decision SET kind = CASE WHEN outcome = 'exclude' THEN 'rule_out' ELSE 'within' END")


def downgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('kind')
