"""Broken and hostile stories, each with the exact diagnostics `lazyland check` gives for it.

Every folder under tests/corpus/ holds a story and `expected.txt`: the diagnostic
lines the checker prints for it, run from tests/corpus so paths read
`<case>/story.yaml:LINE:COL: ...`. Set LAZYLAND_UPDATE_GOLDEN=1 to rewrite the
golden files from the checker's current output (then read the diff).

A few cases are built at run time in a temporary folder (a file over the size
cap, includes through symlinks) because they cannot live in git as they are;
their golden files sit in the corpus beside the others.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from lazyland import text as story_text
from lazyland.check import CODES, check_path
from lazyland.loader import load_story, open_story

CORPUS = Path(__file__).parent / "corpus"
YAML_SUITE = Path(__file__).resolve().parents[2] / "shared" / "yaml-test-suite" / "cases"
UPDATE = os.environ.get("LAZYLAND_UPDATE_GOLDEN") == "1"

# Cases whose story is assembled at run time (see the tests near the end).
RUNTIME_CASES = {"too-large", "include-symlink"}

CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name not in RUNTIME_CASES)

LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*): "
    r"(?P<severity>error|warning): (?P<message>.+) \[(?P<code>[a-z0-9-]+)\]$"
)

# What each case is about: codes that must be among its diagnostics whatever the
# wording. This holds even when the golden files are rewritten.
MUST_REPORT: dict[str, set[str]] = {
    "syntax-unclosed-quote": {"yaml-syntax"},
    "syntax-bad-indent": {"yaml-syntax"},
    "syntax-tab-indent": {"yaml-syntax"},
    "syntax-unclosed-flow": {"yaml-syntax"},
    "syntax-colon-in-plain": {"yaml-syntax"},
    "syntax-bad-token": {"yaml-syntax"},
    "syntax-in-include": {"yaml-syntax"},
    "syntax-only-garbage": {"yaml-syntax"},
    "shape-top-list": {"wrong-type"},
    "shape-top-scalar": {"wrong-type"},
    "shape-empty-file": set(),
    "shape-comments-only": set(),
    "shape-scenes-list": {"wrong-type"},
    "shape-choices-mapping": {"wrong-type"},
    "shape-timelines-list": {"wrong-type"},
    "shape-include-string": {"wrong-type"},
    "shape-include-file-list": {"wrong-type"},
    "type-title-mapping": {"wrong-type"},
    "type-next-list": {"wrong-type"},
    "type-scalars": {"wrong-type"},
    "type-null-scenes": set(),
    "type-non-string-keys": set(),
    "bad-format-two": {"bad-format"},
    "bad-format-string": {"wrong-type"},
    "bad-format-missing": {"missing-key"},
    "ref-next-missing": {"unknown-scene"},
    "ref-goto-missing": {"unknown-scene"},
    "ref-mirror-missing": {"unknown-scene"},
    "ref-start-missing": {"unknown-scene"},
    "ref-unknown-timeline": {"unknown-timeline"},
    "ref-mirror-same-timeline": {"mirror-same-timeline"},
    "missing-manifest-keys": {"missing-key"},
    "missing-scene-keys": {"missing-key"},
    "missing-choice-keys": {"missing-key"},
    "missing-timeline-label": {"missing-key"},
    "unknown-key-manifest": {"unknown-key"},
    "unknown-key-scene": {"unknown-key"},
    "unknown-key-choice": {"unknown-key"},
    "unknown-key-timeline": {"unknown-key"},
    "duplicate-key-manifest": {"duplicate-key"},
    "duplicate-key-scene": {"duplicate-key"},
    "duplicate-scene-same-file": {"duplicate-key"},
    "duplicate-scene-across-files": {"duplicate-scene"},
    "bad-id-scene": {"bad-id"},
    "bad-id-story": {"bad-id"},
    "bad-id-long": {"bad-id"},
    "bad-id-shapes": {"bad-id"},
    "scene-no-exit": {"scene-exits"},
    "scene-two-exits": {"scene-exits"},
    "scene-three-exits": {"scene-exits"},
    "too-many-choices": {"too-many-choices"},
    "empty-choices": {"empty-value"},
    "empty-values": {"empty-value"},
    "tag-python-object": {"yaml-tag"},
    "tag-python-name": {"yaml-tag"},
    "tag-others": {"yaml-tag"},
    "tag-on-include": {"yaml-tag"},
    "tag-set": {"yaml-tag"},
    "billion-laughs": {"yaml-anchor"},
    "anchor-merge-key": {"yaml-anchor"},
    "anchor-only": {"yaml-anchor"},
    "deep-nesting-flow": {"too-deep"},
    "deep-nesting-block": {"too-deep"},
    "deep-nesting-unclosed": set(),
    "binary-bytes": {"not-utf8"},
    "binary-png": {"not-utf8"},
    "not-utf8-latin1": {"not-utf8"},
    "not-utf8-include": {"not-utf8"},
    "not-utf8-utf16": {"not-utf8"},
    "not-utf8-overlong": {"not-utf8"},
    "control-yaml-escapes": {"control-char"},
    "control-yaml-nel": {"control-char"},
    "control-raw-bytes": {"control-char"},
    "control-raw-in-block": {"control-char"},
    "control-in-key": set(),
    "control-c1-raw": {"control-char"},
    "include-dotdot": {"include-escapes"},
    "include-absolute": {"include-escapes"},
    "include-missing": {"include-missing"},
    "include-directory": set(),
    "include-extra-keys": {"unknown-key"},
    "include-self": {"duplicate-key"},
    "include-twice": {"duplicate-key"},
    "multiple-documents": {"yaml-documents"},
    "multiple-documents-include": {"yaml-documents"},
    "valid-document-markers": set(),
    "warn-unreachable": {"unreachable"},
    "warn-no-ending": {"no-ending"},
    "warn-empty-timeline": {"empty-timeline"},
    "warn-mirror-not-returned": {"mirror-not-returned"},
    "warn-all": {"unreachable", "no-ending", "empty-timeline", "mirror-not-returned"},
    "many-errors": {
        "bad-format",
        "bad-id",
        "empty-value",
        "unknown-scene",
        "unknown-timeline",
        "unknown-key",
        "scene-exits",
    },
    "valid-markup-lookalikes": set(),
    "valid-includes-and-unicode": set(),
    "valid-include-dotdot-inside": set(),
    "valid-utf8-bom": set(),
    "valid-crlf": set(),
    "valid-flow-style": set(),
}


# A file that stops being readable part-way; and the codes only a whole story can earn.
PARSE_CUT_SHORT = {"yaml-syntax", "too-deep", "too-large", "not-utf8", "unreadable"}
GRAPH_CODES = {
    "unknown-scene",
    "mirror-same-timeline",
    "unreachable",
    "no-ending",
    "empty-timeline",
    "mirror-not-returned",
}


def render(diagnostics: list) -> str:  # type: ignore[type-arg]
    return "".join(d.format() + "\n" for d in diagnostics)


def compare_golden(name: str, got: str) -> None:
    golden = CORPUS / name / "expected.txt"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, "utf-8")
    assert golden.is_file(), f"{golden} is missing: run with LAZYLAND_UPDATE_GOLDEN=1"
    assert got == golden.read_text("utf-8")


def test_corpus_is_large_and_every_case_is_described() -> None:
    everything = set(CASES) | RUNTIME_CASES
    assert len(everything) >= 40
    assert set(CASES) == set(MUST_REPORT), "describe each corpus case in MUST_REPORT"


@pytest.mark.parametrize("name", CASES)
def test_case_matches_its_golden_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    diagnostics = check_path(name)
    compare_golden(name, render(diagnostics))


@pytest.mark.parametrize("name", CASES)
def test_case_reports_what_it_is_about(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    diagnostics = check_path(name)
    codes = {d.code for d in diagnostics}
    assert MUST_REPORT[name] <= codes
    for d in diagnostics:
        assert d.code in CODES
        assert d.severity == CODES[d.code][0]
        assert d.span.line >= 1 and d.span.col >= 1
        # Paths read as typed: the case folder joined to the file's name.
        assert d.span.path.startswith(name + os.sep) or d.span.path == name, d.format()
        assert LINE.match(d.format()), d.format()
    if codes & PARSE_CUT_SHORT:
        # Part of the story was never read, so nothing is said about its graph.
        assert not codes & GRAPH_CODES, name
    if name.startswith("valid-"):
        assert diagnostics == []
    elif name.startswith("warn-"):
        assert diagnostics and all(d.severity == "warning" for d in diagnostics)
    else:
        assert any(d.is_error for d in diagnostics), f"{name} should not pass"


@pytest.mark.parametrize("name", CASES)
def test_golden_lines_are_well_formed(name: str) -> None:
    golden = CORPUS / name / "expected.txt"
    if not golden.is_file():
        pytest.skip("golden file not written yet")
    for line in golden.read_text("utf-8").splitlines():
        match = LINE.match(line)
        assert match, line
        assert match["code"] in CODES, line
        assert CODES[match["code"]][0] == match["severity"], line
        # A diagnostic never carries a raw control character to the terminal.
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", line), repr(line)


def test_diagnostics_are_sorted_by_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    for name in ("many-errors", "warn-all", "duplicate-scene-across-files"):
        diagnostics = check_path(name)
        keys = [(d.span.path, d.span.line, d.span.col) for d in diagnostics]
        assert keys == sorted(keys), name


def test_strict_turns_warnings_into_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    relaxed = check_path("warn-all")
    strict = check_path("warn-all", strict=True)
    assert [(d.span, d.code) for d in relaxed] == [(d.span, d.code) for d in strict]
    assert all(d.severity == "warning" for d in relaxed)
    assert all(d.severity == "error" for d in strict)


def test_load_story_never_raises_on_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    for name in CASES:
        result = load_story(name)
        assert result.story is None or isinstance(result.story.scenes, Mapping)
        for d in result.diagnostics:
            assert LINE.match(d.format())


# --- the command line, in a subprocess, for a handful --------------------------------

CLI_CASES = [
    "syntax-unclosed-quote",
    "tag-python-object",
    "billion-laughs",
    "binary-bytes",
    "control-raw-bytes",
    "duplicate-scene-across-files",
    "many-errors",
    "warn-all",
    "valid-markup-lookalikes",
]


def run_cli(*args: str, cwd: Path = CORPUS) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "lazyland", "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=cwd,
        env=env,
        timeout=120,
    )


def place(line: str) -> tuple[str, int, int, str, str]:
    match = LINE.match(line)
    assert match, line
    return (match["path"], int(match["line"]), int(match["col"]), match["code"], match["message"])


def diagnostic_lines(output: str) -> str:
    """The diagnostic lines of the checker's output, without its summary."""
    return "".join(line + "\n" for line in output.splitlines() if LINE.match(line))


