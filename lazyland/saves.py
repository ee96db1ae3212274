"""A Reading to and from a JSON file, one per story, by scene id.

Saves name scenes by id, never by index, so a save made before the story was
edited still loads: ids that no longer exist are dropped with a notice, and a
position that is gone falls back to the start. A save that cannot be used
(corrupt, from another story, from a newer lazyland) is moved aside with a
notice; the reader starts afresh and nothing is lost for good. Every file the
project writes goes through ``write_atomic``: a reader never finds half a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lazyland.engine import Reading
from lazyland.model import Story

SAVE_FORMAT = 1
# A save is a few ids; anything this large is not one of ours.
MAX_SAVE_BYTES = 8 * 1024 * 1024
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either the old one or the whole new one.

    The text goes to a temporary file in the same folder, is flushed to disk,
    then renamed over ``path``. Raises OSError; the old file is untouched then.
    """
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def dump(data: dict[str, Any]) -> str:
    """A save's text: one field per line, each value as compact JSON.

    Readable by eye, and quick to make however long the history grows: each
    value goes through the json module's C encoder, which an indent would turn off.
    """
    fields = (
        f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in data.items()
    )
    return "{\n" + ",\n".join(fields) + "\n}\n"


def set_aside(path: Path, reason: str) -> Path | None:
    """Move an unusable file out of the way, keeping it for the curious: ``NAME.REASON-STAMP``."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        target = path.with_name(f"{path.name}.{reason}-{stamp}{suffix}")
        if target.exists():
            continue
        try:
            os.replace(path, target)
        except OSError:
            return None
        return target
    return None


def save_name(story_id: str) -> str:
    """The save file's name for a story id; odd ids are hashed rather than trusted as a path."""
    if _SAFE_NAME.match(story_id):
        return f"{story_id}.json"
    from hashlib import sha256  # only odd ids need it; start-up does not pay for it

    return f"story-{sha256(story_id.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}.json"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _reason(error: OSError) -> str:
    detail = error.strerror or error.__class__.__name__
    return detail[0].lower() + detail[1:] if detail else "the folder cannot be written"


