"""lazyland schema: a JSON Schema that accepts real stories and rejects what the checker rejects."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from strategies import stories

from lazyland.check import check_path
from lazyland.model import Story
from lazyland.schema import story_schema

ROOT = Path(__file__).resolve().parent.parent
STORY_FILES = sorted((ROOT / "story").glob("*/*.yaml"))
TEMPLATE_FILES = sorted((ROOT / "lazyland" / "templates").glob("*.yaml"))

VALIDATOR = jsonschema.Draft202012Validator(story_schema())


def valid(document: Any) -> bool:
    return VALIDATOR.is_valid(document)


def manifest() -> dict[str, Any]:
    return {
        "format": 1,
        "id": "tiny",
        "title": "Tiny",
        "start": "first",
        "timelines": {"real": {"label": "Real"}, "dream": {"label": "Dream"}},
        "scenes": {
            "first": {
                "timeline": "real",
                "title": "First",
                "text": "Hello.",
                "mirror": "other",
                "choices": [{"label": "Go", "goto": "last"}],
            },
            "other": {
                "timeline": "dream",
                "title": "Other",
                "text": "Elsewhere.",
                "mirror": "first",
                "next": "last",
            },
            "last": {"timeline": "real", "title": "Last", "text": "Bye.", "ending": "The end"},
        },
    }


def included() -> dict[str, Any]:
    return {"scenes": {"extra": {"timeline": "real", "title": "Extra", "text": "x", "ending": "E"}}}


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = story_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_command_prints_the_schema_as_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", "schema"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert json.loads(result.stdout) == story_schema()


@pytest.mark.parametrize("path", STORY_FILES + TEMPLATE_FILES, ids=lambda p: p.name)
def test_every_bundled_story_file_and_template_is_valid(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace("@@ID@@", "template")
    document = yaml.safe_load(text)
    errors = [e.message for e in VALIDATOR.iter_errors(document)]
    assert errors == []


def test_bundled_story_files_were_found() -> None:
    assert any(p.name == "story.yaml" for p in STORY_FILES) and len(TEMPLATE_FILES) == 3


def test_a_manifest_and_an_included_file_are_both_valid() -> None:
    assert valid(manifest())
    assert valid(included())
    assert valid({"scenes": None})


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(document)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()
FIRST = ("scenes", "first")
NINE = [{"label": f"Go {n}", "goto": "last"} for n in range(9)]

# (why, path into the manifest, new value, the code the checker reports for it)
BROKEN_MANIFESTS = [
    ("unknown top key", ("titel",), "Typo", "unknown-key"),
    ("unknown scene key", (*FIRST, "colour"), "red", "unknown-key"),
    ("unknown choice key", (*FIRST, "choices", 0, "target"), "last", "unknown-key"),
    ("unknown timeline key", ("timelines", "real", "colour"), "red", "unknown-key"),
    ("title not text", ("title",), 3, "wrong-type"),
    ("scene text a list", (*FIRST, "text"), ["a"], "wrong-type"),
    ("choices not a list", (*FIRST, "choices"), "last", "wrong-type"),
    ("timelines a list", ("timelines",), ["real"], "wrong-type"),
    ("scene not a mapping", FIRST, "first", "wrong-type"),
    ("ten choices", (*FIRST, "choices"), [*NINE, NINE[0]], "too-many-choices"),
    ("no choices", (*FIRST, "choices"), [], "empty-value"),
    ("bad scene id", ("scenes", "Bad Id"), manifest()["scenes"]["last"], "bad-id"),
    ("bad story id", ("id",), "Tiny!", "bad-id"),
    ("bad goto", (*FIRST, "choices", 0, "goto"), "LAST", "unknown-scene"),
    ("bad timeline id", ("timelines", "-real"), {"label": "x"}, "bad-id"),
    ("missing format", ("format",), _DELETE, "missing-key"),
    ("format 2", ("format",), 2, "bad-format"),
    ("format as text", ("format",), "1", "wrong-type"),
    ("missing title", ("title",), _DELETE, "missing-key"),
    ("scene without text", (*FIRST, "text"), _DELETE, "missing-key"),
    ("choice without goto", (*FIRST, "choices", 0, "goto"), _DELETE, "missing-key"),
    ("blank title", ("title",), "   ", "empty-value"),
    ("next and choices", (*FIRST, "next"), "last", "scene-exits"),
    ("no exit at all", (*FIRST, "choices"), _DELETE, "scene-exits"),
]


@pytest.mark.parametrize(
    "path,value,code", [case[1:] for case in BROKEN_MANIFESTS], ids=[c[0] for c in BROKEN_MANIFESTS]
)
def test_the_schema_rejects_what_the_checker_rejects(
    tmp_path: Path, path: tuple[Any, ...], value: Any, code: str
) -> None:
    broken = _set(manifest(), path, value)
    assert valid(manifest())
    assert not valid(broken)
    # The checker agrees: the same file is an error with the expected code.
    (tmp_path / "story.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    diagnostics = check_path(tmp_path)
    assert code in {d.code for d in diagnostics if d.is_error}, [d.format() for d in diagnostics]


def test_the_checker_accepts_the_valid_manifest(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(yaml.safe_dump(manifest()), encoding="utf-8")
    assert check_path(tmp_path, strict=True) == []


def test_an_included_file_rejects_manifest_keys_and_unknown_keys() -> None:
    assert not valid({**included(), "title": "Not here"})
    assert not valid({**included(), "sceens": {}})
    assert not valid({})
    assert not valid(["scenes"])
    assert not valid("scenes")


def test_exactly_one_of_next_choices_ending() -> None:
    base = manifest()["scenes"]["last"]
    for extra in ({"next": "first"}, {"choices": [{"label": "x", "goto": "first"}]}):
        both = _set(manifest(), ("scenes", "last"), {**base, **extra})
        assert not valid(both)
    three = {**base, "next": "first", "choices": [{"label": "x", "goto": "first"}]}
    assert not valid(_set(manifest(), ("scenes", "last"), three))


def test_nine_choices_are_allowed() -> None:
    assert valid(_set(manifest(), (*FIRST, "choices"), NINE))


def test_ids_follow_the_pattern() -> None:
    for good in ("a", "0", "a-b_c", "x" * 64):
        assert valid(_set(manifest(), ("scenes", good), manifest()["scenes"]["last"]))
    for bad in ("", "-a", "_a", "A", "a b", "a.b", "x" * 65, "é"):
        assert not valid(_set(manifest(), ("scenes", bad), manifest()["scenes"]["last"]))


def _as_documents(story: Story) -> dict[str, Any]:
    scenes = {}
    for scene in story.scenes.values():
        entry: dict[str, Any] = {
            "timeline": scene.timeline,
            "title": scene.title,
            "text": scene.text,
        }
        for key in ("caption", "notes", "mirror", "next", "ending"):
            if getattr(scene, key) is not None:
                entry[key] = getattr(scene, key)
        if scene.choices:
            entry["choices"] = [{"label": c.label, "goto": c.goto} for c in scene.choices]
        scenes[scene.id] = entry
    return {
        "format": 1,
        "id": story.id,
        "title": story.title,
        "start": story.start,
        "timelines": {t.id: {"label": t.label} for t in story.timelines},
        "scenes": scenes,
    }


@settings(max_examples=50, deadline=None)
@given(stories(max_scenes=10))
def test_generated_valid_stories_are_valid(story: Story) -> None:
    document = _as_documents(story)
    assert valid(document)
    assert valid({"scenes": document["scenes"]})


# --- the authors' guide --------------------------------------------------------------

DOCS = ROOT / "docs" / "story-format.md"


def test_the_guide_explains_every_diagnostic_code_with_a_fix() -> None:
    from lazyland.check import CODES

    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("`"):
            rows[cells[0].strip("`")] = cells
    assert set(CODES) <= set(rows), sorted(set(CODES) - set(rows))
    for code in CODES:
        _, meaning, fix = rows[code]
        assert len(meaning) > 20 and len(fix) > 10, code


def test_the_guide_shows_the_modeline_and_the_commands() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=story.schema.json" in text
    for command in ("lazyland check", "lazyland walk", "lazyland graph", "lazyland new"):
        assert command in text
    assert "lazyland schema" in text


def test_the_guide_s_complete_example_checks_clean_and_matches_the_schema(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## A complete example", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "tiny.yaml").write_text(example, encoding="utf-8")
    assert check_path(tmp_path / "tiny.yaml", strict=True) == []
    assert valid(yaml.safe_load(example))
