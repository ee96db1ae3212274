"""Command-line entry: parses arguments and routes to play, check, walk, graph, new, schema, serve.

Each command's module is imported only when that command runs, so `lazyland check`
and `lazyland --plain` never pay for the TUI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lazyland import __version__

COMMANDS = ("check", "walk", "graph", "new", "schema", "serve")


def _play_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lazyland",
        description=(
            "Read a branching story in two aligned timelines. With no STORY, plays the "
            "bundled ending of La La Land."
        ),
        epilog=(
            "commands:\n"
            "  lazyland check STORY...   check stories and report every problem\n"
            "  lazyland walk STORY       explore every path and report coverage\n"
            "  lazyland graph STORY      draw the story as mermaid or dot\n"
            "  lazyland new DIR          write a small two-timeline story to start from\n"
            "  lazyland schema           print the JSON Schema of the story format\n"
            "  lazyland serve [STORY]    the reader in a browser (needs lazyland[web])\n"
            "\nRun 'lazyland COMMAND --help' for a command's options."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("story", nargs="?", metavar="STORY", help="a story folder or .yaml file")
    parser.add_argument("--version", action="version", version=f"lazyland {__version__}")
    parser.add_argument("--new", action="store_true", help="start afresh, ignoring the save")
    parser.add_argument("--scene", metavar="ID", help="start at this scene")
    parser.add_argument(
        "--timeline", metavar="ID", help="start at the first scene of this timeline"
    )
    parser.add_argument(
        "--plain", action="store_true", help="plain lines for screen readers, pipes and scripts"
    )
    parser.add_argument("--no-animation", action="store_true", help="show text at once")
    parser.add_argument(
        "--watch", action="store_true", help="reload the story when its files change"
    )
    return parser


def _command_parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"lazyland {command}")
    if command == "check":
        parser.description = "Check stories and report every problem, each with its place."
        parser.add_argument("stories", nargs="+", metavar="STORY")
        parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
        parser.add_argument("--format", choices=("text", "json"), default="text")
    elif command == "walk":
        parser.description = "Explore every path of a story and report what it reaches."
        parser.add_argument("story", metavar="STORY")
        parser.add_argument("--random", type=int, metavar="N", help="N random playthroughs")
        parser.add_argument("--seed", type=int, default=0, metavar="S")
        parser.add_argument("--format", choices=("text", "json", "junit"), default="text")
    elif command == "graph":
        parser.description = "Print the story as a graph."
        parser.add_argument("story", metavar="STORY")
        parser.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    elif command == "new":
        parser.description = "Write a small two-timeline story that teaches the format."
        parser.add_argument("directory", metavar="DIR")
    elif command == "schema":
        parser.description = "Print the JSON Schema (draft 2020-12) of the story format."
    elif command == "serve":
        parser.description = "Serve the reader to a browser (needs the lazyland[web] extra)."
        parser.add_argument("story", nargs="?", metavar="STORY")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in COMMANDS:
            command = args_list[0]
            args = _command_parser(command).parse_args(args_list[1:])
            return _run_command(command, args)
        args = _play_parser().parse_args(args_list)
        from lazyland.play import play

        return play(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`| head`); say nothing more, like other tools.
        _silence_stdout()
        return 141
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _run_command(command: str, args: argparse.Namespace) -> int:
    if command == "check":
        from lazyland.check import run_check

        return run_check(args.stories, strict=args.strict, output_format=args.format)
    if command == "walk":
        from lazyland.walk import run_walk

        return run_walk(args)
    if command == "graph":
        from lazyland.graph import run_graph

        return run_graph(args)
    if command == "new":
        from lazyland.scaffold import run_new

        return run_new(args)
    if command == "schema":
        from lazyland.schema import run_schema

        return run_schema(args)
    from lazyland.serve import run_serve

    return run_serve(args)
