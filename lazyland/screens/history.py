"""History: every step of this reading, oldest first; Enter rewinds to one.

The steps live in a single OptionList, which renders only the rows in view, so a
reading thousands of steps long opens as fast as a short one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from lazyland.text import inline

if TYPE_CHECKING:
    from lazyland.engine import Reading

# Timeline label colours in the rows, matching the columns of the compare screen.
REAL_STYLE = "bold #9dbbe8"
OTHER_STYLE = "bold #ffc46b"


class Steps(OptionList):
    BINDINGS = [Binding("enter", "select", "Rewind here")]


class HistoryScreen(ModalScreen[int | None]):
    """The path taken so far; picking a step hands its index back to be rewound to."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("h", "close", "Close", show=False),
    ]

    DEFAULT_CSS = """
    HistoryScreen {
        align: center middle;
    }
    HistoryScreen #history-box {
        width: 100%;
        max-width: 100;
        height: 1fr;
        padding: 0 1;
    }
    HistoryScreen #history-heading {
        width: 100%;
        height: 1;
        content-align: center middle;
        text-style: bold;
        background: $panel;
    }
    HistoryScreen #history-steps {
        height: 1fr;
        margin-top: 1;
    }
    """

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading

    def compose(self) -> ComposeResult:
        history = self.reading.history
        steps = len(history)
        heading = Text(f"History: {steps} step{'s' if steps != 1 else ''}, newest at the bottom")
        with Vertical(id="history-box"):
            yield Static(heading, id="history-heading")
            yield Steps(*self._rows(), id="history-steps")
        yield Footer()

    def _rows(self) -> list[Option]:
        story = self.reading.story
        start = story.scenes.get(story.start)
        real = start.timeline if start is not None else None
        labels: dict[str, Text] = {}
        for timeline in story.timelines:
            style = REAL_STYLE if timeline.id == real else OTHER_STYLE
            labels[timeline.id] = inline(timeline.label, style=style)
        history = self.reading.history
        width = len(str(len(history)))
        last = len(history) - 1
        rows: list[Option] = []
        for index, scene_id in enumerate(history):
            scene = story.scenes[scene_id]
            row = Text(f"{index + 1:>{width}}  ", style="dim")
            row.append_text(labels.get(scene.timeline, Text(scene.timeline)))
            row.append(" · ")
            row.append_text(inline(scene.title))
            if index == last:
                row.append("  · you are here", style="italic")
            rows.append(Option(row))
        return rows

    def on_mount(self) -> None:
        steps = self.query_one(Steps)
        steps.highlighted = steps.option_count - 1
        steps.focus()
        self.call_after_refresh(steps.scroll_to_highlight)

    @on(OptionList.OptionSelected)
    def _rewind(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def action_close(self) -> None:
        self.dismiss(None)
