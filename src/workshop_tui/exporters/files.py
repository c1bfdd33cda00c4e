"""Writing export files safely: regular files only, never half-written, never a
surprise replacement, with the permissions the user's umask gives."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class TargetError(Exception):
    """A place an export must not be written to; the message says why, plainly."""


class TargetExists(TargetError):
    """The target already exists: replacing it needs the user's say-so (CLI --force,
    a confirmation in the app)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists")
        self.path = path


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def refuse_special(path: Path, *, folder_ok: bool = False) -> os.stat_result | None:
    """The target's stat (following links) if it exists; refuses anything but a regular
    file (or a folder, when one is expected)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise TargetError(f"{path}: a part of this path is a file, not a folder; nothing was written.") from None
    if stat.S_ISREG(found.st_mode) or (folder_ok and stat.S_ISDIR(found.st_mode)):
        return found
    raise TargetError(f"{path} is {_kind(found.st_mode)}; exports are written to regular files only. "
                      "Nothing was written.")


def check_target(path: Path, *, overwrite: bool) -> None:
    """Before writing a single-file export: a regular file or nothing, and an existing
    file only with ``overwrite``."""
    if refuse_special(Path(path)) is not None and not overwrite:
        raise TargetExists(Path(path))


def _umask() -> int:
    # /proc says it without changing it (os.umask can only be read by setting it).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def write_bytes_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file renamed over it.

    A link to a regular file is followed (the file it names is replaced, the link
    stays). A device, FIFO, socket or folder at ``path`` is refused. The new file has
    the mode a new file gets under the user's umask, or the mode of the file it replaces.
    """
    path = Path(path)
    existing = refuse_special(path)
    if existing is not None and path.is_symlink():
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        refuse_special(path)  # once more, just before the rename
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            # Windows refuses to replace a file another program holds open (Excel does).
            raise PermissionError(exc.errno, f"Cannot write {path}: it is open in another program (close it there, "
                                  "e.g. in Excel, and export again) or the folder is read-only") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomically(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    return write_bytes_atomically(path, text.encode(encoding))
