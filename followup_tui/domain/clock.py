"""The one place that knows what time it is, and how people write times.

Instants are aware UTC datetimes, stored as ISO-8601 text with an explicit
offset. Local-zone conversions use the C library's idea of local time
(`datetime.astimezone()`), which follows `TZ` and its DST rules, so a day
boundary or a "14:00" is always the user's wall clock.

Reading what people type (SPEC §4) is a small strict grammar rather than
arrow's dehumanize, which reads "in -3 days" as +3 and drops the 15:00 of
"in 2 days 15:00". arrow is imported lazily, only to step by months or years,
and patterns compile on first use: `followup status` must start fast.
"""

from __future__ import annotations

import os
from _thread import get_ident  # threading's, without importing threading (status starts fast)
from datetime import UTC, date, datetime, time, timedelta, timezone

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `followup status` loads this module
if TYPE_CHECKING:
    import re
    from typing import TypeVar, overload

    _Day = TypeVar("_Day", date, datetime)

NOW_ENV = "FOLLOWUP_NOW"

# The forms people may type, briefly, for click --help texts (SPEC §4) and error messages.
WHEN_HELP = (
    "Local time: 2026-12-03 15:00, now, yesterday 14:00, friday 3pm, last tue, Dec 3 9:30, "
    "15:00, 2 hours ago, in 2 days 10:00."
)
DATE_HELP = "A day: 2026-12-03, today, tomorrow, friday, next fri, Dec 3, in 2 weeks."
_HINT = (
    "accepted: 2026-12-03 [15:00], now, today, yesterday 14:00, friday 3pm, next fri, last tue, "
    "Dec 3 [2027], 3 Dec, 15:00, 3:30pm, in 2 days [9:00], 2 hours ago"
)
_DATE_HINT = "accepted: 2026-12-03, today, tomorrow, friday, next fri, Dec 3 [2027], 3 Dec, in 2 weeks"

# A month-day without a year in a future-only field, already past this year by at most this many
# days, is refused rather than read as next year's ("Nov 2" typed on Nov 16): the year is asked for
RECENTLY_PAST_DAYS = 90
FIRST_YEAR, LAST_YEAR = 1970, 2999  # beyond these a value is a typo, and day_end() must not overflow
_OUT_OF_RANGE = f"{{}} is outside the years {FIRST_YEAR}-{LAST_YEAR}"

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_UNIT_WORDS = (  # slot in (months, days, seconds), size, spellings
    (2, 1, "s sec secs second seconds"),
    (2, 60, "m min mins minute minutes"),
    (2, 3600, "h hr hrs hour hours"),
    (1, 1, "d day days"),
    (1, 7, "w wk wks week weeks"),
    (0, 1, "mo mos month months"),
    (0, 12, "y yr yrs year years"),
)
_UNITS = {word: (slot, size) for slot, size, words in _UNIT_WORDS for word in words.split()}
_MOST_MONTHS, _MOST_DAYS = 12 * (LAST_YEAR - FIRST_YEAR + 1), 366 * (LAST_YEAR - FIRST_YEAR + 1)

# Patterns stay strings: `re` compiles and caches them on first use, so importing costs nothing.
_TIME = r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?)? ?(?P<half>am|pm)?"
_DAY_AND_TIME = r"(?:(?P<day>.+?) )??(?:at )?" + _TIME
_WEEKDAY = r"(?:(?P<which>next|last) )?(?P<name>[a-z]{3,})\.?"
_ORDINAL = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_MONTH_DAY = r"(?P<month>[a-z]{3,})\.? " + _ORDINAL + r"(?: (?P<year>[0-9]{4}))?"
_DAY_MONTH = _ORDINAL + r" (?:of )?(?P<month>[a-z]{3,})\.?(?: (?P<year>[0-9]{4}))?"
_YEAR_MONTH_DAY = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"
_AMOUNT = r"(-?[0-9]+(?:\.[0-9]+)? ?|(?:an?|one) )([a-z]+)"
_RELATIVE = rf"(?P<into>in )?(?P<amounts>{_AMOUNT}(?:(?: and | ){_AMOUNT})*)(?P<ago> ago)?"
_AMBIGUOUS = r"(?<![0-9-])[0-9]{1,2}[-/.][0-9]{1,2}(?![0-9])"  # '12/03', not a piece of 2026-12-03
# ISO-8601 with a 'T' that datetime.fromisoformat refused (lower-cased): said again as '2026-12-03 25:00'
# so that the field out of range is named
_ISO_T = (
    r"(?P<day>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(?P<time>[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)"
    r"(?P<offset>z|[+-](?P<hours>[0-9]{2}):?(?P<minutes>[0-9]{2}))?"
)


