"""Saves under stress: any bytes, any JSON, edited and foreign stories, a data folder that
cannot be written, readers killed mid-story, and two readers at once.

The promise under test: never a crash, and never more lost than the last step.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import sample_story

from lazyland.engine import Reading
from lazyland.model import Scene, Story, Timeline
from lazyland.saves import SaveStore

ROOT = Path(__file__).resolve().parents[1]


def assert_valid(reading: Reading) -> None:
    """The engine's invariants, as any loaded save must meet them."""
    story = reading.story
    assert reading.position in story.scenes
    assert reading.history and reading.history[-1] == reading.position
    assert all(s in story.scenes for s in reading.history)
    assert all(s in story.scenes for s in reading.ahead)
    assert set(reading.history) <= reading.seen
    assert all(s in story.scenes for s in reading.seen)
    assert all(story.scenes[s].is_ending for s in reading.endings_found)
    assert set(reading.endings_found) <= reading.seen


def walk_all(reading: Reading) -> None:
    """Read to an ending, always taking the last choice."""
    for _ in range(50):
        scene = reading.scene
        if scene.next is not None:
            reading.continue_()
        elif scene.choices:
            reading.choose(len(scene.choices))
        else:
            return


def linear_story(story_id: str, count: int, prefix: str = "s") -> Story:
    scenes = {}
    for n in range(count):
        sid = f"{prefix}{n:03d}"
        last = n == count - 1
        scenes[sid] = Scene(
            id=sid,
            timeline="real",
            title=f"Scene {n}",
            text=f"Scene number {n}.",
            next=None if last else f"{prefix}{n + 1:03d}",
            ending="The end" if last else None,
        )
    return Story(
        id=story_id,
        title="Linear",
        start=f"{prefix}000",
        timelines=(Timeline("real", "What happened"),),
        scenes=scenes,
    )


# --- whatever is in the file ----------------------------------------------------------


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400))
def test_any_bytes_as_a_save(tmp_path_factory: pytest.TempPathFactory, content: bytes) -> None:
    story = sample_story()
    folder = tmp_path_factory.mktemp("saves")
    store = SaveStore(story, folder)
    store.path.write_bytes(content)
    loaded, notices = store.load()
    assert all(isinstance(n, str) and "\n" not in n for n in notices)
    if loaded is None:
        assert notices, "a save that was not used must say why"
    else:
        assert_valid(loaded)
    # Whatever happened, the next step is saved and read back whole.
    reading = Reading(story)
    reading.continue_()
    assert store.save(reading) is None
    assert store.load() == (reading, [])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
scene_ids = st.sampled_from(
    ["opening", "crossroads", "the-door", "dream", "dance", "home", "gone", "", "../x"]
)
id_lists = st.lists(scene_ids, max_size=6) | json_values


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "format": st.sampled_from([1, 1, 1, 2, 0, "1", None, True, 1.0]),
            "story": st.sampled_from(["sample", "sample", "other", None, 7]),
            "position": scene_ids | json_values,
            "history": id_lists,
            "ahead": id_lists,
            "seen": id_lists,
            "endings": id_lists,
            "saved": json_values,
        },
    )
    | json_values
)
def test_any_json_as_a_save(tmp_path_factory: pytest.TempPathFactory, data: object) -> None:
    story = sample_story()
    store = SaveStore(story, tmp_path_factory.mktemp("saves"))
    store.path.write_text(json.dumps(data), "utf-8")
    loaded, notices = store.load()
    if loaded is None:
        assert notices
    else:
        assert_valid(loaded)
        # A loaded reading can be read on from and saved again.
        walk_all(loaded)
        assert store.save(loaded) is None
        again, again_notices = store.load()
        assert again == loaded and again_notices == []


def test_every_truncation_of_a_real_save(tmp_path: Path) -> None:
    story = sample_story()
    store = SaveStore(story, tmp_path)
    reading = Reading(story)
    walk_all(reading)
    reading.back()
    store.save(reading)
    whole = store.path.read_bytes()
    for cut in range(len(whole)):
        store.path.write_bytes(whole[:cut])
        loaded, notices = store.load()
        if loaded is None:
            assert len(notices) == 1
        else:
            # Only a cut in the trailing newline can still be the same save.
            assert cut >= len(whole.rstrip())
            assert loaded == reading
        for aside in tmp_path.iterdir():
            if aside.name != store.path.name:
                aside.unlink()


# --- an edited story, another story ------------------------------------------------------


