"""How long `lazyland check` takes on a large story, against a plain YAML load of the same files.

Writes 10,000- and 20,000-scene stories (benchmarks/generate.py) into a temporary
folder, then times, on the same files and in the same run:

- baseline: `yaml.load(f, Loader=yaml.CSafeLoader)` of every file (libyaml), and
- check: `lazyland.check.check_path(folder)`, the whole of `lazyland check`
  without printing: read, parse, build the Story with every position, every
  loader rule and every graph check.

Prints the median of several runs of each and their ratio (check / baseline);
the goal is a ratio of at most 1.0. Run: python benchmarks/bench_check.py
"""

from __future__ import annotations

import argparse
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


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    run()  # warm the file cache and the imports
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
    print(f"{'scenes':>8} {'MiB':>6} {'yaml.load':>11} {'check':>11} {'ratio':>7}")
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="lazyland-bench-") as tmp:
        for size in args.sizes:
            folder = write_story(Path(tmp) / f"story-{size}", scenes=size, files=args.files)
            mib = sum(p.stat().st_size for p in yaml_files(folder)) / 1048576
            base = median_seconds(baseline(folder), args.repeats)
            check = median_seconds(checker(folder), args.repeats)
            ratio = check / base
            worst = max(worst, ratio)
            print(
                f"{size:>8} {mib:>6.1f} {base * 1000:>9.0f}ms {check * 1000:>9.0f}ms {ratio:>6.2f}x"
            )
    verdict = "within" if worst <= 1.0 else "over"
    print(f"worst ratio {worst:.2f}x: {verdict} the goal of 1.0x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
