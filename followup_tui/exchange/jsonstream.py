"""Reading one big JSON object a member at a time, in flat memory, knowing every line number.

The lossless export is a top-level object whose `people` and `cards` arrays can hold
hundreds of thousands of records. `members` yields the object's members in file order;
an array under one of the `streamed` keys comes as an iterator of its elements, each
decoded by the json module's C scanner from a sliding buffer, with the line it starts on
and its own text (to find the line of a record inside it). Nothing else is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

_SPACE = re.compile(r"[ \t\n\r]*")
_CHUNK = 1 << 20
_AHEAD = 1 << 16  # a record is read whole when this much is left (an export's card is some 4 KB)
_NOT_AN_OBJECT = {"[": "a list", '"': "a string", **dict.fromkeys("-0123456789", "a number")}  # by first character


class JsonError(ValueError):
    """The text is not valid JSON (or not an object); the message names the line."""


@dataclass
class Element:
    value: Any
    line: int  # where it starts
    text: str  # its JSON text, as in the file

    def line_of(self, value: str, nth: int = 1) -> int:
        """The line where the JSON string `value` appears (the nth time) in this element, else where it starts."""
        needle, at = json.dumps(value, ensure_ascii=False), -1
        for _ in range(nth):
            at = self.text.find(needle, at + 1)
            if at < 0:
                return self.line
        return self.line + self.text.count("\n", 0, at)


class Reader:
    def __init__(self, stream: TextIO, streamed: tuple[str, ...]):
        self.stream, self.streamed = stream, streamed
        self.buf, self.pos, self.eof = "", 0, False
        self._line, self._line_pos = 1, 0  # the line number at buffer position _line_pos
        self._decoder = json.JSONDecoder()

    # --- the object, member by member -------------------------------------------------

    def members(self) -> Iterator[tuple[str, Any, int]]:
        """(key, value, line) in file order; a streamed array's value is an iterator of Elements.

        A streamed array the caller does not read to the end is read (and checked) before the next member."""
        first = self._next()
        if first == "":  # nothing, or only white space (QA walk 14: "not a JSON object" said less)
            raise JsonError("the file is empty, not the JSON object an export is")
        if first != "{":
            what = _NOT_AN_OBJECT.get(first)
            if what:  # valid JSON, perhaps, but not the export's one object
                raise JsonError(
                    f"line {self.line_at(self.pos)}: the file holds {what}, not the JSON object an export is"
                )
            raise self._error("the file is not a JSON object")
        self.pos += 1
        if self._next() == "}":
            self.pos += 1
        else:
            while True:
                key = self._key()
                if self._next() == "[" and key in self.streamed:
                    line, elements = self.line_at(self.pos), self._elements()
                    yield key, elements, line
                    for _ in elements:  # what the caller left
                        pass
                else:
                    element = self._value()
                    yield key, element.value, element.line
                if not self._take(","):
                    if not self._take("}"):
                        raise self._error("expected ',' or '}' after a member")
                    break
        if self._next() != "":
            raise self._error("extra data after the end of the object")

    def _key(self) -> str:
        if self._next() != '"':
            raise self._error("expected a member name in double quotes")
        key = self._value().value
        if not self._take(":"):
            raise self._error("expected ':' after a member name")
        return key

    def _elements(self) -> Iterator[Element]:
        self.pos += 1  # the '['
        if self._take("]"):
            return
        while True:
            yield self._value()
            if not self._take(","):
                if not self._take("]"):
                    raise self._error("expected ',' or ']' in a list")
                return

    # --- the buffer ------------------------------------------------------------------

    def _value(self) -> Element:
        self._next()
        if len(self.buf) - self.pos < _AHEAD and not self.eof:
            self._fill(more=True)  # a record cut at the buffer's end is an error to raise, costly: read on first
        while True:
            try:
                value, end = self._decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or self._genuine(exc):
                    raise self._error(exc.msg, exc.pos) from None
                self._fill(more=True)
                continue
            if end == len(self.buf) and not self.eof and self._fill(more=True):
                continue  # a number or word cut at the buffer's end: read it whole
            start, self.pos = self.pos, end
            return Element(value, self.line_at(start), self.buf[start:end])

    def _genuine(self, exc: json.JSONDecodeError) -> bool:
        """An error that more text would not cure (an unfinished value fails at or near the end)."""
        return exc.pos < len(self.buf) - 64 and not exc.msg.startswith("Unterminated string")

    def _next(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            space = _SPACE.match(self.buf, self.pos)  # it matches no character too: never None
            self.pos = space.end() if space else self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def _take(self, char: str) -> bool:
        if self._next() == char:
            self.pos += 1
            return True
        return False

    def _fill(self, more: bool = False) -> bool:
        """Read on; with `more`, at least as much again as is unread (so retries stay linear)."""
        if self.eof:
            return False
        if self.pos > _CHUNK:  # drop what was read
            self.line_at(self.pos)
            self.buf, self._line_pos, self.pos = self.buf[self.pos :], 0, 0
        try:
            text = self.stream.read(max(_CHUNK, len(self.buf) - self.pos) if more else _CHUNK)
        except UnicodeDecodeError as exc:
            raise JsonError(
                f"not UTF-8 text after line {self.line_at(len(self.buf))} (byte 0x{exc.object[exc.start]:02x})"
            ) from None
        if not text:
            self.eof = True
            return False
        self.buf += text
        return True

    def line_at(self, pos: int) -> int:
        """The line of buffer position `pos`, counting on from the last position asked about."""
        if pos < self._line_pos:  # an error a little behind (never before the buffer's start)
            return self._line - self.buf.count("\n", pos, self._line_pos)
        self._line += self.buf.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def _error(self, message: str, pos: int | None = None) -> JsonError:
        pos = self.pos if pos is None else pos
        line = self.line_at(pos)
        column = pos - self.buf.rfind("\n", 0, pos)
        return JsonError(f"not valid JSON at line {line}, column {column}: {message}")
