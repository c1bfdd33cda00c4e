"""workshop-tui: facilitate a digital-strategy prioritisation workshop from a terminal."""

__version__ = "0.1.0"