class TimeParseError(ValueError):
    """A time or date the user wrote that we cannot read: the problem, then the forms accepted."""

    def __init__(self, problem: str, hint: str = "") -> None:
        super().__init__(f"{problem}; {hint or _HINT}")
        self.problem, self.hint = problem, hint

    def as_date(self) -> TimeParseError:
        """The same problem, told of a date option (whose forms have no time of day)."""
        problem = self.problem.replace("cannot read time", "cannot read date").replace("empty time", "empty date")
        return TimeParseError(problem, self.hint or _DATE_HINT)


def now(override: str | None = None) -> datetime:
    """Now, as an aware UTC datetime: `override`, else $FOLLOWUP_NOW, else the clock."""
    text = override if override is not None else os.environ.get(NOW_ENV) or None
    real = datetime.now(UTC).replace(microsecond=0)
    if text is None:
        return real
    return parse_instant(text, real)


def to_utc(dt: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is taken as local wall time."""
    return dt.astimezone(UTC).replace(microsecond=0)


if TYPE_CHECKING:  # what checkers know of iso: a datetime gives text, None gives None

    @overload
    def iso(dt: datetime) -> str: ...
    @overload
    def iso(dt: None) -> None: ...
    @overload
    def iso(dt: datetime | None) -> str | None: ...


def iso(dt: datetime | None) -> str | None:
    """The storage form: '2026-11-26T10:00:00+00:00'."""
    if dt is None:
        return None
    if dt.tzinfo is UTC and not dt.microsecond:
        return dt.isoformat()  # already canonical: the common case, and on status's hot path
    return to_utc(dt).isoformat()


if TYPE_CHECKING:

    @overload
    def from_iso(text: str) -> datetime: ...
    @overload
    def from_iso(text: None) -> None: ...
    @overload
    def from_iso(text: str | None) -> datetime | None: ...


def from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def local_date(dt: datetime) -> date:
    return dt.astimezone().date()


def day_start(day: date) -> datetime:
    """The instant the local calendar day begins (DST-aware), in UTC."""
    memo = _day_starts.get(get_ident()) if _day_starts else None
    if memo is None:
        return _day_start(day)
    found = memo.get(day)
    if found is None:
        found = memo[day] = _day_start(day)
    return found


def _day_start(day: date) -> datetime:
    return to_utc(datetime.combine(day, time()))


# Planning cards (rulecache.plans_of) asks for the start of the same few hundred days tens of
# thousands of times. A thread memoises them only inside `one_zone()`: the zone may change between
# two batches (time.tzset(); tests switch it), never within one, whose rules key names one zone.
_day_starts: dict[int, dict[date, datetime]] = {}  # thread id -> {day: its start}


class one_zone:  # noqa: N801 (used like a function: `with one_zone():`)
    """Within this block, this thread's local zone is taken as fixed: day_start memoises."""

    def __enter__(self) -> None:
        self._outer = get_ident() in _day_starts  # nested: the outer block keeps its memo
        _day_starts.setdefault(get_ident(), {})

    def __exit__(self, *_: object) -> None:
        if not self._outer:
            del _day_starts[get_ident()]


def day_end(day: date) -> datetime:
    """The instant the local day after `day` begins."""
    return day_start(day + timedelta(days=1))


# --- reading what people type (SPEC §4) ----------------------------------------


def parse_instant(text: str, now: datetime, *, future: bool = False) -> datetime:
    """Read a user-written time as an aware UTC instant; raise TimeParseError naming the value.

    `future` is for fields that only look ahead (a follow-up, a next round): a month-day
    already past this year means next year. Otherwise a month-day is this (local) year.
    """
    try:
        found = _read(text, now, future)
        if found.tzinfo is None:  # a local wall time
            found = now if found == _here(now) else _localize(_in_range(found, text))
        return _in_range(to_utc(found), text)
    except TimeParseError:
        raise
    except (OverflowError, ValueError):  # date arithmetic beyond what datetime holds
        raise _refuse(_OUT_OF_RANGE, text) from None


def parse_date(text: str, now: datetime, *, future: bool = False) -> date:
    """Read a calendar date (local zone): any form parse_instant reads, by its local day."""
    try:
        found = _read(text, now, future)
        day = found.date() if found.tzinfo is None else local_date(_in_range(to_utc(found), text))
        return _in_range(day, text)
    except TimeParseError as exc:
        raise exc.as_date() from None
    except (OverflowError, ValueError):
        raise _refuse(_OUT_OF_RANGE, text).as_date() from None


def _read(text: str, now: datetime, future: bool) -> datetime:
    """What `text` says: an aware datetime for an exact instant, a naive one for a local wall time.

    A day without a time of day keeps the current time for words counted from today ("friday",
    "in 3 days", like "tomorrow"), and is midnight for calendar dates ("Dec 3", "2026-12-03").
    """
    return _parse(" ".join(text.lower().replace(",", " ").split()), now, future, text)


def _parse(cleaned: str, now: datetime, future: bool, text: str) -> datetime:
    """_read's work on `cleaned` (lower case, single spaces); errors name `text`, as typed."""
    if not cleaned:
        raise TimeParseError("empty time")
    if cleaned in ("now", "just now"):
        return now
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    import re  # only now: `status` reads no typed time but an ISO --now (re and enum cost ~4 ms)

    iso_like = re.fullmatch(_ISO_T, cleaned)
    if iso_like:
        return _iso_parts(iso_like, now, future, text)
    timed = re.fullmatch(_DAY_AND_TIME, cleaned)
    wall = _time_of_day(timed, text) if timed else None
    if timed and wall is not None:
        found = (_here(now).date(), True) if timed["day"] is None else _day(timed["day"], now, future, text)
        if found:
            return datetime.combine(found[0], wall)
    else:
        amounts = _amounts(cleaned, text)
        if amounts:
            return _elapsed(amounts, now, text)
        found = _day(cleaned, now, future, text)
        if found:
            day, calendar = found
            return datetime.combine(day, time() if calendar else _here(now).time())
    if re.search(_AMBIGUOUS, cleaned):
        raise _refuse("{} is ambiguous (day or month first?): write 2026-12-03 or Dec 3", text)
    raise _refuse("cannot read time {}", text)


def _iso_parts(match: re.Match[str], now: datetime, future: bool, text: str) -> datetime:
    """'2026-12-03T25:00' and the like: read as '2026-12-03 25:00', which names the field that is
    out of range, with its offset when it has one."""
    wall = _parse(f"{match['day']} {match['time']}", now, future, text)  # a local wall time: naive
    if match["offset"] is None:
        return wall
    if match["offset"] == "z":
        return wall.replace(tzinfo=UTC)
    hours, minutes = int(match["hours"]), int(match["minutes"])
    if hours > 23 or minutes > 59:
        raise _refuse(f"the offset {match['offset']} is out of range (-23:59 to +23:59) in {{}}", text)
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if match["offset"].startswith("-") else 1)
    return wall.replace(tzinfo=timezone(offset))


