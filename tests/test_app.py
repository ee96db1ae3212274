"""The Textual reader driven with Pilot: every key, asserted on the Reading and on the screen.

The story is built here in Python so these tests do not move when the bundled
story is rewritten.
"""

from __future__ import annotations

import subprocess
import sys
import types
from dataclasses import replace
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

from lazyland.app import SAVE_SPACING, LazylandApp
from lazyland.engine import Reading
from lazyland.model import Choice, Diagnostic, Scene, Span, Story, StoryError, Timeline
from lazyland.screens.reader import ReaderScreen
from lazyland.settings import Settings
from lazyland.themes import MONTAGE, NIGHT, theme_for
from lazyland.widgets.narration import Narration

HOSTILE = "[@click=app.quit]x[/] [link=file:///etc/passwd]y[/link] [/"
WIDE = (120, 36)
NARROW = (80, 30)


def make_story(text_of_a: str = "Mia comes out into the *daylight*.\n\nSeb is waiting.") -> Story:
    scenes = [
        Scene(
            "a",
            "real",
            "After the audition",
            text_of_a,
            caption="Above the city",
            notes="The question on the bench is the one the ending answers.",
            next="b",
        ),
        Scene(
            "b",
            "real",
            "Welcome to Seb's",
            "He sees her in the crowd and **stops**.",
            caption="Five years later",
            notes="The club has his name on the sign.",
            mirror="x",
            choices=(
                Choice("Stay in the room", "d"),
                Choice("Drift into the *what-if*", "x"),
                Choice("Walk out", "d"),
            ),
        ),
        Scene(
            "x",
            "fantasy",
            "The same jazz bar",
            "They walk in together, as guests.",
            mirror="b",
            next="y",
        ),
        Scene("y", "fantasy", "Home movies", "A life, in a few frames.", ending="The other life"),
        Scene(
            "d", "real", "The door", "She turns back at the door, and smiles.", ending="The door"
        ),
    ]
    timelines = (Timeline("real", "What happened"), Timeline("fantasy", "What if"))
    return Story("tale", "A Test Tale", "a", timelines, {s.id: s for s in scenes})


class FakeStore:
    """Stands in for SaveStore: records each snapshot taken and each one written.

    Snapshots are taken on the app's thread as each step is taken; writes happen
    on the save writer's thread and may skip a snapshot a newer one replaced.
    """

    def __init__(self, notice: str | None = None) -> None:
        self.notice = notice
        self.enabled = True
        self.saved: list[tuple[str, ...]] = []
        self.written: list[tuple[str, ...]] = []
        self.written_numbers: list[int] = []  # which snapshot each write was
        self.threads: set[str] = set()

    def snapshot(self, reading: Reading) -> int:
        self.saved.append(reading.history)
        return len(self.saved) - 1

    def write(self, number: int) -> str | None:
        import threading

        self.threads.add(threading.current_thread().name)
        self.written_numbers.append(number)
        self.written.append(self.saved[number])
        return self.notice


def make_app(reading: Reading | None = None, **kwargs: object) -> LazylandApp:
    kwargs.setdefault("animate", False)
    return LazylandApp(reading or Reading(make_story()), **kwargs)  # type: ignore[arg-type]


def screen_text(app: App) -> str:
    """Everything on the screen, as characters."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def flat(app: App) -> str:
    return " ".join(screen_text(app).split())


def footer_text(app: App) -> str:
    """The footer's line, as characters."""
    return screen_text(app).splitlines()[-1]


def messages(app: App) -> list[str]:
    return [str(n.message) for n in app._notifications]


def reader(app: LazylandApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


# --- the main screen ------------------------------------------------------------


async def test_shows_banner_scene_caption_text_and_continue() -> None:
    app = make_app()
    async with app.run_test(size=WIDE):
        shown = screen_text(app)
        assert "A Test Tale" in shown
        assert "What happened" in shown
        assert "After the audition" in shown
        assert "Above the city" in shown
        assert "Mia comes out into the daylight." in shown
        assert "*daylight*" not in shown
        assert "Continue" in shown


async def test_choices_are_numbered_under_the_text() -> None:
    reading = Reading(make_story())
    reading.continue_()
    app = make_app(reading)
    async with app.run_test(size=WIDE):
        lines = screen_text(app).splitlines()
        text_row = next(i for i, line in enumerate(lines) if "stops." in line)
        rows = [
            next(i for i, line in enumerate(lines) if label in line)
            for label in ("1. Stay in the room", "2. Drift into the what-if", "3. Walk out")
        ]
        assert text_row < rows[0] < rows[1] < rows[2]


@pytest.mark.parametrize("key", ["right", "space", "enter", "n"])
async def test_continue_keys_read_on(key: str) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press(key)
        assert app.reading.position == "b"
        assert "Welcome to Seb's" in screen_text(app)


@pytest.mark.parametrize("key", ["left", "backspace", "b"])
async def test_back_keys_go_back_one_step(key: str) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", key)
        assert app.reading.position == "a"
        assert app.reading.ahead == ("b",)
        assert "After the audition" in screen_text(app)


async def test_forward_returns_after_going_back() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "b", "f")
        assert app.reading.history == ("a", "b")
        assert app.reading.ahead == ()
        assert "Welcome to Seb's" in screen_text(app)


