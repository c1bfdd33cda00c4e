"""Build the offline installation kit: ``make kit`` (issue 16).

The kit is one folder (dist/kit/) and a zip of it (dist/workshop-tui-kit.zip):
the project's wheel and every runtime dependency's wheel for each target
platform and Python, install.sh / install.ps1 that install them into a
virtual environment beside themselves with ``--no-index``, a README.txt for
the person at the other end, and SHA256SUMS.txt.

``pip download --platform`` picks wheels for another platform, but evaluates
environment markers (``colorama; platform_system == "Windows"``) for the
machine it runs on. So after downloading, every (platform, Python) pair is
resolved again here from the folder alone with that pair's own markers and
tags; a requirement that no wheel in the folder satisfies is downloaded for
that pair, and if it still cannot be had the build fails, naming it.

Standard library plus ``packaging`` (pip's own copy when it is not installed).
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.tags import compatible_tags, cpython_tags, mac_platforms
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ImportError:  # a run-only venv: pip always carries packaging
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.tags import compatible_tags, cpython_tags, mac_platforms  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename  # type: ignore[no-redef]
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "kit"
PROJECT = "workshop-tui"
PYTHONS = ("3.11", "3.12", "3.13")
KIT_FOLDER_NAME = "workshop-tui-kit"  # the folder's name inside the zip


@dataclass(frozen=True)
class Target:
    """One operating system and processor, as pip's tags and as PEP 508 markers see it."""

    key: str
    label: str
    download_platforms: tuple[str, ...]  # --platform values, preferred first
    sys_platform: str
    platform_system: str
    platform_machine: str
    os_name: str

    def platform_tags(self) -> list[str]:
        """Every platform tag a machine of this target accepts (for the offline check)."""
        if self.sys_platform == "darwin":
            version = tuple(int(p) for p in self.download_platforms[0].split("_")[1:3])
            arch = self.download_platforms[0].split("_", 3)[3]
            return list(mac_platforms(version, arch))  # type: ignore[arg-type]
        return list(self.download_platforms)

    def markers(self, python: str) -> dict[str, str]:
        return {
            "os_name": self.os_name, "sys_platform": self.sys_platform,
            "platform_system": self.platform_system, "platform_machine": self.platform_machine,
            "platform_release": "", "platform_version": "",
            "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "implementation_version": f"{python}.0",
            "platform_python_implementation": "CPython",
        }


def _manylinux(arch: str) -> tuple[str, ...]:
    # Oldest glibc first, so the kit runs on as many Linux machines as the wheels allow;
    # manylinux_2_28 last, for a package that publishes nothing older.
    return (f"manylinux_2_17_{arch}", f"manylinux2014_{arch}", f"manylinux_2_12_{arch}", f"manylinux2010_{arch}",
            f"manylinux_2_5_{arch}", f"manylinux1_{arch}", f"manylinux_2_28_{arch}")


TARGETS = {
    t.key: t for t in (
        Target("linux-x86_64", "Linux x86_64", _manylinux("x86_64"), "linux", "Linux", "x86_64", "posix"),
        Target("linux-aarch64", "Linux ARM64 (aarch64)", _manylinux("aarch64"), "linux", "Linux", "aarch64", "posix"),
        Target("macos-arm64", "macOS Apple silicon (arm64)", ("macosx_11_0_arm64",), "darwin", "Darwin", "arm64", "posix"),
        Target("macos-x86_64", "macOS Intel (x86_64)", ("macosx_10_13_x86_64",), "darwin", "Darwin", "x86_64", "posix"),
        Target("windows-x86_64", "Windows x86_64", ("win_amd64",), "win32", "Windows", "AMD64", "nt"),
    )
}


class KitError(Exception):
    """The kit cannot be built as asked; the message says which package, platform and Python."""


