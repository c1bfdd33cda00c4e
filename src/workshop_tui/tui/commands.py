"""The command palette (Ctrl+P): every key of the current screen and stage,
every stage by name, and the theme, searchable by words."""

from __future__ import annotations

from functools import partial

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider


# Longer words for the palette than the footer has room for, so a search finds them.
PALETTE_LABELS = {
    "home.export": "Export the highlighted session: board pack, spreadsheet or session file",
    "session.export": "Export this session: board pack, spreadsheet or session file",
}


class WorkshopCommands(Provider):
    """Commands come from the bindings in force, so the palette and the footer never disagree."""

    def _commands(self) -> list[tuple[str, str, object]]:
        """(label, help, callback) for what makes sense on the current screen."""
        screen = self.screen
        app = self.app
        found: list[tuple[str, str, object]] = []
        seen: set[str] = set()
        # The screen, then the focused widget and its ancestors (e.g. the stage pane).
        owners = [screen]
        focused = screen.focused
        node = focused
        while node is not None and node is not screen:
            owners.append(node)
            node = node.parent
        for owner in owners:
            for binding in getattr(owner, "BINDINGS", []):
                if not hasattr(binding, "action") or not binding.description or binding.action in seen:
                    continue
                if binding.action.startswith("go(") or binding.action in ("quit",):
                    continue
                _target, name, params = parse(binding.action)
                allowed = owner.check_action(name, params) if hasattr(owner, "check_action") else True
                if allowed is False:
                    continue
                seen.add(binding.action)
                key = binding.key.split(",")[0]
                label = PALETTE_LABELS.get(binding.id or "", binding.description)
                found.append((label, f"key: {key}", partial(owner.run_action, binding.action)))
        stages = getattr(screen, "stage_commands", None)
        if stages is not None:
            found.extend(stages())
        found.append(("High-contrast theme on/off", "key: f2", app.action_toggle_contrast))
        return found

    async def discover(self) -> Hits:
        for label, help_text, callback in self._commands():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, text=label, help=help_text)
