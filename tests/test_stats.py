"""The stats' figures on a search whose numbers are worked out by hand (stats_fixtures.py).

Acme: interviewed Oct 5 14:00, thanked 20:00 (6h), followed up Oct 8 (3 days after the note:
too soon), reply Oct 10 (2 days), invited Oct 12, round 2 Oct 20 15:00, thanked 18:00 (3h),
followed up by phone Nov 2, offer Nov 5 12:00 (3 days 2 h). Globex: Oct 14 10:00, thanked the next
day 16:00 (30h: late), LinkedIn follow-ups Oct 20 (too soon) and Oct 29, rejection Nov 3 09:00
(5 days after the second). Initech: Nov 2 11:00, thanked 15:00 (4h), follow-up Nov 12 unanswered.
Hooli: Nov 20, no note (overdue). Umbrella: 4 hours before now, no note yet. Wonka: Nov 30, ahead.
Vandelay: Sep 10 10:00, thanked 12:00 (2h), check-in Sep 14 (too soon), withdrawn.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from stats_fixtures import NOW, at, filled

from followup_tui.domain.config import Policy
from followup_tui.domain.model import Kind
from followup_tui.storage import facts, stats
from followup_tui.storage.store import NewCard, Store

TABLES = ("contact_days", "follow_up_facts", "card_facts")


@pytest.fixture
def search(db_path):
    ids = filled(db_path)
    return db_path, ids


def figures(path, now=NOW, since=None, policy=None) -> stats.Stats:
    return stats.load(path, policy or Policy(), now, since)


def test_funnel_counts_each_card_in_the_month_of_its_first_interview(search):
    found = figures(search[0])
    # Vandelay in September; Acme (round 2 now: its first contact Oct 5 dates it) and Globex in
    # October; Initech, Hooli and Umbrella in November; Wonka's interview is still ahead
    assert [tuple(row) for row in found.funnel] == [
        ("2026-09", 1, 0, 0),
        ("2026-10", 2, 1, 1),
        ("2026-11", 3, 0, 0),
    ]
    total = found.funnel_all
    assert (total.interviews, total.next_rounds, total.offers) == (6, 1, 1)
    assert total.next_round_rate == pytest.approx(1 / 6)
    assert found.funnel[1].offer_rate == 0.5


def test_response_pairs_each_follow_up_with_the_answer_before_the_next_one(search):
    found = figures(search[0])
    # email: Acme Oct 8 (reply 2 days later), Initech Nov 12 and Vandelay's check-in (no answer);
    # LinkedIn: Globex Oct 20 (its next is another follow-up) and Oct 29 (rejection 5 days later);
    # phone: Acme Nov 2 (offer 3 days 2 hours later)
    assert [tuple(row) for row in found.response] == [
        ("email", 3, 1, 2.0),
        ("linkedin", 2, 1, 5.0),
        ("phone", 1, 1, pytest.approx(3 + 2 / 24)),
    ]
    assert tuple(found.response_all) == ("all", 6, 3, pytest.approx(3 + 2 / 24))  # median of 2, 3.08, 5
    assert found.response[0].rate == pytest.approx(1 / 3)


def test_thank_yous_on_time_and_median_hours(search):
    found = figures(search[0]).thank_yous
    # latest interviews: Acme 3h, Globex 30h, Initech 4h, Vandelay 2h, Hooli none (its 24 hours are
    # over); Umbrella's window is still open and Wonka's interview ahead: neither counts
    assert (found.interviews, found.on_time, found.window_hours) == (5, 3, 24)
    assert found.median_hours == 3.5  # between 3 and 4 of 2, 3, 4, 30
    assert found.rate == 0.6


def test_premature_follow_ups_are_the_rules_verdicts_by_month(search):
    found = figures(search[0])
    # September: Vandelay's check-in 4 days after the note (gap 7). October: Acme Oct 8 and Globex
    # Oct 20 too soon, Globex Oct 29 fine (9 days after). November: Acme Nov 2 and Initech Nov 12 fine.
    assert [tuple(row) for row in found.premature] == [("2026-09", 1, 1), ("2026-10", 3, 2), ("2026-11", 2, 0)]


def test_activity_per_week_and_day(search):
    found = figures(search[0])
    assert len(found.weeks) == 12 and found.weeks[0].start == date(2026, 9, 7)  # Mondays, to this week
    by_week = {week.start: (week.sent, week.received) for week in found.weeks}
    assert by_week[date(2026, 10, 5)] == (2, 1)  # Acme's note and follow-up; the reply
    assert by_week[date(2026, 11, 2)] == (2, 2)  # Acme's follow-up, Initech's note; rejection, offer
    assert by_week[date(2026, 11, 23)] == (0, 0)
    assert found.contacts == 15  # every contact logged is in these weeks
    assert found.days[0] == (date(2026, 9, 7), 0) and found.days[-1][0] == date(2026, 11, 26)
    assert dict(found.days)[date(2026, 10, 20)] == 2  # Globex's follow-up, Acme's round-2 note


def test_pipeline_now(search):
    found = figures(search[0])
    assert found.stages == {"thank-you": 3, "waiting": 2, "next-round": 0, "stay-in-touch": 1}
    # Acme answers its offer; Hooli and Umbrella owe a thank-you; the rest wait
    assert found.actions == {"offer": 1, "thank-you": 2, "wait": 3}
    assert [(w.company, w.days(NOW), w.last_heard) for w in found.oldest] == [
        ("Acme", 36, at("11-05 12:00")),  # waiting since its round-2 note, Oct 20 18:00
        ("Initech", 23, None),
    ]


def test_since_counts_only_what_happened_from_that_day(search):
    found = figures(search[0], since=date(2026, 10, 15))
    assert [tuple(row) for row in found.funnel] == [("2026-11", 3, 0, 0)]  # first interviews from Oct 15
    # Globex Oct 20 and Oct 29, Acme Nov 2, Initech Nov 12: answered after 5 and 3.08 days
    assert tuple(found.response_all) == ("all", 4, 2, pytest.approx((5 + 3 + 2 / 24) / 2))
    assert tuple(found.thank_yous)[:2] == (3, 2)  # Acme (its round 2: Oct 20), Initech, Hooli
    assert [tuple(row) for row in found.premature] == [("2026-10", 2, 1), ("2026-11", 2, 0)]
    assert found.weeks[0].start == date(2026, 10, 12) and found.weeks[0].sent == 1  # from Thursday 15th on
    assert found.stages["thank-you"] == 3  # the pipeline is now, whatever --since says


def test_a_past_now_ignores_what_came_later(search):
    found = figures(search[0], now=at("10-31 10:00"))
    # Acme's offer and Globex's rejection had not come yet: one answered follow-up of four
    assert tuple(found.response_all)[:3] == ("all", 4, 1)
    assert [tuple(row) for row in found.premature] == [("2026-09", 1, 1), ("2026-10", 3, 2)]
    assert found.weeks[-1].start == date(2026, 10, 26)


def test_saved_facts_and_facts_derived_on_the_spot_agree(search):
    """A card changed by another program (its plan stale), another policy or an older file: the same
    figures, the stale cards' facts derived live and their follow-ups judged by the rules."""
    path = search[0]
    saved = figures(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE cards SET rules_key = NULL WHERE id % 2 = 0")  # as a trigger does
    conn.commit()
    assert conn.execute("SELECT count(*) FROM follow_up_facts WHERE card_id % 2 = 0").fetchone() == (0,)
    assert figures(path) == saved
    conn.execute(f"PRAGMA user_version = {facts.FACTS_FROM - 1}")  # no facts read at all
    conn.commit()
    conn.close()
    assert figures(path) == saved


def test_a_file_from_before_the_facts_gets_them_when_it_is_next_opened(search):
    """The migration that adds the tables (m010) fills them for every card, closed ones too."""
    path = search[0]
    saved = figures(path)
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TRIGGER cards_stale_facts; DROP TABLE contact_days; DROP TABLE follow_up_facts; DROP TABLE card_facts;"
        f"DELETE FROM _sqlite_migrations WHERE name = 'm010_stats_facts'; PRAGMA user_version = {facts.FACTS_FROM - 1};"
    )
    conn.close()
    assert figures(path) == saved  # read as it is, facts derived
    Store.open(path).close()
    conn = sqlite3.connect(path)
    counts = [conn.execute(f"SELECT count(DISTINCT card_id) FROM {table}").fetchone()[0] for table in TABLES]
    cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
    judged = conn.execute("SELECT count(*) FROM follow_up_facts WHERE premature IS NOT NULL").fetchone()[0]
    conn.close()
    assert counts == [4, 4, 7] and cards == 7  # contacts and follow-ups on four cards (closed Vandelay too)
    assert judged == 6  # every follow-up and check-in judged by the rules
    assert figures(path) == saved


