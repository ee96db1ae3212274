"""The two palettes of the story: the quiet night of what happened, the warm glow of what if.

Each timeline is shown in its own theme so that crossing over changes the whole
screen. The built-in Textual themes stay available; a theme the reader picks
from the palette wins over the timeline's own.
"""

from __future__ import annotations

from textual.theme import Theme

from lazyland.model import Story

NIGHT = "lazyland-night"
MONTAGE = "lazyland-montage"

# What happened: a city at two in the morning, lamp-lit and blue.
NIGHT_THEME = Theme(
    name=NIGHT,
    primary="#6f8fd8",
    secondary="#3b4f86",
    accent="#e6c86e",
    warning="#e6c86e",
    error="#d96a6a",
    success="#7fb48a",
    foreground="#cdd6ee",
    background="#0b1022",
    surface="#121a33",
    panel="#1a2444",
    dark=True,
    luminosity_spread=0.12,
    variables={
        "footer-key-foreground": "#e6c86e",
        "block-cursor-background": "#3b4f86",
        "block-cursor-foreground": "#f2f5ff",
    },
)

# What if: the montage, sunset-bright and a little too perfect.
MONTAGE_THEME = Theme(
    name=MONTAGE,
    primary="#d6407f",
    secondary="#f28c38",
    accent="#7b2ff2",
    warning="#c46a00",
    error="#b3261e",
    success="#2e8b57",
    foreground="#3b1830",
    background="#fff0dc",
    surface="#ffe3c4",
    panel="#ffd3a8",
    dark=False,
    luminosity_spread=0.18,
    variables={
        "footer-key-foreground": "#d6407f",
        "block-cursor-background": "#f28c38",
        "block-cursor-foreground": "#2b0f22",
    },
)

THEMES = (NIGHT_THEME, MONTAGE_THEME)


def theme_for(story: Story, timeline_id: str) -> str:
    """The theme name of a timeline: ``real`` (or else the first timeline) is night."""
    ids = [t.id for t in story.timelines]
    night_id = "real" if "real" in ids else (ids[0] if ids else "real")
    return NIGHT if timeline_id == night_id else MONTAGE


def timeline_class(story: Story, timeline_id: str) -> str:
    """CSS class for things drawn in a timeline's own colours, whatever the app theme."""
    return "-night" if theme_for(story, timeline_id) == NIGHT else "-montage"
