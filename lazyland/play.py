"""``lazyland [STORY]``: open the story, find the reader's place, and hand over to the reader.

The plain path (``--plain``, or stdout not a terminal) never imports Textual;
the app is imported only when it is about to run. The story comes from its
compiled copy (lazyland.cache) when its files are unchanged, so the loader and
the YAML library are imported only when the files must be read.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from lazyland import text
from lazyland.engine import Reading
from lazyland.model import Story, StoryError
from lazyland.saves import SaveStore
from lazyland.settings import load_settings


class StartError(Exception):
    """A --scene or --timeline that names nothing in the story."""


def _say(message: str) -> None:
    print(text.scrub(message), file=sys.stderr)


def resolve_story_path(story: str | None) -> Path:
    """The story to play: the one named, or the bundled one. Raises FileNotFoundError."""
    if story:
        path = Path(story)
        if not path.exists():
            raise FileNotFoundError(f"lazyland: there is no story at {story}")
        return path
    from lazyland.paths import bundled_story

    return bundled_story()


def _suggest(wanted: str, known: list[str], kind: str) -> str:
    import difflib  # only for a mistyped --scene or --timeline

    close = difflib.get_close_matches(wanted, known, n=5, cutoff=0.5)
    if close:
        return f" Did you mean {', '.join(close)}?"
    if known:
        shown = ", ".join(known[:8])
        more = f" ({len(known)} in all)" if len(known) > 8 else ""
        return f" Its {kind} include {shown}{more}."
    return ""


def start_scene(story: Story, scene: str | None, timeline: str | None) -> str | None:
    """The scene --scene/--timeline asks to start at (None for no request). Raises StartError."""
    if scene is not None:
        if scene not in story.scenes:
            raise StartError(
                f"lazyland: there is no scene {scene!r} in this story."
                + _suggest(scene, list(story.scenes), "scenes")
            )
        if timeline is not None and story.scenes[scene].timeline != timeline:
            raise StartError(
                f"lazyland: scene {scene!r} is in timeline "
                f"{story.scenes[scene].timeline!r}, not {timeline!r}."
            )
        return scene
    if timeline is not None:
        ids = [t.id for t in story.timelines]
        if timeline not in ids:
            raise StartError(
                f"lazyland: there is no timeline {timeline!r} in this story."
                + _suggest(timeline, ids, "timelines")
            )
        first = next(story.scenes_in(timeline), None)
        if first is None:
            raise StartError(f"lazyland: timeline {timeline!r} has no scenes.")
        return first.id
    return None


def animation_wanted(no_animation: bool, settings_animation: bool) -> bool:
    """Animation is on unless the flag, the settings or TEXTUAL_ANIMATIONS=none say otherwise."""
    if no_animation or not settings_animation:
        return False
    return os.environ.get("TEXTUAL_ANIMATIONS", "").strip().lower() != "none"


def _plain_wanted(plain: bool) -> bool:
    if plain:
        return True
    # Under textual-serve (lazyland serve) stdout is a pipe to the browser and the
    # web driver is named in the environment: the app must run, not plain mode.
    if os.environ.get("TEXTUAL_DRIVER"):
        return False
    stdout = sys.stdout
    try:
        return stdout is None or not stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return True


def play(args: argparse.Namespace) -> int:
    """Run the reader for ``args`` (see cli.py); returns the exit code."""
    try:
        path = resolve_story_path(getattr(args, "story", None))
    except FileNotFoundError as error:
        _say(str(error))
        return 2

    # The compiled copy when the story is unchanged since it last opened cleanly: a
    # warm start never imports the YAML library or the loader.
    from lazyland.cache import open_story_cached

    try:
        story = open_story_cached(path)
    except StoryError as error:
        for diagnostic in error.diagnostics:
            _say(diagnostic.format())
        return 1

    try:
        start = start_scene(story, getattr(args, "scene", None), getattr(args, "timeline", None))
    except StartError as error:
        _say(str(error))
        return 2

    store = SaveStore(story)
    notices: list[str] = []
    reading: Reading | None = None
    if not getattr(args, "new", False):
        # --new leaves the old save alone; the first step taken writes over it.
        reading, notices = store.load()
    resumed = reading is not None and start is None
    if reading is None:
        reading = Reading(story, start)
    elif start is not None:
        reading.jump(start)

    settings = load_settings(notices=notices)
    animate = animation_wanted(bool(getattr(args, "no_animation", False)), settings.animation)

    if _plain_wanted(bool(getattr(args, "plain", False))):
        from lazyland.plain import run_plain

        if resumed:
            notices.append(f"Resumed at {text.plain_inline(reading.scene.title)} · r restarts")
        return run_plain(reading, store, notices=notices)

    from lazyland.app import LazylandApp

    app = LazylandApp(
        reading,
        store=store,
        settings=settings,
        animate=animate,
        notices=notices,
        resumed=resumed,
        story_path=path,
        watch=bool(getattr(args, "watch", False)),
    )
    app.run()
    code = getattr(app, "return_code", 0)
    return code if isinstance(code, int) else 0
