"""Rows written by other tools are read defensively (SPEC §7): times SQLite writes are UTC, a date
alone is local midnight, and a value no one can read gives that one card a problem line, never a
traceback or a board that will not open; doctor names table, row and column, and --fix repairs
what is safe."""

from __future__ import annotations

import json
import sqlite3

import pytest

from followup_tui.storage.store import Store


def sql(db_path, *statements: str) -> None:
    """Write as another tool would: plain sqlite3, CHECK constraints off (as a tool that rebuilt a table)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA ignore_check_constraints=ON")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def three(fu, db_path):
    """Acme (#1), Globex (#2) and Initech (#3), interviewed at now; Acme thanked by email."""
    for company in ("Acme", "Globex", "Initech"):
        assert fu("add", company, "--interviewer", "Jane Doe").code == 0
    assert fu("log", "1", "thank-you").code == 0
    return db_path


def shown(fu, card_id: int) -> dict:
    result = fu("show", card_id, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_times_other_tools_write_are_read_as_sqlite_means_them(fu, three, zone):
    zone("America/New_York")
    sql(
        three,
        "UPDATE cards SET interview_at = '2026-11-26 12:00:00' WHERE id = 1",  # datetime('now'): UTC
        "UPDATE cards SET interview_at = '2026-11-20' WHERE id = 2",  # a date alone: local midnight
        "UPDATE cards SET interview_at = '2026-11-26T04:30:00+05:30' WHERE id = 3",
        "UPDATE contacts SET at = '2026-11-26T11:00:00Z'",
    )
    assert shown(fu, 1)["interview_at"] == "2026-11-26T12:00:00+00:00"
    assert shown(fu, 2)["interview_at"] == "2026-11-20T05:00:00+00:00"
    assert shown(fu, 3)["interview_at"] == "2026-11-25T23:00:00+00:00"
    assert shown(fu, 1)["contacts"][0]["at"] == "2026-11-26T11:00:00+00:00"
    assert all(not shown(fu, n)["problems"] for n in (1, 2, 3))
    overdue = fu("list")
    assert overdue.code == 0 and "OVERDUE" in overdue.out.splitlines()[0] and "Globex" in overdue.out.splitlines()[0]
    for args in (
        ["status"],
        ["status", "--json"],
        ["export"],
        ["export", "--format", "csv"],
        ["export", "--format", "ics"],
        ["draft", "2"],
    ):
        result = fu(*args)
        assert result.code == 0 and "Traceback" not in result.err and "Error" not in result.err, (args, result.err)


def test_an_unreadable_value_gives_its_card_a_problem_line_and_nothing_else(fu, three):
    sql(three, "UPDATE cards SET interview_at = 'last tuesday' WHERE id = 3")
    listed = fu("list")
    assert listed.code == 0, listed.err
    assert "problem: cards.interview_at of #3 is 'last tuesday' (not a time)" in listed.out
    assert listed.out.count("problem:") == 1 and "Globex" in listed.out and "Acme" in listed.out
    show = fu("show", "3")
    assert show.code == 0 and "problem: cards.interview_at of #3 is 'last tuesday'" in show.out
    assert shown(fu, 3)["problems"] == ["cards.interview_at of #3 is 'last tuesday' (not a time)"]
    for args in (
        ["status"],
        ["status", "--short"],
        ["status", "--json"],
        ["list", "--json"],
        ["export"],
        ["export", "--format", "csv"],
        ["export", "--format", "ics"],
        ["draft", "3", "thank-you"],
    ):
        result = fu(*args)
        assert result.code == 0, (args, result.err)
    doctor = fu("doctor")
    assert doctor.code == 1 and "cards.interview_at of #3 is 'last tuesday' (not a time)" in doctor.out
    assert fu("log", "3", "thank-you").code == 0  # the card still takes changes; the bad value stays as it was
    assert shown(fu, 3)["stage"] == "waiting" and shown(fu, 3)["problems"]


def test_unknown_words_out_of_range_dates_and_blobs_are_problems_with_safe_fallbacks(fu, three):
    sql(
        three,
        "UPDATE cards SET stage = 'applied' WHERE id = 1",
        "UPDATE cards SET follow_up_on = '9999-12-31', round = 'two' WHERE id = 2",
        "UPDATE contacts SET kind = 'ping', channel = 'fax'",
        "UPDATE cards SET company = X'80ff41' WHERE id = 3",
        "UPDATE card_people SET relation = 'boss' WHERE card_id = 3",
    )
    acme, globex, initech = shown(fu, 1), shown(fu, 2), shown(fu, 3)
    assert acme["stage"] == "waiting" and acme["contacts"][0]["kind"] == "referral-ask"
    assert acme["problems"] == [
        "cards.stage of #1 is 'applied' (not a known stage)",
        "contacts.kind of contact 1 is 'ping' (not a known kind)",
        "contacts.channel of contact 1 is 'fax' (not a known channel)",
    ]
    assert (globex["follow_up_on"], globex["round"]) == (None, 1)
    assert globex["problems"] == [
        "cards.round of #2 is 'two' (not a whole number above 0)",
        "cards.follow_up_on of #2 is '9999-12-31' (out of range)",
    ]
    assert initech["company"] == "\ufffd\ufffdA" and len(initech["problems"]) == 2
    status = json.loads(fu("status", "--json").out)
    assert sorted(status["counts"]) == sorted(["thank-you", "waiting", "next-round", "stay-in-touch"])
    assert status["active"] == 3
    exported = fu("export", "-o", three.parent / "out.json")  # JSON cannot hold the BLOB: one line, no file
    assert exported.code == 1 and "doctor" in exported.err and "Traceback" not in exported.err
    assert not (three.parent / "out.json").exists()
    assert fu("export", "--format", "csv").code == 0


def test_problem_cards_are_never_cached_so_every_reader_sees_them(fu, three):
    sql(three, "UPDATE cards SET interview_at = 'soon' WHERE id = 2")
    assert fu("add", "Hooli").code == 0  # a writer replans stale cards: not this one
    conn = sqlite3.connect(three)
    assert conn.execute(
        "SELECT rules_key IS NULL, (SELECT count(*) FROM card_plans WHERE card_id = 2) FROM cards WHERE id = 2"
    ).fetchone() == (1, 0)
    assert conn.execute("SELECT count(*) FROM cards WHERE rules_key IS NULL").fetchone()[0] == 1
    assert "problem: cards.interview_at of #2 is 'soon'" in fu("list").out


def test_status_fast_path_reads_a_card_edited_outside_in_full(fu, three):
    """A saved plan goes stale when a tool edits the card (triggers); status then agrees with list."""
    sql(three, "UPDATE cards SET interview_at = '2026-11-20 10:00:00' WHERE id = 2")  # 6 days ago, UTC
    status = json.loads(fu("status", "--json").out)
    listed = {card["id"]: card for card in json.loads(fu("list", "--json").out)}
    for item in status["attention"]:
        assert (item["flags"], item["reasons"]) == (listed[item["id"]]["flags"], listed[item["id"]]["reasons"])
    assert status["attention"][0]["id"] == 2 and status["attention"][0]["flags"] == ["overdue"]


async def test_the_board_opens_on_problem_cards_and_says_what_is_wrong(three, tmp_path):
    from followup_tui.domain.config import Config
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.cardlist import CardList

    sql(
        three,
        "UPDATE cards SET interview_at = 'last tuesday' WHERE id = 1",
        "UPDATE cards SET stage = 'applied' WHERE id = 2",
        "UPDATE cards SET follow_up_on = '9999-12-31' WHERE id = 3",
    )
    app = FollowupApp(Store.open(three), Config())
    async with app.run_test(size=(160, 48)) as pilot:
        waiting = app.screen.query_one("#list-waiting", CardList)
        notes = {waiting.item(n).title: waiting.item(n).note for n in range(len(waiting.ids))}
        assert notes == {
            "Acme": "problem: cards.interview_at of #1 is 'last tuesday' (not a time)",
            "Globex": "problem: cards.stage of #2 is 'applied' (not a known stage)",
        }
        assert app.screen.current_card_id == 3  # Initech, the only card left in Thank-you
        await pilot.press("t")  # its follow-up date is 9999-12-31: this crashed the board
        await pilot.pause()
        assert app.is_running and 3 in waiting.ids
        app.screen.select_card(1)
        await pilot.press("enter")
        await pilot.pause()
        head = str(app.screen.query_one("#card-head").render())
        assert "problem cards.interview_at of #1 is 'last tuesday' (not a time)" in head
    conn = sqlite3.connect(three)
    assert conn.execute("SELECT stage FROM cards WHERE id = 3").fetchone() == ("waiting",)


def search_pieces(db_path) -> list[str]:
    """DROP statements for the search index's view and every trigger that reads it."""
    conn = sqlite3.connect(db_path)
    names = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%search_source%' AND type = 'trigger'")
    ]
    conn.close()
    return [*(f"DROP TRIGGER {name}" for name in names), "DROP VIEW search_source"]


def test_doctor_names_what_is_missing_table_by_table(fu, three):
    sql(
        three,
        *(f"DROP TRIGGER journal_cards_{event}" for event in ("insert", "update", "delete")),  # they name it
        *search_pieces(three),  # and the search index's (search.py), through its view
        "ALTER TABLE cards DROP COLUMN topic",
    )
    doctor = fu("doctor")
    assert doctor.code == 1 and "column cards.topic is missing" in doctor.out
    listed = fu("list")
    assert listed.code == 1 and "Traceback" not in listed.err and "topic" in listed.err and "doctor" in listed.err
    sql(three, "DROP TABLE prep_items")
    doctor = fu("doctor")
    assert "table prep_items is missing" in doctor.out and "restore a backup" in doctor.out
    fix = fu("doctor", "--fix")
    assert fix.code == 1 and "fix: not fixed: a table or column is missing" in fix.out
    assert not (three.parent / "backups").exists()


def test_doctor_fix_normalises_times_drops_orphans_recreates_triggers_after_a_backup(fu, three):
    sql(
        three,
        "UPDATE cards SET interview_at = '2026-11-20 10:00:00', follow_up_on = '2026-12-03T00:00:00' WHERE id = 2",
        "UPDATE contacts SET at = '2026-11-26T11:00:00Z'",
        "INSERT INTO contacts (uid, card_id, at, kind) VALUES ('orphan', 99, '2026-11-01T00:00:00+00:00', 'reply')",
        "INSERT INTO people (uid, name) VALUES ('lonely', 'Nobody')",
        "DROP TRIGGER cards_changed_stale",
        "DROP INDEX contacts_person",
    )
    before = fu("doctor")
    assert before.code == 1
    assert "index contacts_person is missing; trigger cards_changed_stale is missing" in before.out
    assert "1 contacts of no card, 1 people linked to no card" in before.out
    assert "3 time(s) in another form than UTC ISO" in before.out
    fixed = fu("doctor", "--fix")
    assert fixed.code == 0, fixed.out
    lines = [line for line in fixed.out.splitlines() if line.startswith("fix: ")]
    assert lines[0].startswith("fix: backed up to ") and lines[0].endswith("-before-fix.db")
    assert lines[1:] == [
        "fix: wrote 3 time(s) as UTC ISO",
        "fix: removed 1 contacts of no card",
        "fix: removed 1 people linked to no card",
        "fix: re-created index contacts_person",
        "fix: re-created trigger cards_changed_stale",
    ]
    assert fixed.out.strip().endswith("verdict: healthy")
    conn = sqlite3.connect(three)
    assert conn.execute("SELECT interview_at, follow_up_on FROM cards WHERE id = 2").fetchone() == (
        "2026-11-20T10:00:00+00:00",
        "2026-12-03",
    )
    assert conn.execute("SELECT at FROM contacts").fetchall() == [("2026-11-26T11:00:00+00:00",)]
    assert conn.execute("SELECT count(*) FROM cards WHERE rules_key IS NULL").fetchone()[0] == 0  # replanned
    backup = sqlite3.connect(lines[0].removeprefix("fix: backed up to "))
    assert backup.execute("SELECT count(*) FROM contacts WHERE uid = 'orphan'").fetchone()[0] == 1
    backup.close()
    assert "doctor --fix on 3 cards" in fu("history", "-n", "1").out  # one action: `followup undo` reverts it
    again = fu("doctor", "--fix")
    assert "fix: nothing to fix" in again.out and len(list((three.parent / "backups").iterdir())) == 1
    status = json.loads(fu("status", "--json").out)
    assert status["attention"][0]["id"] == 2 and status["attention"][0]["flags"] == ["overdue"]
