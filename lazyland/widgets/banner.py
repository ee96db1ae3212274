"""The strip across the top: which story, and which timeline the reader is in."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from lazyland.text import inline


class Banner(Widget):
    """Story title on the left, the timeline's label on the right, in the timeline's colours.

    One widget drawing one line: the label keeps at most half the width, the
    title takes what is left, and either ends in an ellipsis when it is cut.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._title = Text("")
        self._label = Text("")
        self._shown: tuple[str, str] | None = None

    def show(self, story_title: str, timeline_label: str, colour_class: str) -> None:
        self.set_class(colour_class == "-night", "-night")
        self.set_class(colour_class == "-montage", "-montage")
        if self._shown == (story_title, timeline_label):
            return  # most steps stay in the same timeline: nothing to redraw
        self._shown = (story_title, timeline_label)
        self._title = inline(story_title, style="bold")
        self._label = Text.assemble("\u25cf ", inline(timeline_label), style="bold")
        # One line of fixed height and width: a repaint, never a layout.
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        label = self._label.copy()
        label.truncate(max(width // 2, 0), overflow="ellipsis")
        title = self._title.copy()
        title.truncate(max(width - label.cell_len, 0), overflow="ellipsis")
        gap = max(width - title.cell_len - label.cell_len, 0)
        line = Text.assemble(title, " " * gap, label, no_wrap=True, end="")
        return line
