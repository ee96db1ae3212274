"""`lazyland schema`: the story format as a JSON Schema (draft 2020-12) for editors.

One schema covers both kinds of file: a manifest (it has ``format``) and an
included file of scenes (it has only ``scenes``). yaml-language-server picks it
up from a modeline at the top of a story file::

    # yaml-language-server: $schema=story.schema.json

The schema catches what an editor can see in one file: shapes, types, required
and unknown keys, id patterns, the 1-9 choices, exactly one of next / choices /
ending. What needs the whole story (a ``goto`` naming a scene that exists,
reachability, mirrors between timelines) stays with ``lazyland check``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lazyland.model import FORMAT_VERSION, ID_PATTERN, MAX_CHOICES

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"

# model.ID_PATTERN is anchored with \Z for Python; JSON Schema patterns are ECMA-262.
ID_REGEX = "^" + ID_PATTERN.pattern.removesuffix(r"\Z") + "$"


def _text(description: str) -> dict[str, Any]:
    """A string that must hold something other than whitespace."""
    return {"type": "string", "pattern": r"\S", "description": description}


def story_schema() -> dict[str, Any]:
    scene_id = {"$ref": "#/$defs/id"}
    return {
        "$schema": SCHEMA_URI,
        "$id": "urn:lazyland:story-format:1",
        "title": "lazyland story file (format 1)",
        "description": (
            "A lazyland story manifest (story.yaml, with `format: 1`) or a file of "
            "scenes it includes (a mapping with only `scenes`)."
        ),
        "type": "object",
        "if": {"required": ["format"]},
        "then": {"$ref": "#/$defs/manifest"},
        "else": {"$ref": "#/$defs/scenesFile"},
        "$defs": {
            "id": {
                "type": "string",
                "pattern": ID_REGEX,
                "description": (
                    "A lowercase id: a letter or digit, then up to 63 letters, digits, '-' or '_'."
                ),
            },
            "manifest": {
                "type": "object",
                "description": "The story's manifest: what it is called, where it starts.",
                "required": ["format", "id", "title", "start", "timelines"],
                "additionalProperties": False,
                "properties": {
                    "format": {
                        "const": FORMAT_VERSION,
                        "description": f"The story format version; must be {FORMAT_VERSION}.",
                    },
                    "id": {
                        "$ref": "#/$defs/id",
                        "description": "The story's id; it names the save file.",
                    },
                    "title": _text("The story's title."),
                    "author": {"type": "string", "description": "Who wrote it."},
                    "start": {
                        "$ref": "#/$defs/id",
                        "description": "The id of the first scene.",
                    },
                    "timelines": {
                        "type": "object",
                        "description": "The timelines, in order; at least one.",
                        "minProperties": 1,
                        "propertyNames": scene_id,
                        "additionalProperties": {"$ref": "#/$defs/timeline"},
                    },
                    "include": {
                        "type": ["array", "null"],
                        "description": "More files of scenes, relative to this one.",
                        "items": {"type": "string", "pattern": r"\S"},
                    },
                    "scenes": {"$ref": "#/$defs/scenes"},
                },
            },
            "scenesFile": {
                "type": "object",
                "description": "A file of scenes included from the manifest.",
                "required": ["scenes"],
                "additionalProperties": False,
                "properties": {"scenes": {"$ref": "#/$defs/scenes"}},
            },
            "timeline": {
                "type": "object",
                "required": ["label"],
                "additionalProperties": False,
                "properties": {"label": _text("Shown in the timeline banner.")},
            },
            "scenes": {
                "type": ["object", "null"],
                "description": "Scenes by id.",
                "propertyNames": scene_id,
                "additionalProperties": {"$ref": "#/$defs/scene"},
            },
            "scene": {
                "type": "object",
                "required": ["timeline", "title", "text"],
                "additionalProperties": False,
                "properties": {
                    "timeline": {
                        "$ref": "#/$defs/id",
                        "description": "The timeline this scene belongs to.",
                    },
                    "title": _text("The scene's title."),
                    "caption": {"type": "string", "description": "A place or time, shown small."},
                    "text": _text("The narration. *emphasis* and **strong** only."),
                    "notes": {
                        "type": "string",
                        "description": "What the scene means: the commentary.",
                    },
                    "mirror": {
                        "$ref": "#/$defs/id",
                        "description": "The parallel scene in another timeline.",
                    },
                    "next": {
                        "$ref": "#/$defs/id",
                        "description": "The scene that follows.",
                    },
                    "choices": {
                        "type": "array",
                        "description": f"1 to {MAX_CHOICES} choices.",
                        "minItems": 1,
                        "maxItems": MAX_CHOICES,
                        "items": {"$ref": "#/$defs/choice"},
                    },
                    "ending": _text("This scene ends the story; the ending's name."),
                },
                # Exactly one of the three: with two present, two branches match and
                # oneOf fails; with none, no branch matches.
                "oneOf": [
                    {"required": ["next"]},
                    {"required": ["choices"]},
                    {"required": ["ending"]},
                ],
            },
            "choice": {
                "type": "object",
                "required": ["label", "goto"],
                "additionalProperties": False,
                "properties": {
                    "label": _text("What the reader picks."),
                    "goto": {
                        "$ref": "#/$defs/id",
                        "description": "The scene this choice leads to.",
                    },
                },
            },
        },
    }


def run_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(story_schema(), indent=2) + "\n")
    return 0
