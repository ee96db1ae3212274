"""The Textual reader: one Reading, one main screen, and the calls that keep progress safe.

Secondary screens and the command palette provider are imported only when first
used, so the first scene comes up without paying for them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer

from lazyland.engine import Reading
from lazyland.saves import BackgroundWriter, SaveStore, carry_reading
from lazyland.style import part
from lazyland.text import plain_inline
from lazyland.themes import THEMES, theme_for, timeline_variables

if TYPE_CHECKING:
    from lazyland.screens.reader import ReaderScreen
    from lazyland.settings import Settings

STARTED = time.perf_counter()

# Polling is cheap; a second is quick enough for an author switching windows.
WATCH_INTERVAL = 1.0
# A story folder with more files than this is not polled file by file.
WATCH_FILE_LIMIT = 500
# How long quitting waits for the last save to reach the disk.
FLUSH_TIMEOUT = 10.0
# A step is on disk within this many seconds; a burst of steps shares one save.
SAVE_SPACING = 0.1


def _reader_commands() -> type[Provider]:
    from lazyland.commands import ReaderCommands

    return ReaderCommands


class LazylandApp(App[None]):
    """Reads one story; every step is saved as it is taken."""

    # The reader's part of lazyland.tcss; each other screen brings its own part when it
    # first opens (see lazyland.style). A string, so a subclass anywhere gets it too.
    CSS = part("reader")
    TITLE = "lazyland"
    COMMANDS = App.COMMANDS | {_reader_commands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        reading: Reading,
        store: SaveStore | None = None,
        settings: Settings | None = None,
        animate: bool = True,
        notices: Iterable[str] = (),
        resumed: bool = False,
        story_path: Path | str | None = None,
        watch: bool = False,
    ) -> None:
        super().__init__()
        self.reading = reading
        self.store = store
        self.settings = settings
        self.animate_reveal = animate
        self.notices = list(notices)
        self.resumed = resumed
        self.story_path = Path(story_path) if story_path is not None else None
        self.watch_story = watch
        self.reload_errors: list[str] = []
        self._save_notice_given = False
        self._last_toast: tuple[str, float] | None = None
        self._timeline_theme: str | None = None
        # A theme the reader picked; while set, timelines no longer change the theme.
        self._picked_theme: str | None = None
        self._mtimes: dict[Path, float] = {}
        self.reader_screen: ReaderScreen | None = None
        # Saves are written on a thread of their own; a step only takes the snapshot.
        self._writer = BackgroundWriter(on_notice=self._save_failed_elsewhere)
        # A step not yet handed to the writer: quitting with nothing moved writes
        # nothing, so --new leaves the old save alone until a step is taken.
        self._save_due = False
        self._save_timer: Timer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        for theme in THEMES:
            self.register_theme(theme)
        chosen = settings.theme if settings is not None else None
        if chosen and chosen in self.available_themes:
            self._picked_theme = chosen
            self._set_first_theme(chosen)
        else:
            self._timeline_theme = theme_for(reading.story, reading.scene.timeline)
            self._set_first_theme(self._timeline_theme)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The timelines' colours, for every theme that does not set them itself.

        The stylesheet draws timelines in their own colours as ``$timeline-real-*`` and
        ``$timeline-other-*``; a built-in theme picked from the palette has no such
        variables, and without these defaults the stylesheet would not parse.
        """
        return {**super().get_theme_variable_defaults(), **timeline_variables()}

    def _set_first_theme(self, name: str) -> None:
        """Start in theme ``name`` without the stylesheet reparse that setting ``theme`` costs.

        Nothing is parsed or styled yet, so giving the stylesheet the theme's
        variables now is all a theme change has to do; ``theme`` is set quietly
        (no watcher) and the app's theme classes set by hand, as its watcher would.
        """
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes[f"-theme-{theme.name}"] = True
        classes["-dark-mode"] = theme.dark
        classes["-light-mode"] = not theme.dark
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    # --- reading pace ---------------------------------------------------------

    @property
    def reveal_animated(self) -> bool:
        if not self.animate_reveal or self.animation_level == "none":
            return False
        return self.settings is None or self.settings.animation

    @property
    def reveal_speed(self) -> int:
        speed = self.settings.reveal_speed if self.settings is not None else 80
        return speed if isinstance(speed, int) and speed > 0 else 80

    def set_reveal(self, typewriter: bool) -> None:
        """The reader's choice of reveal, remembered in the settings for next time.

        Choosing the typewriter turns it on even if this reading began with
        ``--no-animation``; ``TEXTUAL_ANIMATIONS=none`` still keeps text instant.
        """
        self.animate_reveal = typewriter
        if self.settings is not None:
            self.settings.animation = typewriter
            self._save_settings()
        if not typewriter and self.reader_screen is not None:
            self.reader_screen.finish_reveal()
        if typewriter and self.animation_level == "none":
            self.say("Text stays instant while TEXTUAL_ANIMATIONS is none.")
        else:
            self.say("Reveal: typewriter" if typewriter else "Reveal: instant", timeout=2)

    # --- screens --------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        from lazyland.screens.reader import ReaderScreen

        width, height = self.size
        self.reader_screen = ReaderScreen(ReaderScreen.classes_for(self.reading, width, height))
        return self.reader_screen

    def on_mount(self) -> None:
        self._loop = asyncio.get_running_loop()
        for notice in self.notices:
            self.say(notice, severity="warning", timeout=8)
        if self.resumed:
            title = plain_inline(self.reading.scene.title)
            self.say(f"Resumed at {title} \u00b7 r restarts")
        if self.watch_story and self.story_path is not None:
            self._mtimes = self._story_mtimes()
            self.set_interval(WATCH_INTERVAL, self.check_story_changed)
        self.log(f"lazyland started in {(time.perf_counter() - STARTED) * 1000:.0f} ms")

    def say(
        self, message: str, *, severity: SeverityLevel = "information", timeout: float = 4
    ) -> None:
        """A toast whose text is never read as markup (it may quote the story).

        The same message while its toast is still up is not stacked again: pressing a
        refused key five times says why once.
        """
        now = time.monotonic()
        if self._last_toast is not None:
            shown, until = self._last_toast
            if shown == message and now < until:
                return
        self._last_toast = (message, now + timeout)
        self.notify(message, severity=severity, timeout=timeout, markup=False)

    # --- themes ---------------------------------------------------------------

    def apply_timeline_theme(self) -> None:
        """Dress the app in the current timeline's theme, unless the reader picked one."""
        if self._picked_theme:
            return
        name = theme_for(self.reading.story, self.reading.scene.timeline)
        self._timeline_theme = name
        if self.theme != name:
            self.theme = name

    def watch_theme(self, name: str) -> None:
        # A theme set by anyone but the timeline (the palette's theme picker) is the
        # reader's own choice, and is remembered.
        if name == self._timeline_theme:
            return
        if name == self._picked_theme:
            return
        self._picked_theme = name
        if self.settings is not None:
            self.settings.theme = name
            self._save_settings()

    def follow_timeline_theme(self) -> None:
        """Forget a picked theme: each timeline shows in its own colours again."""
        self._picked_theme = None
        if self.settings is not None:
            self.settings.theme = None
            self._save_settings()
        self.apply_timeline_theme()

    def _save_settings(self) -> None:
        from lazyland.settings import save_settings

        if self.settings is None:
            return
        notice = save_settings(self.settings)
        if notice:
            self.say(notice, severity="warning")

    # --- persistence ----------------------------------------------------------

    def save_progress(self) -> None:
        """Save the reader's place after a step: within SAVE_SPACING, off the UI thread.

        The first step not yet saved starts a short timer; when it fires, the
        newest place is snapshot and handed to the writer thread. A reader who
        holds a key down gets a save every SAVE_SPACING instead of one per step,
        and never loses more than the steps of that last moment. Quitting writes
        at once. A failed save is told once, and reading goes on.
        """
        store = self.store
        if store is None or not store.enabled:
            return
        self._save_due = True
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_SPACING, self._save_now, name="save")

    def _save_now(self) -> None:
        """Hand the newest place to the writer now, if a step has not been saved yet."""
        timer, self._save_timer = self._save_timer, None
        if timer is not None:
            timer.stop()
        store = self.store
        if not self._save_due or store is None or not store.enabled:
            return
        self._save_due = False
        self._writer.submit(partial(store.write, store.snapshot(self.reading)))

    def flush_saves(self) -> bool:
        """Write the newest place now and wait until it is on disk; False if the disk
        did not answer in time."""
        self._save_now()
        return self._writer.flush(FLUSH_TIMEOUT)

    def _save_failed_elsewhere(self, notice: str) -> None:
        # Called on the writer's thread: hand the notice to the app's own loop.
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._save_failed, notice)
        except RuntimeError:
            pass  # the app has finished; nothing left to tell

    def _save_failed(self, notice: str) -> None:
        if not self._save_notice_given:
            self._save_notice_given = True
            self.say(notice, severity="warning", timeout=8)

    async def action_quit(self) -> None:
        self.flush_saves()
        self.exit()

    def on_unmount(self) -> None:
        # However the app ends, the last step reaches the disk before it is gone.
        self._save_now()
        self._writer.close(FLUSH_TIMEOUT)

    # --- reloading while an author edits --------------------------------------

    def _story_files(self) -> list[Path]:
        path = self.story_path
        if path is None:
            return []
        if path.is_dir():
            files: list[Path] = []
            for pattern in ("*.yaml", "*.yml"):
                files.extend(path.rglob(pattern))
                if len(files) > WATCH_FILE_LIMIT:
                    break
            return sorted(files)[:WATCH_FILE_LIMIT]
        return [path]

    def _story_mtimes(self) -> dict[Path, float]:
        mtimes: dict[Path, float] = {}
        for file in self._story_files():
            try:
                mtimes[file] = file.stat().st_mtime
            except OSError:
                continue
        return mtimes

    def check_story_changed(self) -> bool:
        """Reload the story if any of its files changed since the last look."""
        mtimes = self._story_mtimes()
        if mtimes == self._mtimes:
            return False
        self._mtimes = mtimes
        self.reload_story()
        return True

    def reload_story(self) -> bool:
        """Load the story again, keeping the reader's place; keep the old one if it broke."""
        from lazyland.loader import open_story
        from lazyland.model import StoryError

        assert self.story_path is not None
        try:
            story = open_story(self.story_path)
        except StoryError as error:
            problems = [d.format() for d in error.diagnostics if d.is_error] or [str(error)]
            self.reload_errors = problems
            shown = "\n".join(problems[:5])
            more = f"\n(and {len(problems) - 5} more)" if len(problems) > 5 else ""
            self.say(
                f"The edited story has errors; still showing the last good version.\n{shown}{more}",
                severity="error",
                timeout=12,
            )
            return False
        except OSError as error:
            self.reload_errors = [str(error)]
            self.say(f"Could not read the story: {error}", severity="error", timeout=12)
            return False
        self.reload_errors = []
        self.reading, notices = carry_reading(self.reading, story)
        if self.store is not None:
            enabled = self.store.enabled
            self.store = SaveStore(story, self.store.folder)
            # Saving that was off (say, over a save that could not be set aside) stays off.
            self.store.enabled = enabled
        self.save_progress()
        self.say("Story reloaded.", timeout=2)
        for notice in notices:
            self.say(notice, severity="warning", timeout=8)
        if self.reader_screen is not None:
            self.reader_screen.show_scene(animate=False)
        return True
