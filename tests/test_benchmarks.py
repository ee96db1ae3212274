"""The step benchmark's harness: it must measure real, painted steps of the same words."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import run as bench  # noqa: E402
from generate import write_story  # noqa: E402


def test_the_step_figure_is_measured_from_real_steps(tmp_path: Path) -> None:
    walk = write_story(tmp_path / "walk", scenes=60, files=1)
    figure = bench.bench_step(1, tmp_path, walk, presses=4)
    assert figure.ours > 0 and figure.baseline > 0
    assert figure.target == 1.5


def test_the_baseline_shows_the_words_the_reader_shows(tmp_path: Path) -> None:
    from lazyland.app import LazylandApp
    from lazyland.engine import Reading
    from lazyland.loader import open_story
    from lazyland.settings import Settings

    walk = write_story(tmp_path / "walk", scenes=40, files=1)
    texts = bench.scene_texts(walk, 8)
    story = open_story(walk)
    app = LazylandApp(
        Reading(story), store=None, settings=Settings(animation=False), animate=False
    )

    async def check() -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            for expected in texts:
                await bench.press_and_paint(app, "n")
                shown = " ".join(
                    strip.text for strip in app.screen._compositor.render_strips()
                ).split()
                # Every word of the baseline's text is on the reader's screen.
                words = " ".join(expected.split()).split()
                assert all(word in shown for word in words if word != "Continue"), expected

    asyncio.run(check())
