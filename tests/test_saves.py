"""Saves: a Reading to JSON and back, tolerant of edited stories and broken files."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from strategies import sample_story

from lazyland import saves
from lazyland.engine import Reading
from lazyland.model import Story
from lazyland.saves import SAVE_FORMAT, SaveStore, dump, write_atomic


def walked(story: Story) -> Reading:
    reading = Reading(story)
    reading.continue_()  # crossroads
    reading.choose(2)  # dream
    reading.continue_()  # dance
    reading.choose(1)  # home (an ending)
    reading.back()  # dance, with home ahead
    return reading


def without(story: Story, *ids: str, **changes: object) -> Story:
    """The story with some scenes removed (references to them are not checked here)."""
    scenes = {k: v for k, v in story.scenes.items() if k not in ids}
    return replace(story, scenes=scenes, **changes)  # type: ignore[arg-type]


def aside_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".json." in p.name)


@pytest.fixture
def story() -> Story:
    return sample_story()


@pytest.fixture
def store(story: Story, tmp_path: Path) -> SaveStore:
    return SaveStore(story, tmp_path / "saves")


def test_no_save_gives_nothing_and_no_notice(store):
    assert store.load() == (None, [])


def test_save_round_trip(story, store):
    reading = walked(story)
    assert store.save(reading) is None
    loaded, notices = store.load()
    assert notices == []
    assert loaded == reading
    assert loaded.position == "dance"
    assert loaded.ahead == ("home",)
    assert loaded.endings_found == ("home",)
    assert loaded.seen_in_order == reading.seen_in_order


def test_save_file_names_scenes_by_id(story, store):
    store.save(walked(story))
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert store.path.name == "sample.json"
    assert data["format"] == SAVE_FORMAT
    assert data["story"] == "sample"
    assert data["position"] == "dance"
    assert data["history"] == ["opening", "crossroads", "dream"]
    assert data["ahead"] == ["home"]
    assert data["seen"] == ["opening", "crossroads", "dream", "dance", "home"]
    assert data["endings"] == ["home"]


def test_default_folder_follows_xdg_data_home(story, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    store = SaveStore(story)
    assert store.path == tmp_path / "xdg" / "lazyland" / "saves" / "sample.json"
    assert store.save(Reading(story)) is None
    assert store.path.is_file()


def test_odd_story_ids_do_not_become_paths(tmp_path):
    story = sample_story("../../etc/passwd")
    store = SaveStore(story, tmp_path)
    assert store.path.parent == tmp_path
    assert "/" not in store.path.name and ".." not in store.path.name
    assert store.save(Reading(story)) is None
    assert store.load()[0] == Reading(story)


def test_save_survives_removed_scene(story, store):
    store.save(walked(story))
    edited = without(story, "dream", "home")
    loaded, notices = SaveStore(edited, store.folder).load()
    assert notices == ["2 scenes in your save no longer exist and were skipped."]
    assert loaded is not None
    assert loaded.position == "dance"
    assert loaded.history == ("opening", "crossroads", "dance")
    assert loaded.ahead == ()
    assert loaded.endings_found == ()
    assert "dream" not in loaded.seen


def test_one_removed_scene_is_named_in_the_singular(story, store):
    store.save(walked(story))
    _, notices = SaveStore(without(story, "dream"), store.folder).load()
    assert notices == ["1 scene in your save no longer exists and was skipped."]


def test_position_gone_falls_back_to_the_start(story, store):
    store.save(walked(story))
    loaded, notices = SaveStore(without(story, "dance"), store.folder).load()
    assert loaded is not None
    assert loaded.position == "opening"
    assert loaded.history == ("opening",)
    assert loaded.ahead == ()
    # What was seen elsewhere is kept.
    assert {"crossroads", "dream", "home"} <= loaded.seen
    assert len(notices) == 1
    assert "no longer in the story" in notices[0]


def test_an_ending_that_is_no_longer_an_ending_is_dropped(story, store):
    store.save(walked(story))
    home = replace(story.scenes["home"], ending=None, next="opening")
    edited = replace(story, scenes={**story.scenes, "home": home})
    loaded, notices = SaveStore(edited, store.folder).load()
    assert notices == []
    assert loaded is not None and loaded.endings_found == ()


def test_save_of_another_story_is_set_aside(story, store):
    store.save(Reading(story))
    data = json.loads(store.path.read_text())
    data["story"] = "someone-else"
    store.path.write_text(json.dumps(data))
    loaded, notices = store.load()
    assert loaded is None
    assert len(notices) == 1 and "another story" in notices[0]
    assert not store.path.exists()
    assert [n.startswith("sample.json.other-") for n in aside_files(store.folder)] == [True]


@pytest.mark.parametrize(
    ("content", "word"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"format": 1, "story": "sample", "position": "open', "damaged"),
        (b"\xff\xfe\x00garbage", "damaged"),
        (b"[1, 2, 3]", "damaged"),
        (b"null", "damaged"),
        (b'{"format": 1, "story": "sample", "position": 7}', "damaged"),
        (b'{"format": 1, "story": "sample", "position": "opening", "seen": "x"}', "damaged"),
        (b'{"format": 1, "story": "sample", "position": "opening", "ahead": [1]}', "damaged"),
        (b"[" * 100_000, "damaged"),
    ],
    ids=[
        "empty",
        "blank",
        "truncated",
        "binary",
        "list",
        "null",
        "position-number",
        "seen-string",
        "ahead-number",
        "deep",
    ],
)
def test_corrupt_save_is_set_aside(store, content, word):
    store.folder.mkdir(parents=True)
    store.path.write_bytes(content)
    loaded, notices = store.load()
    assert loaded is None
    assert len(notices) == 1
    assert word in notices[0] and "starts afresh" in notices[0]
    assert not store.path.exists()
    kept = aside_files(store.folder)
    assert len(kept) == 1 and kept[0].startswith("sample.json.corrupt-")
    # The bytes are kept for whoever wants to look.
    assert (store.folder / kept[0]).read_bytes() == content
    # And saving works again afterwards.
    assert store.enabled


def test_truncated_real_save_is_set_aside(story, store):
    store.save(walked(story))
    whole = store.path.read_bytes()
    store.path.write_bytes(whole[: len(whole) // 2])
    loaded, notices = store.load()
    assert loaded is None and "damaged" in notices[0]
    assert store.save(Reading(story)) is None
    assert store.load() == (Reading(story), [])


def test_save_from_a_newer_format_is_set_aside(story, store):
    store.save(Reading(story))
    data = json.loads(store.path.read_text())
    data["format"] = SAVE_FORMAT + 1
    store.path.write_text(json.dumps(data))
    loaded, notices = store.load()
    assert loaded is None
    assert "newer lazyland" in notices[0]
    assert aside_files(store.folder)[0].startswith("sample.json.format-")


@pytest.mark.parametrize("version", [0, "1", None, 1.0, True])
def test_save_with_an_unknown_format_is_set_aside(story, store, version):
    store.save(Reading(story))
    data = json.loads(store.path.read_text())
    data["format"] = version
    store.path.write_text(json.dumps(data))
    loaded, notices = store.load()
    assert loaded is None
    assert "format" in notices[0]


def test_two_set_aside_files_do_not_overwrite_each_other(store):
    store.folder.mkdir(parents=True)
    for content in (b"one", b"two", b"three"):
        store.path.write_bytes(content)
        store.load()
    kept = aside_files(store.folder)
    assert len(kept) == 3
    assert sorted((store.folder / k).read_bytes() for k in kept) == [b"one", b"three", b"two"]


def test_unreadable_save_is_set_aside(story, store):
    # A folder where the save should be cannot be read as a file.
    store.path.mkdir(parents=True)
    loaded, notices = store.load()
    assert loaded is None
    assert "could not be read" in notices[0]
    assert store.save(Reading(story)) is None


def test_unwritable_folder_turns_saving_off_once(story, tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    store = SaveStore(story, blocker / "saves")
    notice = store.save(Reading(story))
    assert notice is not None and notice.startswith("Saving is off: ")
    assert "\n" not in notice
    assert store.enabled is False
    # Said once; later steps say nothing and still do not raise.
    assert store.save(Reading(story)) is None
    assert store.load() == (None, [])


def test_failed_rename_turns_saving_off_and_leaves_no_temp_file(story, store, monkeypatch):
    assert store.save(Reading(story)) is None

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(saves.os, "replace", refuse)
    notice = store.save(walked(story))
    assert notice == f"Saving is off: {store.folder} cannot be written (permission denied)."
    assert not store.enabled
    assert sorted(p.name for p in store.folder.iterdir()) == ["sample.json"]
    monkeypatch.undo()
    assert store.load() == (Reading(story), [])


def test_failure_mid_write_leaves_the_old_file_intact(story, store, monkeypatch):
    store.save(walked(story))
    before = store.path.read_bytes()

    real_fsync = os.fsync

    def broken_disk(fd):
        real_fsync(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(saves.os, "fsync", broken_disk)
    notice = store.save(Reading(story))
    assert notice is not None and "no space left on device" in notice
    assert store.path.read_bytes() == before
    assert [p.name for p in store.folder.iterdir()] == ["sample.json"]


def test_write_atomic_replaces_whole_files(tmp_path):
    target = tmp_path / "file.json"
    write_atomic(target, "first")
    write_atomic(target, "second, longer")
    assert target.read_text() == "second, longer"
    assert [p.name for p in tmp_path.iterdir()] == ["file.json"]


def test_write_atomic_cleans_up_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "file.json"
    write_atomic(target, "kept")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(saves.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "lost")
    assert target.read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["file.json"]


def test_clear_forgets_the_save(story, store):
    store.save(Reading(story))
    store.clear()
    assert not store.path.exists()
    store.clear()  # twice is fine
    assert store.load() == (None, [])


def test_two_stores_writing_alternately_last_write_wins(story, tmp_path):
    one = SaveStore(story, tmp_path)
    two = SaveStore(story, tmp_path)
    first = walked(story)
    second = Reading(story)
    second.jump("the-door")
    one.save(first)
    two.save(second)
    assert one.load() == (second, [])
    one.save(first)
    assert two.load() == (first, [])


def test_two_stores_writing_at_once_always_leave_a_whole_file(story, tmp_path):
    readings = [Reading(story), walked(story)]
    stores = [SaveStore(story, tmp_path), SaveStore(story, tmp_path)]
    errors: list[object] = []
    stop = threading.Event()

    def writer(index: int) -> None:
        for _ in range(100):
            if stores[index].save(readings[index]) is not None:
                errors.append("save failed")

    def reader() -> None:
        while not stop.is_set():
            try:
                text = (tmp_path / "sample.json").read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            try:
                json.loads(text)
            except ValueError as error:
                errors.append(error)

    threads = [threading.Thread(target=writer, args=(i,)) for i in (0, 1)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    watcher.join()
    assert errors == []
    loaded, notices = SaveStore(story, tmp_path).load()
    assert notices == []
    assert loaded in readings
    assert [p.name for p in tmp_path.iterdir()] == ["sample.json"]


def test_a_corrupt_save_moved_by_another_reader_first_keeps_saving_on(story, store, monkeypatch):
    store.folder.mkdir(parents=True)
    store.path.write_text("{")
    real_replace = os.replace

    def other_reader_was_quicker(source, target):
        real_replace(source, store.folder / "elsewhere")
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(saves.os, "replace", other_reader_was_quicker)
    loaded, notices = store.load()
    monkeypatch.undo()
    assert loaded is None
    assert notices == ["Your save was damaged; it was set aside and the story starts afresh."]
    assert store.enabled
    assert store.save(Reading(story)) is None


def test_a_save_that_cannot_be_moved_aside_is_not_written_over(story, store, monkeypatch):
    store.folder.mkdir(parents=True)
    store.path.write_text("{")

    def stuck(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(saves.os, "replace", stuck)
    loaded, notices = store.load()
    monkeypatch.undo()
    assert loaded is None
    assert "left in place and saving is off" in notices[0]
    assert not store.enabled
    assert store.save(Reading(story)) is None
    assert store.path.read_text() == "{"


# --- carrying a reading over to an edited story ---------------------------------------


def test_carry_over_keeping_the_place_steps_back_to_the_last_scene_left(story):
    reading = walked(story)  # history ends at dance, home ahead
    edited = without(story, "dance")
    carried, notices = saves.carry_reading(reading, edited)
    assert carried.history == reading.history[:-1]
    assert carried.ahead == ()
    assert notices == [
        "The scene you were reading is no longer in the story, so you are back at the one "
        "before it."
    ]


def test_carry_reading_keeps_everything_when_the_story_still_has_it(story):
    reading = walked(story)
    carried, notices = saves.carry_reading(reading, without(story))
    assert notices == []
    assert carried.state()[1:] == reading.state()[1:]
    assert carried is not reading and carried.story is not reading.story


def test_carry_over_names_its_source_when_counting_dropped_scenes(story):
    reading = walked(story)
    carried, notices = saves.carry_over(
        without(story, "crossroads"),
        reading.position,
        reading.history[:-1],
        reading.ahead,
        reading.seen_in_order,
        reading.endings_found,
        source="you had read",
    )
    assert carried.position == reading.position
    assert "crossroads" not in carried.history
    assert notices == ["1 scene you had read no longer exists and was skipped."]


# --- the background writer -------------------------------------------------------------


def test_background_writer_writes_in_order_and_never_an_older_after_a_newer():
    gate = threading.Event()
    started = threading.Event()
    written: list[int] = []

    def write(number: int) -> None:
        if number == 0:
            started.set()
            gate.wait(5)  # hold the first write so the next ones queue up behind it
        written.append(number)

    writer = saves.BackgroundWriter()
    writer.submit(lambda: write(0))
    assert started.wait(5)
    for number in range(1, 6):
        writer.submit(lambda number=number: write(number))
    gate.set()
    assert writer.flush(5)
    # The first was under way; of those waiting, only the newest was written.
    assert written == [0, 5]
    writer.submit(lambda: write(6))
    assert writer.close(5)
    assert written == [0, 5, 6]
    with pytest.raises(RuntimeError):
        writer.submit(lambda: write(7))


def test_background_writer_reports_a_failed_write(tmp_path, story):
    notices: list[str] = []
    store = SaveStore(story, tmp_path / "file-not-folder")
    (tmp_path / "file-not-folder").write_text("in the way")
    writer = saves.BackgroundWriter(on_notice=notices.append)
    writer.submit(lambda: store.write(store.snapshot(Reading(story))))
    assert writer.close(5)
    assert len(notices) == 1 and notices[0].startswith("Saving is off:")
    assert not store.enabled


def test_snapshot_then_write_is_what_save_does(tmp_path, story):
    reading = walked(story)
    store = SaveStore(story, tmp_path)
    assert store.write(store.snapshot(reading)) is None
    loaded, notices = SaveStore(story, tmp_path).load()
    assert notices == [] and loaded == reading


def test_a_save_is_one_field_per_line_and_reads_back_exactly() -> None:
    data = {
        "format": SAVE_FORMAT,
        "story": 'a "quoted" id',
        "position": "s\u00e9ance",
        "history": ["a", "b\\c", "line\nbreak"],
        "ahead": [],
        "seen": ["a"],
    }
    text = dump(data)
    assert json.loads(text) == data
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("\n")
    assert len(lines) == len(data) + 2  # one line per field, however long a list is
    assert '  "position": "s\u00e9ance",' in lines  # readable, not escaped


def test_a_snapshot_is_a_copy_that_later_steps_do_not_change(story, store):
    reading = walked(story)
    snapshot = store.snapshot(reading)
    before = json.loads(dump(snapshot))
    reading.back()
    reading.restart()
    assert json.loads(dump(snapshot)) == before
    assert store.write(snapshot) is None
    assert json.loads(store.path.read_text("utf-8"))["history"] == before["history"]
