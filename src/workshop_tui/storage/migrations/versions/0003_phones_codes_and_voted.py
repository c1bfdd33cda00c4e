"""phones: hashed join codes for named and slip voting, and who has cast a phone ballot

Revision ID: 0003_phones
Revises: 0002_decisions
Create Date: 2026-11-27

phone_code keeps only hashes of personal codes and one-time slips; phone_voted
keeps, per round, a hash of a device token or slip with the round (UNIQUE), so a
device or slip casts one ballot per round and nothing links two rounds or a person.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0003_phones'
down_revision = '0002_decisions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('phone_code',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'code_hash')
    )
    with op.batch_alter_table('phone_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phone_code_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_phone_code_session_id'), ['session_id'], unique=False)
    op.create_table('phone_voted',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'voter_key')
    )
    with op.batch_alter_table('phone_voted', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phone_voted_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('phone_voted', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phone_voted_round_id'))
    op.drop_table('phone_voted')
    with op.batch_alter_table('phone_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phone_code_session_id'))
        batch_op.drop_index(batch_op.f('ix_phone_code_participant_id'))
    op.drop_table('phone_code')
