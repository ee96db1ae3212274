"""lazyland serve: the reader in a browser through textual-serve, on loopback by default."""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from lazyland.cli import _command_parser
from lazyland.serve import reader_command, run_serve

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "story" / "la-la-land"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, attempts: int = 150) -> str:
    """The page at ``url``, retrying while the server starts (bounded, not timed)."""
    last: Exception | None = None
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            last = error
            time.sleep(0.1)
    raise AssertionError(f"the server never answered at {url}: {last}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    pytest.importorskip("textual_serve")
    port = free_port()
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    process = subprocess.Popen(
        [sys.executable, "-m", "lazyland", "serve", str(BUNDLED), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        # The server ran in its own session: end any reader it left behind.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def test_serve_answers_with_the_textual_serve_page(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, process = served
    page = fetch(f"http://127.0.0.1:{port}/")
    assert "<html" in page.lower()
    assert "textual.js" in page and "textual-terminal" in page
    # The page opens a websocket back to the address the server was bound to.
    assert f"ws://127.0.0.1:{port}/ws" in page
    process.terminate()
    output, _ = process.communicate(timeout=20)
    assert f"Serving the reader at http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output


def test_a_browser_session_runs_the_reader_app(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    """What a browser tab receives is the Textual reader, not plain mode and not an error."""
    aiohttp = pytest.importorskip("aiohttp")
    port, _process = served
    fetch(f"http://127.0.0.1:{port}/")

    async def session() -> bytes:
        received = b""
        async with aiohttp.ClientSession() as client:
            url = f"http://127.0.0.1:{port}/ws?width=100&height=30"
            async with client.ws_connect(url) as ws:
                for _ in range(400):
                    try:
                        message = await ws.receive(timeout=30)
                    except asyncio.TimeoutError:
                        break
                    if message.type == aiohttp.WSMsgType.BINARY:
                        received += message.data
                    elif message.type == aiohttp.WSMsgType.TEXT:
                        received += message.data.encode()
                    else:
                        break
                    if b"After the audition" in received:
                        break
        return received

    received = asyncio.run(session())
    assert b"After the audition" in received
    # The Textual app switches to the alternate screen; plain mode never would.
    assert b"\x1b[?1049h" in received


def test_missing_extra_names_the_install_command(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    args = argparse.Namespace(story=None, host="127.0.0.1", port=8000)
    assert run_serve(args) == 2
    err = capsys.readouterr().err
    assert "pip install 'lazyland[web]'" in err and "textual-serve" in err
    assert "Traceback" not in err


def test_serve_binds_to_loopback_unless_told_otherwise() -> None:
    args = _command_parser("serve").parse_args([])
    assert args.host == "127.0.0.1" and args.story is None
    told = _command_parser("serve").parse_args(["--host", "0.0.0.0", "--port", "9000", "s"])
    assert (told.host, told.port, told.story) == ("0.0.0.0", 9000, "s")


def test_the_served_command_runs_this_python_on_the_story(tmp_path: Path) -> None:
    folder = tmp_path / "a story; with 'quotes' & spaces"
    folder.mkdir()
    argv = shlex.split(reader_command(folder))
    assert argv == [sys.executable, "-m", "lazyland", str(folder.resolve())]
    assert shlex.split(reader_command(None)) == [sys.executable, "-m", "lazyland"]


def test_serve_refuses_an_invalid_story_before_serving(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("textual_serve")
    (tmp_path / "story.yaml").write_text("format: 1\nid: x\n", encoding="utf-8")
    args = argparse.Namespace(story=str(tmp_path), host="127.0.0.1", port=free_port())
    assert run_serve(args) == 2
    assert "missing-key" in capsys.readouterr().err


def test_serve_refuses_a_missing_story_and_a_bad_port(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("textual_serve")
    missing = argparse.Namespace(story=str(tmp_path / "nowhere"), host="127.0.0.1", port=8000)
    assert run_serve(missing) == 2
    assert "no story at" in capsys.readouterr().err
    bad_port = argparse.Namespace(story=None, host="127.0.0.1", port=70000)
    assert run_serve(bad_port) == 2
    assert "not a port" in capsys.readouterr().err


def test_serve_reports_a_port_in_use(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "lazyland", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr
