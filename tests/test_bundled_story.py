"""The bundled story: its shape, every path through it, and the checker's verdict.

Every path is walked through the engine itself (continue, each choice, each
toggle), so what is tested is what a reader can actually do. Paths are
bounded by never revisiting a scene already on the path.
"""

from __future__ import annotations

import subprocess
import sys
from collections import deque
from collections.abc import Callable

import pytest

from lazyland import text
from lazyland.engine import Reading
from lazyland.loader import open_story
from lazyland.model import Scene, Story
from lazyland.paths import bundled_story

REAL_BEATS = (
    "after-the-audition",
    "separate-dreams",
    "five-years-later",
    "a-night-out",
    "the-sign",
    "welcome-to-sebs",
    "the-last-notes",
    "the-door",
)
MEMORIES = ("the-restaurant", "keiths-offer", "the-one-woman-show", "paris-alone")
MONTAGE = (
    "the-kiss",
    "turning-down-keith",
    "mia-the-actress",
    "going-together",
    "paris-together",
    "a-family",
    "the-same-jazz-bar",
    "the-song-ends",
)
# Each what-if scene and the real moment it rewrites, as the story bible lists them.
REWRITES = {
    "the-kiss": "the-restaurant",
    "turning-down-keith": "keiths-offer",
    "mia-the-actress": "the-one-woman-show",
    "going-together": "separate-dreams",
    "paris-together": "paris-alone",
    "a-family": "five-years-later",
    "the-same-jazz-bar": "welcome-to-sebs",
    "the-song-ends": "the-last-notes",
}
MIN_WORDS, MAX_WORDS = 40, 150
# Paths are enumerated in full; this only stops a future edit from making the walk explode.
MAX_PATHS = 20_000


@pytest.fixture(scope="module")
def story() -> Story:
    return open_story(bundled_story())


def moves(reading: Reading) -> list[tuple[str, Callable[[Reading], Scene]]]:
    """Every move a reader can make from where this reading stands, named for messages."""
    scene = reading.scene
    found: list[tuple[str, Callable[[Reading], Scene]]] = []
    if reading.can_continue:
        found.append(("continue", Reading.continue_))
    for number in range(1, len(scene.choices) + 1):
        found.append((f"choice {number}", lambda r, n=number: r.choose(n)))
    if reading.can_toggle:
        found.append(("toggle", Reading.toggle))
    return found


class Walk:
    """Every maximal path from the start that visits no scene twice, and every step tried."""

    def __init__(self, paths: list[tuple[str, ...]], tried: set[tuple[str, str, str]]) -> None:
        self.paths = paths
        self.tried = tried


def walk_every_path(story: Story) -> Walk:
    complete: list[tuple[str, ...]] = []
    tried: set[tuple[str, str, str]] = set()
    stack: list[tuple[str, ...]] = [(story.start,)]
    while stack:
        path = stack.pop()
        extended = False
        for name, move in moves(Reading.restore(story, path)):
            reading = Reading.restore(story, path)
            move(reading)
            assert reading.history[:-1] == path
            tried.add((path[-1], name, reading.position))
            if reading.position not in path:
                stack.append(reading.history)
                extended = True
        if not extended:
            complete.append(path)
        assert len(complete) + len(stack) <= MAX_PATHS, "the story has too many paths to walk"
    return Walk(complete, tried)


@pytest.fixture(scope="module")
def walk(story: Story) -> Walk:
    return walk_every_path(story)


@pytest.fixture(scope="module")
def paths(walk: Walk) -> list[tuple[str, ...]]:
    return walk.paths


def words(value: str) -> int:
    return len(text.plain(value).split())


# --- the shape --------------------------------------------------------------


def test_manifest(story: Story) -> None:
    assert story.id == "la-la-land"
    assert story.title == "La La Land: The Ending"
    assert story.start == "after-the-audition"
    assert [(t.id, t.label) for t in story.timelines] == [
        ("real", "What happened"),
        ("fantasy", "What if"),
    ]


def test_the_scenes_are_the_bibles_and_in_their_timelines(story: Story) -> None:
    assert set(story.scenes) == {*REAL_BEATS, *MEMORIES, *MONTAGE}
    assert len(story.scenes) >= 20
    assert tuple(s.id for s in story.scenes_in("real")) == REAL_BEATS + MEMORIES
    assert tuple(s.id for s in story.scenes_in("fantasy")) == MONTAGE


def test_staying_in_the_room_reads_the_real_beats_in_order(story: Story) -> None:
    reading = Reading(story)
    while not reading.at_ending:
        if reading.scene.choices:
            reading.choose(1)
        else:
            reading.continue_()
    assert reading.history == REAL_BEATS
    assert reading.endings_found == ("the-door",)


def test_drifting_plays_the_montage_in_order_and_returns_for_the_last_notes(
    story: Story,
) -> None:
    reading = Reading(story)
    while not reading.scene.choices:
        reading.continue_()
    assert reading.position == "welcome-to-sebs"
    labels = [c.label for c in reading.scene.choices]
    assert labels == ["Stay in the room", "Drift into the what-if"]
    reading.choose(2)
    while reading.timeline.id == "fantasy":
        reading.continue_()
    assert reading.history[5:] == ("welcome-to-sebs", *MONTAGE, "the-last-notes")
    reading.continue_()
    assert reading.at_ending and reading.position == "the-door"


def test_the_memories_follow_each_other_back_to_the_room(story: Story) -> None:
    reading = Reading(story, "the-kiss")
    reading.toggle()
    assert reading.position == "the-restaurant"
    while reading.position != "the-last-notes":
        reading.continue_()
    assert reading.history == ("the-kiss", *MEMORIES, "the-last-notes")


