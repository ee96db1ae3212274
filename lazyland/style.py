"""The look of lazyland, one stylesheet read in parts.

Everything lazyland looks like is in ``lazyland.tcss``. The reader's part comes
first: the app reads it at start. Each other screen's part follows under a
comment line ``/* @screen NAME */`` and becomes that screen's ``CSS``, which
Textual reads the first time the screen opens. A reader who never opens the map
never pays for parsing its rules at start, nor again on every change of theme.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

STYLESHEET = Path(__file__).with_name("lazyland.tcss")

_MARK = re.compile(r"^/\* @screen ([a-z]+) \*/$", re.MULTILINE)


@lru_cache(maxsize=1)
def _parts() -> dict[str, str]:
    text = STYLESHEET.read_text(encoding="utf-8")
    pieces = _MARK.split(text)
    parts = {"reader": pieces[0]}
    for name, body in zip(pieces[1::2], pieces[2::2], strict=True):
        if name in parts:
            raise ValueError(f"{STYLESHEET.name} has two parts called {name!r}")
        parts[name] = body
    return parts


def part(name: str) -> str:
    """The stylesheet's part for ``name`` ("reader" for the first); KeyError if none."""
    return _parts()[name]


def names() -> list[str]:
    """Every part's name, in the stylesheet's order."""
    return list(_parts())
