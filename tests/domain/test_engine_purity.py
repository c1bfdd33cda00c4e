import subprocess
import sys

ENGINE_MODULES = [
    "workshop_tui.domain.numbers",
    "workshop_tui.domain.consensus",
    "workshop_tui.domain.graph",
    "workshop_tui.domain.selection",
    "workshop_tui.domain.results",
    "workshop_tui.domain.methods_help",
    "workshop_tui.domain.methods.dots",
    "workshop_tui.domain.methods.matrix",
    "workshop_tui.domain.methods.ranked",
    "workshop_tui.domain.methods.value_effort",
    "workshop_tui.domain.methods.moscow",
    "workshop_tui.domain.methods.gates",
]


def test_the_engine_imports_no_ui_or_database_library_and_not_scipy_eagerly():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in ENGINE_MODULES)
        + "bad = [m for m in ('textual', 'rich', 'sqlmodel', 'sqlalchemy', 'scipy', 'numpy') if m in sys.modules]\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