@dataclass
class Wheel:
    path: Path
    name: str
    version: Version
    tags: frozenset
    _requires: list[str] | None = field(default=None, repr=False)

    @classmethod
    def from_path(cls, path: Path) -> "Wheel":
        name, version, _build, tags = parse_wheel_filename(path.name)
        return cls(path, str(name), version, frozenset(tags))

    def requires(self) -> list[str]:
        if self._requires is None:
            with zipfile.ZipFile(self.path) as zf:
                meta = next(n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
                message = email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))
            self._requires = message.get_all("Requires-Dist") or []
        return self._requires


def wheels_in(folder: Path) -> dict[str, list[Wheel]]:
    by_name: dict[str, list[Wheel]] = {}
    for path in sorted(folder.glob("*.whl")):
        wheel = Wheel.from_path(path)
        by_name.setdefault(wheel.name, []).append(wheel)
    return by_name


def accepted_tags(target: Target, python: str) -> set:
    major, minor = (int(p) for p in python.split("."))
    platforms = target.platform_tags()
    tags = set(cpython_tags((major, minor), platforms=platforms))
    tags |= set(compatible_tags((major, minor), interpreter=f"cp{major}{minor}", platforms=platforms))
    return tags


@dataclass
class Resolution:
    chosen: dict[str, Wheel]
    missing: list[tuple[str, str]]  # (requirement, wanted by)


def resolve_offline(folder: Path, roots: list[str], target: Target, python: str) -> Resolution:
    """Resolve ``roots`` from the wheels in ``folder`` alone, as pip on ``target`` would.

    Highest acceptable version first, like pip; a later requirement that the
    chosen version does not satisfy is reported as missing (a conflict).
    """
    available = wheels_in(folder)
    tags = accepted_tags(target, python)
    env = target.markers(python)
    chosen: dict[str, Wheel] = {}
    extras_done: dict[str, set[str]] = {}
    missing: list[tuple[str, str]] = []
    queue: list[tuple[Requirement, str]] = [(Requirement(r), "the kit") for r in roots]
    while queue:
        req, wanted_by = queue.pop(0)
        name = str(canonicalize_name(req.name))
        wheel = chosen.get(name)
        if wheel is None:
            fits = [w for w in available.get(name, []) if w.tags & tags and req.specifier.contains(w.version, prereleases=True)]
            if not fits:
                missing.append((str(req), wanted_by))
                continue
            wheel = max(fits, key=lambda w: w.version)
            chosen[name] = wheel
        elif not req.specifier.contains(wheel.version, prereleases=True):
            missing.append((f"{req} (the folder's choice is {wheel.name} {wheel.version})", wanted_by))
            continue
        wanted = {""} | {str(canonicalize_name(e)) for e in req.extras}
        new = wanted - extras_done.get(name, set())
        if not new:
            continue
        extras_done.setdefault(name, set()).update(new)
        for line in wheel.requires():
            dep = Requirement(line)
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e}) for e in new):
                dep.marker = None
                queue.append((dep, f"{wheel.name} {wheel.version}"))
    return Resolution(chosen, missing)


def _pip(args: list[str], log: Path) -> None:
    cmd = [sys.executable, "-m", "pip", *args]
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    if done.returncode:
        tail = "".join(log.read_text(encoding="utf-8").splitlines(keepends=True)[-25:])
        raise KitError(f"pip failed ({' '.join(args[:2])} ...); the end of {log}:\n{tail}")


def download_for(target: Target, python: str, requirements: list[str], wheels: Path, log: Path) -> None:
    args = ["download", "--only-binary=:all:", "--implementation", "cp", "--python-version", python,
            "--dest", str(wheels), "--find-links", str(wheels), "--progress-bar", "off"]
    for plat in target.download_platforms:
        args += ["--platform", plat]
    _pip(args + requirements, log)


def build_project_wheel(wheels: Path, log: Path) -> Wheel:
    with tempfile.TemporaryDirectory() as tmp:
        _pip(["wheel", "--no-deps", "--wheel-dir", tmp, "--progress-bar", "off", str(ROOT)], log)
        built = list(Path(tmp).glob("*.whl"))
        if len(built) != 1:
            raise KitError(f"expected one project wheel, got {[p.name for p in built]}")
        dest = wheels / built[0].name
        shutil.copy2(built[0], dest)
    return Wheel.from_path(dest)


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise KitError(f"template placeholders without a value: {sorted(set(left))}")
    return text


