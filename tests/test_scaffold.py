"""lazyland new: a commented two-timeline story that checks clean, walks clean and plays."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from lazyland import scaffold
from lazyland.check import check_path
from lazyland.engine import Reading
from lazyland.loader import open_story
from lazyland.scaffold import run_new, story_id_for
from lazyland.schema import story_schema
from lazyland.walk import explore

STORY_FILES = ("story.yaml", "as-it-was.yaml", "might-have-been.yaml")
MODELINE = "# yaml-language-server: $schema=story.schema.json"


def new(folder: Path) -> int:
    return run_new(argparse.Namespace(directory=str(folder)))


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "night-bus"
    assert new(folder) == 0
    return folder


def test_new_writes_a_manifest_two_includes_and_the_schema(story_dir: Path) -> None:
    assert sorted(p.name for p in story_dir.iterdir()) == sorted(
        [*STORY_FILES, "story.schema.json"]
    )
    manifest = yaml.safe_load((story_dir / "story.yaml").read_text(encoding="utf-8"))
    assert manifest["include"] == ["as-it-was.yaml", "might-have-been.yaml"]
    assert len(manifest["timelines"]) == 2
    assert manifest["id"] == "night-bus"


def test_the_new_story_passes_check_strict(story_dir: Path) -> None:
    assert check_path(story_dir, strict=True) == []


def test_the_new_story_uses_both_timelines_and_walks_clean(story_dir: Path) -> None:
    story = open_story(story_dir)
    assert {s.timeline for s in story.scenes.values()} == {t.id for t in story.timelines}
    assert any(s.mirror for s in story.scenes.values())
    assert any(s.choices for s in story.scenes.values())
    assert any(s.next for s in story.scenes.values())
    report = explore(story)
    assert report.ok and len(list(story.endings())) == 2


def test_the_new_story_plays_to_both_endings(story_dir: Path) -> None:
    story = open_story(story_dir)
    reading = Reading(story)
    reading.choose(1)
    while not reading.at_ending:
        reading.continue_()
    first = reading.position
    reading.restart()
    reading.choose(2)
    while not reading.at_ending:
        reading.continue_()
    assert {first, reading.position} == {s.id for s in story.endings()}
    assert len(reading.endings_found) == 2


def test_the_new_story_plays_in_plain_mode(story_dir: Path, tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", str(story_dir), "--plain", "--new"],
        input="1\n\n\nq\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "The stop" in result.stdout and "Tomorrow will do" in result.stdout


def test_every_file_starts_with_the_schema_modeline(story_dir: Path) -> None:
    for name in STORY_FILES:
        first = (story_dir / name).read_text(encoding="utf-8").splitlines()[0]
        assert first == MODELINE


def test_the_files_teach_with_comments_and_match_the_schema(story_dir: Path) -> None:
    schema = json.loads((story_dir / "story.schema.json").read_text(encoding="utf-8"))
    assert schema == story_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for name in STORY_FILES:
        text = (story_dir / name).read_text(encoding="utf-8")
        assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 4
        assert list(validator.iter_errors(yaml.safe_load(text))) == []


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert new(folder) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "nothing was written" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_new_refuses_a_second_run_into_the_same_folder(story_dir: Path) -> None:
    before = {p.name: p.read_bytes() for p in story_dir.iterdir()}
    assert new(story_dir) == 2
    assert {p.name: p.read_bytes() for p in story_dir.iterdir()} == before


def test_new_refuses_a_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    assert new(target) == 2
    assert "is a file" in capsys.readouterr().err


def test_new_fills_an_existing_empty_folder_and_makes_missing_parents(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert new(empty) == 0 and (empty / "story.yaml").is_file()
    deep = tmp_path / "a" / "b" / "c"
    assert new(deep) == 0 and check_path(deep, strict=True) == []


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    calls = []
    original = Path.write_text

    def failing(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(self.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    folder = tmp_path / "story"
    assert new(folder) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert not folder.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name,expected",
    [
        ("night-bus", "night-bus"),
        ("My Story!", "my-story"),
        ("2046", "2046"),
        ("__init", "init"),
        ("!!!", "my-story"),
        ("Été à Paris", "ete-a-paris"),
        ("x" * 80, "x" * 64),
    ],
)
def test_the_story_id_comes_from_the_folder_name(tmp_path: Path, name: str, expected: str) -> None:
    assert story_id_for(tmp_path / name) == expected


def test_a_numeric_id_stays_text_in_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "2046"
    assert new(folder) == 0
    assert yaml.safe_load((folder / "story.yaml").read_text(encoding="utf-8"))["id"] == "2046"
    assert check_path(folder, strict=True) == []


def test_the_command_line_prints_what_to_do_next(tmp_path: Path) -> None:
    folder = tmp_path / "from the shell"
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", "new", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert f"lazyland check --strict '{folder}'" in result.stdout
    again = subprocess.run(
        [sys.executable, "-m", "lazyland", "new", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 2 and "Traceback" not in again.stderr


def test_templates_ship_as_package_data() -> None:
    from importlib import resources

    folder = resources.files(scaffold.__package__ or "lazyland") / "templates"
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml")) == sorted(
        STORY_FILES
    )
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert '"templates/*.yaml"' in pyproject
