"""Compiled stories: a JSON copy of each story that loaded cleanly, so the reader starts fast.

Reading YAML is most of what it costs to open a story: importing the YAML
library, parsing every file, building the model with every position, checking
the graph. A story does not change between one reading and the next, so the
first time it opens cleanly the reader keeps what it built in
``<cache_dir>/stories/<two CRC-32s of the manifest's path>.json``, and the next time
it builds the Story straight from that, without importing YAML at all.

When the compiled copy is used
    The copy lists every file the story was read from (the manifest and each
    include) with its size, modification time (in nanoseconds) and inode. On
    open, each of them is looked at again (a stat, not a read); if any differs,
    is gone, or the copy is from another lazyland or another cache format, the
    story is loaded from its files as usual and the copy written afresh. Only a
    story with no errors is kept (warnings are fine: the reader does not show
    them), so a broken story always reports its diagnostics from the loader.

What a stat cannot tell
    Like Python's .pyc files, the copy is trusted when every file's size,
    modification time and inode are as recorded: the contents are not read to
    compare. A file changed by something that puts back its old size, time and
    inode, or a compiled copy edited by hand while the files stay as they are,
    gives the copy's story. A copy is never written for a file changed in the
    two seconds before the load started, so an edit made while the story was
    being read, and too quick for the clock to tell apart, is never mistaken
    for the version that was read. Delete the cache folder to be rid of all of it.

What is checked anyway
    The file is data from disk and is read as untrusted: every field has its
    exact type, ids are ids, numbers are in range, every scene, timeline, goto
    and mirror it names exists, each scene has exactly one way on, and no text
    holds a control character. Anything else and the copy is ignored (and
    rewritten), never a crash. The copy keeps the positions of the story,
    its timelines, scenes and choices, but not the position of every key
    (``Story.spans`` and ``Scene.spans`` come back empty): only ``lazyland
    check`` and the author tools use those, and they always read the files.

A cache folder that cannot be written is no trouble: the story loads from its
files each time. Copies not rewritten for 30 days are removed whenever another
copy is written (``prune``), so stories deleted or moved leave nothing behind.
This module never imports YAML or Textual.
"""

from __future__ import annotations

import json
import os
import re
import time
from binascii import crc32
from dataclasses import fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lazyland import __version__
from lazyland.gc_pause import paused_gc
from lazyland.model import (
    FORMAT_VERSION,
    ID_PATTERN,
    MAX_CHOICES,
    Choice,
    Scene,
    Span,
    Story,
    Timeline,
)

__all__ = ["CACHE_FORMAT", "open_story_cached", "cache_file", "stories_dir"]

CACHE_FORMAT = 1
MANIFEST_NAME = "story.yaml"  # as the loader names it in a story folder
# A copy is not written for a story file changed this recently (see the docstring).
RECENT_NS = 2_000_000_000
# Larger than any compiled story of files within the loader's size cap is likely to be.
MAX_CACHE_BYTES = 256 * 1024 * 1024
MAX_FILES = 100_000
MAX_POSITION = 2**31 - 1
_MAX_STAT = 2**64

# Text the reader could not show safely: the control characters the loader refuses in a
# value, and lone surrogates, which no YAML file can hold and no terminal can print.
_BAD_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

# The model as this module stores it. If a field is added to the model, caching is
# off (every open reads the files) until this module learns to keep the new field.
_KNOWN_FIELDS = {
    Story: (
        "id",
        "title",
        "start",
        "timelines",
        "scenes",
        "author",
        "format",
        "root",
        "span",
        "spans",
    ),
    Timeline: ("id", "label", "span"),
    Choice: ("label", "goto", "span"),
    Scene: (
        "id",
        "timeline",
        "title",
        "text",
        "caption",
        "notes",
        "mirror",
        "next",
        "choices",
        "ending",
        "span",
        "spans",
    ),
}
# Model objects are made from a copy by filling in their __dict__ (see _build), which
# is only right for plain frozen dataclasses: no __post_init__, no __slots__.
ENABLED = all(
    tuple(f.name for f in fields(cls)) == names
    and (cls is Story or not hasattr(cls, "__post_init__"))
    and "__slots__" not in vars(cls)
    for cls, names in _KNOWN_FIELDS.items()
)

_DOC_KEYS = frozenset(
    {
        "cache",
        "lazyland",
        "story",
        "files",
        "id",
        "title",
        "author",
        "start",
        "format",
        "span",
        "timelines",
        "scenes",
    }
)
_FILE_KEYS = frozenset({"name", "size", "mtime_ns", "ino"})
_NO_SPANS: MappingProxyType[str, Span] = MappingProxyType({})


class _Bad(Exception):
    """The compiled copy cannot be used."""


