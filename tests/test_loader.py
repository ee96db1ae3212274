"""The loader: a story folder or file to a Story, every problem a located Diagnostic.

Each test writes a small story and asserts the exact line and column a
diagnostic points at, so a shift in where the loader looks shows up here.
Paths are shown as typed, so the tests run from the temporary folder and name
the story relatively.
"""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from lazyland.check import check_path
from lazyland.loader import MAX_BYTES, MAX_DEPTH, LoadResult, load_story, open_story
from lazyland.model import Diagnostic, Span, StoryError

VALID = """\
format: 1
id: demo
title: Demo
start: one
timelines:
  real:
    label: What happened
  fantasy:
    label: What if
scenes:
  one:
    timeline: real
    title: One
    text: The first scene.
    mirror: two
    next: three
  two:
    timeline: fantasy
    title: Two
    text: The mirror.
    mirror: one
    ending: Dream
  three:
    timeline: real
    title: Three
    text: The end.
    ending: Real
"""

MANIFEST_HEAD = """\
format: 1
id: demo
title: Demo
start: one
timelines:
  real:
    label: What happened
  fantasy:
    label: What if
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(files: dict[str, str | bytes], folder: str = "s") -> str:
    for name, content in files.items():
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), "utf-8")
    return folder


def diagnose(files: dict[str, str | bytes]) -> list[Diagnostic]:
    return check_path(write(files))


def only(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [d.format() for d in diagnostics]
    return found[0]


def where(d: Diagnostic) -> tuple[str, int, int]:
    return (d.span.path, d.span.line, d.span.col)


# ---------------------------------------------------------------- valid stories


def test_valid_story_loads_with_no_diagnostics() -> None:
    result = load_story(write({"story.yaml": VALID}))
    assert isinstance(result, LoadResult)
    assert result.diagnostics == []
    story = result.story
    assert story is not None
    assert story.id == "demo" and story.title == "Demo" and story.start == "one"
    assert [t.id for t in story.timelines] == ["real", "fantasy"]
    assert story.timeline("fantasy").label == "What if"
    assert list(story.scenes) == ["one", "two", "three"]
    one = story.scene("one")
    assert (one.timeline, one.title, one.text, one.mirror, one.next) == (
        "real",
        "One",
        "The first scene.",
        "two",
        "three",
    )
    assert story.scene("two").ending == "Dream"
    assert check_path("s") == []


def test_spans_point_at_keys_and_values() -> None:
    story = open_story(write({"story.yaml": VALID}))
    one = story.scene("one")
    assert where_span(one.span) == ("s/story.yaml", 11, 3)
    assert where_span(one.span_of("title")) == ("s/story.yaml", 13, 12)
    assert where_span(one.span_of("next")) == ("s/story.yaml", 16, 11)
    assert where_span(story.span_of("start")) == ("s/story.yaml", 4, 8)
    assert where_span(story.timeline("fantasy").span) == ("s/story.yaml", 8, 3)


def where_span(span: object) -> tuple[str, int, int]:
    return (span.path, span.line, span.col)  # type: ignore[attr-defined]


def test_single_file_story_is_its_own_manifest() -> None:
    Path("one.yaml").write_text(VALID, "utf-8")
    story = open_story("one.yaml")
    assert story.root == Path("one.yaml")
    assert len(story.scenes) == 3


def test_includes_are_read_in_order_and_keep_their_own_paths() -> None:
    manifest = MANIFEST_HEAD + "include:\n  - real.yaml\n  - more/fantasy.yaml\n"
    real = """\
    scenes:
      one:
        timeline: real
        title: One
        text: Hello.
        choices:
          - label: Dream
            goto: two
          - label: Wake
            goto: three
      three:
        timeline: real
        title: Three
        text: Bye.
        ending: Real
    """
    fantasy = """\
    scenes:
      two:
        timeline: fantasy
        title: Two
        text: Dreaming.
        ending: Dream
    """
    story = open_story(
        write({"story.yaml": manifest, "real.yaml": real, "more/fantasy.yaml": fantasy})
    )
    assert list(story.scenes) == ["one", "three", "two"]
    assert where_span(story.scene("two").span) == ("s/more/fantasy.yaml", 2, 3)
    one = story.scene("one")
    assert [(c.label, c.goto) for c in one.choices] == [("Dream", "two"), ("Wake", "three")]
    assert where_span(one.choices[1].span) == ("s/real.yaml", 10, 15)


def test_block_scalars_and_quoted_text_keep_their_content() -> None:
    story_text = VALID.replace(
        "    text: The first scene.\n",
        '    text: |\n      First *line*.\n\n      Second [line].\n    caption: "Tab\\there"\n',
    )
    story = open_story(write({"story.yaml": story_text}))
    one = story.scene("one")
    assert one.text == "First *line*.\n\nSecond [line].\n"
    assert one.caption == "Tab\there"


def test_utf8_bom_and_crlf_are_accepted() -> None:
    data = ("\ufeff" + VALID).replace("\n", "\r\n").encode("utf-8")
    story = open_story(write({"story.yaml": data}))
    assert story.scene("three").title == "Three"


def test_open_story_raises_story_error_with_errors_first() -> None:
    broken = VALID.replace("next: three", "next: nowhere")
    with pytest.raises(StoryError) as caught:
        open_story(write({"story.yaml": broken}))
    diagnostics = caught.value.diagnostics
    assert diagnostics[0].is_error
    assert diagnostics[0].code == "unknown-scene"
    assert "s/story.yaml:16:11" in str(caught.value)


def test_open_story_accepts_warnings() -> None:
    story = open_story(write({"story.yaml": VALID.replace("    mirror: one\n", "")}))
    assert story.scene("two").mirror is None


def test_best_effort_story_after_a_syntax_error() -> None:
    broken = VALID + "  four: [unclosed\n"
    result = load_story(write({"story.yaml": broken}))
    assert result.story is not None
    assert set(result.story.scenes) == {"one", "two", "three"}
    assert "yaml-syntax" in {d.code for d in result.diagnostics}


# ---------------------------------------------------------------- one test per code


def test_yaml_syntax_points_at_the_mark() -> None:
    d = only(diagnose({"story.yaml": VALID.replace("title: Demo", 'title: "Demo')}), "yaml-syntax")
    assert d.is_error
    assert where(d)[0] == "s/story.yaml"
    # libyaml marks where the scanner gave up: the end of the file, inside the quote.
    assert where(d)[1:] == (28, 1)


def test_yaml_syntax_unclosed_flow_sequence() -> None:
    text = MANIFEST_HEAD + "start2: [a, b\n"
    d = only(diagnose({"story.yaml": text}), "yaml-syntax")
    assert where(d) == ("s/story.yaml", 11, 1)


def test_yaml_tag_is_refused_where_it_stands() -> None:
    text = VALID.replace("title: Demo", "title: !!python/object/apply:os.system [echo]")
    d = only(diagnose({"story.yaml": text}), "yaml-tag")
    assert where(d) == ("s/story.yaml", 3, 8)
    assert "!!python/object/apply:os.system" in d.message


@pytest.mark.parametrize(
    "value, col",
    [("!!binary aGVsbG8=", 12), ("!custom Hello", 12), ("!!str One", 12), ("!<tag:x> One", 12)],
)
def test_every_explicit_tag_is_refused(value: str, col: int) -> None:
    text = VALID.replace("    title: One", f"    title: {value}")
    d = only(diagnose({"story.yaml": text}), "yaml-tag")
    assert where(d) == ("s/story.yaml", 13, col)


def test_tag_on_a_mapping_is_refused() -> None:
    text = VALID.replace("  one:\n", "  one: !!map\n")
    d = only(diagnose({"story.yaml": text}), "yaml-tag")
    assert where(d) == ("s/story.yaml", 11, 8)


def test_yaml_anchor_and_alias_are_each_located() -> None:
    text = VALID.replace("title: Demo", "title: &t Demo").replace("    title: One", "    title: *t")
    found = [d for d in diagnose({"story.yaml": text}) if d.code == "yaml-anchor"]
    assert [where(d) for d in found] == [("s/story.yaml", 3, 8), ("s/story.yaml", 13, 12)]
    assert "&t" in found[0].message and "*t" in found[1].message


def test_merge_key_with_alias_is_refused() -> None:
    text = VALID.replace("  two:\n", "  two: &base\n").replace(
        "  three:\n    timeline: real\n", "  three:\n    <<: *base\n    timeline: real\n"
    )
    found = [d for d in diagnose({"story.yaml": text}) if d.code == "yaml-anchor"]
    assert [where(d)[1:] for d in found] == [(17, 8), (24, 9)]


BILLION_LAUGHS = """\
format: 1
id: lol
title: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
start: x
timelines:
  real:
    label: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
  fantasy:
    label: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
