"""lazyland's speed and memory, each figure a ratio against a baseline run alongside it.

    python benchmarks/run.py [--runs 5] [--quick]

Every figure is the median of several runs of lazyland divided by the median of
the same number of runs of its baseline, measured in the same invocation so the
machine's speed cancels out:

- start:   the reader on the bundled story, from process start to its first
           screen and out again with Ctrl+Q (headless), against a bare Textual
           app with a Header, a Static and a Footer doing the same; time and
           peak memory (the child's ru_maxrss).
- step:    one scene step with animation off (a key press and its redraw),
           against a bare Textual app that updates one Static per key.
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
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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


@contextlib.contextmanager
def brisk_pilot() -> Iterator[None]:
    """Pilot sleeps at least 20 ms around every key, waiting for the CPU to look idle;
    that would swamp a step that costs a few ms. Yield to the loop instead, and force
    the redraw with pilot.pause(0) after each key, the same for both apps."""
    import textual.app

    async def yield_once(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(0)

    saved = textual.app.wait_for_idle
    textual.app.wait_for_idle = yield_once  # type: ignore[assignment]
    try:
        yield
    finally:
        textual.app.wait_for_idle = saved


async def _bare_steps(presses: int) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Bare(App[None]):
        BINDINGS = [("n", "step", "Next")]

        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("Scene 0", id="scene")
            yield Footer()

        def action_step(self) -> None:
            self.count += 1
            self.query_one("#scene", Static).update(
                f"Scene {self.count}\n\nThe room hums with the low talk of people waiting for "
                "the band. She keeps her coat on, as if she might still leave."
            )

    app = Bare()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for _ in range(10):
            await pilot.press("n")
            await pilot.pause(0)
        started = time.perf_counter()
        for _ in range(presses):
            await pilot.press("n")
            await pilot.pause(0)
        elapsed = time.perf_counter() - started
        assert app.count == presses + 10
    return elapsed / presses


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
        for _ in range(10):
            await pilot.press("n")
            await pilot.pause(0)
        before = len(reading.history)
        started = time.perf_counter()
        for _ in range(presses):
            await pilot.press("n")
            await pilot.pause(0)
        elapsed = time.perf_counter() - started
        # Every press must have been a real step, or the figure means nothing.
        assert len(reading.history) == before + presses, (before, len(reading.history))
    return elapsed / presses


def bench_step(runs: int, scratch: Path, story_path: Path, presses: int) -> Figure:
    def bare() -> float:
        with brisk_pilot():
            return asyncio.run(_bare_steps(presses))

    def reader() -> float:
        with brisk_pilot():
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
