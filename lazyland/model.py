"""The story as data: frozen dataclasses that the loader builds and everything else reads.

Nothing here does I/O or imports Textual; a Story is safe to share between the
reader, the checker and the author tools.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

FORMAT_VERSION = 1
MAX_CHOICES = 9
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")


@dataclass(frozen=True, order=True)
class Span:
    """Where a key or value stands: the path as the user typed it, 1-based line and column."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


NOWHERE = Span("<story>", 1, 1)


@dataclass(frozen=True)
class Diagnostic:
    """One problem the checker found, located so an author can go straight to it."""

    span: Span
    severity: str  # "error" or "warning"
    message: str
    code: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        return f"{self.span}: {self.severity}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.span.path,
            "line": self.span.line,
            "col": self.span.col,
            "severity": self.severity,
            "message": self.message,
            "code": self.code,
        }


class StoryError(Exception):
    """A story that cannot be played; carries every diagnostic found, errors first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.is_error] or diagnostics
        head = errors[0].format() if errors else "the story could not be loaded"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(head + more)


@dataclass(frozen=True)
class Timeline:
    id: str
    label: str
    span: Span = NOWHERE


@dataclass(frozen=True)
class Choice:
    label: str
    goto: str
    span: Span = NOWHERE


@dataclass(frozen=True)
class Scene:
    id: str
    timeline: str
    title: str
    text: str
    caption: str | None = None
    notes: str | None = None
    mirror: str | None = None
    next: str | None = None
    choices: tuple[Choice, ...] = ()
    ending: str | None = None
    span: Span = NOWHERE
    # Where each key's value stands, for diagnostics that point at a value.
    spans: Mapping[str, Span] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    @property
    def is_ending(self) -> bool:
        return self.ending is not None

    def exits(self) -> tuple[str, ...]:
        """Scene ids the reader can move to by reading on (next or a choice)."""
        if self.next is not None:
            return (self.next,)
        return tuple(c.goto for c in self.choices)

    def span_of(self, key: str) -> Span:
        return self.spans.get(key, self.span)


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    start: str
    timelines: tuple[Timeline, ...]
    scenes: Mapping[str, Scene]
    author: str | None = None
    format: int = FORMAT_VERSION
    root: Path | None = None  # the folder (or single file) the story was loaded from
    span: Span = NOWHERE
    spans: Mapping[str, Span] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.scenes, MappingProxyType):
            object.__setattr__(self, "scenes", MappingProxyType(dict(self.scenes)))

    def scene(self, scene_id: str) -> Scene:
        return self.scenes[scene_id]

    def timeline(self, timeline_id: str) -> Timeline:
        for timeline in self.timelines:
            if timeline.id == timeline_id:
                return timeline
        raise KeyError(timeline_id)

    def scenes_in(self, timeline_id: str) -> Iterator[Scene]:
        """Scenes of one timeline, in the order they were written."""
        return (s for s in self.scenes.values() if s.timeline == timeline_id)

    def endings(self) -> Iterator[Scene]:
        return (s for s in self.scenes.values() if s.is_ending)

    def span_of(self, key: str) -> Span:
        return self.spans.get(key, self.span)
