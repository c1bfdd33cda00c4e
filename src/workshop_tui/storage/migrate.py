"""Apply the migrations shipped in the package, backing the file up first."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from workshop_tui.storage.engine import Database, DatabaseError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def refuse_unknown_revision(current: str) -> None:
    """A schema revision this version does not know was written by a newer one."""
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        raise DatabaseError(
            "This database was written by a newer version of workshop-tui "
            f"(schema {current}); upgrade workshop-tui to open it. The file was left untouched."
        )


def upgrade_to_head(db: Database, *, backup: bool = True) -> None:
    """Bring the schema to head. Refuses a database from a newer app version."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    current = current_revision(db)
    if current == head:
        return
    if current is not None:
        refuse_unknown_revision(current)
        if backup and db.path is not None:
            from workshop_tui.storage.backup import backup_before

            backup_before(db, reason="migration")
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    from workshop_tui.storage.meta import mark_as_ours

    mark_as_ours(db)
