"""The main screen: one scene at a time, in the colours of its timeline.

The screen keeps no copy of where the reader is. Every key asks the app's
Reading to move and then redraws from what the Reading says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from lazyland.engine import Reading, Refusal
from lazyland.text import inline_content, rich_content
from lazyland.themes import timeline_class
from lazyland.widgets.banner import Banner
from lazyland.widgets.narration import Narration, Page
from lazyland.widgets.notes import NotesPanel

if TYPE_CHECKING:
    from lazyland.app import LazylandApp

MIN_WIDTH = 40
MIN_HEIGHT = 12
# Below this many columns the notes go under the scene instead of beside it.
NARROW_WIDTH = 100

# Moves the engine may refuse. Each has a hidden twin binding on the same key
# that runs when the move is disabled, so the key still explains itself.
# Gated actions and the engine move whose refusal explains each one.
GATED = {
    "continue": "continue_",
    "back": "back",
    "forward": "forward",
    "toggle_timeline": "toggle",
    "compare": "toggle",
    "choose": "choose",
}

# Keys that act at once even while text is still being revealed.
KEYS_THROUGH_REVEAL = frozenset({"q", "ctrl+q", "ctrl+p", "ctrl+c"})


def _gated(keys: str, action: str, description: str, **kwargs: Any) -> list[Binding]:
    name, _, args = action.partition("(")
    args = args.rstrip(")")
    refusal = f"refuse('{name}'{', ' + args if args else ''})"
    return [
        Binding(keys, action, description, **kwargs),
        Binding(keys, refusal, description, show=False),
    ]


class ReaderScreen(Screen[None]):
    """The scene, its choices, the notes, and the keys that work right now."""

    # The footer shows these in order and cuts off what does not fit, so the keys a
    # reader needs most come first: at 80 columns, Continue to Quit all show.
    BINDINGS = [
        *_gated(
            "right,space,enter,n",
            "continue",
            "Continue",
            key_display="\u2192",
            tooltip="Read on, or take the highlighted choice",
        ),
        Binding("up", "highlight(-1)", "Previous choice", show=False),
        Binding("down", "highlight(1)", "Next choice", show=False),
        *_gated("left,backspace,b", "back", "Back", key_display="\u2190"),
        *_gated("f", "forward", "Forward"),
        *_gated(
            "t", "toggle_timeline", "Toggle", tooltip="Jump to this moment in the other timeline"
        ),
        Binding("e", "notes", "Notes", tooltip="Show or hide what the scene means"),
        Binding("f1,question_mark", "help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
        *_gated("c", "compare", "Compare", tooltip="This scene and its mirror side by side"),
        Binding("m", "map", "Map"),
        # History, endings and restart live in help and the palette, not the footer: a
        # shorter footer fits more terminals, and is less for Textual to lay out per step.
        Binding("h", "history", "History", show=False),
        Binding("g", "endings", "Endings", show=False),
        Binding("r", "restart", "Restart", show=False),
        Binding("pageup", "page(-1)", "Scroll up", show=False),
        Binding("pagedown", "page(1)", "Scroll down", show=False),
        *[
            b
            for n in range(1, 10)
            for b in _gated(str(n), f"choose({n})", f"Choice {n}", show=False)
        ],
    ]

    def __init__(self, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._gates: tuple[object, ...] = ()
        # The widgets a step redraws, kept here so a step never searches the DOM.
        self._banner = Banner(id="banner")
        self._scene = VerticalScroll(id="scene", can_focus=False)
        self._narration = Narration(id="text")
        self._notes = NotesPanel(id="notes")

    @staticmethod
    def classes_for(reading: Reading, width: int, height: int) -> str:
        """The screen's classes for this Reading and size, so the first layout is the right one."""
        names = [timeline_class(reading.story, reading.scene.timeline)]
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            names.append("-too-small")
        if width < NARROW_WIDTH:
            names.append("-narrow")
        return " ".join(names)

    def compose(self) -> ComposeResult:
        # No container holds the scene and the notes: the banner, the footer and the
        # notes each split off an edge of the screen (see the stylesheet), in this order,
        # and the scene takes what is left. One container fewer to lay out on every step.
        yield self._banner
        yield Footer(compact=True)
        yield self._notes
        with self._scene:
            yield self._narration
        yield Static(
            Text(f"Terminal too small (need {MIN_WIDTH}x{MIN_HEIGHT})"),
            id="too-small",
            markup=False,
        )

    # --- state ----------------------------------------------------------------

    @property
    def lazyland(self) -> LazylandApp:
        return cast("LazylandApp", self.app)

    @property
    def reading(self) -> Reading:
        return self.lazyland.reading

    @property
    def notes_open(self) -> bool:
        return self.has_class("-notes-open")

    @property
    def revealing(self) -> bool:
        return self._narration.revealing

    def on_mount(self) -> None:
        # The size and timeline classes were given at construction (classes_for), so
        # these set nothing new and the first layout is the only one.
        self._fit(self.app.size.width, self.app.size.height)
        self.show_scene()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")
        self.set_class(width < NARROW_WIDTH, "-narrow")

    # --- drawing --------------------------------------------------------------

    def show_scene(self, *, animate: bool | None = None) -> None:
        """Redraw everything from the Reading: banner, scene, choices, notes, theme."""
        reading = self.reading
        scene = reading.scene
        story = reading.story
        colours = timeline_class(story, scene.timeline)
        self.set_class(colours == "-night", "-night")
        self.set_class(colours == "-montage", "-montage")
        self._banner.show(story.title, reading.timeline.label, colours)
        ending = None
        if scene.ending is not None:
            found = len(reading.endings_found)
            total = sum(1 for _ in story.endings())
            ending = Content.assemble(
                ("The end: ", "bold"),
                inline_content(scene.ending, style="bold"),
                f"\nEndings found: {found} of {total} \u00b7 b goes back \u00b7 r restarts",
            )
        page = Page(
            title=inline_content(scene.title),
            caption=inline_content(scene.caption) if scene.caption else None,
            body=rich_content(scene.text),
            choices=tuple(inline_content(choice.label) for choice in scene.choices),
            can_continue=scene.next is not None,
            ending=ending,
        )
        if self.notes_open:
            self._notes.show_scene(scene)
        scene_box = self._scene
        if scene_box.scroll_y or scene_box.scroll_target_y:
            scene_box.scroll_home(animate=False)
        if animate is None:
            animate = self.lazyland.reveal_animated
        self._narration.show(page, animate=animate, speed=self.lazyland.reveal_speed)
        self.lazyland.apply_timeline_theme()
        # The footer rebuilds itself on every refresh, so refresh only when a key it shows
        # changed state (number keys are hidden, and checked afresh on each press anyway).
        gates = (
            reading.can_continue or bool(scene.choices),
            reading.can_back,
            reading.can_forward,
            reading.can_toggle,
        )
        if gates != self._gates:
            self._gates = gates
            self.refresh_bindings()

    def on_narration_chosen(self, event: Narration.Chosen) -> None:
        event.stop()
        if event.page is self._narration.page:  # not a scene a key has moved on from
            self._take_way(event.index)

    def finish_reveal(self) -> bool:
        return self._narration.finish()

    def on_key(self, event: events.Key) -> None:
        # Any key first completes the reveal, then does its own work on the next press.
        if self.revealing and event.key not in KEYS_THROUGH_REVEAL:
            event.stop()
            event.prevent_default()
            self.finish_reveal()

    # --- moving through the story ---------------------------------------------

    def move(self, step: Callable[[Reading], object]) -> bool:
        """Ask the Reading to move; show its refusal, or save and redraw."""
        try:
            step(self.reading)
        except Refusal as refusal:
            self.lazyland.say(str(refusal))
            return False
        self.lazyland.save_progress()
        self.show_scene()
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        reading = self.reading
        if action == "continue":
            return True if (reading.can_continue or reading.scene.choices) else None
        if action == "back":
            return True if reading.can_back else None
        if action == "forward":
            # Shown only when there is a step to go forward to; f still explains itself.
            return True if reading.can_forward else False
        if action in ("toggle_timeline", "compare"):
            return True if reading.can_toggle else None
        if action == "choose":
            number = parameters[0] if parameters else 0
            return (
                True if isinstance(number, int) and number <= len(reading.scene.choices) else None
            )
        return True

    def action_continue(self) -> None:
        self._take_way(self._narration.highlighted)

    def _take_way(self, index: int) -> None:
        """Take way on ``index``: that choice, or read on where the scene has none."""
        if self.reading.scene.choices:
            self.move(lambda r: r.choose(index + 1))
        else:
            self.move(Reading.continue_)

    def action_choose(self, number: int) -> None:
        self.move(lambda r: r.choose(number))

    def action_back(self) -> None:
        self.move(Reading.back)

    def action_forward(self) -> None:
        self.move(Reading.forward)

    def action_toggle_timeline(self) -> None:
        self.move(Reading.toggle)

    def action_refuse(self, name: str, *args: object) -> None:
        """A disabled move's key: let the engine say why it cannot be done."""
        move = GATED.get(name)
        if move is not None:
            # The engine says why; or, if the state changed under the binding, moves.
            self.move(lambda reading: getattr(reading, move)(*args))

    def action_highlight(self, delta: int) -> None:
        narration = self._narration
        if narration.move_highlight(delta):
            region = narration.highlighted_region()
            if region is not None:
                where = region.translate(narration.virtual_region.offset)
                self._scene.scroll_to_region(where, animate=False)
        else:
            self._scene.scroll_relative(y=delta, animate=False)

    def action_page(self, delta: int) -> None:
        scene = self._scene
        if delta < 0:
            scene.scroll_page_up(animate=False)
        else:
            scene.scroll_page_down(animate=False)

    # --- panels and other screens ---------------------------------------------

    def action_notes(self) -> None:
        """Open or close the notes; they are drawn only while open."""
        opening = not self.notes_open
        if opening:
            self._notes.show_scene(self.reading.scene)
        self.set_class(opening, "-notes-open")

    # Each secondary screen is imported when first opened, so start-up never pays for it.

    def action_compare(self) -> None:
        from lazyland.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.reading))

    def action_map(self) -> None:
        from lazyland.screens.map import MapScreen

        self.app.push_screen(MapScreen(self.reading), self._jump_to)

    def action_history(self) -> None:
        from lazyland.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.reading), self._rewind_to)

    def action_endings(self) -> None:
        from lazyland.screens.endings import EndingsScreen

        self.app.push_screen(EndingsScreen(self.reading))

    def action_help(self) -> None:
        from lazyland.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.reading))

    def action_restart(self) -> None:
        from lazyland.screens.confirm import ConfirmScreen

        question = "Start again from the beginning? The scenes and endings you found are kept."
        self.app.push_screen(ConfirmScreen(question), self._restart_if)

    # Every move goes through move(), which redraws; a screen closed without a choice
    # leaves nothing to redraw.

    def _jump_to(self, scene_id: object) -> None:
        if isinstance(scene_id, str):
            self.move(lambda r: r.jump(scene_id))

    def _rewind_to(self, index: object) -> None:
        if isinstance(index, int) and not isinstance(index, bool):
            self.move(lambda r: r.rewind(index))

    def _restart_if(self, confirmed: object) -> None:
        if confirmed is True:
            self.move(Reading.restart)
