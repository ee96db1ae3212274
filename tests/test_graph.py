"""lazyland graph: Mermaid and dot drawings that hold every scene, whatever the titles say."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from strategies import sample_story, stories

from lazyland.graph import to_dot, to_mermaid
from lazyland.model import Choice, Scene, Story, Timeline
from lazyland.text import plain_inline

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "story" / "la-la-land"

NASTY = [
    'Say "when"',
    "Back\\slash at the end\\",
    "[brackets] {braces} (parens) <tags> & amps",
    "A # hash; %% not a comment; `ticks` | pipe",
    "Line one\nline two",
    "end",
    'x"]; evil -> "y',
    "\\n\\l\\N escapes that are not",
]


def hostile_story() -> Story:
    """Every title, label and timeline name is something that breaks a naive drawing."""
    scenes = []
    for n, title in enumerate(NASTY):
        scene_id = "end" if n == 0 else f"s{n}"
        following = "end" if n == len(NASTY) - 1 else f"s{n + 1}"
        if n == len(NASTY) - 1:
            scenes.append(Scene(scene_id, "dream", title, "x", ending=f'Fin "{n}"\\'))
        elif n % 2:
            scenes.append(
                Scene(
                    scene_id,
                    "real",
                    title,
                    "x",
                    choices=(Choice(NASTY[-n], following), Choice('"', f"s{len(NASTY) - 1}")),
                    mirror=f"s{len(NASTY) - 1}",
                )
            )
        else:
            scenes.append(Scene(scene_id, "real" if n < 4 else "dream", title, "x", next=following))
    # Scene "end" is the first, so "end" leads on to s1 and the last scene ends.
    return Story(
        id="hostile",
        title='The "hostile" \\ story',
        start="end",
        timelines=(Timeline("real", 'Real "one" [x]'), Timeline("dream", "Dream\\")),
        scenes={s.id: s for s in scenes},
    )


def expected_edges(story: Story) -> tuple[int, int]:
    """(solid edges, dashed mirror edges) the drawing must hold."""
    solid = sum((s.next is not None) + len(s.choices) for s in story.scenes.values())
    dashed = sum(s.mirror is not None for s in story.scenes.values())
    return solid, dashed


# --- a small reader for the dot we write ------------------------------------------

DOT_STRING = r'"(?:[^"\\]|\\.)*"'
DOT_NODE = re.compile(rf"^\s*({DOT_STRING}) \[(.*)\];$")
DOT_EDGE = re.compile(rf"^\s*({DOT_STRING}) -> ({DOT_STRING})(?: \[(.*)\])?;$")


def dot_unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def read_dot(source: str) -> dict[str, object]:
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    clusters = 0
    for line in source.splitlines():
        if line.strip().startswith("subgraph cluster_"):
            clusters += 1
        elif match := DOT_EDGE.match(line):
            edges.append((dot_unquote(match[1]), dot_unquote(match[2]), match[3] or ""))
        elif match := DOT_NODE.match(line):
            nodes[dot_unquote(match[1])] = match[2]
    return {"nodes": nodes, "edges": edges, "clusters": clusters}


def test_dot_holds_every_scene_edge_and_cluster() -> None:
    story = hostile_story()
    drawn = read_dot(to_dot(story))
    assert set(drawn["nodes"]) == set(story.scenes)  # type: ignore[arg-type]
    solid, dashed = expected_edges(story)
    edges = drawn["edges"]
    assert len([e for e in edges if "dashed" not in e[2]]) == solid  # type: ignore[union-attr]
    assert len([e for e in edges if "dashed" in e[2]]) == dashed  # type: ignore[union-attr]
    assert drawn["clusters"] == len(story.timelines)


def test_dot_marks_endings_with_their_own_shape() -> None:
    story = sample_story()
    nodes = read_dot(to_dot(story))["nodes"]
    marked = {i for i, attrs in nodes.items() if "doubleoctagon" in attrs}  # type: ignore[union-attr]
    assert marked == {s.id for s in story.endings()}


def test_dot_labels_read_back_as_the_plain_titles() -> None:
    story = hostile_story()
    nodes = read_dot(to_dot(story))["nodes"]
    for scene in story.scenes.values():
        attrs = nodes[scene.id]  # type: ignore[index]
        label = re.match(rf"label=({DOT_STRING})", attrs)
        assert label is not None
        # '\\n' in the file is dot's line break between the title and the id.
        title, _, scene_id = label[1][1:-1].rpartition("\\n")
        assert scene_id == scene.id
        assert re.sub(r"\\(.)", r"\1", title) == plain_inline(scene.title)


@settings(max_examples=40, deadline=None)
@given(stories(max_scenes=12))
def test_dot_structure_holds_for_generated_stories(story: Story) -> None:
    drawn = read_dot(to_dot(story))
    assert set(drawn["nodes"]) == set(story.scenes)  # type: ignore[arg-type]
    solid, dashed = expected_edges(story)
    assert len(drawn["edges"]) == solid + dashed  # type: ignore[arg-type]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("make", [hostile_story, sample_story], ids=["hostile", "sample"])
def test_graphviz_renders_the_dot_without_complaint(make) -> None:  # type: ignore[no-untyped-def]
    story = make()
    result = subprocess.run(
        ["dot", "-Tsvg"], input=to_dot(story), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stderr == ""
    svg = ET.fromstring(result.stdout)
    texts = {"".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    for scene in story.scenes.values():
        assert plain_inline(scene.title) in texts
        assert scene.id in texts
    for timeline in story.timelines:
        assert plain_inline(timeline.label) in texts


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_renders_the_bundled_story() -> None:
    graph = subprocess.run(
        [sys.executable, "-m", "lazyland", "graph", str(BUNDLED), "--format", "dot"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert graph.returncode == 0, graph.stderr
    result = subprocess.run(
        ["dot", "-Tsvg"], input=graph.stdout, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stderr == ""


# --- a small reader for the Mermaid we write --------------------------------------

MERMAID_NODE = re.compile(r'^\s+(n\d+)(\(\[|\[)"([^"]*)"(\]\)|\])$')
MERMAID_EDGE = re.compile(r'^\s+(n\d+) (-->|-\.->)(?:\|("[^"]*"|mirror)\|)? (n\d+)$')
MERMAID_SUBGRAPH = re.compile(r'^\s+subgraph t\d+ \["([^"]*)"\]$')


def mermaid_decode(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), text)


def test_mermaid_holds_every_scene_edge_and_subgraph() -> None:
    story = hostile_story()
    source = to_mermaid(story)
    nodes: dict[str, str] = {}
    shapes: dict[str, str] = {}
    solid = dashed = subgraphs = 0
    for line in source.splitlines()[2:]:
        if match := MERMAID_NODE.match(line):
            nodes[match[1]] = match[3]
            shapes[match[1]] = match[2]
        elif match := MERMAID_EDGE.match(line):
            if match[2] == "-->":
                solid += 1
            else:
                dashed += 1
        elif match := MERMAID_SUBGRAPH.match(line):
            subgraphs += 1
        else:
            # Anything else is structure we wrote ourselves, never story text.
            assert re.fullmatch(r"\s*(end|classDef .*|class [n\d,]+ \w+)", line), line
    assert (solid, dashed) == expected_edges(story)
    assert subgraphs == len(story.timelines)
    ids = {}
    for name, label in nodes.items():
        title, _, scene_id = label.rpartition("<br/>")
        ids[scene_id] = name
        assert mermaid_decode(title) == plain_inline(story.scenes[scene_id].title)
        # Only letters, digits, a few marks and entity codes reach the label.
        assert re.fullmatch(r"([\w .,'?!:;()/+=@*-]|#\d+;)*", title), title
    assert set(ids) == set(story.scenes)
    endings = {ids[s.id] for s in story.endings()}
    assert {n for n, shape in shapes.items() if shape == "(["} == endings
    assert f"class {','.join(sorted(endings, key=lambda n: int(n[1:])))} ending" in source


def test_mermaid_node_names_avoid_reserved_words() -> None:
    # A scene called "end" must not close a subgraph.
    source = to_mermaid(hostile_story())
    assert not re.search(r"^\s*end\b.*\S", source, re.M)
    assert source.count("\n  end\n") == len(hostile_story().timelines)


@settings(max_examples=40, deadline=None)
@given(stories(max_scenes=12))
def test_mermaid_labels_decode_to_the_titles_for_generated_stories(story: Story) -> None:
    labels = [m[3] for m in map(MERMAID_NODE.match, to_mermaid(story).splitlines()) if m]
    assert len(labels) == len(story.scenes)
    decoded = {}
    for label in labels:
        title, _, scene_id = label.rpartition("<br/>")
        decoded[scene_id] = mermaid_decode(title)
    assert decoded == {i: plain_inline(s.title) for i, s in story.scenes.items()}


# --- the command ------------------------------------------------------------------


def test_graph_command_prints_both_formats() -> None:
    for fmt, marker in (("mermaid", "flowchart TD"), ("dot", "digraph")):
        result = subprocess.run(
            [sys.executable, "-m", "lazyland", "graph", str(BUNDLED), "--format", fmt],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0 and marker in result.stdout
        assert "after-the-audition" in result.stdout


def test_graph_of_an_invalid_story_exits_2_with_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("format: 2\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", "graph", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "error" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
