"""Peak resident memory of the TUI with the large session open at its voting stage."""

import asyncio
import resource
import sys


async def main(db_file: str) -> None:
    from workshop_tui.tui.app import WorkshopApp
    from workshop_tui.tui.screens.session import SessionScreen

    app = WorkshopApp(f"sqlite:///{db_file}", load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for stage in ("initiatives", "voting", "results", "choices"):
            app.push_screen(SessionScreen(1, stage=stage))
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RSS_MB {peak_kb / 1024:.1f}")


asyncio.run(main(sys.argv[1]))
