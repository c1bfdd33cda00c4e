"""Load scripts/kit.py (a script, not part of the package) for the tests."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_kit():
    if "workshop_kit_builder" not in sys.modules:
        spec = importlib.util.spec_from_file_location("workshop_kit_builder", ROOT / "scripts" / "kit.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["workshop_kit_builder"] = module
        spec.loader.exec_module(module)
    return sys.modules["workshop_kit_builder"]
