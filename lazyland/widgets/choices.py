"""The ways on from a scene: numbered choices, or a single way to read on."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from lazyland.model import Scene
from lazyland.text import inline

CONTINUE_ID = "continue"


class ChoiceList(OptionList, can_focus=False):
    """Choices under the text. The screen drives the highlight; a click takes a choice.

    It never takes focus, so every key reaches the reader's bindings, and its
    prompts are Text built by lazyland.text, never markup.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._shown: tuple[str, ...] | None = None

    def show_scene(self, scene: Scene) -> None:
        # Scene after scene offers the same single "Continue": keep those options.
        if scene.choices:
            shown = tuple(choice.label for choice in scene.choices)
        else:
            shown = (CONTINUE_ID,) if scene.next is not None else ()
        if shown == self._shown:
            if self.option_count and self.highlighted != 0:
                self.highlighted = 0
            return
        self._shown = shown
        options: list[Option] = []
        if scene.choices:
            for number, choice in enumerate(scene.choices, 1):
                prompt = Text.assemble((f"{number}. ", "bold"), inline(choice.label))
                options.append(Option(prompt, id=f"choice-{number}"))
        elif scene.next is not None:
            options.append(Option(Text("Continue  \u2192", style="bold"), id=CONTINUE_ID))
        self.set_options(options)
        self.highlighted = 0 if options else None

    def move_highlight(self, delta: int) -> None:
        if not self.option_count:
            return
        current = self.highlighted if self.highlighted is not None else 0
        self.highlighted = max(0, min(self.option_count - 1, current + delta))
