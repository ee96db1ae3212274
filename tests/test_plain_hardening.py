"""Plain mode under hostile input: end of input at every prompt, Ctrl-D and Ctrl-C at a real
terminal, garbage, a 1 MB line, binary bytes, a reader who stops reading the output, and an
output that cannot encode the story's characters. Never a traceback, never a lost step.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import sample_story

from lazyland.engine import Reading
from lazyland.plain import run_plain
from lazyland.saves import SaveStore

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# A walk through the sample story that uses every prompt, the restart question included.
SCRIPT = ["", "2", "t", "t", "b", "f", "", "e", "g", "h", "r", "n", "r", "y", "", "1", "b", "x"]


def drive(data: str | bytes, store: SaveStore | None = None) -> tuple[int, str, Reading]:
    reading = Reading(sample_story())
    out = io.StringIO()
    if isinstance(data, bytes):
        stdin: io.TextIOBase = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    else:
        stdin = io.StringIO(data)
    code = run_plain(reading, store, stdin=stdin, stdout=out, width=60)
    return code, out.getvalue(), reading


def assert_valid(reading: Reading) -> None:
    story = reading.story
    assert reading.position in story.scenes
    assert reading.history and reading.history[-1] == reading.position
    assert set(reading.history) <= reading.seen


# --- end of input at every prompt ---------------------------------------------------------


@pytest.mark.parametrize("cut", range(len(SCRIPT) + 1))
@pytest.mark.parametrize("partial", [False, True], ids=["after-newline", "mid-line"])
def test_end_of_input_at_every_prompt(tmp_path: Path, cut: int, partial: bool) -> None:
    store = SaveStore(sample_story(), tmp_path)
    lines = SCRIPT[:cut]
    data = "".join(line + "\n" for line in lines)
    if partial:
        data += "2"  # a half-typed line, then the input ends
    code, out, reading = drive(data, store)
    assert code == 0
    assert CONTROL.search(out) is None
    assert_valid(reading)
    # One prompt per line read; a half-typed line is the last one, so nothing is asked after it.
    prompts = out.count("> ") + out.count("(y/n) ")
    assert prompts == len(lines) + 1
    # Whatever was done is on disk: the save is the reader's last step.
    loaded, notices = store.load()
    if loaded is None:
        assert reading.history == (reading.story.start,) and notices == []
    else:
        assert loaded == reading


def test_script_reaches_every_prompt() -> None:
    code, out, reading = drive("".join(line + "\n" for line in SCRIPT))
    assert code == 0
    assert "Restart from the beginning?" in out
    assert "Not restarted." in out
    assert reading.endings_found


# --- garbage ------------------------------------------------------------------------------


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.text(max_size=40), max_size=25))
def test_any_text_lines(lines: list[str]) -> None:
    data = "\n".join(lines)
    code, out, reading = drive(data)
    assert code == 0
    assert CONTROL.search(out) is None, repr(out[-200:])
    assert_valid(reading)


@settings(max_examples=100)
@given(data=st.binary(max_size=600))
def test_any_bytes(data: bytes) -> None:
    code, out, reading = drive(data)
    assert code == 0
    assert CONTROL.search(out) is None
    assert_valid(reading)


@pytest.mark.parametrize(
    "data",
    [
        "\r\n\r\n2\r\n",
        "\r\r\r",
        "\x00\n\x00\x00\n",
        "\x1b[2J\x1b]0;title\x07\n",
        "\u202e2\n",
        "9" * 5000 + "\n",
        "-1\n0\n10\n+2\n 2 \n２\n",
        "\ufeff\n",
    ],
    ids=["crlf", "cr-only", "nul", "escapes", "bidi", "long-number", "odd-numbers", "bom"],
)
def test_odd_lines(data: str) -> None:
    code, out, reading = drive(data)
    assert code == 0
    assert CONTROL.search(out) is None
    assert_valid(reading)


def test_a_one_megabyte_line_is_refused_once_and_reading_goes_on() -> None:
    data = "\n" + "x" * (1024 * 1024) + "\n2\n"
    code, out, reading = drive(data)
    assert code == 0
    assert out.count("That line is too long to be a command.") == 1
    assert reading.position == "dream"
    # The refused line is not echoed back in pieces.
    assert "x" * 100 not in out


def test_a_one_megabyte_line_without_a_newline_at_the_end() -> None:
    code, out, reading = drive("\n" + "2" * (1024 * 1024))
    assert code == 0
    assert reading.position == "crossroads"
    assert len(out) < 10_000


# --- as a process ---------------------------------------------------------------------------

SAMPLE = Path(__file__).parent / "corpus" / "valid-includes-and-unicode"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = dict(os.environ)
    environ["XDG_DATA_HOME"] = str(tmp_path / "data")
    environ["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return environ


def run(env: dict[str, str], data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "lazyland", str(SAMPLE), "--plain", *args],
        input=data,
        capture_output=True,
        env=env,
        timeout=120,
    )


def saved(env: dict[str, str]) -> dict[str, object]:
    path = Path(env["XDG_DATA_HOME"]) / "lazyland" / "saves" / "corpus.json"
    return json.loads(path.read_text("utf-8"))


def test_process_one_megabyte_line_and_binary(env: dict[str, str]) -> None:
    rng = __import__("random").Random(7)
    binary = bytes(rng.randrange(256) for _ in range(20_000))
    data = b"y" * (1024 * 1024) + b"\n" + binary + b"\n\n"
    result = run(env, data)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"\x1b" not in result.stdout
    assert len(result.stdout) < 200_000


def test_process_output_that_cannot_encode_the_story(env: dict[str, str]) -> None:
    env = {**env, "PYTHONIOENCODING": "ascii"}
    result = run(env, b"\n\n")
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"Ein Ort" in result.stdout


def test_process_reader_who_stops_reading(env: dict[str, str]) -> None:
    """`lazyland --plain | head -1`: the pipe closes under the reader; it must end quietly."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lazyland", str(SAMPLE), "--plain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None and process.stdin is not None
    process.stdout.read(1)
    process.stdout.close()
    try:
        for _ in range(200):
            process.stdin.write(b"h\n")
        process.stdin.close()
    except BrokenPipeError:
        pass
    process.wait(timeout=60)
    assert process.stderr is not None
    err = process.stderr.read()
    assert b"Traceback" not in err, err.decode(errors="replace")


