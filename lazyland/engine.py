"""Where a reader is in a story, and every move they can make from there.

Pure state: no I/O, no Textual. The UI asks a Reading to move and redraws from
what it says; it keeps no second copy of the reader's place.
"""

from __future__ import annotations

from collections.abc import Iterable

from lazyland.model import Scene, Story, Timeline


class Refusal(Exception):
    """A move that makes no sense here, with a sentence the reader can be shown."""


class Reading:
    """One reader's walk through a Story.

    ``history`` runs from the first scene to the current one (the back stack
    plus where the reader stands); ``ahead`` holds the scenes that ``forward``
    will return to after going back, nearest last.
    """

    __slots__ = ("story", "_history", "_ahead", "_seen", "_endings")

    def __init__(self, story: Story, start: str | None = None) -> None:
        self.story = story
        first = start if start is not None else story.start
        if first not in story.scenes:
            raise Refusal(f"There is no scene called {first!r} in this story.")
        self._history: list[str] = [first]
        self._ahead: list[str] = []
        self._seen: dict[str, None] = {first: None}
        self._endings: dict[str, None] = {}
        self._mark_ending(first)

    @classmethod
    def restore(
        cls,
        story: Story,
        history: Iterable[str],
        ahead: Iterable[str] = (),
        seen: Iterable[str] = (),
        endings: Iterable[str] = (),
    ) -> Reading:
        """Rebuild a Reading from ids the caller has already checked exist in ``story``."""
        history = list(history)
        if not history:
            history = [story.start]
        reading = cls(story, history[0])
        reading._history = history
        reading._ahead = list(ahead)
        for scene_id in [*seen, *history]:
            reading._seen[scene_id] = None
        for scene_id in endings:
            reading._endings[scene_id] = None
        for scene_id in history:
            reading._mark_ending(scene_id)
        return reading

    # --- where the reader is -------------------------------------------------

    @property
    def scene(self) -> Scene:
        return self.story.scenes[self._history[-1]]

    @property
    def position(self) -> str:
        return self._history[-1]

    @property
    def timeline(self) -> Timeline:
        return self.story.timeline(self.scene.timeline)

    @property
    def history(self) -> tuple[str, ...]:
        """Every scene on the path taken, first to current."""
        return tuple(self._history)

    @property
    def ahead(self) -> tuple[str, ...]:
        """Scenes ``forward`` would return to, nearest last."""
        return tuple(self._ahead)

    @property
    def seen(self) -> frozenset[str]:
        return frozenset(self._seen)

    @property
    def seen_in_order(self) -> tuple[str, ...]:
        return tuple(self._seen)

    @property
    def endings_found(self) -> tuple[str, ...]:
        """Ids of the ending scenes reached, in the order they were first reached."""
        return tuple(self._endings)

    def seen_in(self, timeline_id: str) -> tuple[str, ...]:
        """Seen scenes of one timeline, in story order."""
        return tuple(s.id for s in self.story.scenes_in(timeline_id) if s.id in self._seen)

    @property
    def mirror(self) -> Scene | None:
        target = self.scene.mirror
        return self.story.scenes.get(target) if target is not None else None

    # --- what can be done ----------------------------------------------------

    @property
    def can_continue(self) -> bool:
        return self.scene.next is not None

    @property
    def can_back(self) -> bool:
        return len(self._history) > 1

    @property
    def can_forward(self) -> bool:
        return bool(self._ahead)

    @property
    def can_toggle(self) -> bool:
        return self.mirror is not None

    @property
    def at_ending(self) -> bool:
        return self.scene.is_ending

    # --- moves ---------------------------------------------------------------

    def continue_(self) -> Scene:
        """Read on along ``next``."""
        scene = self.scene
        if scene.next is None:
            if scene.is_ending:
                raise Refusal("This is an ending; go back, or restart to read again.")
            raise Refusal("This scene asks for a choice.")
        return self._move(scene.next)

    def choose(self, number: int) -> Scene:
        """Take choice ``number``, counting from 1 as the reader sees them."""
        choices = self.scene.choices
        if not choices:
            raise Refusal("There is no choice to make here.")
        if not 1 <= number <= len(choices):
            raise Refusal(f"There is no choice {number} here; pick 1 to {len(choices)}.")
        return self._move(choices[number - 1].goto)

    def toggle(self) -> Scene:
        """Jump to this moment in the other timeline."""
        mirror = self.mirror
        if mirror is None:
            raise Refusal("This moment has no counterpart in another timeline.")
        return self._move(mirror.id)

    def back(self) -> Scene:
        if not self.can_back:
            raise Refusal("This is where the reading began.")
        self._ahead.append(self._history.pop())
        return self.scene

    def forward(self) -> Scene:
        if not self._ahead:
            raise Refusal("There is nothing ahead to return to.")
        self._history.append(self._ahead.pop())
        return self.scene

    def rewind(self, index: int) -> Scene:
        """Return to step ``index`` of the history; the steps after it can be walked forward."""
        if not 0 <= index < len(self._history):
            raise Refusal("That step is not in the history.")
        while len(self._history) > index + 1:
            self._ahead.append(self._history.pop())
        return self.scene

    def jump(self, scene_id: str) -> Scene:
        """Go straight to a scene (the map, the palette, an author's --scene)."""
        if scene_id not in self.story.scenes:
            raise Refusal(f"There is no scene called {scene_id!r} in this story.")
        if scene_id == self.position:
            return self.scene
        return self._move(scene_id)

    def restart(self) -> Scene:
        """Back to the start; what was seen and the endings found are kept."""
        self._history = [self.story.start]
        self._ahead = []
        self._seen[self.story.start] = None
        self._mark_ending(self.story.start)
        return self.scene

    def _move(self, scene_id: str) -> Scene:
        if scene_id not in self.story.scenes:
            raise Refusal(f"There is no scene called {scene_id!r} in this story.")
        self._history.append(scene_id)
        self._ahead.clear()
        self._seen[scene_id] = None
        self._mark_ending(scene_id)
        return self.scene

    def _mark_ending(self, scene_id: str) -> None:
        if self.story.scenes[scene_id].is_ending:
            self._endings[scene_id] = None

    # --- comparison ----------------------------------------------------------

    def state(self) -> tuple[object, ...]:
        return (
            self.story.id,
            tuple(self._history),
            tuple(self._ahead),
            frozenset(self._seen),
            frozenset(self._endings),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reading):
            return NotImplemented
        return self.state() == other.state()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Reading({self.story.id!r} at {self.position!r}, {len(self._history)} steps)"
