"""Dates and times as other trackers write them (SPEC §5 imports).

ISO forms, `Nov 5, 2026 3:00 PM` (Notion), `5 Nov 2026`, `2026/11/05`; `11/05/2026` only
with a date order, since it could be either. A time without an offset is local, a date
alone is local midnight (SPEC §7). Other tools' dates, not the user's own words: those
are clock.py's.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

_MONTHS = {
    m: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for m in names
}
# '14:00', '2:30 PM', or the hour alone with am/pm ('2pm'): _made refuses an hour with neither
_TIME = r"(?:[ ,T@]+(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?\s*([ap])?\.?m?\.?)?"
_NAMED_MDY = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})" + _TIME)
_NAMED_DMY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})" + _TIME)
_NAMED_MD = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?" + _TIME)  # 'Nov 24': the year is worked out
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})" + _TIME)
_YMD = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})" + _TIME)  # 2026/11/05, and 2026-11-23 2pm
_WEEKDAY = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? ")  # 'Thursday Nov 26 2026'
_TRY = "(try 2026-11-05, Nov 5, 2026 or 5 Nov 2026)"
AHEAD_DAYS = 90  # a date without a year is the latest one at most this far ahead of the import


class RowProblem(ValueError):
    """This row cannot become a card (it is skipped and listed)."""


class DateError(RowProblem):
    """A date that is not one (the row is skipped)."""


class AmbiguousDate(ValueError):
    """11/05/2026 without --date-order: nothing is imported until the user says which."""


def read_when(text: str, date_order: str | None, now: datetime | None = None) -> date | datetime:
    """A tracker's date or time: ISO forms, 'Nov 5, 2026 3:00 PM' (Notion), '5 Nov 2026',
    2026/11/05, and 11/05/2026 (or 11/05/26, 11.05.2026) with a --date-order; a weekday before it
    and '2pm' after it are fine; 'Nov 24' without a year is the latest Nov 24 at most AHEAD_DAYS
    after `now` (a spreadsheet's own shorthand; refused without a `now`)."""
    cleaned = " ".join(text.replace("\u202f", " ").split()).split(" → ")[0]  # Notion writes ranges 'A → B'
    try:
        parsed = datetime.fromisoformat(cleaned.replace(" ", "T", 1) if len(cleaned) > 10 else cleaned)
        return parsed.date() if len(cleaned) <= 10 else parsed
    except ValueError:
        pass
    lowered = _WEEKDAY.sub("", cleaned.lower(), count=1) if _WEEKDAY.match(cleaned.lower()) else cleaned.lower()
    if match := _NAMED_MDY.fullmatch(lowered):
        month, day, year, *clock = match.groups()
        return _made(text, int(year), _MONTHS.get(month), int(day), clock)
    if match := _NAMED_DMY.fullmatch(lowered):
        day, month, year, *clock = match.groups()
        return _made(text, int(year), _MONTHS.get(month), int(day), clock)
    if match := _YMD.fullmatch(lowered):
        year, month, day, *clock = match.groups()
        return _made(text, int(year), int(month), int(day), clock)
    if (match := _NAMED_MD.fullmatch(lowered)) and now is not None and match.group(1) in _MONTHS:
        month, day, *clock = match.groups()
        return _made(text, _year_of(_MONTHS[month], int(day), now), _MONTHS[month], int(day), clock)
    if match := _NUMERIC.fullmatch(lowered):
        first, second, year, *clock = match.groups()
        date_order = date_order or _plain_order(int(first), int(second))
        if date_order is None:
            raise AmbiguousDate(
                f"{text!r} could be month/day or day/month: say --date-order mdy "
                f"(11/05 = Nov 5) or --date-order dmy (11/05 = 11 May)"
            )
        month, day = (first, second) if date_order == "mdy" else (second, first)
        year = int(year) + (2000 if len(year) == 2 else 0)
        return _made(text, year, int(month), int(day), clock)
    raise DateError(f"{text!r} is not a date {_TRY}")


def _plain_order(first: int, second: int) -> str | None:
    """The order a numeric date can only be in (11/20: month first; 20/11: day first), or None when
    either number could be the month (QA: 11/20/2026 asked for --date-order)."""
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return None


def _year_of(month: int, day: int, now: datetime) -> int:
    """The year of the latest month/day that is at most AHEAD_DAYS after `now`."""
    ahead = now.date().toordinal() + AHEAD_DAYS
    for year in (now.year + 1, now.year, now.year - 1):
        try:
            if date(year, month, day).toordinal() <= ahead:
                return year
        except ValueError:  # Feb 29 in a year without one
            continue
    return now.year


def _made(text: str, year: int, month: int | None, day: int, clock: list) -> date | datetime:
    hour, minute, second, half = clock
    try:
        if month is None:
            raise ValueError("unknown month")
        if hour is None:
            return date(year, month, day)
        if minute is None and not half:
            raise ValueError("an hour alone")  # '2026-11-23 2': not a time
        hour = int(hour) % 12 + (12 if half == "p" else 0) if half else int(hour)
        return datetime(year, month, day, hour, int(minute or 0), int(second or 0))
    except ValueError:
        raise DateError(f"{text!r} is not a date {_TRY}") from None


def as_instant(value: date | datetime) -> datetime:
    """A date is its local midnight; a time without an offset is local (SPEC §7)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise DateError(f"{value} is out of range") from None


def as_day(value: date | datetime) -> date:
    return value.astimezone().date() if isinstance(value, datetime) else value
