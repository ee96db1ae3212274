"""The secondary screens, each pushed over a tiny host app and driven with Pilot.

Every test builds its story from the model directly, so these screens are
tested apart from the loader and the main reader screen.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import stories
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.screen import Screen
from textual.widgets import Button, OptionList, Static

import lazyland
from lazyland.engine import Reading, Refusal
from lazyland.model import Choice, Scene, Story, Timeline
from lazyland.screens.compare import CompareScreen
from lazyland.screens.confirm import ConfirmScreen
from lazyland.screens.endings import EndingsScreen, bar, percent
from lazyland.screens.help import KEYS, HelpScreen
from lazyland.screens.history import HistoryScreen, StepList
from lazyland.screens.map import BLANK, MapScreen, TimelineScenes
from lazyland.text import plain_inline
from lazyland.themes import MONTAGE_THEME, NIGHT_THEME, timeline_variables

STYLESHEET = Path(lazyland.__file__).parent / "lazyland.tcss"
MARKUP = "[bold]x[/] [@click=app.quit]q[/]"
UNSET = object()


def make_story(story_id: str = "tale", title_of_b: str = "Welcome to the club") -> Story:
    scenes = [
        Scene("a", "real", "After the audition", "Mia comes out.\n\nSeb *waits*.", next="b"),
        Scene(
            "b",
            "real",
            title_of_b,
            "He sees her and **stops**.",
            caption="Five years later",
            mirror="x",
            choices=(Choice("Stay in the room", "d"), Choice("Drift away", "x")),
        ),
        Scene("x", "dream", "The same jazz bar", "They walk in together.", mirror="b", next="y"),
        Scene("y", "dream", "Secret dream title", "Nobody has read this yet.", next="d"),
        Scene("d", "real", "The door", "She turns back and smiles.", ending="The door"),
        Scene("e", "real", "Hidden coda", "Never reached.", ending="Secret ending name"),
    ]
    timelines = (Timeline("real", "What happened"), Timeline("dream", "What if"))
    return Story(story_id, "A Test Tale", "a", timelines, {s.id: s for s in scenes})


def reading_at_x(story: Story | None = None) -> Reading:
    """a -> b -> (choice 2) x: three steps, one scene of the dream seen."""
    reading = Reading(story or make_story())
    reading.continue_()
    reading.choose(2)
    return reading


class HostApp(App[None]):
    """Pushes one screen on mount and keeps whatever it is dismissed with.

    It wears the reader's own stylesheet, so the screens are tested as they look.
    """

    CSS_PATH = STYLESHEET

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(), **timeline_variables()}

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.pushed = screen
        self.result: object = UNSET
        self.calls = 0
        self.notices: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("the main screen", id="host")

    def on_mount(self) -> None:
        self.push_screen(self.pushed, self.record)

    def record(self, result: object) -> None:
        self.result = result
        self.calls += 1

    def notify(self, message: str, **kwargs: object) -> None:  # type: ignore[override]
        self.notices.append(str(message))
        super().notify(message, **kwargs)  # type: ignore[arg-type]


async def answers(make: Callable[[], Screen], keys: list[str]) -> list[object]:
    """Open a fresh screen for each key in one host app; what each key dismissed it with."""
    app = HostApp(make())
    results: list[object] = []
    async with app.run_test(size=(100, 30)) as pilot:
        for key in keys:
            await pilot.pause()
            assert app.screen is app.pushed
            before = app.calls
            await pilot.press(key)
            await pilot.pause()
            assert app.calls == before + 1, key
            assert app.screen is not app.pushed and app.is_running
            results.append(app.result)
            app.pushed = make()
            await app.push_screen(app.pushed, app.record)
    return results


def screen_text(app: App) -> str:
    """Everything drawn on the terminal right now, as plain lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def flat_text(app: App) -> str:
    """The screen as one line of words, borders dropped, so wrapped sentences read whole."""
    return " ".join(screen_text(app).replace("│", " ").split())


def static_text(widget: Static) -> str:
    return str(widget.render())


def option_texts(options: OptionList) -> list[str]:
    return [str(option.prompt) for option in options.options]


