"""Reading the times people write (SPEC §4), in more than one zone."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from followup_tui.clock import TimeParseError, day_start, iso, now, parse_date, parse_instant, relative

NOW = datetime(2026, 11, 26, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("now", "2026-11-26T10:00:00+00:00"),
    ("2 hours ago", "2026-11-26T08:00:00+00:00"),
    ("in 3 days", "2026-11-29T10:00:00+00:00"),
    ("in 1 hour", "2026-11-26T11:00:00+00:00"),
    ("a week ago", "2026-11-19T10:00:00+00:00"),
    ("yesterday 14:00", "2026-11-25T14:00:00+00:00"),
    ("Tomorrow", "2026-11-27T10:00:00+00:00"),
    ("today 9:05", "2026-11-26T09:05:00+00:00"),
    ("2026-12-01", "2026-12-01T00:00:00+00:00"),
    ("2026-12-01 09:30", "2026-12-01T09:30:00+00:00"),
    ("2026-12-01T09:30:00-05:00", "2026-12-01T14:30:00+00:00"),
])
def test_forms_in_utc(text, expected):
    assert iso(parse_instant(text, NOW)) == expected


@pytest.mark.parametrize("text", ["", "soon", "2026-13-01", "yesterday 25:00", "in 3 days ago", "3 parsecs ago"])
def test_unreadable_times_name_the_value(text):
    with pytest.raises(TimeParseError) as info:
        parse_instant(text, NOW)
    assert (repr(text) in str(info.value)) or not text or "no such time" in str(info.value)


def test_local_times_follow_dst_in_new_york(zone):
    zone("America/New_York")
    assert iso(parse_instant("2026-07-01 14:00", NOW)) == "2026-07-01T18:00:00+00:00"  # EDT
    assert iso(parse_instant("2026-12-01 14:00", NOW)) == "2026-12-01T19:00:00+00:00"  # EST
    # the day the clocks go forward is 23 hours long, the day they go back 25
    assert (day_start(date(2026, 3, 9)) - day_start(date(2026, 3, 8))).total_seconds() == 23 * 3600
    assert (day_start(date(2026, 11, 2)) - day_start(date(2026, 11, 1))).total_seconds() == 25 * 3600


def test_yesterday_is_the_local_yesterday(zone):
    zone("Pacific/Chatham")  # UTC+13:45 in November: 10:00 UTC is already 23:45 local
    assert parse_date("today", NOW) == date(2026, 11, 26)
    assert iso(parse_instant("yesterday 14:00", NOW)) == "2026-11-25T00:15:00+00:00"


def test_now_honours_override_and_env(monkeypatch):
    assert now("2026-01-02T03:04:05+00:00") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    monkeypatch.setenv("FOLLOWUP_NOW", "2026-05-05T05:05:00+00:00")
    assert now() == datetime(2026, 5, 5, 5, 5, tzinfo=timezone.utc)


def test_relative_display():
    assert relative(datetime(2026, 11, 24, 10, tzinfo=timezone.utc), NOW) == "2d ago"
    assert relative(datetime(2026, 11, 26, 15, tzinfo=timezone.utc), NOW) == "in 5h"
