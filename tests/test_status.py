"""`followup status`: the glance agrees with the full rules, never writes, stays light."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from old_files import make_old_database

from followup_tui.domain.clock import iso
from followup_tui.domain.config import Policy
from followup_tui.domain.present import assess_all
from followup_tui.domain.words import SEVERITY
from followup_tui.storage import summaries
from followup_tui.storage.rulecache import fresh_count, stale_open_cards
from followup_tui.storage.status import glance, reason_flags
from followup_tui.storage.store import Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def full_rules_view(path: Path, policy: Policy, now: datetime) -> list[tuple]:
    with Store.open_readonly(path) as store:
        rows = assess_all(store.bundles(), policy, now)
    return [
        (r.card.id, list(r.assessment.flags), list(r.assessment.reasons), iso(r.assessment.next_contact_ok))
        for r in rows
        if r.assessment.flags
    ]


def glance_view(path: Path, policy: Policy, now: datetime) -> list[tuple]:
    with Store.open_readonly(path) as store:
        return [
            (a["id"], a["flags"], a["reasons"], a["next_contact_ok"]) for a in glance(store.conn, policy, now).attention
        ]


def test_writers_leave_every_open_card_with_a_fresh_plan(seeded):
    with Store.open_readonly(seeded) as store:
        assert stale_open_cards(store.conn, Policy()) == []
        assert fresh_count(store.conn, Policy(), NOW) == len(store.bundles())


def test_a_writer_opening_fresh_plans_writes_nothing_and_another_policy_replans_all(seeded, tmp_path):
    path = tmp_path / "copy.db"
    with sqlite3.connect(seeded) as source, sqlite3.connect(path) as target:
        source.backup(target)
    other = Policy(min_days_between_contacts=5)

    def open_writes(policy: Policy) -> bool:
        """Did opening for writing change the file (one meta row says no plan is stale: nothing to do)?"""
        probe = sqlite3.connect(path)
        before = probe.execute("PRAGMA data_version").fetchone()[0]
        Store.open(path, policy).close()
        changed = probe.execute("PRAGMA data_version").fetchone()[0] != before
        probe.close()
        return changed

    assert not open_writes(Policy())
    assert open_writes(other) and not open_writes(other)
    with Store.open_readonly(path) as store:
        assert stale_open_cards(store.conn, other) == [] and stale_open_cards(store.conn, Policy()) != []
    with Store.open(path, Policy()) as store:  # a board with the old policy writes one card
        card_id = store.conn.execute("SELECT id FROM cards WHERE closed_at IS NULL").fetchone()[0]
        store.update_card(card_id, {"notes": "again"}, NOW)
    assert open_writes(other)  # that card's plan is made anew for this policy
    with Store.open_readonly(path) as store:
        assert stale_open_cards(store.conn, other) == []
    assert glance_view(path, other, NOW) == full_rules_view(path, other, NOW)


@pytest.mark.parametrize("offset_days", [0, 0.5, 1, 3, 10, 45, 100, -2, -40])
def test_glance_matches_the_full_rules(seeded, offset_days):
    now = NOW + timedelta(days=offset_days)
    expected = full_rules_view(seeded, Policy(), now)
    assert expected, "the seed should raise flags"
    assert glance_view(seeded, Policy(), now) == expected


@pytest.mark.parametrize("offset_days", [0, 3, 45, -2])
def test_each_reason_s_flag_is_the_one_the_rules_gave_it(seeded, offset_days):
    """status labels a card's reasons by flag (its JSON has no per-reason flags): the same as the rules'."""
    now = NOW + timedelta(days=offset_days)
    with Store.open_readonly(seeded) as store:
        rules = {r.card.id: r.assessment for r in assess_all(store.bundles(), Policy(), now) if r.assessment.flags}
        items = glance(store.conn, Policy(), now).attention
    assert len(items) == len(rules) and any(len(item["reasons"]) > 1 for item in items)
    for item in items:
        assert [flag or "" for flag in reason_flags(item)] == list(rules[item["id"]].reason_flags), item


def test_a_reason_under_another_flag_says_which(fu):
    """QA: "TOO SOON #1 Wayne: send a thank-you within 18h; they asked…" read as if the note were too soon.
    The card's flag word leads its own reason; the other one has its word."""
    card = fu("add", "Wayne", "--role", "Eng", "--at", "3 hours ago").out.strip()
    fu("log", card, "reply", "--follow-up-on", "2026-12-03", "--at", "2 hours ago")
    assert fu("log", card, "follow-up", "--at", "1 hour ago").code == 0  # before the date they gave
    reasons = "they asked you to wait until Dec 3 · DUE send a thank-you within 21h"
    assert f"TOO SOON  #{card}    Wayne — Eng: {reasons}\n" in fu("status").out
    assert f"TOO SOON  Wayne — Eng  (round 1, interviewed 3h ago)  {reasons}\n" in fu("list").out


