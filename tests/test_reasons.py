"""Reason measures: the SQL that status runs says exactly what the Python rules say."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_tui.domain.reasons import PLACEHOLDERS, measure, measure_sql, split
from followup_tui.storage.rulecache import sql_now

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]
# anchors from two years before to two years after now, to the second
offsets = st.integers(min_value=-2 * 366 * 86400, max_value=2 * 366 * 86400)
# each placeholder, the one with a parameter with two (a day's deadline, and a policy of 1.5 hours)
NAMES = (*(name for name in PLACEHOLDERS if name != "was_within"), "was_within:86400", "was_within:5400")


def sql_measure(conn: sqlite3.Connection, name: str, anchor: datetime, now: datetime) -> str:
    row = conn.execute(
        f"SELECT {measure_sql('measure', 'anchor')} FROM (SELECT :name AS measure, :anchor AS anchor)",
        {"name": name, "anchor": int(anchor.timestamp()), **sql_now(now)},
    ).fetchone()
    return row[0]


@pytest.mark.parametrize("zone_name", ZONES)
def test_sql_measures_match_python_at_the_edges(zone, zone_name):
    zone(zone_name)
    conn = sqlite3.connect(":memory:")
    edges = [0, 1, 59, 60, 3599, 3600, 86399, 86400, 86401, 2 * 86400 - 1, 2 * 86400, 40 * 86400]
    for seconds in edges + [-s for s in edges]:
        anchor = NOW + timedelta(seconds=seconds)
        for name in NAMES:
            assert sql_measure(conn, name, anchor, NOW) == measure(name, anchor, NOW), (name, seconds)


def test_a_later_round_at_its_own_minute_was_just_now():
    """QA walk 14, F8: at the exact minute of round 2 the line said "round 2 was 1m ago"."""
    for seconds, said in ((0, "just now"), (59, "just now"), (60, "1m ago"), (7200, "2h ago")):
        anchor = NOW - timedelta(seconds=seconds)
        assert measure("was_within:86400", anchor, NOW).startswith(f"{said} — send a thank-you within ")
        assert sql_measure(sqlite3.connect(":memory:"), "was_within:86400", anchor, NOW) == measure(
            "was_within:86400", anchor, NOW
        )


@settings(max_examples=300, deadline=None)
@given(offset=offsets, zone_name=st.sampled_from(ZONES), name=st.sampled_from(NAMES))
def test_sql_measures_match_python_anywhere(offset, zone_name, name):
    import os
    import time

    os.environ["TZ"] = zone_name  # the autouse fixture puts UTC back after the test
    time.tzset()
    anchor = NOW + timedelta(seconds=offset)
    assert sql_measure(sqlite3.connect(":memory:"), name, anchor, NOW) == measure(name, anchor, NOW)


@pytest.mark.parametrize(
    "template, parts",
    [
        ("thank-you note overdue by {ago}", ("thank-you note overdue by ", "ago", "")),
        ("no placeholder", ("no placeholder", None, "")),
        ("round 2 was {was_within:86400}", ("round 2 was ", "was_within:86400", "")),
        ("asked for {{literal}} braces on {on}, {{ok}}", ("asked for {literal} braces on ", "on", ", {ok}")),
    ],
)
def test_a_template_splits_around_its_placeholder(template, parts):
    assert split(template) == parts
