"""`lazyland graph`: the story drawn as Mermaid or Graphviz dot.

Each timeline is a subgraph (Mermaid) or a cluster (dot); ``next`` and choices
are solid arrows, choices carry their label, mirrors are dashed, endings have
their own shape. Titles and labels are untrusted text: they pass through
``plain_inline`` and are then escaped for the target syntax, so no quote,
bracket, backslash or newline in a story can break the drawing.
"""

from __future__ import annotations

import argparse
import sys

from lazyland.model import Story
from lazyland.text import plain_inline

# --- Mermaid -------------------------------------------------------------------

# Characters left as they are inside a quoted Mermaid label; every other character
# (quotes, brackets, '#', '<', '&', '`', '|', backslash...) becomes an entity code
# ("#35;"), which Mermaid decodes when it draws the label.
_MERMAID_SAFE = frozenset(" .,'?!:;()/+=@*_-")


def mermaid_text(value: str) -> str:
    """Story text for inside a quoted Mermaid label: one line, every risky character coded."""
    return "".join(
        char if char.isalnum() or char in _MERMAID_SAFE else f"#{ord(char)};"
        for char in plain_inline(value)
    )


def mermaid_label(value: str) -> str:
    return f'"{mermaid_text(value)}"'


def mermaid_ids(story: Story) -> dict[str, str]:
    """Mermaid node names: scene ids can be words Mermaid reserves ('end') or hold
    '--', so nodes are named by position and the scene id is written in the label."""
    return {scene_id: f"n{n}" for n, scene_id in enumerate(story.scenes)}


def timeline_groups(story: Story) -> list[tuple[str, str]]:
    """Each timeline's id and label, in manifest order, one cluster per timeline.

    A hand-built story may place a scene in an undeclared timeline; it is drawn anyway,
    in a cluster named by its id.
    """
    groups = [(t.id, t.label) for t in story.timelines]
    declared = {t.id for t in story.timelines}
    for scene in story.scenes.values():
        if scene.timeline not in declared:
            declared.add(scene.timeline)
            groups.append((scene.timeline, scene.timeline))
    return groups


def to_mermaid(story: Story) -> str:
    names = mermaid_ids(story)
    lines = [f"%% lazyland story {story.id}", "flowchart TD"]
    for number, (timeline_id, label) in enumerate(timeline_groups(story)):
        lines.append(f"  subgraph t{number} [{mermaid_label(label)}]")
        for scene in story.scenes_in(timeline_id):
            # The title on the first line, the scene id below it.
            text = f'"{mermaid_text(scene.title)}<br/>{scene.id}"'
            if scene.is_ending:
                lines.append(f"    {names[scene.id]}([{text}])")
            else:
                lines.append(f"    {names[scene.id]}[{text}]")
        lines.append("  end")
    for scene in story.scenes.values():
        source = names[scene.id]
        if scene.next is not None and scene.next in names:
            lines.append(f"  {source} --> {names[scene.next]}")
        for choice in scene.choices:
            if choice.goto in names:
                lines.append(f"  {source} -->|{mermaid_label(choice.label)}| {names[choice.goto]}")
        if scene.mirror is not None and scene.mirror in names:
            lines.append(f"  {source} -.->|mirror| {names[scene.mirror]}")
    lines.append("  classDef ending stroke-width:4px")
    lines.append("  classDef start stroke-width:2px")
    endings = [names[s.id] for s in story.endings()]
    if endings:
        lines.append(f"  class {','.join(endings)} ending")
    if story.start in names:
        lines.append(f"  class {names[story.start]} start")
    return "\n".join(lines) + "\n"


# --- Graphviz dot ----------------------------------------------------------------


def dot_string(value: str) -> str:
    """A double-quoted dot string holding ``value`` literally.

    Backslashes are doubled (dot reads '\\n', '\\l', '\\N'... as escapes in labels),
    quotes escaped, and the text has no newlines left after plain_inline.
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def to_dot(story: Story) -> str:
    lines = [
        f"digraph {dot_string(story.id)} {{",
        f"  label={dot_string(plain_inline(story.title))};",
        "  labelloc=t;",
        '  node [shape=box, style=rounded, fontname="sans-serif"];',
        '  edge [fontname="sans-serif", fontsize=10];',
    ]
    for number, (timeline_id, label) in enumerate(timeline_groups(story)):
        lines.append(f"  subgraph cluster_{number} {{")
        lines.append(f"    label={dot_string(plain_inline(label))};")
        for scene in story.scenes_in(timeline_id):
            # The title on the first line, the scene id below it ('\n' is dot's line break).
            title = plain_inline(scene.title).replace("\\", "\\\\").replace('"', '\\"')
            attrs = [f'label="{title}\\n{scene.id}"']
            if scene.is_ending:
                attrs.append("shape=doubleoctagon")
            if scene.id == story.start:
                attrs.append("penwidth=2")
            lines.append(f"    {dot_string(scene.id)} [{', '.join(attrs)}];")
        lines.append("  }")
    for scene in story.scenes.values():
        source = dot_string(scene.id)
        if scene.next is not None and scene.next in story.scenes:
            lines.append(f"  {source} -> {dot_string(scene.next)};")
        for choice in scene.choices:
            if choice.goto in story.scenes:
                lines.append(
                    f"  {source} -> {dot_string(choice.goto)} "
                    f"[label={dot_string(plain_inline(choice.label))}];"
                )
        if scene.mirror is not None and scene.mirror in story.scenes:
            lines.append(
                f"  {source} -> {dot_string(scene.mirror)} "
                "[style=dashed, constraint=false, arrowhead=empty];"
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


FORMATS = {"mermaid": to_mermaid, "dot": to_dot}


def run_graph(args: argparse.Namespace) -> int:
    from lazyland.walk import load_for_tool

    story = load_for_tool(args.story, "graph")
    if isinstance(story, int):
        return story
    sys.stdout.write(FORMATS[args.format](story))
    return 0
