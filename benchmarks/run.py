"""lazyland's speed and memory, each figure a ratio against a baseline run alongside it.

    python benchmarks/run.py [--runs 5] [--quick]

Every figure is the median of several runs of lazyland divided by the median of
the same number of runs of its baseline, measured in the same invocation so the
machine's speed cancels out:

- start:   the reader on the bundled story, from process start to its first
           screen and out again with Ctrl+Q (headless), against a bare Textual
           app with a Header, a Static and a Footer doing the same; time and
           peak memory (the child's ru_maxrss).
- step:    one scene step with animation off (a key press and its painted frame,
           in CPU time), against a bare Textual app that updates one Static per
           key with the same words.
- check:   `lazyland check` on generated 10,000- and 20,000-scene stories,
           against a plain libyaml `yaml.load` of the same files; and how the
           check's time grows from 10,000 to 20,000 scenes, against how yaml.load's
           own time grows over the same files (1.0 is as linear as libyaml).
- big:     the reader's start on a 10,000-scene story against its start on the
           bundled story.

The reader keeps a compiled copy of each story it opens (lazyland.cache). Each
benchmark gets its own empty cache folder (XDG_CACHE_HOME) and launches the
reader once before measuring, so start and big are the everyday start, from the
compiled copy. Each also prints the first launch, with no compiled copy yet (a
fresh cache folder for every run), as an extra line marked "info": it has no
target and does not count towards the exit code.

It exits 0 when every figure with a target is within it and 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from generate import write_story  # noqa: E402

from lazyland.paths import bundled_story  # noqa: E402

# --- children: each prints nothing and exits once its first screen is up ----------------

BARE_APP = """
import sys
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    TITLE = "A bare app"
    def compose(self):
        yield Header()
        yield Static("Mia comes out of the audition and finds Seb waiting.")
        yield Footer()

async def quit_at_once(pilot):
    await pilot.press("ctrl+q")

Bare().run(headless=True, auto_pilot=quit_at_once)
"""

# The reader through its real entry point (the command line, play(), the app), with
# two changes only: run headless, and press Ctrl+Q as soon as the first screen is up.
READER_APP = """
import sys
import textual.app

_run = textual.app.App.run
shown = []

async def quit_at_once(pilot):
    # The figure only counts if the reader's scene really was on screen.
    shown.append(type(pilot.app.screen).__name__)
    await pilot.press("ctrl+q")

def run_headless(self, *args, **kwargs):
    kwargs["headless"] = True
    kwargs["auto_pilot"] = quit_at_once
    return _run(self, *args, **kwargs)

textual.app.App.run = run_headless

import lazyland.play
# stdout is a pipe here; without this the reader would pick plain mode.
lazyland.play._plain_wanted = lambda plain: False

from lazyland.cli import main
code = main(sys.argv[1:])
sys.exit(code if shown == ["ReaderScreen"] else 3)
"""


@dataclass
class ChildRun:
    seconds: float
    max_rss_kib: int


def run_child(source: str, args: list[str], env: dict[str, str]) -> ChildRun:
    """Run `python -c source args`, returning its wall time and peak resident memory."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", source, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    out = process.stdout.read() if process.stdout else b""
    err = process.stderr.read() if process.stderr else b""
    if process.returncode != 0:
        raise RuntimeError(
            f"benchmark child failed ({process.returncode}):\n{out.decode()}\n{err.decode()}"
        )
    # Linux reports ru_maxrss in KiB.
    return ChildRun(elapsed, usage.ru_maxrss)