@pytest.mark.parametrize("number, target", [("1", "d"), ("2", "x"), ("3", "d")])
async def test_number_keys_take_that_choice(number: str, target: str) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", number)
        assert app.reading.position == target
        assert app.reading.history == ("a", "b", target)


async def test_a_number_past_the_choices_is_refused_with_the_engine_sentence() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "7")
        assert app.reading.position == "b"
        assert "There is no choice 7 here; pick 1 to 3." in messages(app)


async def test_up_and_down_move_the_highlight_and_enter_takes_it() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right")
        narration = app.screen.query_one(Narration)
        assert narration.highlighted == 0
        await pilot.press("down", "down", "down")
        assert narration.highlighted == 2  # stops at the last choice
        assert "\u25b8 3. " in screen_text(app)  # the marker shows without colour too
        await pilot.press("up")
        assert narration.highlighted == 1
        assert "\u25b8 2. " in screen_text(app)
        await pilot.press("enter")
        assert app.reading.position == "x"


async def test_choices_are_clickable_with_the_mouse() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right")
        narration = app.screen.query_one(Narration)
        second = narration.way_region(1)
        assert second is not None and narration.way_region(3) is None
        assert await pilot.click(Narration, offset=(6, second.y))  # choice 2
        assert app.reading.position == "x"
        await pilot.press("right")
        assert app.reading.position == "y"
        await pilot.press("b", "b", "b")
        assert app.reading.position == "a"
        only = narration.way_region(0)
        assert only is not None and narration.way_region(1) is None
        # A click on the narration above the ways does nothing.
        assert await pilot.click(Narration, offset=(3, 0))
        assert app.reading.position == "a"
        assert await pilot.click(Narration, offset=(3, only.y))  # "Continue"
        assert app.reading.position == "b"
        assert narration.option_count == 3


async def test_toggle_jumps_to_the_mirror_and_changes_the_theme() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right")
        assert app.theme == NIGHT
        background_night = app.screen.styles.background
        await pilot.press("t")
        await pilot.pause()
        assert app.reading.position == "x"
        assert app.theme == MONTAGE
        assert app.screen.styles.background != background_night
        assert "What if" in screen_text(app)
        assert app.screen.has_class("-montage")
        await pilot.press("t")
        await pilot.pause()
        assert app.reading.position == "b"
        assert app.theme == NIGHT


async def test_toggle_without_a_mirror_says_why_and_stays() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("t")
        assert app.reading.position == "a"
        assert app.reading.history == ("a",)
        assert "This moment has no counterpart in another timeline." in messages(app)


async def test_footer_dims_moves_that_do_not_apply_here() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        bindings = app.screen.active_bindings
        assert bindings["right"].enabled
        assert not bindings["t"].enabled
        assert not bindings["c"].enabled
        assert not bindings["left"].enabled
        # Forward is left out of the footer until there is a step to go forward to;
        # f then still explains itself through its hidden twin.
        assert not bindings["f"].binding.show
        assert "Forward" not in footer_text(app)
        await pilot.press("right", "b")
        await pilot.pause()
        bindings = app.screen.active_bindings
        assert bindings["f"].enabled and bindings["f"].binding.action == "forward"
        assert "Forward" in footer_text(app)
        assert not bindings["left"].enabled
        await pilot.press("f")
        bindings = app.screen.active_bindings
        assert bindings["t"].enabled and bindings["c"].enabled and bindings["left"].enabled
        await pilot.press("1")  # the door: an ending
        assert not app.screen.active_bindings["right"].enabled


async def test_continue_at_an_ending_says_so() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "1")
        assert app.reading.at_ending
        shown = flat(app)
        assert "The end: The door" in shown
        assert "Endings found: 1 of 2" in shown
        await pilot.press("right")
        assert app.reading.position == "d"
        assert "This is an ending; go back, or restart to read again." in messages(app)


async def test_back_at_the_start_and_forward_with_nothing_ahead_refuse() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("b", "f")
        assert app.reading.history == ("a",)
        assert "This is where the reading began." in messages(app)
        assert "There is nothing ahead to return to." in messages(app)


async def test_a_refused_key_pressed_again_does_not_stack_the_same_toast() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("b", "b", "b", "f")
        said = messages(app)
        assert said.count("This is where the reading began.") == 1
        assert said.count("There is nothing ahead to return to.") == 1


# --- notes ------------------------------------------------------------------------


async def test_notes_open_beside_the_scene_on_a_wide_terminal() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        notes = app.screen.query_one("#notes")
        assert not notes.display or notes.region.width == 0
        await pilot.press("e")
        await pilot.pause()
        scene = app.screen.query_one("#scene")
        assert notes.region.width > 0
        assert notes.region.x >= scene.region.right
        assert notes.region.y == scene.region.y
        shown = screen_text(app)
        assert "What it means" in shown
        assert "The question on the bench" in shown
        await pilot.press("e")
        await pilot.pause()
        assert "What it means" not in screen_text(app)