# --- compare -----------------------------------------------------------------


async def test_compare_shows_scene_and_mirror_side_by_side() -> None:
    app = HostApp(CompareScreen(reading_at_x()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        for words in (
            "What happened",
            "What if",
            "Welcome to the club",
            "Five years later",
            "He sees her and stops.",
            "The same jazz bar",
            "They walk in together.",
        ):
            assert words in shown
        assert "**" not in shown
        real, other = app.screen.query(".compare-column")
        assert real.has_class("-timeline-real") and other.has_class("-timeline-other")
        # The story's own timeline order: the real one on the left, the current one marked.
        assert real.region.x < other.region.x
        assert real.region.y == other.region.y
        assert other.has_class("-current") and not real.has_class("-current")
        assert real.styles.background != other.styles.background
        assert real.styles.color != other.styles.color


async def test_compare_stacks_on_a_narrow_terminal() -> None:
    app = HostApp(CompareScreen(reading_at_x()))
    async with app.run_test(size=(50, 30)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        first, second = app.screen.query(".compare-column")
        assert first.region.x == second.region.x
        assert first.region.y < second.region.y


@pytest.mark.parametrize("at_x", [True, False], ids=["in-what-if", "in-what-happened"])
async def test_compare_stacked_puts_the_scene_being_read_first(at_x: bool) -> None:
    reading = reading_at_x()
    if not at_x:
        reading.toggle()  # to b, in the first timeline
    here = reading.scene
    app = HostApp(CompareScreen(reading))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        first, second = app.screen.query(".compare-column")
        assert first.has_class("-current") and first.region.y < second.region.y
        # The scene being read is on screen when compare opens, its title in sight.
        shown = screen_text(app)
        assert "you are here" in shown and plain_inline(here.title) in shown
        assert "its mirror below" in shown
        # Widened, the two sit side by side in the story's timeline order again.
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        left, right = app.screen.query(".compare-column")
        assert left.has_class("-timeline-real") and right.has_class("-timeline-other")
        assert left.region.x < right.region.x and left.region.y == right.region.y
        # And narrowed again, the reader's scene leads once more.
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert app.screen.query(".compare-column").first().has_class("-current")


async def test_compare_says_so_where_there_is_no_mirror() -> None:
    app = HostApp(CompareScreen(Reading(make_story())))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = flat_text(app)
        assert "After the audition" in shown
        assert "This moment has no mirror" in shown
        assert "happens only in What happened" in shown
        assert len(app.screen.query(".-no-mirror")) == 1


async def test_compare_closes_with_none_on_escape_c_and_q() -> None:
    reading = reading_at_x()
    assert await answers(lambda: CompareScreen(reading), ["escape", "c", "q"]) == [None] * 3


# --- map ---------------------------------------------------------------------


async def test_map_groups_scenes_by_timeline_and_counts_them() -> None:
    app = HostApp(MapScreen(reading_at_x()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "What happened  2 of 4 seen" in shown
        assert "What if  1 of 2 seen" in shown
        real, dream = app.screen.query(TimelineScenes)
        assert option_texts(real) == [
            "  After the audition",
            "  Welcome to the club",
            f"  {BLANK}",
            f"  {BLANK}",
        ]
        assert option_texts(dream) == [
            "▶ The same jazz bar\n    you are here",
            f"  {BLANK}",
        ]
        # The current scene is the one highlighted, in the list that has focus.
        assert app.focused is dream and dream.highlighted == 0


async def test_map_never_names_an_unseen_scene() -> None:
    app = HostApp(MapScreen(reading_at_x()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for options in app.screen.query(TimelineScenes):
            for index in range(options.option_count):
                options.highlighted = index  # paint every row, highlighted and not
                await pilot.pause()
                shown = screen_text(app)
                for secret in ("Secret dream title", "The door", "Hidden coda", "Secret ending"):
                    assert secret not in shown
        prompts = " ".join(t for o in app.screen.query(TimelineScenes) for t in option_texts(o))
        assert "Secret" not in prompts and "The door" not in prompts


async def test_map_enter_on_a_seen_scene_dismisses_with_its_id() -> None:
    app = HostApp(MapScreen(reading_at_x()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab")  # over to the real timeline
        real = app.screen.query(TimelineScenes).first()
        assert app.focused is real
        assert real.highlighted == 0  # its first seen scene
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.result == "b"


async def test_map_enter_on_an_unseen_scene_does_nothing() -> None:
    app = HostApp(MapScreen(reading_at_x()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.focused is not None
        await pilot.press("down", "enter")  # the blank after the jazz bar
        await pilot.pause()
        assert app.result is UNSET and isinstance(app.screen, MapScreen)
        assert any("Not seen yet" in notice for notice in app.notices)


async def test_map_closes_with_none_on_escape_and_m() -> None:
    reading = reading_at_x()
    assert await answers(lambda: MapScreen(reading), ["escape", "m"]) == [None] * 2


async def test_map_stacks_timelines_on_a_narrow_terminal() -> None:
    app = HostApp(MapScreen(reading_at_x()))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        real, dream = app.screen.query(".map-timeline")
        assert real.region.x == dream.region.x and real.region.y < dream.region.y
        assert "The same jazz bar" in screen_text(app)


async def test_map_on_a_narrow_terminal_folds_the_timeline_not_being_browsed() -> None:
    app = HostApp(MapScreen(reading_at_x()))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        real, dream = app.screen.query(TimelineScenes)
        # Open on the reader's timeline; the other folds to its label and count.
        assert app.focused is dream and dream.display and not real.display
        shown = screen_text(app)
        assert "▸ What happened  2 of 4 seen" in shown and "▾ What if  1 of 2 seen" in shown
        assert "Welcome to the club" not in shown
        assert "esc Close" in shown.splitlines()[-1]  # the whole footer fits
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is real and real.display and not dream.display
        shown = screen_text(app)
        assert "▾ What happened" in shown and "▸ What if" in shown
        for title in ("After the audition", "Welcome to the club"):
            assert title in shown
        # Every row of the open timeline is in view, none hidden behind a scrollbar.
        assert real.region.height >= real.option_count
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.result == "b"


async def test_map_narrow_label_click_opens_that_timeline() -> None:
    app = HostApp(MapScreen(reading_at_x()))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        real, dream = app.screen.query(TimelineScenes)
        await pilot.click(".map-label")  # the first label: the real timeline's
        await pilot.pause()
        assert app.focused is real and real.display and not dream.display
        await pilot.press("right")
        await pilot.pause()
        assert app.focused is dream and dream.display


# --- history -----------------------------------------------------------------


async def test_history_lists_every_step_newest_last_and_highlighted() -> None:
    app = HostApp(HistoryScreen(reading_at_x()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        steps = app.screen.query_one(StepList)
        rows = [
            "1   What happened  After the audition",
            "2   What happened  Welcome to the club",
            "3   What if        The same jazz bar  · you are here",
        ]
        assert [steps.row_text(i).plain for i in range(steps.count)] == rows
        shown = screen_text(app)
        assert all(row in shown for row in rows) and "3 steps" in shown
        assert steps.cursor == 2 and app.focused is steps
        # The newest step is drawn highlighted; the others are not.
        backgrounds = [
            {seg.style.bgcolor for seg in steps.render_line(y) if seg.style and seg.text.strip()}
            for y in range(3)
        ]
        assert backgrounds[0] == backgrounds[1] != backgrounds[2]
        await pilot.press("up")
        assert steps.cursor == 1


async def test_history_on_a_narrow_terminal_leads_with_the_titles() -> None:
    app = HostApp(HistoryScreen(reading_at_x()))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        steps = app.screen.query_one(StepList)
        narrow = [
            "1   After the audition  What happened",
            "2   Welcome to the club  What happened",
            "3 ▶ The same jazz bar  What if",
        ]
        assert [steps.row_text(i).plain.rstrip() for i in range(steps.count)] == narrow
        shown = screen_text(app).splitlines()
        # Every title is whole on screen, each on the row just under the heading.
        assert shown[1].strip() == "1   After the audition  What happened"
        assert "Welcome to the club" in shown[2] and "The same jazz bar" in shown[3]
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert steps.row_text(2).plain.startswith("3   What if        The same jazz bar")
        assert "The same jazz bar  · you are here" in screen_text(app)


async def test_history_enter_dismisses_with_the_step_index() -> None:
    reading = reading_at_x()
    app = HostApp(HistoryScreen(reading))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("up", "up", "enter")
        await pilot.pause()
        assert app.result == 0
        # The screen only answers; moving the reader is the app's job.
        assert reading.position == "x"
        reading.rewind(app.result)  # type: ignore[arg-type]
        assert reading.position == "a"


async def test_history_closes_with_none_on_escape_and_h() -> None:
    reading = reading_at_x()
    assert await answers(lambda: HistoryScreen(reading), ["escape", "h"]) == [None] * 2


async def test_history_of_thousands_of_steps_stays_one_widget() -> None:
    story = make_story()
    history = ["a", "b", "x", "y", "d"] * 600
    reading = Reading.restore(story, history)
    app = HostApp(HistoryScreen(reading))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        steps = app.screen.query_one(StepList)
        assert steps.count == 3000 and steps.cursor == 2999
        # Rows are lines in one list, not widgets of their own, built only once in view.
        assert len(list(app.screen.walk_children())) < 20
        assert len(steps._rows) < 100
        # The newest step is in view without scrolling by hand.
        shown = screen_text(app)
        assert "3000   What happened  The door  · you are here" in shown
        assert "   1   What happened  After the audition" not in shown
        await pilot.press("home")
        await pilot.pause()
        assert steps.cursor == 0
        assert "   1   What happened  After the audition" in screen_text(app)
        await pilot.press("pagedown", "down")
        assert steps.cursor == steps.scrollable_content_region.height
        await pilot.press("end", "enter")
        await pilot.pause()
        assert app.result == 2999


# --- endings -----------------------------------------------------------------


async def test_endings_before_any_is_found() -> None:
    app = HostApp(EndingsScreen(reading_at_x()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "Endings found: 0 of 2" in shown
        assert shown.count(BLANK) == 2
        assert "The door" not in shown and "Secret ending name" not in shown
        assert "What happened" in shown and "2 of 4" in shown
        assert "What if" in shown and "1 of 2" in shown
        assert "You have seen 3 of 6 scenes: 50% of the story." in shown


async def test_endings_names_the_ones_found_only() -> None:
    reading = reading_at_x()
    reading.continue_()  # y
    reading.continue_()  # d, an ending
    app = HostApp(EndingsScreen(reading))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "Endings found: 1 of 2" in shown
        assert "◆ The door" in shown
        assert shown.count(BLANK) == 1 and "Secret ending name" not in shown
        assert "3 of 4" in shown and "2 of 2" in shown
        assert "5 of 6 scenes: 83%" in shown


async def test_endings_closes_with_none_on_escape_and_g() -> None:
    reading = reading_at_x()
    assert await answers(lambda: EndingsScreen(reading), ["escape", "g"]) == [None] * 2


async def test_endings_fit_the_smallest_terminal_without_scrolling() -> None:
    reading = reading_at_x()
    app = HostApp(EndingsScreen(reading))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#endings-box")
        assert box.max_scroll_y == 0 and box.region.bottom <= 11
        shown = flat_text(app)
        assert "Endings found: 0 of 2" in shown
        assert "What happened" in shown and "2 of 4" in shown and "1 of 2" in shown
        assert "You have seen 3 of 6 scenes: 50% of the story." in shown


def test_bar_shows_a_little_and_never_full_too_soon() -> None:
    assert bar(0, 10, width=10).plain == "░" * 10
    assert bar(10, 10, width=10).plain == "█" * 10
    assert bar(1, 1000, width=10).plain.count("█") == 1
    assert bar(999, 1000, width=10).plain.count("█") == 9
    assert bar(0, 0, width=4).plain == "░" * 4
    assert percent(999, 1000) == 99 and percent(1000, 1000) == 100 and percent(0, 0) == 0


# --- help --------------------------------------------------------------------


async def test_help_lists_every_key_and_the_timelines() -> None:
    app = HostApp(HelpScreen(Reading(make_story())))
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        shown = flat_text(app)
        for keys, does in KEYS:
            # Long descriptions wrap inside the table: look for their opening words.
            assert " ".join(keys.split()) in shown and does[:40] in shown, does
        for key in ("1 to 9", "Ctrl+P", "F1", "Backspace"):
            assert key in shown
        assert "This story runs in 2 timelines: What happened and What if" in shown
        assert "It begins in What happened" in shown


async def test_help_explains_the_bundled_timelines() -> None:
    reading = Reading(make_story("la-la-land"))
    story = reading.story
    # The bundled story calls its what-if timeline "fantasy".
    scenes = {
        sid: Scene(s.id, "fantasy" if s.timeline == "dream" else s.timeline, s.title, s.text)
        for sid, s in story.scenes.items()
    }
    timelines = (Timeline("real", "What happened"), Timeline("fantasy", "What if"))
    bundled = Story("la-la-land", "La La Land", "a", timelines, scenes)
    app = HostApp(HelpScreen(Reading(bundled)))
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        shown = flat_text(app)
        assert "What happened is the story as the film tells it" in shown
        assert "What if is the montage they both dream" in shown
        assert "stay in the room, or drift into the dream" in shown


# How the reader's key names are written in help.
KEY_NAMES = {
    "right": "Right",
    "space": "Space",
    "enter": "Enter",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "backspace": "Backspace",
    "f1": "F1",
    "question_mark": "?",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "ctrl+q": "Ctrl+Q",
    "ctrl+p": "Ctrl+P",
    "escape": "Escape",
}


def test_help_names_every_key_the_reader_answers_to() -> None:
    from lazyland.app import LazylandApp
    from lazyland.screens.reader import ReaderScreen

    listed: set[str] = set()
    for keys, _ in KEYS:
        if keys == "1 to 9":
            listed.update(str(n) for n in range(1, 10))
        else:
            listed.update(keys.replace(",", " ").split())
    bound = {"ctrl+p"}  # the command palette, Textual's own binding
    for binding in [*ReaderScreen.BINDINGS, *LazylandApp.BINDINGS]:
        if isinstance(binding, Binding):
            bound.update(key.strip() for key in binding.key.split(","))
    missing = {key for key in bound if KEY_NAMES.get(key, key) not in listed}
    assert not missing, missing
    # The keys of the design's table, each named once, and the reveal preference.
    assert {k for k, _ in KEYS} >= {"Right  Space  Enter  n", "1 to 9", "F1  ?", "q  Ctrl+Q"}
    assert ("Ctrl+P, then Reveal", "The text typed out or shown at once; remembered") in KEYS


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (200, 50)], ids=str)
async def test_help_keeps_the_top_row_clear_and_scrolls_inside(size: tuple[int, int]) -> None:
    app = HostApp(HelpScreen(Reading(make_story("la-la-land"))))
    width, height = size
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        # The host's first row (the reader's banner) stays in sight, and so does the footer.
        assert box.region.y >= 1 and box.region.bottom <= height - 2, box.region
        assert "the main screen" in screen_text(app).splitlines()[0]
        if box.max_scroll_y:
            await pilot.press("end")
            await pilot.pause()
            assert box.scroll_y == box.max_scroll_y
        assert "name only what you have seen" in flat_text(app)


async def test_help_closes_with_none_on_escape_f1_question_mark_and_q() -> None:
    reading = reading_at_x()
    keys = ["escape", "f1", "question_mark", "q"]
    assert await answers(lambda: HelpScreen(reading), keys) == [None] * 4


# --- confirm -----------------------------------------------------------------


async def test_confirm_answers_by_key() -> None:
    keys = ["y", "enter", "n", "escape"]
    results = await answers(lambda: ConfirmScreen("Start again from the beginning?"), keys)
    assert results == [True, True, False, False]


@pytest.mark.parametrize(("button", "answer"), [("#confirm-yes", True), ("#confirm-no", False)])
async def test_confirm_answers_by_button(button: str, answer: bool) -> None:
    app = HostApp(ConfirmScreen("Start again?"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert len(app.screen.query(Button)) == 2
        await pilot.click(button)
        await pilot.pause()
        assert app.result is answer


async def test_confirm_enter_on_the_no_button_means_no() -> None:
    app = HostApp(ConfirmScreen("Start again?"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("right")
        assert app.focused is not None and app.focused.id == "confirm-no"
        await pilot.press("enter")
        await pilot.pause()
        assert app.result is False


async def test_confirm_shows_its_question_literally() -> None:
    app = HostApp(ConfirmScreen(f"Go back to {MARKUP}?"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert f"Go back to {MARKUP}?" in screen_text(app)


LONG_QUESTION = "Start again from the beginning? The scenes and endings you found are kept."


@pytest.mark.parametrize("size", [(40, 12), (60, 14), (100, 30)], ids=str)
async def test_confirm_fits_the_terminal_with_its_whole_question(size: tuple[int, int]) -> None:
    app = HostApp(ConfirmScreen(LONG_QUESTION))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#confirm-box").region
        width, height = size
        assert box.x >= 0 and box.right <= width, box
        assert box.y >= 0 and box.bottom <= height - 1, box  # above the footer
        # Every word of the question is drawn, and both answers are inside the box.
        assert " ".join(LONG_QUESTION.split()) in flat_text(app)
        for button in screen.query(Button):
            assert box.contains_region(button.region), button.id
            assert button.region.height >= 1
        await pilot.click("#confirm-no")
        await pilot.pause()
        assert app.result is False


# --- story text stays text ---------------------------------------------------


def markup_story() -> Story:
    return make_story(title_of_b=MARKUP)


async def test_markup_title_is_literal_on_the_map_and_clicking_it_only_picks_it() -> None:
    app = HostApp(MapScreen(reading_at_x(markup_story())))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert MARKUP in screen_text(app)
        real = app.screen.query(TimelineScenes).first()
        row = real.scene_ids.index("b")
        # Inside the list's border, on the row of the title.
        await pilot.click(real, offset=(6, 1 + row))
        await pilot.pause()
        assert app.is_running
        assert app.result == "b"


async def test_markup_title_is_literal_in_history_and_clicking_it_only_picks_it() -> None:
    app = HostApp(HistoryScreen(reading_at_x(markup_story())))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert f"2   What happened  {MARKUP}" in screen_text(app)
        steps = app.screen.query_one(StepList)
        # "2   What happened  " is 19 cells; click on the "q" of the fake link.
        await pilot.click(steps, offset=(1 + 19 + MARKUP.index("]q[") + 1, 2))
        await pilot.pause()
        assert app.is_running
        assert app.result == 1


async def test_markup_everywhere_in_compare_is_literal_and_inert() -> None:
    scenes = {
        "a": Scene(
            "a",
            "real",
            MARKUP,
            f"Text {MARKUP}",
            caption=f"[i]cap[/i] {MARKUP}",
            mirror="b",
            ending="e",
        ),
        "b": Scene(
            "b", "other", "Mirror\x1b[2J", "[link=file:///etc/passwd]y[/link] [/", ending="f"
        ),
    }
    timelines = (Timeline("real", f"Real {MARKUP}"), Timeline("other", "Other"))
    story = Story("t", "T", "a", timelines, scenes)
    app = HostApp(CompareScreen(Reading(story)))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert f"Real {MARKUP}" in shown
        assert f"Text {MARKUP}" in shown
        assert f"[i]cap[/i] {MARKUP}" in shown
        assert "[link=file:///etc/passwd]y[/link] [/" in shown
        # An escape sequence is shown as text, never sent to the terminal.
        assert "Mirror\\x1b[2J" in shown and "\x1b" not in shown
        title = app.screen.query(".compare-title").first()
        assert static_text(title) == MARKUP
        await pilot.click(title, offset=(MARKUP.index("]q[") + 1, 0))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CompareScreen)
        assert app.result is UNSET


async def test_markup_ending_name_and_labels_are_literal_in_endings_and_help() -> None:
    scenes = {"a": Scene("a", "real", "Start", "Go.", ending=MARKUP)}
    story = Story("t", f"Tale {MARKUP}", "a", (Timeline("real", f"Lbl {MARKUP}"),), scenes)
    for screen in (EndingsScreen(Reading(story)), HelpScreen(Reading(story))):
        app = HostApp(screen)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            shown = screen_text(app)
            assert f"Lbl {MARKUP}" in shown
            if isinstance(screen, EndingsScreen):
                assert f"◆ {MARKUP}" in shown
            else:
                assert f"Tale {MARKUP}" in shown
            assert app.is_running


# --- light imports -----------------------------------------------------------


def test_screen_modules_import_nothing_beyond_textual() -> None:
    code = (
        "import sys, textual.app, lazyland.text, lazyland.engine\n"
        "before = set(sys.modules)\n"
        "import lazyland.screens.compare, lazyland.screens.map, lazyland.screens.history\n"
        "import lazyland.screens.endings, lazyland.screens.help, lazyland.screens.confirm\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(','.join(sorted(new)))\n"
        "print('lazyland.app' in sys.modules, 'yaml' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    packages, flags = done.stdout.strip().splitlines()
    assert set(filter(None, packages.split(","))) <= {"textual", "rich", "lazyland"}
    assert flags == "False False"


async def test_compare_in_colour_matches_the_timelines_themes() -> None:
    app = HostApp(CompareScreen(reading_at_x()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        real, other = app.screen.query(".compare-column")
        assert real.styles.background == Color.parse(NIGHT_THEME.surface or "")
        assert other.styles.background == Color.parse(MONTAGE_THEME.surface or "")


# --- snapshots ---------------------------------------------------------------


def test_snapshot_compare(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(HostApp(CompareScreen(reading_at_x())), terminal_size=(100, 30))


def test_snapshot_compare_narrow(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(HostApp(CompareScreen(reading_at_x())), terminal_size=(40, 16))


def test_snapshot_map(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(HostApp(MapScreen(reading_at_x())), terminal_size=(100, 30))


def test_snapshot_help(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(HostApp(HelpScreen(reading_at_x())), terminal_size=(100, 40))


# --- no spoilers, for any story ----------------------------------------------


@settings(max_examples=60, deadline=None)
@given(story=stories(max_scenes=12), moves=st.lists(st.integers(0, 9), max_size=12))
def test_map_rows_name_only_seen_scenes_for_any_story(story: Story, moves: list[int]) -> None:
    reading = Reading(story)
    for move in moves:
        scene = reading.scene
        try:
            if scene.choices:
                reading.choose(move % len(scene.choices) + 1)
            elif move % 3 == 0 and reading.can_toggle:
                reading.toggle()
            else:
                reading.continue_()
        except Refusal:
            break
    screen = MapScreen(reading)
    for scene in story.scenes.values():
        row = str(screen._row(scene).prompt)
        if scene.id in reading.seen:
            assert plain_inline(scene.title) in row
        else:
            assert row == f"  {BLANK}"


# --- the smallest terminal ---------------------------------------------------


async def test_every_screen_draws_at_the_smallest_size() -> None:
    reading = reading_at_x()
    screens: list[tuple[Screen, str]] = [
        (CompareScreen(reading), "The same jazz bar"),  # the scene being read, first
        (MapScreen(reading), "The same jazz bar"),
        (HistoryScreen(reading), "3 ▶ The same jazz bar  What if"),
        (EndingsScreen(reading), "Endings found: 0 of 2"),
        (HelpScreen(reading), "Help"),
        (ConfirmScreen("Start again?"), "Start again?"),
    ]
    app = HostApp(screens[0][0])
    async with app.run_test(size=(40, 12)) as pilot:
        for index, (screen, words) in enumerate(screens):
            if index:
                await app.push_screen(screen, app.record)
            await pilot.pause()
            shown = screen_text(app)
            assert words in shown, type(screen).__name__
            assert "esc" in shown or "y Yes" in shown  # the footer still fits
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not screen


@pytest.mark.parametrize(
    "make", [CompareScreen, MapScreen, HistoryScreen], ids=lambda m: m.__name__
)
async def test_full_screens_on_a_very_large_terminal(make: Callable[[Reading], Screen]) -> None:
    app = HostApp(make(reading_at_x()))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        # Lines keep a readable length, and the screen behind does not show at the sides.
        box = app.screen.children[0]
        assert box.region.width <= 150 and box.region.x > 0
        assert "the main screen" not in shown
        if make is CompareScreen:
            for column in app.screen.query(".compare-column"):
                assert column.region.width <= 75


# --- the bundled story -------------------------------------------------------


async def test_bundled_story_help_and_a_fresh_map() -> None:
    from lazyland.loader import open_story
    from lazyland.paths import bundled_story

    story = open_story(bundled_story())
    reading = Reading(story)
    app = HostApp(HelpScreen(reading))
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        shown = flat_text(app)
        assert "What happened is the story as the film tells it" in shown
        assert "What if is the montage they both dream" in shown
        # The bundled story's branch is where the help says it is.
        branch = [s for s in story.scenes.values() if len(s.choices) > 1]
        assert branch and all(s.timeline == "real" for s in branch)
        assert "When Seb sits down at the piano you choose" in shown
    app = HostApp(MapScreen(reading))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert plain_inline(story.scene(story.start).title) in shown
        for scene in story.scenes.values():
            if scene.id != story.start and scene.title != story.scene(story.start).title:
                assert plain_inline(scene.title) not in shown, scene.id
        total = sum(1 for _ in story.scenes_in(reading.timeline.id))
        assert f"1 of {total} seen" in shown


# --- one stylesheet ----------------------------------------------------------

SCREEN_MAKERS: tuple[Callable[[Reading], Screen], ...] = (
    CompareScreen,
    MapScreen,
    HistoryScreen,
    EndingsScreen,
    HelpScreen,
    lambda reading: ConfirmScreen("Start again?"),
)


def test_the_screens_look_comes_from_their_part_of_the_one_stylesheet() -> None:
    # Their look lives in lazyland.tcss, beside the reader's, each under its own mark.
    from lazyland.style import names, part

    screens = {
        "compare": CompareScreen,
        "map": MapScreen,
        "history": HistoryScreen,
        "endings": EndingsScreen,
        "help": HelpScreen,
        "confirm": ConfirmScreen,
    }
    assert names() == ["reader", *screens]
    for widget in (*screens.values(), StepList, TimelineScenes):
        assert "DEFAULT_CSS" not in vars(widget), widget.__name__
    reader_part = part("reader")
    assert "\nReaderScreen {" in reader_part
    for name, screen in screens.items():
        # Textual reads a screen's CSS when it first opens; the start reads the reader's.
        assert screen.CSS == part(name), name
        assert not screen.SCOPED_CSS
        assert f"\n{screen.__name__} {{" in part(name), name
        assert f"{screen.__name__} {{" not in reader_part, name
    # The parts, put back together, are the whole file.
    whole = STYLESHEET.read_text(encoding="utf-8")
    assert all(part(name).strip() in whole for name in names())
    assert sum(len(part(name)) for name in names()) < len(whole)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "lazyland-montage"])
async def test_every_screen_opens_under_any_theme_in_the_reader(theme: str) -> None:
    from lazyland.app import LazylandApp

    app = LazylandApp(reading_at_x(), animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        await pilot.pause()
        for make in SCREEN_MAKERS:
            screen = make(app.reading)
            app.push_screen(screen)
            await pilot.pause()
            assert app.is_running and app.screen is screen
            if isinstance(screen, CompareScreen):
                # The columns keep their timelines' own colours, whatever the theme.
                real, other = screen.query(".compare-column")
                assert real.styles.background == Color.parse(NIGHT_THEME.surface or "")
                assert other.styles.background == Color.parse(MONTAGE_THEME.surface or "")
            if isinstance(screen, MapScreen):
                label = screen.query(".-timeline-other .map-label").first()
                assert label.styles.background == Color.parse(MONTAGE_THEME.primary)
            app.pop_screen()
            await pilot.pause()
        assert app.is_running