def child_env(home: Path, cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # Saves, settings and compiled stories go to a scratch folder, never the user's own.
    env["XDG_DATA_HOME"] = str(home / "data")
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_CACHE_HOME"] = str(cache if cache is not None else fresh_folder(home, "cache"))
    env.pop("TEXTUAL_PRESS", None)
    # Bytecode is written and reused, as for an installed package: the warm-up launch
    # leaves every module compiled. (Set to anything, even "0", this turns writing off.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def fresh_folder(home: Path, prefix: str) -> Path:
    """A new empty folder under the scratch folder (a cache no run has used yet)."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=home))


def cold_env(home: Path) -> dict[str, str]:
    """The environment of a first launch: an empty cache folder, so no compiled copy."""
    return child_env(home, fresh_folder(home, "cold-cache"))


# A story file changed in the last two seconds is not compiled (lazyland.cache).
RECENT_SECONDS = 2.0


def warm_up(env: dict[str, str], args: list[str], story: Path | None = None) -> None:
    """Launch the reader once so the story is compiled, and make sure it was."""
    if story is not None:
        newest = max(p.stat().st_mtime for p in story.rglob("*.yaml"))
        wait = newest + RECENT_SECONDS + 0.5 - time.time()
        if wait > 0:
            time.sleep(wait)  # a story written a moment ago is not compiled yet
    run_child(READER_APP, args, env)
    compiled = list((Path(env["XDG_CACHE_HOME"]) / "lazyland" / "stories").glob("*.json"))
    if not compiled:
        raise RuntimeError("the warm-up launch left no compiled story; the figure would be cold")


# --- figures ---------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    ours: float
    baseline: float
    unit: str
    target: float | None  # None: shown for information, with no target
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("inf")

    @property
    def ok(self) -> bool:
        return self.target is None or self.ratio <= self.target


def interleaved(runs: int, *jobs: Callable[[], float]) -> list[float]:
    """Median of `runs` samples of each job, taking turns so drift hits all alike."""
    samples: list[list[float]] = [[] for _ in jobs]
    for _ in range(runs):
        for index, job in enumerate(jobs):
            samples[index].append(job())
    return [statistics.median(s) for s in samples]


def bench_start(runs: int, scratch: Path) -> list[Figure]:
    env = child_env(scratch)
    times: dict[str, list[float]] = {"bare": [], "reader": [], "cold": []}
    memory: dict[str, list[float]] = {"bare": [], "reader": [], "cold": []}
    # One warm-up each: the first figure does not pay for a cold disk cache, and the
    # reader has compiled the bundled story, as it has on any day but the first.
    run_child(BARE_APP, [], env)
    warm_up(env, ["--new"], bundled_story())
    for _ in range(runs):
        for name, source, args, run_env in (
            ("bare", BARE_APP, [], env),
            ("reader", READER_APP, ["--new"], env),
            ("cold", READER_APP, ["--new"], cold_env(scratch)),
        ):
            result = run_child(source, args, run_env)
            times[name].append(result.seconds)
            memory[name].append(result.max_rss_kib)
    return [
        Figure(
            "start to first screen and out: time",
            statistics.median(times["reader"]),
            statistics.median(times["bare"]),
            "s",
            1.10,
        ),
        Figure(
            "start to first screen and out: peak memory",
            statistics.median(memory["reader"]) / 1024,
            statistics.median(memory["bare"]) / 1024,
            "MiB",
            1.2,
        ),
        Figure(
            "  first launch, nothing compiled yet: time",
            statistics.median(times["cold"]),
            statistics.median(times["bare"]),
            "s",
            None,
        ),
    ]


def bench_big_story(runs: int, scratch: Path, big: Path) -> list[Figure]:
    env = child_env(scratch)
    warm_up(env, ["--new"], bundled_story())
    warm_up(env, [str(big), "--new"], big)
    small, large, small_cold, large_cold = interleaved(
        runs,
        lambda: run_child(READER_APP, ["--new"], env).seconds,
        lambda: run_child(READER_APP, [str(big), "--new"], env).seconds,
        lambda: run_child(READER_APP, ["--new"], cold_env(scratch)).seconds,
        lambda: run_child(READER_APP, [str(big), "--new"], cold_env(scratch)).seconds,
    )
    return [
        Figure("first screen: 10,000-scene story vs bundled", large, small, "s", 2.0),
        Figure("  first launches, nothing compiled yet", large_cold, small_cold, "s", None),
    ]


# --- one step, in process ------------------------------------------------------------
#
# A step is timed from the key event to the painted frame, with nothing else on the
# loop. Pilot is not used: its press and pause post a callback to every widget on
# screen and sleep around each key, a cost of the test harness (it grows with the
# number of widgets) that no reader ever pays. Instead each key goes in the way
# Pilot sends it (through the driver), then the loop runs until no message is left to
# handle, the frame is forced out as Pilot.pause does (the screen's update, which
# a real terminal gets from a 60 Hz timer), and the loop runs until quiet again.
# Both apps are driven the same way, and both count their painted frames so a step
# that never reached the screen fails the benchmark instead of flattering it. The
# cost is the process's CPU time (the save thread's included): on a shared machine a
# few milliseconds of wall time mostly measure who else had the CPU.


async def _settle() -> None:
    """Run the loop until nothing is ready to run, twice in a row.

    Every Textual message pump waits on its own queue, so a pump with a message
    to handle is a task ready to run: when the loop has nothing ready but this
    task, every message the key caused has been handled. (asyncio keeps its ready
    callbacks in ``_ready``; looking at its length costs the same for any app,
    where visiting every widget would cost more for the app with more of them.)
    """
    loop = asyncio.get_running_loop()
    ready = loop._ready  # type: ignore[attr-defined]
    quiet = 0
    while quiet < 2:
        await asyncio.sleep(0)
        quiet = 0 if ready else quiet + 1


async def press_and_paint(app: object, key: str) -> None:
    """One key, from the event to the painted frame."""
    from textual import events
    from textual.app import App

    assert isinstance(app, App) and app._driver is not None
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)
    await _settle()
    app.screen._on_timer_update()
    await _settle()
    await asyncio.sleep(0.002)


def scene_texts(story_path: Path, steps: int) -> list[str]:
    """What the reader shows at each of `steps` steps of `n`, as plain text: the
    baseline's Static shows the same words, so both apps paint the same scene."""
    from lazyland.engine import Reading
    from lazyland.loader import open_story
    from lazyland.text import plain, plain_inline

    reading = Reading(open_story(story_path))
    texts = []
    for _ in range(steps):
        scene = reading.scene
        if scene.choices:
            reading.choose(1)
        else:
            reading.continue_()
        scene = reading.scene
        # As the reader shows it: emphasis marks are not shown, only their styles.
        parts = [plain_inline(scene.title)]
        parts += [plain_inline(scene.caption)] if scene.caption else []
        parts += ["", plain(scene.text), ""]
        labels = [plain_inline(c.label) for c in scene.choices]
        parts += [f"  {n}. {label}" for n, label in enumerate(labels, 1)] or ["  Continue"]
        texts.append("\n".join(parts))
    return texts


WARM_UP_STEPS = 10


@contextlib.contextmanager
def quiet_collector() -> Iterator[None]:
    """Start each timed window with the garbage collector caught up and the heap so far
    frozen, so that a full collection of whatever earlier runs left behind (tens of
    milliseconds) does not land in one app's window and not the other's. The
    collector still runs on everything the steps themselves allocate."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def timed_steps(app: Any, presses: int) -> float:
    """CPU seconds per key over ``presses`` presses of n, after a few untimed ones."""
    frames = 0
    display = app._display

    def counted(screen: object, renderable: object) -> None:
        nonlocal frames
        if renderable is not None:
            frames += 1
        display(screen, renderable)

    app._display = counted  # every frame the app paints goes through here
    for _ in range(WARM_UP_STEPS):
        await press_and_paint(app, "n")
    before = frames
    with quiet_collector():
        started = time.process_time()
        for _ in range(presses):
            await press_and_paint(app, "n")
        elapsed = time.process_time() - started
    # Every press must have reached the screen, or the figure means nothing.
    assert frames - before >= presses, (frames - before, presses)
    return elapsed / presses


async def _bare_steps(presses: int, texts: list[str]) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Bare(App[None]):
        BINDINGS = [("n", "step", "Next")]

        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("", id="scene", markup=False)
            yield Footer()

        def action_step(self) -> None:
            self.count += 1
            self.query_one("#scene", Static).update(texts[self.count - 1])

    app = Bare()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        per_step = await timed_steps(app, presses)
        assert app.count == presses + WARM_UP_STEPS
    return per_step


async def _reader_steps(presses: int, story_path: Path, scratch: Path) -> float:
    from lazyland.app import LazylandApp
    from lazyland.engine import Reading
    from lazyland.loader import open_story
    from lazyland.saves import SaveStore
    from lazyland.settings import Settings

    story = open_story(story_path)
    reading = Reading(story)
    store = SaveStore(story, folder=scratch / "saves")
    settings = Settings(animation=False)
    app = LazylandApp(
        reading,
        store=store,
        settings=settings,
        animate=False,
        notices=[],
        resumed=False,
        story_path=story_path,
        watch=False,
    )
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        per_step = await timed_steps(app, presses)
        # Every press must have been a real step.
        assert len(reading.history) == 1 + WARM_UP_STEPS + presses, len(reading.history)
    return per_step


def bench_step(runs: int, scratch: Path, story_path: Path, presses: int) -> Figure:
    texts = scene_texts(story_path, presses + WARM_UP_STEPS)

    def bare() -> float:
        return asyncio.run(_bare_steps(presses, texts))

    def reader() -> float:
        return asyncio.run(_reader_steps(presses, story_path, scratch))

    bare()
    reader()
    base, ours = interleaved(runs, bare, reader)
    return Figure("one step, animation off (per key)", ours * 1000, base * 1000, "ms", 1.5)


# --- check against a plain yaml.load -------------------------------------------------


def bench_check(runs: int, stories: dict[int, Path]) -> list[Figure]:
    """`lazyland check` (check_path: read, parse, build, every rule) against yaml.load."""
    import bench_check as shared

    figures = []
    check_times: dict[int, float] = {}
    load_times: dict[int, float] = {}
    for scenes, folder in stories.items():
        base, ours = shared.medians([shared.baseline(folder), shared.checker(folder)], runs)
        check_times[scenes], load_times[scenes] = ours, base
        figures.append(Figure(f"check {scenes:,} scenes vs yaml.load", ours, base, "s", 1.0))
    sizes = sorted(check_times)
    if len(sizes) == 2:
        small, large = sizes
        # Linear growth is judged against yaml.load's own growth over the same files in
        # the same run: memory and cache effects on a busy machine bend both alike.
        ours_growth = check_times[large] / check_times[small]
        base_growth = load_times[large] / load_times[small]
        figures.append(
            Figure(
                f"check growth {small:,} -> {large:,} vs yaml.load's",
                ours_growth,
                base_growth,
                "x",
                1.1,
                note="no faster than libyaml's own, within 10%",
            )
        )
        return figures


# --- report ----------------------------------------------------------------------------


def print_table(figures: list[Figure]) -> None:
    header = f"{'figure':<52} {'lazyland':>12} {'baseline':>12} {'ratio':>7} {'target':>7}  verdict"
    print(header)
    print("-" * len(header))
    for f in figures:
        ours = f"{f.ours:.3f} {f.unit}" if f.unit != "MiB" else f"{f.ours:.1f} {f.unit}"
        base = f"{f.baseline:.3f} {f.unit}" if f.unit != "MiB" else f"{f.baseline:.1f} {f.unit}"
        if f.target is None:
            target, verdict = "-", "info"
        else:
            target, verdict = f"{f.target:.2f}x", "pass" if f.ok else "OVER"
        print(f"{f.name:<52} {ours:>12} {base:>12} {f.ratio:>6.2f}x {target:>7}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median taken)")
    parser.add_argument("--presses", type=int, default=100, help="key presses per step run")
    parser.add_argument(
        "--only",
        choices=("start", "step", "check", "big"),
        action="append",
        help="run only these figures (repeatable)",
    )
    args = parser.parse_args(argv)
    wanted = set(args.only or ("start", "step", "check", "big"))

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="lazyland-bench-") as tmp:
        scratch = Path(tmp)
        stories: dict[int, Path] = {}
        if wanted & {"check", "big"}:
            stories[10_000] = write_story(scratch / "story-10000", scenes=10_000)
        if "check" in wanted:
            stories[20_000] = write_story(scratch / "story-20000", scenes=20_000)
        if "start" in wanted:
            print("measuring start ...", file=sys.stderr)
            figures += bench_start(args.runs, scratch)
        if "step" in wanted:
            print("measuring step ...", file=sys.stderr)
            walk = write_story(scratch / "story-walk", scenes=2 * (args.presses + 40), files=1)
            figures.append(bench_step(args.runs, scratch, walk, args.presses))
        if "check" in wanted:
            print("measuring check ...", file=sys.stderr)
            figures += bench_check(args.runs, stories)
        if "big" in wanted:
            print("measuring big story start ...", file=sys.stderr)
            figures += bench_big_story(args.runs, scratch, stories[10_000])
    print_table(figures)
    return 0 if all(f.ok for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
