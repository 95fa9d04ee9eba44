"""The one place that knows what time it is, and how people write times.

Instants are aware UTC datetimes, stored as ISO-8601 text with an explicit
offset. Local-zone conversions use the C library's idea of local time
(`datetime.astimezone()`), which follows `TZ` and its DST rules, so a day
boundary or a "14:00" is always the user's wall clock.

arrow is imported lazily (only for relative forms such as "in 3 days"):
`followup status` must start fast.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta, timezone

NOW_ENV = "FOLLOWUP_NOW"

_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_DAY_WORD_RE = re.compile(r"(today|yesterday|tomorrow)(?:\s+(?:at\s+)?(\d{1,2}):(\d{2}))?")
_UNITS = {"m": "minutes", "min": "minutes", "minute": "minutes", "h": "hours", "hr": "hours",
          "hour": "hours", "d": "days", "day": "days", "w": "weeks", "week": "weeks"}
_RELATIVE_RE = re.compile(r"(in )?(\d+|an?|one) ?(m|min|minute|h|hr|hour|d|day|w|week)s?( ago)?")
_HINT = "try an ISO date/time, 'now', 'yesterday 14:00', '2 hours ago' or 'in 3 days'"


class TimeParseError(ValueError):
    """A time or date the user wrote that we cannot read."""


def now(override: str | None = None) -> datetime:
    """Now, as an aware UTC datetime: `override`, else $FOLLOWUP_NOW, else the clock."""
    text = override if override is not None else os.environ.get(NOW_ENV) or None
    real = datetime.now(timezone.utc).replace(microsecond=0)
    if text is None:
        return real
    return parse_instant(text, real)


def to_utc(dt: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is taken as local wall time."""
    return dt.astimezone(timezone.utc).replace(microsecond=0)


def iso(dt: datetime | None) -> str | None:
    """The storage form: '2026-11-26T10:00:00+00:00'."""
    if dt is None:
        return None
    if dt.tzinfo is timezone.utc and not dt.microsecond:
        return dt.isoformat()  # already canonical: the common case, and on status's hot path
    return to_utc(dt).isoformat()


def from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def local_date(dt: datetime) -> date:
    return dt.astimezone().date()


def day_start(day: date) -> datetime:
    """The instant the local calendar day begins (DST-aware), in UTC."""
    return to_utc(datetime.combine(day, time()))


def day_end(day: date) -> datetime:
    """The instant the local day after `day` begins."""
    return day_start(day + timedelta(days=1))


def parse_instant(text: str, now: datetime) -> datetime:
    """Read a user-written time; raise TimeParseError naming the value."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise TimeParseError(f"empty time: {_HINT}")
    if cleaned == "now":
        return now
    match = _DAY_WORD_RE.fullmatch(cleaned)
    if match:
        return _day_word(match, now)
    try:
        return to_utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        pass
    return _relative(text, cleaned, now)


def parse_date(text: str, now: datetime) -> date:
    """Read a calendar date (local zone): ISO date, a day word, or any instant form."""
    cleaned = text.strip().lower()
    if cleaned in _DAY_WORDS:
        return local_date(now) + timedelta(days=_DAY_WORDS[cleaned])
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return local_date(parse_instant(text, now))


def _day_word(match: re.Match, now: datetime) -> datetime:
    day = local_date(now) + timedelta(days=_DAY_WORDS[match.group(1)])
    if match.group(2) is None:
        wall = now.astimezone().time().replace(tzinfo=None)
    else:
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise TimeParseError(f"no such time of day in {match.group(0)!r}")
        wall = time(hour, minute)
    return to_utc(datetime.combine(day, wall))


def _relative(original: str, cleaned: str, now: datetime) -> datetime:
    match = _RELATIVE_RE.fullmatch(cleaned)
    if match and bool(match.group(1)) != bool(match.group(4)):
        count = 1 if match.group(2) in ("a", "an", "one") else int(match.group(2))
        delta = timedelta(**{_UNITS[match.group(3)]: count})
        return now + delta if match.group(1) else now - delta
    import arrow  # lazy: only relative forms need it

    try:
        if cleaned.startswith("in ") and cleaned.endswith(" ago"):
            raise ValueError("both future and past")
        shifted = arrow.get(now).dehumanize(cleaned)
    except (ValueError, TypeError):
        raise TimeParseError(f"cannot read time {original!r}: {_HINT}") from None
    return to_utc(shifted.datetime)


# --- display -----------------------------------------------------------------


def span(delta: timedelta) -> str:
    """A compact length of time: '45m', '5h', '3d'."""
    seconds = abs(delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))}m"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def days(delta: timedelta) -> int:
    return int(delta.total_seconds() // 86400)


def relative(dt: datetime, now: datetime) -> str:
    """'2d ago', 'in 5h', 'just now'."""
    delta = dt - now
    if abs(delta) < timedelta(minutes=1):
        return "just now"
    return f"in {span(delta)}" if delta > timedelta(0) else f"{span(delta)} ago"


def short_date(day: date | datetime, now: datetime) -> str:
    """'Dec 3', or 'Dec 3 2027' outside the current year; instants in local time."""
    if isinstance(day, datetime):
        day = local_date(day)
    text = f"{day:%b} {day.day}"
    return text if day.year == local_date(now).year else f"{text} {day.year}"


def short_datetime(dt: datetime, now: datetime) -> str:
    """'Dec 3 14:00' in local time."""
    return f"{short_date(dt, now)} {dt.astimezone():%H:%M}"
