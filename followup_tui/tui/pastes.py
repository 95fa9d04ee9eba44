"""A paste is text, whatever it holds: never keys.

Textual's terminal parser reads an escape sequence inside a bracketed paste (colored output
copied from a terminal: `ESC[31mtimeout ESC[0m`) as it would outside one, and reissues what it
does not know as key presses, sent before the paste itself. On the board those keys ran
actions: `t` logged a thank-you, `u` undid something, `i` opened the inbox. Here every ESC
between the paste's start and end markers reaches the parser made visible, `\\x1b`, as a field
shows it (textsafe), so the whole paste arrives as one Paste event.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from textual._xterm_parser import XTermParser
from textual.message import Message

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
ESC = "\x1b"


class PasteSafeParser(XTermParser):
    """XTermParser, with ESC inside a bracketed paste made visible before it parses the data."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasting = False
        self._held = ""  # inside a paste: the start of what may be its end marker, split across reads
        self._begun = ""  # outside one: what may be the start of its start marker, at the end of a read

    def feed(self, data: str) -> Iterable[Message]:
        if data:
            defused = self.defuse(data)
            return super().feed(defused) if defused else ()  # all held back: "" would end the input
        held, self._held = self._held, ""  # the end of input: what was held back goes on as it came
        return chain(super().feed(held) if held else (), super().feed(""))

    def defuse(self, data: str) -> str:
        """`data` with every ESC inside a bracketed paste (not its end marker) made visible."""
        text, self._held, out, at = self._held + data, "", [], 0
        before, self._begun = self._begun, ""  # passed on already: the start of a start marker?
        while at < len(text):
            if not self._pasting:
                seen = before + text[at:]
                start = seen.find(PASTE_START)
                if start < 0:
                    out.append(text[at:])
                    self._begun = seen[len(seen) - _prefix(seen, PASTE_START) :]  # not held: a lone ESC is a key
                    break
                after = at + start + len(PASTE_START) - len(before)  # the marker may have begun in the last read
                out.append(text[at:after])
                self._pasting, at, before = True, after, ""
                continue
            end = text.find(PASTE_END, at)
            if end < 0:
                body = text[at:]
                tail = _prefix(body, PASTE_END)  # held until the next read tells whether it ends the paste
                self._held = body[len(body) - tail :]
                out.append(body[: len(body) - tail].replace(ESC, "\\x1b"))
                break
            out.append(text[at:end].replace(ESC, "\\x1b") + PASTE_END)
            self._pasting, at = False, end + len(PASTE_END)
        return "".join(out)


def _prefix(text: str, marker: str) -> int:
    """How many characters at the end of `text` could begin `marker`."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


def install() -> None:
    """Make Textual's Linux and macOS drivers read input with PasteSafeParser (idempotent)."""
    from textual.drivers import linux_driver, linux_inline_driver

    linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]
    linux_inline_driver.XTermParser = PasteSafeParser  # type: ignore[misc]
