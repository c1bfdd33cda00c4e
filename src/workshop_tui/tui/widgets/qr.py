"""A QR code drawn with half-blocks, always black on white.

Phones' cameras need dark modules on a light background with a light border (the quiet
zone, 4 modules). Terminal colour themes differ (a dark theme, F2's high contrast), so the
code never takes the theme's colours: every cell is drawn with explicit black on white.
Two rows of modules share one terminal line (``▀ ▄ █`` and space), which keeps the
modules square on a usual 1:2 cell; the big mode gives each module two columns and one
whole line, for a projector at the back of the room.

segno (pure Python) makes the matrix; it is imported only when a code is drawn.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

QUIET_ZONE = 4  # modules of white around the code (ISO/IEC 18004)
ERROR_LEVEL = "M"  # recovers ~15% damage: a glare spot or a head in the way
BLACK_ON_WHITE = Style(color="#000000", bgcolor="#ffffff")
# top dark, bottom dark -> character (foreground black draws the dark modules)
HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of ``data``'s QR code (True = dark), quiet zone included."""
    import segno

    code = segno.make(data, error=ERROR_LEVEL.lower(), boost_error=False, micro=False)
    return [[bool(module) for module in row] for row in code.matrix_iter(scale=1, border=QUIET_ZONE)]


def wifi_data(ssid: str, password: str) -> str:
    """What a phone's camera reads as "join this Wi-Fi" (WPA; escaping done by segno)."""
    from segno import helpers

    return helpers.make_wifi_data(ssid=ssid, password=password or None, security="WPA" if password else "nopass")


def draw(matrix: list[list[bool]], big: bool = False) -> list[str]:
    """The terminal lines of a module matrix: half-blocks, or two columns a module when big."""
    if big:
        return ["".join("██" if dark else "  " for dark in row) for row in matrix]
    width = len(matrix[0]) if matrix else 0
    rows = matrix + ([[False] * width] if len(matrix) % 2 else [])  # an odd last row: its lower half is white
    return ["".join(HALF_BLOCKS[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1]))
            for i in range(0, len(rows), 2)]


def fits(matrix_size: int, width: int, height: int, big: bool) -> bool:
    """Whether a code of ``matrix_size`` modules (quiet zone included) fits width x height cells."""
    if big:
        return matrix_size * 2 <= width and matrix_size <= height
    return matrix_size <= width and (matrix_size + 1) // 2 <= height


class QrCode(Widget):
    """Draws ``data`` as a QR code; nothing while ``data`` is empty."""

    DEFAULT_CSS = """
    QrCode { width: auto; height: auto; background: #ffffff; color: #000000; }
    """

    data: reactive[str] = reactive("", layout=True)
    big: reactive[bool] = reactive(False, layout=True)

    def __init__(self, data: str = "", *, big: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self._matrix_for: tuple[str, list[list[bool]]] | None = None
        self.set_reactive(QrCode.data, data)
        self.set_reactive(QrCode.big, big)

    @property
    def matrix(self) -> list[list[bool]]:
        if not self.data:
            return []
        if self._matrix_for is None or self._matrix_for[0] != self.data:
            self._matrix_for = (self.data, qr_matrix(self.data))
        return self._matrix_for[1]

    def lines(self) -> list[str]:
        matrix = self.matrix
        return draw(matrix, self.big) if matrix else []

    def get_content_width(self, container, viewport) -> int:
        lines = self.lines()
        return len(lines[0]) if lines else 0

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.lines())

    def render(self) -> Text:
        # One explicit style on every cell: the theme's colours never reach the code.
        return Text("\n".join(self.lines()), style=BLACK_ON_WHITE, no_wrap=True, overflow="crop", end="")