def test_too_soon_and_no_reply_say_each_word_once_and_the_hold_off_everywhere(fu):
    """QA: status said "TOO SOON #4 Hooli: NO REPLY 3 messages … ; TOO SOON followed up …" (TOO SOON twice),
    and list showed TOO SOON beside the no-reply reason alone: the hold-off date was nowhere."""
    card = fu("add", "Umbra", "--at", "30 days ago").out.strip()
    for when in ("29 days ago", "12 days ago", "6 days ago", "1 day ago"):  # the last one too soon, unanswered
        fu("log", card, "thank-you" if when == "29 days ago" else "follow-up", "--at", when)
    reasons = (
        "followed up 5 days after your last message; hold off until Dec 2 · "
        f"NO REPLY 3 messages without reply — consider moving on (followup close {card})"
    )
    status, listed = fu("status").out, fu("list").out
    assert f"TOO SOON  #{card}    Umbra: {reasons}\n" in status
    assert f"TOO SOON  Umbra  (round 1, waiting 29d)  {reasons}\n" in listed
    assert status.count("TOO SOON") == listed.count("TOO SOON") == 1


@pytest.mark.parametrize("offset_days", [0, 1, 45, -2])
def test_short_counts_in_sql_what_the_items_say(seeded, tmp_path, offset_days):
    now = NOW + timedelta(days=offset_days)
    with Store.open_readonly(seeded) as store:

        def from_items(policy: Policy) -> dict[str, int]:
            items = glance(store.conn, policy, now).attention
            return {flag: sum(flag in item["flags"] for item in items) for flag in SEVERITY}

        counted = glance(store.conn, Policy(), now, counts_only=True).totals
        assert counted == from_items(Policy()) and sum(counted.values()) > 0
        stale = Policy(unanswered_limit=1)  # every plan stale: the full rules count
        assert glance(store.conn, stale, now, counts_only=True).totals == from_items(stale)


def test_every_flag_appears_in_the_seed(seeded):
    flags = {flag for _, card_flags, _, _ in full_rules_view(seeded, Policy(), NOW) for flag in card_flags}
    assert flags == {"overdue", "too-frequent", "due", "no-reply"}


def test_plans_made_after_the_zone_changed_are_those_a_fresh_process_makes(seeded, tmp_path, zone):
    """A writer plans each batch with day starts worked out once (clock.one_zone); after the zone
    changes, a writer in the same process must plan by the new zone's days, not reuse the old ones."""
    here, fresh = tmp_path / "here.db", tmp_path / "fresh.db"
    for path in (here, fresh):
        with sqlite3.connect(seeded) as source, sqlite3.connect(path) as target:
            source.backup(target)
    Store.open(here, Policy(min_days_between_contacts=5)).close()  # every card planned in this process, in UTC
    zone("Asia/Kolkata")  # days start at 18:30 UTC
    Store.open(here, Policy()).close()  # planned again, in Kolkata
    replan = f"from followup_tui.storage.store import Store; Store.open({str(fresh)!r}).close()"
    subprocess.run([sys.executable, "-c", replan], check=True, env={**os.environ, "TZ": "Asia/Kolkata"})

    def plans(path: Path) -> list[tuple]:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT * FROM card_plans ORDER BY card_id, opens").fetchall()

    assert plans(here) == plans(fresh) != []


