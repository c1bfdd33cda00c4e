"""Peak resident memory of the TUI with the large session open at its voting stage.

Read from VmHWM in /proc/self/status on Linux: the peak of this process image.
``getrusage(...).ru_maxrss`` is not used there because Linux carries it across
fork and exec, so it would report the bench harness's own peak (the harness
holds the large session it has just built: about 275 MB against our 165).
"""

import asyncio
import resource
import sys
from pathlib import Path


def rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    # Elsewhere (macOS reports bytes): the best available, may include the parent's peak.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


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
            print(f"STAGE {stage} rss {rss_mb():.1f} MB, peak so far {peak_rss_mb():.1f} MB", flush=True)
            app.pop_screen()
            await pilot.pause()
    print(f"RSS_MB {peak_rss_mb():.1f}")


asyncio.run(main(sys.argv[1]))
