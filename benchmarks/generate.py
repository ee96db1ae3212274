"""Write large valid stories for benchmarks and tests.

`write_story(folder, scenes=N)` writes a manifest and several include files that
together hold N scenes in two timelines. Every scene is reachable from the start,
every scene can reach an ending, and mirrors are mutual, so `lazyland check` on
the result reports nothing: the time it takes is the time a clean story costs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

PARAGRAPH = (
    "The room hums with the low talk of people waiting for the band. She keeps\n"
    "her coat on, as if she might still leave, and watches his hands on the keys.\n"
)


def _scene_id(timeline: str, n: int) -> str:
    return f"{timeline}-{n:06d}"


def _scene_yaml(timeline: str, other: str, n: int, per_timeline: int) -> str:
    sid = _scene_id(timeline, n)
    lines = [
        f"  {sid}:",
        f"    timeline: {timeline}",
        f"    title: Scene {n} of the {timeline} timeline",
    ]
    if n % 3 == 0:
        lines.append(f"    caption: Hour {n % 24}, night {n // 24 + 1}")
    lines.append("    text: |")
    lines.extend("      " + line for line in PARAGRAPH.splitlines())
    lines.append("")
    lines.append("      He plays the *first* notes again, and **slower**.")
    if n % 4 == 0:
        lines.append("    notes: >")
        lines.append("      The melody comes back here, changed by what came before it.")
    lines.append(f"    mirror: {_scene_id(other, n)}")
    if n == per_timeline - 1:
        lines.append(f"    ending: The {timeline} ending")
    elif n % 5 == 2:
        lines.append("    choices:")
        lines.append("      - label: Stay and listen")
        lines.append(f"        goto: {_scene_id(timeline, n + 1)}")
        lines.append("      - label: Walk out into the night")
        lines.append(f"        goto: {_scene_id(timeline, min(n + 2, per_timeline - 1))}")
    else:
        lines.append(f"    next: {_scene_id(timeline, n + 1)}")
    return "\n".join(lines) + "\n"


def write_story(folder: str | Path, scenes: int = 1000, files: int = 8) -> Path:
    """Write a valid story of `scenes` scenes (rounded up to even) into `folder`.

    The scenes are split over `files` include files (at least one). Returns the
    folder, which holds `story.yaml`.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    per_timeline = max(1, (scenes + 1) // 2)
    files = max(1, files)
    all_scenes: list[tuple[str, str, int]] = []
    for n in range(per_timeline):
        all_scenes.append(("real", "fantasy", n))
        all_scenes.append(("fantasy", "real", n))
    chunk = -(-len(all_scenes) // files)
    names: list[str] = []
    for index in range(files):
        part = all_scenes[index * chunk : (index + 1) * chunk]
        if not part:
            break
        name = f"scenes/part-{index + 1:02d}.yaml"
        names.append(name)
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(_scene_yaml(tl, other, n, per_timeline) for tl, other, n in part)
        path.write_text(f"# Part {index + 1} of a generated story.\nscenes:\n{body}", "utf-8")
    manifest = [
        "format: 1",
        "id: generated",
        f'title: "A generated story of {len(all_scenes)} scenes"',
        "author: benchmarks/generate.py",
        f"start: {_scene_id('real', 0)}",
        "timelines:",
        "  real:",
        "    label: What happened",
        "  fantasy:",
        "    label: What if",
        "include:",
        *(f"  - {name}" for name in names),
    ]
    (folder / "story.yaml").write_text("\n".join(manifest) + "\n", "utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a large valid story.")
    parser.add_argument("folder")
    parser.add_argument("--scenes", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=8)
    args = parser.parse_args()
    print(write_story(args.folder, scenes=args.scenes, files=args.files))


if __name__ == "__main__":
    main()