# --- at a real terminal: Ctrl-D and Ctrl-C --------------------------------------------------


def spawn_in_pty(env: dict[str, str], *args: str) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        # As a shell starts a command at a terminal: Ctrl-C and Ctrl-\ act, even when
        # these tests run in the background, where both are ignored and stay ignored.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
        os.execve(
            sys.executable,
            [sys.executable, "-m", "lazyland", str(SAMPLE), "--plain", *args],
            env,
        )
    return pid, fd


def read_some(fd: int, timeout: float) -> bytes | None:
    """What the child printed within ``timeout`` (b"" if nothing); None once it is gone."""
    ready, _, _ = select.select([fd], [], [], max(timeout, 0))
    if not ready:
        return b""
    try:
        return os.read(fd, 4096) or None
    except OSError:
        return None


def read_until(fd: int, marker: bytes, timeout: float = 30.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {marker!r} in {seen[-300:]!r}")
        chunk = read_some(fd, left)
        if chunk is None:
            break
        seen += chunk
    return seen


def exit_within(pid: int, fd: int, seconds: float = 30.0) -> tuple[int | None, bytes]:
    """The child's exit code if it ends within ``seconds``, and all it printed.

    A child still running then is killed and gives None: a test failure with its
    output, never a hung run.
    """
    out = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        chunk = read_some(fd, 0.1)
        if chunk:
            out += chunk
            continue
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            while chunk := read_some(fd, 0):
                out += chunk  # whatever it printed last
            os.close(fd)
            return os.waitstatus_to_exitcode(status), out
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    return None, out


@pytest.mark.parametrize(
    ("before", "prompt"),
    [
        (b"", b"> "),
        (b"\r", b"> "),
        (b"r\r", b"(y/n) "),
    ],
    ids=["first-prompt", "after-a-step", "restart-question"],
)
def test_ctrl_d_at_a_terminal(env: dict[str, str], before: bytes, prompt: bytes) -> None:
    pid, fd = spawn_in_pty(env)
    read_until(fd, b"> ")
    if before:
        os.write(fd, before)
        read_until(fd, prompt)
    os.write(fd, b"\x04")
    code, rest = exit_within(pid, fd)
    assert code == 0
    assert b"Traceback" not in rest


def test_ctrl_d_mid_line_at_a_terminal(env: dict[str, str]) -> None:
    pid, fd = spawn_in_pty(env)
    read_until(fd, b"> ")
    # At a terminal, Ctrl-D after typed text sends the text without a newline, and a
    # second one ends that read with nothing more. The text is the reader's last line:
    # it is answered, and the reader ends without waiting for a third Ctrl-D.
    os.write(fd, b"t\x04")
    time.sleep(0.2)
    os.write(fd, b"\x04")
    code, rest = exit_within(pid, fd, 20)
    assert code == 0, rest[-300:]
    assert b"Traceback" not in rest
    assert b"Uno" in rest  # the toggle was answered
    assert b"Your place is saved." in rest
    assert saved(env)["position"] == "uno"


def test_ctrl_c_at_a_terminal(env: dict[str, str]) -> None:
    pid, fd = spawn_in_pty(env)
    read_until(fd, b"> ")
    os.write(fd, b"\r")
    read_until(fd, b"> ")
    os.kill(pid, signal.SIGINT)
    code, rest = exit_within(pid, fd)
    assert code == 130
    assert b"Traceback" not in rest
    # The step taken before the interrupt is saved.
    assert saved(env)["position"] == "two"
