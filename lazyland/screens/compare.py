"""Compare: the current scene and its mirror, side by side, each in its timeline's colours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from lazyland.style import part
from lazyland.text import inline, rich_text
from lazyland.themes import NIGHT, TIMELINE_COLOURS, theme_for

if TYPE_CHECKING:
    from lazyland.engine import Reading
    from lazyland.model import Scene, Story


def timeline_class(story: Story, timeline_id: str) -> str:
    """The CSS class for things drawn in a timeline's own colours, whatever the app's theme."""
    return "-timeline-real" if theme_for(story, timeline_id) == NIGHT else "-timeline-other"


# Each timeline's colours (real, other), for the Rich styles drawn here in Python; the
# stylesheet reads the same colours as $timeline-real-NAME and $timeline-other-NAME.
COLOURS = TIMELINE_COLOURS


def _pick(name: str, story: Story, timeline_id: str) -> str:
    real, other = COLOURS[name]
    return real if timeline_class(story, timeline_id) == "-timeline-real" else other


def chip(story: Story, timeline_id: str, width: int = 0) -> Text:
    """A timeline's label as a small badge in its colours, readable under any app theme.

    ``width`` pads the label so that a column of chips lines up.
    """
    try:
        label = inline(story.timeline(timeline_id).label)
    except KeyError:
        label = Text(timeline_id)
    text = Text(" ", end="")
    text.append_text(label)
    text.append(" " * (max(width - label.cell_len, 0) + 1))
    ink, ground = _pick("badge-ink", story, timeline_id), _pick("badge", story, timeline_id)
    text.stylize(f"bold {ink} on {ground}")
    return text


def bar_style(story: Story, timeline_id: str) -> str:
    """The colour of a timeline's progress bar."""
    return _pick("bar", story, timeline_id)


HEADING = "Compare: this moment in both timelines"
STACKED_HEADING = "Compare: this scene, its mirror below"


class CompareScreen(ModalScreen[None]):
    """Two columns: what happens here, and what happens at the same moment in the other timeline."""

    # This screen's part of lazyland.tcss, read by Textual when the screen first opens.
    CSS = part("compare")
    SCOPED_CSS = False  # its rules name the screen themselves

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("c", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading
        # The column of the story's first timeline, which goes on the left side by side.
        self._timeline_order_first: Vertical | None = None

    def compose(self) -> ComposeResult:
        story = self.reading.story
        here = self.reading.scene
        mirror = self.reading.mirror
        with Vertical(id="compare-box"):
            yield Static(Text(HEADING), id="compare-heading")
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
                    columns = [self._column(s, current=s.id == here.id) for s in pair]
                    self._timeline_order_first = columns[0]
                    yield from columns
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compare-columns").focus()
        self._arrange()

    def on_resize(self) -> None:
        self._arrange()

    def _arrange(self) -> None:
        """Side by side, the timelines keep the story's order; stacked, the reader's scene
        comes first, so a narrow terminal opens on the scene being read."""
        columns = self.query_one("#compare-columns")
        current = next(iter(columns.query_children(".-current")), None)
        if current is None or len(columns.children) < 2:
            return
        stacked = self.size.width < 72
        self.query_one("#compare-heading", Static).update(
            Text(STACKED_HEADING if stacked else HEADING)
        )
        if stacked and columns.children[0] is not current:
            columns.move_child(current, before=0)
            columns.scroll_home(animate=False)
        elif not stacked and self._timeline_order_first is not None:
            if columns.children[0] is not self._timeline_order_first:
                columns.move_child(self._timeline_order_first, before=0)

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
