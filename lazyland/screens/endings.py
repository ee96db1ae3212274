"""Endings and progress: the endings found so far, and how much of each timeline was seen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Static

from lazyland.screens.compare import bar_style, chip
from lazyland.style import part
from lazyland.text import inline

if TYPE_CHECKING:
    from lazyland.engine import Reading

BLANK = "· · ·"
BAR_WIDTH = 20


def bar(done: int, total: int, width: int = BAR_WIDTH, style: str = "") -> Text:
    """A small text bar, full in proportion to done/total."""
    filled = round(width * done / total) if total else 0
    if done and not filled:
        filled = 1  # something seen should never look like nothing
    if done < total and filled == width:
        filled = width - 1  # and nearly everything should not look like everything
    text = Text("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    return text


def percent(done: int, total: int) -> int:
    """A whole percentage that reaches 100 only when done equals total."""
    if not total:
        return 0
    share = done * 100 // total
    return 100 if done >= total else min(share, 99)


class TimelineProgress(Widget):
    """One line per timeline: label, bar, "n of m"; the bar shrinks to fit narrow terminals."""

    def __init__(self, reading: Reading, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reading = reading

    def render(self) -> Text:
        story = self.reading.story
        counts = [
            (t.id, len(self.reading.seen_in(t.id)), sum(1 for _ in story.scenes_in(t.id)))
            for t in story.timelines
        ]
        label_width = max((inline(t.label).cell_len for t in story.timelines), default=0)
        count_width = max((len(f"{d} of {n}") for _, d, n in counts), default=0)
        # The chip adds a space either side of the label; two spaces around the bar.
        room = self.size.width - (label_width + 2) - count_width - 4
        width = max(4, min(BAR_WIDTH, room))
        lines = Text(end="")
        for index, (timeline_id, done, total) in enumerate(counts):
            if index:
                lines.append("\n")
            lines.append_text(chip(story, timeline_id, width=label_width))
            lines.append("  ")
            lines.append_text(bar(done, total, width=width, style=bar_style(story, timeline_id)))
            lines.append(f"  {done} of {total}")
        return lines


class EndingsScreen(ModalScreen[None]):
    """Endings found out of all there are, and scenes seen per timeline."""

    # This screen's part of lazyland.tcss, read by Textual when the screen first opens.
    CSS = part("endings")
    SCOPED_CSS = False  # its rules name the screen themselves

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("g", "close", "Close", show=False),
    ]

    # On a small terminal the box sheds its spare rows and columns, so that at 40x12 the
    # endings, both timelines' bars and the share of the story all fit without scrolling.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (16, "-tall")]

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading

    def compose(self) -> ComposeResult:
        story = self.reading.story
        found = set(self.reading.endings_found)
        endings = list(story.endings())
        box = VerticalScroll(id="endings-box")
        box.border_title = "Endings and progress"
        with box:
            yield Static(
                Text(f"Endings found: {len(found & {s.id for s in endings})} of {len(endings)}"),
                classes="endings-section",
            )
            with Vertical(id="endings-list"):
                if not endings:
                    yield Static(Text("This story has no endings to find."))
                for scene in endings:
                    if scene.id in found and scene.ending is not None:
                        row = Text("◆ ")
                        row.append_text(inline(scene.ending, style="bold"))
                        yield Static(row, classes="ending -found")
                    else:
                        yield Static(Text(f"◇ {BLANK}", style="dim"), classes="ending -unfound")
            yield Static(Text("Scenes seen"), classes="endings-section")
            yield TimelineProgress(self.reading, id="endings-progress")
            yield Static(self._share(), id="endings-share")
        yield Footer()

    def _share(self) -> Text:
        story = self.reading.story
        total = len(story.scenes)
        done = len(self.reading.seen & set(story.scenes))
        return Text(
            f"You have seen {done} of {total} scenes: {percent(done, total)}% of the story."
        )

    def action_close(self) -> None:
        self.dismiss(None)