def test_glance_follows_another_policy_and_outside_edits(seeded, tmp_path):
    path = tmp_path / "copy.db"
    with sqlite3.connect(seeded) as source, sqlite3.connect(path) as target:
        source.backup(target)
    strict = Policy(thank_you_hours=2, min_days_between_contacts=20, unanswered_limit=1)
    assert glance_view(path, strict, NOW) == full_rules_view(path, strict, NOW)
    with sqlite3.connect(path) as conn:  # someone edits the file by hand
        conn.execute("DELETE FROM contacts WHERE id IN (SELECT id FROM contacts ORDER BY id DESC LIMIT 300)")
    assert glance_view(path, Policy(), NOW) == full_rules_view(path, Policy(), NOW)


def test_status_json_shape(fu):
    fu("add", "Acme", "--role", "Backend Engineer", "--at", "2026-11-25T07:00:00+00:00")
    fu("add", "Globex", "--at", "1 hour ago")
    doc = json.loads(fu("status", "--json").out)
    assert doc == {
        "now": "2026-11-26T10:00:00+00:00",
        "counts": {"thank-you": 2, "waiting": 0, "next-round": 0, "stay-in-touch": 0},
        "active": 2,
        "attention": [
            {
                "id": 1,
                "company": "Acme",
                "role": "Backend Engineer",
                "stage": "thank-you",
                "flags": ["overdue"],
                "reasons": ["thank-you note overdue by 3h"],
                "next_action": {
                    "kind": "thank-you",
                    "due": "2026-11-26T07:00:00+00:00",
                    "overdue": True,
                    "channel": "email",
                    "person": None,
                    "template": "thank-you",
                    "text": "thank-you note overdue by 3h",
                },
                "next_contact_ok": "2026-12-02T00:00:00+00:00",
            },  # a week's gap counts from the interview
            {
                "id": 2,
                "company": "Globex",
                "role": "",
                "stage": "thank-you",
                "flags": ["due"],
                "reasons": ["send a thank-you within 23h"],
                "next_action": {
                    "kind": "thank-you",
                    "due": "2026-11-27T09:00:00+00:00",
                    "overdue": False,
                    "channel": "email",
                    "person": None,
                    "template": "thank-you",
                    "text": "send a thank-you within 23h",
                },
                "next_contact_ok": "2026-12-03T00:00:00+00:00",
            },
        ],
    }
    assert fu("status", "--short").out.strip() == "1 overdue · 1 due · 2 active"
    plain = fu("status").out.splitlines()
    assert plain[0] == "thank-you 2 · waiting 0 · next-round 0 · stay-in-touch 0 · 2 active"
    assert plain[1].startswith("OVERDUE   #1") and "Acme — Backend Engineer: thank-you note overdue by 3h" in plain[1]
    assert plain[2].startswith("DUE       #2")


def test_status_on_a_seeded_database_at_a_planned_now(proc, seeded):
    later = json.loads(proc("--db", seeded, "--now", "2026-12-20T10:00:00+00:00", "status", "--json").out)
    assert later["now"] == "2026-12-20T10:00:00+00:00"
    assert later["active"] == sum(later["counts"].values())
    assert [a["id"] for a in later["attention"]] == [
        c for c, *_ in full_rules_view(seeded, Policy(), datetime(2026, 12, 20, 10, tzinfo=UTC))
    ]


