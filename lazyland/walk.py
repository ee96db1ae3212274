"""`lazyland walk`: explore every path of a story and say what it reaches.

The story is a graph: scenes are nodes, and ``next``, each choice's ``goto`` and
``mirror`` are edges (every move a reader can make). The exhaustive walk is one
breadth-first pass over that graph, so a story with loops or ten thousand scenes
costs time in proportion to its size, never to the number of paths through it.

Visit counts mean two different, documented things:

* exhaustive (the default): the number of ways into a scene, that is the edges
  from reachable scenes that arrive at it, plus one for the start (where every
  reading begins). A scene with 0 visits is never reached; a scene with many is
  a crossroads that a lot of paths pass through.
* ``--random N``: how many times the N seeded playthroughs stood on the scene.

"Cannot end" scenes are reachable scenes from which no ending can be reached by
any sequence of moves; "endless loops" are the loops (strongly connected groups
of scenes) among them, where a reader can go round forever.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lazyland.model import Story, StoryError
from lazyland.text import plain_inline

EXHAUSTIVE = "exhaustive"
RANDOM = "random"

# One move out of a scene: (kind, choice index or 0, target scene id).
Edge = tuple[str, int, str]


def edges(story: Story, scene_id: str) -> Iterator[Edge]:
    """Every move a reader can make from a scene, in the order the reader sees them."""
    scene = story.scenes[scene_id]
    if scene.next is not None:
        yield ("next", 0, scene.next)
    for index, choice in enumerate(scene.choices):
        yield ("choice", index, choice.goto)
    if scene.mirror is not None:
        yield ("mirror", 0, scene.mirror)


Moves = dict[str, list[Edge]]


def moves(story: Story) -> Moves:
    """Every scene's moves whose target exists (a story built by hand may name a
    missing scene), worked out once and shared by every pass over the graph."""
    scenes = story.scenes
    return {
        scene_id: [edge for edge in edges(story, scene_id) if edge[2] in scenes]
        for scene_id in scenes
    }


def can_end(story: Story, graph: Moves | None = None) -> set[str]:
    """Scenes from which some sequence of moves reaches an ending (endings included)."""
    graph = moves(story) if graph is None else graph
    incoming: dict[str, list[str]] = {scene_id: [] for scene_id in graph}
    for scene_id, out in graph.items():
        for _, _, target in out:
            incoming[target].append(scene_id)
    found = {scene.id for scene in story.endings()}
    queue = deque(found)
    while queue:
        for source in incoming[queue.popleft()]:
            if source not in found:
                found.add(source)
                queue.append(source)
    return found


def loops(story: Story, graph: Moves | None = None) -> list[list[str]]:
    """Strongly connected groups of scenes that form a loop (more than one scene, or a
    scene that leads to itself), each in story order; Tarjan's algorithm without recursion."""
    graph = moves(story) if graph is None else graph
    order = {scene_id: n for n, scene_id in enumerate(story.scenes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in story.scenes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = []
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, iter([t for _, _, t in graph[root]])))
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter([t for _, _, t in graph[target]])))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                self_loop = any(t == node for _, _, t in graph[node])
                if len(group) > 1 or self_loop:
                    groups.append(sorted(group, key=order.__getitem__))
    groups.sort(key=lambda g: order[g[0]])
    return groups


@dataclass
class WalkReport:
    """What a walk found; every output format is drawn from this and nothing else."""

    story: Story
    mode: str
    visits: dict[str, int]  # every scene id, in story order
    moves_taken: set[tuple[str, str, int]] = field(default_factory=set)  # (scene, kind, index)
    ends: set[str] = field(default_factory=set)  # scenes from which an ending can be reached
    endless: list[list[str]] = field(default_factory=list)
    seed: int | None = None
    runs: int = 0
    max_steps: int = 0
    ended: int = 0
    stuck: int = 0
    cut: int = 0

    # --- what the numbers say ------------------------------------------------

    @property
    def reached(self) -> list[str]:
        return [scene_id for scene_id, n in self.visits.items() if n > 0]

    @property
    def unreached(self) -> list[str]:
        return [scene_id for scene_id, n in self.visits.items() if n == 0]

    @property
    def cannot_end(self) -> list[str]:
        """Reached scenes from which no ending can be reached."""
        return [s for s in self.reached if s not in self.ends]

    @property
    def ok(self) -> bool:
        return not self.unreached and not self.cannot_end and not self.stuck

    def timeline_coverage(self, timeline_id: str) -> dict[str, int]:
        counts = dict.fromkeys(
            ("scenes", "scenes_reached", "choices", "choices_taken", "toggles", "toggles_taken"),
            0,
        )
        for scene in self.story.scenes_in(timeline_id):
            counts["scenes"] += 1
            counts["scenes_reached"] += self.visits[scene.id] > 0
            for index in range(len(scene.choices)):
                counts["choices"] += 1
                counts["choices_taken"] += (scene.id, "choice", index) in self.moves_taken
            if scene.mirror is not None:
                counts["toggles"] += 1
                counts["toggles_taken"] += (scene.id, "mirror", 0) in self.moves_taken
        return counts

    def exit_code(self) -> int:
        return 0 if self.ok else 1


