"""Compiled stories (lazyland.cache): the same Story as the loader, or none at all.

A compiled copy is used only while every file of the story stats as it did when
the copy was written; anything else, and anything odd in the copy itself, sends
the story back through the loader and the copy is written afresh.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazyland import cache
from lazyland.cache import cache_file, open_story_cached
from lazyland.check import check_story
from lazyland.engine import Reading
from lazyland.loader import open_story
from lazyland.model import Story, StoryError

ROOT = Path(__file__).resolve().parents[1]
HOUR_NS = 3600 * 10**9

MANIFEST = """\
format: 1
id: two-nights
title: "Two nights"
author: Someone
start: arrival
timelines:
  real:
    label: What happened
  dream:
    label: What if
include:
  - scenes/real.yaml
  - dream.yaml
scenes:
  arrival:
    timeline: real
    title: Arrival
    caption: A bar, late
    text: |
      She comes in out of the rain.

      He is *playing* already, and **badly**.
    notes: The first scene.
    next: the-song
"""

REAL = """\
scenes:
  the-song:
    timeline: real
    title: The song
    text: He plays the [bold]song[/bold] again.
    mirror: the-other-song
    choices:
      - label: Stay
        goto: the-end
      - label: Leave
        goto: the-door
  the-door:
    timeline: real
    title: The door
    text: She leaves.
    ending: Gone
  the-end:
    timeline: real
    title: The end
    text: She stays.
    ending: Stayed
"""

DREAM = """\
scenes:
  the-other-song:
    timeline: dream
    title: The other song
    caption: ""
    text: "They dance.\\tTab and all."
    mirror: the-song
    next: the-dream-end
  the-dream-end:
    timeline: dream
    title: The dream ends
    text: It was a dream.
    ending: Dreamt
"""


def settle(folder: Path, age_ns: int = HOUR_NS) -> None:
    """Date every file an hour back, as a story on disk usually is: a file changed in the
    last two seconds is never compiled (it could still be changing)."""
    when = 1_700_000_000 * 10**9 - age_ns
    for path in [folder, *folder.rglob("*")]:
        if path.is_file():
            os.utime(path, ns=(when, when))


def write_story(folder: Path) -> Path:
    (folder / "scenes").mkdir(parents=True)
    (folder / "story.yaml").write_text(MANIFEST, "utf-8")
    (folder / "scenes" / "real.yaml").write_text(REAL, "utf-8")
    (folder / "dream.yaml").write_text(DREAM, "utf-8")
    settle(folder)
    return folder


@pytest.fixture
def story(tmp_path: Path) -> Path:
    return write_story(tmp_path / "story")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "stories"


def assert_same(ours: Story, theirs: Story) -> None:
    """Field by field, so a difference names itself (spans by key are not kept)."""
    for name in ("id", "title", "start", "author", "format", "root", "span", "timelines"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert list(ours.scenes) == list(theirs.scenes)
    for scene_id, scene in theirs.scenes.items():
        mine = ours.scenes[scene_id]
        for f in dataclasses.fields(scene):
            if f.name != "spans":
                assert getattr(mine, f.name) == getattr(scene, f.name), (scene_id, f.name)
    assert ours == theirs


def no_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any use of the loader fail, so a story can only have come from the copy."""

    def refuse(*args: object, **kwargs: object) -> Any:
        raise AssertionError("the loader was used")

    monkeypatch.setattr("lazyland.loader.open_story_files", refuse)
    monkeypatch.setattr("lazyland.loader.open_story", refuse)


