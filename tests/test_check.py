"""The graph checks and the `lazyland check` command.

Graph diagnostics are asserted at the exact line and column they point at; the
command is run both in process (for exit codes and output shape) and as a
subprocess (for colour, pipes and the absence of tracebacks).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_loader import VALID, only, where, write

from lazyland.check import CODES, check_path, check_story, run_check
from lazyland.loader import load_story
from lazyland.model import Diagnostic, Scene, Story, Timeline

BRIEF_CODES = {
    "error": {
        "yaml-syntax",
        "yaml-tag",
        "yaml-anchor",
        "yaml-documents",
        "too-deep",
        "too-large",
        "not-utf8",
        "control-char",
        "unreadable",
        "missing-key",
        "wrong-type",
        "unknown-key",
        "duplicate-key",
        "duplicate-scene",
        "bad-id",
        "bad-format",
        "unknown-scene",
        "unknown-timeline",
        "mirror-same-timeline",
        "scene-exits",
        "too-many-choices",
        "empty-value",
        "include-escapes",
        "include-missing",
    },
    "warning": {"unreachable", "no-ending", "empty-timeline", "mirror-not-returned"},
}

LINE = re.compile(
    r"^(?P<path>.+?):(\d+):(\d+): (error|warning): (?P<message>.+) \[(?P<code>[a-z-]+)\]$"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def diagnose(text: str, strict: bool = False) -> list[Diagnostic]:
    return check_path(write({"story.yaml": text}), strict=strict)


def test_codes_are_exactly_the_documented_ones_with_their_severity() -> None:
    for severity, codes in BRIEF_CODES.items():
        for code in codes:
            assert CODES[code][0] == severity
            assert CODES[code][1]
    assert set(CODES) == BRIEF_CODES["error"] | BRIEF_CODES["warning"]


# ---------------------------------------------------------------- references


def test_unknown_scene_in_next() -> None:
    d = only(diagnose(VALID.replace("next: three", "next: thre")), "unknown-scene")
    assert where(d) == ("s/story.yaml", 16, 11)
    assert "'thre'" in d.message


def test_unknown_scene_in_goto() -> None:
    text = VALID.replace(
        "    next: three\n",
        "    choices:\n      - label: On\n        goto: three\n      - label: Off\n"
        "        goto: gone\n",
    )
    d = only(diagnose(text), "unknown-scene")
    assert where(d) == ("s/story.yaml", 20, 15)
    assert "choice 2" in d.message


def test_unknown_scene_in_mirror() -> None:
    text = VALID.replace("    mirror: two\n", "    mirror: tw0\n")
    d = only(diagnose(text), "unknown-scene")
    assert where(d) == ("s/story.yaml", 15, 13)


def test_unknown_scene_in_start() -> None:
    d = only(diagnose(VALID.replace("start: one", "start: zero")), "unknown-scene")
    assert where(d) == ("s/story.yaml", 4, 8)


def test_mirror_same_timeline() -> None:
    text = VALID.replace("    mirror: two\n", "    mirror: three\n")
    found = diagnose(text)
    d = only(found, "mirror-same-timeline")
    assert where(d) == ("s/story.yaml", 15, 13)
    assert d.is_error


# ---------------------------------------------------------------- warnings


def test_unreachable_counts_next_goto_and_mirror_edges() -> None:
    # 'two' is reached only by the mirror of 'one': not unreachable.
    assert diagnose(VALID) == []
    text = VALID.replace("    mirror: two\n", "")
    found = diagnose(text)
    d = only(found, "unreachable")
    assert where(d) == ("s/story.yaml", 16, 3)
    assert not d.is_error


def test_no_ending_in_a_loop() -> None:
    text = VALID.replace("    ending: Real\n", "    next: one\n").replace(
        "    mirror: one\n    ending: Dream\n", "    mirror: one\n    next: two\n"
    )
    found = [d for d in diagnose(text) if d.code == "no-ending"]
    assert [where(d)[1:] for d in found] == [(11, 3), (17, 3), (23, 3)]


def test_no_ending_counts_mirror_edges() -> None:
    # 'one' loops with 'three', but its mirror leads to an ending.
    text = VALID.replace("    ending: Real\n", "    next: one\n")
    assert [d.code for d in diagnose(text)] == []


def test_empty_timeline() -> None:
    text = VALID.replace("    label: What if\n", "    label: What if\n  spare:\n    label: Spare\n")
    d = only(diagnose(text), "empty-timeline")
    assert where(d) == ("s/story.yaml", 10, 3)


def test_mirror_not_returned() -> None:
    text = VALID.replace("    mirror: one\n", "")
    found = diagnose(text)
    d = only(found, "mirror-not-returned")
    assert where(d) == ("s/story.yaml", 15, 13)


def test_strict_turns_warnings_into_errors() -> None:
    text = VALID.replace("    mirror: one\n", "")
    loose = diagnose(text)
    strict = diagnose(text, strict=True)
    assert [d.code for d in loose] == [d.code for d in strict]
    assert not any(d.is_error for d in loose)
    assert all(d.is_error for d in strict)


def test_check_story_on_a_story_built_in_code() -> None:
    real, dream = Timeline("real", "Real"), Timeline("dream", "Dream")
    scenes = {
        "a": Scene("a", "real", "A", "x", next="b"),
        "b": Scene("b", "real", "B", "x", mirror="c", ending="End"),
        "c": Scene("c", "real", "C", "x", next="a"),
    }
    story = Story("s", "S", "a", (real, dream), scenes)
    codes = sorted(d.code for d in check_story(story))
    assert codes == ["empty-timeline", "mirror-same-timeline"]


def test_check_path_sorts_by_file_then_line() -> None:
    manifest = VALID.replace("scenes:\n", "include:\n  - more.yaml\nscenes:\n").replace(
        "next: three", "next: nowhere"
    )
    more = "scenes:\n  four:\n    timeline: real\n    title: x\n    text: y\n    next: gone\n"
    found = check_path(write({"story.yaml": manifest, "more.yaml": more}))
    keys = [(d.span.path, d.span.line, d.span.col) for d in found]
    assert keys == sorted(keys)
    assert ("s/more.yaml", 6, 11) in keys and ("s/story.yaml", 18, 11) in keys


def test_every_problem_is_reported_in_one_run() -> None:
    text = (
        VALID.replace("format: 1", "format: 2")
        .replace("    title: One", "    titel: One")
        .replace("next: three", "next: nowhere")
        .replace("    mirror: one\n", "")
    )
    codes = {d.code for d in diagnose(text)}
    assert {"bad-format", "unknown-key", "missing-key", "unknown-scene"} <= codes


# ---------------------------------------------------------------- run_check


def test_run_check_clean_story_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    write({"story.yaml": VALID})
    assert run_check(["s"], strict=False, output_format="text") == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "0 errors, 0 warnings in 1 story" in err


def test_run_check_warnings_exit_zero_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    write({"story.yaml": VALID.replace("    mirror: one\n", "")})
    assert run_check(["s"], strict=False, output_format="text") == 0
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        "s/story.yaml:15:13: warning: scene 'one' mirrors 'two', but 'two' has no mirror;"
        " toggling twice will not come back here [mirror-not-returned]"
    ]
    assert run_check(["s"], strict=True, output_format="text") == 1
    out, err = capsys.readouterr()
    assert out.startswith("s/story.yaml:15:13: error: ")
    assert "1 error, 0 warnings in 1 story" in err


def test_run_check_text_lines_for_several_stories(capsys: pytest.CaptureFixture[str]) -> None:
    write({"story.yaml": VALID.replace("title: Demo", "title: 1999")}, folder="a")
    write({"story.yaml": VALID.replace("title: Demo", "title: ''")}, folder="b")
    assert run_check(["b", "a"], strict=False, output_format="text") == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["a/story.yaml", "b/story.yaml"]
    for line in lines:
        assert LINE.match(line), line
    assert "2 errors, 0 warnings in 2 stories" in err


def test_run_check_unreadable_path_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    write({"story.yaml": VALID.replace("next: three", "next: nowhere")})
    assert run_check(["s", "missing"], strict=False, output_format="text") == 2
    out, _ = capsys.readouterr()
    assert "missing:1:1: error: " in out and "[unreadable]" in out
    assert "[unknown-scene]" in out


def test_run_check_json_is_a_list_of_objects(capsys: pytest.CaptureFixture[str]) -> None:
    write({"story.yaml": VALID.replace("ending: Real", "ending: Real\n    next: nowhere")})
    assert run_check(["s"], strict=False, output_format="json") == 1
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data == [
        {
            "path": "s/story.yaml",
            "line": 28,
            "col": 5,
            "severity": "error",
            "message": "scene 'three' has 'ending' and 'next'; a scene has exactly one of"
            " 'next', 'choices', 'ending'",
            "code": "scene-exits",
        },
        {
            "path": "s/story.yaml",
            "line": 28,
            "col": 11,
            "severity": "error",
            "message": "scene 'three' continues to 'nowhere', which is not a scene",
            "code": "unknown-scene",
        },
    ]
    assert "2 errors, 0 warnings in 1 story" in err


def test_run_check_json_clean_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    write({"story.yaml": VALID})
    assert run_check(["s"], strict=True, output_format="json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_run_check_bad_format_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(["s"], strict=False, output_format="xml") == 2
    assert run_check([], strict=False, output_format="text") == 2


def test_messages_are_printed_literally_not_as_markup(capsys: pytest.CaptureFixture[str]) -> None:
    text = VALID.replace("next: three", "next: '[bold red]x[/]'")
    write({"story.yaml": text})
    assert run_check(["s"], strict=False, output_format="text") == 1
    out, _ = capsys.readouterr()
    assert "'[bold red]x[/]'" in out


# ---------------------------------------------------------------- as a command


def lazyland(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "lazyland", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=full_env,
    )


def test_command_output_is_plain_when_piped() -> None:
    write({"story.yaml": VALID.replace("next: three", "next: nowhere")})
    result = lazyland("check", "s")
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "s/story.yaml:16:11: error: scene 'one' continues to 'nowhere', which is not a scene"
        " [unknown-scene]",
        "s/story.yaml:23:3: warning: scene 'three' cannot be reached from the start ('one')"
        " by next, choices or mirrors [unreachable]",
    ]
    assert "Traceback" not in result.stderr


def test_command_honours_no_color_even_when_colour_is_forced() -> None:
    write({"story.yaml": VALID.replace("next: three", "next: nowhere")})
    coloured = lazyland("check", "s", env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    assert "\x1b[" in coloured.stdout
    plain = lazyland("check", "s", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout


def test_command_long_lines_are_not_wrapped() -> None:
    long_id = "x" * 64
    write({"story.yaml": VALID.replace("next: three", f"next: {long_id}{long_id}")})
    result = lazyland("check", "s", env={"COLUMNS": "40"})
    assert len(result.stdout.splitlines()) == 2
    assert long_id * 2 in result.stdout.splitlines()[0]


def test_command_usage_error_exits_two() -> None:
    assert lazyland("check").returncode == 2
    assert lazyland("check", "s", "--format", "xml").returncode == 2


def test_command_on_hostile_bytes_never_shows_a_traceback() -> None:
    write({"story.yaml": b"\xff\xfe" + bytes(range(256)) * 4})
    result = lazyland("check", "s", "--format", "json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [d["code"] for d in json.loads(result.stdout)] == ["not-utf8"]


def test_bundled_story_checks_clean() -> None:
    from lazyland.paths import bundled_story

    result = load_story(bundled_story())
    assert result.story is not None
    assert [d for d in check_path(bundled_story()) if d.is_error] == []