def test_save_from_an_older_version_with_renamed_scenes(tmp_path: Path) -> None:
    old = linear_story("tale", 12)
    reading = Reading(old)
    for _ in range(7):
        reading.continue_()
    reading.back()
    store = SaveStore(old, tmp_path)
    store.save(reading)

    # The new version renames every other scene; the position (s006) survives.
    renamed = {}
    for sid, scene in old.scenes.items():
        n = int(sid[1:])
        new_id = sid if n % 2 == 0 else f"renamed-{n}"
        nxt = scene.next
        if nxt is not None and int(nxt[1:]) % 2 == 1:
            nxt = f"renamed-{int(nxt[1:])}"
        renamed[new_id] = replace(scene, id=new_id, next=nxt)
    new = replace(old, scenes=renamed)
    loaded, notices = SaveStore(new, tmp_path).load()
    assert loaded is not None
    assert_valid(loaded)
    assert loaded.position == "s006"
    assert loaded.history == ("s000", "s002", "s004", "s006")
    assert loaded.ahead == ()  # s007 was renamed away
    assert len(notices) == 1 and "4 scenes" in notices[0]

    # Renaming the position itself falls back to the start and keeps what was seen.
    moved = replace(
        new,
        scenes={
            ("moved" if k == "s006" else k): replace(v, id="moved" if k == "s006" else k)
            for k, v in new.scenes.items()
        },
    )
    loaded, notices = SaveStore(moved, tmp_path).load()
    assert loaded is not None
    assert_valid(loaded)
    assert loaded.position == moved.start
    assert {"s000", "s002", "s004"} <= loaded.seen
    assert any("beginning" in n for n in notices)


def test_save_of_another_story_never_leaks_into_this_one(tmp_path: Path) -> None:
    other = linear_story("other", 5)
    mine = sample_story()
    reading = Reading(other)
    reading.continue_()
    other_store = SaveStore(other, tmp_path)
    other_store.save(reading)
    # Someone copies the other story's save over this story's.
    mine_store = SaveStore(mine, tmp_path)
    mine_store.path.write_bytes(other_store.path.read_bytes())
    loaded, notices = mine_store.load()
    assert loaded is None and len(notices) == 1
    # The other story's own save is untouched, and this one can save again.
    assert other_store.load() == (reading, [])
    assert mine_store.save(Reading(mine)) is None


def test_the_same_ids_in_another_story_still_refused(tmp_path: Path) -> None:
    story = sample_story("first")
    twin = sample_story("second")
    reading = Reading(story)
    walk_all(reading)
    SaveStore(story, tmp_path).save(reading)
    twin_store = SaveStore(twin, tmp_path)
    twin_store.path.write_bytes(SaveStore(story, tmp_path).path.read_bytes())
    loaded, notices = twin_store.load()
    assert loaded is None and "another story" in notices[0]


# --- a data folder that cannot be written -------------------------------------------------


@pytest.mark.parametrize("how", ["file-in-the-way", "read-only-filesystem"])
def test_unwritable_folder_keeps_the_reading_going(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    story = sample_story()
    if how == "file-in-the-way":
        blocker = tmp_path / "data"
        blocker.write_text("not a folder")
        store = SaveStore(story, blocker / "saves")
    else:
        store = SaveStore(story, tmp_path / "saves")

        def refuse(*args: object, **kwargs: object) -> None:
            raise OSError(30, "Read-only file system")

        monkeypatch.setattr("lazyland.saves.write_atomic", refuse)
    reading = Reading(story)
    notices = []
    for step in (reading.continue_, lambda: reading.choose(2), reading.continue_):
        step()
        notices.append(store.save(reading))
    assert notices[0] is not None and notices[0].startswith("Saving is off")
    assert notices[1:] == [None, None]
    assert store.enabled is False
    assert_valid(reading)


# --- whole processes: plain mode through the command line -------------------------------


def write_linear_folder(folder: Path, count: int = 30) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "format: 1",
        "id: linear",
        "title: A straight line",
        "start: s000",
        "timelines:",
        "  real:",
        "    label: What happened",
        "scenes:",
    ]
    for n in range(count):
        lines += [
            f"  s{n:03d}:",
            "    timeline: real",
            f"    title: Scene {n}",
            f"    text: Scene number {n}.",
            f"    next: s{n + 1:03d}" if n < count - 1 else "    ending: The end",
        ]
    (folder / "story.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def plain_env(data: Path) -> dict[str, str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(data / "config")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def start_plain(story: Path, env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "lazyland", str(story), "--plain", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )


def read_until_prompt(process: subprocess.Popen[bytes]) -> bytes:
    """Read the reader's output up to and including its next '> ' prompt."""
    assert process.stdout is not None
    seen = b""
    while not seen.endswith(b"> "):
        chunk = process.stdout.read1(4096)  # type: ignore[attr-defined]
        if not chunk:
            raise AssertionError(f"reader ended early: {seen[-400:]!r}")
        seen += chunk
    return seen


def saved_position(data: Path, story_id: str = "linear") -> str:
    saved = json.loads((data / "lazyland" / "saves" / f"{story_id}.json").read_text("utf-8"))
    return saved["position"]


def test_unwritable_data_folder_end_to_end(tmp_path: Path) -> None:
    story = write_linear_folder(tmp_path / "story")
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", str(story), "--plain"],
        input=b"\n\n\nq\n",
        capture_output=True,
        env=plain_env(blocker),
        timeout=60,
    )
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    assert out.count("Saving is off") == 1
    assert "Scene 3" in out
    assert blocker.read_text() == "a file where the data folder should be"