def _day(part: str, now: datetime, future: bool, text: str) -> tuple[date, bool] | None:
    """The local day `part` names, and whether it is a calendar date (not counted from today)."""
    import re  # here, not at the top: `followup status` never reads typed times (re costs ~3 ms)

    today = _here(now).date()
    if part in _DAY_WORDS:
        return today + timedelta(days=_DAY_WORDS[part]), False
    match = re.fullmatch(_WEEKDAY, part)
    weekday = _named(match["name"], _WEEKDAYS) if match else None
    if match and weekday is not None:
        return _weekday(today, weekday, last=match["which"] == "last"), False
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        match = re.fullmatch(pattern, part)
        month = _named(match["month"], _MONTHS) if match else None
        if match and month is not None:
            return _month_day(today, month + 1, int(match["day"]), match["year"], future, text), True
    match = re.fullmatch(_YEAR_MONTH_DAY, part)
    if match:
        return _calendar(int(match["year"]), int(match["month"]), int(match["day"]), text), True
    amounts = _amounts(part, text)
    if amounts:
        sign, months, days, seconds = amounts
        if seconds:
            raise _refuse("a time of day goes with days, weeks, months or years, not with {}", text)
        return _shift(today, sign, months, days), False
    return None


def _named(word: str, names: tuple[str, ...]) -> int | None:
    """The index of the name `word` starts (three letters at least: 'fri', 'tues', 'sept')."""
    return next((index for index, name in enumerate(names) if name.startswith(word)), None)


