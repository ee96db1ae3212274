"""The strip across the top: which story, and which timeline the reader is in."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from lazyland.text import inline


class Banner(Horizontal):
    """Story title on the left, the timeline's label on the right, in the timeline's colours."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._story = Static(Text(""), id="banner-story", markup=False)
        self._timeline = Static(Text(""), id="banner-timeline", markup=False)
        self._shown: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield self._story
        yield self._timeline

    def show(self, story_title: str, timeline_label: str, colour_class: str) -> None:
        self.set_class(colour_class == "-night", "-night")
        self.set_class(colour_class == "-montage", "-montage")
        if self._shown == (story_title, timeline_label):
            return  # most steps stay in the same timeline: nothing to redraw
        self._shown = (story_title, timeline_label)
        # The title's box is fixed (one line, the width left over): no layout needed.
        self._story.update(inline(story_title, style="bold"), layout=False)
        self._timeline.update(Text.assemble("\u25cf ", inline(timeline_label)))