def test_empty_board(fu, db_path):
    assert fu("status", "--short").out.strip() == "0 active"
    assert "no database yet" in fu("status").out
    assert json.loads(fu("status", "--json").out)["active"] == 0
    assert not db_path.exists()


def test_status_never_writes(proc, seeded):
    before = hashlib.sha256(seeded.read_bytes()).hexdigest()
    for form in ([], ["--json"], ["--short"]):
        assert proc("--db", seeded, "status", *form).code == 0
    assert hashlib.sha256(seeded.read_bytes()).hexdigest() == before


def test_status_answers_while_another_process_writes(proc, tmp_path):
    path = tmp_path / "busy.db"
    with Store.open(path) as store:
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE cards SET notes = 'x'")  # hold the write lock
        result = proc("--db", path, "status", "--short")
        conn.execute("ROLLBACK")
    assert (result.code, result.out.strip()) == (0, "0 active")


def test_status_imports_neither_textual_nor_click_nor_sqlite_utils(tmp_path):
    code = (
        "import sys; from followup_tui.cli.entry import main\n"
        "try: main(['--db', sys.argv[1], 'status', '--json'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('textual', 'click', 'sqlite_utils', 'arrow') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.db")], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_readers_read_a_file_from_before_the_upgrade_by_the_full_rules(proc, tmp_path):
    """After upgrading followup-tui, status, list and show work before anything migrates the file."""
    path = tmp_path / "v2.db"
    make_old_database(path, 2)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    later = NOW + timedelta(hours=3)  # Acme was interviewed 27 hours ago
    doc = json.loads(proc("--db", path, "--now", iso(later), "status", "--json").out)
    assert [(a["company"], a["flags"], a["reasons"]) for a in doc["attention"]] == [
        ("Acme", ["overdue"], ["thank-you note overdue by 3h"])
    ]
    assert proc("--db", path, "--now", iso(later), "status", "--short").out.strip() == "1 overdue · 1 active"
    assert "Acme" in proc("--db", path, "list").out and proc("--db", path, "show", "1").code == 0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    with Store.open(path) as store:  # the first writer migrates it and plans the card
        assert glance(store.conn, Policy(), later).attention == doc["attention"]
        assert store.conn.execute("SELECT count(*) FROM card_plans").fetchone()[0] > 0


def test_a_thank_you_at_its_deadline_is_due_now_and_overdue_only_once_a_minute_has_passed(fu, db_path):
    """QA: at exactly 24 h after the interview, status and list said "thank-you note overdue by 1m"
    (the seconds past the deadline rounded up to a minute); the board reads the same plan."""
    card = fu("add", "Acme", "--at", "2026-11-25 10:00").out.strip()

    def seen(now: str) -> tuple[str, str, list[str], tuple[str, ...]]:
        with Store.open_readonly(db_path) as store:
            (summary,) = summaries.load(store.conn, Policy(), datetime.fromisoformat(now).replace(tzinfo=UTC))
        line = next(line for line in fu("--now", now, "list").out.splitlines() if line.startswith(f"#{card}"))
        return fu("--now", now, "status").out, line, list(summary.flags), summary.assessment.reasons

    status, listed, flags, reasons = seen("2026-11-26 10:00")
    assert f"DUE       #{card}    Acme: send a thank-you now" in status
    assert "DUE       Acme  (round 1, interviewed 24h ago)  send a thank-you now" in listed
    assert (flags, reasons) == (["due"], ("send a thank-you now",))
    assert "overdue" not in fu("--now", "2026-11-26 10:00:59", "status").out
    status, listed, flags, reasons = seen("2026-11-26 10:01")
    assert f"OVERDUE   #{card}    Acme: thank-you note overdue by 1m" in status
    assert "OVERDUE   Acme  (round 1, interviewed 24h ago)  thank-you note overdue by 1m" in listed
    assert (flags, reasons) == (["overdue"], ("thank-you note overdue by 1m",))
