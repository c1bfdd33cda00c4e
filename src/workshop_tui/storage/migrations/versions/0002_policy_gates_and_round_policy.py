"""round policy: gate assessments in their own tables, the plan's pinned round, secret rounds' minimum group

Revision ID: 0002_policy
Revises: 0002_writer (chained after the writer's migration when main was merged)
Create Date: 2026-11-27

- gate_sheet / gate_assessment: gate assessments were the votes of "gates"
  pseudo-rounds, filtered out again wherever rounds were used. Each such round
  becomes a sheet (its key, title, status and its place among the session's
  rounds, so the session file exports as before) and each of its votes an
  assessment; then the pseudo-round and its votes go.
- session.plan_round: the round the facilitator pinned the plan to (NULL: the
  default round, as before), so revealing a later round no longer moves it.
- round.min_group: a secret round with fewer ballots shows neither results nor
  who voted (3 for every existing round).
"""
import json

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0002_policy'
down_revision = '0002_writer'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch table copy (see downgrade).
    op.add_column('session', sa.Column('plan_round', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column('round', sa.Column('min_group', sa.Integer(), nullable=False, server_default='3'))
    op.create_table('gate_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'key')
    )
    op.create_index(op.f('ix_gate_sheet_session_id'), 'gate_sheet', ['session_id'], unique=False)
    op.create_table('gate_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sheet_id'], ['gate_sheet.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_gate_assessment_criterion_id'), 'gate_assessment', ['criterion_id'], unique=False)
    op.create_index(op.f('ix_gate_assessment_initiative_id'), 'gate_assessment', ['initiative_id'], unique=False)
    op.create_index(op.f('ix_gate_assessment_participant_id'), 'gate_assessment', ['participant_id'], unique=False)
    op.create_index(op.f('ix_gate_assessment_sheet_id'), 'gate_assessment', ['sheet_id'], unique=False)
    _move_gate_rounds()


def _move_gate_rounds() -> None:
    conn = op.get_bind()
    rounds = conn.execute(sa.text(
        "SELECT id, session_id, key, title, status, method FROM round ORDER BY session_id, position, id")).all()
    place: dict[int, int] = {}
    for rnd in rounds:
        n = place.get(rnd.session_id, 0)  # its index among the session's rounds, as the file lists them
        place[rnd.session_id] = n + 1
        if rnd.method != 'gates':
            continue
        sheet_id = conn.execute(sa.text(
            "INSERT INTO gate_sheet (session_id, key, title, status, position) "
            "VALUES (:session_id, :key, :title, :status, :position) RETURNING id"),
            {"session_id": rnd.session_id, "key": rnd.key, "title": rnd.title or "", "status": rnd.status,
             "position": n}).scalar_one()
        votes = conn.execute(sa.text(
            "SELECT participant_id, initiative_id, criterion_id, value, channel, note FROM vote "
            "WHERE round_id = :round_id ORDER BY id"), {"round_id": rnd.id}).all()
        for v in votes:
            value = json.loads(v.value) if v.value is not None else None
            if not isinstance(value, bool) or v.initiative_id is None or v.criterion_id is None:
                continue  # carries no verdict (a cleared cell): nothing to keep
            conn.execute(sa.text(
                "INSERT INTO gate_assessment (sheet_id, initiative_id, criterion_id, participant_id, passed, note, "
                "channel) VALUES (:sheet_id, :initiative_id, :criterion_id, :participant_id, :passed, :note, "
                ":channel)"),
                {"sheet_id": sheet_id, "initiative_id": v.initiative_id, "criterion_id": v.criterion_id,
                 "participant_id": v.participant_id, "passed": value, "note": v.note or "",
                 "channel": v.channel or "facilitator"})
        conn.execute(sa.text("DELETE FROM vote WHERE round_id = :round_id"), {"round_id": rnd.id})
        conn.execute(sa.text("DELETE FROM round_voter WHERE round_id = :round_id"), {"round_id": rnd.id})
        conn.execute(sa.text("DELETE FROM round WHERE id = :round_id"), {"round_id": rnd.id})


def _restore_gate_rounds() -> None:
    """Downgrade: each sheet becomes a "gates" round again, its assessments that round's votes."""
    conn = op.get_bind()
    sheets = conn.execute(sa.text("SELECT id, session_id, key, title, status, position FROM gate_sheet "
                                  "ORDER BY session_id, position, id")).all()
    next_vote = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM vote")).scalar_one()
    for g in sheets:
        # Round positions are 1-based and in file order: make room at the sheet's place.
        conn.execute(sa.text("UPDATE round SET position = position + 1 WHERE session_id = :s AND position > :p"),
                     {"s": g.session_id, "p": g.position})
        round_id = conn.execute(sa.text(
            "INSERT INTO round (session_id, key, title, method, settings, status, anonymous, hidden, position) "
            "VALUES (:s, :key, :title, 'gates', '{}', :status, false, false, :position) RETURNING id"),
            {"s": g.session_id, "key": g.key, "title": g.title, "status": g.status,
             "position": g.position + 1}).scalar_one()
        rows = conn.execute(sa.text("SELECT initiative_id, criterion_id, participant_id, passed, note, channel "
                                    "FROM gate_assessment WHERE sheet_id = :id ORDER BY id"), {"id": g.id}).all()
        for a in rows:
            next_vote += 1
            conn.execute(sa.text(
                "INSERT INTO vote (id, round_id, participant_id, initiative_id, criterion_id, value, channel, note) "
                "VALUES (:id, :round_id, :participant_id, :initiative_id, :criterion_id, :value, :channel, :note)"),
                {"id": next_vote, "round_id": round_id, "participant_id": a.participant_id,
                 "initiative_id": a.initiative_id, "criterion_id": a.criterion_id,
                 "value": json.dumps(bool(a.passed)), "channel": a.channel, "note": a.note})


def downgrade() -> None:
    _restore_gate_rounds()
    op.drop_index(op.f('ix_gate_assessment_sheet_id'), table_name='gate_assessment')
    op.drop_index(op.f('ix_gate_assessment_participant_id'), table_name='gate_assessment')
    op.drop_index(op.f('ix_gate_assessment_initiative_id'), table_name='gate_assessment')
    op.drop_index(op.f('ix_gate_assessment_criterion_id'), table_name='gate_assessment')
    op.drop_table('gate_assessment')
    op.drop_index(op.f('ix_gate_sheet_session_id'), table_name='gate_sheet')
    op.drop_table('gate_sheet')
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch "copy and move" would drop
    # the round table, and with foreign keys on that deletes every vote by cascade.
    op.drop_column('round', 'min_group')
    op.drop_column('session', 'plan_round')
