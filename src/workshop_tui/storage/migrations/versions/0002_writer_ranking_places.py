"""ranking ballots reference the initiatives they name (ranking_place)

Revision ID: 0002_writer
Revises: 0001
Create Date: 2026-11-27

A ranking ballot's shape stays in vote.ranking (JSON); ranking_place holds one
row per initiative it names, with a foreign key that makes the database refuse
to delete an initiative a ballot still names. Existing ballots are indexed;
a ballot that already names a deleted initiative (possible before this
revision) is repaired by dropping the missing name, and dropped whole if
nothing is left, as deleting the initiative now does.
"""
import json
import secrets

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0002_writer'
down_revision = '0001'
branch_labels = None
depends_on = None

_NAMED_ID_LIMIT = 2**61


def _random_id() -> int:
    return _NAMED_ID_LIMIT + secrets.randbelow(2**62 - _NAMED_ID_LIMIT)


def upgrade() -> None:
    op.create_table('ranking_place',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('ballot', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ranking_place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_place_ballot'), ['ballot'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_place_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_place_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_place_round_id'), ['round_id'], unique=False)
    _index_existing_ballots(op.get_bind())


def _index_existing_ballots(conn) -> None:
    items: dict[int, dict[str, int]] = {}
    for session_id, key, item_id in conn.execute(sa.text("SELECT session_id, key, id FROM initiative")):
        items.setdefault(session_id, {})[key] = item_id
    rows = conn.execute(sa.text(
        "SELECT v.id, v.round_id, v.participant_id, v.ballot, v.ranking, r.session_id, r.anonymous "
        "FROM vote v JOIN round r ON r.id = v.round_id WHERE v.ranking IS NOT NULL")).all()
    places = []
    for vote_id, round_id, participant_id, ballot, text, session_id, anonymous in rows:
        known = items.get(session_id, {})
        kept = []
        for entry in json.loads(text):
            group = [entry] if isinstance(entry, str) else list(entry)
            group = [k for k in group if k in known]
            if group:
                kept.append(group[0] if isinstance(entry, str) or len(group) == 1 else group)
        if not kept:
            conn.execute(sa.text("DELETE FROM vote WHERE id = :id"), {"id": vote_id})
            continue
        if kept != json.loads(text):
            conn.execute(sa.text("UPDATE vote SET ranking = :r WHERE id = :id"),
                         {"r": json.dumps(kept), "id": vote_id})
        for place, entry in enumerate(kept, start=1):
            for key in [entry] if isinstance(entry, str) else entry:
                places.append({"id": _random_id(), "round_id": round_id,
                               "participant_id": None if anonymous else participant_id,
                               "ballot": ballot if anonymous else None,
                               "initiative_id": known[key], "place": place})
    if places:
        places.sort(key=lambda row: row["id"])
        conn.execute(sa.text("INSERT INTO ranking_place (id, round_id, participant_id, ballot, initiative_id, place) "
                             "VALUES (:id, :round_id, :participant_id, :ballot, :initiative_id, :place)"), places)


def downgrade() -> None:
    with op.batch_alter_table('ranking_place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ranking_place_round_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_place_participant_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_place_initiative_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_place_ballot'))
    op.drop_table('ranking_place')
