"""Compare: the current scene and its mirror, side by side, each in its timeline's colours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from lazyland.text import inline, rich_text

if TYPE_CHECKING:
    from lazyland.engine import Reading
    from lazyland.model import Scene, Story


def timeline_class(story: Story, timeline_id: str) -> str:
    """The CSS class for a timeline: the one the story starts in reads as the real one."""
    start = story.scenes.get(story.start)
    real = start.timeline if start is not None else story.timelines[0].id
    return "-timeline-real" if timeline_id == real else "-timeline-other"


class CompareScreen(ModalScreen[None]):
    """Two columns: what happens here, and what happens at the same moment in the other timeline."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("c", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]

    DEFAULT_CSS = """
    CompareScreen {
        align: center middle;
    }
    CompareScreen #compare-box {
        width: 100%;
        height: 1fr;
        padding: 0 1;
    }
    CompareScreen #compare-heading {
        width: 100%;
        content-align: center middle;
        text-style: bold;
        color: $text;
        background: $panel;
        height: 1;
    }
    CompareScreen #compare-columns {
        layout: horizontal;
        height: 1fr;
        overflow-y: auto;
    }
    CompareScreen.-narrow #compare-columns {
        layout: vertical;
    }
    CompareScreen .compare-column {
        width: 1fr;
        height: auto;
        min-height: 100%;
        padding: 1 2;
    }
    CompareScreen.-narrow .compare-column {
        min-height: 0;
        padding: 1 1;
    }
    CompareScreen .compare-column.-timeline-real {
        background: #0e1726;
        color: #c9d4e5;
    }
    CompareScreen .compare-column.-timeline-other {
        background: #3a2212;
        color: #ffe9c9;
    }
    CompareScreen .compare-label {
        text-style: bold;
        padding: 0 1;
        margin-bottom: 1;
    }
    CompareScreen .-timeline-real .compare-label {
        background: #25406b;
        color: #e4ecf7;
    }
    CompareScreen .-timeline-other .compare-label {
        background: #f0a848;
        color: #2a1606;
    }
    CompareScreen .compare-title {
        text-style: bold;
    }
    CompareScreen .-timeline-real .compare-title {
        color: #9dbbe8;
    }
    CompareScreen .-timeline-other .compare-title {
        color: #ffc46b;
    }
    CompareScreen .compare-caption {
        text-style: italic;
        color: $text-muted;
    }
    CompareScreen .compare-text {
        margin-top: 1;
    }
    CompareScreen .compare-missing {
        margin-top: 1;
        text-style: italic;
    }
    """

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading

    def compose(self) -> ComposeResult:
        story = self.reading.story
        here = self.reading.scene
        mirror = self.reading.mirror
        with Vertical(id="compare-box"):
            heading = Text("Compare: this moment in both timelines")
            yield Static(heading, id="compare-heading")
            with ScrollableContainer(id="compare-columns"):
                if mirror is None:
                    yield self._column(here, current=True)
                    yield self._no_mirror(here)
                else:
                    # Keep the story's own timeline order, so each timeline keeps its side.
                    order = [t.id for t in story.timelines]
                    pair = sorted(
                        (here, mirror),
                        key=lambda s: (
                            order.index(s.timeline) if s.timeline in order else len(order)
                        ),
                    )
                    for scene in pair:
                        yield self._column(scene, current=scene.id == here.id)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compare-columns").focus()

    def _label(self, timeline_id: str) -> Text:
        story = self.reading.story
        try:
            return inline(story.timeline(timeline_id).label)
        except KeyError:
            return Text(timeline_id)

    def _column(self, scene: Scene, current: bool) -> Vertical:
        label = self._label(scene.timeline)
        if current:
            label.append("  · you are here")
        parts: list[Static] = [
            Static(label, classes="compare-label"),
            Static(inline(scene.title), classes="compare-title"),
        ]
        if scene.caption:
            parts.append(Static(inline(scene.caption), classes="compare-caption"))
        parts.append(Static(rich_text(scene.text), classes="compare-text"))
        classes = f"compare-column {timeline_class(self.reading.story, scene.timeline)}"
        if current:
            classes += " -current"
        return Vertical(*parts, classes=classes)

    def _no_mirror(self, scene: Scene) -> Vertical:
        story = self.reading.story
        others = [t for t in story.timelines if t.id != scene.timeline]
        if len(others) == 1:
            label = self._label(others[0].id)
            cls = timeline_class(story, others[0].id)
        else:
            label = Text("The other timeline")
            cls = "-timeline-other"
        message = Text("This moment has no mirror. It happens only in ")
        message.append_text(self._label(scene.timeline))
        message.append(", so there is nothing to set beside it.")
        return Vertical(
            Static(label, classes="compare-label"),
            Static(message, classes="compare-missing"),
            classes=f"compare-column {cls} -no-mirror",
        )

    def action_close(self) -> None:
        self.dismiss(None)