class SaveStore:
    """Loads and saves one story's Reading in ``<folder>/<story id>.json``."""

    def __init__(self, story: Story, folder: Path | None = None) -> None:
        if folder is None:
            from lazyland.paths import data_dir

            folder = data_dir() / "saves"
        self.story = story
        self.folder = Path(folder)
        self.path = self.folder / save_name(story.id)
        self.enabled = True

    # --- reading the save --------------------------------------------------------

    def load(self) -> tuple[Reading | None, list[str]]:
        """The saved Reading (or None to start afresh) and one-line notices for the reader."""
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(MAX_SAVE_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError):
            return None, []
        except OSError as error:
            return None, [
                self._aside("unreadable", f"Your save could not be read ({_reason(error)})")
            ]
        if len(raw) > MAX_SAVE_BYTES:
            return None, [self._aside("corrupt", "Your save was too large to be a save")]
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            what = "empty" if not raw.strip() else "damaged"
            return None, [self._aside("corrupt", f"Your save was {what}")]
        if not isinstance(data, dict):
            return None, [self._aside("corrupt", "Your save was damaged")]
        version = data.get("format")
        if type(version) is not int or version != SAVE_FORMAT:
            if type(version) is int and version > SAVE_FORMAT:
                message = "Your save comes from a newer lazyland"
            else:
                message = "Your save has a format this lazyland does not know"
            return None, [self._aside("format", message)]
        if data.get("story") != self.story.id:
            return None, [self._aside("other", "The save file belongs to another story")]
        fields = _read_fields(data)
        if fields is None:
            return None, [self._aside("corrupt", "Your save was damaged")]
        return carry_over(self.story, *fields)

    def _aside(self, reason: str, message: str) -> str:
        moved = set_aside(self.path, reason)
        if moved is None and not os.path.lexists(self.path):
            # Another reader of the same story moved it first.
            return f"{message}; it was set aside and the story starts afresh."
        if moved is None:
            # Could not move it: do not write over it either.
            self.enabled = False
            return f"{message}; it was left in place and saving is off for this reading."
        return f"{message}; it was kept as {moved.name} and the story starts afresh."

    # --- writing it -----------------------------------------------------------------

    def save(self, reading: Reading) -> str | None:
        """Write the Reading; None when saved (or saving is off), else a one-line notice, once."""
        return self.write(self.snapshot(reading))


    def write(self, snapshot: dict[str, Any]) -> str | None:
        """Write a snapshot; None when written (or saving is off), else a notice, once.

        Safe to call from a thread other than the one taking the snapshots, one
        writer at a time (see BackgroundWriter).
        """
        if not self.enabled:
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, dump(snapshot))
        except (OSError, ValueError) as error:
            self.enabled = False
            reason = _reason(error) if isinstance(error, OSError) else str(error)
            return f"Saving is off: {self.folder} cannot be written ({reason})."
        return None

    def snapshot(self, reading: Reading) -> dict[str, Any]:
        """The save's fields for the Reading as it is now, every list a copy of its own.

        Cheap enough for every step; turning it into text is left to ``write``,
        which the reader calls on its save thread.
        """
        history = list(reading.history)
        return {
            "format": SAVE_FORMAT,
            "story": self.story.id,
            "position": history[-1],
            "history": history[:-1],
            "ahead": list(reading.ahead),
            "seen": list(reading.seen_in_order),
            "endings": list(reading.endings_found),
            "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }

    def clear(self) -> None:
        """Forget the save (a restart from the menu keeps it; this is for tests and tools)."""
        try:
            self.path.unlink()
        except OSError:
            pass


def _read_fields(
    data: dict[str, Any],
) -> tuple[str, list[str], list[str], list[str], list[str]] | None:
    """The save's ids if every field has the right shape, else None."""
    position = data.get("position")
    if not isinstance(position, str):
        return None
    lists: list[list[str]] = []
    for key in ("history", "ahead", "seen", "endings"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return None
        lists.append(value)
    history, ahead, seen, endings = lists
    return position, history, ahead, seen, endings


def carry_reading(
    reading: Reading, story: Story, *, source: str = "you had read"
) -> tuple[Reading, list[str]]:
    """``reading`` carried over to a new version of its story (a reload under the reader).

    The reader keeps its place if the scene is still there, else steps back to
    the last scene of its history that is; see ``carry_over``.
    """
    return carry_over(
        story,
        reading.position,
        reading.history[:-1],
        reading.ahead,
        reading.seen_in_order,
        reading.endings_found,
        keep_place=True,
        source=source,
    )


def carry_over(
    story: Story,
    position: str,
    history: Iterable[str],
    ahead: Iterable[str],
    seen: Iterable[str],
    endings: Iterable[str],
    *,
    keep_place: bool = False,
    source: str = "in your save",
) -> tuple[Reading, list[str]]:
    """A Reading of ``story`` from ids that may name scenes it no longer has.

    Ids that are gone are dropped (one notice counts them, naming ``source``).
    A position that is gone starts the story afresh, keeping what was seen; with
    ``keep_place`` the reader steps back to the last scene of the history that
    is still there instead, if there is one. Used when a save is loaded and when
    the story is reloaded under the reader.
    """
    scenes = story.scenes
    missing: set[str] = set()

    def keep(ids: Iterable[str]) -> list[str]:
        kept = []
        for scene_id in ids:
            if scene_id in scenes:
                kept.append(scene_id)
            else:
                missing.add(scene_id)
        return kept

    kept_history = keep(history)
    kept_ahead = keep(ahead)
    kept_seen = keep(seen)
    kept_endings = [s for s in keep(endings) if scenes[s].is_ending]
    # An ending found is a scene seen, even in a save that forgot to say so.
    already_seen = set(kept_seen)
    kept_seen += [s for s in kept_endings if s not in already_seen]
    notices: list[str] = []
    if position in scenes:
        kept_history.append(position)
    elif keep_place and kept_history:
        kept_ahead = []
        notices.append(
            "The scene you were reading is no longer in the story, so you are back at the "
            "one before it."
        )
    else:
        kept_history, kept_ahead = [story.start], []
        notices.append(
            "The scene you were reading is no longer in the story, so it starts from the "
            "beginning; what you had seen is kept."
        )
    missing.discard(position)
    if missing:
        count = _plural(len(missing), "scene", "scenes")
        verb = "no longer exists and was" if len(missing) == 1 else "no longer exist and were"
        notices.insert(0, f"{count} {source} {verb} skipped.")
    reading = Reading.restore(story, kept_history, kept_ahead, kept_seen, kept_endings)
    return reading, notices


class BackgroundWriter:
    """Writes saves on a thread of its own, so a step never waits for the disk.

    ``submit`` hands over a write (a snapshot already taken) and returns at
    once. Writes happen one at a time, in the order submitted; a write still
    waiting when a newer one arrives is dropped, so an older snapshot is never
    written after a newer one. ``flush`` waits until the newest is on disk.
    A write's notice (saving failed) goes to ``on_notice``, called on the
    writer's thread.
    """

    def __init__(self, on_notice: Callable[[str], object] | None = None) -> None:
        self.on_notice = on_notice
        self._lock = threading.Condition()
        self._pending: Callable[[], str | None] | None = None
        self._submitted = 0
        self._done = 0
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, write: Callable[[], str | None]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the writer is closed")
            self._pending = write
            self._submitted += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="lazyland-saves", daemon=True
                )
                self._thread.start()
            self._lock.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is written; False if it timed out."""
        with self._lock:
            wanted = self._submitted
            return self._lock.wait_for(lambda: self._done >= wanted, timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Write what is pending, then stop the thread; later submits are refused."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        done = self.flush(timeout)
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return done

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._pending is not None or self._closed)
                write, self._pending = self._pending, None
                number = self._submitted
                if write is None:
                    return  # closed, nothing left
            try:
                notice = write()
            except Exception as error:  # a write must never take the thread down
                notice = f"Saving failed ({error.__class__.__name__})."
            with self._lock:
                self._done = number
                self._lock.notify_all()
            if notice and self.on_notice is not None:
                try:
                    self.on_notice(notice)
                except Exception:
                    pass
