"""A text box whose Enter happens where it was typed.

Textual's ``Input`` inserts a typed character as its key arrives but submits on Enter
through a binding, which runs only after the key has bubbled up: keys typed straight after
Enter (a fast typist, a barcode reader, tmux sending a line) reach the box first. So
"Eve Adams", Enter, "Sam Lee", Enter stored "Eve AdamsSam Lee" twice. ``EntryBox``
submits on Enter as the key arrives, in typing order; with ``clear_on_submit`` it also
empties itself there (a box for one entry after another, such as the participants' name),
since the screen's handler of the submission runs only after the box has taken the keys
that followed.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class EntryBox(Input):
    def __init__(self, *args, clear_on_submit: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clear_on_submit = clear_on_submit

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            if self.clear_on_submit:
                self.value = ""
            return
        await super()._on_key(event)
