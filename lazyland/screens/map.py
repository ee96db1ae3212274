"""The story map: every scene by timeline, named only once the reader has seen it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from lazyland.screens.compare import timeline_class
from lazyland.style import part
from lazyland.text import inline

if TYPE_CHECKING:
    from lazyland.engine import Reading
    from lazyland.model import Scene

BLANK = "· · ·"


class TimelineScenes(OptionList):
    """One timeline's scenes in story order; remembers which row is which scene."""

    BINDINGS = [Binding("enter", "select", "Go to scene")]

    def __init__(self, timeline_id: str, scene_ids: list[str | None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.timeline_id = timeline_id
        # One entry per row: the scene id when seen, None for a blank.
        self.scene_ids = scene_ids


class MapScreen(ModalScreen[str | None]):
    """Where the reader has been, per timeline; Enter on a seen scene goes there."""

    # This screen's part of lazyland.tcss, read by Textual when the screen first opens.
    CSS = part("map")
    SCOPED_CSS = False  # its rules name the screen themselves

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("m", "close", "Close", show=False),
        Binding("tab", "other_timeline(1)", "Timeline"),
        Binding("shift+tab", "other_timeline(-1)", "Previous timeline", show=False),
        Binding("left", "other_timeline(-1)", "Previous timeline", show=False),
        Binding("right", "other_timeline(1)", "Next timeline", show=False),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading
        # A snapshot: the reading does not move while the map is open.
        self._seen = reading.seen
        # Each timeline's label as composed, before any fold mark.
        self._labels: dict[Static, Text] = {}

    def compose(self) -> ComposeResult:
        story = self.reading.story
        seen = self._seen
        total = sum(1 for _ in story.scenes)
        heading = Text(f"Story map: {len(seen & set(story.scenes))} of {total} scenes seen")
        with Vertical(id="map-box"):
            yield Static(heading, id="map-heading")
            with Horizontal(id="map-timelines"):
                for timeline in story.timelines:
                    scenes = list(story.scenes_in(timeline.id))
                    count = sum(1 for s in scenes if s.id in seen)
                    label = inline(timeline.label)
                    label.append(f"  {count} of {len(scenes)} seen")
                    ids: list[str | None] = [s.id if s.id in seen else None for s in scenes]
                    options = TimelineScenes(
                        timeline.id,
                        ids,
                        id=f"map-list-{story.timelines.index(timeline)}",
                    )
                    options.add_options(self._row(scene) for scene in scenes)
                    with Vertical(classes=f"map-timeline {timeline_class(story, timeline.id)}"):
                        badge = Static(label, classes="map-label")
                        self._labels[badge] = label
                        yield badge
                        yield options
        yield Footer()

    def _row(self, scene: Scene) -> Option:
        if scene.id not in self._seen:
            return Option(Text(f"  {BLANK}", style="dim"))
        current = scene.id == self.reading.position
        row = Text("▶ " if current else "  ")
        row.append_text(inline(scene.title, style="bold" if current else ""))
        if scene.is_ending:
            row.append("  ◆ ending", style="italic")
        if current:
            # On a line of its own under the title, so a narrow column never wraps it
            # into pieces at its left edge.
            row.append("\n    you are here", style="italic")
        return Option(row)

    def on_mount(self) -> None:
        # Each list starts on the current scene if it holds it, else on its first seen scene.
        here = self.reading.position
        lists = list(self.query(TimelineScenes))
        for options in lists:
            ids = options.scene_ids
            seen = [i for i, scene_id in enumerate(ids) if scene_id is not None]
            options.highlighted = ids.index(here) if here in ids else (seen[0] if seen else 0)
        current = [options for options in lists if here in options.scene_ids]
        if current or lists:
            self._open((current or lists)[0])

    def _open(self, options: TimelineScenes) -> None:
        """Browse one timeline: on a narrow terminal the others fold to their labels."""
        for other in self.query(TimelineScenes):
            if other.parent is not None:
                other.parent.set_class(other is options, "-open")
        options.focus()
        self._mark_folds()

    def on_resize(self) -> None:
        self._mark_folds()

    def _mark_folds(self) -> None:
        """Stacked, each label says whether its timeline is open (▾) or folded (▸)."""
        stacked = self.size.width < 72
        for label in self.query(".map-label").results(Static):
            base = self._labels.get(label)
            if base is None:
                continue
            if stacked and label.parent is not None:
                mark = "▾ " if label.parent.has_class("-open") else "▸ "
                label.update(Text.assemble(mark, base))
            else:
                label.update(base)

    def action_other_timeline(self, step: int) -> None:
        lists = list(self.query(TimelineScenes))
        if not lists:
            return
        focused = self.focused
        index = lists.index(focused) if focused in lists else 0
        self._open(lists[(index + step) % len(lists)])

    @on(events.Click, ".map-label")
    def _label_clicked(self, event: events.Click) -> None:
        label = event.widget
        if label is not None and label.parent is not None:
            options = next(iter(label.parent.query(TimelineScenes)), None)
            if options is not None:
                event.stop()
                self._open(options)

    @on(OptionList.OptionSelected)
    def _go(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        options = event.option_list
        if not isinstance(options, TimelineScenes):
            return
        scene_id = options.scene_ids[event.option_index]
        if scene_id is None:
            self.notify("Not seen yet. Read on to find this scene.", timeout=3)
            return
        self.dismiss(scene_id)

    def action_close(self) -> None:
        self.dismiss(None)