# --- where a story's copy lives ----------------------------------------------------


class _Place:
    """A story path as the loader will see it: its folder, its manifest, how spans name files."""

    __slots__ = ("typed", "root", "folder", "base", "manifest", "manifest_shown", "typed_root")

    def __init__(self, path: str | os.PathLike[str]) -> None:
        typed = os.fspath(path)
        if not isinstance(typed, str):
            raise _Bad("a bytes path")
        given = Path(typed)
        self.typed = typed
        self.root = given
        if given.is_dir():
            self.folder = given
            self.manifest = MANIFEST_NAME
            self.manifest_shown = os.path.join(typed, MANIFEST_NAME)
            self.typed_root = typed
        elif given.is_file():
            self.folder = given.parent
            self.manifest = given.name
            self.manifest_shown = typed
            self.typed_root = os.path.dirname(typed)
        else:
            raise _Bad("no story there")
        self.base = self.folder.resolve()

    @property
    def key(self) -> str:
        """The story's manifest, its folder's symlinks resolved: what names the copy."""
        return os.fspath(self.base / self.manifest)

    def shown(self, name: str, first: bool) -> str:
        """A file's path as the loader writes it in spans (and diagnostics)."""
        if first:
            return self.manifest_shown
        return os.path.join(self.typed_root, name) if self.typed_root else name


def stories_dir() -> Path:
    from lazyland.paths import cache_dir

    return cache_dir() / "stories"


def cache_file(path: str | os.PathLike[str], folder: Path | None = None) -> Path | None:
    """Where the compiled copy of the story at ``path`` lives (None if there is no story there)."""
    try:
        place = _Place(path)
    except (_Bad, OSError, ValueError, RuntimeError):
        return None
    return _file_for(place, folder)


# The name of a compiled copy, without ".json" (see _file_for).
_SHAPE = re.compile(r"[0-9a-f]{16}")


def _file_for(place: _Place, folder: Path | None) -> Path:
    # A short name, not a secure one: the copy records its story's path and is used only
    # for that path, so two paths that share a name only take turns. (hashlib would
    # cost the start its OpenSSL set-up.)
    key = place.key.encode("utf-8", "surrogatepass")
    digest = f"{crc32(key):08x}{crc32(key[::-1]):08x}"
    return (folder if folder is not None else stories_dir()) / f"{digest}.json"


# --- opening -------------------------------------------------------------------------


def open_story_cached(path: str | os.PathLike[str], folder: Path | None = None) -> Story:
    """``loader.open_story``, from the compiled copy when the story's files are unchanged.

    Raises StoryError exactly as open_story does. ``folder`` is where copies are kept
    (default: ``paths.cache_dir() / "stories"``).
    """
    try:
        place: _Place | None = _Place(path) if ENABLED else None
    except (_Bad, OSError, ValueError, RuntimeError):
        place = None
    if place is None:
        from lazyland.loader import open_story

        return open_story(path)

    target = _file_for(place, folder)
    story = read_cache(target, place)
    if story is not None:
        return story

    from lazyland.loader import open_story_files

    started = time.time_ns()
    story, files = open_story_files(path)
    write_cache(target, place, story, files, started)
    return story


