"""Command-line commands grouped by area. Each module defines ``register(main)``,
which adds its click commands to the ``workshop-tui`` group in cli.py. Modules
import heavy libraries inside the command functions, never at import time."""
