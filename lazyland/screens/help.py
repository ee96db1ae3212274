"""Help: every key the reader answers to, and what the story's timelines are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Static

from lazyland.screens.compare import chip
from lazyland.style import part
from lazyland.text import inline

if TYPE_CHECKING:
    from lazyland.engine import Reading
    from lazyland.model import Story

KEYS: tuple[tuple[str, str], ...] = (
    ("Right  Space  Enter  n", "Read on; on a choice, take the highlighted one"),
    ("1 to 9", "Take that choice"),
    ("Up  Down", "Move the highlight between choices"),
    ("Left  Backspace  b", "Go back one step"),
    ("f", "Forward again, after going back"),
    ("t", "Toggle timeline: jump to this moment in the other one"),
    ("c", "Compare this scene with its mirror, side by side"),
    ("e", "Show or hide the notes on what the scene means"),
    ("m", "Story map: the scenes you have seen, by timeline; Enter goes to one"),
    ("h", "History: every step you took; Enter rewinds to it"),
    ("g", "Endings found, and how much of each timeline you have seen"),
    ("F1  ?", "This help"),
    ("r", "Start again from the beginning (asks first)"),
    ("q  Ctrl+Q", "Quit; your place is already saved"),
    ("PgUp  PgDn", "Scroll a scene that is longer than the screen"),
    ("Ctrl+P", "Command palette: jump to a seen scene by title, toggle, compare, theme"),
    ("Ctrl+P, then Reveal", "The text typed out or shown at once; remembered"),
    ("Escape", "Close any of these screens"),
)

# The bundled story's two timelines, explained for someone who has seen the film.
BUNDLED_TIMELINES: dict[str, str] = {
    "real": (
        "is the story as the film tells it. After her audition Mia and Seb choose their "
        "dreams over each other; five winters on, she walks into a jazz club by chance and "
        "it is his. He plays their song, and the night ends the way it ends. A few of its "
        "scenes are memories from earlier in the film, reached from the other timeline."
    ),
    "fantasy": (
        "is the montage they both dream while he plays: the same years rewritten so that "
        "every turn goes their way, staged like an old musical. Each of its scenes answers "
        "one moment of what happened, and when the song is over the dream gives way to the "
        "room again."
    ),
}

BUNDLED_CROSSING = (
    "You start in what happened. When Seb sits down at the piano you choose: stay in the "
    "room, or drift into the dream with them."
)


def timelines_text(story: Story) -> Text:
    """A short paragraph on the story's timelines, using the labels the story gives them."""
    text = Text(end="")
    bundled = story.id == "la-la-land" and {t.id for t in story.timelines} == set(BUNDLED_TIMELINES)
    if bundled:
        for timeline in story.timelines:
            text.append_text(chip(story, timeline.id))
            text.append(" " + BUNDLED_TIMELINES[timeline.id] + "\n\n")
        text.append(BUNDLED_CROSSING + "\n\n")
    else:
        count = len(story.timelines)
        text.append(f"This story runs in {count} timeline{'s' if count != 1 else ''}: ")
        for index, timeline in enumerate(story.timelines):
            if index:
                text.append(" and " if index == count - 1 else ", ")
            text.append_text(inline(timeline.label, style="bold"))
        start = story.scenes.get(story.start)
        if start is not None:
            text.append(". It begins in ")
            try:
                text.append_text(inline(story.timeline(start.timeline).label, style="bold"))
            except KeyError:
                text.append(start.timeline)
        text.append(".\n\n")
    text.append(
        "Where a scene has a counterpart in another timeline, that counterpart is its "
        "mirror: press t to step across to the same moment told the other way, and c to "
        "read the two side by side. The map and the endings screen name only what you "
        "have seen."
    )
    return text


def keys_table(width: int) -> Table:
    """The keys as two columns; on a narrow terminal the keys column gives up room first."""
    widest = max(len(keys) for keys, _ in KEYS)
    keys_width = max(9, min(widest, width // 3))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", width=keys_width)
    table.add_column(width=max(10, width - keys_width - 2))
    for keys, does in KEYS:
        table.add_row(keys, does)
    return table


class KeysTable(Widget):
    """The keys as a table as wide as the widget."""

    def render(self) -> Table:
        return keys_table(self.size.width or 80)


class HelpScreen(ModalScreen[None]):
    """The keys, and the two timelines, in one scrollable page."""

    # This screen's part of lazyland.tcss, read by Textual when the screen first opens.
    CSS = part("help")
    SCOPED_CSS = False  # its rules name the screen themselves

    # From 20 rows up the box keeps a row clear above and below, so the reader's banner
    # stays in sight; what does not fit scrolls inside the box.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("f1", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading

    def compose(self) -> ComposeResult:
        story = self.reading.story
        box = VerticalScroll(id="help-box")
        box.border_title = "Help"
        with box:
            heading = Text("Reading ")
            heading.append_text(inline(story.title, style="italic"))
            yield Static(heading, classes="help-section", id="help-title")
            yield Static(Text("Keys"), classes="help-section")
            yield KeysTable(id="help-keys")
            yield Static(Text("The timelines"), classes="help-section")
            yield Static(timelines_text(story), id="help-timelines")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
