"""`lazyland new DIR`: write a small two-timeline story to start from.

The story (a manifest and two files of scenes, commented to teach the format)
ships as package data in ``lazyland/templates``; the story id is made from the
folder's name so that two new stories do not share a save file. Beside the
story goes ``story.schema.json``, which the files' modeline points editors at.

Nothing is written into a folder that already holds anything, and the files
are written to a temporary folder first, so a failure leaves no half-written
story behind.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import unicodedata
from importlib import resources
from pathlib import Path

import yaml

from lazyland.model import ID_PATTERN
from lazyland.text import scrub

TEMPLATE_FILES = ("story.yaml", "as-it-was.yaml", "might-have-been.yaml")
SCHEMA_FILE = "story.schema.json"
DEFAULT_ID = "my-story"


def story_id_for(folder: Path) -> str:
    """A valid story id made from a folder name ('My Story!' -> 'my-story')."""
    # 'Été' -> 'ete': accents dropped rather than the letters.
    name = unicodedata.normalize("NFKD", folder.resolve().name)
    name = name.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9_-]+", "-", name)
    slug = re.sub(r"^[^a-z0-9]+", "", slug)[:64].rstrip("-_")
    return slug if ID_PATTERN.match(slug) else DEFAULT_ID


def _yaml_scalar(value: str) -> str:
    """``value`` as YAML that reads back as the same string ('2046' must stay a string)."""
    return value if yaml.safe_load(value) == value else json.dumps(value)


def story_files(story_id: str) -> dict[str, str]:
    """The new story's files by name, the id filled in, and the schema beside them."""
    from lazyland.schema import story_schema

    templates = resources.files("lazyland") / "templates"
    files = {
        name: (templates / name)
        .read_text(encoding="utf-8")
        .replace("@@ID@@", _yaml_scalar(story_id))
        for name in TEMPLATE_FILES
    }
    files[SCHEMA_FILE] = json.dumps(story_schema(), indent=2) + "\n"
    return files


def write_story(folder: Path, files: dict[str, str]) -> None:
    """Write ``files`` into ``folder`` (absent or empty) all at once. Raises OSError."""
    folder = folder.absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, content in files.items():
            (staging / name).write_text(content, encoding="utf-8")
        if folder.exists():
            for name in files:
                os.replace(staging / name, folder / name)
            staging.rmdir()
        else:
            os.rename(staging, folder)
            # mkdtemp makes the folder private; give it the usual permissions.
            umask = os.umask(0)
            os.umask(umask)
            folder.chmod(0o777 & ~umask)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def run_new(args: argparse.Namespace) -> int:
    folder = Path(args.directory)
    shown = scrub(args.directory)
    if folder.exists() and not folder.is_dir():
        print(
            f"lazyland new: {shown} is a file, not a folder; nothing was written", file=sys.stderr
        )
        return 2
    try:
        if folder.is_dir() and any(folder.iterdir()):
            print(
                f"lazyland new: {shown} is not empty; name a new or empty folder "
                "(nothing was written)",
                file=sys.stderr,
            )
            return 2
        files = story_files(story_id_for(folder))
        write_story(folder, files)
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"lazyland new: cannot write {shown}: {reason}; nothing was written", file=sys.stderr)
        return 2
    quoted = shlex.quote(shown)
    print(f"Wrote a new story to {shown}: {', '.join(files)}")
    print(f"  play it:    lazyland {quoted}")
    print(f"  check it:   lazyland check --strict {quoted}")
    print(f"  walk it:    lazyland walk {quoted}")
    return 0
