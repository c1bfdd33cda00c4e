"""The layers point one way: domain and the session-file format stay pure."""

import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "workshop_tui"
PURE = sorted(
    ".".join(("workshop_tui",) + p.relative_to(SRC).with_suffix("").parts)
    for folder in ("domain", "sessionfile")
    for p in (SRC / folder).rglob("*.py")
    if p.name != "__init__.py"
) + ["workshop_tui.presentation", "workshop_tui.textsafe"]
FORBIDDEN = ("textual", "rich", "sqlmodel", "sqlalchemy", "alembic")


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_ui_or_database_library(module):
    code = (
        f"import sys, {module}\n"
        f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def test_only_the_tui_package_imports_textual():
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tui" in path.relative_to(SRC).parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        if "import textual" in text or "from textual" in text:
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


# Which of our own packages each layer may import (ARCHITECTURE.md: dependencies point one way).
ALLOWED = {
    "domain": {"domain"},
    "sessionfile": {"domain", "sessionfile"},
    "storage": {"domain", "storage"},
    "exporters": {"domain", "sessionfile", "exporters", "presentation", "textsafe"},
    "services": {"domain", "sessionfile", "storage", "exporters", "services", "textsafe"},
}
IMPORT_RE = __import__("re").compile(r"^\s*(?:from|import)\s+workshop_tui\.([a-z_]+)", __import__("re").M)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(layer):
    found = {}
    for path in (SRC / layer).rglob("*.py"):
        for target in IMPORT_RE.findall(path.read_text(encoding="utf-8")):
            if target not in ALLOWED[layer]:
                found.setdefault(target, []).append(str(path.relative_to(SRC)))
    assert found == {}, f"{layer} reaches into {found}"