async def test_notes_open_below_the_scene_on_a_narrow_terminal() -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("e")
        await pilot.pause()
        scene = app.screen.query_one("#scene")
        notes = app.screen.query_one("#notes")
        assert notes.region.y >= scene.region.bottom
        assert notes.region.x == scene.region.x
        assert "What it means" in screen_text(app)


async def test_notes_follow_the_reader_and_say_when_there_are_none() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e", "right")
        assert "The club has his name on the sign." in screen_text(app)
        await pilot.press("t")
        assert "No notes for this scene." in notes_body(app)


async def test_notes_move_below_when_the_terminal_narrows() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        scene = app.screen.query_one("#scene")
        notes = app.screen.query_one("#notes")
        assert notes.region.y >= scene.region.bottom


# --- sizes ------------------------------------------------------------------------


async def test_too_small_terminal_says_so_instead_of_the_layout() -> None:
    app = make_app()
    async with app.run_test(size=(30, 10)):
        shown = screen_text(app)
        assert "Terminal too small (need 40x12)" in " ".join(shown.split())
        assert "After the audition" not in shown


async def test_the_smallest_terminal_shows_the_scene() -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        shown = screen_text(app)
        assert "too small" not in shown
        assert "After the audition" in shown
        await pilot.resize_terminal(39, 12)
        await pilot.pause()
        assert "too small" in screen_text(app)
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert "After the audition" in screen_text(app)


async def test_keys_still_work_when_the_layout_is_hidden() -> None:
    app = make_app()
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.press("right")
        assert app.reading.position == "b"


# --- reveal -----------------------------------------------------------------------


async def test_text_is_revealed_gradually_and_a_key_completes_it() -> None:
    app = make_app(animate=True, settings=Settings(reveal_speed=5))
    async with app.run_test(size=WIDE) as pilot:
        narration = app.screen.query_one(Narration)
        assert narration.revealing
        assert "Seb is waiting." not in screen_text(app)
        assert "Continue" not in screen_text(app) and narration.way_region(0) is None
        await pilot.press("right")
        await pilot.pause()
        assert app.reading.position == "a"  # the key only finished the reveal
        assert not narration.revealing
        assert "Seb is waiting." in screen_text(app)
        assert "Continue" in screen_text(app) and narration.way_region(0) is not None
        await pilot.press("right")
        assert app.reading.position == "b"
        assert narration.revealing


async def test_reveal_finishes_on_its_own() -> None:
    app = make_app(animate=True, settings=Settings(reveal_speed=2000))
    async with app.run_test(size=WIDE) as pilot:
        narration = app.screen.query_one(Narration)
        for _ in range(100):
            if not narration.revealing:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert not narration.revealing
        assert "Seb is waiting." in screen_text(app)


async def test_a_click_on_the_text_completes_the_reveal() -> None:
    app = make_app(animate=True, settings=Settings(reveal_speed=5))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.click(Narration)
        assert not app.screen.query_one(Narration).revealing
        assert app.reading.position == "a"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"animate": False, "settings": Settings(reveal_speed=5)},
        {"animate": True, "settings": Settings(animation=False, reveal_speed=5)},
    ],
)
async def test_reveal_is_instant_when_animation_is_off(kwargs: dict[str, object]) -> None:
    app = make_app(**kwargs)
    async with app.run_test(size=WIDE):
        assert not app.screen.query_one(Narration).revealing
        assert "Seb is waiting." in screen_text(app)


async def test_reveal_is_instant_with_textual_animations_none() -> None:
    app = make_app(animate=True, settings=Settings(reveal_speed=5))
    app.animation_level = "none"
    async with app.run_test(size=WIDE):
        assert not app.screen.query_one(Narration).revealing
        assert "Seb is waiting." in screen_text(app)


# --- untrusted text -----------------------------------------------------------------


async def test_markup_in_a_story_is_shown_literally_and_never_acts() -> None:
    story = make_story(text_of_a=HOSTILE)
    app = make_app(Reading(story))
    async with app.run_test(size=WIDE) as pilot:
        assert HOSTILE in screen_text(app)
        narration = app.screen.query_one(Narration)
        for x in range(0, len(HOSTILE), 3):
            await pilot.click(Narration, offset=(x, 0))
        await pilot.pause()
        assert app.is_running
        assert app.return_code is None
        assert app.reading.position == "a"
        assert HOSTILE in screen_text(app)
        for span in narration.page.body.spans:
            assert "link" not in str(span.style)
            assert "@click" not in str(span.style)


async def test_markup_in_titles_labels_and_endings_stays_literal() -> None:
    scenes = {
        "a": Scene(
            "a",
            "real",
            "[b]Bold[/b] title",
            "Text.",
            caption="[red]caption[/]",
            notes="[@click=app.quit]note[/]",
            choices=(Choice("[link=https://example.com]go[/link]", "z"),),
        ),
        "z": Scene("z", "real", "End", "Fin.", ending="[i]The end[/i]"),
    }
    story = Story("m", "[blink]Story[/]", "a", (Timeline("real", "[u]Real[/u]"),), scenes)
    app = make_app(Reading(story))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("e")
        shown = screen_text(app)
        for literal in (
            "[b]Bold[/b] title",
            "[red]caption[/]",
            "[@click=app.quit]note[/]",
            "1. [link=https://example.com]go[/link]",
            "[blink]Story[/]",
            "[u]Real[/u]",
        ):
            assert literal in shown
        await pilot.press("1")
        assert "The end: [i]The end[/i]" in screen_text(app)
        assert app.is_running


