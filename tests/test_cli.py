"""The command line: version, help, and routing that never shows a traceback."""

from __future__ import annotations

import subprocess
import sys

from lazyland import __version__
from lazyland.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lazyland", *args], capture_output=True, text=True, timeout=60
    )


def test_version_prints_the_package_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"lazyland {__version__}"


def test_help_lists_the_commands_and_options() -> None:
    result = run("--help")
    assert result.returncode == 0
    for word in ("check", "walk", "graph", "new", "schema", "serve", "--plain", "--scene"):
        assert word in result.stdout


def test_unknown_option_is_a_usage_error_without_traceback() -> None:
    result = run("--frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "unrecognized arguments" in result.stderr


def test_check_without_a_story_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check"]) == 2
    assert "STORY" in capsys.readouterr().err


def test_output_cut_short_by_a_closed_pipe_is_not_a_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    # Enough steps back and forth that the output overflows the pipe after `head` has gone.
    steps = "n\nb\n" * 400
    for args in (["--plain", "--new"], ["walk", "story/la-la-land", "--format", "json"]):
        result = subprocess.run(
            f"{sys.executable} -m lazyland {' '.join(args)} | head -c 1 >/dev/null",
            shell=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            input=steps,
        )
        assert "Traceback" not in result.stderr, args
        assert "BrokenPipeError" not in result.stderr, args