def read_cache(target: Path, place: _Place) -> Story | None:
    """The Story kept in ``target`` if it is whole, valid and the files are unchanged."""
    try:
        with open(target, "rb") as handle:
            raw = handle.read(MAX_CACHE_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(raw) > MAX_CACHE_BYTES:
        return None
    try:
        with paused_gc():
            doc = json.loads(raw)
            return _story_from(doc, place)
    except (_Bad, ValueError, TypeError, KeyError, IndexError, RecursionError, MemoryError):
        return None


def _stat(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino


def _int(value: Any, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise _Bad("not a number in range")
    return value


def _story_from(doc: Any, place: _Place) -> Story:
    if type(doc) is not dict or doc.keys() != _DOC_KEYS:
        raise _Bad("not a compiled story")
    if doc["cache"] != CACHE_FORMAT or type(doc["cache"]) is not int:
        raise _Bad("another cache format")
    if doc["lazyland"] != __version__ or doc["story"] != place.key:
        raise _Bad("another lazyland, or another story")

    # The files first: a stat each, and nothing is built unless all are unchanged.
    files = doc["files"]
    if type(files) is not list or not 1 <= len(files) <= MAX_FILES:
        raise _Bad("no file list")
    shown: list[str] = []
    for index, entry in enumerate(files):
        if type(entry) is not dict or entry.keys() != _FILE_KEYS:
            raise _Bad("a file entry")
        name = entry["name"]
        if type(name) is not str or not _relative_name(name):
            raise _Bad("a file name")
        if index == 0 and name != place.manifest:
            raise _Bad("the manifest is not first")
        recorded = (
            _int(entry["size"], 0, _MAX_STAT),
            _int(entry["mtime_ns"], -_MAX_STAT, _MAX_STAT),
            _int(entry["ino"], 0, _MAX_STAT),
        )
        try:
            now = _stat(place.base / name)
        except (OSError, ValueError):
            raise _Bad("a file is gone") from None
        if now != recorded:
            raise _Bad("a file changed")
        shown.append(place.shown(name, index == 0))
    if len(set(shown)) != len(shown):
        raise _Bad("a file listed twice")
    return _build(doc, place, shown)


def _relative_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _build(doc: dict[str, Any], place: _Place, shown: list[str]) -> Story:
    """The Story in ``doc``, every field checked; raises _Bad at the first thing amiss.

    Written for speed on large stories: checks are inline, ids that must name a scene
    are checked by looking them up, and the frozen model objects are made without
    their generated __init__ (see ``_FAST``), which would set each field one by one.
    """
    count = len(shown)
    top = MAX_POSITION
    new = object.__new__
    put = object.__setattr__
    texts: list[str] = []
    keep = texts.append
    match_id = ID_PATTERN.match

    def span(value: Any) -> Span:
        if type(value) is not list or len(value) != 3:
            raise _Bad("a position")
        index, line, col = value
        if (
            type(index) is not int
            or type(line) is not int
            or type(col) is not int
            or not (0 <= index < count and 0 < line <= top and 0 < col <= top)
        ):
            raise _Bad("a position out of range")
        made = new(Span)
        put(made, "__dict__", {"path": shown[index], "line": line, "col": col})
        return made

    def ident(value: Any) -> str:
        if type(value) is not str or not match_id(value):
            raise _Bad("an id")
        return value

    def filled(value: Any) -> str:
        if type(value) is not str or not value or value.isspace():
            raise _Bad("an empty text")
        keep(value)
        return value

    def optional(value: Any) -> str | None:
        if value is None:
            return None
        if type(value) is not str:
            raise _Bad("a text")
        keep(value)
        return value

    if doc["format"] != FORMAT_VERSION or type(doc["format"]) is not int:
        raise _Bad("another story format")

    raw_timelines = doc["timelines"]
    if type(raw_timelines) is not list or not raw_timelines:
        raise _Bad("no timelines")
    timelines: list[Timeline] = []
    for item in raw_timelines:
        if type(item) is not list or len(item) != 3:
            raise _Bad("a timeline")
        timelines.append(Timeline(ident(item[0]), filled(item[1]), span(item[2])))
    timeline_ids = {t.id for t in timelines}
    if len(timeline_ids) != len(timelines):
        raise _Bad("a timeline twice")

    raw_scenes = doc["scenes"]
    if type(raw_scenes) is not list or not raw_scenes:
        raise _Bad("no scenes")
    scenes: dict[str, Scene] = {}
    no_choices: tuple[Choice, ...] = ()
    for item in raw_scenes:
        if type(item) is not list or len(item) != 11:
            raise _Bad("a scene")
        sid, timeline, title, body, caption, notes, mirror, nxt, raw_choices, ending, where = item
        if type(raw_choices) is not list or len(raw_choices) > MAX_CHOICES:
            raise _Bad("choices")
        if (nxt is not None) + (len(raw_choices) > 0) + (ending is not None) != 1:
            raise _Bad("a scene without exactly one way on")
        if timeline not in timeline_ids:
            raise _Bad("a scene in no timeline")
        choices = no_choices
        if raw_choices:
            made_choices = []
            for choice in raw_choices:
                if type(choice) is not list or len(choice) != 3:
                    raise _Bad("a choice")
                label, goto, at = choice
                made = new(Choice)
                put(made, "__dict__", {"label": filled(label), "goto": goto, "span": span(at)})
                made_choices.append(made)
            choices = tuple(made_choices)
        scene = new(Scene)
        put(
            scene,
            "__dict__",
            {
                "id": ident(sid),
                "timeline": timeline,
                "title": filled(title),
                "text": filled(body),
                "caption": optional(caption),
                "notes": optional(notes),
                "mirror": mirror,
                "next": nxt,
                "choices": choices,
                "ending": None if ending is None else filled(ending),
                "span": span(where),
                "spans": _NO_SPANS,
            },
        )
        if scenes.setdefault(sid, scene) is not scene:
            raise _Bad("a scene twice")

    # Every id that must name a scene is one: then it is an id too, as scene ids are.
    for scene in scenes.values():
        if scene.next is not None and scene.next not in scenes:
            raise _Bad("next names no scene")
        for choice in scene.choices:
            if choice.goto not in scenes:
                raise _Bad("a choice names no scene")
        if scene.mirror is not None:
            other = scenes.get(scene.mirror)
            if other is None or other.timeline == scene.timeline:
                raise _Bad("a mirror names no scene in another timeline")

    start = doc["start"]
    if start not in scenes:
        raise _Bad("the start names no scene")
    story = Story(
        id=ident(doc["id"]),
        title=filled(doc["title"]),
        start=start,
        timelines=tuple(timelines),
        scenes=scenes,
        author=optional(doc["author"]),
        format=FORMAT_VERSION,
        root=place.root,
        span=span(doc["span"]),
        spans=_NO_SPANS,
    )
    _check_text(texts)
    return story


_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0B, 0x20)) + b"\x7f"
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _check_text(texts: list[str]) -> None:
    """Refuse control characters (but newline and tab) and lone surrogates in any text.

    The same rule as ``_BAD_TEXT``, done on the UTF-8 bytes of all the text at once,
    which is several times quicker on a large story than a regular expression.
    """
    try:
        data = "\n".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        raise _Bad("a lone surrogate") from None
    if data.translate(None, _OTHER_BYTES) or _C1_UTF8.search(data):
        raise _Bad("a control character")


# --- writing ------------------------------------------------------------------------


def write_cache(
    target: Path,
    place: _Place,
    story: Story,
    files: tuple[Path, ...],
    started_ns: int,
) -> bool:
    """Keep a compiled copy of ``story``; False (and nothing written) if it cannot be."""
    try:
        with paused_gc():
            doc = _document(place, story, files, started_ns)
            if doc is None:
                return False
            # The copy must pass every check a later read makes and give back exactly
            # the story the loader built, or it is not kept. (JSON keeps every str, int,
            # None and list as it is, so the document can be read back before encoding.)
            if _story_from(doc, place) != story:
                return False
            encoded = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        if len(encoded) > MAX_CACHE_BYTES // 4:
            # Characters, not bytes: a quarter keeps the UTF-8 well inside the read limit.
            return False
        from lazyland.saves import write_atomic

        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, encoded)
    except (_Bad, OSError, ValueError, TypeError, KeyError, IndexError, RecursionError):
        return False
    except MemoryError:
        return False
    prune(target.parent, keep=target)
    return True