def _weekday(today: date, weekday: int, last: bool) -> date:
    """The first such weekday strictly after today ('friday', 'next friday'), or strictly before."""
    if last:
        return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _month_day(today: date, month: int, day: int, year: str | None, future: bool, text: str) -> date:
    """'Dec 3': this year, unless that is already past for a future-only field (then next year).
    A time that happened is not moved to last year: a 'Dec 3' still ahead is refused where the
    future is (a contact), which says more than a silent year-old date would."""
    if year is not None:
        return _calendar(int(year), month, day, text)
    ahead = future and (month, day) < (today.month, today.day)
    found = _calendar(today.year + ahead, month, day, text)
    if ahead and (past := _days_since(today, month, day)) is not None and past <= RECENTLY_PAST_DAYS:
        raise TimeParseError(  # a slip of a day or a month, far likelier than a date a year out
            f"{text.strip()!r} has passed ({past} day{'s' if past > 1 else ''} ago), and the next one is a year away",
            f"write the year: {found.strftime('%b')} {day} {found.year} for the next one, "
            f"{found.strftime('%b')} {day} {found.year - 1} for the one that passed",
        )
    return found


def _days_since(today: date, month: int, day: int) -> int | None:
    """How long ago this year's month-day was (None: it has none, as Feb 29 some years)."""
    try:
        return (today - date(today.year, month, day)).days
    except ValueError:
        return None


def _calendar(year: int, month: int, day: int, text: str) -> date:
    if not 1 <= month <= 12:
        raise _refuse(f"no such date: month {month} is out of range (1-12) in {{}}", text)
    try:
        return date(year, month, day)
    except ValueError:
        import calendar  # only to say why

        days, name = calendar.monthrange(year, month)[1], _MONTHS[month - 1][:3].title()
        raise _refuse(
            f"no such date in {year}: day {day} is out of range ({name} has {days} days) in {{}}", text
        ) from None


def _time_of_day(match: re.Match[str], text: str) -> time | None:
    """'15:00', '9:05', '3pm', '3:30 pm'; None for a bare number, which is no time of day."""
    minute, half = match["minute"], match["half"]
    if minute is None and half is None:
        return None
    hour, minute, second = int(match["hour"]), int(minute or 0), int(match["second"] or 0)
    if half and not 1 <= hour <= 12:
        raise _refuse(f"no such time of day: hour {hour} is out of range with {half} (1-12) in {{}}", text)
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    for name, value, most in (("hour", hour, 23), ("minute", minute, 59), ("second", second, 59)):
        if value > most:
            raise _refuse(f"no such time of day: {name} {value} is out of range (0-{most}) in {{}}", text)
    return time(hour, minute, second)