def test_every_what_if_scene_mirrors_the_moment_it_rewrites(story: Story) -> None:
    for scene in story.scenes_in("fantasy"):
        assert scene.mirror is not None, scene.id
        assert story.scene(scene.mirror).timeline == "real", scene.id
        assert scene.mirror == REWRITES[scene.id]


def test_every_mirror_is_returned(story: Story) -> None:
    mirrored = [s for s in story.scenes.values() if s.mirror is not None]
    assert len(mirrored) == 2 * len(MONTAGE)
    for scene in mirrored:
        assert story.scene(scene.mirror).mirror == scene.id, scene.id


def test_the_only_ending_is_the_door(story: Story) -> None:
    assert [(s.id, s.ending) for s in story.endings()] == [("the-door", "The door")]


# --- every path -------------------------------------------------------------


def test_walking_every_path_reaches_every_scene(story: Story, walk: Walk) -> None:
    reached = {scene_id for path in walk.paths for scene_id in path}
    assert reached == set(story.scenes)
    # Both choices at the branch and every toggle are tried on the way.
    assert ("welcome-to-sebs", "choice 1", "the-last-notes") in walk.tried
    assert ("welcome-to-sebs", "choice 2", "the-kiss") in walk.tried
    for scene in story.scenes.values():
        if scene.mirror is not None:
            assert (scene.id, "toggle", scene.mirror) in walk.tried, scene.id
    # And every step tried is one the story's data allows: nothing more, nothing less.
    allowed = {
        (s.id, name, goto)
        for s in story.scenes.values()
        for name, goto in (
            [("continue", s.next)] * (s.next is not None)
            + [(f"choice {i}", c.goto) for i, c in enumerate(s.choices, 1)]
            + [("toggle", s.mirror)] * (s.mirror is not None)
        )
    }
    assert walk.tried == allowed


def test_every_path_that_stops_stops_at_the_ending_or_loops(
    story: Story, paths: list[tuple[str, ...]]
) -> None:
    for path in paths:
        last = story.scene(path[-1])
        if last.is_ending:
            continue
        # Not an ending: then every way on leads back into the path (a toggle loop).
        reading = Reading.restore(story, path)
        onward = moves(reading)
        assert onward, f"{last.id} is a dead end"
        for _name, move in onward:
            probe = Reading.restore(story, path)
            move(probe)
            assert probe.position in path


def test_every_scene_lies_on_a_path_to_the_ending(
    story: Story, paths: list[tuple[str, ...]]
) -> None:
    to_the_end = [p for p in paths if story.scene(p[-1]).is_ending]
    assert to_the_end
    assert {s for p in to_the_end for s in p} == set(story.scenes)


@pytest.mark.parametrize("scene_id", [*REAL_BEATS, *MEMORIES, *MONTAGE])
def test_an_ending_is_reachable_from_every_scene(story: Story, scene_id: str) -> None:
    seen = {scene_id}
    queue = deque([(scene_id,)])
    while queue:
        path = queue.popleft()
        if story.scene(path[-1]).is_ending:
            break
        for _name, move in moves(Reading.restore(story, path)):
            reading = Reading.restore(story, path)
            move(reading)
            if reading.position not in seen:
                seen.add(reading.position)
                queue.append(reading.history)
    else:
        pytest.fail(f"no ending can be reached from {scene_id}")
    assert path[-1] == "the-door"


# --- the writing ------------------------------------------------------------


@pytest.mark.parametrize("scene_id", [*REAL_BEATS, *MEMORIES, *MONTAGE])
def test_narration_is_a_beat_not_a_chapter(story: Story, scene_id: str) -> None:
    scene = story.scene(scene_id)
    count = words(scene.text)
    assert MIN_WORDS <= count <= MAX_WORDS, f"{scene_id} has {count} words of narration"
    parts = text.paragraphs(scene.text)
    assert len(parts) >= 3, f"{scene_id} reads as one block"
    assert max(words(p) for p in parts) <= 60, f"{scene_id} has a long paragraph"


@pytest.mark.parametrize("scene_id", [*REAL_BEATS, *MEMORIES, *MONTAGE])
def test_marks_are_balanced_and_every_scene_has_notes_and_a_caption(
    story: Story, scene_id: str
) -> None:
    scene = story.scene(scene_id)
    for field in (scene.title, scene.text, scene.notes or "", scene.caption or ""):
        assert "*" not in text.plain(field), f"stray emphasis mark in {scene_id}"
    assert scene.notes and words(scene.notes) >= 20
    assert scene.caption


def test_memories_say_they_are_memories(story: Story) -> None:
    for scene_id in MEMORIES:
        assert "memory" in (story.scene(scene_id).caption or "").lower(), scene_id


def test_notes_cover_what_the_ending_means(story: Story) -> None:
    notes = {s.id: text.plain(s.notes or "") for s in story.scenes.values()}
    everything = "\n".join(notes.values())
    for needle in (
        "Casablanca",
        "We'll always have Paris",
        "Chazelle",
        "CNN",
        "Whiplash",
        "First Man",
        "Babylon",
        "Emma Stone",
        "Ryan Gosling",
        "Oscars",
        "critic",
        "price of success",
        "happy ending",
    ):
        assert needle in everything, needle
    # The montage gives Seb a club in Paris, never his own: its Paris scene says so.
    assert "never opens Seb's" in notes["paris-together"]
    # The film's context comes first, where a newcomer starts.
    assert "Whiplash" in notes["after-the-audition"]


# --- the checker ------------------------------------------------------------


def test_the_checker_is_clean_even_when_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", "check", "--strict", str(bundled_story())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # No diagnostic lines at all (they read "PATH:LINE:COL: error|warning: ...").
    output = result.stdout + result.stderr
    assert ": warning:" not in output
    assert ": error:" not in output
