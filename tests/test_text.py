"""The one safe path for story text: emphasis only, nothing else interpreted."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from lazyland import text

HOSTILE = "[@click=app.quit]x[/] [link=file:///etc/passwd]y[/link] [/"


def test_markup_lookalikes_stay_literal() -> None:
    rendered = text.rich_text(HOSTILE)
    assert rendered.plain == HOSTILE
    assert rendered.spans == []


def test_emphasis_and_strong_are_styled_and_marks_removed() -> None:
    rendered = text.inline("a *soft* and **loud** word")
    assert rendered.plain == "a soft and loud word"
    styles = {rendered.plain[s.start : s.end]: s.style for s in rendered.spans}
    assert styles["soft"].italic and not styles["soft"].bold
    assert styles["loud"].bold and not styles["loud"].italic


def test_underscores_and_other_markdown_stay_literal() -> None:
    source = "snake_case _not emphasis_ `code` # heading <b>bold</b> &amp;"
    assert text.plain(source) == source


def test_paragraphs_split_on_blank_lines_and_join_single_newlines() -> None:
    assert text.paragraphs("one\ntwo\n\n  three  \n") == ["one two", "three"]
    assert text.rich_text("one\ntwo\n\nthree").plain == "one two\n\nthree"


def test_escape_sequences_are_made_visible() -> None:
    rendered = text.rich_text("red\x1b[31m here\x07 and \x9b too")
    assert "\x1b" not in rendered.plain and "\x07" not in rendered.plain
    assert "\\x1b[31m" in rendered.plain and "\\x9b" in rendered.plain


def test_plain_strips_marks_for_screen_readers() -> None:
    assert text.plain("She *stops*.\n\n**Then** plays.") == "She stops.\n\nThen plays."
    assert text.plain_inline("Welcome to *Seb's*") == "Welcome to Seb's"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_renders_without_control_characters(value: str) -> None:
    rendered = text.rich_text(value)
    console = Console(width=60, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(rendered)
    output = console.export_text()
    forbidden = {chr(c) for c in range(32) if chr(c) not in "\n\t"} | {"\x7f"}
    assert not forbidden & set(output)
    assert not forbidden & set(text.plain(value))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="*")))
def test_text_without_asterisks_skips_the_parser_and_reads_the_same(value: str) -> None:
    for paragraph in text.paragraphs(value):
        parsed = text._emphasis_parser().parseInline(paragraph)
        through_parser = "".join(t.content for block in parsed for t in block.children or ())
        assert "".join(run for run, _, _ in text._spans(paragraph)) == through_parser
