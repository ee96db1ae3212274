"""The "What it means" panel: an author's note on the scene, beside or below it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from lazyland.model import Scene
from lazyland.text import rich_text


class NotesPanel(VerticalScroll, can_focus=False):
    """Drawn only when asked (the reader asks while the panel is open)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._body = Static(Text(""), id="notes-body", markup=False)
        self.shown: Scene | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("What it means", style="bold"), id="notes-heading", markup=False)
        yield self._body

    def show_scene(self, scene: Scene) -> None:
        if scene is self.shown:
            return  # already drawn (a reload brings new Scene objects, so it redraws)
        self.shown = scene
        body = self._body
        if scene.notes:
            body.update(rich_text(scene.notes))
            body.remove_class("-empty")
        else:
            body.update(Text("No notes for this scene."))
            body.add_class("-empty")
        self.scroll_home(animate=False)
