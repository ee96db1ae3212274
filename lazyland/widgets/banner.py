"""The strip across the top: which story, and which timeline the reader is in."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from lazyland.text import inline


class Banner(Horizontal):
    """Story title on the left, the timeline's label on the right, in the timeline's colours."""

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="banner-story", markup=False)
        yield Static(Text(""), id="banner-timeline", markup=False)

    def show(self, story_title: str, timeline_label: str, colour_class: str) -> None:
        self.query_one("#banner-story", Static).update(inline(story_title, style="bold"))
        label = Text.assemble("\u25cf ", inline(timeline_label))
        self.query_one("#banner-timeline", Static).update(label)
        self.set_class(colour_class == "-night", "-night")
        self.set_class(colour_class == "-montage", "-montage")
