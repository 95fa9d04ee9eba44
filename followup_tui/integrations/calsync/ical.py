"""Items as iCalendar (RFC 5545) through the icalendar package, and what a server's copy says.

An item is written onto the server's copy when there is one (`base`): the properties we own are
replaced, anything else a client added (a location, its own X- properties, a time zone) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from .items import CATEGORY, COMPLETED, EVENT, PRODID, TODO, Item

# What we write, and so replace on the server's copy (besides the VALARMs).
_OWNED = {
    TODO: ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "DESCRIPTION", "DUE", "PRIORITY", "STATUS"),
    EVENT: ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "DESCRIPTION", "DTSTART", "DTEND", "DURATION"),
}
_DONE = ("COMPLETED", "PERCENT-COMPLETE")


@dataclass(frozen=True)
class Remote:
    """What the server's copy of an item says, as far as the sync reads it."""

    status: str
    done_at: datetime | None  # when it was marked completed there (None: not completed, or no time given)
    when: datetime | date | None  # DUE (to-do) or DTSTART (event)
    sequence: int

    @property
    def completed(self) -> bool:
        return self.status == COMPLETED


def build(item: Item, sequence: int, stamp: datetime, base: bytes | None = None) -> bytes:
    """The item as a calendar object, written onto `base` (the server's copy) when given."""
    calendar, component = _component_of(base, item.uid, item.component)
    calendar.pop("PRODID", None)
    calendar.add("prodid", PRODID)  # we write it now
    for name in (*_OWNED[item.component], *_DONE, "STATUS", "TRANSP", "CATEGORIES"):
        component.pop(name, None)
    component.subcomponents = [c for c in component.subcomponents if c.name != "VALARM"]
    component.add("dtstamp", _utc(stamp))
    component.add("last-modified", _utc(stamp))
    component.add("sequence", sequence)
    component.add("summary", item.summary)
    description = "\n".join(line for line in _with_advice(item) if line is not None)
    if description:
        component.add("description", description)
    component.add("status", item.status)
    component.add("categories", [CATEGORY])
    if item.component == TODO:
        if item.due is not None:
            component.add("due", _utc(item.due))
        component.add("priority", item.priority)
    else:
        component.add("dtstart", _moment(item.start))
        component.add("dtend", _moment(item.end))
        component.add("transp", "OPAQUE" if item.busy else "TRANSPARENT")
    for alarm in item.alarms:
        component.add_component(_alarm(alarm.at, alarm.text))
    return calendar.to_ical()


def retire(base: bytes, uid: str, status: str, at: datetime, sequence: int, stamp: datetime) -> bytes | None:
    """The server's copy marked done (COMPLETED at `at`) or dropped (CANCELLED), without reminders;
    None when it cannot be read."""
    try:
        calendar, component = _component_of(base, uid, None)
    except ValueError:
        return None
    for name in ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "STATUS", *_DONE):
        component.pop(name, None)
    component.subcomponents = [c for c in component.subcomponents if c.name != "VALARM"]
    component.add("dtstamp", _utc(stamp))
    component.add("last-modified", _utc(stamp))
    component.add("sequence", sequence)
    component.add("status", status)
    if status == COMPLETED:
        component.add("completed", _utc(at))
        component.add("percent-complete", 100)
    return calendar.to_ical()


def read(body: bytes, uid: str) -> Remote | None:
    """What the server's copy says; None when it holds no readable item of this UID."""
    try:
        _, component = _component_of(body, uid, None)
    except ValueError:
        return None
    status = str(component.get("STATUS", "")).upper()
    done_at = _instant(component, "COMPLETED")
    if status != COMPLETED and (done_at is not None or _number(component, "PERCENT-COMPLETE") == 100):
        status = COMPLETED  # some clients tick a to-do with COMPLETED or 100% alone
    when = _moment_of(component, "DUE" if component.name == TODO else "DTSTART")
    return Remote(status, done_at, when, _number(component, "SEQUENCE") or 0)


def same_moment(one: datetime | date | None, other: datetime | date | None) -> bool:
    if isinstance(one, datetime) and isinstance(other, datetime):
        return one == other
    return type(one) is type(other) and one == other


# --- helpers ---------------------------------------------------------------------------------------


def _with_advice(item: Item) -> list[str | None]:
    """The description with the advice's line after its first (the card's title)."""
    if not item.description:
        return [item.advice or None]
    first, _, rest = item.description.partition("\n")
    return [first, item.advice or None, rest or None]


def _component_of(body: bytes | None, uid: str, kind: str | None) -> tuple[icalendar.Calendar, icalendar.Component]:
    """(the calendar, its component of this UID): parsed from `body`, or new (kind given) when there is
    no body or it cannot be read. ValueError when kind is None and none is found."""
    if body is not None:
        try:
            calendar = icalendar.Calendar.from_ical(body)
        except ValueError:
            calendar = None
        if calendar is not None:
            for component in calendar.subcomponents:
                ours = component.name in (TODO, EVENT) and str(component.get("UID", "")) == uid
                if ours and (kind is None or component.name == kind):
                    calendar.subcomponents = [
                        c for c in calendar.subcomponents if c is component or c.name == "VTIMEZONE"
                    ]
                    return calendar, component
    if kind is None:
        raise ValueError(f"no item {uid}")
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    component = icalendar.Todo() if kind == TODO else icalendar.Event()
    component.add("uid", uid)
    calendar.add_component(component)
    return calendar, component


def _alarm(at: datetime | timedelta, text: str) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    if isinstance(at, datetime):
        alarm.add("trigger", _utc(at), parameters={"VALUE": "DATE-TIME"})
    else:
        alarm.add("trigger", at)
    alarm.add("description", text)
    return alarm


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _moment(value: datetime | date | None) -> datetime | date | None:
    return _utc(value) if isinstance(value, datetime) else value


def _instant(component: icalendar.Component, name: str) -> datetime | None:
    value = _moment_of(component, name)
    if isinstance(value, datetime):
        return value
    return None


def _moment_of(component: icalendar.Component, name: str) -> datetime | date | None:
    """A date or an aware instant (a floating time is read as UTC); None when absent or unreadable."""
    try:
        value = component.decoded(name)
    except (KeyError, ValueError):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return value if isinstance(value, date) else None


def _number(component: icalendar.Component, name: str) -> int | None:
    try:
        return int(component.get(name))
    except (TypeError, ValueError):
        return None