# --- themes -----------------------------------------------------------------------


def test_first_or_real_timeline_is_the_night_theme() -> None:
    story = make_story()
    assert theme_for(story, "real") == NIGHT
    assert theme_for(story, "fantasy") == MONTAGE
    other = Story("o", "O", "p", (Timeline("past", "P"), Timeline("dream", "D")), story.scenes)
    assert theme_for(other, "past") == NIGHT
    assert theme_for(other, "dream") == MONTAGE


async def test_a_theme_the_reader_picks_is_kept_and_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    settings = Settings()
    app = make_app(settings=settings)
    async with app.run_test(size=WIDE) as pilot:
        assert "textual-dark" in app.available_themes  # built-ins stay selectable
        app.theme = "textual-dark"
        await pilot.pause()
        assert settings.theme == "textual-dark"
        await pilot.press("right", "t")
        assert app.reading.position == "x"
        assert app.theme == "textual-dark"
        app.follow_timeline_theme()
        await pilot.pause()
        assert settings.theme is None
        assert app.theme == MONTAGE
    saved = list(tmp_path.rglob("settings.json"))
    assert saved, "the picked theme was written to the settings file"


async def test_a_theme_from_the_settings_is_used_from_the_start() -> None:
    app = make_app(settings=Settings(theme="nord"))
    async with app.run_test(size=WIDE) as pilot:
        assert app.theme == "nord"
        await pilot.press("right", "t")
        assert app.theme == "nord"


async def test_an_unknown_theme_in_the_settings_falls_back_to_the_timeline() -> None:
    app = make_app(settings=Settings(theme="no-such-theme"))
    async with app.run_test(size=WIDE):
        assert app.theme == NIGHT


# --- saves ------------------------------------------------------------------------


async def test_every_step_is_saved_within_the_save_spacing() -> None:
    store = FakeStore()
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        for key in ("right", "2", "b", "f"):
            await pilot.press(key)
            await pilot.pause(SAVE_SPACING * 3)
        assert store.saved == [("a", "b"), ("a", "b", "x"), ("a", "b"), ("a", "b", "x")]
        assert app.flush_saves()
        assert store.written[-1] == ("a", "b", "x")


async def test_a_burst_of_steps_shares_one_save_of_the_newest_place() -> None:
    store = FakeStore()
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        screen = reader(app)
        # Three steps with no pause between them, as a held-down key gives.
        screen.action_continue()
        screen.action_choose(2)
        screen.action_back()
        assert store.saved == []  # not yet: the save comes SAVE_SPACING after the first
        await pilot.pause(SAVE_SPACING * 3)
        assert store.saved == [("a", "b")]
        assert app.flush_saves()
        assert store.written == [("a", "b")]


async def test_a_refused_move_is_not_saved() -> None:
    store = FakeStore()
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("b", "t")
        assert store.saved == []


async def test_a_failing_save_is_told_once() -> None:
    store = FakeStore(notice="Saving is off: the folder cannot be written.")
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        for key in ("right", "b", "f"):
            await pilot.press(key)
            await pilot.pause(SAVE_SPACING * 3)
        assert app.flush_saves()
        await pilot.pause()
        assert messages(app).count("Saving is off: the folder cannot be written.") == 1
        assert len(store.saved) == 3


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quit_keys_save_and_leave(key: str) -> None:
    store = FakeStore()
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right")
        await pilot.press(key)
        await pilot.pause()
        assert not app.is_running
    assert store.written[-1] == ("a", "b")


async def test_quit_works_while_text_is_still_appearing() -> None:
    store = FakeStore()
    app = make_app(store=store, animate=True, settings=Settings(reveal_speed=5))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "right")  # complete the reveal, then read on
        assert reader(app).revealing
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert store.saved == [("a", "b")]
    assert store.written == [("a", "b")]


async def test_quitting_before_any_step_writes_nothing() -> None:
    store = FakeStore()
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert store.saved == store.written == []


async def test_quitting_back_where_it_started_still_saves_the_steps_taken() -> None:
    store = FakeStore()
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "b", "q")
        await pilot.pause()
    # Back at the first scene, but with one scene ahead to go forward to.
    assert store.written[-1] == ("a",)
    assert app.reading.ahead == ("b",)


