"""Whatever the bytes, the loader gives a Story or located diagnostics, never an exception.

Two sources of hostile input: every document of the YAML test suite (read as a
one-file story), and hypothesis-made bytes and near-YAML text, both whole files
and splices into a valid story and its include file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_loader import VALID

from lazyland.check import CODES, check_path, check_story
from lazyland.loader import LoadResult, load_story

SUITE = Path(__file__).resolve().parents[2] / "shared" / "yaml-test-suite" / "cases"
CASES = sorted(SUITE.glob("*.yaml")) if SUITE.is_dir() else []


def assert_located(result: LoadResult, files: dict[str, bytes]) -> None:
    """Every diagnostic names one of the files and a place inside it."""
    assert isinstance(result, LoadResult)
    for d in result.diagnostics:
        assert d.code in CODES, d
        assert d.severity == CODES[d.code][0], d
        assert d.message and "\n" not in d.message, d
        assert d.span.path in files or d.code == "unreadable", d
        data = files.get(d.span.path, b"")
        lines = re.split(rb"\r\n|\r|\n", data)  # the line breaks YAML counts
        assert 1 <= d.span.line <= len(lines) + 1, d
        width = len(lines[d.span.line - 1]) if d.span.line <= len(lines) else 0
        assert 1 <= d.span.col <= width + 1, d
    if result.story is not None:
        for d in check_story(result.story):
            assert d.code in CODES


@pytest.mark.skipif(not CASES, reason="the YAML test suite is not beside the repository")
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_yaml_suite_case_gives_a_story_or_located_diagnostics(case: Path) -> None:
    result = load_story(case)
    assert_located(result, {str(case): case.read_bytes()})
    if result.story is None:
        assert any(d.is_error for d in result.diagnostics)


def test_yaml_suite_is_present_when_shared_is() -> None:
    if SUITE.parent.is_dir():
        assert len(CASES) > 100


# ---------------------------------------------------------------- hypothesis

FRAGMENTS = [
    "format: 1",
    "id: demo",
    "title: T",
    "start: one",
    "timelines:",
    "  real:",
    "    label: L",
    "scenes:",
    "  one:",
    "    timeline: real",
    "    text: |",
    "    next: one",
    "    choices:",
    "      - label: a",
    "        goto: one",
    "include:",
    "  - more.yaml",
    "  - ../x.yaml",
    "- ",
    "? ",
    ": ",
    ":",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "&b [*a, *a]",
    "!!python/object:os.system ",
    "!!binary ",
    "!x ",
    "!<tag:x> ",
    "|",
    ">-",
    "'",
    '"',
    '"\\x01"',
    '"\\u0000"',
    '"\\e"',
    "\\",
    "#",
    "---",
    "...",
    "%YAML 1.1",
    "%TAG ! tag:x,2000:",
    "\n",
    "\n",
    "\n",
    "  ",
    "    ",
    "\t",
    "\r\n",
    "\r",
    "\x00",
    "\x1b[31m",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "é",
    "😀",
    "yes",
    "~",
    "null",
    "0x1F",
    "1.5",
    "2016-05-01",
    "<<: ",
    "=",
    "[" * 20,
    "{a: " * 15,
]

near_yaml = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60).map(
    "".join
)


@st.composite
def spliced(draw: st.DrawFn) -> str:
    """The valid story with fragments inserted and slices cut out."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(near_yaml) + text[at:]
        else:
            end = draw(st.integers(at, min(len(text), at + 40)))
            text = text[:at] + text[end:]
    return text


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def load_bytes(folder: Path, manifest: bytes, more: bytes | None = None) -> None:
    story = folder / "story.yaml"
    story.write_bytes(manifest)
    files = {str(story): manifest}
    if more is not None:
        (folder / "more.yaml").write_bytes(more)
        files[str(folder / "more.yaml")] = more
    elif (folder / "more.yaml").exists():
        files[str(folder / "more.yaml")] = (folder / "more.yaml").read_bytes()
    result = load_story(folder)
    assert_located(result, files)
    check_path(folder, strict=True)


SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_give_located_diagnostics(folder: Path, data: bytes) -> None:
    load_bytes(folder, data, b"scenes: {}\n")


@SETTINGS
@given(text=near_yaml)
def test_near_yaml_text_gives_located_diagnostics(folder: Path, text: str) -> None:
    load_bytes(folder, encode(text), b"scenes: {}\n")


@SETTINGS
@given(text=spliced())
def test_spliced_valid_story_gives_located_diagnostics(folder: Path, text: str) -> None:
    load_bytes(folder, encode(text), b"scenes: {}\n")


@SETTINGS
@given(more=st.one_of(near_yaml.map(encode), st.binary(max_size=1000)))
def test_hostile_include_file_gives_located_diagnostics(folder: Path, more: bytes) -> None:
    manifest = VALID.replace("scenes:\n", "include:\n  - more.yaml\nscenes:\n")
    load_bytes(folder, manifest.encode(), b"scenes:\n" + more)


# ---------------------------------------------------------------- without libyaml


@pytest.fixture
def pure_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read with PyYAML's pure-Python parser, as an install without libyaml would."""
    import yaml

    from lazyland import loader

    monkeypatch.setattr(loader, "_parser", lambda text: yaml.SafeLoader(text))


@pytest.mark.skipif(not CASES, reason="the YAML test suite is not beside the repository")
@pytest.mark.usefixtures("pure_parser")
def test_yaml_suite_with_the_pure_python_parser() -> None:
    for case in CASES:
        assert_located(load_story(case), {str(case): case.read_bytes()})


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.one_of(near_yaml, spliced()))
@pytest.mark.usefixtures("pure_parser")
def test_near_yaml_with_the_pure_python_parser(folder: Path, text: str) -> None:
    load_bytes(folder, encode(text), b"scenes: {}\n")
