"""The reader at every terminal size, from 20x6 to 300x100, and resized mid-reveal.

One running app is resized through a sample of sizes that covers every width
in steps, the edges around the 40x12 minimum and the narrow/wide breakpoint,
and the extremes. At each size: no exception, the screen is exactly that size,
and "too small" shows exactly when the terminal is under 40x12.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from lazyland.app import LazylandApp
from lazyland.engine import Reading
from lazyland.loader import open_story
from lazyland.model import Story
from lazyland.paths import bundled_story
from lazyland.saves import SaveStore
from lazyland.screens.reader import MIN_HEIGHT, MIN_WIDTH, NARROW_WIDTH, ReaderScreen
from lazyland.settings import Settings
from lazyland.text import plain_inline, rich_text
from lazyland.widgets.narration import Narration

WIDTHS = sorted(
    set(range(20, 301, 20))
    | {21, MIN_WIDTH - 1, MIN_WIDTH, MIN_WIDTH + 1}
    | {NARROW_WIDTH - 1, NARROW_WIDTH, NARROW_WIDTH + 1, 299}
)
HEIGHTS = sorted(set(range(6, 101, 10)) | {MIN_HEIGHT - 1, MIN_HEIGHT, MIN_HEIGHT + 1, 100})
EDGE_WIDTHS = (20, MIN_WIDTH - 1, MIN_WIDTH, NARROW_WIDTH - 1, NARROW_WIDTH, 300)
EDGE_HEIGHTS = (6, MIN_HEIGHT - 1, MIN_HEIGHT, 100)
SMALL_SAMPLE = (
    (20, 6),
    (MIN_WIDTH - 1, MIN_HEIGHT - 1),
    (MIN_WIDTH, MIN_HEIGHT),
    (99, 30),
    (300, 100),
)


def sizes() -> list[tuple[int, int]]:
    """Every width, each with a rotating share of the heights; then every edge pair."""
    chosen = []
    for index, width in enumerate(WIDTHS):
        chosen += [(width, height) for height in HEIGHTS[index % 5 :: 5]]
    chosen += [(w, h) for w in EDGE_WIDTHS for h in EDGE_HEIGHTS]
    return chosen


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def story() -> Story:
    return open_story(bundled_story())


def screen_text(app: App[object]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def make_app(reading: Reading, tmp_path: Path, **kwargs: object) -> LazylandApp:
    kwargs.setdefault("animate", False)
    kwargs.setdefault("settings", Settings())
    return LazylandApp(reading, store=SaveStore(reading.story, tmp_path / "saves"), **kwargs)  # type: ignore[arg-type]


def fits(app: App[object], width: int, height: int) -> bool:
    strips = app.screen._compositor.render_strips()
    return (
        app.size == (width, height)
        and len(strips) == height
        and all(strip.cell_length == width for strip in strips)
    )


def assert_fits(app: App[object], width: int, height: int) -> None:
    assert app.size == (width, height)
    strips = app.screen._compositor.render_strips()
    assert len(strips) == height
    assert all(strip.cell_length == width for strip in strips)


async def settle(pilot: Pilot[None], ready: Callable[[], bool]) -> None:
    """Give the app up to a few seconds to reach a state; on a busy machine idle
    detection can return before a resize or a new screen has been laid out."""
    for _ in range(150):
        if ready():
            return
        await pilot.pause(0.02)


async def resize(pilot: Pilot[None], width: int, height: int) -> None:
    app = pilot.app
    await pilot.resize_terminal(width, height)

    def laid_out() -> bool:
        if not fits(app, width, height):
            return False
        if isinstance(app.screen, ReaderScreen):
            too_small = width < MIN_WIDTH or height < MIN_HEIGHT
            shown = " ".join(screen_text(app).split())
            return ("Terminal too small" in shown) == too_small
        return True

    await settle(pilot, laid_out)
    assert_fits(app, width, height)


async def test_every_size_from_20x6_to_300x100(story: Story, tmp_path: Path) -> None:
    reading = Reading(story)
    # Somewhere with choices and notes, so every part of the layout is in play.
    while not reading.scene.choices and reading.can_continue:
        reading.continue_()
    app = make_app(reading, tmp_path)
    title = plain_inline(reading.scene.title)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")  # notes open: beside on wide terminals, below on narrow ones
        assert isinstance(app.screen, ReaderScreen) and app.screen.notes_open
        checked = 0
        for width, height in sizes():
            await resize(pilot, width, height)
            assert_fits(app, width, height)
            shown = screen_text(app)
            too_small = width < MIN_WIDTH or height < MIN_HEIGHT
            assert app.screen.has_class("-too-small") == too_small, (width, height)
            assert ("Terminal too small" in " ".join(shown.split())) == too_small, (width, height)
            assert app.screen.has_class("-narrow") == (width < NARROW_WIDTH)
            if not too_small:
                # The scene's title heads the scene at any usable size.
                assert title.split()[0] in shown, (width, height)
            checked += 1
        assert checked > 60
        # Still a working reader afterwards.
        await resize(pilot, 100, 30)
        before = app.reading.position
        await pilot.press("1")
        assert app.reading.position != before


async def test_secondary_screens_at_the_edge_sizes(story: Story, tmp_path: Path) -> None:
    reading = Reading(story)
    # Walk until the scene has a mirror, so compare has something to show.
    for _ in range(len(story.scenes)):
        if reading.can_toggle:
            break
        scene = reading.scene
        if scene.next is not None:
            reading.continue_()
        elif scene.choices:
            reading.choose(len(scene.choices))
        else:
            break
    app = make_app(reading, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        for key in ("m", "h", "g", "question_mark", "c", "r"):
            await pilot.press(key)
            await settle(pilot, lambda: not isinstance(app.screen, ReaderScreen))
            opened = app.screen
            assert not isinstance(opened, ReaderScreen), key
            for width, height in SMALL_SAMPLE:
                await resize(pilot, width, height)
                assert_fits(app, width, height)
                assert app.screen is opened
            await resize(pilot, 100, 30)
            await pilot.press("escape")
            await settle(pilot, lambda: isinstance(app.screen, ReaderScreen))
            assert isinstance(app.screen, ReaderScreen), key


async def test_resize_in_the_middle_of_a_reveal(story: Story, tmp_path: Path) -> None:
    reading = Reading(story)
    app = make_app(reading, tmp_path, animate=True, settings=Settings(reveal_speed=20))
    async with app.run_test(size=(120, 36)) as pilot:
        narration = app.screen.query_one(Narration)
        assert narration.revealing
        await pilot.pause(0.2)
        for width, height in [(60, 20), (30, 8), (300, 100), (40, 12), (99, 30), (20, 6)]:
            await resize(pilot, width, height)
        # The reveal carried on through the resizes, or finished on its own; never restarted.
        assert app.reading.position == story.start
        await resize(pilot, 120, 36)
        if narration.revealing:
            await pilot.press("space")  # completes the reveal, does not move
            await pilot.pause()
        assert not narration.revealing
        assert app.reading.position == story.start
        full = rich_text(story.scene(story.start).text).plain
        assert narration.page.body.plain == full
        shown = " ".join(screen_text(app).split())
        assert " ".join(full.split()[-3:]) in shown
        assert narration.way_region(0) is not None  # the ways on are drawn again


async def test_resize_during_reveal_of_the_next_scene_and_keys_keep_working(
    story: Story, tmp_path: Path
) -> None:
    reading = Reading(story)
    app = make_app(reading, tmp_path, animate=True, settings=Settings(reveal_speed=15))
    async with app.run_test(size=(80, 24)) as pilot:
        narration = app.screen.query_one(Narration)
        steps = 0
        for width, height in [(39, 11), (140, 40), (45, 13), (250, 80), (80, 24)]:
            await pilot.press("n")  # finishes the reveal (or moves on, if it had finished)
            await pilot.press("n")
            await resize(pilot, width, height)
            assert_fits(app, width, height)
            steps = len(app.reading.history)
            assert app.reading.history[-1] == app.reading.position
        assert steps >= 2
        if narration.revealing:
            narration.finish()
            await pilot.pause()
        assert not narration.revealing
