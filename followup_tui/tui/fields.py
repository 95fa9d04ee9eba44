"""Text fields that never put a control character on the terminal.

Textual's Input and TextArea take a paste as it comes, ESC and all, and draw it: a
pasted escape sequence would reach the terminal. These make such characters visible
as they arrive (`\\x1b`); what a form loads is made visible by Form.shown.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input, Select, SelectionList, TextArea

from ..domain.textsafe import safe, safe_block


class TextInput(Input):
    def __init__(self, *args, lines_joined_by: str = " ", **kwargs) -> None:
        """`lines_joined_by`: what stands for a pasted line break (", " in a list of names)."""
        super().__init__(*args, **kwargs)
        self.lines_joined_by = lines_joined_by

    def validate_value(self, value: str) -> str:
        return safe(value)

    def _on_paste(self, event: events.Paste) -> None:
        # made visible before Input's handler inserts it: the cursor then ends after what is shown
        # (made visible only in validate_value, `\x1b` is longer than ESC and the cursor fell short)
        # a one-line field keeps every pasted line, joined by spaces (a note pasted from an email),
        # and a space it starts with (pasted after a word)
        lines = [line.strip() for line in event.text.splitlines() if line.strip()]
        lead = " " if event.text[:1] in (" ", "\t") and lines else ""
        event.text = safe(lead + self.lines_joined_by.join(lines))


class NotesArea(TextArea):
    async def _on_paste(self, event: events.Paste) -> None:
        # Textual calls this class's handler, then TextArea's, which inserts the text made visible here
        # terminals send a pasted line break as CR (tmux, xterm, VTE): a line break, not a control character
        event.text = safe_block(event.text.replace("\r\n", "\n").replace("\r", "\n"))


# A form's choice fields: enter saves the form, as it does in a text field (replaces the widget's enter)
_ENTER_SAVES = Binding("enter", "screen.save", "Save", show=False)


class FormSelect(Select[str]):
    """A form's dropdown: enter saves the form, as it does in a text field (down, up or space opens
    the list, where enter picks). Textual's Select opens its list on enter too."""

    BINDINGS = [_ENTER_SAVES]


class FormSelectionList(SelectionList[int]):
    """A form's list of ticked people: space unticks or ticks one, enter saves the form (Textual's
    SelectionList ticks on enter too: a user saving from there would drop a person)."""

    BINDINGS = [_ENTER_SAVES]