async def test_saves_are_written_off_the_app_thread_and_in_order() -> None:
    store = FakeStore()
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        for key in ("right", "2", "b", "f", "right", "b", "b"):
            await pilot.press(key)
            await pilot.pause(SAVE_SPACING * 1.5)
        assert app.flush_saves()
        assert store.threads == {"lazyland-saves"}
        # Some snapshots may be replaced before they are written, but never reordered.
        numbers = store.written_numbers
        assert numbers == sorted(set(numbers))
        assert numbers[-1] == len(store.saved) - 1
        assert store.written[-1] == store.saved[-1] == app.reading.history


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_a_real_save_is_complete_on_disk_after_quitting(key: str, tmp_path: Path) -> None:
    from lazyland.saves import SaveStore

    story = make_story()
    store = SaveStore(story, tmp_path / "saves")
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "2", "right", key)
        await pilot.pause()
        assert not app.is_running
    loaded, notices = SaveStore(story, tmp_path / "saves").load()
    assert notices == []
    assert loaded == app.reading
    assert loaded is not None and loaded.position == "y"


async def test_a_save_is_complete_however_the_app_ends(tmp_path: Path) -> None:
    from lazyland.saves import SaveStore

    story = make_story()
    store = SaveStore(story, tmp_path / "saves")
    app = make_app(store=store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "1")
        app.exit()  # not through the quit action
        await pilot.pause()
    loaded, _ = SaveStore(story, tmp_path / "saves").load()
    assert loaded is not None and loaded.history == ("a", "b", "d")


async def test_notices_and_resume_are_shown_on_start() -> None:
    reading = Reading(make_story())
    reading.continue_()
    app = make_app(
        reading, notices=["Your save was from an older story; starting afresh."], resumed=True
    )
    async with app.run_test(size=WIDE):
        shown = messages(app)
        assert "Your save was from an older story; starting afresh." in shown
        assert "Resumed at Welcome to Seb's \u00b7 r restarts" in shown


# --- other screens ----------------------------------------------------------------


async def test_map_opens_and_its_choice_jumps() -> None:
    from lazyland.screens.map import MapScreen

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "m")
        assert isinstance(app.screen, MapScreen)
        app.screen.dismiss("a")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.reading.history == ("a", "b", "a")
        assert "After the audition" in screen_text(app)


async def test_map_closed_without_a_choice_changes_nothing() -> None:
    from lazyland.screens.map import MapScreen

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "m")
        assert isinstance(app.screen, MapScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        assert app.reading.history == ("a", "b")


async def test_history_rewinds_to_the_step_chosen() -> None:
    from lazyland.screens.history import HistoryScreen

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "2", "h")
        assert isinstance(app.screen, HistoryScreen)
        app.screen.dismiss(0)
        await pilot.pause()
        assert app.reading.history == ("a",)
        assert app.reading.ahead == ("x", "b")


@pytest.mark.parametrize("answer, expected", [("y", ("a",)), ("n", ("a", "b"))])
async def test_restart_asks_first(answer: str, expected: tuple[str, ...]) -> None:
    from lazyland.screens.confirm import ConfirmScreen

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(answer)
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.reading.history == expected


@pytest.mark.parametrize(
    "key, module, name",
    [
        ("c", "compare", "CompareScreen"),
        ("g", "endings", "EndingsScreen"),
        ("f1", "help", "HelpScreen"),
        ("question_mark", "help", "HelpScreen"),
    ],
)
async def test_keys_open_their_screens(key: str, module: str, name: str) -> None:
    import importlib

    screen_class = getattr(importlib.import_module(f"lazyland.screens.{module}"), name)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", key)
        assert isinstance(app.screen, screen_class)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.reading.history == ("a", "b")


async def test_compare_is_refused_where_there_is_no_mirror() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, ReaderScreen)
        assert "This moment has no counterpart in another timeline." in messages(app)


# --- command palette --------------------------------------------------------------


async def _palette_entries(app: LazylandApp, query: str | None = None) -> dict[str, object]:
    from lazyland.commands import ReaderCommands

    provider = ReaderCommands(app.screen)
    hits = provider.discover() if query is None else provider.search(query)
    return {hit.text: hit async for hit in hits}  # type: ignore[misc]


async def test_palette_names_only_scenes_already_seen() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "2")
        names = list(await _palette_entries(app))
        assert "Go to: After the audition (What happened)" in names
        assert "Go to: Welcome to Seb's (What happened)" in names
        assert not any("The door" in n or "Home movies" in n for n in names)
        assert not any("The same jazz bar" in n for n in names)  # where the reader is now
        for action in (
            "Toggle timeline",
            "Compare",
            "Notes",
            "Story map",
            "History",
            "Endings and progress",
            "Help",
            "Restart",
        ):
            assert action in names


async def test_palette_jump_and_toggle_act_through_the_engine() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "2")
        hits = await _palette_entries(app, "audition")
        hit = hits["Go to: After the audition (What happened)"]
        hit.command()  # type: ignore[attr-defined]
        await pilot.pause()
        assert app.reading.history == ("a", "b", "x", "a")
        hits = await _palette_entries(app, "toggle")
        hits["Toggle timeline"].command()  # type: ignore[attr-defined]
        await pilot.pause()
        assert app.reading.position == "a"
        assert "This moment has no counterpart in another timeline." in messages(app)


