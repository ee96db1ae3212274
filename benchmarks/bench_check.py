"""How long `lazyland check` takes on a large story, against a plain YAML load of the same files.

Writes 10,000- and 20,000-scene stories (benchmarks/generate.py) into a temporary
folder, then times, on the same files and in the same run:

- baseline: `yaml.load(f, Loader=yaml.CSafeLoader)` of every file (libyaml), and
- check: `lazyland.check.check_path(folder)`, the whole of `lazyland check`
  without printing: read, parse, build the Story with every position, every
  loader rule and every graph check.

Prints the median of several runs of each and their ratio (check / baseline);
the goal is a ratio of at most 1.0. The check holds off the cyclic garbage
collector while it builds a story, so a last pair of columns shows the baseline
given the same advantage. Run: python benchmarks/bench_check.py
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_story  # noqa: E402

from lazyland.check import check_path  # noqa: E402


def medians(runs: list[Callable[[], object]], repeats: int) -> list[float]:
    """Median seconds of each run, taking turns so a busy machine slows all of them alike."""
    for run in runs:
        run()  # warm the file cache and the imports
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for run, spent in zip(runs, times, strict=True):
            started = time.perf_counter()
            run()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def without_gc(run: Callable[[], object]) -> Callable[[], object]:
    def paused() -> object:
        gc.disable()
        try:
            return run()
        finally:
            gc.enable()

    return paused


def yaml_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yaml"))


def baseline(folder: Path) -> Callable[[], object]:
    files = yaml_files(folder)
    loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

    def run() -> object:
        out = []
        for path in files:
            with path.open("rb") as handle:
                out.append(yaml.load(handle, Loader=loader))  # noqa: S506 - a safe loader
        return out

    return run


def checker(folder: Path) -> Callable[[], object]:
    def run() -> object:
        diagnostics = check_path(folder)
        if diagnostics:
            raise SystemExit(f"the generated story is not clean: {diagnostics[0].format()}")
        return diagnostics

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--files", type=int, default=8, help="include files per story")
    args = parser.parse_args()
    libyaml = "libyaml" if yaml.__with_libyaml__ else "pure Python (no libyaml)"
    print(f"PyYAML {yaml.__version__}, {libyaml}; median of {args.repeats} runs")
    print(
        f"{'scenes':>8} {'MiB':>5} {'yaml.load':>10} {'check':>9} {'ratio':>6}"
        f" {'load, no gc':>12} {'ratio':>6}"
    )
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="lazyland-bench-") as tmp:
        for size in args.sizes:
            folder = write_story(Path(tmp) / f"story-{size}", scenes=size, files=args.files)
            mib = sum(p.stat().st_size for p in yaml_files(folder)) / 1048576
            base, check, base_no_gc = medians(
                [baseline(folder), checker(folder), without_gc(baseline(folder))], args.repeats
            )
            ratio = check / base
            worst = max(worst, ratio)
            print(
                f"{size:>8} {mib:>5.1f} {base * 1000:>8.0f}ms {check * 1000:>7.0f}ms"
                f" {ratio:>5.2f}x {base_no_gc * 1000:>10.0f}ms {check / base_no_gc:>5.2f}x"
            )
    verdict = "within" if worst <= 1.0 else "over"
    print(f"worst ratio {worst:.2f}x: {verdict} the goal of 1.0x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
