"""The two palettes of the story: the quiet night of what happened, the warm glow of what if.

Each timeline is shown in its own theme so that crossing over changes the whole
screen. The built-in Textual themes stay available; a theme the reader picks
from the palette wins over the timeline's own.
"""

from __future__ import annotations

from dataclasses import replace

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


def _cursor(theme: Theme, part: str) -> str:
    return theme.variables.get(f"block-cursor-{part}", theme.primary)


# Each timeline's own colours, taken from its theme so that the secondary screens match
# the reader: name -> (what happened, what if). The stylesheet reads them as the theme
# variables $timeline-real-NAME and $timeline-other-NAME, the same under every theme, so
# that a timeline drawn in its own colours looks the same whatever theme the app is in.
TIMELINE_COLOURS: dict[str, tuple[str, str]] = {
    "ground": (NIGHT_THEME.surface or "#121a33", MONTAGE_THEME.surface or "#ffe3c4"),
    "ink": (NIGHT_THEME.foreground or "#cdd6ee", MONTAGE_THEME.foreground or "#3b1830"),
    "badge": (NIGHT_THEME.secondary or "#3b4f86", MONTAGE_THEME.primary),
    "badge-ink": ("#f2f5ff", "#fff6ec"),
    "title": (NIGHT_THEME.accent or "#e6c86e", MONTAGE_THEME.primary),
    "cursor": (_cursor(NIGHT_THEME, "background"), _cursor(MONTAGE_THEME, "background")),
    "cursor-ink": (_cursor(NIGHT_THEME, "foreground"), _cursor(MONTAGE_THEME, "foreground")),
    "cursor-blurred": (NIGHT_THEME.panel or "#1a2444", MONTAGE_THEME.panel or "#ffd3a8"),
    # Mid-tones, readable on a dark theme and a light one alike.
    "bar": (NIGHT_THEME.primary, MONTAGE_THEME.primary),
}


def timeline_variables() -> dict[str, str]:
    """The timelines' colours as theme variables, e.g. ``timeline-real-badge``.

    Both lazyland themes carry them; an app using the stylesheet returns them from
    ``get_theme_variable_defaults`` so that every other theme has them too.
    """
    variables: dict[str, str] = {}
    for name, (real, other) in TIMELINE_COLOURS.items():
        variables[f"timeline-real-{name}"] = real
        variables[f"timeline-other-{name}"] = other
    return variables


# Both themes carry every timeline's colours, as the stylesheet asks for them by name.
NIGHT_THEME = replace(NIGHT_THEME, variables={**NIGHT_THEME.variables, **timeline_variables()})
MONTAGE_THEME = replace(
    MONTAGE_THEME, variables={**MONTAGE_THEME.variables, **timeline_variables()}
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
