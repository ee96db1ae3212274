"""The reader's preferences (theme, animation, reveal speed), kept apart from saves.

Loading never fails: a missing file gives the defaults, a damaged one is set
aside with a notice, and a value of the wrong type falls back to its default
without disturbing the others.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from lazyland.saves import set_aside, write_atomic

SETTINGS_FORMAT = 1
SETTINGS_NAME = "settings.json"
REVEAL_SPEEDS = range(5, 5001)  # characters per second that make sense to read at


@dataclass
class Settings:
    theme: str | None = None  # a Textual theme name; None = the timeline's own theme
    animation: bool = True
    reveal_speed: int = 80  # characters per second


def _folder(folder: Path | None) -> Path:
    if folder is None:
        from lazyland.paths import config_dir

        return config_dir()
    return Path(folder)


def load_settings(folder: Path | None = None, notices: list[str] | None = None) -> Settings:
    """The saved settings, or the defaults; notices about a damaged file go to ``notices``."""
    path = _folder(folder) / SETTINGS_NAME
    notes: list[str] = [] if notices is None else notices
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError:
        notes.append("Your settings could not be read; the defaults are used.")
        return Settings()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        moved = set_aside(path, "corrupt")
        kept = f"; it was kept as {moved.name}" if moved is not None else ""
        notes.append(f"Your settings file was damaged{kept}. The defaults are used.")
        return Settings()
    settings = Settings()
    theme = data.get("theme")
    if theme is None or (isinstance(theme, str) and 0 < len(theme) <= 100):
        settings.theme = theme
    animation = data.get("animation")
    if isinstance(animation, bool):
        settings.animation = animation
    speed = data.get("reveal_speed")
    if type(speed) is int and speed in REVEAL_SPEEDS:
        settings.reveal_speed = speed
    return settings


def save_settings(settings: Settings, folder: Path | None = None) -> str | None:
    """Write the settings; None on success, else a one-line notice. Never raises."""
    target = _folder(folder)
    data = {"format": SETTINGS_FORMAT, **asdict(settings)}
    try:
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        target.mkdir(parents=True, exist_ok=True)
        write_atomic(target / SETTINGS_NAME, text)
    except (OSError, ValueError, TypeError) as error:
        detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return f"Settings were not saved: {target} cannot be written ({detail})."
    return None
