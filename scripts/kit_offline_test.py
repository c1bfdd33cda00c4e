"""Prove the kit installs and runs with no network: ``make kit-test`` (issue 16), Linux only.

Usage: kit_offline_test.py KIT.zip [--python PY ...]

Everything below runs inside a new network namespace (``unshare -n``, or
``unshare -rn`` when not root), where the only interface is a loopback that is
down: first a download attempt that must fail there, then for each Python the
zip is unpacked into a new folder, its install.sh run, and the installed
``workshop-tui`` used: ``--db X demo``, ``sessions``, and the app itself
started under a pseudo-terminal (``python -m workshop_tui``) until the home
screen shows a sample session, then quit with Ctrl+Q.

When no namespace can be made here the same steps run with every download
pointed at a closed local port instead, and the output says so plainly: that
is weaker proof, and never passed off as the real one.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there
ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


START = time.monotonic()


def say(text: str = "") -> None:
    if text.lstrip("\n").startswith("=="):
        text = f"{text}  [{time.monotonic() - START:.0f} s]"
    print(text, flush=True)


def run(cmd: list[str], env: dict, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    say(f"$ {' '.join(str(c) for c in cmd)}")
    done = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    for line in (done.stdout + done.stderr).rstrip().splitlines():
        say(f"    {line}")
    say(f"    (exit {done.returncode})")
    return done


def clean_env(home: Path, method: str) -> dict:
    """This machine's pip settings (local mirrors, find-links) must not help the install."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k.lower() not in (
        "http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env.update(PIP_CONFIG_FILE=os.devnull, HOME=str(home), WORKSHOP_TUI_DATA_DIR=str(home / "data"),
               TERM="xterm-256color", PYTHONDONTWRITEBYTECODE="1")
    if method == "dead-proxy":
        env.update(http_proxy=DEAD_PROXY, https_proxy=DEAD_PROXY, HTTP_PROXY=DEAD_PROXY, HTTPS_PROXY=DEAD_PROXY)
    return env


def interfaces() -> list[str]:
    """This namespace's interfaces and whether each is up (/proc/net/dev and an ioctl
    follow the calling process's namespace; /sys/class/net would show the host's)."""
    import fcntl
    import socket
    import struct

    if not Path("/proc/net/dev").exists():  # not Linux: the fallback runs, and says so
        return ["(not listed on this system)"]
    names = [r.split(":")[0].strip() for r in Path("/proc/net/dev").read_text().splitlines()[2:]]
    out = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for name in names:
            raw = fcntl.ioctl(sock.fileno(), 0x8913, struct.pack("16sH14x", name.encode()[:15], 0))  # SIOCGIFFLAGS
            up = struct.unpack("16sH14x", raw)[1] & 1
            out.append(f"{name} ({'up' if up else 'down'})")
    return out


def prove_no_network(env: dict, work: Path) -> None:
    """A download attempt must fail here, and a connection to the package index too."""
    import socket

    from pip._internal.models.index import PyPI  # pip's default index, whose host we must not reach

    cut = env.get("https_proxy") != DEAD_PROXY
    say("== The network is absent here: download attempts must fail" if cut else
        "== NOT a network namespace: pip's downloads must fail (dead proxy); the network itself is up")
    say(f"network interfaces: {', '.join(interfaces())}")
    host = PyPI.netloc
    cmd = [sys.executable, "-m", "pip", "download", "-vv", "--isolated", "--no-deps", "--retries", "0",
           "--timeout", "5", "--dest", str(work / "attempt"), "click"]
    say(f"$ {' '.join(cmd)}   (pip's lines about the connection and its verdict)")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    for line in (done.stdout + done.stderr).splitlines():
        if re.search(r"Could not fetch URL .*/click/|^ERROR", line):
            say(f"    {line.strip().replace(host, '<package index>')}")
    say(f"    (exit {done.returncode})")
    if done.returncode == 0 or any((work / "attempt").glob("*")):
        raise SystemExit("FAILED: pip downloaded a package: the network is NOT cut, so this proves nothing")
    say(f"$ python: socket.create_connection((pip's default index host, 443), timeout=5)")
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as exc:
        say(f"    {type(exc).__name__}: {exc}")
    else:
        if cut:
            raise SystemExit("FAILED: a connection to the package index succeeded: the network is NOT cut")
        say("    connected: the network is NOT cut here (dead-proxy fallback): only pip's downloads are blocked")
        say("pip's download failed (fallback: weaker proof, the network itself was up)")
        return
    say("both download attempts failed, as they must with no network")