# A compiled copy not written for this long is removed the next time another is written.
KEEP_SECONDS = 30 * 24 * 3600
# A temporary file left by a write that was cut short is removed after this long.
STRAY_SECONDS = 24 * 3600


def prune(folder: Path, keep: Path | None = None, now: float | None = None) -> int:
    """Remove compiled copies older than KEEP_SECONDS, and stray temporary files.

    Called after a copy is written, which is rare (a story's first launch, or its
    first after an edit), so the everyday start never lists the folder. A copy
    removed here is only rebuilt, from the story's files, the next time its
    story opens. Returns how many files went; never raises.
    """
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if keep is not None and name == keep.name:
            continue
        if name.endswith(".json") and _SHAPE.fullmatch(name[:-5]):
            limit = KEEP_SECONDS
        elif name.startswith(".") and name.endswith(".tmp"):
            limit = STRAY_SECONDS
        else:
            continue  # not lazyland's: left alone
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(
                follow_symlinks=False
            ).st_mtime > limit:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def _document(
    place: _Place, story: Story, files: tuple[Path, ...], started_ns: int
) -> dict[str, Any] | None:
    if not files:
        return None
    entries: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    for number, path in enumerate(files):
        try:
            name = Path(path).relative_to(place.folder).as_posix()
        except ValueError:
            return None
        if not _relative_name(name):
            return None
        size, mtime_ns, ino = _stat(place.base / name)
        if mtime_ns > started_ns - RECENT_NS:
            return None  # changed too recently to tell from an edit made while reading
        entries.append({"name": name, "size": size, "mtime_ns": mtime_ns, "ino": ino})
        index_of[place.shown(name, number == 0)] = number

    def span(value: Span) -> list[int]:
        return [index_of[value.path], value.line, value.col]

    return {
        "cache": CACHE_FORMAT,
        "lazyland": __version__,
        "story": place.key,
        "files": entries,
        "id": story.id,
        "title": story.title,
        "author": story.author,
        "start": story.start,
        "format": story.format,
        "span": span(story.span),
        "timelines": [[t.id, t.label, span(t.span)] for t in story.timelines],
        "scenes": [
            [
                s.id,
                s.timeline,
                s.title,
                s.text,
                s.caption,
                s.notes,
                s.mirror,
                s.next,
                [[c.label, c.goto, span(c.span)] for c in s.choices],
                s.ending,
                span(s.span),
            ]
            for s in story.scenes.values()
        ],
    }
