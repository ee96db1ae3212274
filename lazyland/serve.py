"""`lazyland serve`: the reader in a web browser, through textual-serve.

textual-serve is an optional extra (``pip install 'lazyland[web]'``). Each
browser tab gets its own reader process, ``python -m lazyland STORY``, run by
the same interpreter as this command. The server listens on 127.0.0.1 unless
``--host`` says otherwise: anyone who can reach the port can read the story.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from lazyland.text import scrub

MISSING_EXTRA = (
    "lazyland serve: the browser reader needs textual-serve, which is not installed.\n"
    "Install it with:  pip install 'lazyland[web]'"
)


def reader_command(story: Path | None) -> str:
    """The shell command textual-serve runs for each browser session."""
    argv = [sys.executable, "-m", "lazyland"]
    if story is not None:
        argv.append(str(story.resolve()))
    return shlex.join(argv)


def _say(message: str) -> None:
    print(scrub(message), file=sys.stderr)


def run_serve(args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        _say(MISSING_EXTRA)
        return 2

    if not 0 < args.port < 65536:
        _say(f"lazyland serve: {args.port} is not a port number (1 to 65535)")
        return 2
    story: Path | None = None
    if args.story is not None:
        from lazyland.walk import load_for_tool

        # Check the story here, where the author sees the diagnostics, rather than
        # in every browser tab.
        loaded = load_for_tool(args.story, "serve")
        if isinstance(loaded, int):
            return loaded
        story = Path(args.story)

    url_host = f"[{args.host}]" if ":" in args.host else args.host
    title = "lazyland" if story is None else f"lazyland: {story.name}"
    server = Server(reader_command(story), host=args.host, port=args.port, title=title)
    print(f"Serving the reader at http://{url_host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    try:
        server.serve()
    except OSError as error:
        _say(f"lazyland serve: cannot listen on {args.host}:{args.port}: {error.strerror or error}")
        return 2
    return 0
