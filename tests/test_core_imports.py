"""The core never imports Textual, so `lazyland check` and `--plain` do not pay for the TUI.

Each check runs in a fresh interpreter: in this one, other tests have long since
imported Textual.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

CORE = ("model", "loader", "check", "engine", "saves", "text", "paths", "settings", "plain")
ROOT = Path(__file__).resolve().parents[1]


def existing_core() -> list[str]:
    return [f"lazyland.{name}" for name in CORE if importlib.util.find_spec(f"lazyland.{name}")]


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


IMPORT_CORE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))))
"""


def test_core_modules_import_without_textual() -> None:
    modules = existing_core()
    assert "lazyland.loader" in modules and "lazyland.check" in modules
    result = run_python(IMPORT_CORE, *modules)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("name", CORE)
def test_each_core_module_alone_imports_without_textual(name: str) -> None:
    module = f"lazyland.{name}"
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist yet")
    result = run_python(IMPORT_CORE, module)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


CHECK_COMMAND = """
import json, runpy, sys
sys.argv = ["lazyland", "check", sys.argv[1]]
try:
    runpy.run_module("lazyland", run_name="__main__")
except SystemExit as exit_:
    code = exit_.code
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({"code": code, "textual": loaded}), file=sys.stderr)
"""


def test_check_command_does_not_import_textual() -> None:
    result = run_python(CHECK_COMMAND, "story/la-la-land")
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "textual": []}


def test_check_command_under_importtime_lists_no_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "lazyland", "check", "story/la-la-land"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "lazyland.check" in imported and "lazyland.loader" in imported
    assert not [name for name in imported if name.split(".")[0] == "textual"]
