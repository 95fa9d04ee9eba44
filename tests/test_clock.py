"""Reading the times people write (SPEC §4), in more than one zone.

Expected instants are written as the local wall time with the zone's offset, so each row reads
as what the user meant; parse_instant must give the same instant, in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_tui.domain.clock import (
    DATE_HELP,
    WHEN_HELP,
    TimeParseError,
    day_end,
    day_start,
    iso,
    now,
    parse_date,
    parse_instant,
    relative,
)

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)  # a Thursday
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]


def read(text: str, at: datetime = NOW, future: bool = False) -> datetime:
    found = parse_instant(text, at, future=future)
    assert found.tzinfo is UTC
    return found


# In UTC: now is Thursday 2026-11-26 10:00.
FORMS = [
    ("now", "2026-11-26T10:00+00:00"),
    ("just now", "2026-11-26T10:00+00:00"),
    ("2 hours ago", "2026-11-26T08:00+00:00"),
    ("in 1 hour", "2026-11-26T11:00+00:00"),
    ("in 3 days", "2026-11-29T10:00+00:00"),
    ("a week ago", "2026-11-19T10:00+00:00"),
    ("in 2 weeks, 3 days", "2026-12-13T10:00+00:00"),
    ("in 2 hours and 5 minutes", "2026-11-26T12:05+00:00"),
    ("in 1 day and 2 hours", "2026-11-27T12:00+00:00"),
    ("30 seconds ago", "2026-11-26T09:59:30+00:00"),
    ("in a month", "2026-12-26T10:00+00:00"),
    ("a year ago", "2025-11-26T10:00+00:00"),
    ("  in   3   DAYS  ", "2026-11-29T10:00+00:00"),
    ("yesterday 14:00", "2026-11-25T14:00+00:00"),
    ("Tomorrow", "2026-11-27T10:00+00:00"),
    ("today 9:05", "2026-11-26T09:05+00:00"),
    ("2026-12-01", "2026-12-01T00:00+00:00"),
    ("2026-12-01 09:30", "2026-12-01T09:30+00:00"),
    ("2026-12-1 9:30", "2026-12-01T09:30+00:00"),
    ("2026-12-01 at 3pm", "2026-12-01T15:00+00:00"),
    ("2026-12-01T09:30:00-05:00", "2026-12-01T14:30+00:00"),
    # weekday names: the coming one (strictly after today), 'next' the same, 'last' strictly before
    ("friday", "2026-11-27T10:00+00:00"),
    ("next friday", "2026-11-27T10:00+00:00"),
    ("FRI", "2026-11-27T10:00+00:00"),
    ("thursday", "2026-12-03T10:00+00:00"),
    ("tues", "2026-12-01T10:00+00:00"),
    ("last tuesday", "2026-11-24T10:00+00:00"),
    ("last thu", "2026-11-19T10:00+00:00"),
    ("friday 10:00", "2026-11-27T10:00+00:00"),
    ("friday 3pm", "2026-11-27T15:00+00:00"),
    ("next fri at 9:30am", "2026-11-27T09:30+00:00"),
    ("last tuesday at 14:30", "2026-11-24T14:30+00:00"),
    # a time alone is today
    ("3pm", "2026-11-26T15:00+00:00"),
    ("3:30pm", "2026-11-26T15:30+00:00"),
    ("3:30 PM", "2026-11-26T15:30+00:00"),
    ("15:00", "2026-11-26T15:00+00:00"),
    ("9:05", "2026-11-26T09:05+00:00"),
    ("at 9am", "2026-11-26T09:00+00:00"),
    ("12am", "2026-11-26T00:00+00:00"),
    ("12pm", "2026-11-26T12:00+00:00"),
    ("today 15:00", "2026-11-26T15:00+00:00"),
    # month-day: this year (a future-only field moves a past one to next year)
    ("Nov 1", "2026-11-01T00:00+00:00"),
    ("Nov 26", "2026-11-26T00:00+00:00"),
    ("Dec 3", "2026-12-03T00:00+00:00"),
    ("3 Dec", "2026-12-03T00:00+00:00"),
    ("December 3", "2026-12-03T00:00+00:00"),
    ("Dec 3 15:00", "2026-12-03T15:00+00:00"),
    ("3rd of sept", "2026-09-03T00:00+00:00"),
    ("Dec 3 2027", "2027-12-03T00:00+00:00"),
    ("Dec 3, 2027 at 3pm", "2027-12-03T15:00+00:00"),
    ("Feb 29 2028", "2028-02-29T00:00+00:00"),
    # relative with a time of day keeps the time
    ("in 2 days 15:00", "2026-11-28T15:00+00:00"),
    ("in 2 days at 3pm", "2026-11-28T15:00+00:00"),
    ("2 days ago 9:00", "2026-11-24T09:00+00:00"),
    ("a week ago 9:00", "2026-11-19T09:00+00:00"),
]


@pytest.mark.parametrize("text, expected", FORMS)
def test_forms_in_utc(text, expected):
    assert read(text) == datetime.fromisoformat(expected)
    assert parse_date(text, NOW) == datetime.fromisoformat(expected).date()


# Future-only fields (follow-up and decision dates, next rounds): a month-day already past is next year.
FUTURE_FORMS = [
    ("Dec 3", "2026-12-03T00:00+00:00"),
    ("3 Dec 15:00", "2026-12-03T15:00+00:00"),
    ("Nov 26", "2026-11-26T00:00+00:00"),
    ("Jul 1", "2027-07-01T00:00+00:00"),  # past for 148 days: next year's
    ("Jan 31 2026", "2026-01-31T00:00+00:00"),
    ("last tuesday", "2026-11-24T10:00+00:00"),
    ("friday", "2026-11-27T10:00+00:00"),
]


@pytest.mark.parametrize("text, expected", FUTURE_FORMS)
def test_future_fields_read_a_past_month_day_as_next_year(text, expected):
    assert read(text, future=True) == datetime.fromisoformat(expected)
    assert parse_date(text, NOW, future=True) == datetime.fromisoformat(expected).date()


@pytest.mark.parametrize("text", ["Nov 1", "Nov 25 9:00", "28 aug"])  # 25, 1 and 90 days ago
def test_a_month_day_just_past_is_not_read_as_a_year_out(text):
    """QA: `--follow-up-on "Nov 2"` typed on Nov 16 (a slip) set a follow-up 351 days away, without
    a word. A future-only month-day past for at most 90 days asks for the year instead."""
    for parse in (read, lambda text, future: parse_date(text, NOW, future=future)):
        with pytest.raises(
            TimeParseError,
            match=r"has passed \(\d+ days? ago\).*write the year: \w+ \d+ 2027 for the next one, \w+ \d+ 2026 for",
        ):
            parse(text, future=True)
    assert parse_date(text, NOW).year == 2026  # a contact's time: this year's, as ever
    with pytest.raises(TimeParseError, match=r"\(1 day ago\)"):
        parse_date("Nov 25", NOW, future=True)
    assert parse_date(f"{text.split()[0]} {text.split()[1]} 2027", NOW, future=True).year == 2027


# The same NOW is 05:00 on Thursday in New York, 15:30 in Kolkata and 23:45 in Chatham.
ZONED = [
    ("America/New_York", "15:00", False, "2026-11-26T15:00-05:00"),
    ("America/New_York", "tomorrow", False, "2026-11-27T05:00-05:00"),
    ("America/New_York", "friday 10:00", False, "2026-11-27T10:00-05:00"),
    ("America/New_York", "Dec 3", True, "2026-12-03T00:00-05:00"),
    ("America/New_York", "2026-07-01 14:00", False, "2026-07-01T14:00-04:00"),
    ("America/New_York", "2026-12-01 14:00", False, "2026-12-01T14:00-05:00"),
    ("Asia/Kolkata", "3pm", False, "2026-11-26T15:00+05:30"),
    ("Asia/Kolkata", "in 2 days 9:00", False, "2026-11-28T09:00+05:30"),
    ("Asia/Kolkata", "last tue", False, "2026-11-24T15:30+05:30"),
    ("Asia/Kolkata", "2 hours ago", False, "2026-11-26T13:30+05:30"),
    ("Pacific/Chatham", "today 14:00", False, "2026-11-26T14:00+13:45"),
    ("Pacific/Chatham", "yesterday 14:00", False, "2026-11-25T14:00+13:45"),
    ("Pacific/Chatham", "friday 9:00", False, "2026-11-27T09:00+13:45"),
    ("Pacific/Chatham", "in 1 day", False, "2026-11-27T23:45+13:45"),
    ("Pacific/Chatham", "Nov 27", False, "2026-11-27T00:00+13:45"),
]


@pytest.mark.parametrize("name, text, future, expected", ZONED)
def test_forms_follow_the_local_zone(zone, name, text, future, expected):
    zone(name)
    assert read(text, future=future) == datetime.fromisoformat(expected)
    assert parse_date(text, NOW, future=future) == datetime.fromisoformat(expected).date()


def test_the_local_day_decides_today_and_the_year(zone):
    zone("Pacific/Chatham")
    late = datetime(2026, 12, 31, 12, tzinfo=UTC)  # already 01:45 on Jan 1 2027 in Chatham
    assert parse_date("today", late) == date(2027, 1, 1)
    assert parse_date("Dec 31", late) == date(2027, 12, 31)  # this (local) year
    assert parse_date("Dec 31", late, future=True) == date(2027, 12, 31)
    assert parse_date("friday", late) == date(2027, 1, 8)  # Jan 1 2027 is a Friday: the coming one


# A wall time the clocks skip is read with the offset from before the change (02:30 -> 03:30 EDT);
# one they repeat is the first (EDT) of the two; whole days keep the wall time across the change.
SPRING = datetime(2026, 3, 7, 15, tzinfo=UTC)  # Saturday 10:00 EST, the day before
FALL = datetime(2026, 10, 31, 14, tzinfo=UTC)  # Saturday 10:00 EDT, the day before
DST = [
    (SPRING, "tomorrow 2:30", "2026-03-08T03:30-04:00"),
    (SPRING, "2026-03-08 02:30", "2026-03-08T03:30-04:00"),
    (SPRING, "tomorrow 1:59", "2026-03-08T01:59-05:00"),
    (SPRING, "tomorrow 3:00", "2026-03-08T03:00-04:00"),
    (SPRING, "in 1 day", "2026-03-08T10:00-04:00"),
    (SPRING, "in 24 hours", "2026-03-08T11:00-04:00"),
    (FALL, "tomorrow 1:30", "2026-11-01T01:30-04:00"),
    (FALL, "Nov 1 2026 1:30am", "2026-11-01T01:30-04:00"),
    (FALL, "tomorrow", "2026-11-01T10:00-05:00"),
    (FALL, "in 24 hours", "2026-11-01T09:00-05:00"),
    (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "today", "2026-11-01T01:30-05:00"),  # the second 01:30
]


@pytest.mark.parametrize("at, text, expected", DST)
def test_wall_times_around_the_new_york_clock_changes(zone, at, text, expected):
    zone("America/New_York")
    assert read(text, at) == datetime.fromisoformat(expected)


def test_days_are_23_and_25_hours_long_when_the_clocks_change(zone):
    zone("America/New_York")
    assert (day_start(date(2026, 3, 9)) - day_start(date(2026, 3, 8))).total_seconds() == 23 * 3600
    assert (day_start(date(2026, 11, 2)) - day_start(date(2026, 11, 1))).total_seconds() == 25 * 3600


REFUSED = [
    ("soon", "cannot read"),
    ("3 parsecs ago", "cannot read"),
    ("3 days", "cannot read"),
    ("friday at 3", "cannot read"),
    ("2026-13-01", "no such date: month 13 is out of range (1-12)"),
    ("Feb 30", "no such date in 2026: day 30 is out of range (Feb has 28 days)"),
    ("Feb 29", "no such date in 2026: day 29"),
    ("Feb 29 2028 25:00", "hour 25 is out of range"),
    ("31 Apr 2027", "day 31 is out of range (Apr has 30 days)"),
    ("25:00", "no such time of day: hour 25 is out of range (0-23)"),
    ("yesterday 25:00", "hour 25 is out of range"),
    ("friday 24:00", "hour 24 is out of range"),
    ("9:60", "minute 60 is out of range (0-59)"),
    ("13pm", "hour 13 is out of range with pm (1-12)"),
    ("0am", "hour 0 is out of range with am"),
    # ISO-8601 with a T that datetime refuses: the field out of range, not "ambiguous"
    ("2026-12-03T25:00", "hour 25 is out of range (0-23)"),
    ("2026-12-03T10:61", "minute 61 is out of range (0-59)"),
    ("2026-12-03T23:59:60", "second 60 is out of range"),
    ("2026-02-30T10:00", "day 30 is out of range (Feb has 28 days)"),
    ("2026-13-01T10:00:00+00:00", "month 13 is out of range"),
    ("2026-12-03T10:00+25:00", "the offset +25:00 is out of range"),
    ("2026-12-03T10:00 at noon", "cannot read"),
    ("in -3 days", "negative"),
    ("-2 hours ago", "negative"),
    ("in 3 days ago", "both"),
    ("in 3.5 hours", "whole numbers"),
    ("in 2 hours 15:00", "a time of day goes with days"),
    ("12/03", "ambiguous"),
    ("3/12/2026", "ambiguous"),
    ("03.12.", "ambiguous"),
    ("12-03 15:00", "ambiguous"),
    ("in 99999999 days", "outside the years 1970-2999"),
    ("in 1000000 years", "outside the years"),
    ("99999999999 hours ago", "outside the years"),
    ("9999-12-31", "outside the years"),
    ("0001-01-01", "outside the years"),
    ("1969-12-31T23:00:00+00:00", "outside the years"),
    ("Dec 3 3000", "outside the years"),
]


@pytest.mark.parametrize("parse", [parse_instant, parse_date])
@pytest.mark.parametrize("text, problem", REFUSED)
def test_refusals_name_the_value_and_the_accepted_forms(parse, text, problem):
    with pytest.raises(TimeParseError) as info:
        parse(text, NOW)
    message = str(info.value)
    assert problem in message and repr(text) in message
    form = "friday 3pm" if parse is parse_instant else "in 2 weeks"  # a date's forms have no time of day
    assert "accepted: " in message and form in message and "\n" not in message


def test_a_date_that_cannot_be_read_is_called_a_date_and_lists_the_forms_of_a_day():
    with pytest.raises(TimeParseError) as info:
        parse_date("banana", NOW)
    message = str(info.value)
    assert message.startswith("cannot read date 'banana'; accepted: 2026-12-03, today, tomorrow")
    assert "3:30pm" not in message and "hours ago" not in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-12-3T10:00Z", datetime(2026, 12, 3, 10, tzinfo=UTC)),  # one-digit day: read all the same
        ("2026-12-3T10:00-05:00", datetime(2026, 12, 3, 15, tzinfo=UTC)),
        ("2026-12-03T09:30", datetime(2026, 12, 3, 9, 30, tzinfo=UTC)),  # local (the tests run in UTC)
    ],
)
def test_iso_times_with_a_t_are_read(text, expected):
    assert parse_instant(text, NOW) == expected


def test_empty_and_endless_values_get_one_short_line():
    with pytest.raises(TimeParseError, match="^empty time; accepted"):
        parse_instant("   ", NOW)
    with pytest.raises(TimeParseError) as info:
        parse_instant("9" * 5000 + " days ago", NOW)
    assert "'" + "9" * 60 + "…'" in str(info.value) and len(str(info.value)) < 300


def test_the_last_year_kept_still_has_a_day_after_it():
    assert parse_date("2999-12-31", NOW) == date(2999, 12, 31)
    assert day_end(parse_date("2999-12-31", NOW)) == datetime(3000, 1, 1, tzinfo=UTC)


def test_help_texts_list_the_forms():
    assert all(form in WHEN_HELP for form in ("friday 3pm", "15:00", "2 hours ago", "Dec 3"))
    assert all(form in DATE_HELP for form in ("friday", "Dec 3", "tomorrow"))


def test_now_honours_override_and_env(monkeypatch):
    assert now("2026-01-02T03:04:05+00:00") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    monkeypatch.setenv("FOLLOWUP_NOW", "2026-05-05T05:05:00+00:00")
    assert now() == datetime(2026, 5, 5, 5, 5, tzinfo=UTC)


def test_relative_display():
    assert relative(datetime(2026, 11, 24, 10, tzinfo=UTC), NOW) == "2d ago"
    assert relative(datetime(2026, 11, 26, 15, tzinfo=UTC), NOW) == "in 5h"
    assert iso(read("in 2 days 15:00")) == "2026-11-28T15:00:00+00:00"


WORDS = [
    "in",
    "ago",
    "at",
    "and",
    "next",
    "last",
    "a",
    "an",
    "friday",
    "fri",
    "dec",
    "december",
    "of",
    "3",
    "3rd",
    "31",
    "29",
    "15:00",
    "24:00",
    "3pm",
    "13pm",
    "12am",
    "-3",
    "3.5",
    "99999999",
    "2027",
    "3000",
    "2026-12-03",
    "9999-12-31",
    "0001-01-01T00:00+14:00",
    "1970-01-01",
    "days",
    "hours",
    "weeks",
    "months",
    "years",
    "today",
    "now",
    "12/03",
    "03.",
    ",",
    "T",
]
typed = st.one_of(st.text(max_size=30), st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join))
moments = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2999, 12, 30), timezones=st.just(UTC))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=typed, at=moments, name=st.sampled_from(ZONES), future=st.booleans())
def test_any_text_is_an_instant_in_range_or_a_time_parse_error(zone, text, at, name, future):
    zone(name)
    try:
        found = parse_instant(text, at, future=future)
        assert found.tzinfo is UTC and 1970 <= found.year <= 2999 and not found.microsecond
    except TimeParseError as exc:
        assert "\n" not in str(exc)
    try:
        day = parse_date(text, at, future=future)
        assert type(day) is date and 1970 <= day.year <= 2999
        day_end(day)  # the board asks for it; it must not overflow
    except TimeParseError:
        pass


@pytest.mark.parametrize(
    "args, problem",
    [
        (("--now", "2026-12-03T25:00", "status"), "--now / FOLLOWUP_NOW: no such time of day: hour 25 is out of range"),
        (("log", "1", "follow-up", "--at", "2026-11-20T10:61"), "--at: no such time of day: minute 61 is out of range"),
        (("edit", "1", "--follow-up-on", "2026-02-30"), "--follow-up-on: no such date in 2026: day 30 is out of range"),
    ],
)
def test_the_command_line_says_which_field_is_out_of_range_and_changes_nothing(fu, args, problem):
    assert fu("add", "Acme", "--at", "2026-11-19 10:00").code == 0
    before = fu("show", "1", "--json").out
    result = fu(*args)
    assert result.code != 0 and result.out == ""
    (line,) = result.err.splitlines()
    assert problem in line and "ambiguous" not in line and "accepted: 2026-12-03" in line
    assert fu("show", "1", "--json").out == before
