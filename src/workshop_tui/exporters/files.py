"""Writing export files safely: never leave a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomically(path: Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
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
