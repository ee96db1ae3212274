"""Properties of the engine and saves over generated stories and random walks."""

from __future__ import annotations

import io
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import any_words, stories

from lazyland.check import check_story
from lazyland.engine import Reading, Refusal
from lazyland.model import Story
from lazyland.plain import run_plain
from lazyland.saves import SaveStore

MOVES = ("continue", "choose", "toggle", "back", "forward", "jump", "rewind", "restart")
FORWARD_STEPS = ("continue", "choose", "toggle", "forward", "jump")

walk_settings = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_valid(reading: Reading) -> None:
    story = reading.story
    history = reading.history
    assert history, "the history is never empty"
    assert reading.position == history[-1]
    assert reading.position in story.scenes
    assert reading.scene is story.scenes[reading.position]
    assert set(history) <= set(story.scenes)
    assert set(reading.ahead) <= set(story.scenes)
    assert reading.seen >= set(history) | set(reading.ahead)
    assert set(reading.endings_found) <= reading.seen
    assert all(story.scenes[e].is_ending for e in reading.endings_found)
    assert len(set(reading.endings_found)) == len(reading.endings_found)
    assert reading.timeline.id == reading.scene.timeline
    assert reading.can_back == (len(history) > 1)
    assert reading.can_forward == bool(reading.ahead)
    assert reading.can_continue == (reading.scene.next is not None)
    assert reading.can_toggle == (reading.scene.mirror is not None)
    assert reading.at_ending == reading.scene.is_ending
    assert sum(len(reading.seen_in(t.id)) for t in story.timelines) == len(reading.seen)


def try_move(reading: Reading, move: str, data: st.DataObject) -> bool:
    """Attempt one move; True if it moved, False if the engine refused (and nothing changed)."""
    before = reading.state()
    try:
        if move == "continue":
            reading.continue_()
        elif move == "choose":
            reading.choose(data.draw(st.integers(0, 10), label="choice"))
        elif move == "toggle":
            reading.toggle()
        elif move == "back":
            reading.back()
        elif move == "forward":
            reading.forward()
        elif move == "jump":
            reading.jump(data.draw(st.sampled_from(sorted(reading.story.scenes)), label="jump"))
        elif move == "rewind":
            reading.rewind(data.draw(st.integers(-1, len(reading.history)), label="rewind"))
        else:
            reading.restart()
    except Refusal as refusal:
        assert str(refusal), "a refusal always has a sentence"
        assert reading.state() == before, "a refused move changes nothing"
        return False
    return True


def random_walk(story: Story, data: st.DataObject, steps: int = 40) -> Reading:
    reading = Reading(story)
    for _ in range(data.draw(st.integers(0, steps), label="steps")):
        try_move(reading, data.draw(st.sampled_from(MOVES), label="move"), data)
    return reading


@given(stories(tidy=True))
@settings(max_examples=60, deadline=None)
def test_tidy_generated_stories_pass_the_checker_cleanly(story):
    assert check_story(story) == []


@given(stories())
@settings(max_examples=60, deadline=None)
def test_generated_stories_have_no_errors(story):
    assert [d for d in check_story(story) if d.is_error] == []


@given(stories(), st.data())
@walk_settings
def test_random_walks_keep_the_reading_valid(story, data):
    reading = Reading(story)
    assert_valid(reading)
    for _ in range(data.draw(st.integers(1, 60), label="steps")):
        seen_before = reading.seen
        endings_before = set(reading.endings_found)
        try_move(reading, data.draw(st.sampled_from(MOVES), label="move"), data)
        assert_valid(reading)
        assert reading.seen >= seen_before, "nothing seen is ever forgotten"
        assert set(reading.endings_found) >= endings_before