def warm(story: str | Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> Story:
    with monkeypatch.context() as patch:
        no_loader(patch)
        return open_story_cached(story, store)


def the_copy(story: Path, store: Path) -> Path:
    target = cache_file(story, store)
    assert target is not None
    return target


# --- the same story --------------------------------------------------------------------


def test_the_model_is_one_the_cache_keeps_whole() -> None:
    # A field added to the model turns caching off until cache.py keeps it too.
    assert cache.ENABLED


def test_a_warm_copy_gives_the_loaders_story(
    story: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = open_story_cached(story, store)
    assert the_copy(story, store).is_file()
    assert_same(cold, open_story(story))
    again = warm(story, store, monkeypatch)
    assert_same(again, open_story(story))
    assert again.scenes["the-song"].choices[1].goto == "the-door"
    assert again.scenes["the-other-song"].caption == ""
    assert again.scenes["the-other-song"].text == "They dance.\tTab and all."
    assert again.scene("arrival").span.path == os.path.join(str(story), "story.yaml")
    assert again.scene("the-door").span.path == os.path.join(str(story), "scenes/real.yaml")


def test_the_bundled_story_and_a_generated_one_come_back_equal(
    tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import write_story as generate
    finally:
        sys.path.pop(0)
    bundled = tmp_path / "bundled"
    shutil.copytree(ROOT / "story" / "la-la-land", bundled)
    generated = generate(tmp_path / "generated", scenes=400, files=3)
    for folder in (bundled, generated):
        settle(folder)
        open_story_cached(folder, store)
        assert_same(warm(folder, store, monkeypatch), open_story(folder))
    assert len(list(store.iterdir())) == 2


def test_a_single_file_story(tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = tmp_path / "one.yaml"
    one.write_text(
        MANIFEST.replace("include:\n  - scenes/real.yaml\n  - dream.yaml\n", "")
        .replace("next: the-song", "ending: Alone")
        .replace("  dream:\n    label: What if\n", ""),
        "utf-8",
    )
    settle(tmp_path)
    open_story_cached(one, store)
    assert_same(warm(one, store, monkeypatch), open_story(one))


def test_positions_follow_the_path_as_typed(
    story: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_story_cached(story, store)
    monkeypatch.chdir(story.parent)
    # The same copy serves the story however it is named, and positions read as typed.
    for typed in ("story", "./story", "story/", "story//story.yaml", str(story)):
        assert_same(warm(typed, store, monkeypatch), open_story(typed))
    assert len(list(store.iterdir())) == 1


def test_a_story_with_warnings_is_kept(
    story: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = story / "scenes" / "real.yaml"
    real.write_text(
        REAL + "  lost:\n    timeline: real\n    title: Lost\n    text: x\n    ending: y\n"
    )
    settle(story)
    assert "lost" in open_story_cached(story, store).scenes
    assert "lost" in warm(story, store, monkeypatch).scenes


# --- when the files change -------------------------------------------------------------


def test_an_edit_is_seen_and_compiled_once_it_settles(
    story: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_story_cached(story, store)
    real = story / "scenes" / "real.yaml"
    real.write_text(REAL.replace("title: The door", "title: The front door at last"), "utf-8")
    assert open_story_cached(story, store).scene("the-door").title == "The front door at last"
    # Just written, so not yet compiled: the copy still holds the old story, unused.
    assert "The front door at last" not in the_copy(story, store).read_text("utf-8")
    settle(story, age_ns=2 * HOUR_NS)
    open_story_cached(story, store)
    assert warm(story, store, monkeypatch).scene("the-door").title == "The front door at last"


def test_an_edit_that_keeps_the_size_is_seen_by_its_time(story: Path, store: Path) -> None:
    open_story_cached(story, store)
    real = story / "scenes" / "real.yaml"
    before = real.stat()
    real.write_text(REAL.replace("title: The door", "title: The gate"), "utf-8")
    assert real.stat().st_size == before.st_size
    settle(story, age_ns=2 * HOUR_NS)
    assert real.stat().st_mtime_ns != before.st_mtime_ns
    assert open_story_cached(story, store).scene("the-door").title == "The gate"


def test_a_file_replaced_with_the_same_size_and_time_is_seen_by_its_inode(
    story: Path, store: Path
) -> None:
    # What an editor that saves by renaming a new file into place does.
    open_story_cached(story, store)
    real = story / "scenes" / "real.yaml"
    before = real.stat()
    fresh = story / "scenes" / "new.tmp"
    fresh.write_text(REAL.replace("title: The door", "title: The gate"), "utf-8")
    os.utime(fresh, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(fresh, real)
    after = real.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert open_story_cached(story, store).scene("the-door").title == "The gate"


def test_an_include_retargeted_by_symlink_is_seen(tmp_path: Path, store: Path) -> None:
    story = write_story(tmp_path / "linked")
    dream = story / "dream.yaml"
    (story / "a.yaml").write_text(DREAM, "utf-8")
    (story / "b.yaml").write_text(DREAM.replace("It was a dream.", "It was a drama."), "utf-8")
    dream.unlink()
    dream.symlink_to("a.yaml")
    settle(story)
    open_story_cached(story, store)
    dream.unlink()
    dream.symlink_to("b.yaml")  # same size, same time, another file
    assert (story / "a.yaml").stat().st_size == (story / "b.yaml").stat().st_size
    assert open_story_cached(story, store).scene("the-dream-end").text == "It was a drama."


def test_a_new_include_is_seen(story: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_story_cached(story, store)
    (story / "more.yaml").write_text(
        "scenes:\n  extra:\n    timeline: dream\n    title: Extra\n    text: More.\n"
        "    ending: Also\n",
        "utf-8",
    )
    manifest = story / "story.yaml"
    manifest.write_text(MANIFEST.replace("  - dream.yaml\n", "  - dream.yaml\n  - more.yaml\n"))
    settle(story, age_ns=2 * HOUR_NS)
    assert "extra" in open_story_cached(story, store).scenes
    copy = json.loads(the_copy(story, store).read_text("utf-8"))
    assert [f["name"] for f in copy["files"]] == [
        "story.yaml",
        "scenes/real.yaml",
        "dream.yaml",
        "more.yaml",
    ]
    assert "extra" in warm(story, store, monkeypatch).scenes


def test_a_missing_include_reports_as_the_loader_does(story: Path, store: Path) -> None:
    open_story_cached(story, store)
    (story / "dream.yaml").unlink()
    with pytest.raises(StoryError) as ours:
        open_story_cached(story, store)
    with pytest.raises(StoryError) as theirs:
        open_story(story)
    assert ours.value.diagnostics == theirs.value.diagnostics
    assert any(d.code == "include-missing" for d in ours.value.diagnostics)


def test_a_broken_story_is_never_kept(story: Path, store: Path) -> None:
    (story / "dream.yaml").write_text(DREAM.replace("next: the-dream-end", "next: nowhere"))
    settle(story)
    with pytest.raises(StoryError) as ours:
        open_story_cached(story, store)
    with pytest.raises(StoryError) as theirs:
        open_story(story)
    assert ours.value.diagnostics == theirs.value.diagnostics
    assert [d.code for d in ours.value.diagnostics if d.is_error] == ["unknown-scene"]
    assert not store.exists() or not any(store.iterdir())


def test_a_story_changed_in_the_last_seconds_is_not_compiled(tmp_path: Path, store: Path) -> None:
    story = write_story(tmp_path / "fresh")
    (story / "dream.yaml").write_text(DREAM, "utf-8")  # now, not an hour ago
    assert len(open_story_cached(story, store).scenes) == 6
    assert not the_copy(story, store).exists()


def test_no_story_there_reports_as_the_loader_does(tmp_path: Path, store: Path) -> None:
    with pytest.raises(StoryError) as ours:
        open_story_cached(tmp_path / "nothing", store)
    assert ours.value.diagnostics[0].code == "unreadable"


# --- a copy that cannot be trusted -----------------------------------------------------


def _scene(doc: dict[str, Any], scene_id: str) -> list[Any]:
    return next(s for s in doc["scenes"] if s[0] == scene_id)


def _set(path: str, value: Any) -> Any:
    """Set one value, addressed by dotted keys and indexes (a scene by its id)."""

    def change(doc: Any) -> Any:
        target = doc
        keys = path.split(".")
        for before, key in zip(["", *keys], keys[:-1], strict=False):
            if before == "scenes" and not key.isdigit():
                target = _scene(doc, key)
            elif isinstance(target, list):
                target = target[int(key)]
            else:
                target = target[key]
        if isinstance(target, list):
            target[int(keys[-1])] = value
        else:
            target[keys[-1]] = value
        return doc

    return change


def _add_scene(doc: dict[str, Any]) -> None:
    doc["scenes"].append(list(_scene(doc, "the-door")))


def _in_place(change: Any) -> Any:
    def run(doc: Any) -> Any:
        change(doc)
        return doc

    return run


DAMAGE = {
    "not a mapping": lambda doc: [doc],
    "an extra key": _set("extra", 1),
    "a key missing": _in_place(lambda doc: doc.pop("author")),
    "another cache format": _set("cache", 2),
    "cache format as true": _set("cache", True),
    "another lazyland": _set("lazyland", "0.0.1"),
    "another story's path": _set("story", "/elsewhere/story.yaml"),
    "no files": _set("files", []),
    "a file's size": _set("files.1.size", 1),
    "a file's time": _set("files.1.mtime_ns", 5),
    "a file's inode": _set("files.1.ino", 7),
    "a file's size as text": _set("files.1.size", "1"),
    "a file that leaves the folder": _set("files.1.name", "../scenes/real.yaml"),
    "an absolute file": _set("files.1.name", "/etc/hostname"),
    "the manifest not first": _in_place(lambda doc: doc["files"].reverse()),
    "a file listed twice": _in_place(lambda doc: doc["files"].append(doc["files"][1])),
    "a huge size": _set("files.1.size", 10**30),
    "the story format": _set("format", 2),
    "the id": _set("id", "Not An Id"),
    "the title as a number": _set("title", 7),
    "an empty title": _set("title", "  "),
    "the author as a list": _set("author", ["x"]),
    "a start that names nothing": _set("start", "nowhere"),
    "the start as a list": _set("start", ["arrival"]),
    "no timelines": _set("timelines", []),
    "a timeline twice": _in_place(lambda doc: doc["timelines"].append(doc["timelines"][0])),
    "a timeline without a label": _set("timelines.0.1", ""),
    "a line of zero": _set("span", [0, 0, 1]),
    "a huge line": _set("span", [0, 2**40, 1]),
    "a float line": _set("span", [0, 1.0, 1]),
    "a line as true": _set("span", [0, True, 1]),
    "a file index past the end": _set("span", [3, 1, 1]),
    "a negative file index": _set("span", [-1, 1, 1]),
    "a short span": _set("span", [0, 1]),
    "no scenes": _set("scenes", []),
    "a scene as a mapping": _set("scenes.0", {"id": "arrival"}),
    "a short scene": _in_place(lambda doc: doc["scenes"][0].pop()),
    "a scene twice": _in_place(_add_scene),
    "a bad scene id": _set("scenes.arrival.0", "Arrival!"),
    "a scene in no timeline": _set("scenes.arrival.1", "other"),
    "a scene title as a number": _set("scenes.arrival.2", 12),
    "an empty text": _set("scenes.arrival.3", ""),
    "an escape sequence in text": _set("scenes.arrival.3", "\x1b[2J\x1b[31mgotcha"),
    "a C1 control in a caption": _set("scenes.arrival.4", "a\x9bb"),
    "a lone surrogate in notes": _set("scenes.arrival.5", "x\ud800y"),
    "a carriage return in a title": _set("scenes.arrival.2", "one\rtwo"),
    "a mirror to nothing": _set("scenes.the-song.6", "nowhere"),
    "a mirror in the same timeline": _set("scenes.the-song.6", "the-end"),
    "a mirror as a number": _set("scenes.the-song.6", 3),
    "a next to nothing": _set("scenes.arrival.7", "nowhere"),
    "a next as a list": _set("scenes.arrival.7", ["the-song"]),
    "a goto to nothing": _set("scenes.the-song.8.0.1", "nowhere"),
    "a choice without a label": _set("scenes.the-song.8.0.0", ""),
    "choices as a mapping": _set("scenes.the-song.8", {}),
    "ten choices": _set("scenes.the-song.8", [["Stay", "the-end", [1, 8, 15]]] * 10),
    "two ways on": _set("scenes.arrival.9", "An ending"),
    "no way on": _set("scenes.arrival.7", None),
    "an empty ending": _set("scenes.the-door.9", " "),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_copy_is_ignored_and_rewritten(
    story: Path, store: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    open_story_cached(story, store)
    target = the_copy(story, store)
    good = target.read_bytes()
    doc = json.loads(good)
    target.write_text(json.dumps(DAMAGE[damage](doc)), "utf-8")
    assert target.read_bytes() != good
    assert_same(open_story_cached(story, store), open_story(story))
    assert target.read_bytes() == good
    assert_same(warm(story, store, monkeypatch), open_story(story))


RAW_DAMAGE = {
    "empty": b"",
    "not JSON": b"this is not a compiled story",
    "binary": bytes(range(256)) * 4,
    "null": b"null",
    "a number with 10,000 digits": b"1" * 10_000,
    "infinity": b'{"cache": Infinity}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "not UTF-8": b'{"title": "\xff\xfe"}',
}


@pytest.mark.parametrize("damage", list(RAW_DAMAGE), ids=list(RAW_DAMAGE))
def test_a_copy_that_is_not_one_is_ignored_and_rewritten(
    story: Path, store: Path, damage: str
) -> None:
    open_story_cached(story, store)
    target = the_copy(story, store)
    good = target.read_bytes()
    target.write_bytes(RAW_DAMAGE[damage])
    assert_same(open_story_cached(story, store), open_story(story))
    assert target.read_bytes() == good


def test_a_truncated_copy_is_ignored(story: Path, store: Path) -> None:
    open_story_cached(story, store)
    target = the_copy(story, store)
    good = target.read_bytes()
    for size in (1, len(good) // 3, len(good) // 2, len(good) - 1):
        target.write_bytes(good[:size])
        assert_same(open_story_cached(story, store), open_story(story))
        assert target.read_bytes() == good


def test_a_copy_of_another_story_is_not_trusted_when_the_files_differ(
    tmp_path: Path, store: Path
) -> None:
    first = write_story(tmp_path / "first")
    second = write_story(tmp_path / "second")
    (second / "dream.yaml").write_text(DREAM.replace("It was a dream.", "It was real."))
    settle(second, age_ns=3 * HOUR_NS)
    open_story_cached(first, store)
    # The first story's copy put where the second story's copy would be, naming the
    # second story: only the files' sizes, times and inodes tell them apart.
    doc = json.loads(the_copy(first, store).read_text("utf-8"))
    doc["story"] = cache._Place(second).key
    the_copy(second, store).write_text(json.dumps(doc), "utf-8")
    assert open_story_cached(second, store).scene("the-dream-end").text == "It was real."


def test_a_copy_edited_by_hand_is_trusted_only_while_the_files_stat_the_same(
    story: Path, store: Path
) -> None:
    # The .pyc trade-off, as the module says: the files are statted, not read.
    open_story_cached(story, store)
    target = the_copy(story, store)
    doc = json.loads(target.read_text("utf-8"))
    _scene(doc, "the-door")[2] = "A title written into the copy"
    target.write_text(json.dumps(doc), "utf-8")
    assert open_story_cached(story, store).scene("the-door").title == (
        "A title written into the copy"
    )
    # Once any file of the story changes, the copy is not used.
    settle(story, age_ns=2 * HOUR_NS)
    assert open_story_cached(story, store).scene("the-door").title == "The door"
    assert "A title written into the copy" not in target.read_text("utf-8")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=10,
)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _leaves(item, (*path, index))
    return found


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_whatever_a_copy_holds_the_story_that_comes_out_is_sound(
    story: Path, store: Path, data: st.DataObject
) -> None:
    """Any one value of a copy replaced by any JSON value: no crash, and the Story given
    has no errors a fresh check would find, and a Reading can start in it."""
    target = the_copy(story, store)
    target.unlink(missing_ok=True)
    open_story_cached(story, store)
    good = json.loads(target.read_text("utf-8"))
    doc = json.loads(json.dumps(good))
    where = data.draw(st.sampled_from(_leaves(doc)[1:]))
    value = data.draw(JSON_VALUES)
    holder = doc
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = value
    target.write_text(json.dumps(doc), "utf-8")
    result = open_story_cached(story, store)
    assert not [d for d in check_story(result) if d.is_error]
    Reading(result)
    if result != open_story(story):
        # Only a copy whose files still stat the same is trusted (and then it is sound).
        assert where[0] != "files"


@given(st.text(max_size=40))
@settings(max_examples=200)
def test_the_text_check_is_the_stated_rule(value: str) -> None:
    refused = False
    try:
        cache._check_text(["ok", value])
    except cache._Bad:
        refused = True
    assert refused == bool(cache._BAD_TEXT.search(value))


# --- a cache folder that cannot be written ---------------------------------------------


def test_a_cache_folder_that_cannot_be_made(story: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert_same(open_story_cached(story, blocked / "stories"), open_story(story))
    assert blocked.read_text() == "not a folder"


def test_a_read_only_cache_folder(
    story: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(path: Path, text: str) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("lazyland.saves.write_atomic", read_only)
    assert_same(open_story_cached(story, store), open_story(story))
    assert_same(open_story_cached(story, store), open_story(story))
    assert not the_copy(story, store).exists()


def test_an_unreadable_copy_is_passed_over(story: Path, store: Path) -> None:
    open_story_cached(story, store)
    target = the_copy(story, store)
    target.unlink()
    target.mkdir()  # a folder where the copy should be: neither read nor replaced
    assert_same(open_story_cached(story, store), open_story(story))


# --- through the command line ----------------------------------------------------------

PLAY = """
import json, sys
import lazyland.cli
code = lazyland.cli.main([sys.argv[1], "--plain", "--new"])
mods = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("yaml", "_yaml", "textual") or m == "lazyland.loader"
)
print(json.dumps({"code": code, "modules": mods}), file=sys.stderr)
"""


def play(story: Path, home: Path) -> tuple[dict[str, Any], str]:
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-c", PLAY, str(story)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    lines = result.stderr.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


def test_a_warm_start_imports_neither_yaml_nor_textual(story: Path, tmp_path: Path) -> None:
    cold, _ = play(story, tmp_path)
    assert cold["code"] == 0
    assert "yaml" in cold["modules"] and "lazyland.loader" in cold["modules"]
    assert list((tmp_path / "cache" / "lazyland" / "stories").glob("*.json"))
    again, _ = play(story, tmp_path)
    assert again == {"code": 0, "modules": []}


def test_a_broken_story_reports_its_diagnostics_every_time(story: Path, tmp_path: Path) -> None:
    (story / "dream.yaml").write_text(DREAM.replace("next: the-dream-end", "next: nowhere"))
    settle(story)
    for _ in range(2):
        report, said = play(story, tmp_path)
        assert report["code"] == 1
        assert "dream.yaml:8:11: error:" in said and "[unknown-scene]" in said
    assert not list((tmp_path / "cache").rglob("*.json"))


@pytest.mark.parametrize("command", ["check", "walk", "graph"])
def test_the_author_tools_read_the_files_not_the_copy(
    story: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    from lazyland.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    open_story_cached(story)  # a copy in the default place, where play would find it
    assert list((tmp_path / "xdg-cache").rglob("*.json"))

    def refuse(*args: object, **kwargs: object) -> Any:
        raise AssertionError("the compiled copy was used")

    monkeypatch.setattr(cache, "read_cache", refuse)
    monkeypatch.setattr(cache, "open_story_cached", refuse)
    assert main([command, str(story)]) == 0
    said = capsys.readouterr()
    assert said.out or said.err


# --- pruning ---------------------------------------------------------------------------


def test_old_copies_and_stray_temporary_files_go_when_a_copy_is_written(
    tmp_path: Path, store: Path
) -> None:
    first = write_story(tmp_path / "first")
    settle(first)
    open_story_cached(first, store)
    old_copy = the_copy(first, store)
    month_ago = time.time() - cache.KEEP_SECONDS - 60
    os.utime(old_copy, (month_ago, month_ago))
    stray = store / ".abc.json.1234.tmp"
    stray.write_text("half a write", "utf-8")
    os.utime(stray, (month_ago, month_ago))
    fresh_stray = store / ".def.json.99.tmp"
    fresh_stray.write_text("a write going on right now", "utf-8")
    theirs = store / "notes.txt"  # not lazyland's: left alone, however old
    theirs.write_text("mine", "utf-8")
    os.utime(theirs, (month_ago, month_ago))
    recent_other = store / ("0" * 16 + ".json")
    recent_other.write_text("{}", "utf-8")

    second = write_story(tmp_path / "second")
    settle(second)
    open_story_cached(second, store)  # writes the second story's copy, then prunes

    assert the_copy(second, store).exists()
    assert not old_copy.exists() and not stray.exists()
    assert fresh_stray.exists() and theirs.exists() and recent_other.exists()


def test_pruning_a_folder_that_is_missing_or_unreadable_is_no_trouble(tmp_path: Path) -> None:
    assert cache.prune(tmp_path / "nowhere") == 0
    (tmp_path / "a-file").write_text("x", "utf-8")
    assert cache.prune(tmp_path / "a-file") == 0


def test_a_warm_start_never_lists_the_cache_folder(
    story: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle(story)
    open_story_cached(story, store)

    def refuse(*args: object) -> Any:
        raise AssertionError("the folder was listed")

    monkeypatch.setattr(os, "scandir", refuse)
    assert warm(story, store, monkeypatch) == open_story(story)
