"""The kit builder's own rules (scripts/kit.py), on small wheels made here: no network.

pip judges environment markers by the machine it runs on, so the builder resolves
every (platform, Python) again from the folder alone; these tests pin that check,
the templates and the zip's layout.
"""

import subprocess
import zipfile

import pytest

from .kit_loader import ROOT, load_kit

kit = load_kit()
WIN, LINUX, MAC_ARM = kit.TARGETS["windows-x86_64"], kit.TARGETS["linux-x86_64"], kit.TARGETS["macos-arm64"]


def make_wheel(folder, name, version, requires=(), tag="py3-none-any"):
    path = folder / f"{name.replace('-', '_')}-{version}-{tag}.whl"
    meta = "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA",
                    f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{meta}")
    return path


def test_a_dependency_only_windows_needs_is_missing_for_windows_and_not_for_linux(tmp_path):
    make_wheel(tmp_path, "app", "1.0", ["clicky>=8"])
    make_wheel(tmp_path, "clicky", "8.1", ['colourful; platform_system == "Windows"'])
    win = kit.resolve_offline(tmp_path, ["app"], WIN, "3.12")
    assert [req for req, _ in win.missing] == ["colourful"]
    assert win.missing[0][1] == "clicky 8.1"
    assert kit.resolve_offline(tmp_path, ["app"], LINUX, "3.12").missing == []


def test_a_binary_wheel_serves_only_its_own_platform_and_python(tmp_path):
    make_wheel(tmp_path, "app", "1.0", ["fast"])
    make_wheel(tmp_path, "fast", "2.0", tag="cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64")
    assert kit.resolve_offline(tmp_path, ["app"], LINUX, "3.12").missing == []
    for target, python in ((LINUX, "3.13"), (WIN, "3.12"), (MAC_ARM, "3.12")):
        assert [r for r, _ in kit.resolve_offline(tmp_path, ["app"], target, python).missing] == ["fast"], target


def test_macos_accepts_older_and_universal_wheels(tmp_path):
    make_wheel(tmp_path, "app", "1.0", ["fast"])
    make_wheel(tmp_path, "fast", "2.0", tag="cp312-cp312-macosx_10_9_universal2")
    assert kit.resolve_offline(tmp_path, ["app"], MAC_ARM, "3.12").missing == []


def test_extras_bring_their_own_requirements(tmp_path):
    make_wheel(tmp_path, "app", "1.0", ["md[linkify]"])
    make_wheel(tmp_path, "md", "4.0", ['linkify-it; extra == "linkify"', 'plugins; extra == "plugins"'])
    missing = kit.resolve_offline(tmp_path, ["app"], LINUX, "3.11").missing
    assert [r for r, _ in missing] == ["linkify-it"]


def test_a_version_that_no_wheel_satisfies_is_reported(tmp_path):
    make_wheel(tmp_path, "app", "1.0", ["core==2.0", "extra-bit"])
    make_wheel(tmp_path, "core", "1.0")
    make_wheel(tmp_path, "extra-bit", "1.0", ["core>=1"])
    missing = kit.resolve_offline(tmp_path, ["app"], LINUX, "3.11").missing
    assert [r for r, _ in missing] == ["core==2.0"]


def test_the_highest_acceptable_version_is_chosen(tmp_path):
    make_wheel(tmp_path, "app", "1.0", ["lib<3"])
    for version in ("1.0", "2.5", "3.0"):
        make_wheel(tmp_path, "lib", version)
    chosen = kit.resolve_offline(tmp_path, ["app"], LINUX, "3.11").chosen
    assert str(chosen["lib"].version) == "2.5"


def test_the_oldest_glibc_the_chosen_linux_wheels_allow_is_named(tmp_path):
    older = kit.Wheel.from_path(make_wheel(tmp_path, "a", "1", tag="cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"))
    newer = kit.Wheel.from_path(make_wheel(tmp_path, "b", "1", tag="cp311-cp311-manylinux_2_28_x86_64"))
    either = kit.Wheel.from_path(make_wheel(tmp_path, "c", "1", tag="cp311-cp311-manylinux2014_x86_64.manylinux_2_28_x86_64"))
    assert kit.glibc_needed([older, either]) == "2.17"
    assert kit.glibc_needed([older, newer]) == "2.28"


VALUES = {"VERSION": "9.9", "PYTHONS": "3.11, 3.12 or 3.13", "PYTHON_MIN": "3.11", "PYTHON_MAX": "3.13",
          "GLIBC": "2.17", "MACOS_ARM": "11.0", "MACOS_INTEL": "10.13", "PLATFORMS": "  - Linux\n  - Windows"}


@pytest.mark.parametrize("name", ["install.sh", "install.ps1", "README.txt"])
def test_every_placeholder_in_the_templates_has_a_value(name):
    text = kit.fill((ROOT / "kit" / name).read_text(encoding="utf-8"), VALUES)
    assert "@" not in text.replace("@(", "").replace("@rest", "")
    # Windows PowerShell 5.1 reads a script without a BOM as the ANSI code page.
    assert text.isascii()


def test_a_placeholder_without_a_value_stops_the_build():
    with pytest.raises(kit.KitError, match="@GLIBC@"):
        kit.fill("glibc @GLIBC@ or newer", {})


def test_install_sh_is_valid_posix_sh():
    done = subprocess.run(["sh", "-n", str(ROOT / "kit" / "install.sh")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_readme_gives_both_commands_for_each_system():
    text = (ROOT / "kit" / "README.txt").read_text(encoding="utf-8")
    for line in ("powershell -ExecutionPolicy Bypass -File install.ps1", r".venv\Scripts\workshop-tui",
                 "sh install.sh", ".venv/bin/workshop-tui", "--no-index --find-links wheels workshop-tui"):
        assert line in text


def test_the_zip_holds_one_folder_with_an_executable_install_sh(tmp_path):
    folder = tmp_path / "kit"
    (folder / "wheels").mkdir(parents=True)
    (folder / "install.sh").write_text("#!/bin/sh\n")
    (folder / "README.txt").write_text("hello\r\n")
    (folder / ".venv").mkdir()
    (folder / ".venv" / "junk").write_text("not shipped")
    make_wheel(folder / "wheels", "app", "1.0")
    kit.write_zip(folder, tmp_path / "kit.zip")
    with zipfile.ZipFile(tmp_path / "kit.zip") as zf:
        names = sorted(zf.namelist())
        mode = zf.getinfo("workshop-tui-kit/install.sh").external_attr >> 16
    assert names == ["workshop-tui-kit/README.txt", "workshop-tui-kit/install.sh",
                     "workshop-tui-kit/wheels/app-1.0-py3-none-any.whl"]
    assert mode & 0o111
