"""Graph checks over a loaded Story, and the `lazyland check` command.

`check_story` looks at how scenes connect: references that lead nowhere, mirrors
that stay in their own timeline, scenes that cannot be reached or cannot reach
an ending. `check_path` loads and checks one story; `run_check` reports every
problem of every story given, one line each, and sets the exit code.

Nothing here imports Textual; Rich is imported only when a report is printed.
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from collections.abc import Iterable

from lazyland.model import Diagnostic, Span, Story

__all__ = ["CODES", "check_story", "check_path", "run_check", "sort_diagnostics"]

CODES: dict[str, tuple[str, str]] = {
    "yaml-syntax": ("error", "the file is not valid YAML"),
    "yaml-tag": ("error", "a YAML tag (!!python/..., !!binary, !custom); stories use plain data"),
    "yaml-anchor": ("error", "a YAML anchor (&name) or alias (*name); write values out in full"),
    "yaml-documents": ("error", "more than one YAML document in a file"),
    "too-deep": ("error", "nesting deeper than any story needs"),
    "too-large": ("error", "a file over 8 MiB"),
    "not-utf8": ("error", "bytes that are not UTF-8"),
    "control-char": ("error", "a control character other than newline or tab"),
    "unreadable": ("error", "the story path does not exist or cannot be read"),
    "missing-key": ("error", "a required key is missing"),
    "wrong-type": ("error", "a value of the wrong kind (text, number, list, mapping)"),
    "unknown-key": ("error", "a key the format does not know (the nearest one is suggested)"),
    "duplicate-key": ("error", "a key written twice in one mapping, or a file included twice"),
    "duplicate-scene": ("error", "a scene id defined in two places"),
    "bad-id": ("error", "an id not of the form [a-z0-9][a-z0-9_-]{0,63}"),
    "bad-format": ("error", "a format version other than 1"),
    "unknown-scene": ("error", "a next, goto, mirror or start that names no scene"),
    "unknown-timeline": ("error", "a scene in a timeline the story does not declare"),
    "mirror-same-timeline": ("error", "a mirror into the scene's own timeline"),
    "scene-exits": ("error", "a scene with none, or more than one, of next / choices / ending"),
    "too-many-choices": ("error", "more than 9 choices in one scene"),
    "empty-value": ("error", "an empty title, text, label or list"),
    "include-escapes": ("error", "an include that leaves the story folder"),
    "include-missing": ("error", "an include that names no file"),
    "unreachable": ("warning", "a scene that cannot be reached from the start"),
    "no-ending": ("warning", "a scene from which no ending can be reached"),
    "empty-timeline": ("warning", "a timeline with no scenes"),
    "mirror-not-returned": ("warning", "a mirror whose scene does not mirror back"),
}


def _warning(span: Span, message: str, code: str) -> Diagnostic:
    return Diagnostic(span, "warning", message, code)


def _error(span: Span, message: str, code: str) -> Diagnostic:
    return Diagnostic(span, "error", message, code)


def _closure(starts: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    """Every scene reachable from ``starts`` along ``edges`` (breadth first, no recursion)."""
    found = set(starts)
    queue = deque(found)
    while queue:
        for target in edges[queue.popleft()]:
            if target not in found:
                found.add(target)
                queue.append(target)
    return found


def check_story(story: Story) -> list[Diagnostic]:
    """Every graph-level problem of a loaded story, errors and warnings."""
    out: list[Diagnostic] = []
    scenes = story.scenes
    # Edges count next, goto and mirror, as the format says reachability does.
    edges: dict[str, list[str]] = {}
    for scene in scenes.values():
        targets: list[str] = []
        where = f"scene {scene.id!r}"
        if scene.next is not None:
            if scene.next in scenes:
                targets.append(scene.next)
            else:
                out.append(
                    _error(
                        scene.span_of("next"),
                        f"{where} continues to {scene.next!r}, which is not a scene",
                        "unknown-scene",
                    )
                )
        for number, choice in enumerate(scene.choices, 1):
            if choice.goto in scenes:
                targets.append(choice.goto)
            else:
                out.append(
                    _error(
                        choice.span,
                        f"choice {number} of {where} goes to {choice.goto!r}, which is not a scene",
                        "unknown-scene",
                    )
                )
        mirror = scene.mirror
        if mirror is not None:
            other = scenes.get(mirror)
            span = scene.span_of("mirror")
            if other is None:
                out.append(
                    _error(
                        span, f"{where} mirrors {mirror!r}, which is not a scene", "unknown-scene"
                    )
                )
            else:
                targets.append(mirror)
                if other.timeline == scene.timeline:
                    out.append(
                        _error(
                            span,
                            f"{where} mirrors {mirror!r}, which is in the same timeline"
                            f" ({scene.timeline!r}); a mirror leads to another timeline",
                            "mirror-same-timeline",
                        )
                    )
                elif other.mirror != scene.id:
                    back = (
                        f"mirrors {other.mirror!r}" if other.mirror is not None else "has no mirror"
                    )
                    out.append(
                        _warning(
                            span,
                            f"{where} mirrors {mirror!r}, but {mirror!r} {back};"
                            " toggling twice will not come back here",
                            "mirror-not-returned",
                        )
                    )
        edges[scene.id] = targets

    if not story.start:
        pass  # a story without a start is already reported by the loader
    elif story.start not in scenes:
        out.append(
            _error(
                story.span_of("start"),
                f"the story starts at {story.start!r}, which is not a scene",
                "unknown-scene",
            )
        )
    else:
        reached = _closure((story.start,), edges)
        for scene in scenes.values():
            if scene.id not in reached:
                out.append(
                    _warning(
                        scene.span,
                        f"scene {scene.id!r} cannot be reached from the start"
                        f" ({story.start!r}) by next, choices or mirrors",
                        "unreachable",
                    )
                )

    # Scenes that can reach an ending: walk the edges backwards from every ending.
    incoming: dict[str, list[str]] = {scene_id: [] for scene_id in scenes}
    for source, targets in edges.items():
        for target in targets:
            incoming[target].append(source)
    finishing = _closure((s.id for s in scenes.values() if s.ending is not None), incoming)
    for scene in scenes.values():
        if scene.id not in finishing:
            out.append(
                _warning(
                    scene.span,
                    f"no ending can be reached from scene {scene.id!r}; the reader would be"
                    " stuck in a loop",
                    "no-ending",
                )
            )

    used = {scene.timeline for scene in scenes.values()}
    for timeline in story.timelines:
        if timeline.id not in used:
            out.append(
                _warning(
                    timeline.span,
                    f"timeline {timeline.id!r} has no scenes",
                    "empty-timeline",
                )
            )
    return out


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """By file, line and column; the order the checker reports in."""
    return sorted(diagnostics, key=lambda d: (d.span, d.code, d.message))


# A file that could not be read to its end leaves the story with only part of what
# its author wrote; graph checks on that part would report scenes and exits that are
# in the file after all, so they wait until the file reads cleanly.
CUT_SHORT = frozenset({"yaml-syntax", "too-deep", "too-large", "not-utf8", "unreadable"})


def check_path(path: str | os.PathLike[str], strict: bool = False) -> list[Diagnostic]:
    """Load and check one story; every diagnostic, sorted. With strict, warnings are errors."""
    from lazyland.gc_pause import paused_gc
    from lazyland.loader import load_story

    with paused_gc():
        result = load_story(path)
        diagnostics = list(result.diagnostics)
        cut_short = any(d.code in CUT_SHORT for d in diagnostics)
        if result.story is not None and not cut_short:
            diagnostics.extend(check_story(result.story))
    if strict:
        diagnostics = [
            Diagnostic(d.span, "error", d.message, d.code) if not d.is_error else d
            for d in diagnostics
        ]
    return sort_diagnostics(diagnostics)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def run_check(paths: list[str], strict: bool, output_format: str) -> int:
    """`lazyland check`: report every problem of every story; exit 0 clean, 1 problems,
    2 usage error or unreadable path."""
    if output_format not in ("text", "json"):
        print(
            f"lazyland check: unknown format {output_format!r}; use text or json", file=sys.stderr
        )
        return 2
    if not paths:
        print("lazyland check: name at least one story", file=sys.stderr)
        return 2
    diagnostics: list[Diagnostic] = []
    for path in paths:
        diagnostics.extend(check_path(path, strict=strict))
    diagnostics = sort_diagnostics(diagnostics)
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    summary = (
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        f" in {len(paths)} {'story' if len(paths) == 1 else 'stories'}"
    )
    try:
        if output_format == "json":
            sys.stdout.write(json.dumps([d.as_dict() for d in diagnostics], indent=2) + "\n")
            sys.stdout.flush()
            print(summary, file=sys.stderr)
        else:
            _print_text(diagnostics, summary)
    except BrokenPipeError:
        # The reader of the output went away (`| head`); nothing left to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    if any(d.code == "unreadable" for d in diagnostics):
        return 2
    return 1 if errors else 0


def _print_text(diagnostics: list[Diagnostic], summary: str) -> None:
    from rich.console import Console
    from rich.text import Text

    # Rich drops colours under NO_COLOR but keeps bold and dim; drop those too.
    styled = not os.environ.get("NO_COLOR")
    out = Console(highlight=False, soft_wrap=True, emoji=False, markup=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)

    def style(name: str) -> str:
        return name if styled else ""

    for d in diagnostics:
        line = Text()
        line.append(str(d.span), style=style("bold"))
        line.append(": ")
        line.append(d.severity, style=style("bold red" if d.is_error else "yellow"))
        line.append(": ")
        line.append(d.message)  # user text: appended as plain text, never parsed as markup
        line.append(" ")
        line.append(f"[{d.code}]", style=style("dim"))
        out.print(line)
    if any(d.is_error for d in diagnostics):
        summary_style = "bold red"
    else:
        summary_style = "yellow" if diagnostics else "green"
    err.print(Text(summary, style=style(summary_style)))
