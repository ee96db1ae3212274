"""2,000 seeded random key presses across every screen, the engine's invariants checked after each.

The keys are the reader's own (the reader.md table) plus escape, tab and every
letter. Quit keys (q, ctrl+q) are left out so the app must still be running
after every press; the command palette (ctrl+p) is left out because typed
letters plus Enter would run Textual's own system commands (quit, screenshot).
The presses run in a few batches, each a fresh app on the bundled story,
alternating animation and terminal size; each batch also checks that the save
on disk is the reader's last step.
"""

from __future__ import annotations

import asyncio
import random
import string
from pathlib import Path

import pytest
import textual.app

from lazyland.app import LazylandApp
from lazyland.engine import Reading
from lazyland.loader import open_story
from lazyland.model import Story
from lazyland.paths import bundled_story
from lazyland.saves import SaveStore
from lazyland.screens.reader import ReaderScreen
from lazyland.settings import Settings
from lazyland.widgets.narration import Narration

TOTAL_PRESSES = 2000
BATCHES = 8
SEED = 20161209  # La La Land's release date

# Keys that move the reader through the story (reader.md's table).
MOVE_KEYS = [
    "right",
    "space",
    "enter",
    "n",
    *"123456789",
    "up",
    "down",
    "left",
    "backspace",
    "b",
    "f",
    "t",
]
# Keys that open a panel or another screen (reader.md's table).
SCREEN_KEYS = ["c", "e", "m", "h", "g", "f1", "question_mark", "r"]
EXTRA_KEYS = ["tab", "shift+tab", "home", "end", "pageup", "pagedown", "y"]
LETTERS = [c for c in string.ascii_lowercase if c != "q"]
READER_KEYS = MOVE_KEYS + SCREEN_KEYS
KEYS = [*MOVE_KEYS, *SCREEN_KEYS, "escape", *EXTRA_KEYS, *LETTERS]
# Moves come up most, so the story is really walked; escape often enough that the
# other screens are visited and left again many times in each batch.
WEIGHTS = (
    [5] * len(MOVE_KEYS)
    + [2] * len(SCREEN_KEYS)
    + [12]
    + [1] * len(EXTRA_KEYS)
    + [1] * len(LETTERS)
)


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(autouse=True)
def brisk_key_presses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot waits for the CPU to look idle (at least 20 ms of sleep) around each key;
    2,000 keys would spend most of their time asleep. Yield to the loop instead: Pilot
    still waits for the screen and every widget to process what is queued before the
    next key, which is all the invariants need."""

    async def yield_once(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(0)

    monkeypatch.setattr(textual.app, "wait_for_idle", yield_once)


@pytest.fixture(scope="module")
def story() -> Story:
    return open_story(bundled_story())


def check_invariants(app: LazylandApp, where: str) -> None:
    reading = app.reading
    story = reading.story
    assert app.is_running, where
    assert reading.position in story.scenes, where
    history = reading.history
    assert history and history[-1] == reading.position, where
    assert all(scene_id in story.scenes for scene_id in history), where
    assert all(scene_id in story.scenes for scene_id in reading.ahead), where
    assert set(history) <= reading.seen, where
    assert all(story.scenes[e].is_ending for e in reading.endings_found), where
    assert set(reading.endings_found) <= reading.seen, where


def test_key_plan_is_seeded_and_covers_the_table() -> None:
    plan = random.Random(SEED).choices(KEYS, WEIGHTS, k=TOTAL_PRESSES)
    assert plan == random.Random(SEED).choices(KEYS, WEIGHTS, k=TOTAL_PRESSES)
    assert set(READER_KEYS) <= set(plan)
    assert "q" not in plan and "ctrl+q" not in plan


@pytest.mark.parametrize("batch", range(BATCHES))
async def test_random_keys_keep_the_reading_valid(story: Story, tmp_path: Path, batch: int) -> None:
    rng = random.Random(SEED + batch)
    presses = rng.choices(KEYS, WEIGHTS, k=TOTAL_PRESSES // BATCHES)
    animate = batch % 2 == 1
    size = [(120, 36), (80, 24), (40, 12), (200, 60)][batch % 4]
    store = SaveStore(story, tmp_path / "saves")
    app = LazylandApp(
        Reading(story),
        store=store,
        settings=Settings(reveal_speed=400),
        animate=animate,
    )
    screens_seen: set[str] = set()
    moved = 0
    async with app.run_test(size=size) as pilot:
        check_invariants(app, "at start")
        last = app.reading.state()
        for index, key in enumerate(presses):
            await pilot.press(key)
            where = f"batch {batch}, press {index} ({key!r}), keys so far {presses[: index + 1]}"
            check_invariants(app, where)
            screens_seen.add(type(app.screen).__name__)
            state = app.reading.state()
            if state != last:
                moved += 1
                last = state
                # Every step is saved as it is taken: once the writer has caught up
                # (it writes off the app's thread), the save is never behind.
                assert app.flush_saves(), where
                if store.enabled:
                    loaded, notices = SaveStore(story, tmp_path / "saves").load()
                    assert notices == [] and loaded == app.reading, where
        # Back to the reader, reveal finished: the screen shows the current scene.
        for _ in range(5):
            if isinstance(app.screen, ReaderScreen):
                break
            await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        narration = app.screen.query_one(Narration)
        narration.finish()
        await pilot.pause()
        assert app.is_running
        check_invariants(app, f"batch {batch}, at the end")
    print(f"batch {batch}: {moved} moves, screens {sorted(screens_seen)}")
    assert moved > 20, "the random keys hardly moved the reader; the test is not exercising much"
    assert len(screens_seen) >= 4, screens_seen
