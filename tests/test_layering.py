"""The layers point one way: domain and the session-file format stay pure.

The contracts themselves live in pyproject.toml ([tool.importlinter]) and run as
`lint-imports` in scripts/test.sh; here they run too, on the real package and on
a copy with forbidden imports planted, to show the check can fail.
"""

import shutil
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
    "services": {"domain", "sessionfile", "storage", "exporters", "services", "presentation", "textsafe"},
    # Front ends: data only through services (domain values and display helpers are fine).
    "tui": {"domain", "services", "tui", "web", "presentation", "preferences", "textsafe"},
    "web": {"domain", "services", "web", "presentation", "textsafe"},
    "commands": {"domain", "services", "web", "cli", "commands", "presentation", "textsafe"},
}
# heap.py (the process's garbage collector) sits beneath every layer: any may pause it.
ALLOWED = {layer: allowed | {"heap"} for layer, allowed in ALLOWED.items()}
IMPORT_RE = __import__("re").compile(r"^\s*(?:from|import)\s+workshop_tui\.([a-z_]+)", __import__("re").M)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(layer):
    found = {}
    for path in (SRC / layer).rglob("*.py"):
        for target in IMPORT_RE.findall(path.read_text(encoding="utf-8")):
            if target not in ALLOWED[layer]:
                found.setdefault(target, []).append(str(path.relative_to(SRC)))
    assert found == {}, f"{layer} reaches into {found}"


ROOT = SRC.parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(src_parent: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(src_parent), "PATH": str(LINT_IMPORTS.parent), "NO_COLOR": "1",
           "COLUMNS": "400"}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, env=env, cwd=src_parent)


def test_cli_reaches_data_only_through_services():
    text = (SRC / "cli.py").read_text(encoding="utf-8")
    found = set(IMPORT_RE.findall(text)) - {"services", "storage", "tui", "presentation", "textsafe", "commands",
                                             "heap"}
    assert found == set(), f"cli.py reaches into {found}"


def test_the_import_contracts_hold():
    out = _lint(SRC.parent)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


# One forbidden import per front end and layer, planted in a copy of the package.
PLANTED = {
    "tui/widgets/vote_grid.py": ("from workshop_tui.storage import repository", "workshop_tui.tui"),
    "commands/exchange.py": ("from workshop_tui.exporters import ballots", "workshop_tui.commands"),
    "cli.py": ("from workshop_tui.sessionfile import reader", "workshop_tui.cli"),
    "domain/numbers.py": ("import textual", "workshop_tui.domain"),
    "services/exports.py": ("from workshop_tui.tui import app", "workshop_tui.services"),
    "exporters/markdown.py": ("from workshop_tui.storage import engine", "workshop_tui.exporters"),
    "web/forms.py": ("from workshop_tui.storage import repository", "workshop_tui.web"),
    "web/pages.py": ("import textual", "workshop_tui.web"),
}


@pytest.mark.parametrize("path", sorted(PLANTED))
def test_a_forbidden_import_planted_in_a_copy_breaks_the_contracts(tmp_path, path):
    copy = tmp_path / "src" / "workshop_tui"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    line, importer = PLANTED[path]
    target = copy / path
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # planted by the test\n",
                      encoding="utf-8")
    out = _lint(tmp_path / "src")
    assert out.returncode != 0, out.stdout
    assert "BROKEN" in out.stdout and importer in out.stdout, out.stdout
