"""lazyland walk: coverage over every path, seeded playthroughs, and the three outputs."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given, settings
from strategies import sample_story, stories

from lazyland.engine import Reading
from lazyland.model import Choice, Scene, Story, Timeline
from lazyland.walk import (
    can_end,
    explore,
    loops,
    playthroughs,
    render_json,
    render_junit,
    render_text,
)

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "story" / "la-la-land"


def scene(scene_id: str, timeline: str = "real", **kw: object) -> Scene:
    choices = tuple(Choice(label, goto) for label, goto in kw.pop("choices", ()))  # type: ignore[attr-defined]
    title = str(kw.pop("title", scene_id.replace("-", " ").capitalize()))
    return Scene(id=scene_id, timeline=timeline, title=title, text="Text.", choices=choices, **kw)  # type: ignore[arg-type]


def story(*scenes: Scene, start: str | None = None) -> Story:
    return Story(
        id="walked",
        title="Walked",
        start=start or scenes[0].id,
        timelines=(Timeline("real", "What happened"), Timeline("dream", "What if")),
        scenes={s.id: s for s in scenes},
    )


def trapped_story() -> Story:
    """start -> a choice: an ending, or a loop (loop-a <-> loop-b) with no way out,
    plus a scene no move reaches."""
    return story(
        scene("start", choices=[("end it", "fin"), ("go round", "loop-a")]),
        scene("loop-a", next="loop-b"),
        scene("loop-b", next="loop-a"),
        scene("fin", ending="Fin"),
        scene("island", "dream", ending="Island"),
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lazyland", "walk", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- the analysis ---------------------------------------------------------------


def test_a_clean_story_reaches_everything_and_every_path_ends() -> None:
    report = explore(sample_story())
    assert report.unreached == []
    assert report.cannot_end == []
    assert report.endless == []
    assert report.ok and report.exit_code() == 0


def test_visits_count_the_ways_into_each_scene() -> None:
    report = explore(sample_story())
    # opening: the start; crossroads: from opening and dream's mirror; the-door: a
    # choice and dance's mirror; dream: a choice and crossroads' mirror.
    assert report.visits == {
        "opening": 1,
        "crossroads": 2,
        "the-door": 2,
        "dream": 2,
        "dance": 1,
        "home": 1,
    }


def test_unreached_scenes_cannot_end_scenes_and_endless_loops_are_found() -> None:
    report = explore(trapped_story())
    assert report.unreached == ["island"]
    assert report.cannot_end == ["loop-a", "loop-b"]
    assert report.endless == [["loop-a", "loop-b"]]
    assert report.exit_code() == 1


def test_a_loop_with_a_way_out_is_not_endless() -> None:
    s = story(
        scene("a", choices=[("again", "b"), ("leave", "end")]),
        scene("b", next="a"),
        scene("end", ending="End"),
    )
    report = explore(s)
    assert loops(s) == [["a", "b"]]
    assert report.endless == [] and report.ok


def test_a_mirror_counts_as_a_way_to_an_ending() -> None:
    # The loop never ends by reading on, but toggling leaves it for a scene that ends.
    s = story(
        scene("a", next="b", mirror="other"),
        scene("b", next="a"),
        scene("other", "dream", ending="Out"),
    )
    assert can_end(s) == {"a", "b", "other"}
    assert explore(s).ok


def test_a_scene_that_leads_to_itself_is_a_loop() -> None:
    s = story(scene("a", choices=[("stay", "a")]))
    assert loops(s) == [["a"]]
    assert explore(s).endless == [["a"]]


def test_choice_and_toggle_coverage_per_timeline() -> None:
    report = explore(trapped_story())
    real = report.timeline_coverage("real")
    assert real == {
        "scenes": 4,
        "scenes_reached": 4,
        "choices": 2,
        "choices_taken": 2,
        "toggles": 0,
        "toggles_taken": 0,
    }
    dream = report.timeline_coverage("dream")
    assert dream["scenes"] == 1 and dream["scenes_reached"] == 0


def test_choices_of_an_unreached_scene_are_not_covered() -> None:
    s = story(
        scene("a", ending="A"),
        scene("b", choices=[("one", "a"), ("two", "a")]),
    )
    coverage = explore(s).timeline_coverage("real")
    assert coverage["choices"] == 2 and coverage["choices_taken"] == 0


def test_a_long_chain_is_walked_without_recursion() -> None:
    n = 20_000
    chain = [scene(f"s{i}", next=f"s{i + 1}") for i in range(n)] + [scene(f"s{n}", ending="End")]
    # A back edge at the end makes one loop of the whole chain for Tarjan to unwind.
    chain[-2] = scene(f"s{n - 1}", choices=[("on", f"s{n}"), ("again", "s0")])
    report = explore(story(*chain))
    assert report.ok
    assert len(loops(story(*chain))[0]) == n


@settings(max_examples=40, deadline=None)
@given(stories(tidy=True))
def test_tidy_generated_stories_walk_clean(s: Story) -> None:
    report = explore(s)
    assert report.unreached == [] and report.cannot_end == [] and report.ok


@settings(max_examples=40, deadline=None)
@given(stories())
def test_exhaustive_reach_matches_the_engine(s: Story) -> None:
    """Every scene the walk reaches is one the engine can arrive at by real moves."""
    report = explore(s)
    reached = set(report.reached)
    frontier = [s.start]
    seen = {s.start}
    while frontier:
        scene_id = frontier.pop()
        reading = Reading(s, scene_id)
        moves = []
        if reading.can_continue:
            moves.append(lambda r: r.continue_())
        for n in range(1, len(reading.scene.choices) + 1):
            moves.append(lambda r, n=n: r.choose(n))
        if reading.can_toggle:
            moves.append(lambda r: r.toggle())
        for move in moves:
            target = Reading(s, scene_id)
            move(target)
            if target.position not in seen:
                seen.add(target.position)
                frontier.append(target.position)
    assert reached == seen
    # A scene that cannot end has no ending among the scenes reachable from it.
    for scene_id in report.cannot_end:
        assert not s.scenes[scene_id].is_ending


# --- random playthroughs ----------------------------------------------------------


def test_playthroughs_are_identical_for_the_same_seed() -> None:
    s = sample_story()
    first = render_json(playthroughs(s, 40, seed=7))
    assert first == render_json(playthroughs(s, 40, seed=7))
    assert first != render_json(playthroughs(s, 40, seed=8))


def test_playthrough_visits_add_up() -> None:
    report = playthroughs(sample_story(), 30, seed=1)
    assert report.ended == 30 and report.stuck == 0 and report.cut == 0
    assert report.visits["opening"] == 30
    endings = report.visits["the-door"] + report.visits["home"]
    # Every run ends at one of the two endings; a toggle may also pass through the-door.
    assert endings >= 30


def test_playthroughs_that_enter_an_endless_loop_are_stuck() -> None:
    report = playthroughs(trapped_story(), 60, seed=3)
    assert report.stuck > 0 and report.ended > 0
    assert report.stuck + report.ended == 60
    assert report.exit_code() == 1


def test_playthroughs_are_cut_short_in_a_loop_that_could_still_end() -> None:
    s = story(
        scene("a", choices=[("again", "a"), ("leave", "end")]),
        scene("end", ending="End"),
    )
    report = playthroughs(s, 200, seed=0, max_steps=1)
    assert report.cut > 0 and report.stuck == 0


# --- outputs ------------------------------------------------------------------------


def test_text_report_names_the_problems() -> None:
    out = render_text(explore(trapped_story()))
    assert "never reached: 1" in out and "island" in out
    assert "cannot end from here: 2" in out
    assert "loop-a -> loop-b" in out
    assert "timeline real (What happened): scenes 4/4 (100%)" in out
    assert "endings reachable: 1/2" in out


def test_text_report_keeps_titles_plain_and_safe() -> None:
    s = story(
        scene("a", ending="E\x07nd"),
        scene("b", title="A *marked* \x1b[31m title", ending="B"),
    )
    out = render_text(explore(s))
    assert "\x1b" not in out and "\x07" not in out
    assert "A marked" in out


def test_json_names_every_scene_with_its_visits() -> None:
    s = trapped_story()
    data = json.loads(render_json(explore(s)))
    assert [entry["id"] for entry in data["scenes"]] == list(s.scenes)
    assert {entry["id"]: entry["visits"] for entry in data["scenes"]}["loop-a"] == 2
    assert data["unreached"] == ["island"]
    assert data["endless_loops"] == [["loop-a", "loop-b"]]
    assert data["ok"] is False and data["mode"] == "exhaustive"


def test_junit_has_a_case_per_scene_and_ending_with_failures() -> None:
    s = trapped_story()
    root = ET.fromstring(render_junit(explore(s)))
    cases = root.findall(".//testcase")
    names = [case.get("name") for case in cases]
    assert names == [f"reached {i}" for i in s.scenes] + ["ending fin", "ending island"]
    failed = {case.get("name") for case in cases if case.find("failure") is not None}
    assert failed == {"reached island", "reached loop-a", "reached loop-b", "ending island"}
    assert root.get("failures") == "4" and root.get("tests") == str(len(cases))


# --- the command ----------------------------------------------------------------------


def test_walk_the_bundled_story_is_clean() -> None:
    result = run(str(BUNDLED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: every scene is reached" in result.stdout


def test_walk_json_and_junit_from_the_command_line() -> None:
    data = json.loads(run(str(BUNDLED), "--format", "json").stdout)
    assert data["ok"] is True and all(entry["visits"] > 0 for entry in data["scenes"])
    junit = run(str(BUNDLED), "--format", "junit")
    assert junit.returncode == 0
    assert ET.fromstring(junit.stdout).get("failures") == "0"


def test_random_walk_output_is_the_same_for_the_same_seed() -> None:
    first = run(str(BUNDLED), "--random", "25", "--seed", "5", "--format", "json")
    second = run(str(BUNDLED), "--random", "25", "--seed", "5", "--format", "json")
    assert first.returncode in (0, 1) and first.stdout == second.stdout
    assert json.loads(first.stdout)["playthroughs"]["runs"] == 25


def test_walk_exits_1_when_a_scene_is_never_reached(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(
        "format: 1\nid: t\ntitle: T\nstart: a\ntimelines:\n  real:\n    label: R\n"
        "scenes:\n"
        "  a:\n    timeline: real\n    title: A\n    text: x\n    ending: A\n"
        "  b:\n    timeline: real\n    title: B\n    text: x\n    ending: B\n",
        encoding="utf-8",
    )
    result = run(str(tmp_path))
    assert result.returncode == 1
    assert "never reached: 1" in result.stdout and "Traceback" not in result.stderr


def test_walk_exits_2_with_diagnostics_for_an_invalid_story(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("format: 1\nid: t\ntitle: [\n", encoding="utf-8")
    result = run(str(tmp_path))
    assert result.returncode == 2
    assert "story.yaml:" in result.stderr and "error" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_walk_exits_2_for_a_missing_story(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "no story at" in result.stderr


def test_random_needs_at_least_one_playthrough() -> None:
    result = run(str(BUNDLED), "--random", "0")
    assert result.returncode == 2 and "--random" in result.stderr and result.stdout == ""


def test_random_text_report_counts_the_playthroughs() -> None:
    out = render_text(playthroughs(trapped_story(), 10, seed=2))
    assert "10 random playthroughs, seed 2:" in out and "endings reached:" in out
