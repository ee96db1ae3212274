"""The "What it means" panel: an author's note on the scene, beside or below it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from lazyland.model import Scene
from lazyland.text import rich_text


class NotesPanel(VerticalScroll, can_focus=False):
    def compose(self) -> ComposeResult:
        yield Static(Text("What it means", style="bold"), id="notes-heading", markup=False)
        yield Static(Text(""), id="notes-body", markup=False)

    def show_scene(self, scene: Scene) -> None:
        body = self.query_one("#notes-body", Static)
        if scene.notes:
            body.update(rich_text(scene.notes))
            body.remove_class("-empty")
        else:
            body.update(Text("No notes for this scene."))
            body.add_class("-empty")
        self.scroll_home(animate=False)
