"""Where things live: the bundled story, the user's saves, settings and compiled stories."""

from __future__ import annotations

import os
from pathlib import Path

BUNDLED_STORY_ID = "la-la-land"


def bundled_story() -> Path:
    """The bundled story's folder, in an installed wheel or in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here / "bundled" / BUNDLED_STORY_ID,
        here.parent / "story" / BUNDLED_STORY_ID,
    ):
        if (candidate / "story.yaml").is_file():
            return candidate
    raise FileNotFoundError("the bundled story is missing from this installation")


def data_dir() -> Path:
    """Saves live here; XDG_DATA_HOME moves it on Linux."""
    from platformdirs import user_data_path

    return Path(user_data_path("lazyland", appauthor=False))


def config_dir() -> Path:
    """Settings (theme, reveal speed) live here, apart from saves."""
    from platformdirs import user_config_path

    return Path(user_config_path("lazyland", appauthor=False))


def cache_dir() -> Path:
    """Compiled copies of stories live here (safe to delete); XDG_CACHE_HOME moves it."""
    from platformdirs import user_cache_path

    return Path(user_cache_path("lazyland", appauthor=False))


def display_path(path: Path | str) -> str:
    """A path as the user would want to read it in a diagnostic."""
    return os.fspath(path)
