"""The footer of the session screen: its keys change in place instead of being rebuilt.

Textual's ``Footer`` (8.2.8) recomposes itself (unmounts every key and mounts new ones,
each styled afresh) after every ``refresh_bindings``, once per call: a switch of stage
asks four or five times (the focus moves, the pane loads, its figures arrive), and each
rebuild of fifteen keys took 30 to 150 ms of the UI thread, holding the new stage's frame
back (a fifth of the UI thread in a py-spy profile of switching stages). Here each call
compares what the keys would show with what they show; when nothing changed it does
nothing; otherwise each key already mounted takes the next key's text, action and state,
and only keys beyond those are mounted or removed. What is drawn is what ``Footer``
composes from the same bindings (tests/tui/test_footer_in_place.py compares them); a footer
with binding groups, which this app does not use, is still recomposed as Textual does.
"""

from __future__ import annotations

import asyncio

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class StageFooter(Footer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None  # what the mounted keys show
        self._updating = asyncio.Lock()

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            # Every call asks (a callback can be lost: Textual queues it on the screen in
            # front, and a dialog closed first takes it away); the ones after the first find
            # nothing changed and do nothing.
            self.call_after_refresh(self._update)

    def _wanted(self) -> tuple[list[tuple], tuple | None, bool]:
        """The keys ``Footer.compose`` would show now: (key, display, description, action,
        enabled, tooltip) each, the command palette's key apart, and whether any binding
        group would gather keys (then Textual's own compose does it)."""
        app = self.app
        active = self.screen.active_bindings
        keys, actions = [], set()
        grouped = False
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show:
                continue
            grouped = grouped or binding.group is not None
            if binding.action in actions:
                continue  # Footer shows the first binding of an action
            actions.add(binding.action)
            keys.append((binding.key, app.get_key_display(binding), binding.description, binding.action,
                         enabled, tooltip))
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                palette = (binding.key, app.get_key_display(binding), binding.description, binding.action,
                           enabled, binding.tooltip or binding.description)
        return keys, palette, grouped

    async def _update(self) -> None:
        # One at a time: callbacks queued on two screens (a dialog's and this one) could
        # otherwise both mount the keys one of them found missing.
        async with self._updating:
            await self._update_now()

    async def _update_now(self) -> None:
        if not self.is_attached:
            return
        keys, palette, grouped = self._wanted()
        shown = (tuple(keys), palette, self.compact)
        if shown == self._shown:
            return
        mounted = [child for child in self.children if isinstance(child, FooterKey)]
        plain = [k for k in mounted if not k.has_class("-command-palette")]
        palette_keys = [k for k in mounted if k.has_class("-command-palette")]
        if grouped or len(mounted) != len(self.children) or self._shown is None or \
                bool(palette_keys) != (palette is not None):
            self._shown = shown
            await self.recompose()
            return
        self._shown = shown
        for widget, spec in zip(plain, keys):
            _set(widget, *spec)
        for widget in plain[len(keys):]:
            await widget.remove()
        if palette is not None:
            _set(palette_keys[0], *palette)
        if len(keys) > len(plain):
            new = [FooterKey(key, display, description, action, disabled=not enabled, tooltip=tooltip)
                   .data_bind(compact=Footer.compact) for key, display, description, action, enabled, tooltip
                   in keys[len(plain):]]
            if palette_keys:
                await self.mount_all(new, before=palette_keys[0])
            else:
                await self.mount_all(new)

    async def recompose(self) -> None:
        await super().recompose()
        # What the keys composed now show (from the same bindings the compose read).
        keys, palette, _grouped = self._wanted()
        self._shown = (tuple(keys), palette, self.compact)


def _set(widget: FooterKey, key: str, display: str, description: str, action: str, enabled: bool,
         tooltip: str) -> None:
    """A mounted key shows another binding, as a FooterKey made for it would."""
    if (widget.key, widget.key_display, widget.description, widget.action, widget._disabled,
            widget.tooltip or "") == (key, display, description, action, not enabled, tooltip or ""):
        return
    resized = (widget.key_display, widget.description) != (display, description)
    widget.key, widget.key_display, widget.description, widget.action = key, display, description, action
    widget._disabled = not enabled
    widget.set_class(not enabled, "-disabled")
    widget.tooltip = tooltip or None
    widget.refresh(layout=resized)
