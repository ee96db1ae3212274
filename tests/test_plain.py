"""Plain mode, driven line by line: in-process through StringIO, and as a real process via stdin."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from strategies import sample_story

from lazyland.engine import Reading
from lazyland.plain import MAX_LINE, run_plain
from lazyland.saves import SaveStore

ESC = "\x1b"

SAMPLE_YAML = """\
format: 1
id: sample
title: Sample
start: opening
timelines:
  real:
    label: What happened
  fantasy:
    label: What if
scenes:
  opening:
    timeline: real
    title: Opening
    caption: Spring
    text: |
      The first *light* of the day.

      A second paragraph.
    notes: Why the story opens here.
    next: crossroads
  crossroads:
    timeline: real
    title: Crossroads
    text: Two ways to go.
    mirror: dream
    choices:
      - label: Stay in the room
        goto: the-door
      - label: Drift into the what-if
        goto: dream
  the-door:
    timeline: real
    title: The door
    text: She turns back at the door.
    ending: The door
  dream:
    timeline: fantasy
    title: Dream
    text: They walk in together.
    mirror: crossroads
    next: dance
  dance:
    timeline: fantasy
    title: Dance
    text: One more dance.
    mirror: the-door
    choices:
      - label: Keep dancing
        goto: home
  home:
    timeline: fantasy
    title: Home movie
    text: A home movie plays.
    ending: Home movie
