"""A yes-or-no question asked before anything the reader might regret."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from lazyland.style import part
from lazyland.text import scrub


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True for yes, False for no. The question is shown literally."""

    # This screen's part of lazyland.tcss, read by Textual when the screen first opens.
    CSS = part("confirm")
    SCOPED_CSS = False  # its rules name the screen themselves

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("enter", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    # Under 74 columns the box takes the width there is; under 16 rows it sheds padding and
    # the buttons lose their borders, so the question and both answers fit at 40x12.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (74, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (16, "-tall")]

    def __init__(self, question: str | Text) -> None:
        super().__init__()
        # The question may quote a scene title: never read it as markup.
        self.question = question if isinstance(question, Text) else Text(scrub(question))

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button("Yes", id="confirm-yes", variant="primary")
                yield Button("No", id="confirm-no")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()
        self._fit_buttons()

    def on_resize(self) -> None:
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        # Bordered buttons take three rows each; on a short terminal one row is enough.
        short = self.app.size.height < 16
        for button in self.query(Button):
            button.compact = short

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
