"""The reading engine: every move, every refusal, and what a Reading remembers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from strategies import sample_story

from lazyland.engine import Reading, Refusal


@pytest.fixture
def story():
    return sample_story()


@pytest.fixture
def reading(story):
    return Reading(story)


def walk(reading: Reading, *moves: str) -> Reading:
    """Apply moves written as 'c' continue, '1'..'9' choose, 't' toggle, 'b' back, 'f' forward."""
    for move in moves:
        if move == "c":
            reading.continue_()
        elif move == "t":
            reading.toggle()
        elif move == "b":
            reading.back()
        elif move == "f":
            reading.forward()
        else:
            reading.choose(int(move))
    return reading


def test_new_reading_stands_at_the_start(reading):
    assert reading.position == "opening"
    assert reading.scene.title == "Opening"
    assert reading.timeline.id == "real"
    assert reading.history == ("opening",)
    assert reading.ahead == ()
    assert reading.seen == {"opening"}
    assert reading.endings_found == ()
    assert not reading.can_back and not reading.can_forward
    assert reading.can_continue and not reading.can_toggle and not reading.at_ending


def test_reading_can_start_elsewhere(story):
    reading = Reading(story, "dream")
    assert reading.position == "dream"
    assert reading.timeline.label == "What if"


def test_reading_refuses_an_unknown_start(story):
    with pytest.raises(Refusal, match="no scene called 'nowhere'"):
        Reading(story, "nowhere")


def test_continue_follows_next(reading):
    scene = reading.continue_()
    assert scene.id == "crossroads" == reading.position
    assert reading.history == ("opening", "crossroads")
    assert reading.seen == {"opening", "crossroads"}


def test_continue_refuses_on_a_choice_scene(reading):
    reading.continue_()
    with pytest.raises(Refusal, match="asks for a choice"):
        reading.continue_()
    assert reading.position == "crossroads"


def test_continue_refuses_at_an_ending(reading):
    walk(reading, "c", "1")
    assert reading.at_ending
    with pytest.raises(Refusal, match="This is an ending"):
        reading.continue_()


def test_choose_takes_the_numbered_choice(reading):
    walk(reading, "c")
    assert reading.choose(2).id == "dream"
    assert reading.timeline.id == "fantasy"


@pytest.mark.parametrize("number", [0, 3, -1, 99])
def test_choose_refuses_numbers_out_of_range(reading, number):
    walk(reading, "c")
    with pytest.raises(Refusal, match="pick 1 to 2"):
        reading.choose(number)
    assert reading.history == ("opening", "crossroads")


def test_choose_refuses_where_there_is_no_choice(reading):
    with pytest.raises(Refusal, match="no choice to make"):
        reading.choose(1)


def test_toggle_jumps_to_mirror(reading):
    walk(reading, "c")
    assert reading.can_toggle
    assert reading.mirror is not None and reading.mirror.id == "dream"
    assert reading.toggle().id == "dream"
    assert reading.history == ("opening", "crossroads", "dream")
    assert reading.toggle().id == "crossroads"


def test_toggle_refuses_without_a_mirror(reading):
    with pytest.raises(Refusal, match="no counterpart"):
        reading.toggle()
    assert reading.position == "opening"


def test_toggle_follows_a_one_way_mirror(reading):
    walk(reading, "c", "2", "c")
    assert reading.position == "dance"
    assert reading.toggle().id == "the-door"
    assert not reading.can_toggle


def test_back_and_forward_retrace_the_path(reading):
    walk(reading, "c", "2")
    assert reading.back().id == "crossroads"
    assert reading.ahead == ("dream",)
    assert reading.can_forward
    assert reading.back().id == "opening"
    assert reading.ahead == ("dream", "crossroads")
    assert reading.forward().id == "crossroads"
    assert reading.forward().id == "dream"
    assert reading.ahead == ()


def test_back_refuses_at_the_beginning(reading):
    with pytest.raises(Refusal, match="where the reading began"):
        reading.back()


def test_forward_refuses_with_nothing_ahead(reading):
    with pytest.raises(Refusal, match="nothing ahead"):
        reading.forward()


def test_a_new_move_after_back_drops_what_was_ahead(reading):
    walk(reading, "c", "2", "b")
    assert reading.ahead == ("dream",)
    reading.choose(1)
    assert reading.ahead == ()
    assert reading.history == ("opening", "crossroads", "the-door")
    # Both scenes stay seen.
    assert {"dream", "the-door"} <= reading.seen


def test_rewind_returns_to_a_step_and_keeps_the_rest_ahead(reading):
    walk(reading, "c", "2", "c", "1")
    assert reading.rewind(1).id == "crossroads"
    assert reading.history == ("opening", "crossroads")
    assert reading.ahead == ("home", "dance", "dream")
    walk(reading, "f", "f", "f")
    assert reading.position == "home"


def test_rewind_refuses_a_step_not_in_history(reading):
    walk(reading, "c")
    for index in (-1, 2, 10):
        with pytest.raises(Refusal, match="not in the history"):
            reading.rewind(index)
    assert reading.rewind(1).id == "crossroads"  # the current step: no change
    assert reading.ahead == ()


def test_jump_goes_to_any_scene(reading):
    assert reading.jump("home").id == "home"
    assert reading.history == ("opening", "home")
    assert reading.endings_found == ("home",)
    # Jumping where the reader already is adds no step.
    reading.jump("home")
    assert reading.history == ("opening", "home")


def test_jump_refuses_an_unknown_scene(reading):
    with pytest.raises(Refusal, match="no scene called"):
        reading.jump("elsewhere")


def test_endings_found_are_remembered_in_order(reading):
    walk(reading, "c", "2", "c", "1")
    walk(reading, "b", "b", "b", "1")
    assert reading.endings_found == ("home", "the-door")
    assert reading.at_ending


def test_restart_keeps_seen_and_endings(reading):
    walk(reading, "c", "1")
    seen = reading.seen
    assert reading.restart().id == "opening"
    assert reading.history == ("opening",)
    assert reading.ahead == ()
    assert reading.seen == seen
    assert reading.endings_found == ("the-door",)
    assert not reading.can_back


def test_seen_in_lists_a_timelines_seen_scenes_in_story_order(reading):
    walk(reading, "c", "2", "c")
    reading.jump("crossroads")
    assert reading.seen_in("real") == ("opening", "crossroads")
    assert reading.seen_in("fantasy") == ("dream", "dance")


def test_seen_in_order_is_the_order_of_first_visit(reading):
    walk(reading, "c", "t", "t")
    assert reading.seen_in_order == ("opening", "crossroads", "dream")


def test_readings_with_the_same_walk_are_equal(story):
    one = walk(Reading(story), "c", "2", "b")
    two = walk(Reading(story), "c", "2", "b")
    assert one == two
    two.forward()
    assert one != two
    one.forward()
    assert one == two


def test_equality_counts_seen_and_endings(story):
    one = walk(Reading(story), "c", "1", "b")
    two = walk(Reading(story), "c", "t", "b")
    # Same position, but one has seen the door and the other the dream.
    assert one.position == two.position
    assert one != two


def test_reading_is_not_equal_to_other_things(reading):
    assert reading != "opening"
    assert reading.__eq__(object()) is NotImplemented
    with pytest.raises(TypeError):
        hash(reading)


def test_readings_of_different_stories_differ():
    assert Reading(sample_story("one")) != Reading(sample_story("two"))


def test_restore_rebuilds_a_reading(story):
    original = walk(Reading(story), "c", "2", "c", "1", "b")
    restored = Reading.restore(
        story,
        original.history,
        original.ahead,
        original.seen_in_order,
        original.endings_found,
    )
    assert restored == original
    assert restored.seen_in_order == original.seen_in_order
    assert restored.forward().id == "home"


def test_restore_marks_history_as_seen_and_endings_found(story):
    restored = Reading.restore(story, ["opening", "crossroads", "the-door"])
    assert restored.seen == {"opening", "crossroads", "the-door"}
    assert restored.endings_found == ("the-door",)


def test_restore_with_no_history_starts_at_the_start(story):
    restored = Reading.restore(story, [], seen=["dream"])
    assert restored.position == "opening"
    assert "dream" in restored.seen


def test_repr_names_story_and_place(reading):
    assert repr(reading) == "Reading('sample' at 'opening', 1 steps)"


def test_core_imports_without_textual():
    code = (
        "import sys\n"
        "import lazyland.model, lazyland.engine, lazyland.saves, lazyland.settings\n"
        "import lazyland.plain, lazyland.play, lazyland.text\n"
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