"""


def drive(lines: str, reading: Reading | None = None, store: SaveStore | None = None, **kw):
    reading = reading if reading is not None else Reading(sample_story())
    out = io.StringIO()
    code = run_plain(reading, store, stdin=io.StringIO(lines), stdout=out, **kw)
    return code, out.getvalue(), reading


# --- in-process -----------------------------------------------------------------


def test_shows_timeline_title_caption_text_and_prompt():
    code, out, _ = drive("")
    assert code == 0
    assert (
        "[What happened] Opening\nSpring\n\nThe first light of the day.\n\nA second paragraph."
        in out
    )
    assert "Enter continues" in out
    assert out.endswith("\n> \n")
    assert "*" not in out


def test_enter_continues_and_numbers_choose():
    _, out, reading = drive("\n2\n")
    assert reading.history == ("opening", "crossroads", "dream")
    assert "1. Stay in the room\n2. Drift into the what-if" in out
    assert "[What if] Dream" in out


def test_enter_on_a_choice_scene_says_which_numbers():
    _, out, reading = drive("\n\n")
    assert reading.position == "crossroads"
    assert "Choose with a number, 1 to 2." in out


def test_enter_takes_a_lone_choice():
    _, _, reading = drive("\n2\n\n\n")
    assert reading.position == "home"


def test_refusals_print_the_engines_sentence():
    _, out, reading = drive("5\nt\nb\nf\n\n7\n")
    assert "There is no choice to make here." in out
    assert "This moment has no counterpart in another timeline." in out
    assert "This is where the reading began." in out
    assert "There is nothing ahead to return to." in out
    assert "There is no choice 7 here; pick 1 to 2." in out
    assert reading.position == "crossroads"


def test_toggle_back_and_forward():
    _, out, reading = drive("\nt\nb\nf\nt\n")
    assert "t: this moment in What if" in out
    assert reading.history == ("opening", "crossroads", "dream", "crossroads")


def test_e_shows_the_notes():
    _, out, _ = drive("e\n\ne\n")
    assert "Why the story opens here." in out
    assert "This scene has no notes." in out


def test_ending_names_the_ending_and_counts():
    _, out, reading = drive("\n1\n")
    assert reading.at_ending
    assert "Ending: The door" in out
    assert "Endings found: 1 of 2 · Scenes seen: 3 of 6" in out


def test_g_shows_progress_per_timeline():
    _, out, _ = drive("\n2\ng\n")
    assert "Endings found: 0 of 2" in out
    assert "What happened: 2 of 3 scenes seen" in out
    assert "What if: 1 of 3 scenes seen" in out


def test_restart_asks_first():
    _, out, reading = drive("\n1\nr\nn\n")
    assert "Not restarted." in out
    assert reading.position == "the-door"
    _, out, reading = drive("\n1\nr\ny\n")
    assert reading.history == ("opening",)
    assert reading.endings_found == ("the-door",)


def test_help_and_garbage_get_one_line_each():
    _, out, reading = drive("h\n?\nwhat now\n\x1b[31mred\n-1\n")
    assert out.count("t toggles the timeline") == 2
    assert out.count("Type Enter, a number, t, b, f, e, g, r or q (h for help).") == 3
    assert reading.position == "opening"
    assert ESC not in out


def test_very_long_line_is_refused_once():
    _, out, reading = drive("x" * (MAX_LINE * 3 + 5) + "\n\n")
    assert out.count("That line is too long to be a command.") == 1
    assert reading.position == "crossroads"


def test_very_long_number_is_refused():
    _, out, reading = drive("\n" + "9" * 5000 + "\n" + "1" * 20 + "\n")
    assert "too long" in out
    assert "There is no choice like that here; pick 1 to 2." in out
    assert reading.position == "crossroads"


def test_q_quits_and_commands_ignore_case_and_spaces():
    _, out, reading = drive("  \n B \nQ\n\n")
    assert reading.position == "opening"
    assert reading.ahead == ("crossroads",)


def test_every_step_saves(tmp_path):
    story = sample_story()
    store = SaveStore(story, tmp_path)
    _, out, reading = drive("\n2\nb\n", Reading(story), store)
    assert store.load() == (reading, [])
    assert "Your place is saved." in out


def test_end_of_input_at_any_prompt_keeps_the_last_step(tmp_path):
    story = sample_story()
    for index, script in enumerate(("", "\n", "\n2", "\n2\n", "\n1\nr\n", "\n1\nr")):
        store = SaveStore(story, tmp_path / str(index))
        code, _, reading = drive(script, Reading(story), store)
        assert code == 0
        loaded, _ = store.load()
        assert loaded == (reading if reading.history != ("opening",) else None)


def test_a_failed_save_is_said_once(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    story = sample_story()
    store = SaveStore(story, blocker)
    _, out, reading = drive("\n2\n\n", Reading(story), store)
    assert reading.position == "dance"
    assert out.count("Saving is off: ") == 1
    assert "Your place is saved." not in out


def test_notices_come_first():
    _, out, _ = drive("", notices=["Resumed at Opening · r restarts"])
    assert out.startswith("Resumed at Opening · r restarts\n")


def test_story_text_cannot_reach_the_terminal_as_escapes():
    from dataclasses import replace

    story = sample_story()
    evil = "\x1b]52;c;aGk=\x07\x1b[2J[bold]x[/] \x9b31m"
    opening = replace(story.scenes["opening"], title=evil, caption=evil, text=evil, notes=evil)
    story = replace(story, scenes={**story.scenes, "opening": opening})
    _, out, _ = drive("e\n", Reading(story), notices=[evil])
    assert ESC not in out and "\x07" not in out and "\x9b" not in out
    assert "[bold]x[/]" in out


def test_text_is_wrapped_to_the_width():
    from dataclasses import replace

    story = sample_story()
    long_text = " ".join(["word"] * 100)
    opening = replace(story.scenes["opening"], text=long_text)
    story = replace(story, scenes={**story.scenes, "opening": opening})
    _, out, _ = drive("", Reading(story), width=40)
    assert max(len(line) for line in out.splitlines()) <= 40
    _, out, _ = drive("", Reading(story), width=500)
    assert 75 <= max(len(line) for line in out.splitlines()) <= 80


def test_hints_and_help_break_between_items_on_a_narrow_terminal():
    from lazyland.plain import HELP

    _, out, _ = drive("h\n", width=24)
    lines = [line.removeprefix("> ") for line in out.splitlines()]
    assert max(len(line) for line in lines) <= 24
    # No line starts with a separator, and every item of the help is whole on one line.
    assert not any(line.startswith("·") for line in lines)
    for item in HELP.split(" · "):
        if len(item) <= 24:
            assert any(item in line for line in lines), item
    assert "\u00a0" not in out


# --- as a process ---------------------------------------------------------------------


@pytest.fixture
def story_file(tmp_path: Path) -> Path:
    path = tmp_path / "story" / "story.yaml"
    path.parent.mkdir()
    path.write_text(SAMPLE_YAML, encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = dict(os.environ)
    environ["XDG_DATA_HOME"] = str(tmp_path / "data")
    environ["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    environ.pop("NO_COLOR", None)
    return environ


def lazyland(env, *args: str, stdin: bytes | str = "") -> subprocess.CompletedProcess[str]:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", *args],
        input=data,
        capture_output=True,
        env=env,
        timeout=60,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8"),
        result.stderr.decode("utf-8"),
    )


def save_of(env) -> dict[str, object]:
    path = Path(env["XDG_DATA_HOME"]) / "lazyland" / "saves" / "sample.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_process_reads_and_saves_under_xdg_data_home(env, story_file):
    result = lazyland(env, str(story_file), "--plain", "--new", stdin="\n2\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "[What happened] Opening" in result.stdout
    assert "[What if] Dream" in result.stdout
    assert save_of(env)["position"] == "dream"


def test_process_is_plain_when_stdout_is_not_a_terminal(env, story_file):
    result = lazyland(env, str(story_file), stdin="\n")
    assert result.returncode == 0, result.stderr
    assert "[What happened] Crossroads" in result.stdout
    assert ESC not in result.stdout


def test_process_resumes_after_relaunch(env, story_file):
    lazyland(env, str(story_file), "--plain", stdin="\n2\n\n")
    result = lazyland(env, str(story_file), "--plain", stdin="b\n")
    assert result.stdout.startswith("Resumed at Dance · r restarts\n")
    assert "[What if] Dream" in result.stdout
    assert save_of(env)["position"] == "dream"
    assert save_of(env)["ahead"] == ["dance"]


def test_process_new_ignores_the_save_until_the_first_step(env, story_file):
    lazyland(env, str(story_file), "--plain", stdin="\n2\n\n")
    result = lazyland(env, str(story_file), "--plain", "--new", stdin="")
    assert "Resumed" not in result.stdout
    assert "[What happened] Opening" in result.stdout
    assert save_of(env)["position"] == "dance"
    lazyland(env, str(story_file), "--plain", "--new", stdin="\n")
    assert save_of(env)["position"] == "crossroads"
    assert save_of(env)["history"] == ["opening"]


def test_process_eof_mid_line_and_ctrl_d(env, story_file):
    result = lazyland(env, str(story_file), "--plain", stdin="\n2")
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    assert save_of(env)["position"] == "dream"
    result = lazyland(env, str(story_file), "--plain", stdin="\x04")
    assert result.returncode == 0


def test_process_garbage_and_long_lines_never_traceback(env, story_file):
    garbage = b"\xff\xfe\x00\x1b[2J\n" + b"z" * 100_000 + b"\n\x80\x81\n\n"
    result = lazyland(env, str(story_file), "--plain", "--new", stdin=garbage)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert ESC not in result.stdout
    assert "That line is too long to be a command." in result.stdout
    assert save_of(env)["position"] == "crossroads"


def test_process_scene_and_timeline_start_elsewhere(env, story_file):
    result = lazyland(env, str(story_file), "--plain", "--new", "--scene", "dance", stdin="")
    assert "[What if] Dance" in result.stdout
    result = lazyland(env, str(story_file), "--plain", "--new", "--timeline", "fantasy", stdin="")
    assert "[What if] Dream" in result.stdout


def test_process_unknown_scene_suggests_near_ids(env, story_file):
    result = lazyland(env, str(story_file), "--plain", "--scene", "dreem", stdin="")
    assert result.returncode == 2
    assert "there is no scene 'dreem'" in result.stderr
    assert "Did you mean dream" in result.stderr
    assert result.stdout == ""


def test_process_unknown_timeline_is_a_usage_error(env, story_file):
    result = lazyland(env, str(story_file), "--plain", "--timeline", "future", stdin="")
    assert result.returncode == 2
    assert "there is no timeline 'future'" in result.stderr
    assert "real, fantasy" in result.stderr or "Did you mean" in result.stderr


def test_process_missing_story_exits_2(env, tmp_path):
    result = lazyland(env, str(tmp_path / "nowhere"), "--plain", stdin="")
    assert result.returncode == 2
    assert "no story at" in result.stderr
    assert "Traceback" not in result.stderr


def test_process_broken_story_prints_diagnostics_and_exits_1(env, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(SAMPLE_YAML.replace("goto: dream", "goto: drem"), encoding="utf-8")
    result = lazyland(env, str(broken), "--plain", stdin="")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines and all(": error: " in line or ": warning: " in line for line in lines)
    assert any("[unknown-scene]" in line and str(broken) in line for line in lines)


def test_process_corrupt_save_gives_a_notice_and_a_fresh_start(env, story_file):
    folder = Path(env["XDG_DATA_HOME"]) / "lazyland" / "saves"
    folder.mkdir(parents=True)
    (folder / "sample.json").write_text('{"format": 1, "story": "sam', encoding="utf-8")
    result = lazyland(env, str(story_file), "--plain", stdin="")
    assert result.returncode == 0
    assert "Your save was damaged" in result.stdout
    assert "[What happened] Opening" in result.stdout
    assert any(p.name.startswith("sample.json.corrupt-") for p in folder.iterdir())


def test_process_bundled_story_can_be_read_to_an_ending(env):
    # Enter and 1, over and over: every scene either continues or takes its first choice.
    result = lazyland(env, "--plain", "--new", stdin="1\n\n" * 200)
    assert result.returncode == 0, result.stderr
    assert "Ending: " in result.stdout
    assert "Endings found: 1 of " in result.stdout
    assert ESC not in result.stdout


def test_process_plain_mode_does_not_import_textual(env, story_file):
    code = (
        "import sys\n"
        "from lazyland.cli import main\n"
        f"code = main([{str(story_file)!r}, '--plain', '--new'])\n"
        "assert 'textual' not in sys.modules\n"
        "raise SystemExit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=b"\n", capture_output=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr


# --- launching: play() decides plain or app, and what the app is given -------------------


class FakeApp:
    """Stands in for the Textual app to record what play() hands it."""

    made: list[FakeApp] = []

    def __init__(self, reading, **kwargs):
        self.reading = reading
        self.kwargs = kwargs
        self.ran = False
        self.return_code = 0
        FakeApp.made.append(self)

    def run(self):
        self.ran = True


@pytest.fixture
def fake_app(monkeypatch, tmp_path):
    import types

    from lazyland import play as play_module

    module = types.ModuleType("lazyland.app")
    module.LazylandApp = FakeApp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lazyland.app", module)
    monkeypatch.setattr(play_module, "_plain_wanted", lambda plain: plain)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    FakeApp.made = []
    return FakeApp.made


def play_args(story_file: Path, *extra: str):
    from lazyland.cli import _play_parser

    return _play_parser().parse_args([str(story_file), *extra])


def test_play_hands_the_app_everything_it_needs(fake_app, story_file):
    from lazyland.play import play
    from lazyland.settings import Settings

    assert play(play_args(story_file, "--watch")) == 0
    (app,) = fake_app
    assert app.ran
    assert app.reading.position == "opening"
    assert isinstance(app.kwargs["store"], SaveStore)
    assert app.kwargs["settings"] == Settings()
    assert app.kwargs["animate"] is True
    assert app.kwargs["notices"] == []
    assert app.kwargs["resumed"] is False
    assert app.kwargs["story_path"] == story_file
    assert app.kwargs["watch"] is True


def test_play_resumes_from_the_save(fake_app, story_file):
    from lazyland.play import play

    play(play_args(story_file))
    reading = fake_app[0].reading
    reading.continue_()
    fake_app[0].kwargs["store"].save(reading)
    play(play_args(story_file))
    assert fake_app[1].reading == reading
    assert fake_app[1].kwargs["resumed"] is True
    # The app makes the toast; the notices stay for real problems.
    assert fake_app[1].kwargs["notices"] == []
    play(play_args(story_file, "--new"))
    assert fake_app[2].reading.position == "opening"
    assert fake_app[2].kwargs["resumed"] is False


def test_play_scene_jumps_within_the_saved_reading(fake_app, story_file):
    from lazyland.play import play

    play(play_args(story_file))
    reading = fake_app[0].reading
    reading.continue_()
    reading.choose(1)
    fake_app[0].kwargs["store"].save(reading)
    play(play_args(story_file, "--scene", "dream"))
    app = fake_app[1]
    assert app.reading.history == ("opening", "crossroads", "the-door", "dream")
    assert app.reading.endings_found == ("the-door",)
    assert app.kwargs["resumed"] is False


@pytest.mark.parametrize(
    ("flags", "env_value", "settings_animation", "expected"),
    [
        ((), None, True, True),
        (("--no-animation",), None, True, False),
        ((), "none", True, False),
        ((), "full", True, True),
        ((), None, False, False),
    ],
)
def test_play_decides_animation(
    fake_app, story_file, monkeypatch, flags, env_value, settings_animation, expected
):
    from lazyland.play import play
    from lazyland.settings import Settings, save_settings

    if env_value is not None:
        monkeypatch.setenv("TEXTUAL_ANIMATIONS", env_value)
    save_settings(Settings(animation=settings_animation))
    play(play_args(story_file, *flags))
    assert fake_app[0].kwargs["animate"] is expected


def test_play_timeline_starts_at_its_first_scene_in_story_order(fake_app, story_file):
    from lazyland.play import play

    play(play_args(story_file, "--timeline", "fantasy", "--new"))
    assert fake_app[0].reading.position == "dream"
    assert play(play_args(story_file, "--timeline", "real", "--scene", "dream")) == 2
    assert len(fake_app) == 1


def test_play_damaged_save_notice_reaches_the_app(fake_app, story_file, tmp_path):
    from lazyland.play import play

    folder = tmp_path / "data" / "lazyland" / "saves"
    folder.mkdir(parents=True)
    (folder / "sample.json").write_bytes(b"\x00\x01")
    play(play_args(story_file))
    (notice,) = fake_app[0].kwargs["notices"]
    assert notice.startswith("Your save was damaged; it was kept as sample.json.corrupt-")
    assert fake_app[0].kwargs["resumed"] is False