def pty_session(cmd: list[str], env: dict, wanted: list[str], limit: float = 60.0) -> tuple[str, int]:
    """Run ``cmd`` on a 120x40 pseudo-terminal until one of ``wanted`` shows; then Ctrl+Q."""
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(cmd[0], cmd, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    screen, seen, deadline = "", None, time.monotonic() + limit
    while time.monotonic() < deadline and seen is None:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                screen += os.read(fd, 65536).decode("utf-8", "replace")
            except OSError:
                break
            plain = ANSI.sub("", screen)
            seen = next((w for w in wanted if w in plain), None)
    if seen is not None:
        os.write(fd, b"\x11")  # Ctrl+Q: the app's quit binding
    else:
        os.kill(pid, 15)
    code = -1
    end = time.monotonic() + 20
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            code = os.waitstatus_to_exitcode(status)
            break
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
    return (seen or ""), code


def install_and_run(kit_zip: Path, python: str, env: dict, work: Path) -> None:
    folder = work / f"fresh-{Path(python).name}"
    say(f"\n== Install from the kit into a new folder with {python}: {folder}")
    with zipfile.ZipFile(kit_zip) as zf:
        zf.extractall(folder)
    kit = folder / "workshop-tui-kit"
    done = run(["sh", kit / "install.sh"], {**env, "PYTHON": python}, cwd=folder)
    if done.returncode:
        raise SystemExit(f"FAILED: install.sh exited {done.returncode}")
    bin_dir = kit / ".venv" / "bin"
    db = folder / "workshop.db"

    say("\n== Use it: demo, sessions")
    demo = run([bin_dir / "workshop-tui", "--db", db, "demo"], env)
    titles = [m[1] for m in re.finditer(r"^\s*\d+\s+(.+?)\s+\((?:loaded|already there)\)$", demo.stdout, re.M)]
    if demo.returncode or len(titles) < 3:
        raise SystemExit(f"FAILED: demo did not load the sample sessions (exit {demo.returncode})")
    listing = run([bin_dir / "workshop-tui", "--db", db, "sessions", "--json"], env)
    if listing.returncode or not all(t in listing.stdout for t in titles):
        raise SystemExit("FAILED: sessions does not list the sample sessions")

    say("\n== Start the app itself, headless, on a pseudo-terminal: python -m workshop_tui")
    cmd = [str(bin_dir / "python"), "-m", "workshop_tui", "--db", str(db)]
    say(f"$ {' '.join(cmd)}   (then Ctrl+Q)")
    # The first word of each title: the home list cuts long titles in the middle at 80 columns.
    seen, code = pty_session(cmd, env, [t.split()[0] for t in titles])
    if not seen or code != 0:
        raise SystemExit(f"FAILED: the app did not show the sessions and quit cleanly (saw {seen!r}, exit {code})")
    say(f"    the home screen showed {seen!r}; Ctrl+Q quit it (exit {code})")


def inside(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="workshop-tui-kit-test."))
    try:
        home = work / "home"
        home.mkdir()
        env = clean_env(home, args.method)
        prove_no_network(env, work)
        for python in args.python:
            install_and_run(args.kit.resolve(), python, env, work)
        say("\n== After all that:")
        prove_no_network(env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def namespace_command() -> tuple[list[str] | None, str]:
    """The unshare invocation that works here, or None with the reason it does not."""
    if os.environ.get("WORKSHOP_TUI_KIT_TEST_NO_NAMESPACE"):  # to exercise the fallback itself
        return None, "WORKSHOP_TUI_KIT_TEST_NO_NAMESPACE is set"
    if not sys.platform.startswith("linux"):
        return None, f"this is {sys.platform}, not Linux"
    unshare = shutil.which("unshare")
    if unshare is None:
        return None, "the unshare command is not installed"
    reasons = []
    for flags in (["-n"], ["-rn"]) if os.geteuid() == 0 else (["-rn"], ["-n"]):
        probe = subprocess.run([unshare, *flags, "true"], capture_output=True, text=True)
        if probe.returncode == 0:
            return [unshare, *flags], ""
        reasons.append(f"unshare {' '.join(flags)}: {probe.stderr.strip() or probe.returncode}")
    return None, "; ".join(reasons)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kit", type=Path, help="the kit's zip")
    parser.add_argument("--python", action="append", help="a Python to install with (repeatable); default: this one")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--method", default="namespace", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.python = args.python or [sys.executable]
    if args.inside:
        return inside(args)
    prefix, reason = namespace_command()
    if prefix is not None:
        say(f"kit-test: network cut off with `{' '.join(Path(p).name if i == 0 else p for i, p in enumerate(prefix))}`: "
            "a new network namespace with no way out")
        method = "namespace"
        cmd = [*prefix, sys.executable, __file__, "--inside", "--method", method]
    else:
        say(f"kit-test: NOTE: the network could NOT be cut off here ({reason}).")
        say(f"kit-test: weaker proof instead: pip's own settings are ignored, every download is pointed at a dead "
            f"proxy ({DEAD_PROXY}) and the install uses --no-index; the download attempt below shows it fails.")
        method = "dead-proxy"
        cmd = [sys.executable, __file__, "--inside", "--method", method]
    for python in args.python:
        cmd += ["--python", python]
    code = subprocess.run([*cmd, str(args.kit)]).returncode
    if code == 0:
        say(f"kit-test: PASSED, offline ({'network namespace: no network at all' if method == 'namespace' else 'NOT a network namespace: dead proxy only'})")
    else:
        say(f"kit-test: FAILED (exit {code})")
    return code


if __name__ == "__main__":
    sys.exit(main())