def glibc_needed(wheels: list[Wheel]) -> str:
    best = (2, 5)
    for w in wheels:
        versions = []
        for tag in w.tags:
            m = re.match(r"manylinux_(\d+)_(\d+)_", tag.platform)
            legacy = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
            if m:
                versions.append((int(m[1]), int(m[2])))
            elif tag.platform.split("_")[0] in legacy:
                versions.append(legacy[tag.platform.split("_")[0]])
        if versions:
            best = max(best, min(versions))
    return f"{best[0]}.{best[1]}"


def macos_needed(wheels: list[Wheel], floor: str) -> str:
    best = tuple(int(p) for p in floor.split("."))
    for w in wheels:
        versions = [tuple(int(p) for p in t.platform.split("_")[1:3]) for t in w.tags if t.platform.startswith("macosx_")]
        if versions:
            best = max(best, min(versions))
    return ".".join(str(p) for p in best)


def human(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def write_zip(folder: Path, zip_path: Path) -> None:
    tmp = zip_path.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w") as zf:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if rel.parts[0] == ".venv" or path.is_dir():
                continue
            info = zipfile.ZipInfo(f"{KIT_FOLDER_NAME}/{rel.as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = ((0o755 if path.suffix == ".sh" else 0o644) | 0o100000) << 16
            info.compress_type = zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    os.replace(tmp, zip_path)


def build(out: Path, zip_path: Path | None, targets: list[Target], pythons: list[str], extras: list[str]) -> str:
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    log = out.parent / f"{out.name}-build.log"
    log.write_text("", encoding="utf-8")
    print(f"kit: building {PROJECT}'s wheel (pip's output goes to {log})", flush=True)
    project = build_project_wheel(wheels, log)
    roots = [f"{PROJECT}[{','.join(extras)}]" if extras else PROJECT]

    plan: dict[tuple[str, str], Resolution] = {}
    for target in targets:
        for python in pythons:
            print(f"kit: {target.label}, Python {python}: downloading wheels", flush=True)
            download_for(target, python, [str(r) for r in _deps_of(project, extras)], wheels, log)
            resolution = resolve_offline(wheels, roots, target, python)
            # pip judged markers by this machine; fetch what the target itself needs.
            for _round in range(3):
                if not resolution.missing:
                    break
                wanted = sorted({m[0].split(" (the folder")[0] for m in resolution.missing})
                print(f"kit:   also needed there: {', '.join(wanted)}", flush=True)
                try:
                    download_for(target, python, wanted, wheels, log)
                except KitError:
                    break
                resolution = resolve_offline(wheels, roots, target, python)
            if resolution.missing:
                lines = "\n".join(f"  - {req}  (wanted by {by})" for req, by in resolution.missing)
                raise KitError(f"{target.label}, Python {python}: no wheel in the kit for\n{lines}")
            plan[(target.key, python)] = resolution

    report = size_report(wheels, plan, targets, pythons, project)
    linux = [w for (k, _), r in plan.items() if k.startswith("linux") for w in r.chosen.values()]
    values = {
        "VERSION": str(project.version),
        "PYTHONS": ", ".join(pythons[:-1]) + f" or {pythons[-1]}" if len(pythons) > 1 else pythons[0],
        "PYTHON_MIN": pythons[0], "PYTHON_MAX": pythons[-1],
        "GLIBC": glibc_needed(linux),
        "MACOS_ARM": macos_needed([w for (k, _), r in plan.items() if k == "macos-arm64" for w in r.chosen.values()], "11.0"),
        "MACOS_INTEL": macos_needed([w for (k, _), r in plan.items() if k == "macos-x86_64" for w in r.chosen.values()], "10.13"),
        "PLATFORMS": "\n".join(f"  - {t.label}" for t in targets),
    }
    for name in ("install.sh", "install.ps1", "README.txt"):
        text = fill((TEMPLATES / name).read_text(encoding="utf-8"), values)
        newline = "\r\n" if name != "install.sh" else "\n"  # Notepad-friendly text; sh needs LF
        (out / name).write_text(text, encoding="utf-8", newline=newline)
    (out / "install.sh").chmod(0o755)
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  wheels/{p.name}\n" for p in sorted(wheels.glob("*.whl")))
    (out / "SHA256SUMS.txt").write_text(sums, encoding="utf-8", newline="\n")
    if zip_path is not None:
        write_zip(out, zip_path)
        report += f"zip {zip_path.name}: {human(zip_path.stat().st_size)}\n"
    (out.parent / f"{out.name}-sizes.txt").write_text(report, encoding="utf-8")
    return report


def _deps_of(project: Wheel, extras: list[str]) -> list[Requirement]:
    """The project's own requirements (markers kept: pip evaluates them) for the runtime and extras."""
    deps = []
    for line in project.requires():
        req = Requirement(line)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ["", *extras]):
            if req.marker is not None and "extra" in str(req.marker):
                req.marker = None
            deps.append(req)
    return deps


def size_report(wheels: Path, plan: dict, targets: list[Target], pythons: list[str], project: Wheel) -> str:
    all_wheels = list(wheels.glob("*.whl"))
    total = sum(p.stat().st_size for p in all_wheels)
    pure = {p for p in all_wheels if p.name.endswith("-none-any.whl")}
    lines = [f"kit for {PROJECT} {project.version}: {len(all_wheels)} wheels, {human(total)} in all "
             f"({len(pure)} pure-Python wheels, {human(sum(p.stat().st_size for p in pure))}, serve every platform)"]
    for target in targets:
        needed = {w.path for py in pythons for w in plan[(target.key, py)].chosen.values()}
        binary = [p for p in needed if p not in pure]
        lines.append(f"  {target.label:<30} {human(sum(p.stat().st_size for p in needed)):>9} to install on it "
                     f"(Python {pythons[0]}-{pythons[-1]}; {len(binary)} platform wheels, "
                     f"{human(sum(p.stat().st_size for p in binary))})")
    return "\n".join(lines) + "\n"


def host_target() -> Target:
    machine = platform.machine().lower()
    if sys.platform.startswith("linux") and machine in ("x86_64", "amd64"):
        return TARGETS["linux-x86_64"]
    if sys.platform.startswith("linux") and machine in ("aarch64", "arm64"):
        return TARGETS["linux-aarch64"]
    raise KitError(f"no kit target for this machine ({sys.platform}, {platform.machine()})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "kit", help="the kit folder (emptied first)")
    parser.add_argument("--zip", type=Path, default=ROOT / "dist" / "workshop-tui-kit.zip", help="the zip to write")
    parser.add_argument("--no-zip", action="store_true")
    parser.add_argument("--targets", default=",".join(TARGETS),
                        help=f"comma-separated, of {', '.join(TARGETS)}; or 'host' (this machine only)")
    parser.add_argument("--pythons", default=",".join(PYTHONS), help="comma-separated; 'host' for this interpreter's")
    parser.add_argument("--extras", default="", help="project extras to include, e.g. postgres")
    args = parser.parse_args(argv)
    try:
        targets = [host_target()] if args.targets == "host" else [TARGETS[k] for k in args.targets.split(",")]
    except KeyError as exc:
        parser.error(f"unknown target {exc}; known: {', '.join(TARGETS)}")
    pythons = ([f"{sys.version_info[0]}.{sys.version_info[1]}"] if args.pythons == "host"
               else args.pythons.split(","))
    extras = [e for e in args.extras.split(",") if e]
    try:
        report = build(args.out.resolve(), None if args.no_zip else args.zip.resolve(), targets, pythons, extras)
    except KitError as exc:
        print(f"kit: FAILED: {exc}", file=sys.stderr)
        return 1
    print(report, end="")
    print(f"kit: ready in {args.out}" + ("" if args.no_zip else f" and {args.zip}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
