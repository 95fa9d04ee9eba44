"""Reading stored values that another tool may have written (SPEC §7).

We store instants as canonical UTC ISO text ('2026-11-26T10:00:00+00:00') and
calendar dates as local 'YYYY-MM-DD'. Someone using SQL writes what SQLite
writes: `datetime('now')` gives '2026-11-26 12:00:00', which is UTC without
an offset; a date alone in a time column means local midnight; 'Z' and other
offsets are fine. A value we cannot read (or that is out of range, or a stage
no one knows) is a *problem*: one line naming table, row and column, while
the caller gets a fallback so the card still opens and the rules still run.

Plain Python, imported by `followup status`'s path: keep it light.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from .clock import FIRST_YEAR, LAST_YEAR  # the years a user may type: outside them a stored value is a problem

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see the docstring)
if TYPE_CHECKING:
    from enum import Enum
    from typing import TypeVar, overload

    _Member = TypeVar("_Member", bound=Enum)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the last resort for a time nothing else gives


class Unreadable(ValueError):
    """A stored value we cannot use; the message says why, in a few words."""


def in_range(value: date) -> bool:
    """True for a date or datetime the rules can compute with."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


def instant(value: object) -> datetime:
    """An aware datetime from stored text; raises Unreadable."""
    if type(value) is not str:
        raise Unreadable("not text")
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        raise Unreadable("not a time") from None
    if not in_range(found):  # before any zone arithmetic, which could overflow near the limits
        raise Unreadable("out of range")
    if found.tzinfo is None:
        # a date alone is local midnight; a time without offset is UTC, as SQLite writes it
        found = found.astimezone(UTC) if len(value.strip()) == 10 else found.replace(tzinfo=UTC)
    return found


def day(value: object) -> date:
    """A calendar date from stored text ('2026-12-03'; a full time gives its local date); raises Unreadable."""
    if type(value) is not str:
        raise Unreadable("not text")
    try:
        found = date.fromisoformat(value)
    except ValueError:
        try:
            found = instant(value).astimezone().date()
        except Unreadable as exc:
            raise Unreadable("not a date" if str(exc) == "not a time" else str(exc)) from None
    if not in_range(found):
        raise Unreadable("out of range")
    return found


if TYPE_CHECKING:  # text (a NOT NULL column) gives a datetime

    @overload
    def instant_or_none(value: str) -> datetime: ...
    @overload
    def instant_or_none(value: object) -> datetime | None: ...


def instant_or_none(value: object) -> datetime | None:
    """For values that were read once already (a card with a saved plan has no problems): never raises."""
    if value is None:
        return None
    try:
        return instant(value)
    except Unreadable:
        return EPOCH


def canonical(value: object) -> str | None:
    """The canonical storage form of a readable instant (doctor --fix); None when unreadable."""
    try:
        return instant(value).astimezone(UTC).replace(microsecond=0).isoformat()
    except Unreadable:
        return None


def canonical_day(value: object) -> str | None:
    try:
        return day(value).isoformat()
    except Unreadable:
        return None


def shown(value: object) -> str:
    """A stored value as a problem line quotes it (short; made safe for a terminal later)."""
    text = repr(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)
    return text if len(text) <= 40 else text[:37] + "..."


class Problems:
    """Reads the columns of one row, collecting a line for each value that needs a fallback."""

    __slots__ = ("table", "who", "lines")

    def __init__(self, table: str, who: str) -> None:
        self.table, self.who = table, who  # who: '#3' for a card, 'contact 12' ...
        self.lines: list[str] = []

    def note(self, column: str, value: object, why: str) -> None:
        self.lines.append(f"{self.table}.{column} of {self.who} is {shown(value)} ({why})")

    def instant(self, column: str, value: object, fallback: datetime | None = None) -> datetime | None:
        if value is None:
            return None
        try:
            return instant(value)
        except Unreadable as exc:
            self.note(column, value, str(exc))
            return fallback

    def day(self, column: str, value: object) -> date | None:
        if value is None:
            return None
        try:
            return day(value)
        except Unreadable as exc:
            self.note(column, value, str(exc))
            return None

    def member(self, column: str, value: object, enum: type[_Member], fallback: _Member) -> _Member:
        """`enum(value)`, or `fallback` for a word this version does not know."""
        if type(value) is str:  # the common case: the table enum(value) looks in first, without its call
            known: _Member | None = enum._value2member_map_.get(value)  # type: ignore[assignment]
            if known is not None:
                return known
        try:
            return enum(value)
        except ValueError:
            self.note(column, value, f"not a known {column}")
            return fallback

    def text(self, column: str, value: object) -> str:
        if type(value) is str:
            return value
        if value is None:
            return ""
        if isinstance(value, bytes):
            self.note(column, value, "not text")
            return value.decode("utf-8", "replace")
        return str(value)

    def number(self, column: str, value: object, fallback: int) -> int:
        if type(value) is int and value >= 1:
            return value
        self.note(column, value, "not a whole number above 0")
        return fallback
