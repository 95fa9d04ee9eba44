"""The footer: the keys that work here, on one line, `? keys` and `q quit` always shown (SPEC §6).
A screen with an `offers(binding id)` method leaves out keys that would only say why not (a
draft's "Mark as sent" before there is a draft; writes on a closed card): they still answer.

Textual's Footer composes a widget per key again on every focus change (and in Textual
8.2.8 the old ones stay alive: every focus change leaked ~20 widgets), and at 80 columns
it cut `? keys` and `q quit` off the end. This one is a single line of text, worked out
again only when the keys that work here change, with help and quit pinned to the right.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

# binding ids that never drop off the end: help, quit, and the way out of a screen that has no quit
PINNED = ("help", "quit", "draft-close", "help-close", "definitions-close")


class Key(NamedTuple):
    key: str  # what to simulate on a click
    shown: str  # how the key is written ("?", "^s")
    description: str
    pinned: bool


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys: tuple[Key, ...] = ()
        self._spans: list[tuple[int, int, str]] = []  # (first column, past the last, key) for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen:
            return
        keys = tuple(self._keys(screen))
        if keys != self.keys:
            self.keys = keys
            self.refresh()

    def _keys(self, screen: Screen):
        seen = set()
        offers = getattr(screen, "offers", None)  # a screen may leave out keys that do nothing now
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            if offers is not None and binding.id is not None and not offers(binding.id):
                continue
            seen.add(binding.action)
            yield Key(binding.key, self.app.get_key_display(binding), binding.description, binding.id in PINNED)

    def render(self) -> Text:
        width = self.size.width
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")

        def label(item: Key) -> Text:
            return Text.assemble((f" {item.shown} ", key_style), (f"{item.description} ", description_style))

        pinned = [label(item) for item in self.keys if item.pinned]
        room = width - sum(len(text) for text in pinned)
        line, spans = Text(), []
        for item in (item for item in self.keys if not item.pinned):
            text = label(item)
            if len(line) + len(text) > room:
                break
            spans.append((len(line), len(line) + len(text), item.key))
            line.append_text(text)
        line.append(" " * max(0, room - len(line)))
        for item, text in zip((item for item in self.keys if item.pinned), pinned, strict=False):
            spans.append((len(line), len(line) + len(text), item.key))
            line.append_text(text)
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
