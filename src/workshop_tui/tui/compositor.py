"""The session screen's compositor: a partial update renders only the widgets it touches.

Textual (8.2.8) makes a partial update (one vote: two lines of the grid) by asking every
visible widget whose *clip* overlaps the changed area for its lines. A widget's clip is its
container's region, the whole screen for the header, the footer and the stepper, so every
frame after a keypress went through all fifteen widgets of the Voting stage (from their
caches, but at about 0.3 ms each: half of the frame). A widget whose own visible part is
outside the changed area gives nothing to that frame: the compositor throws its lines away
(``_render_chops`` keeps only the changed lines), so it is not asked here. Everything else
is Textual's own ``Compositor._get_renders``, unchanged.
"""

from __future__ import annotations

from typing import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class LeanCompositor(Compositor):
    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        _rich_traceback_guard = True  # noqa: F841 - as Textual's: no traceback through here
        visible_widgets = self.visible_widgets
        intersection = Region.intersection
        contains_region = Region.contains_region
        if crop:
            crop_overlaps = crop.overlaps
            # Textual tests the clip alone; the part of the widget inside its clip is what shows.
            widget_regions = [(widget, region, clip) for widget, (region, clip) in visible_widgets.items()
                              if crop_overlaps(intersection(region, clip))]
        else:
            widget_regions = [(widget, region, clip) for widget, (region, clip) in visible_widgets.items()]
        for widget, region, clip in widget_regions:
            if contains_region(clip, region):
                yield region, clip, widget.render_lines(Region(0, 0, region.width, region.height))
            else:
                new_x, new_y, new_width, new_height = intersection(region, clip)
                if new_width and new_height:
                    yield region, clip, widget.render_lines(
                        Region(new_x - region.x, new_y - region.y, new_width, new_height))