def test_cli_prints_the_golden_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(*CLI_CASES)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    # One run over several stories reports them all, sorted by place as one list.
    lines = [
        line
        for name in CLI_CASES
        for line in (CORPUS / name / "expected.txt").read_text("utf-8").splitlines()
    ]
    lines.sort(key=place)
    assert diagnostic_lines(result.stdout) == "".join(line + "\n" for line in lines)


@pytest.mark.parametrize(
    ("name", "strict", "code"),
    [
        ("valid-markup-lookalikes", False, 0),
        ("valid-markup-lookalikes", True, 0),
        ("warn-all", False, 0),
        ("warn-all", True, 1),
        ("ref-goto-missing", False, 1),
        ("deep-nesting-flow", False, 1),
    ],
)
def test_cli_exit_codes(name: str, strict: bool, code: int) -> None:
    result = run_cli(name, *(["--strict"] if strict else []))
    assert "Traceback" not in result.stderr
    assert result.returncode == code
    assert diagnostic_lines(result.stdout + result.stderr) == (
        (CORPUS / name / "expected.txt").read_text("utf-8").replace(": warning: ", ": error: ")
        if strict
        else (CORPUS / name / "expected.txt").read_text("utf-8")
    )


def test_cli_json_matches_the_text_output() -> None:
    result = run_cli("many-errors", "--format", "json")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    items = json.loads(result.stdout)
    lines = [
        f"{i['path']}:{i['line']}:{i['col']}: {i['severity']}: {i['message']} [{i['code']}]"
        for i in items
    ]
    assert "".join(line + "\n" for line in lines) == (
        CORPUS / "many-errors" / "expected.txt"
    ).read_text("utf-8")


