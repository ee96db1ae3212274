"""Story files -> a Story, every key and value keeping its file, line and column.

The loader reads YAML as a stream of parser events (libyaml's when present, the
pure-Python parser otherwise) and builds the model in the same pass. It never
builds a generic YAML tree and never constructs Python objects from tags, so:

- an anchor or alias is refused where it stands and never expanded, so a
  "billion laughs" file costs no more than its size;
- nesting is counted as it is read, so a file of 100,000 '[' stops at the
  thirteenth, long before anything could recurse;
- a tag, a second document or a duplicate key is seen and reported with its place.

Whatever the bytes, the result is a LoadResult whose problems are located
Diagnostics; load_story never raises on content.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.resolver import Resolver

from lazyland.gc_pause import paused_gc
from lazyland.model import (
    FORMAT_VERSION,
    ID_PATTERN,
    MAX_CHOICES,
    Choice,
    Diagnostic,
    Scene,
    Span,
    Story,
    StoryError,
    Timeline,
)

__all__ = ["LoadResult", "load_story", "open_story", "open_story_files", "MAX_BYTES", "MAX_DEPTH"]

MAX_BYTES = 8 * 1024 * 1024  # a file larger than this is refused before it is read
MAX_DEPTH = 12  # a story needs five levels of nesting; twelve leaves room for notes
MAX_REPEATS = 10  # of one kind of refusal in one file; the rest would only be noise

MANIFEST_NAME = "story.yaml"
TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels; no story needs this much"

if getattr(yaml, "__with_libyaml__", False):  # pragma: no branch - depends on the install
    from yaml._yaml import CParser as _Parser

    def _parser(text: str) -> Any:
        return _Parser(text)
else:  # pragma: no cover - exercised only without libyaml

    def _parser(text: str) -> Any:
        return yaml.SafeLoader(text)


# Characters no story string may hold: C0 controls but tab and newline (and a raw
# carriage return, which YAML reads as a line break), DEL and the C1 controls.
# Written raw in a file, the Unicode line and paragraph separators count too: YAML
# reads them as line breaks that editors may not, so line numbers after them would
# disagree. Written as escapes in a value they are only characters. U+FFFE and
# U+FFFF are refused here too, as YAML refuses them, so they get a place.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_VALUE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def _line_col(text: Any, pos: int, breaks: re.Pattern[Any]) -> tuple[int, int]:
    """1-based line and offset+1 of `pos`, counting line breaks as YAML does."""
    line = 1
    line_start = 0
    for match in breaks.finditer(text, 0, pos):
        line += 1
        line_start = match.end()
    return line, pos - line_start + 1


# YAML 1.1 implicit types of plain scalars, as every YAML library reads them.
_STR = "tag:yaml.org,2002:str"
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    first: [(tag, rx) for tag, rx in rules if tag != "tag:yaml.org,2002:yaml"]
    for first, rules in Resolver.yaml_implicit_resolvers.items()
}
_IMPLICIT = {first: rules for first, rules in _IMPLICIT.items() if rules}
_TYPE_NAMES = {
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:merge": "a merge key",
    "tag:yaml.org,2002:value": "a value key",
}


def _plain_type(value: str) -> str:
    """The YAML 1.1 type of a plain (unquoted) scalar."""
    for tag, rx in _IMPLICIT.get(value[:1], ()):
        if rx.match(value):
            return tag
    return _STR


STORY_KEYS = ("format", "id", "title", "author", "start", "timelines", "include", "scenes")
TIMELINE_KEYS = ("label",)
INCLUDE_KEYS = ("scenes",)
SCENE_KEYS = (
    "timeline",
    "title",
    "caption",
    "text",
    "notes",
    "mirror",
    "next",
    "choices",
    "ending",
)
CHOICE_KEYS = ("label", "goto")
_SCENE_TEXT = frozenset(SCENE_KEYS) - {"choices"}
_EXITS = ("next", "choices", "ending")
_NONEMPTY = frozenset({"title", "text", "label", "ending"})


@dataclass
class LoadResult:
    """What the loader made of a story: the Story (None only if nothing was usable)
    and every loader-level problem found on the way."""

    story: Story | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Every file read for the story, the manifest first, each as the story's folder
    # joined with the name the manifest gives it (symlinks not resolved).
    files: tuple[Path, ...] = ()

    @property
    def ok(self) -> bool:
        return self.story is not None and not any(d.is_error for d in self.diagnostics)


class _Stop(Exception):
    """Reading this file cannot go on; the reason is already recorded."""


class _Invalid:
    """A value already reported as wrong; its field is treated as present but unusable."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Any = _Invalid()


