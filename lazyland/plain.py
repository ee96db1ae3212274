"""Plain mode: the story as plain lines and a ``>`` prompt, for screen readers, pipes and scripts.

No Textual here, and no escape sequence ever reaches the output: story text goes
through ``lazyland.text`` and every other line is scrubbed on its way out.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable
from typing import TextIO

from lazyland import text
from lazyland.engine import Reading, Refusal
from lazyland.saves import SaveStore

MAX_WIDTH = 80
MIN_WIDTH = 20
# Longer input than this is not a command; it is read to the end of its line and refused.
MAX_LINE = 4096

HELP = (
    "Enter continues · a number takes that choice · t toggles the timeline · b back · "
    "f forward · e notes · g endings · r restart · q quit"
)
HINT = "Type Enter, a number, t, b, f, e, g, r or q (h for help)."

_COMMANDS = {
    "": "continue",
    "n": "continue",
    "next": "continue",
    "t": "toggle",
    "toggle": "toggle",
    "b": "back",
    "back": "back",
    "f": "forward",
    "forward": "forward",
    "e": "notes",
    "notes": "notes",
    "g": "progress",
    "endings": "progress",
    "r": "restart",
    "restart": "restart",
    "q": "quit",
    "quit": "quit",
    "exit": "quit",
    "h": "help",
    "?": "help",
    "help": "help",
}
_NUMBER = re.compile(r"[0-9]+")


class _EndOfInput(Exception):
    pass


class PlainReader:
    """One plain-mode session: shows the scene, reads a line, asks the engine to move."""

    def __init__(
        self,
        reading: Reading,
        store: SaveStore | None,
        stdin: TextIO,
        stdout: TextIO,
        width: int | None = None,
    ) -> None:
        self.reading = reading
        self.store = store
        self.stdin = stdin
        self.stdout = stdout
        if width is None:
            width = shutil.get_terminal_size((MAX_WIDTH, 24)).columns
        self.width = max(MIN_WIDTH, min(width, MAX_WIDTH))
        self.saved = False  # whether this session has written the reader's place
        # Set when the input ended in the middle of a line: that line is the last one.
        self.last_line = False

    # --- output -------------------------------------------------------------------

    def write(self, line: str = "", end: str = "\n") -> None:
        """Every line leaves through here, scrubbed of control characters."""
        out = text.scrub(line) + end
        try:
            self.stdout.write(out)
        except UnicodeEncodeError:
            encoding = getattr(self.stdout, "encoding", None) or "ascii"
            self.stdout.write(out.encode(encoding, "replace").decode(encoding))

    def wrap(self, paragraph: str, indent: str = "") -> None:
        lines = textwrap.wrap(
            paragraph,
            self.width,
            initial_indent=indent,
            subsequent_indent=" " * len(indent),
            break_on_hyphens=False,
        )
        for line in lines or [indent.rstrip()]:
            self.write(line)

    def wrap_items(self, items: list[str]) -> None:
        """A `` · `` separated list, broken between items, never inside one."""
        glue = "\u00a0"  # textwrap does not break here; it is a plain space again on output
        words = [item.replace(" ", glue) for item in items]
        joined = " ".join(word + glue + "·" for word in words[:-1]) + " " + words[-1]
        for line in textwrap.wrap(joined.strip(), self.width, break_on_hyphens=False):
            self.write(line.replace(glue, " "))

    def prose(self, value: str) -> None:
        for index, paragraph in enumerate(text.plain(value).split("\n\n")):
            if index:
                self.write()
            self.wrap(paragraph)

    def show_scene(self) -> None:
        reading = self.reading
        scene = reading.scene
        self.write()
        label = text.plain_inline(reading.timeline.label)
        self.wrap(f"[{label}] {text.plain_inline(scene.title)}")
        if scene.caption:
            self.wrap(text.plain_inline(scene.caption))
        self.write()
        self.prose(scene.text)
        self.write()
        if scene.choices:
            for number, choice in enumerate(scene.choices, start=1):
                self.wrap(text.plain_inline(choice.label), indent=f"{number}. ")
        elif scene.is_ending:
            self.show_ending()
        hints = []
        if scene.next is not None:
            hints.append("Enter continues")
        elif len(scene.choices) > 1:
            hints.append(f"choose with 1 to {len(scene.choices)}")
        elif scene.choices:
            hints.append("Enter or 1 chooses")
        else:
            hints.append("r restarts, keeping what you have seen")
        mirror = reading.mirror
        if mirror is not None:
            other = reading.story.timeline(mirror.timeline).label
            hints.append(f"t: this moment in {text.plain_inline(other)}")
        if reading.can_back:
            hints.append("b back")
        if scene.notes:
            hints.append("e notes")
        hints.append("h help")
        self.wrap_items(hints)

    def show_ending(self) -> None:
        reading = self.reading
        story = reading.story
        name = text.plain_inline(reading.scene.ending or "")
        endings = sum(1 for _ in story.endings())
        self.wrap(f"Ending: {name}")
        self.wrap(
            f"Endings found: {len(reading.endings_found)} of {endings} · "
            f"Scenes seen: {len(reading.seen)} of {len(story.scenes)}"
        )

    def show_progress(self) -> None:
        reading = self.reading
        story = reading.story
        found = reading.endings_found
        total = sum(1 for _ in story.endings())
        self.wrap(f"Endings found: {len(found)} of {total}")
        for scene_id in found:
            self.wrap(text.plain_inline(story.scenes[scene_id].ending or ""), indent="  - ")
        for timeline in story.timelines:
            seen = len(reading.seen_in(timeline.id))
            count = sum(1 for _ in story.scenes_in(timeline.id))
            self.wrap(f"{text.plain_inline(timeline.label)}: {seen} of {count} scenes seen")

    # --- input -----------------------------------------------------------------------

    def read_line(self, prompt: str = "> ") -> str | None:
        """One line of input, without its newline; None for a line too long to be a command."""
        if self.last_line:
            raise _EndOfInput
        self.write(prompt, end="")
        self.stdout.flush()
        try:
            line = self.stdin.readline(MAX_LINE)
        except UnicodeDecodeError:
            return None
        if line == "":
            raise _EndOfInput
        if not line.endswith("\n") and len(line) >= MAX_LINE:
            # Swallow the rest of an over-long line so it is refused once, not in pieces.
            while True:
                try:
                    rest = self.stdin.readline(MAX_LINE)
                except UnicodeDecodeError:
                    continue
                if rest == "" or rest.endswith("\n"):
                    self.last_line = not rest.endswith("\n")
                    break
            return None
        if not line.endswith("\n"):
            # Text and then the end of input (at a terminal: typed text, then Ctrl-D twice).
            # It is answered as the last line; asking again would wait for one more Ctrl-D.
            self.last_line = True
        return line.rstrip("\r\n")

    def save(self) -> None:
        if self.store is None:
            return
        notice = self.store.save(self.reading)
        self.saved = notice is None and self.store.enabled
        if notice:
            self.write(notice)

    def run(self, notices: Iterable[str] = ()) -> int:
        for notice in notices:
            self.write(notice)  # one line each, as given
        self.show_scene()
        try:
            while True:
                line = self.read_line()
                if line is None:
                    self.write("That line is too long to be a command. " + HINT)
                    continue
                if self.handle(line.strip()) or self.last_line:
                    break
        except _EndOfInput:
            self.write()
        if self.saved:
            self.write("Your place is saved.")
        self.stdout.flush()
        return 0

    def handle(self, command: str) -> bool:
        """Act on one line of input; True when the reader is done."""
        reading = self.reading
        if _NUMBER.fullmatch(command):
            count = len(reading.scene.choices)
            if len(command) > 6 and not count:
                self.say("There is no choice to make here.")
            elif len(command) > 6:
                self.say(f"There is no choice like that here; pick 1 to {count}.")
            else:
                number = int(command)
                self.move(lambda: reading.choose(number))
            return False
        action = _COMMANDS.get(command.lower())
        if action == "quit":
            return True
        if action is None:
            self.write(HINT)
        elif action == "help":
            self.wrap_items(HELP.split(" · "))
        elif action == "notes":
            self.show_notes()
        elif action == "progress":
            self.show_progress()
        elif action == "restart":
            self.restart()
        elif action == "continue":
            scene = reading.scene
            if scene.next is None and len(scene.choices) > 1:
                self.say(f"Choose with a number, 1 to {len(scene.choices)}.")
            elif scene.next is None and len(scene.choices) == 1:
                self.move(lambda: reading.choose(1))
            else:
                self.move(reading.continue_)
        else:
            moves = {"toggle": reading.toggle, "back": reading.back, "forward": reading.forward}
            self.move(moves[action])
        return False

    def move(self, step: Callable[[], object]) -> None:
        """Ask the engine for a move; a refusal is said, a move is saved and shown."""
        try:
            step()
        except Refusal as refusal:
            self.say(str(refusal))
            return
        self.save()
        self.show_scene()

    def say(self, sentence: str) -> None:
        self.wrap(sentence)

    def show_notes(self) -> None:
        notes = self.reading.scene.notes
        if notes and text.plain(notes):
            self.write()
            self.prose(notes)
        else:
            self.write("This scene has no notes.")

    def restart(self) -> None:
        line = self.read_line("Restart from the beginning? What you have seen is kept. (y/n) ")
        if line is None or line.strip().lower() not in ("y", "yes"):
            self.write("Not restarted.")
            return
        self.reading.restart()
        self.save()
        self.show_scene()


def run_plain(
    reading: Reading,
    store: SaveStore | None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    notices: Iterable[str] = (),
    width: int | None = None,
) -> int:
    """Read ``reading``'s story in plain lines until q or end of input; returns the exit code."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    for stream in (stdin, stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    return PlainReader(reading, store, stdin, stdout, width).run(notices)
