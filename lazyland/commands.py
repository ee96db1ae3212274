"""Ctrl+P commands: go to a scene already read, and every reader action by name.

Only scenes the reader has seen are offered, so the palette never spoils the
story. Titles come from the story, so they are shown as plain Content, never
parsed as markup (Textual's own highlighter would parse them).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from lazyland.text import plain_inline

if TYPE_CHECKING:
    from lazyland.app import LazylandApp
    from lazyland.screens.reader import ReaderScreen

# (name, help, reader screen action); help is fixed text, as Textual reads it as markup.
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Toggle timeline", "Jump to this moment in the other timeline", "toggle_timeline"),
    ("Compare", "This scene and its mirror side by side", "compare"),
    ("Notes", "Show or hide what the scene means", "notes"),
    ("Story map", "Scenes by timeline; jump to one already read", "map"),
    ("History", "Every step taken; rewind to one", "history"),
    ("Endings and progress", "Endings found and scenes seen", "endings"),
    ("Help", "Every key, and what the two timelines are", "help"),
    ("Restart", "Start the story again (asks first)", "restart"),
)
SCENE_HELP = "Go to a scene you have already read"
FOLLOW_NAME = "Theme: follow the timeline"
FOLLOW_HELP = "Each timeline in its own colours again"
# The reveal offered is the one not in use now; the choice is kept in the settings.
TYPEWRITER_NAME = "Reveal: typewriter"
TYPEWRITER_HELP = "Text appears at reading pace; any key completes it (remembered)"
INSTANT_NAME = "Reveal: instant"
INSTANT_HELP = "Each scene's text appears all at once (remembered)"


class ReaderCommands(Provider):
    """lazyland's own palette entries, next to Textual's theme and quit commands."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("LazylandApp", self.app)
        reader = app.reader_screen
        entries: list[tuple[str, str, Callable[[], object]]] = []
        if reader is None:
            return entries
        for name, help_text, action in ACTIONS:
            entries.append((name, help_text, partial(run_reader_action, reader, action)))
        entries.append((FOLLOW_NAME, FOLLOW_HELP, app.follow_timeline_theme))
        if app.reveal_animated:
            entries.append((INSTANT_NAME, INSTANT_HELP, partial(app.set_reveal, False)))
        else:
            entries.append((TYPEWRITER_NAME, TYPEWRITER_HELP, partial(app.set_reveal, True)))
        reading = app.reading
        for scene_id in reading.seen_in_order:
            scene = reading.story.scenes.get(scene_id)
            if scene is None or scene_id == reading.position:
                continue
            label = reading.story.timeline(scene.timeline).label
            name = f"Go to: {plain_inline(scene.title)} ({plain_inline(label)})"
            entries.append((name, SCENE_HELP, partial(go_to, reader, scene_id)))
        return entries

    async def discover(self) -> Hits:
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score, offsets = matcher.fuzzy_search.match(matcher.query, name)
            if score > 0:
                yield Hit(
                    score,
                    _highlight(name, offsets, matcher.match_style),
                    callback,
                    text=name,
                    help=help_text,
                )


def _highlight(name: str, offsets: object, style: object) -> Content:
    """Mark the matched letters on plain Content: the name is never parsed as markup."""
    content = Content(name)
    for offset in cast("list[int]", offsets):
        if 0 <= offset < len(name) and not name[offset].isspace():
            content = content.stylize(style, offset, offset + 1)  # type: ignore[arg-type]
    return content


def run_reader_action(reader: ReaderScreen, action: str) -> None:
    """Run a reader action as its key would, refusals included."""
    if reader.check_action(action, ()):
        getattr(reader, f"action_{action}")()
    else:
        reader.action_refuse(action)


def go_to(reader: ReaderScreen, scene_id: str) -> None:
    reader.move(lambda reading: reading.jump(scene_id))