@pytest.mark.parametrize(
    "content", [b"", b"{", b"\x00\xff" * 50, b'{"format": 1, "story": "linear"}', b"[]" * 3]
)
def test_broken_save_end_to_end(tmp_path: Path, content: bytes) -> None:
    story = write_linear_folder(tmp_path / "story")
    data = tmp_path / "data"
    saves = data / "lazyland" / "saves"
    saves.mkdir(parents=True)
    (saves / "linear.json").write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", str(story), "--plain"],
        input=b"\n\nq\n",
        capture_output=True,
        env=plain_env(data),
        timeout=60,
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert b"starts afresh" in result.stdout
    assert saved_position(data) == "s002"
    kept = [p for p in saves.iterdir() if p.name != "linear.json"]
    assert len(kept) == 1 and kept[0].read_bytes() == content


@pytest.mark.parametrize("kill_after", [1, 4, 9])
def test_killed_reader_loses_at_most_the_last_step(tmp_path: Path, kill_after: int) -> None:
    story = write_linear_folder(tmp_path / "story")
    data = tmp_path / "data"
    process = start_plain(story, plain_env(data))
    assert process.stdin is not None
    try:
        read_until_prompt(process)
        for _ in range(kill_after):
            process.stdin.write(b"\n")
            process.stdin.flush()
            read_until_prompt(process)
        # One more step is typed, and the process dies while (or before) taking it.
        process.stdin.write(b"\n")
        process.stdin.flush()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    position = saved_position(data)
    assert position in (f"s{kill_after:03d}", f"s{kill_after + 1:03d}")
    # The save is whole and the next run resumes there.
    result = subprocess.run(
        [sys.executable, "-m", "lazyland", str(story), "--plain"],
        input=b"q\n",
        capture_output=True,
        env=plain_env(data),
        timeout=60,
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert f"Scene {int(position[1:])}\n".encode() in result.stdout


def test_two_readers_at_once(tmp_path: Path) -> None:
    story = write_linear_folder(tmp_path / "story")
    data = tmp_path / "data"
    env = plain_env(data)
    one = start_plain(story, env, "--new")
    two = start_plain(story, env, "--new")
    try:
        read_until_prompt(one)
        read_until_prompt(two)
        for step in range(10):
            for process in (one, two) if step % 2 else (two, one):
                assert process.stdin is not None
                process.stdin.write(b"\n")
                process.stdin.flush()
                read_until_prompt(process)
            # After each round both have written; the file is whole and names a real scene.
            position = saved_position(data)
            assert position == f"s{step + 1:03d}"
        # One goes back; the other reads on; the last writer wins, nothing is torn.
        assert one.stdin is not None and two.stdin is not None
        one.stdin.write(b"b\n")
        one.stdin.flush()
        read_until_prompt(one)
        assert saved_position(data) == "s009"
        two.stdin.write(b"\n")
        two.stdin.flush()
        read_until_prompt(two)
        assert saved_position(data) == "s011"
        for process in (one, two):
            assert process.stdin is not None
            process.stdin.write(b"q\n")
            process.stdin.close()
            assert process.wait(timeout=30) == 0
            assert process.stderr is not None and b"Traceback" not in process.stderr.read()
    finally:
        for process in (one, two):
            if process.poll() is None:
                process.kill()
                process.wait()
    leftovers = sorted(p.name for p in (data / "lazyland" / "saves").iterdir())
    assert leftovers == ["linear.json"]


def test_many_threads_saving_one_story_never_tear_it(tmp_path: Path) -> None:
    story = linear_story("busy", 40)
    readings = []
    for n in range(4):
        reading = Reading(story)
        for _ in range(n * 5):
            reading.continue_()
        readings.append(reading)
    stores = [SaveStore(story, tmp_path) for _ in readings]
    failures: list[object] = []

    def work(index: int) -> None:
        for _ in range(60):
            notice = stores[index].save(readings[index])
            if notice is not None:
                failures.append(notice)
            loaded, notices = stores[index].load()
            if notices or loaded not in readings:
                failures.append((loaded, notices))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(readings))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy.json"]


# --- the reader app with a data folder it cannot write ----------------------------------


async def test_reader_app_with_an_unwritable_folder_says_so_once_and_reads_on(
    tmp_path: Path,
) -> None:
    from lazyland.app import LazylandApp
    from lazyland.settings import Settings

    story = linear_story("blocked", 10)
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    store = SaveStore(story, blocker / "saves")
    app = LazylandApp(Reading(story), store=store, settings=Settings(), animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(4):
            await pilot.press("n")
        await pilot.pause()
        assert app.reading.position == "s004"
        assert_valid(app.reading)
        said = [str(n.message) for n in app._notifications]
        assert sum("Saving is off" in message for message in said) == 1
        assert store.enabled is False
        await pilot.press("q")
    assert blocker.read_text() == "a file where the folder should be"