scenes:
  x:
    timeline: real
    title: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
    text: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
    notes: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
    caption: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
    mirror: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]
    ending: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]
"""


def test_billion_laughs_is_refused_without_expanding() -> None:
    started = time.process_time()
    result = load_story(write({"story.yaml": BILLION_LAUGHS}))
    # A billion-element expansion would take minutes and gigabytes; this is a
    # sanity bound, not a speed assertion.
    assert time.process_time() - started < 30
    anchors = [d for d in result.diagnostics if d.code == "yaml-anchor"]
    assert where(anchors[0]) == ("s/story.yaml", 3, 8)
    # Repeats in one file are capped, so the report stays readable.
    assert len(anchors) <= 10
    assert "not listed" in anchors[-1].message
    assert all(d.span.line <= BILLION_LAUGHS.count("\n") for d in result.diagnostics)


def test_yaml_documents_second_document_is_refused() -> None:
    text = VALID + "---\nformat: 1\n"
    d = only(diagnose({"story.yaml": text}), "yaml-documents")
    assert where(d) == ("s/story.yaml", 28, 1)


def test_explicit_single_document_markers_are_fine() -> None:
    assert diagnose({"story.yaml": "---\n" + VALID + "...\n"}) == []


def test_too_deep_flow_nesting_stops_at_the_limit() -> None:
    text = "format: 1\nx: " + "[" * 100_000
    result = load_story(write({"story.yaml": text}))
    d = only(result.diagnostics, "too-deep")
    # The mapping is level 1, so the first '[' past the limit is number MAX_DEPTH.
    assert where(d) == ("s/story.yaml", 2, 3 + MAX_DEPTH)


def test_too_deep_whole_file_of_brackets() -> None:
    Path("deep.yaml").write_text("[" * 100_000, "utf-8")
    result = load_story("deep.yaml")
    d = only(result.diagnostics, "too-deep")
    assert where(d) == ("deep.yaml", 1, MAX_DEPTH + 1)
    assert result.story is None


def test_too_deep_block_nesting() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "end\n"
    Path("deep.yaml").write_text(text, "utf-8")
    d = only(load_story("deep.yaml").diagnostics, "too-deep")
    assert where(d) == ("deep.yaml", MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)


def test_too_deep_sequences_of_sequences() -> None:
    Path("deep.yaml").write_text("- " * 100_000 + "x\n", "utf-8")
    d = only(load_story("deep.yaml").diagnostics, "too-deep")
    assert where(d) == ("deep.yaml", 1, 2 * MAX_DEPTH + 1)


def test_too_large_is_refused_by_size_before_reading() -> None:
    write({"story.yaml": VALID})
    with open("s/story.yaml", "ab") as handle:
        handle.truncate(MAX_BYTES + 1)
    result = load_story("s")
    d = only(result.diagnostics, "too-large")
    assert where(d) == ("s/story.yaml", 1, 1)
    assert result.story is None


def test_exactly_the_size_limit_is_read() -> None:
    padding = "#" * 80 + "\n"
    body = VALID + padding * ((MAX_BYTES - len(VALID)) // len(padding))
    body += "#" * (MAX_BYTES - len(body) - 1) + "\n"
    assert len(body) == MAX_BYTES
    assert diagnose({"story.yaml": body}) == []


def test_not_utf8_points_at_the_first_bad_byte() -> None:
    data = VALID.replace("title: One", "title: Caf\xe9 One").encode("latin-1")
    d = only(diagnose({"story.yaml": data}), "not-utf8")
    assert where(d) == ("s/story.yaml", 13, 15)
    assert "0xE9" in d.message


def test_not_utf8_column_counts_characters_not_bytes() -> None:
    data = VALID.encode().replace(b"title: One", "title: \u00e9\u00e9 ".encode() + b"\xff")
    d = only(diagnose({"story.yaml": data}), "not-utf8")
    assert where(d) == ("s/story.yaml", 13, 15)


def test_utf16_is_not_utf8() -> None:
    d = only(diagnose({"story.yaml": VALID.encode("utf-16")}), "not-utf8")
    assert where(d) == ("s/story.yaml", 1, 1)


def test_control_char_raw_in_the_file() -> None:
    text = VALID.replace("text: The first scene.", "text: The first\x1b[31m scene.")
    d = only(diagnose({"story.yaml": text}), "control-char")
    assert where(d) == ("s/story.yaml", 14, 20)
    assert "U+001B" in d.message


def test_control_char_from_an_escape_points_at_the_value() -> None:
    text = VALID.replace("text: The first scene.", 'text: "The first\\x07 scene."')
    d = only(diagnose({"story.yaml": text}), "control-char")
    assert where(d) == ("s/story.yaml", 14, 11)
    assert "U+0007" in d.message


@pytest.mark.parametrize("escape", ["\\0", "\\e", "\\r", "\\N", "\\x9b", "\\u0085", "\\b"])
def test_control_char_every_escape_is_caught(escape: str) -> None:
    text = VALID.replace("    title: One", f'    title: "One{escape}"')
    d = only(diagnose({"story.yaml": text}), "control-char")
    assert where(d) == ("s/story.yaml", 13, 12)


def test_control_char_in_a_key_and_in_an_unknown_value() -> None:
    text = VALID + 'extra: "\\x01"\n"k\\x02": 1\n'
    found = [d for d in diagnose({"story.yaml": text}) if d.code == "control-char"]
    assert [where(d)[1:] for d in found] == [(28, 8), (29, 1)]


def test_newline_and_tab_escapes_are_allowed() -> None:
    text = VALID.replace("text: The first scene.", 'text: "The\\tfirst\\nscene."')
    assert diagnose({"story.yaml": text}) == []


def test_unreadable_missing_path() -> None:
    result = load_story("nowhere")
    d = only(result.diagnostics, "unreadable")
    assert where(d) == ("nowhere", 1, 1)
    assert result.story is None


def test_unreadable_folder_without_manifest() -> None:
    Path("empty").mkdir()
    d = only(load_story("empty").diagnostics, "unreadable")
    assert where(d) == ("empty", 1, 1)
    assert "story.yaml" in d.message


def test_missing_key_in_a_scene_points_at_the_scene_id() -> None:
    text = VALID.replace("    title: Two\n", "")
    d = only(diagnose({"story.yaml": text}), "missing-key")
    assert where(d) == ("s/story.yaml", 17, 3)
    assert "'title'" in d.message


def test_missing_key_in_the_manifest_points_at_its_start() -> None:
    text = VALID.replace("start: one\n", "")
    d = only(diagnose({"story.yaml": text}), "missing-key")
    assert where(d) == ("s/story.yaml", 1, 1)
    assert "'start'" in d.message


def test_missing_key_in_a_choice() -> None:
    text = VALID.replace("    next: three\n", "    choices:\n      - label: Go\n")
    d = only(diagnose({"story.yaml": text}), "missing-key")
    assert where(d) == ("s/story.yaml", 17, 9)
    assert "'goto'" in d.message


def test_wrong_type_number_where_text_is_expected_hints_at_quotes() -> None:
    text = VALID.replace("    title: One", "    title: 2016")
    d = only(diagnose({"story.yaml": text}), "wrong-type")
    assert where(d) == ("s/story.yaml", 13, 12)
    assert "quotes" in d.message and "'2016'" in d.message


@pytest.mark.parametrize("value", ["yes", "No", "on", "3.5", "2016-05-01", "0x1f", "~"])
def test_wrong_type_for_every_implicit_non_text_scalar(value: str) -> None:
    text = VALID.replace("    caption_placeholder", "").replace(
        "    text: The first scene.", f"    text: The first scene.\n    caption: {value}"
    )
    d = only(diagnose({"story.yaml": text}), "wrong-type")
    assert where(d) == ("s/story.yaml", 15, 14)


def test_quoted_lookalikes_are_text() -> None:
    text = VALID.replace("    title: One", "    title: 'yes'").replace(
        "title: Three", 'title: "2016"'
    )
    story = open_story(write({"story.yaml": text}))
    assert story.scene("one").title == "yes"
    assert story.scene("three").title == "2016"


def test_wrong_type_mapping_where_text_is_expected() -> None:
    text = VALID.replace("    title: One", "    title:\n      nested: One")
    d = only(diagnose({"story.yaml": text}), "wrong-type")
    assert where(d) == ("s/story.yaml", 14, 7)
    assert "not a mapping" in d.message


def test_wrong_type_scene_id_that_yaml_reads_as_a_number() -> None:
    text = VALID.replace("  three:", "  300:").replace("next: three", "next: '300'")
    d = only(diagnose({"story.yaml": text}), "wrong-type")
    assert where(d) == ("s/story.yaml", 23, 3)


def test_wrong_type_quoted_format() -> None:
    d = only(diagnose({"story.yaml": VALID.replace("format: 1", 'format: "1"')}), "wrong-type")
    assert where(d) == ("s/story.yaml", 1, 9)


def test_wrong_type_scenes_as_a_list() -> None:
    text = MANIFEST_HEAD + "scenes:\n  - one\n"
    d = only(diagnose({"story.yaml": text}), "wrong-type")
    assert where(d) == ("s/story.yaml", 11, 3)


def test_wrong_type_manifest_that_is_not_a_mapping() -> None:
    result = load_story(write({"story.yaml": "- just\n- a list\n"}))
    d = only(result.diagnostics, "wrong-type")
    assert where(d) == ("s/story.yaml", 1, 1)
    assert result.story is None


def test_unknown_key_suggests_the_nearest() -> None:
    text = VALID.replace("    title: One", "    titel: One")
    found = diagnose({"story.yaml": text})
    d = only(found, "unknown-key")
    assert where(d) == ("s/story.yaml", 13, 5)
    assert "did you mean 'title'?" in d.message


def test_unknown_key_in_manifest_timeline_and_choice() -> None:
    text = (
        VALID.replace("id: demo", "idd: demo\nid: demo")
        .replace("    label: What if", "    labl: What if\n    label: What if")
        .replace(
            "    next: three",
            "    choices:\n      - label: On\n        got0: x\n        goto: three",
        )
    )
    found = [d for d in diagnose({"story.yaml": text}) if d.code == "unknown-key"]
    assert [where(d)[1:] for d in found] == [(2, 1), (10, 5), (20, 9)]
    assert "did you mean 'id'?" in found[0].message
    assert "did you mean 'label'?" in found[1].message
    assert "did you mean 'goto'?" in found[2].message


def test_duplicate_key_names_both_lines() -> None:
    text = VALID.replace("    text: The mirror.\n", "    text: The mirror.\n    title: Again\n")
    d = only(diagnose({"story.yaml": text}), "duplicate-key")
    assert where(d) == ("s/story.yaml", 21, 5)
    assert "line 19" in d.message and "line 21" in d.message
    # The first one is kept: PyYAML would silently have kept the last.
    story = load_story("s").story
    assert story is not None and story.scene("two").title == "Two"


def test_duplicate_scene_id_in_one_file_is_a_duplicate_key() -> None:
    text = VALID + "  one:\n    timeline: real\n    title: Again\n    text: x\n    ending: E\n"
    d = only(diagnose({"story.yaml": text}), "duplicate-key")
    assert where(d) == ("s/story.yaml", 28, 3)
    assert "line 11" in d.message


def test_duplicate_scene_across_files_names_both_places() -> None:
    manifest = VALID.replace("scenes:\n", "include:\n  - more.yaml\nscenes:\n")
    more = "scenes:\n  two:\n    timeline: fantasy\n    title: Again\n    text: x\n    ending: E\n"
    d = only(diagnose({"story.yaml": manifest, "more.yaml": more}), "duplicate-scene")
    assert where(d) == ("s/more.yaml", 2, 3)
    assert "s/story.yaml:19:3" in d.message


def test_bad_id_scene_story_and_timeline() -> None:
    text = (
        VALID.replace("id: demo", "id: Demo Story")
        .replace("  fantasy:\n    label", "  Fantasy:\n    label")
        .replace("  three:", "  Three_Scene:")
        .replace("next: three", "next: Three_Scene")
    )
    found = [d for d in diagnose({"story.yaml": text}) if d.code == "bad-id"]
    assert [where(d)[1:] for d in found] == [(2, 5), (8, 3), (23, 3)]


def test_bad_id_too_long() -> None:
    long_id = "a" * 65
    text = VALID.replace("  three:", f"  {long_id}:").replace("next: three", f"next: {long_id}")
    d = only(diagnose({"story.yaml": text}), "bad-id")
    assert where(d) == ("s/story.yaml", 23, 3)


def test_bad_format_other_version() -> None:
    d = only(diagnose({"story.yaml": VALID.replace("format: 1", "format: 2")}), "bad-format")
    assert where(d) == ("s/story.yaml", 1, 9)


def test_unknown_timeline_points_at_the_value() -> None:
    text = VALID.replace("    timeline: fantasy", "    timeline: fantsy")
    d = only(diagnose({"story.yaml": text}), "unknown-timeline")
    assert where(d) == ("s/story.yaml", 18, 15)
    assert "did you mean 'fantasy'?" in d.message


def test_scene_exits_none() -> None:
    text = VALID.replace("    ending: Real\n", "")
    d = only(diagnose({"story.yaml": text}), "scene-exits")
    assert where(d) == ("s/story.yaml", 23, 3)


def test_scene_exits_more_than_one_points_at_the_second() -> None:
    text = VALID.replace("    ending: Dream\n", "    ending: Dream\n    next: one\n")
    d = only(diagnose({"story.yaml": text}), "scene-exits")
    assert where(d) == ("s/story.yaml", 23, 5)


def test_too_many_choices_points_at_the_tenth() -> None:
    choices = "".join(f"      - label: Go {n}\n        goto: three\n" for n in range(1, 11))
    text = VALID.replace("    next: three\n", "    choices:\n" + choices)
    d = only(diagnose({"story.yaml": text}), "too-many-choices")
    assert where(d) == ("s/story.yaml", 35, 9)


def test_nine_choices_are_fine() -> None:
    choices = "".join(f"      - label: Go {n}\n        goto: three\n" for n in range(1, 10))
    text = VALID.replace("    next: three\n", "    choices:\n" + choices)
    assert diagnose({"story.yaml": text}) == []


@pytest.mark.parametrize(
    "old, new, line, col",
    [
        ("    text: The mirror.", '    text: ""', 20, 11),
        ("    text: The mirror.", "    text:", 20, 10),
        ("    title: Two", "    title: '   '", 19, 12),
        ("title: Demo", "title: ''", 3, 8),
        ("    label: What if", '    label: ""', 9, 12),
        ("    ending: Dream", "    ending: ''", 22, 13),
        ("    next: three", "    choices: []", 16, 14),
    ],
)
def test_empty_value(old: str, new: str, line: int, col: int) -> None:
    d = only(diagnose({"story.yaml": VALID.replace(old, new)}), "empty-value")
    assert where(d) == ("s/story.yaml", line, col)


def test_empty_timelines() -> None:
    text = VALID.replace(
        "timelines:\n  real:\n    label: What happened\n  fantasy:\n    label: What if\n",
        "timelines: {}\n",
    )
    found = diagnose({"story.yaml": text})
    d = only(found, "empty-value")
    assert where(d) == ("s/story.yaml", 5, 12)


INCLUDE_MANIFEST = VALID.replace("scenes:\n", "include:\n  - {name}\nscenes:\n")


def test_include_escapes_by_dotdot() -> None:
    Path("outside.yaml").write_text("scenes: {}\n", "utf-8")
    d = only(
        diagnose({"story.yaml": INCLUDE_MANIFEST.format(name="../outside.yaml")}),
        "include-escapes",
    )
    assert where(d) == ("s/story.yaml", 11, 5)


def test_include_escapes_by_absolute_path() -> None:
    absolute = str(Path("outside.yaml").resolve())
    Path("outside.yaml").write_text("scenes: {}\n", "utf-8")
    d = only(
        diagnose({"story.yaml": INCLUDE_MANIFEST.format(name=f"'{absolute}'")}),
        "include-escapes",
    )
    assert where(d) == ("s/story.yaml", 11, 5)


def test_include_escapes_through_a_symlink() -> None:
    Path("outside.yaml").write_text(
        "scenes:\n  four:\n    timeline: real\n    title: x\n    text: y\n    ending: z\n",
        "utf-8",
    )
    write({"story.yaml": INCLUDE_MANIFEST.format(name="link.yaml")})
    os.symlink(Path("outside.yaml").resolve(), "s/link.yaml")
    result = load_story("s")
    d = only(result.diagnostics, "include-escapes")
    assert where(d) == ("s/story.yaml", 11, 5)
    assert result.story is not None and "four" not in result.story.scenes


def test_include_through_a_symlinked_folder_that_escapes() -> None:
    Path("elsewhere").mkdir()
    Path("elsewhere/x.yaml").write_text("scenes: {}\n", "utf-8")
    write({"story.yaml": INCLUDE_MANIFEST.format(name="sub/x.yaml")})
    os.symlink(Path("elsewhere").resolve(), "s/sub")
    d = only(load_story("s").diagnostics, "include-escapes")
    assert where(d) == ("s/story.yaml", 11, 5)


def test_include_with_dotdot_that_stays_inside_is_fine() -> None:
    more = "scenes:\n  four:\n    timeline: real\n    title: x\n    text: y\n    ending: z\n"
    files = {
        "story.yaml": INCLUDE_MANIFEST.format(name="sub/../more.yaml").replace(
            "next: three",
            "choices:\n      - label: a\n        goto: three\n      - label: b\n        goto: four",
        ),
        "more.yaml": more,
        "sub/keep": "",
    }
    story = open_story(write(files))
    assert where_span(story.scene("four").span) == ("s/more.yaml", 2, 3)


def test_include_missing() -> None:
    d = only(diagnose({"story.yaml": INCLUDE_MANIFEST.format(name="gone.yaml")}), "include-missing")
    assert where(d) == ("s/story.yaml", 11, 5)


def test_include_of_a_folder_is_missing() -> None:
    files = {"story.yaml": INCLUDE_MANIFEST.format(name="sub"), "sub/x.yaml": "scenes: {}\n"}
    d = only(diagnose(files), "include-missing")
    assert "folder" in d.message


def test_included_file_problems_are_located_in_that_file() -> None:
    more = "scenes:\n  four:\n    timeline: real\n    title: x\n    txt: y\n    ending: z\n"
    found = diagnose({"story.yaml": INCLUDE_MANIFEST.format(name="more.yaml"), "more.yaml": more})
    assert ("s/more.yaml", 5, 5) in [where(d) for d in found if d.code == "unknown-key"]
    assert ("s/more.yaml", 2, 3) in [where(d) for d in found if d.code == "missing-key"]


def test_include_listed_twice_is_reported_once() -> None:
    manifest = VALID.replace("scenes:\n", "include:\n  - more.yaml\n  - ./more.yaml\nscenes:\n")
    more = "scenes: {}\n"
    d = only(diagnose({"story.yaml": manifest, "more.yaml": more}), "duplicate-key")
    assert where(d) == ("s/story.yaml", 12, 5)


def test_path_is_shown_as_typed_with_trailing_slash() -> None:
    write({"story.yaml": VALID.replace("format: 1", "format: 3")})
    d = only(check_path("s/"), "bad-format")
    assert d.span.path == "s/story.yaml"


def test_pure_python_parser_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from lazyland import loader

    text = VALID.replace("    title: One", "    title: 2016").replace(
        "title: Demo", "title: &x Demo"
    )
    write({"story.yaml": text})
    fast = check_path("s")
    monkeypatch.setattr(loader, "_parser", lambda text: yaml.SafeLoader(text))
    slow = check_path("s")
    assert fast == slow
    assert {d.code for d in slow} == {"wrong-type", "yaml-anchor"}


def test_raw_line_separator_is_refused_so_line_numbers_stay_true() -> None:
    text = VALID.replace("text: The first scene.", "text: The first\u2028scene.")
    d = only(diagnose({"story.yaml": text}), "control-char")
    assert where(d) == ("s/story.yaml", 14, 20)


def test_escaped_line_separator_is_only_a_character() -> None:
    text = VALID.replace("text: The first scene.", 'text: "The first\\Lscene."')
    story = open_story(write({"story.yaml": text}))
    assert story.scene("one").text == "The first\u2028scene."


def test_lone_carriage_returns_count_as_line_breaks() -> None:
    data = VALID.replace("\n", "\r").encode().replace(b"title: One", b"title: \xffOne")
    d = only(diagnose({"story.yaml": data}), "not-utf8")
    assert where(d) == ("s/story.yaml", 13, 12)


def test_generated_large_story_is_clean(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from generate import write_story
    finally:
        sys.path.pop(0)
    folder = write_story(tmp_path / "big", scenes=600, files=3)
    assert len(list((folder / "scenes").glob("*.yaml"))) == 3
    story = open_story(folder)
    assert len(story.scenes) == 600
    assert check_path(folder) == []


def test_noncharacter_that_yaml_refuses_is_located() -> None:
    text = VALID.replace("    title: One", '    title: "On\ufffee"')
    d = only(diagnose({"story.yaml": text}), "control-char")
    assert where(d) == ("s/story.yaml", 13, 15)


def test_loading_restores_the_garbage_collector() -> None:
    import gc

    write({"story.yaml": VALID})
    assert gc.isenabled()
    load_story("s")
    check_path("s")
    assert gc.isenabled()
    gc.disable()
    try:
        load_story("s")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_too_deep_place_is_found_when_libyaml_refuses_while_scanning_ahead() -> None:
    # Newer libyaml refuses deep flow nesting before any event shows the depth; the
    # loader then names the place where nesting passed the limit, as it does itself.
    from lazyland.loader import _too_deep_span

    text = "format: 1\nx: " + "[" * 5_000
    assert _too_deep_span(text, "s/story.yaml") == Span("s/story.yaml", 2, 3 + MAX_DEPTH)
    assert _too_deep_span("a: [[1]]\n", "s/story.yaml") is None
