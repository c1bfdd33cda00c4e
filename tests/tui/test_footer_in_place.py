"""The session screen's footer changes its keys in place (issue 15, point 2).

Textual's Footer rebuilt all its keys after every ``refresh_bindings``, four or five times
per switch of stage, 30 to 150 ms each on the 300 x 40 session. The footer must still show
exactly what Textual's Footer composes from the same bindings, at every stage and state.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from settle import arrived, settle
from stage_b_support import nhs_session, open_stage

from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.stages import STAGE_PANES


def keys_of(widgets) -> list[tuple]:
    # "-compact" follows the key's ``compact`` reactive once mounted (the same for both).
    return [(k.key, k.key_display, k.description, k.action, k._disabled, k.tooltip, sorted(k.classes - {"-compact"}))
            for k in widgets if isinstance(k, FooterKey)]


def composed(footer: Footer) -> list[tuple]:
    """What Textual's own Footer composes from the bindings active now."""
    with footer._context():
        return keys_of(Footer.compose(footer))


def drawn(app, footer: Footer) -> str:
    region = footer.region
    return app.screen._compositor.render_strips()[region.y].text


async def test_the_footer_shows_what_textual_composes_at_every_stage_without_rebuilding(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "setup")
        footer = screen.query_one(Footer)
        await settle(pilot, lambda: bool(keys_of(footer.children)), "the footer's keys")
        rebuilt = []
        recompose = footer.recompose

        async def counted():
            rebuilt.append(screen.current)
            await recompose()

        footer.recompose = counted
        for n, (stage, _label, _where) in enumerate(STAGE_PANES, start=1):
            await pilot.press("escape") if screen.focused is not None and stage == "participants" else None
            await pilot.press(str(n))
            await arrived(pilot, stage)
            await settle(pilot)
            assert keys_of(footer.children) == composed(footer), stage
            # Drawn as laid out: the keys in order, as many as the width holds (the rest scrolls).
            text, at = drawn(app, footer), 0
            shown = [f"{display} {description}" for _key, display, description, *_rest in composed(footer)
                     if not description.startswith("palette")]
            for n, label in enumerate(shown):
                found = text.find(label, at)
                if found < 0:
                    assert n >= 4 and not any(later in text for later in shown[n:]), (stage, label, text)
                    break
                at = found + len(label)
        assert not rebuilt, rebuilt