def _q(text: str, limit: int = 60) -> str:
    """User text shown inside a message: quoted, escaped, never too long."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _suggest(key: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return "expected one of: " + ", ".join(allowed)


def _what(event: Any) -> str:
    cls = event.__class__
    if cls is MappingStartEvent:
        return "a mapping"
    if cls is SequenceStartEvent:
        return "a list"
    if cls is ScalarEvent:
        if event.implicit[0]:
            tag = _plain_type(event.value)
            if tag != _STR:
                return _TYPE_NAMES.get(tag, "a value")
        return f"the text {_q(event.value, 30)}"
    return "an alias"


class _StoryReader:
    """Reads one story: the manifest, then each include, into one Story."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.scenes: dict[str, Scene] = {}
        self.scene_files: dict[str, Span] = {}
        # Per-file state, set by _read_file.
        self.path = ""
        self._get: Any = None
        self.depth = 0
        self.repeats: dict[str, int] = {}

    # ------------------------------------------------------------------ reporting

    def error(self, span: Span, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(span, "error", message, code))

    def span(self, event: Any) -> Span:
        mark = event.start_mark
        return Span(self.path, mark.line + 1, mark.column + 1)

    def _repeat(self, span: Span, message: str, code: str) -> None:
        count = self.repeats.get(code, 0) + 1
        self.repeats[code] = count
        if count < MAX_REPEATS:
            self.error(span, message, code)
        elif count == MAX_REPEATS:
            self.error(span, message + " (and more in this file, not listed)", code)

    # ------------------------------------------------------------------ events

    def next(self) -> Any:
        """The next parser event, with anchors, aliases, tags and depth checked."""
        event = self._get()
        cls = event.__class__
        if cls is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                self._properties(event)
            if event.style == '"' and _VALUE_CONTROL.search(event.value):
                self._control(event)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.error(self.span(event), TOO_DEEP, "too-deep")
                raise _Stop
            if event.anchor is not None or event.tag is not None:
                self._properties(event)
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            self.depth -= 1
        elif cls is AliasEvent:
            self._repeat(
                self.span(event),
                f"alias *{event.anchor} is not allowed; write the value out in full",
                "yaml-anchor",
            )
        return event

    def _control(self, event: Any) -> None:
        """Report a control character that an escape put into a string, and drop it."""
        value = event.value
        match = _VALUE_CONTROL.search(value)
        assert match is not None
        self.error(
            self.span(event),
            f"{_q(value, 30)} holds the control character U+{ord(match.group()):04X};"
            " only newline and tab are allowed",
            "control-char",
        )
        event.value = _VALUE_CONTROL.sub("", value)

    def _properties(self, event: Any) -> None:
        if event.anchor is not None:
            self._repeat(
                self.span(event),
                f"anchor &{event.anchor} is not allowed; stories use plain values only",
                "yaml-anchor",
            )
        tag = event.tag
        if tag is not None:
            shown = tag
            if tag.startswith("tag:yaml.org,2002:"):
                shown = "!!" + tag[len("tag:yaml.org,2002:") :]
            self._repeat(
                self.span(event),
                f"tag {_q(shown)} is not allowed; stories hold plain text, numbers and lists"
                " (quote a value to make it text)",
                "yaml-tag",
            )

    def skip(self, event: Any) -> None:
        """Consume the rest of the node that `event` starts."""
        cls = event.__class__
        if cls is not MappingStartEvent and cls is not SequenceStartEvent:
            return
        level = 1
        nxt = self.next
        while level:
            cls = nxt().__class__
            if cls is MappingStartEvent or cls is SequenceStartEvent:
                level += 1
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                level -= 1

    def wrong(self, event: Any, expected: str, where: str) -> Any:
        """Report a value of the wrong kind, consume it, and give INVALID."""
        if event.__class__ is not AliasEvent:
            self.error(
                self.span(event),
                f"{where} should be {expected}, not {_what(event)}",
                "wrong-type",
            )
            self.skip(event)
        return INVALID

    def items(self, event: Any, where: str) -> Any:
        """(key, key event, value event) for each entry of the mapping `event` starts.

        Duplicate and non-text keys are reported and their values skipped; the
        caller must consume each value event before asking for the next entry.
        """
        seen: dict[str, Any] = {}
        nxt = self.next
        while True:
            key = nxt()
            cls = key.__class__
            if cls is MappingEndEvent:
                return
            if cls is not ScalarEvent:
                if cls is not AliasEvent:
                    self.error(
                        self.span(key),
                        f"a key in {where} should be text, not {_what(key)}",
                        "wrong-type",
                    )
                    self.skip(key)
                self.skip(nxt())
                continue
            name = key.value
            first = seen.get(name)
            if first is not None:
                kspan = self.span(key)
                self.error(
                    kspan,
                    f"duplicate key {_q(name)} in {where}: first on line"
                    f" {first.start_mark.line + 1}, again on line {kspan.line}; keep one",
                    "duplicate-key",
                )
                self.skip(nxt())
                continue
            seen[name] = key
            yield name, key, nxt()

    def text(self, event: Any, key: str, where: str) -> Any:
        """A text value, or INVALID after reporting why it is not one."""
        if event.__class__ is not ScalarEvent:
            return self.wrong(event, "text", f"{key!r} of {where}")
        value: str = event.value
        if event.implicit[0]:
            if value[:1] in _IMPLICIT:
                tag = _plain_type(value)
                if tag != _STR:
                    if tag == "tag:yaml.org,2002:null" and key in _NONEMPTY:
                        self.error(self.span(event), f"{key!r} of {where} is empty", "empty-value")
                        return INVALID
                    self.error(
                        self.span(event),
                        f"{key!r} of {where} should be text, but YAML reads {_q(value)} as"
                        f" {_TYPE_NAMES.get(tag, 'a value')}; put it in quotes:"
                        f" {key}: {_q(value)}",
                        "wrong-type",
                    )
                    return INVALID
        if key in _NONEMPTY and not value.strip():
            self.error(self.span(event), f"{key!r} of {where} is empty", "empty-value")
            return INVALID
        return value

    def key_id(self, name: str, key: Any, kspan: Span, what: str) -> bool:
        """Check an id written as a key; False (after reporting) if it is unusable."""
        if key.implicit[0] and name[:1] in _IMPLICIT:
            tag = _plain_type(name)
            if tag != _STR:
                self.error(
                    kspan,
                    f"{what} id {_q(name)} is read by YAML as {_TYPE_NAMES.get(tag, 'a value')};"
                    f" put it in quotes: {_q(name)}",
                    "wrong-type",
                )
                return False
        if not ID_PATTERN.match(name):
            self.error(kspan, _bad_id_message(what, name), "bad-id")
        return True

    # ------------------------------------------------------------------ files

    def read_file(self, real: Path, shown: str, reader: Any) -> bool:
        """Read one file with `reader(root_event)`; False if nothing could be read."""
        self.path = shown
        self.depth = 0
        self.repeats = {}
        whole = Span(shown, 1, 1)
        try:
            size = real.stat().st_size
            if size > MAX_BYTES:
                self.error(
                    whole,
                    f"file is {size:,} bytes; story files are limited to"
                    f" {MAX_BYTES // 1048576} MiB ({MAX_BYTES:,} bytes)",
                    "too-large",
                )
                return False
            with real.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            self.error(whole, f"cannot read the file: {exc.strerror or exc}", "unreadable")
            return False
        if len(data) > MAX_BYTES:
            self.error(whole, "file grew past the size limit while being read", "too-large")
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            start = exc.start
            line, offset = _line_col(data, start, _LINE_BREAK_BYTES)
            col = len(data[start - offset + 1 : start].decode("utf-8", "replace")) + 1
            self.error(
                Span(shown, line, col),
                f"byte 0x{data[start]:02X} is not UTF-8; save the file as UTF-8",
                "not-utf8",
            )
            return False
        found = 0
        for match in _RAW_CONTROL.finditer(text):
            pos = match.start()
            line, col = _line_col(text, pos, _LINE_BREAK)
            self.error(
                Span(shown, line, col),
                f"control character U+{ord(match.group()):04X} is not allowed in a story file",
                "control-char",
            )
            found += 1
            if found >= MAX_REPEATS:
                break
        if found:
            return False
        try:
            self._get = _parser(text).get_event
            return self._read_document(reader)
        except _Stop:
            return True
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            span = Span(shown, mark.line + 1, mark.column + 1) if mark else whole
            problem = exc.problem or exc.context or "the YAML cannot be read"
            deep = _too_deep_span(text, shown) if "nesting depth" in problem else None
            if deep is not None:
                self.error(deep, TOO_DEEP, "too-deep")
                return True
            if exc.context and exc.problem:
                problem = f"{problem} ({exc.context})"
            self.error(span, f"YAML syntax: {problem}", "yaml-syntax")
        except yaml.YAMLError as exc:
            self.error(whole, f"YAML syntax: {_reader_problem(exc)}", "yaml-syntax")
        except RecursionError:
            self.error(whole, "the file nests too deeply to read", "too-deep")
        except MemoryError:
            self.error(whole, "the file is too large to read", "too-large")
        except UnicodeError:
            self.error(whole, "the file is not valid UTF-8", "not-utf8")
        finally:
            self._get = None
        return True

    def _read_document(self, reader: Any) -> bool:
        nxt = self.next
        nxt()  # stream start
        event = nxt()
        if event.__class__ is StreamEndEvent:
            reader(None)
            return True
        root = nxt()
        reader(root)
        nxt()  # document end
        event = self._get()
        if event.__class__ is DocumentStartEvent:
            self.error(
                self.span(event),
                "a second YAML document; a story file holds exactly one",
                "yaml-documents",
            )
        return True