def test_cli_missing_path_is_a_usage_error() -> None:
    result = run_cli("no-such-story-here")
    assert "Traceback" not in result.stderr
    assert result.returncode == 2


# --- cases built at run time ---------------------------------------------------------

MIB = 1024 * 1024


def test_file_over_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "too-large"
    folder.mkdir()
    # A valid story padded past 8 MiB with a long comment: its size alone is the fault.
    body = (CORPUS / "valid-crlf" / "story.yaml").read_bytes().replace(b"\r\n", b"\n")
    padding = b"# " + b"x" * 1000 + b"\n"
    with open(folder / "story.yaml", "wb") as handle:
        handle.write(body)
        for _ in range(8 * MIB // len(padding) + 2):
            handle.write(padding)
    assert (folder / "story.yaml").stat().st_size > 8 * MIB
    monkeypatch.chdir(tmp_path)
    diagnostics = check_path("too-large")
    assert {d.code for d in diagnostics} == {"too-large"}
    compare_golden("too-large", render(diagnostics))


def test_file_just_under_the_size_cap_loads(tmp_path: Path) -> None:
    body = (CORPUS / "valid-crlf" / "story.yaml").read_bytes().replace(b"\r\n", b"\n")
    padding = b"# " + b"x" * 1000 + b"\n"
    path = tmp_path / "story.yaml"
    with open(path, "wb") as handle:
        handle.write(body)
        while handle.tell() + len(padding) < 8 * MIB - 1:
            handle.write(padding)
    assert path.stat().st_size < 8 * MIB
    assert check_path(tmp_path) == []


def test_includes_that_escape_by_symlink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "include-symlink"
    shutil.copytree(CORPUS / "include-symlink", folder)
    (folder / "expected.txt").unlink(missing_ok=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("scenes: {}\n", "utf-8")
    (outside / "inner.yaml").write_text("scenes: {}\n", "utf-8")
    # A file link out, a folder link out, and a link that stays inside (allowed).
    (folder / "linked-out.yaml").symlink_to(outside / "secret.yaml")
    (folder / "linked-dir").symlink_to(outside, target_is_directory=True)
    (folder / "linked-in.yaml").symlink_to(folder / "more.yaml")
    monkeypatch.chdir(tmp_path)
    diagnostics = check_path("include-symlink")
    assert [d.code for d in diagnostics] == ["include-escapes", "include-escapes"]
    compare_golden("include-symlink", render(diagnostics))


def test_story_folder_reached_through_a_symlink_still_loads(tmp_path: Path) -> None:
    """Only links that lead out of the story's own folder are refused."""
    (tmp_path / "via").symlink_to(CORPUS / "valid-includes-and-unicode", target_is_directory=True)
    assert check_path(tmp_path / "via") == []


def test_manifest_that_is_itself_a_symlink_out(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "story.yaml").symlink_to(CORPUS / "valid-flow-style" / "story.yaml")
    # The manifest is the user's own choice of file; only includes are confined.
    assert not [d for d in check_path(folder) if d.code != "include-escapes"]


# --- valid stories full of markup look-alikes are shown literally ----------------------

LITERALS = [
    "[bold]stays literal[/bold]",
    "[@click=app.quit]this[/]",
    "[link=https://example.com]here[/link]",
    "a lone [/ closer",
    "\\x1b[31m",
    "\\033[0m",
    "\\e[2J",
    "&lt;b&gt;",
    "&amp;",
    "<i>tags</i>",
    "[text](http://x)",
    "_underscores_",
    "__double__",
]


def lookalike_story():  # type: ignore[no-untyped-def]
    return open_story(CORPUS / "valid-markup-lookalikes")


def test_lookalikes_load_with_their_text_intact() -> None:
    story = lookalike_story()
    assert story.title == "[bold red]Not bold[/] [@click=app.quit]Not a button[/]"
    assert story.timeline("fantasy").label == "[link=https://example.com]What if[/link]"
    brackets = story.scene("brackets")
    assert brackets.title == "[b]Brackets[/b] and [/"
    assert brackets.choices[0].label == "[bold]Take the [@click=app.bell]first[/][/bold]"
    assert brackets.choices[1].label == "\\[escaped\\] [[double]] ]["
    assert story.scene("the-end").title == "\\x1b[0m"
    assert story.scene("the-end").ending == "[blink]The end[/blink]"


def test_lookalikes_survive_the_safe_text_path() -> None:
    story = lookalike_story()
    rendered = story_text.rich_text(story.scene("brackets").text)
    for literal in LITERALS:
        assert literal in rendered.plain, literal
    assert "\x1b" not in rendered.plain
    # Our own marks still work, and nothing else became a style or a link.
    styled = {rendered.plain[s.start : s.end] for s in rendered.spans}
    assert styled == {"emphasis", "strong"}
    for span in rendered.spans:
        assert "link" not in str(span.style) and "@click" not in str(span.style)
    assert "a lone ** pair of stars and a * single" in rendered.plain


@pytest.mark.parametrize(
    "value",
    [
        "[bold red]Not bold[/] [@click=app.quit]Not a button[/]",
        "[b]Brackets[/b] and [/",
        "[bold]Take the [@click=app.bell]first[/][/bold]",
        "\\[escaped\\] [[double]] ][",
        "[/]",
        "\\x1b[0m",
    ],
)
def test_lookalike_lines_render_literally(value: str) -> None:
    from rich.console import Console

    line = story_text.inline(value)
    assert line.plain == value
    console = Console(width=200, record=True, color_system=None, force_terminal=False)
    console.print(line)
    assert console.export_text().rstrip("\n") == value


def test_escape_written_as_yaml_escape_never_reaches_the_screen() -> None:
    # The loader refuses it; and if text ever carried one, the text path shows it.
    line = story_text.rich_text("Red \x1b[31malert\x1b[0m \x9b2J")
    assert "\x1b" not in line.plain and "\x9b" not in line.plain
    assert "\\x1b[31malert" in line.plain


async def test_lookalikes_are_literal_in_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lazyland.app import LazylandApp
    from lazyland.engine import Reading
    from lazyland.saves import SaveStore
    from lazyland.settings import Settings
    from lazyland.widgets.narration import Narration

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    story = open_story(CORPUS / "valid-markup-lookalikes")
    app = LazylandApp(
        Reading(story), store=SaveStore(story, tmp_path), settings=Settings(), animate=False
    )
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()

        def on_screen() -> str:
            strips = app.screen._compositor.render_strips()
            return " ".join("\n".join(strip.text for strip in strips).split())

        shown = on_screen()
        for literal in (
            "[bold]stays literal[/bold]",
            "[@click=app.quit]this[/]",
            "[link=https://example.com]here[/link]",
            "\\x1b[31m",
            "&lt;b&gt;",
            "[b]Brackets[/b] and [/",
            "[bold]Take the [@click=app.bell]first[/][/bold]",
        ):
            assert literal in shown, literal
        assert "\x1b" not in shown
        # The scene's title is exactly the story's characters, its first line on the page.
        narration = app.screen.query_one(Narration)
        assert narration.page.title.plain == "[b]Brackets[/b] and [/"
        assert str(narration.render()).splitlines()[0] == "[b]Brackets[/b] and [/"
        # Clicking the text where the fake action sits does nothing but finish a reveal.
        await pilot.click(Narration)
        await pilot.pause()
        assert app.is_running
        assert app.reading.position == "brackets"
        # The banner, the notes, the other timeline and the ending are literal too.
        assert "[reverse]What happened[/reverse]" in shown
        await pilot.press("e")
        await pilot.pause()
        assert "[on red]notes[/] {braces} $variable %s %(name)s {0}" in on_screen()
        await pilot.press("1")
        await pilot.pause()
        assert app.reading.position == "other-side"
        shown = on_screen()
        assert "[link=https://example.com]What if[/link]" in shown
        assert "[i]Both[/i]" in shown
        await pilot.press("n")
        await pilot.pause()
        assert app.reading.position == "the-end"
        assert "[blink]The end[/blink]" in on_screen()
        assert app.is_running


# --- the public YAML test suite, each document as a one-file story --------------------

SUITE_FILES = sorted(YAML_SUITE.glob("*.yaml")) if YAML_SUITE.is_dir() else []


@pytest.mark.skipif(not SUITE_FILES, reason="the YAML test suite is not beside the repository")
def test_yaml_suite_in_process(tmp_path: Path) -> None:
    assert len(SUITE_FILES) > 300
    outcomes: dict[str, int] = {"pass": 0, "diagnosed": 0}
    for path in SUITE_FILES:
        try:
            diagnostics = check_path(path)
        except Exception as error:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{path.name}: {type(error).__name__}: {error}")
        for d in diagnostics:
            assert d.code in CODES, (path.name, d.format())
            assert d.span.line >= 1 and d.span.col >= 1, (path.name, d.format())
            assert LINE.match(d.format()), (path.name, d.format())
            assert Path(d.span.path).name == path.name or Path(d.span.path).is_relative_to(
                path.parent
            ), (path.name, d.format())
        outcomes["diagnosed" if diagnostics else "pass"] += 1
    # None of these documents is a story, so none can pass.
    assert outcomes["pass"] == 0, outcomes


@pytest.mark.skipif(not SUITE_FILES, reason="the YAML test suite is not beside the repository")
def test_yaml_suite_through_the_cli(tmp_path: Path) -> None:
    # Every file at once, then a sample one by one, each copied in as story.yaml.
    result = run_cli(*[str(p) for p in SUITE_FILES], cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    reported = {LINE.match(line)["path"] for line in result.stdout.splitlines() if LINE.match(line)}
    assert {str(p) for p in SUITE_FILES} <= reported
    for path in SUITE_FILES[:: max(1, len(SUITE_FILES) // 12)]:
        folder = tmp_path / path.stem
        folder.mkdir()
        shutil.copyfile(path, folder / "story.yaml")
        result = run_cli(path.stem, cwd=tmp_path)
        assert "Traceback" not in result.stderr, path.name
        assert result.returncode == 1, path.name
        lines = diagnostic_lines(result.stdout)
        assert lines and all(
            line.startswith(f"{path.stem}/story.yaml:") for line in lines.splitlines()
        )
