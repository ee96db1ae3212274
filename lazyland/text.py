"""The one place story text becomes something to show.

Story text is untrusted: it is never parsed as Rich or Textual markup, and any
control character that slipped past the loader is made visible instead of being
sent to the terminal. The only formatting is ``*emphasis*`` and ``**strong**``,
read by markdown-it-py with every other rule switched off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

if TYPE_CHECKING:
    from textual.content import Content
    from textual.style import Style as VisualStyle

# C0 and C1 controls, DEL, and the line/paragraph separators, except newline and tab.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"[ \t]*\n[ \t]*|\t")

EMPHASIS = Style(italic=True)
STRONG = Style(bold=True)

_STYLES: dict[tuple[bool, bool], Style | None] = {
    (False, False): None,
    (True, False): EMPHASIS,
    (False, True): STRONG,
    (True, True): EMPHASIS + STRONG,
}


@lru_cache(maxsize=1)
def _emphasis_parser():  # type: ignore[no-untyped-def]
    """markdown-it-py with only ``*`` emphasis on, built on first use: it is slow to import."""
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import emphasis

    def asterisks_only(state, silent):  # type: ignore[no-untyped-def]
        # The format's only marks are * and **; an underscore stays literal.
        if state.src[state.pos] != "*":
            return False
        return emphasis.tokenize(state, silent)

    md = MarkdownIt("zero").enable(["emphasis"])
    md.inline.ruler.at("emphasis", asterisks_only)
    return md


def scrub(value: str) -> str:
    """Replace every control character but newline with a visible stand-in."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def paragraphs(value: str) -> list[str]:
    """Split narration into paragraphs: blank lines separate them, single newlines are spaces."""
    value = scrub(value).strip()
    if not value:
        return []
    return [_SPACES.sub(" ", part).strip() for part in _PARAGRAPH_BREAK.split(value)]


@lru_cache(maxsize=1024)
def _spans(paragraph: str) -> tuple[tuple[str, bool, bool], ...]:
    """A paragraph as runs of (text, emphasis, strong)."""
    if "*" not in paragraph:
        return ((paragraph, False, False),)
    runs: list[tuple[str, bool, bool]] = []
    em = strong = 0
    for block in _emphasis_parser().parseInline(paragraph):
        for token in block.children or ():
            if token.type == "em_open":
                em += 1
            elif token.type == "em_close":
                em -= 1
            elif token.type == "strong_open":
                strong += 1
            elif token.type == "strong_close":
                strong -= 1
            elif token.type in ("softbreak", "hardbreak"):
                runs.append((" ", em > 0, strong > 0))
            else:
                runs.append((token.content, em > 0, strong > 0))
    return tuple(runs)


def _runs(value: str, glue: str) -> Iterator[tuple[str, bool, bool]]:
    """The text's runs of (text, emphasis, strong), paragraphs joined by ``glue``."""
    for index, paragraph in enumerate(paragraphs(value)):
        if index:
            yield glue, False, False
        yield from _spans(paragraph)


def _text(value: str, glue: str, style: str | Style) -> Text:
    text = Text(style=style, end="")
    for run, em, strong in _runs(value, glue):
        text.append(run, _STYLES[em, strong])
    return text


def inline(value: str, style: str | Style = "") -> Text:
    """One line or paragraph of story text (a title, a label) as styled Text."""
    return _text(value, " ", style)


def rich_text(value: str, style: str | Style = "") -> Text:
    """Narration or notes as styled Text, paragraphs separated by a blank line."""
    return _text(value, "\n\n", style)


def inline_content(value: str, style: str = "") -> Content:
    """A title or label as Textual Content, for widgets that draw Content directly.

    The same reading as ``inline``: the text is never parsed as markup, only
    ``*emphasis*`` and ``**strong**`` are styled.
    """
    return _content(value, " ", style)


def rich_content(value: str) -> Content:
    """Narration as Textual Content, paragraphs separated by a blank line (see ``rich_text``)."""
    return _content(value, "\n\n", "")


def _content(value: str, glue: str, style: str) -> Content:
    # Imported here: plain mode and the author tools use this module without Textual.
    from textual.content import Content

    styles = _content_styles()
    parts = [
        (run, run_style) if (run_style := styles[em, strong]) is not None else run
        for run, em, strong in _runs(value, glue)
    ]
    content = Content.assemble(*parts)
    return content.stylize_before(style) if style else content


@lru_cache(maxsize=1)
def _content_styles() -> dict[tuple[bool, bool], VisualStyle | None]:
    """Emphasis and strong as Textual styles, made once."""
    from textual.style import Style as VisualStyle

    return {
        (False, False): None,
        (True, False): VisualStyle(italic=True),
        (False, True): VisualStyle(bold=True),
        (True, True): VisualStyle(bold=True, italic=True),
    }


def plain(value: str) -> str:
    """Narration as plain paragraphs, emphasis marks removed: for --plain and screen readers."""
    return "".join(run for run, _, _ in _runs(value, "\n\n"))


def plain_inline(value: str) -> str:
    """A title or label as one plain line."""
    return "".join(run for run, _, _ in _runs(value, " "))
