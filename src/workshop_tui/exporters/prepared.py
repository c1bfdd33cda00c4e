"""One workshop's results, plan and board pack, computed once and shared by every format.

Exporting several formats of a large session would otherwise count every
round and solve the plan once per format. ``Prepared`` stands in for the
engine module (``domain.results``) where the writers ask it for a round's
result or the plan: for its own workshop it remembers each answer (and each
error), for any other workshop (a site's sub-session, say) it asks the engine.
It lives only as long as one export run, so nothing is kept afterwards.
"""

from __future__ import annotations

from functools import cached_property

from workshop_tui.domain import model as m
from workshop_tui.domain import results as _engine
from workshop_tui.domain import rounds as round_policy


class Prepared:
    def __init__(self, workshop: m.Workshop):
        self.workshop = workshop
        self._results: dict[str, tuple[_engine.RoundResult | None, Exception | None]] = {}
        self._plan: tuple[_engine.Plan | None, Exception | None] | None = None

    def __getattr__(self, name: str):
        # Everything else (error classes, latest_scored_round, ...) is the engine's own.
        return getattr(_engine, name)

    def round_result(self, workshop: m.Workshop, round_key: str) -> _engine.RoundResult:
        if workshop is not self.workshop:
            return _engine.round_result(workshop, round_key)
        if round_key not in self._results:
            try:
                self._results[round_key] = (_engine.round_result(workshop, round_key), None)
            except Exception as exc:  # remembered, and raised again to every format that asks
                self._results[round_key] = (None, exc)
        result, error = self._results[round_key]
        if error is not None:
            raise error
        return result  # type: ignore[return-value]

    def plan(self, workshop: m.Workshop, *args, **kwargs) -> _engine.Plan:
        if workshop is not self.workshop or args or kwargs:
            return _engine.plan(workshop, *args, **kwargs)
        if self._plan is None:
            try:
                key = round_policy.plan_round(workshop)  # the pinned round, else the default
                result = None
                if key is not None:
                    try:
                        result = self.round_result(workshop, key)
                    except Exception:
                        result = None  # let the engine raise it, as it would have
                self._plan = (_engine.plan(workshop, result=result), None)
            except Exception as exc:
                self._plan = (None, exc)
        plan, error = self._plan
        if error is not None:
            raise error
        return plan  # type: ignore[return-value]

    @cached_property
    def pack(self):
        from workshop_tui.exporters import board_pack

        return board_pack.build(self.workshop, engine=self)
