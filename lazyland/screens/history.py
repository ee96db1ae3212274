"""History: every step of this reading, oldest first; Enter rewinds to one.

The steps live in one line-drawn list that builds and paints only the rows in
view, so a reading thousands of steps long opens as fast as a short one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static

from lazyland.screens.compare import chip
from lazyland.style import part
from lazyland.text import inline

if TYPE_CHECKING:
    from collections.abc import Callable

    from lazyland.engine import Reading


class StepList(ScrollView, can_focus=True):
    """One line per step, drawn only when in view: opening it costs the same for ten steps or
    ten thousand. Rows come from a function and are cached, so story text is styled once."""

    BINDINGS = [
        Binding("enter", "select", "Rewind here"),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES = {"step-list--row", "step-list--cursor"}

    cursor: reactive[int] = reactive(0, always_update=True)

    class Selected(Message):
        """A step was picked with Enter or a click."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, count: int, row: Callable[[int], Text], id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = count
        self._row = row
        self._rows: LRUCache[int, Text] = LRUCache(1024)
        self.virtual_size = Size(0, count)
        self.set_reactive(StepList.cursor, max(0, count - 1))

    def row_text(self, index: int) -> Text:
        """The content of row ``index``, built on first use."""
        text = self._rows.get(index)
        if text is None:
            text = self._row(index)
            self._rows[index] = text
        return text

    def clear_rows(self) -> None:
        """Forget the rows built so far (their layout changed) and draw them again."""
        self._rows.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < self.count:
            return Strip.blank(width, base)
        part = "step-list--cursor" if index == self.cursor else "step-list--row"
        style = base + self.get_component_rich_style(part)
        text = self.row_text(index).copy()
        text.truncate(width, overflow="ellipsis")
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        return strip.extend_cell_length(width).apply_style(style).apply_meta({"step": index})

    def validate_cursor(self, cursor: int) -> int:
        return min(max(cursor, 0), max(self.count - 1, 0))

    def watch_cursor(self) -> None:
        self._follow_cursor()
        self.refresh()

    def on_resize(self) -> None:
        self._follow_cursor()

    def _follow_cursor(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page()

    def action_page_down(self) -> None:
        self.cursor += self._page()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.count - 1

    def action_select(self) -> None:
        if self.count:
            self.post_message(self.Selected(self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("step")
        if isinstance(index, int):
            event.stop()
            self.cursor = index
            self.action_select()


class HistoryScreen(ModalScreen[int | None]):
    """The path taken so far; picking a step hands its index back to be rewound to."""

    # This screen's part of lazyland.tcss, read by Textual when the screen first opens.
    CSS = part("history")
    SCOPED_CSS = False  # its rules name the screen themselves

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("h", "close", "Close", show=False),
    ]

    # Under 60 columns each row leads with the scene's title and the timeline follows it,
    # so what is cut short on a narrow terminal is the label, never the title.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading
        # A snapshot: the reading does not move while this screen is open.
        self._history = reading.history
        story = reading.story
        widest = max((inline(t.label).cell_len for t in story.timelines), default=0)
        # Side by side the labels share one width, so the titles after them line up.
        self._labels = {t.id: chip(story, t.id, width=widest) for t in story.timelines}
        self._short_labels = {t.id: chip(story, t.id) for t in story.timelines}
        self._narrow = False

    def compose(self) -> ComposeResult:
        steps = len(self._history)
        heading = Text(f"History: {steps} step{'s' if steps != 1 else ''}, newest at the bottom")
        with Vertical(id="history-box"):
            yield Static(heading, id="history-heading")
            yield StepList(steps, self._row, id="history-steps")
        yield Footer()

    def _row(self, index: int) -> Text:
        history = self._history
        story = self.reading.story
        scene = story.scenes[history[index]]
        width = len(str(len(history)))
        labels = self._short_labels if self._narrow else self._labels
        label = labels.get(scene.timeline) or chip(story, scene.timeline)
        current = index == len(history) - 1
        row = Text(end="")
        row.append(f"{index + 1:>{width}} ", style="dim")
        if self._narrow:
            # No room for words: an arrow marks where the reader is.
            row.append("▶ " if current else "  ")
            row.append_text(inline(scene.title, style="bold" if current else ""))
            row.append(" ")
            row.append_text(label)
            return row
        row.append(" ")
        row.append_text(label)
        row.append(" ")
        row.append_text(inline(scene.title))
        if current:
            row.append("  · you are here", style="italic")
        return row

    def on_resize(self) -> None:
        narrow = self.size.width < 60
        if narrow != self._narrow:
            self._narrow = narrow
            steps = self.query_one(StepList)
            steps.clear_rows()

    def on_mount(self) -> None:
        self.query_one(StepList).focus()

    @on(StepList.Selected)
    def _rewind(self, event: StepList.Selected) -> None:
        event.stop()
        self.dismiss(event.index)

    def action_close(self) -> None:
        self.dismiss(None)