def _amounts(cleaned: str, text: str) -> tuple[int, int, int, int] | None:
    """'in 2 weeks and 3 days' -> (sign, months, days, seconds); None if it is no such form."""
    import re  # here, not at the top: `followup status` never reads typed times (re costs ~3 ms)

    match = re.fullmatch(_RELATIVE, cleaned)
    if not match:
        return None
    total = [0, 0, 0]  # months, days, seconds
    for count, word in re.findall(_AMOUNT, match["amounts"]):
        if word not in _UNITS:
            return None
        count = count.strip()
        if count.startswith("-"):
            raise _refuse("a negative amount in {}: write 'in 3 days' or '3 days ago'", text)
        if "." in count:
            raise _refuse("whole numbers only in {}", text)
        if len(count) > 9:
            raise _refuse(_OUT_OF_RANGE, text)
        slot, size = _UNITS[word]
        total[slot] += (1 if count in ("a", "an", "one") else int(count)) * size
    if match["into"] and match["ago"]:
        raise _refuse("{} says both 'in' and 'ago'", text)
    if not (match["into"] or match["ago"]):
        return None
    if total[0] > _MOST_MONTHS or total[1] > _MOST_DAYS:
        raise _refuse(_OUT_OF_RANGE, text)
    return (1 if match["into"] else -1, total[0], total[1], total[2])


def _elapsed(amounts: tuple[int, int, int, int], now: datetime, text: str) -> datetime:
    """Now moved by whole days on the wall clock (DST-proof: 'in 1 day' is tomorrow at this
    time), then by exact hours, minutes and seconds."""
    sign, months, days, seconds = amounts
    exact = timedelta(seconds=sign * seconds)
    if not (months or days):
        return now + exact
    here = _here(now)
    moved = datetime.combine(_shift(here.date(), sign, months, days), here.time())
    return _localize(_in_range(moved, text)) + exact if seconds else moved


def _shift(day: date, sign: int, months: int, days: int) -> date:
    if months:
        import arrow  # lazy (status must start fast); it clamps Jan 31 + 1 month to Feb 28

        day = arrow.Arrow.fromdate(day).shift(months=sign * months).date()
    return day + timedelta(days=sign * days)


def _here(now: datetime) -> datetime:
    """Now on the local wall clock, naive."""
    return now.astimezone().replace(tzinfo=None)


def _localize(wall: datetime) -> datetime:
    """A local wall time as an instant. One the clocks skip (spring forward) is read with the
    offset from before the change, so 02:30 lands at 03:30; one they repeat (fall back) is the
    first of the two (fold=0)."""
    first = wall.replace(fold=0).astimezone(UTC)
    if first.astimezone().replace(tzinfo=None) == wall:
        return first
    return max(first, wall.replace(fold=1).astimezone(UTC))


def _in_range(found: _Day, text: str) -> _Day:
    """`found` (a date or datetime) if its year is one we keep, else a TimeParseError."""
    if FIRST_YEAR <= found.year <= LAST_YEAR:
        return found
    raise _refuse(_OUT_OF_RANGE, text)


def _refuse(problem: str, text: str) -> TimeParseError:
    """One line: the problem, naming the value (shortened), then the accepted forms."""
    shown = text.strip()
    shown = shown if len(shown) <= 60 else shown[:60] + "…"
    return TimeParseError(problem.format(repr(shown)))


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


def weekday_date(day: date | datetime, now: datetime) -> str:
    """'Mon Mar 16', or 'Mon Mar 16 2027' outside now's year: a date that reads the same whenever it is seen."""
    if isinstance(day, datetime):
        day = local_date(day)
    return f"{day:%a} {short_date(day, now)}"


def weekday_datetime(dt: datetime, now: datetime) -> str:
    """'Sun Mar 14 18:00' in local time."""
    return f"{weekday_date(dt, now)} {dt.astimezone():%H:%M}"


def short_datetime(dt: datetime, now: datetime) -> str:
    """'Dec 3 14:00' in local time."""
    return f"{short_date(dt, now)} {dt.astimezone():%H:%M}"