def _too_deep_span(text: str, shown: str) -> Span | None:
    """Where nesting first passes MAX_DEPTH, found with the pure-Python parser.

    libyaml (as bundled with PyYAML 6.0.4 and later) refuses flow nesting past its own
    limit while scanning ahead, before any event shows the depth. Python's scanner looks
    at most 1024 characters ahead, so its events name the place the reader would have.
    """
    parser = yaml.SafeLoader(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()  # type: ignore[no-untyped-call]
            cls = event.__class__
            if cls is MappingStartEvent or cls is SequenceStartEvent:
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return Span(shown, mark.line + 1, mark.column + 1)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                depth -= 1
            elif cls is StreamEndEvent:
                return None
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        parser.dispose()


def _reader_problem(exc: yaml.YAMLError) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else "the YAML cannot be read"


def _bad_id_message(what: str, name: str) -> str:
    return (
        f"{what} id {_q(name)} is not a valid id: use lowercase letters, digits, '-' and"
        " '_', starting with a letter or digit, at most 64 characters"
    )


class _Builder(_StoryReader):
    """The story-format rules on top of the event reader."""

    def __init__(self, typed: str, real_root: Path) -> None:
        super().__init__()
        self.typed_root = typed  # the folder as the user typed it ("" for the cwd)
        self.real_root = real_root
        self.manifest: dict[str, Any] = {}
        self.manifest_spans: dict[str, Span] = {}
        self.timelines: list[Timeline] = []
        self.includes: list[tuple[str, Span]] = []
        self.manifest_span: Span | None = None
        self.files: list[Path] = []

    # ------------------------------------------------------------------ manifest

    def read_manifest(self, root: Any) -> None:
        where = "the story"
        if root is None or root.__class__ is not MappingStartEvent:
            if root is None:
                self.error(
                    Span(self.path, 1, 1),
                    "the manifest is empty; it needs format, id, title, start and timelines",
                    "missing-key",
                )
            else:
                self.wrong(root, "a mapping of keys (format, id, title, ...)", "the manifest")
            return
        self.manifest_span = self.span(root)
        values = self.manifest
        spans = self.manifest_spans
        for name, key, value in self.items(root, where):
            spans[name] = self.span(value)
            if name == "format":
                values[name] = self._format(value)
            elif name in ("id", "title", "author", "start"):
                result = self.text(value, name, where)
                values[name] = result
                if name == "id" and result is not INVALID and not ID_PATTERN.match(result):
                    self.error(spans[name], _bad_id_message("story", result), "bad-id")
            elif name == "timelines":
                values[name] = True
                self._timelines(value)
            elif name == "include":
                values[name] = True
                self._include_list(value)
            elif name == "scenes":
                values[name] = True
                self.read_scenes(value)
            else:
                self.error(
                    self.span(key),
                    f"unknown key {_q(name)} in the story; {_suggest(name, STORY_KEYS)}",
                    "unknown-key",
                )
                self.skip(value)
        for required in ("format", "id", "title", "start", "timelines"):
            if required not in values:
                self.error(
                    self.manifest_span,
                    f"the story has no {required!r}; add it to the manifest",
                    "missing-key",
                )

    def _format(self, event: Any) -> Any:
        if event.__class__ is ScalarEvent and event.implicit[0]:
            value = event.value
            if _plain_type(value) == "tag:yaml.org,2002:int":
                if value == str(FORMAT_VERSION):
                    return FORMAT_VERSION
                self.error(
                    self.span(event),
                    f"format {value} is not one this lazyland reads; use format: {FORMAT_VERSION}",
                    "bad-format",
                )
                return INVALID
        if event.__class__ is ScalarEvent and not event.implicit[0] and event.tag is None:
            self.error(
                self.span(event),
                f"'format' should be the number {FORMAT_VERSION}, not the text"
                f" {_q(event.value)}; remove the quotes",
                "wrong-type",
            )
            return INVALID
        if event.__class__ is ScalarEvent:
            self.error(
                self.span(event),
                f"'format' should be the number {FORMAT_VERSION}, not {_what(event)}",
                "bad-format",
            )
            return INVALID
        return self.wrong(event, f"the number {FORMAT_VERSION}", "'format'")

    def _timelines(self, event: Any) -> None:
        if event.__class__ is not MappingStartEvent:
            self.wrong(event, "a mapping of timeline ids to their labels", "'timelines'")
            return
        start = self.span(event)
        count = 0
        for name, key, value in self.items(event, "'timelines'"):
            kspan = self.span(key)
            count += 1
            usable = self.key_id(name, key, kspan, "timeline")
            where = f"timeline {_q(name)}"
            label: Any = INVALID
            if value.__class__ is not MappingStartEvent:
                self.wrong(value, "a mapping with a 'label'", where)
            else:
                has_label = False
                for field_name, field_key, fvalue in self.items(value, where):
                    if field_name == "label":
                        has_label = True
                        label = self.text(fvalue, "label", where)
                    else:
                        self.error(
                            self.span(field_key),
                            f"unknown key {_q(field_name)} in {where};"
                            f" {_suggest(field_name, TIMELINE_KEYS)}",
                            "unknown-key",
                        )
                        self.skip(fvalue)
                if not has_label:
                    self.error(kspan, f"{where} has no 'label'", "missing-key")
            if usable:
                self.timelines.append(
                    Timeline(name, label if isinstance(label, str) else name, kspan)
                )
        if count == 0:
            self.error(start, "'timelines' is empty; declare at least one", "empty-value")

    def _include_list(self, event: Any) -> None:
        if event.__class__ is ScalarEvent and event.implicit[0] and event.value in ("", "~"):
            return
        if event.__class__ is not SequenceStartEvent:
            self.wrong(event, "a list of file names", "'include'")
            return
        nxt = self.next
        while True:
            item = nxt()
            if item.__class__ is SequenceEndEvent:
                return
            value = self.text(item, "include", "the story")
            if isinstance(value, str):
                self.includes.append((value, self.span(item)))

    # ------------------------------------------------------------------ scenes

    def read_include(self, root: Any) -> None:
        name = posixpath.basename(self.path)
        if root is None:
            self.error(
                Span(self.path, 1, 1),
                f"{_q(name)} is empty; an included file holds 'scenes:'",
                "missing-key",
            )
            return
        if root.__class__ is not MappingStartEvent:
            self.wrong(root, "a mapping with one key, 'scenes'", "an included file")
            return
        found = False
        for key, key_event, value in self.items(root, "an included file"):
            if key == "scenes":
                found = True
                self.read_scenes(value)
            else:
                self.error(
                    self.span(key_event),
                    f"unknown key {_q(key)} in an included file, which holds only 'scenes';"
                    f" {_suggest(key, INCLUDE_KEYS)}",
                    "unknown-key",
                )
                self.skip(value)
        if not found:
            self.error(self.span(root), f"{_q(name)} has no 'scenes'", "missing-key")

    def read_scenes(self, event: Any) -> None:
        if event.__class__ is ScalarEvent and event.implicit[0] and event.value in ("", "~"):
            return
        if event.__class__ is not MappingStartEvent:
            self.wrong(event, "a mapping of scene ids to scenes", "'scenes'")
            return
        scenes = self.scenes
        for name, key, value in self.items(event, "'scenes'"):
            kspan = self.span(key)
            usable = self.key_id(name, key, kspan, "scene")
            scene = self.read_scene(name, kspan, value)
            if scene is None or not usable:
                continue
            first = self.scene_files.get(name)
            if first is not None:
                self.error(
                    kspan,
                    f"scene {_q(name)} is defined twice: first at {first}, again here",
                    "duplicate-scene",
                )
                continue
            scenes[name] = scene
            self.scene_files[name] = kspan

    def read_scene(self, scene_id: str, kspan: Span, event: Any) -> Scene | None:
        where = f"scene {_q(scene_id)}"
        if event.__class__ is not MappingStartEvent:
            self.wrong(event, "a mapping (timeline, title, text, ...)", where)
            return None
        values: dict[str, str] = {}  # the usable text values
        spans: dict[str, Span] = {}  # every key written, usable or not
        exits: list[tuple[str, Any]] = []
        choices: tuple[Choice, ...] = ()
        text = self.text
        span = self.span
        for name, key, value in self.items(event, where):
            spans[name] = span(value)
            if name in _SCENE_TEXT:
                result = text(value, name, where)
                if result is not INVALID:
                    values[name] = result
                if name == "next" or name == "ending":
                    exits.append((name, key))
            elif name == "choices":
                exits.append((name, key))
                choices = self._choices(value, where)
            else:
                self.error(
                    span(key),
                    f"unknown key {_q(name)} in {where}; {_suggest(name, SCENE_KEYS)}",
                    "unknown-key",
                )
                self.skip(value)
        for required in ("timeline", "title", "text"):
            if required not in spans:
                self.error(kspan, f"{where} has no {required!r}", "missing-key")
        if not exits:
            self.error(
                kspan,
                f"{where} has no way on; give it one of 'next', 'choices' or 'ending'",
                "scene-exits",
            )
        elif len(exits) > 1:
            names = " and ".join(repr(n) for n, _ in exits)
            self.error(
                span(exits[1][1]),
                f"{where} has {names}; a scene has exactly one of 'next', 'choices', 'ending'",
                "scene-exits",
            )

        get = values.get
        ending = get("ending")
        if ending is None and "ending" in spans:
            # An ending written but unusable still ends the scene, so the graph
            # checks do not pile a "no ending" warning on top of the error.
            ending = ""
        return Scene(
            id=scene_id,
            timeline=get("timeline", ""),
            title=get("title", ""),
            text=get("text", ""),
            caption=get("caption"),
            notes=get("notes"),
            mirror=get("mirror"),
            next=get("next"),
            choices=choices,
            ending=ending,
            span=kspan,
            spans=MappingProxyType(spans),
        )

    def _choices(self, event: Any, where: str) -> tuple[Choice, ...]:
        if event.__class__ is not SequenceStartEvent:
            self.wrong(event, "a list of choices, each with 'label' and 'goto'", where)
            return ()
        out: list[Choice] = []
        nxt = self.next
        count = 0
        while True:
            item = nxt()
            if item.__class__ is SequenceEndEvent:
                break
            count += 1
            item_span = self.span(item)
            if count == MAX_CHOICES + 1:
                self.error(
                    item_span,
                    f"{where} has more than {MAX_CHOICES} choices; the reader numbers them 1-9",
                    "too-many-choices",
                )
            what = f"choice {count} of {where}"
            if item.__class__ is not MappingStartEvent:
                self.wrong(item, "a mapping with 'label' and 'goto'", what)
                continue
            label: Any = None
            goto: Any = None
            goto_span = item_span
            for name, key, value in self.items(item, what):
                if name == "label":
                    label = self.text(value, "label", what)
                elif name == "goto":
                    goto_span = self.span(value)
                    goto = self.text(value, "goto", what)
                else:
                    self.error(
                        self.span(key),
                        f"unknown key {_q(name)} in {what}; {_suggest(name, CHOICE_KEYS)}",
                        "unknown-key",
                    )
                    self.skip(value)
            for name, got in (("label", label), ("goto", goto)):
                if got is None:
                    self.error(item_span, f"{what} has no {name!r}", "missing-key")
            if isinstance(goto, str):
                out.append(Choice(label if isinstance(label, str) else "", goto, goto_span))
        if count == 0:
            self.error(self.span(event), f"'choices' of {where} is empty", "empty-value")
        return tuple(out)

    # ------------------------------------------------------------------ includes

    def read_includes(self, manifest_real: Path) -> None:
        done: dict[Path, Span] = {}
        try:
            done[manifest_real.resolve()] = Span(self.path, 1, 1)
        except (OSError, RuntimeError):
            pass
        root = self.real_root
        try:
            real_root = root.resolve()
        except (OSError, RuntimeError):
            real_root = root
        for name, span in list(self.includes):
            if not name.strip():
                self.error(span, "an include names no file", "include-missing")
                continue
            if name.startswith(("/", "\\")) or os.path.isabs(name) or re.match(r"[A-Za-z]:", name):
                self.error(
                    span,
                    f"include {_q(name)} is an absolute path; name a file inside the story folder",
                    "include-escapes",
                )
                continue
            normal = posixpath.normpath(name.replace("\\", "/"))
            if normal == ".." or normal.startswith("../"):
                self.error(
                    span,
                    f"include {_q(name)} leaves the story folder; name a file inside it",
                    "include-escapes",
                )
                continue
            target = root / normal
            try:
                real = target.resolve()
            except (OSError, RuntimeError):
                self.error(span, f"include {_q(name)} cannot be resolved", "include-missing")
                continue
            if real != real_root and real_root not in real.parents:
                self.error(
                    span,
                    f"include {_q(name)} leads out of the story folder through a symlink",
                    "include-escapes",
                )
                continue
            if not real.is_file():
                missing = "is a folder" if real.is_dir() else "does not exist"
                self.error(span, f"include {_q(name)} {missing}", "include-missing")
                continue
            first = done.get(real)
            if first is not None:
                self.error(
                    span,
                    f"{_q(name)} is already part of the story (from {first}); include it once",
                    "duplicate-key",
                )
                continue
            done[real] = span
            self.files.append(target)
            shown = os.path.join(self.typed_root, normal) if self.typed_root else normal
            self.read_file(real, shown, self.read_include)

    # ------------------------------------------------------------------ the story

    def story(self, root_path: Path) -> Story | None:
        values = self.manifest
        if self.manifest_span is None:
            return None

        def get(name: str) -> str:
            value = values.get(name)
            return value if isinstance(value, str) else ""

        known = {t.id for t in self.timelines}
        if known:
            for scene in self.scenes.values():
                if scene.timeline and scene.timeline not in known:
                    self.error(
                        scene.span_of("timeline"),
                        f"scene {_q(scene.id)} is in timeline {_q(scene.timeline)}, which the"
                        f" story does not declare; {_suggest(scene.timeline, tuple(known))}",
                        "unknown-timeline",
                    )
        author = values.get("author")
        return Story(
            id=get("id"),
            title=get("title"),
            start=get("start"),
            timelines=tuple(self.timelines),
            scenes=self.scenes,
            author=author if isinstance(author, str) else None,
            format=FORMAT_VERSION,
            root=root_path,
            span=self.manifest_span,
            spans=MappingProxyType(dict(self.manifest_spans)),
        )


def _unreadable(typed: str, message: str) -> LoadResult:
    return LoadResult(None, [Diagnostic(Span(typed or ".", 1, 1), "error", message, "unreadable")])


def load_story(path: str | os.PathLike[str]) -> LoadResult:
    """Load a story folder (holding story.yaml) or a single manifest file.

    Never raises on content: every problem is a located Diagnostic.
    """
    with paused_gc():
        return _load_story(path)


def _load_story(path: str | os.PathLike[str]) -> LoadResult:
    typed = os.fspath(path)
    given = Path(typed)
    try:
        if given.is_dir():
            manifest = given / MANIFEST_NAME
            shown = os.path.join(typed, MANIFEST_NAME)
            folder_typed = typed
            folder = given
            if not manifest.is_file():
                return _unreadable(
                    typed, f"{_q(typed)} is a folder without a {MANIFEST_NAME}; is it a story?"
                )
            root_path = given
        elif given.is_file():
            manifest = given
            shown = typed
            folder_typed = os.path.dirname(typed)
            folder = given.parent
            root_path = given
        else:
            return _unreadable(
                typed, f"no story at {_q(typed)}: expected a folder with story.yaml or a .yaml file"
            )
    except (OSError, ValueError) as exc:
        return _unreadable(typed, f"cannot open {_q(typed)}: {exc}")
    builder = _Builder(folder_typed, folder)
    builder.files.append(manifest)
    builder.read_file(manifest, shown, builder.read_manifest)
    manifest_path = builder.path
    builder.read_includes(manifest)
    builder.path = manifest_path
    story = builder.story(root_path)
    return LoadResult(story, builder.diagnostics, tuple(builder.files))


def open_story(path: str | os.PathLike[str]) -> Story:
    """Load and check a story; raise StoryError (errors first) if it has any error."""
    return open_story_files(path)[0]


def open_story_files(path: str | os.PathLike[str]) -> tuple[Story, tuple[Path, ...]]:
    """open_story, also giving the files the story was read from (LoadResult.files)."""
    from lazyland.check import CUT_SHORT, check_story

    result = load_story(path)
    diagnostics = list(result.diagnostics)
    if result.story is not None and not any(d.code in CUT_SHORT for d in diagnostics):
        diagnostics.extend(check_story(result.story))
    if result.story is None or any(d.is_error for d in diagnostics):
        _raise(diagnostics)
    assert result.story is not None
    return result.story, result.files


def _raise(diagnostics: list[Diagnostic]) -> NoReturn:
    from lazyland.check import sort_diagnostics

    ordered = sort_diagnostics(diagnostics)
    ordered.sort(key=lambda d: not d.is_error)
    raise StoryError(ordered)
