"""Which workshop stages have something in them: drives the stepper's ticks."""

from __future__ import annotations

from workshop_tui.domain.model import STAGES, Workshop


def stage_done(workshop: Workshop) -> dict[str, bool]:
    """A stage counts as done when the facilitator has entered what it asks for."""
    s = workshop.session
    scored_rounds = workshop.rounds
    done = {
        "setup": bool(s.title.strip() and s.mission.strip() and s.horizon_years and s.bandwidth),
        "participants": len(workshop.participants) > 0,
        "initiatives": len(workshop.initiatives) > 0,
        "criteria": len(workshop.criteria) > 0,
        "bandwidth": s.bandwidth is not None and len(workshop.bottlenecks) > 0,
        "voting": any(r.votes and r.status == "closed" for r in scored_rounds),
        "results": any(r.votes and r.status == "closed" and not r.hidden for r in scored_rounds),
        "choices": len(workshop.decisions) > 0 or STAGES.index(s.stage) > STAGES.index("choices"),
        "actions": len(workshop.actions) > 0,
    }
    return {stage: done[stage] for stage in STAGES}
