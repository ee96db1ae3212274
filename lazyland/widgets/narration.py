"""The scene on the page: its title, caption and narration, then the ways on.

One widget draws the whole scene. A step then changes one widget's text, which
is all Textual has to lay out and paint; a title, a caption and a list of
choices as widgets of their own would each cost a layout and a paint on every
step (see benchmarks/run.py).
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.style import Style as VisualStyle
from textual.timer import Timer
from textual.widgets import Static

TICKS_PER_SECOND = 30

class Page:
    """A scene as the reader draws it, every part Content made by lazyland.text.

    A plain class rather than a dataclass: it is made on every step and defined at
    start-up, where a dataclass's generated methods cost a couple of milliseconds.
    """

    __slots__ = ("title", "caption", "body", "choices", "can_continue", "ending")

    def __init__(
        self,
        title: Content,
        caption: Content | None,
        body: Content,
        choices: tuple[Content, ...] = (),
        can_continue: bool = False,
        ending: Content | None = None,
    ) -> None:
        self.title = title
        self.caption = caption
        self.body = body
        # Numbered choices; none with `can_continue` means one "Continue" line.
        self.choices = choices
        self.can_continue = can_continue
        # Shown after the text at an ending, in place of any way on.
        self.ending = ending


EMPTY_PAGE = Page(Content(""), None, Content(""))


class Narration(Static):
    """The scene, its text revealed a few characters per tick, then the ways on.

    Everything it shows is Content built by lazyland.text, so nothing in a story
    is ever read as markup. The choices are lines marked with their index for the
    mouse; the screen moves the highlight. Each part is styled by name with one of
    the component classes below, resolved whenever it is painted, so the
    stylesheet and the current theme decide how it looks.
    """

    COMPONENT_CLASSES = {
        "narration--title",
        "narration--caption",
        "narration--choice",
        "narration--choice-highlighted",
        "narration--choice-hover",
        "narration--ending",
    }

    class Chosen(Message):
        """A way on was clicked: ``index`` into the choices, or 0 for "Continue", of ``page``."""

        def __init__(self, index: int, page: Page) -> None:
            super().__init__()
            self.index = index
            self.page = page

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Content(""), id=id, classes=classes, markup=False)
        self._page = EMPTY_PAGE
        self._shown = 0
        self._step = 3.0
        self._carry = 0.0
        self._timer: Timer | None = None
        self._highlighted = 0
        self._hover: int | None = None
        self._heading = Content("")
        # Each way on as drawn, and all of them as one block.
        self._ways: list[Content] = []
        self._ways_block = Content("")
        self._lines_for: tuple[Content, int] | None = None
        self._lines: list[tuple[int, int]] = []

    # --- what it shows ----------------------------------------------------------------

    @property
    def revealing(self) -> bool:
        return self._timer is not None

    @property
    def page(self) -> Page:
        return self._page

    @property
    def option_count(self) -> int:
        """How many ways on are drawn: the choices, or one "Continue", or none."""
        page = self._page
        return len(page.choices) if page.choices else int(page.can_continue)

    @property
    def highlighted(self) -> int:
        """The index of the highlighted way on (0 when there is one or none)."""
        return self._highlighted

    def show(self, page: Page, *, animate: bool, speed: int) -> None:
        """Show ``page``: its text typed out at ``speed`` characters a second, or all at once.

        The ways on appear when the whole text is there.
        """
        self._stop_timer()
        self._page = page
        self._highlighted = 0
        self._hover = None
        self._heading = self._build_heading()
        length = len(page.body.plain)
        if not animate or speed <= 0 or not length:
            self._shown = length
            self._draw()
            return
        self._shown = 0
        self._carry = 0.0
        self._step = max(speed / TICKS_PER_SECOND, 0.5)
        self._draw()
        self._timer = self.set_interval(1 / TICKS_PER_SECOND, self._tick)

    def move_highlight(self, delta: int) -> bool:
        """Move the highlight among the choices; False when there is nothing to move to."""
        count = self.option_count
        if count < 2 or self.revealing:
            return False
        highlighted = max(0, min(count - 1, self._highlighted + delta))
        if highlighted == self._highlighted:
            return True
        self._highlighted = highlighted
        self._draw()
        return True

    def highlighted_region(self) -> Region | None:
        """Where the highlighted way on is, in this widget's own lines; None while revealing."""
        return self.way_region(self._highlighted)

    def way_region(self, index: int) -> Region | None:
        """Where way on ``index`` is drawn, in this widget's own lines; None if it is not."""
        lines = self._way_lines()
        if not 0 <= index < len(lines):
            return None
        top, height = lines[index]
        return Region(0, top, self.content_size.width, height)

    def _way_lines(self) -> list[tuple[int, int]]:
        """The first line and the height of each way on, as drawn at the current width.

        The mouse finds a way on by its line, so the drawn text carries no marks of
        its own (Textual decodes a style's marks every time it paints them).
        """
        width = self.content_size.width
        if not self._ways or width <= 0:
            return []
        drawn = self._lines_for
        if drawn is None or drawn[0] is not self._ways_block or drawn[1] != width:
            blocks = self._blocks()
            above = next(i for i, block in enumerate(blocks) if block is self._ways_block)
            # Every block above the ways, each followed by a blank line.
            top = sum(_height(block, width, self) + 1 for block in blocks[:above])
            lines = []
            for way in self._ways:
                height = max(_height(way, width, self), 1)
                lines.append((top, height))
                top += height
            self._lines_for, self._lines = (self._ways_block, width), lines
        return self._lines

    def _way_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        for index, (top, height) in enumerate(self._way_lines()):
            if top <= offset.y < top + height:
                return index
        return None

    def finish(self) -> bool:
        """Show the rest at once; True if there was anything left to reveal."""
        if self._timer is None:
            return False
        self._stop_timer()
        self._shown = len(self._page.body.plain)
        self._draw()
        return True

    # --- drawing ----------------------------------------------------------------------

    def _build_heading(self) -> Content:
        page = self._page
        title = page.title.stylize_before(".narration--title")
        if page.caption is None or not page.caption.plain:
            return title
        caption = page.caption.stylize_before(".narration--caption")
        return Content("\n").join((title, caption))

    def _build_ways(self) -> list[Content]:
        page = self._page

        def way(index: int, *parts: str | Content) -> Content:
            if index == self._highlighted:
                # The marker shows the highlight without colour too (NO_COLOR, monochrome).
                marker, style = "\u25b8 ", ".narration--choice-highlighted"
            elif index == self._hover:
                marker, style = "  ", ".narration--choice-hover"
            else:
                marker, style = "  ", ".narration--choice"
            return Content.assemble(marker, *parts).stylize_before(style)

        # One style for the whole line, marker and number included: every extra span
        # is another segment for Textual to style on every paint.
        if page.choices:
            return [way(index, f"{index + 1}. ", label) for index, label in enumerate(page.choices)]
        if page.can_continue:
            return [way(0, "Continue  \u2192")]
        return []

    def _blocks(self) -> list[Content]:
        """The page as drawn now, block by block; a blank line goes between blocks."""
        page = self._page
        blocks = [self._heading] if self._heading.plain else []
        body = page.body
        complete = self._shown >= len(body.plain)
        if body.plain:
            blocks.append(body if complete else body[: self._shown])
        if complete:
            if self._ways:
                blocks.append(self._ways_block)
            if page.ending is not None:
                blocks.append(page.ending.stylize_before(".narration--ending"))
        return blocks

    def _draw(self) -> None:
        if self._shown >= len(self._page.body.plain):
            self._ways = self._build_ways()
        else:
            self._ways = []
        self._ways_block = Content("\n").join(self._ways)
        self.update(Content("\n\n").join(self._blocks()))

    def _get_style(self, style: VisualStyle | str) -> VisualStyle:
        # Content asks for a ".name" style each time it is painted, so the parts follow the
        # theme and the timeline class as they change. Textual answers with a partial
        # style, which loses a component's own background (the highlighted choice's) and
        # leaves "auto" colours unresolved; the whole style has both right.
        if isinstance(style, str) and style.startswith(".narration--"):
            return self.get_visual_style(style[1:])
        return super()._get_style(style)

    # --- revealing --------------------------------------------------------------------

    def _tick(self) -> None:
        self._carry += self._step
        whole = int(self._carry)
        self._carry -= whole
        length = len(self._page.body.plain)
        self._shown = min(self._shown + whole, length)
        if self._shown >= length:
            self.finish()
        else:
            self._draw()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # --- the mouse --------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        if self.finish():
            return  # a click while the text types itself out shows it all, and no more
        way = self._way_at(event)
        if way is not None:
            self.post_message(self.Chosen(way, self._page))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._way_at(event))

    def on_leave(self, _: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, way: int | None) -> None:
        if way != self._hover:
            self._hover = way
            if self._ways:
                self._draw()


def _height(content: Content, width: int, widget: Static) -> int:
    """How many lines ``content`` takes when wrapped to ``width``, as the widget wraps it."""
    return content.get_height(widget.styles, width)