def explore(story: Story) -> WalkReport:
    """Every path at once: one breadth-first pass over scenes and moves."""
    graph = moves(story)
    visits = dict.fromkeys(story.scenes, 0)
    taken: set[tuple[str, str, int]] = set()
    if story.start in story.scenes:
        visits[story.start] = 1
        queue = deque([story.start])
        queued = {story.start}
        while queue:
            scene_id = queue.popleft()
            for kind, index, target in graph[scene_id]:
                taken.add((scene_id, kind, index))
                visits[target] += 1
                if target not in queued:
                    queued.add(target)
                    queue.append(target)
    ends = can_end(story, graph)
    report = WalkReport(story, EXHAUSTIVE, visits, taken, ends)
    reached = set(report.reached)
    report.endless = [g for g in loops(story, graph) if g[0] in reached and g[0] not in ends]
    return report


def playthroughs(story: Story, runs: int, seed: int, max_steps: int | None = None) -> WalkReport:
    """``runs`` seeded random readings, each picking uniformly among the moves on offer.

    A playthrough stops at an ending, at a scene from which no ending can be reached
    (it is stuck: that path cannot end), or after ``max_steps`` moves (cut short; a
    loop that can still end is not a fault).
    """
    rng = random.Random(seed)
    limit = max_steps if max_steps is not None else max(100, 4 * len(story.scenes))
    graph = moves(story)
    visits = dict.fromkeys(story.scenes, 0)
    taken: set[tuple[str, str, int]] = set()
    ends = can_end(story, graph)
    report = WalkReport(story, RANDOM, visits, taken, ends, seed=seed, runs=runs, max_steps=limit)
    if story.start not in story.scenes:
        return report
    for _ in range(runs):
        current = story.start
        visits[current] += 1
        for _step in range(limit):
            if story.scenes[current].is_ending:
                report.ended += 1
                break
            options = graph[current] if current in ends else []
            if not options:
                report.stuck += 1
                break
            kind, index, target = rng.choice(options)
            taken.add((current, kind, index))
            current = target
            visits[current] += 1
        else:
            if story.scenes[current].is_ending:
                report.ended += 1
            elif current not in ends:
                report.stuck += 1
            else:
                report.cut += 1
    reached = set(report.reached)
    report.endless = [g for g in loops(story, graph) if g[0] in reached and g[0] not in ends]
    return report


# --- output ------------------------------------------------------------------


def _title(story: Story, scene_id: str) -> str:
    return plain_inline(story.scenes[scene_id].title)


def _percent(part: int, whole: int) -> str:
    return "-" if whole == 0 else f"{100 * part // whole}%"


def render_text(report: WalkReport) -> str:
    story = report.story
    lines = [f"{plain_inline(story.title)} ({story.id}): {len(story.scenes)} scenes"]
    if report.mode == EXHAUSTIVE:
        lines.append(f"every path from {story.start}; visits count the ways into each scene")
    else:
        lines.append(
            f"{report.runs} random playthroughs, seed {report.seed}: {report.ended} ended, "
            f"{report.stuck} could not end, {report.cut} cut short at {report.max_steps} moves"
        )
    lines.append("")
    for timeline in story.timelines:
        c = report.timeline_coverage(timeline.id)
        lines.append(
            f"timeline {timeline.id} ({plain_inline(timeline.label)}): "
            f"scenes {c['scenes_reached']}/{c['scenes']} "
            f"({_percent(c['scenes_reached'], c['scenes'])}), "
            f"choices {c['choices_taken']}/{c['choices']} "
            f"({_percent(c['choices_taken'], c['choices'])}), "
            f"toggles {c['toggles_taken']}/{c['toggles']}"
        )
    endings = list(story.endings())
    reached_endings = [s for s in endings if report.visits[s.id] > 0]
    lines.append("")
    found = "reachable" if report.mode == EXHAUSTIVE else "reached"
    lines.append(f"endings {found}: {len(reached_endings)}/{len(endings)}")
    for scene in endings:
        mark = "ok " if report.visits[scene.id] else "-- "
        lines.append(
            f"  {mark}{scene.id}: {plain_inline(scene.ending or '')} "
            f"(visits {report.visits[scene.id]})"
        )

    def listing(heading: str, ids: list[str]) -> None:
        lines.append(f"{heading}: {len(ids) or 'none'}")
        lines.extend(f"  {scene_id}: {_title(story, scene_id)}" for scene_id in ids)

    lines.append("")
    listing("never reached", report.unreached)
    listing("cannot end from here", report.cannot_end)
    lines.append(f"endless loops: {len(report.endless) or 'none'}")
    lines.extend("  " + " -> ".join(group) for group in report.endless)
    lines.append("")
    if report.ok:
        lines.append("ok: every scene is reached and every path can end")
    else:
        problems = []
        if report.unreached:
            problems.append(f"{len(report.unreached)} never reached")
        if report.cannot_end:
            problems.append(f"{len(report.cannot_end)} cannot end")
        if report.stuck:
            problems.append(f"{report.stuck} playthroughs could not end")
        lines.append("problems: " + ", ".join(problems))
    return "\n".join(lines) + "\n"


