"""Narration that appears at reading pace, like a line being typed."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

TICKS_PER_SECOND = 30


class Narration(Static):
    """The scene's text, revealed a few characters per tick until it is all there.

    Takes a ready-made rich Text (built by lazyland.text), so nothing in it is
    ever read as markup.
    """

    class Revealed(Message):
        """The whole text is on screen."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Text(""), id=id, classes=classes, markup=False)
        self._full = Text("")
        self._shown = 0
        self._step = 3.0
        self._carry = 0.0
        self._timer: Timer | None = None

    @property
    def revealing(self) -> bool:
        return self._timer is not None

    @property
    def full_text(self) -> Text:
        return self._full

    def show(self, text: Text, *, animate: bool, speed: int) -> None:
        """Start showing ``text``: typed out at ``speed`` characters a second, or all at once.

        Revealed is posted only when a typed-out reveal ends; an instant one is
        complete on return.
        """
        self._stop_timer()
        self._full = text
        if not animate or speed <= 0 or not text.plain:
            self._shown = len(text.plain)
            self.update(text)
            return
        self._shown = 0
        self._carry = 0.0
        self._step = max(speed / TICKS_PER_SECOND, 0.5)
        self.update(Text(""))
        self._timer = self.set_interval(1 / TICKS_PER_SECOND, self._tick)

    def finish(self) -> bool:
        """Show the rest at once; True if there was anything left to reveal."""
        if self._timer is None:
            return False
        self._stop_timer()
        self._shown = len(self._full.plain)
        self.update(self._full)
        self.post_message(self.Revealed())
        return True

    def _tick(self) -> None:
        self._carry += self._step
        whole = int(self._carry)
        self._carry -= whole
        self._shown = min(self._shown + whole, len(self._full.plain))
        if self._shown >= len(self._full.plain):
            self.finish()
            return
        self.update(self._full[: self._shown])

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def on_click(self) -> None:
        self.finish()