async def test_palette_shows_titles_as_plain_text() -> None:
    from textual.content import Content

    scenes = {
        "a": Scene("a", "real", "Start", "Go.", next="b"),
        "b": Scene("b", "real", "[@click=app.quit]Trap[/]", "Stop.", ending="End"),
    }
    story = Story("p", "P", "a", (Timeline("real", "Real"),), scenes)
    app = make_app(Reading(story))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "b")
        hits = await _palette_entries(app, "trap")
        hit = hits["Go to: [@click=app.quit]Trap[/] (Real)"]
        prompt = hit.prompt  # type: ignore[attr-defined]
        assert isinstance(prompt, Content)
        assert prompt.plain == "Go to: [@click=app.quit]Trap[/] (Real)"


async def test_ctrl_p_opens_the_palette() -> None:
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)


# --- reloading a story being edited ---------------------------------------------------


def _fake_loader(monkeypatch: pytest.MonkeyPatch, result: object) -> None:
    def open_story(path: object) -> Story:
        if isinstance(result, Exception):
            raise result
        return result  # type: ignore[return-value]

    module = types.ModuleType("lazyland.loader")
    module.open_story = open_story  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lazyland.loader", module)


async def test_watch_reloads_and_keeps_the_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story_file = tmp_path / "story.yaml"
    story_file.write_text("first")
    app = make_app(story_path=story_file, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right")
        edited = make_story()
        scenes = dict(edited.scenes)
        scenes["b"] = Scene("b", "real", "Welcome back to Seb's", "Rewritten.", next="d")
        _fake_loader(monkeypatch, Story("tale", "A Test Tale", "a", edited.timelines, scenes))
        assert not app.check_story_changed()
        story_file.write_text("second, longer")
        assert app.check_story_changed()
        await pilot.pause()
        assert app.reading.history == ("a", "b")
        assert "Welcome back to Seb's" in screen_text(app)
        assert "Rewritten." in screen_text(app)


async def test_watch_keeps_the_last_good_story_when_an_edit_breaks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story_file = tmp_path / "story.yaml"
    story_file.write_text("first")
    error = StoryError(
        [
            Diagnostic(
                Span(str(story_file), 4, 7), "error", "scene 'b' goes to 'zz'", "unknown-scene"
            )
        ]
    )
    _fake_loader(monkeypatch, error)
    app = make_app(story_path=story_file, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right")
        story_file.write_text("broken!")
        assert app.check_story_changed()
        await pilot.pause()
        assert app.reading.position == "b"
        assert "Welcome to Seb's" in screen_text(app)
        assert app.reload_errors == [
            f"{story_file}:4:7: error: scene 'b' goes to 'zz' [unknown-scene]"
        ]
        assert any("unknown-scene" in m for m in messages(app))


async def test_watch_drops_scenes_the_edit_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story_file = tmp_path / "story.yaml"
    story_file.write_text("first")
    app = make_app(story_path=story_file, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "2")
        base = make_story()
        scenes = {k: v for k, v in base.scenes.items() if k not in ("x", "y")}
        scenes["b"] = Scene("b", "real", "Welcome to Seb's", "Shorter.", next="d")
        _fake_loader(monkeypatch, Story("tale", "A Test Tale", "a", base.timelines[:1], scenes))
        assert app.reload_story()
        await pilot.pause()
        assert app.reading.history == ("a", "b")
        assert "x" not in app.reading.seen


# --- start-up cost ----------------------------------------------------------------


def test_importing_the_app_leaves_the_secondary_screens_unloaded() -> None:
    code = (
        "import sys, lazyland.app\n"
        "names = ['lazyland.screens.' + n for n in "
        "('compare', 'map', 'history', 'endings', 'help', 'confirm', 'reader')]\n"
        "names.append('lazyland.commands')\n"
        "print(','.join(n for n in names if n in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


async def test_opening_the_reader_does_not_load_the_secondary_screens() -> None:
    here = repr(str(Path(__file__).parent))
    code = (
        "import asyncio, sys\n"
        f"sys.path.insert(0, {here})\n"
        "from test_app import make_app\n"
        "async def main():\n"
        "    app = make_app()\n"
        "    async with app.run_test(size=(100, 30)):\n"
        "        pass\n"
        "asyncio.run(main())\n"
        "print(','.join(n for n in sys.modules if n.startswith('lazyland.screens.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "lazyland.screens.reader"


async def test_every_static_on_the_reader_has_markup_off() -> None:
    app = make_app()
    async with app.run_test(size=WIDE):
        statics = list(app.screen.query(Static))
        assert len(statics) >= 4
        assert all(not s._render_markup for s in statics), [s for s in statics if s._render_markup]


STORY_YAML = """\
format: 1
id: watched
title: Watched
start: one
timelines:
  real:
    label: What happened
scenes:
  one:
    timeline: real
    title: First
    text: The first scene.
    next: two
  two:
    timeline: real
    title: {title}
    text: The second scene.
    ending: The end
"""


async def test_watch_reloads_a_real_story_file_after_an_edit(tmp_path: Path) -> None:
    from lazyland.loader import open_story

    story_file = tmp_path / "story.yaml"
    story_file.write_text(STORY_YAML.format(title="Second"))
    app = make_app(Reading(open_story(story_file)), story_path=story_file, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right")
        assert "Second" in screen_text(app)
        story_file.write_text(STORY_YAML.format(title="Second, rewritten"))
        assert app.reload_story()
        await pilot.pause()
        assert app.reading.position == "two"
        assert "Second, rewritten" in screen_text(app)
        story_file.write_text(STORY_YAML.format(title="Broken") + "    next: nowhere\n")
        assert not app.reload_story()
        await pilot.pause()
        assert "Second, rewritten" in screen_text(app)
        assert any(e.endswith("[unknown-scene]") for e in app.reload_errors)
        assert any(e.endswith("[scene-exits]") for e in app.reload_errors)
        assert app.reading.position == "two"


# --- notes drawn only while open ----------------------------------------------------


def notes_body(app: LazylandApp) -> str:
    return str(app.screen.query_one("#notes-body", Static).visual)


async def test_notes_are_drawn_when_opened_and_follow_only_while_open() -> None:
    from lazyland.widgets.notes import NotesPanel

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        panel = app.screen.query_one(NotesPanel)
        assert panel.shown is None  # closed at start: nothing drawn
        assert "ending answers" not in notes_body(app)
        await pilot.press("e")
        assert panel.shown is app.reading.scene
        assert "The question on the bench is the one the ending answers." in notes_body(app)
        await pilot.press("right")
        assert panel.shown is app.reading.scene  # open: it follows each step
        assert "The club has his name on the sign." in notes_body(app)
        await pilot.press("e", "2")
        assert panel.shown is app.reading.story.scenes["b"]  # closed: left as it was
        await pilot.press("e")
        assert panel.shown is app.reading.scene
        assert "No notes for this scene." in notes_body(app)


async def test_the_first_screen_does_not_load_markdown_for_hidden_notes() -> None:
    here = repr(str(Path(__file__).parent))
    code = (
        "import asyncio, dataclasses, sys\n"
        f"sys.path.insert(0, {here})\n"
        "from test_app import make_app, make_story, Reading, Story\n"
        "story = make_story('Plain words only.')\n"
        "a = dataclasses.replace(story.scenes['a'], notes='The *question* on the bench.')\n"
        "story = dataclasses.replace(story, scenes={**story.scenes, 'a': a})\n"
        "async def main():\n"
        "    app = make_app(Reading(story))\n"
        "    async with app.run_test(size=(100, 30)) as pilot:\n"
        "        print('markdown_it' in sys.modules)\n"
        "        await pilot.press('e')\n"
        "        print('markdown_it' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # Emphasis in the hidden notes costs nothing until the panel is opened.
    assert out.stdout.split() == ["False", "True"]


# --- the reveal preference -------------------------------------------------------------


async def test_reveal_preference_is_switched_from_the_palette_and_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lazyland.settings import load_settings

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    settings = Settings(reveal_speed=5)
    app = make_app(settings=settings, animate=True)
    async with app.run_test(size=WIDE) as pilot:
        app.animation_level = "full"
        entries = await _palette_entries(app, "reveal")
        assert list(entries) == ["Reveal: instant"]
        entries["Reveal: instant"].command()  # type: ignore[attr-defined]
        await pilot.pause()
        assert settings.animation is False
        assert load_settings().animation is False
        await pilot.press("right")
        assert not reader(app).revealing  # the next scene is all there at once
        entries = await _palette_entries(app, "reveal")
        assert list(entries) == ["Reveal: typewriter"]
        entries["Reveal: typewriter"].command()  # type: ignore[attr-defined]
        await pilot.pause()
        assert settings.animation is True
        assert load_settings().animation is True
        await pilot.press("b")
        assert reader(app).revealing
    # Next time, the settings file alone decides.
    again = make_app(settings=load_settings(), animate=True)
    again.animation_level = "full"
    assert again.reveal_animated


async def test_choosing_the_typewriter_overrides_no_animation_for_this_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    settings = Settings(animation=True, reveal_speed=5)
    app = make_app(settings=settings, animate=False)  # as with --no-animation
    async with app.run_test(size=WIDE) as pilot:
        app.animation_level = "full"
        assert not app.reveal_animated
        entries = await _palette_entries(app, "reveal")
        assert list(entries) == ["Reveal: typewriter"]
        app.set_reveal(True)
        await pilot.press("right")
        assert reader(app).revealing


async def test_a_reload_tells_which_scenes_it_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story_file = tmp_path / "story.yaml"
    story_file.write_text("first")
    app = make_app(story_path=story_file, watch=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right", "2", "right")
        assert app.reading.position == "y"
        base = make_story()
        scenes = {k: v for k, v in base.scenes.items() if k != "y"}
        scenes["x"] = Scene("x", "fantasy", "The same jazz bar", "Shorter.", ending="Cut short")
        _fake_loader(monkeypatch, Story("tale", "A Test Tale", "a", base.timelines, scenes))
        assert app.reload_story()
        await pilot.pause()
        # The scene being read is gone: back one step, not to the start.
        assert app.reading.history == ("a", "b", "x")
        shown = messages(app)
        assert any(
            "no longer in the story, so you are back at the one before it" in m for m in shown
        )


@pytest.mark.parametrize("theme", [None, "nord"])
async def test_the_first_theme_costs_no_stylesheet_reparse(
    theme: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.color import Color
    from textual.css.stylesheet import Stylesheet

    calls: list[int] = []
    original = Stylesheet.reparse

    def counting(self: Stylesheet) -> None:
        calls.append(1)
        original(self)

    monkeypatch.setattr(Stylesheet, "reparse", counting)
    app = make_app(settings=Settings(theme=theme))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert calls == []
        expected = theme or NIGHT
        assert app.theme == expected
        assert f"-theme-{expected}" in app.classes
        background = app.get_theme(expected).background  # type: ignore[union-attr]
        assert app.screen.styles.background == Color.parse(background)
        # A later change of theme still goes through Textual's own path.
        await pilot.press("right", "2")
        assert app.theme == (theme or MONTAGE)


# --- the page: one widget for the scene and its ways on -----------------------------


def painted_style_of(app: App, text: str) -> object:
    """The style of the first painted cell of ``text`` on screen."""
    for strip in app.screen._compositor.render_strips():
        plain = strip.text
        at = plain.find(text)
        if at < 0:
            continue
        x = 0
        for segment in strip:
            if x + len(segment.text) > at:
                return segment.style
            x += len(segment.text)
    raise AssertionError(f"{text!r} is not on screen")


async def test_the_title_takes_its_colours_from_the_current_theme() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        narration = app.screen.query_one(Narration)

        def title_colour() -> object:
            style = painted_style_of(app, app.reading.scene.title)
            return style.color.triplet  # type: ignore[attr-defined]

        def expected() -> object:
            return narration.get_visual_style("narration--title").foreground.rich_color.triplet

        night = title_colour()
        assert night == expected()
        await pilot.press("right", "t")  # the mirror, in the other timeline's theme
        await pilot.pause()
        assert app.theme == MONTAGE
        montage = title_colour()
        assert montage == expected() and montage != night
        await pilot.press("t")  # and back again: never the colours of the theme before
        await pilot.pause()
        assert app.theme == NIGHT
        assert title_colour() == night
        app.theme = "textual-light"  # a theme the reader picks from the palette
        await pilot.pause()
        assert title_colour() == expected() != night


def story_with_a_long_choice_scene() -> Story:
    """The test story with scene b, the one with three choices, too long for a short screen."""
    story = make_story()
    long_text = "\n\n".join(f"Paragraph {n} of a scene too long for the screen." for n in range(30))
    scenes = dict(story.scenes)
    scenes["b"] = replace(scenes["b"], text=long_text)
    return replace(story, scenes=scenes)


async def test_the_highlighted_choice_is_kept_in_view_on_a_short_terminal() -> None:
    app = make_app(Reading(story_with_a_long_choice_scene()))
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.press("right")
        await pilot.pause()
        assert "Walk out" not in screen_text(app)  # the choices are below the fold
        await pilot.press("down")
        await pilot.pause()
        shown = screen_text(app)
        assert "\u25b8 2. Drift into the what-if" in shown
        await pilot.press("down")
        await pilot.pause()
        assert "\u25b8 3. Walk out" in screen_text(app)


async def test_the_mouse_over_a_choice_marks_it_and_a_click_takes_it() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right")
        narration = app.screen.query_one(Narration)
        third = narration.way_region(2)
        assert third is not None
        await pilot.hover(Narration, offset=(8, third.y))
        await pilot.pause()
        hovered = painted_style_of(app, "3. Walk out")
        plain = painted_style_of(app, "1. Stay in the room")
        assert hovered != plain
        assert narration.highlighted == 0  # hovering is not choosing
        await pilot.hover(Narration, offset=(0, 0))
        await pilot.pause()
        assert painted_style_of(app, "3. Walk out") != hovered
        await pilot.click(Narration, offset=(8, third.y))
        assert app.reading.position == "d"


async def test_a_click_finds_its_choice_in_a_scrolled_scene() -> None:
    app = make_app(Reading(story_with_a_long_choice_scene()))
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.press("right")
        scene = app.screen.query_one("#scene")
        scene.scroll_end(animate=False)
        await pilot.pause()
        assert scene.scroll_y > 0
        narration = app.screen.query_one(Narration)
        third = narration.way_region(2)
        assert third is not None
        # The offset is within the widget, whatever part of it is scrolled into view.
        await pilot.click(Narration, offset=(6, third.y))
        assert app.reading.position == "d"  # "3. Walk out"


async def test_a_click_that_arrives_after_the_scene_moved_on_is_ignored() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        narration = app.screen.query_one(Narration)
        first_page = narration.page  # "a": one way on, Continue
        await pilot.press("right")
        assert app.reading.position == "b"
        narration.post_message(Narration.Chosen(0, first_page))
        await pilot.pause()
        assert app.reading.position == "b"  # not taken as choice 1 of "b"
        narration.post_message(Narration.Chosen(0, narration.page))
        await pilot.pause()
        assert app.reading.position == "d"  # a click on this scene still counts
