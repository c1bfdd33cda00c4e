"""The facilitator's preferences, remembered between runs in a small JSON file.

Kept in the user's config folder (platformdirs; ``WORKSHOP_TUI_CONFIG_DIR`` overrides it,
which is how tests use a temporary folder). Only how the app looks and where exports go
live here; workshop data never does. A file that cannot be read or holds odd values is
ignored with a message saying so: preferences must never stop the app from starting.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

FILE_NAME = "preferences.json"
MAX_BYTES = 64 * 1024  # a preferences file is a few lines; anything bigger is not ours


@dataclass(frozen=True)
class Preferences:
    high_contrast: bool = False
    export_folder: str | None = None  # the folder of the last export, as typed (may start with ~)
    # Where the phones server listened last: the same address and port after a restart keep
    # a printed or projected link working. Never the Wi-Fi password (typed each time).
    phones_address: str | None = None
    phones_port: int | None = None


def config_dir() -> Path:
    override = os.environ.get("WORKSHOP_TUI_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("workshop-tui", appauthor=False))


def path() -> Path:
    return config_dir() / FILE_NAME


def load() -> tuple[Preferences, str | None]:
    """The saved preferences and, when the file could not be used, a message saying why."""
    where = path()
    try:
        if not where.exists():
            return Preferences(), None
        if where.stat().st_size > MAX_BYTES:
            raise ValueError(f"it is larger than {MAX_BYTES // 1024} KB")
        data = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return Preferences(), f"Preferences in {where} could not be read ({_reason(exc)}); using the defaults."
    if not isinstance(data, dict):
        return Preferences(), f"Preferences in {where} are not a JSON object; using the defaults."
    kept, odd = {}, []
    for f in fields(Preferences):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "high_contrast" and isinstance(value, bool):
            kept[f.name] = value
        elif f.name == "export_folder" and (value is None or (isinstance(value, str) and value.strip()
                                                               and "\x00" not in value)):
            kept[f.name] = value
        elif f.name == "phones_address" and (value is None or _is_ipv4(value)):
            kept[f.name] = value
        elif f.name == "phones_port" and (value is None or (type(value) is int and 1 <= value <= 65535)):
            kept[f.name] = value
        else:
            odd.append(f.name)
    message = (f"Preferences in {where}: ignored {', '.join(odd)} (not a usable value)." if odd else None)
    return Preferences(**kept), message


def save(prefs: Preferences) -> str | None:
    """Write the preferences atomically; a message when they could not be saved, else None."""
    where = path()
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        temporary = where.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(asdict(prefs), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temporary, where)
    except OSError as exc:
        return f"Preferences not remembered: cannot write {where} ({_reason(exc)})."
    return None


def update(**changes: object) -> tuple[Preferences, str | None]:
    """Change some preferences and save; returns the new preferences and any problem saving."""
    current, _ignored = load()
    changed = replace(current, **changes)  # type: ignore[arg-type]
    return changed, save(changed)


def _is_ipv4(value: object) -> bool:
    import ipaddress

    try:
        return isinstance(value, str) and str(ipaddress.IPv4Address(value)) == value
    except ValueError:
        return False


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