def as_dict(report: WalkReport) -> dict[str, object]:
    story = report.story
    visits_mean = (
        "ways in: edges from reachable scenes arriving here, plus one for the start"
        if report.mode == EXHAUSTIVE
        else "times the playthroughs stood on this scene"
    )
    data: dict[str, object] = {
        "story": story.id,
        "title": plain_inline(story.title),
        "mode": report.mode,
        "visits_mean": visits_mean,
        "ok": report.ok,
    }
    if report.mode == RANDOM:
        data["playthroughs"] = {
            "runs": report.runs,
            "seed": report.seed,
            "max_moves": report.max_steps,
            "ended": report.ended,
            "could_not_end": report.stuck,
            "cut_short": report.cut,
        }
    data["timelines"] = [
        {"id": t.id, "label": plain_inline(t.label), **report.timeline_coverage(t.id)}
        for t in story.timelines
    ]
    data["scenes"] = [
        {
            "id": scene.id,
            "timeline": scene.timeline,
            "title": plain_inline(scene.title),
            "visits": report.visits[scene.id],
            "reached": report.visits[scene.id] > 0,
            "can_end": scene.id in report.ends,
            "ending": plain_inline(scene.ending) if scene.ending is not None else None,
        }
        for scene in story.scenes.values()
    ]
    data["endings"] = [
        {
            "id": scene.id,
            "name": plain_inline(scene.ending or ""),
            "reached": report.visits[scene.id] > 0,
            "visits": report.visits[scene.id],
        }
        for scene in story.endings()
    ]
    data["unreached"] = report.unreached
    data["cannot_end"] = report.cannot_end
    data["endless_loops"] = report.endless
    return data


def render_json(report: WalkReport) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"


def render_junit(report: WalkReport) -> str:
    """A JUnit report: a test case per scene (is it reached, can it end) and per ending."""
    story = report.story
    suite = ET.Element("testsuite", name=f"lazyland walk {story.id}")
    failures = 0
    cases = 0
    for scene in story.scenes.values():
        cases += 1
        case = ET.SubElement(
            suite, "testcase", classname=f"{story.id}.{scene.timeline}", name=f"reached {scene.id}"
        )
        problem = None
        if report.visits[scene.id] == 0:
            problem = f"{scene.id} ({plain_inline(scene.title)}) is never reached"
        elif scene.id not in report.ends:
            problem = f"no ending can be reached from {scene.id} ({plain_inline(scene.title)})"
        if problem:
            failures += 1
            ET.SubElement(case, "failure", message=problem, type="walk").text = problem
    for scene in story.endings():
        cases += 1
        case = ET.SubElement(
            suite, "testcase", classname=f"{story.id}.endings", name=f"ending {scene.id}"
        )
        if report.visits[scene.id] == 0:
            failures += 1
            problem = f"the ending {plain_inline(scene.ending or '')} ({scene.id}) is never reached"
            ET.SubElement(case, "failure", message=problem, type="walk").text = problem
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    root = ET.Element("testsuites", name="lazyland walk", tests=str(cases), failures=str(failures))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


RENDERERS = {"text": render_text, "json": render_json, "junit": render_junit}


# --- the command ---------------------------------------------------------------


def load_for_tool(path: str, command: str) -> Story | int:
    """Open a story for an author tool, or print why not and return exit code 2."""
    if not os.path.exists(path):
        print(f"lazyland {command}: no story at {path}", file=sys.stderr)
        return 2
    try:
        from lazyland.loader import open_story

        return open_story(Path(path))
    except StoryError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        print(f"lazyland {command}: {path} is not a valid story", file=sys.stderr)
        return 2
    except (OSError, UnicodeError) as error:
        print(f"lazyland {command}: cannot read {path}: {error}", file=sys.stderr)
        return 2


def run_walk(args: argparse.Namespace) -> int:
    if args.random is not None and args.random < 1:
        print("lazyland walk: --random needs a count of 1 or more", file=sys.stderr)
        return 2
    story = load_for_tool(args.story, "walk")
    if isinstance(story, int):
        return story
    if args.random is None:
        report = explore(story)
    else:
        report = playthroughs(story, args.random, args.seed)
    sys.stdout.write(RENDERERS[args.format](report))
    return report.exit_code()