def test_the_policy_decides_what_was_too_soon_and_on_time(search):
    lenient = Policy(min_days_between_contacts=3, thank_you_hours=36)
    found = figures(search[0], policy=lenient)
    assert sum(m.premature for m in found.premature) == 0  # every follow-up came 3 days or more after
    assert tuple(found.thank_yous)[:2] == (5, 4)  # Globex's 30 hours are on time now


def test_months_and_days_are_local(db_path, zone):
    zone("America/New_York")
    with Store.open(db_path) as store:
        card = store.add_card(NewCard("Early", datetime(2026, 10, 1, 2, tzinfo=UTC)), NOW)  # Sep 30, 22:00 local
        store.log_contact(card, Kind.THANK_YOU, datetime(2026, 10, 1, 3, tzinfo=UTC), NOW)  # Sep 30, 23:00
        store.log_contact(card, Kind.FOLLOW_UP, datetime(2026, 10, 1, 5, tzinfo=UTC), NOW)  # Oct 1, 01:00
    found = figures(db_path, now=datetime(2026, 10, 2, 12, tzinfo=UTC))
    assert [row.month for row in found.funnel] == ["2026-09"]
    assert [(row.month, row.premature) for row in found.premature] == [("2026-10", 1)]
    assert {day: n for day, n in found.days if n} == {date(2026, 9, 30): 1, date(2026, 10, 1): 1}


def test_an_empty_or_missing_database_has_zeros(db_path):
    missing = figures(db_path)
    assert not db_path.exists()  # reading made nothing
    Store.open(db_path).close()
    for found in (missing, figures(db_path)):
        assert (found.funnel, found.response, found.premature, found.oldest, found.actions) == ([], [], [], [], {})
        assert found.active == 0 and found.contacts == 0 and len(found.weeks) == 12
        assert found.thank_yous.interviews == 0 and found.response_all.median_days is None


def test_reading_figures_never_writes(search):
    path = search[0]
    before = path.read_bytes()
    figures(path)
    assert path.read_bytes() == before


def test_every_figure_is_defined_in_the_readme():
    from pathlib import Path

    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8").split())
    for name, definition in stats.DEFINITIONS.items():
        assert " ".join(definition.split()) in readme, name