@given(stories(), st.data())
@walk_settings
def test_back_after_any_step_returns_to_the_previous_scene(story, data):
    reading = random_walk(story, data)
    move = data.draw(st.sampled_from(FORWARD_STEPS), label="step")
    before_history = reading.history
    if not try_move(reading, move, data) or reading.history == before_history:
        return  # refused, or a jump to where the reader already was
    assert len(reading.history) == len(before_history) + 1
    reading.back()
    assert reading.position == before_history[-1]
    assert reading.history == before_history
    assert_valid(reading)


@given(stories(min_scenes=2), st.data())
@walk_settings
def test_forward_after_back_returns_to_where_the_reader_was(story, data):
    reading = random_walk(story, data)
    if not reading.can_back:
        reading.jump(data.draw(st.sampled_from(sorted(set(story.scenes) - {reading.position}))))
    history, ahead = reading.history, reading.ahead
    reading.back()
    reading.forward()
    assert reading.history == history
    assert reading.ahead == ahead


@given(stories(min_timelines=2), st.data())
@walk_settings
def test_toggling_twice_returns_where_mirrors_are_mutual(story, data):
    reading = random_walk(story, data)
    mirrored = sorted(s.id for s in story.scenes.values() if s.mirror is not None)
    assume(mirrored)
    if reading.mirror is None:
        reading.jump(data.draw(st.sampled_from(mirrored), label="mirrored"))
    mirror = reading.mirror
    assert mirror is not None
    here = reading.position
    reading.toggle()
    assert reading.position == mirror.id
    assert reading.timeline.id != story.scenes[here].timeline
    if mirror.mirror == here:
        reading.toggle()
        assert reading.position == here
        assert reading.history[-3:] == (here, mirror.id, here)


@given(stories(), st.data())
@walk_settings
def test_save_then_load_gives_an_equal_reading(story, data):
    reading = random_walk(story, data)
    with tempfile.TemporaryDirectory() as folder:
        store = SaveStore(story, Path(folder))
        assert store.save(reading) is None
        loaded, notices = SaveStore(story, Path(folder)).load()
    assert notices == []
    assert loaded == reading
    assert loaded is not None
    assert loaded.seen_in_order == reading.seen_in_order
    assert loaded.endings_found == reading.endings_found


@given(stories(min_scenes=2), st.data())
@walk_settings
def test_a_save_loads_into_an_edited_story_without_failing(story, data):
    reading = random_walk(story, data)
    removable = sorted(s for s in story.scenes if s != story.start)
    removed = set(data.draw(st.lists(st.sampled_from(removable), max_size=len(removable))))
    edited = replace(story, scenes={k: v for k, v in story.scenes.items() if k not in removed})
    with tempfile.TemporaryDirectory() as folder:
        SaveStore(story, Path(folder)).save(reading)
        loaded, notices = SaveStore(edited, Path(folder)).load()
    assert loaded is not None
    assert set(loaded.history) | set(loaded.ahead) | loaded.seen <= set(edited.scenes)
    assert len(notices) <= 2
    lost = (set(reading.history) | set(reading.ahead) | reading.seen) & removed
    if reading.position in removed:
        assert loaded.history == (story.start,)
        assert any("no longer in the story" in n for n in notices)
    else:
        assert loaded.position == reading.position
    lost.discard(reading.position)
    if lost:
        assert notices[0].startswith(f"{len(lost)} scene")
    else:
        assert not any("skipped" in n for n in notices)


plain_lines = st.lists(
    st.one_of(
        st.sampled_from(["", "1", "2", "9", "0", "t", "b", "f", "e", "g", "h", "?", "r", "y", "n"]),
        st.text(max_size=40),
    ),
    max_size=30,
)


@given(stories(max_scenes=8, words=any_words), plain_lines)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plain_mode_takes_any_input_on_any_story(story, lines):
    reading = Reading(story)
    stdin = io.StringIO("\n".join(lines))
    stdout = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        store = SaveStore(story, Path(folder))
        assert run_plain(reading, store, stdin=stdin, stdout=stdout) == 0
        saved, _ = store.load()
    assert_valid(reading)
    out = stdout.getvalue()
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    if saved is not None:
        assert saved == reading
