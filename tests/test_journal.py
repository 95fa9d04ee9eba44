"""The undo journal (SPEC §7): every write undone and redone, refusals that keep later writes,
several processes at once, the bound of 1,000 actions."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from old_files import make_old_database

from followup_tui.domain.model import Kind
from followup_tui.storage import journal
from followup_tui.storage.dbfile import StoreError
from followup_tui.storage.store import NewCard, Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)  # conftest's FOLLOWUP_NOW
HELPERS = Path(__file__).parent / "helpers"
DATA_TABLES = ("cards", "people", "card_people", "contacts", "prep_items", "card_plans")


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the user tables and of the rule plans (a plan remade wrong would show)."""
    conn = sqlite3.connect(path)
    try:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in DATA_TABLES}
    finally:
        conn.close()


def query(path: Path, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def ok(result) -> str:
    assert result.code == 0, result.err
    return result.out


@pytest.fixture
def cards(fu):
    """#1 Acme in thank-you with Jane; #2 Globex in next-round with prep; #3 Hooli closed."""
    ok(
        fu(
            "add",
            "Acme",
            "--role",
            "Backend",
            "--at",
            "yesterday 10:00",
            "--interviewer",
            "Jane Doe <jane@acme.io>",
            "--note",
            "talked about payments",
        )
    )
    ok(fu("add", "Globex", "--at", "5 days ago"))
    ok(fu("log", "2", "thank-you", "--at", "4 days ago"))
    ok(fu("log", "2", "invite", "--at", "2 days ago", "--round-at", "in 2 days"))
    ok(fu("add", "Hooli", "--at", "20 days ago"))
    ok(fu("close", "3", "--outcome", "withdrawn"))


def _import(fu, db_path, tmp_path):
    other, export = tmp_path / "other.db", tmp_path / "export.json"
    ok(fu("--db", other, "add", "Umbrella", "--interviewer", "Ann Lee"))
    ok(fu("--db", other, "export", "-o", export))
    ok(fu("import", export))


WRITES = {
    "add": lambda fu, *_: ok(
        fu(
            "add",
            "Initech",
            "--role",
            "SRE",
            "--interviewer",
            "Bill Lumbergh",
            "--follow-up-on",
            "2026-12-01",
            "--via",
            "phone",
        )
    ),
    "edit": lambda fu, *_: ok(
        fu("edit", "1", "--role", "Principal", "--note", "a new note", "--follow-up-on", "2026-12-01", "--via", "phone")
    ),
    "person": lambda fu, *_: ok(fu("person", "1", "Dana Kim", "--relation", "network", "--email", "dana@kim.io")),
    "prep": lambda fu, *_: ok(fu("prep", "2", "--add", "read their paper", "--done", "1", "--done", "2")),
    "log moving the stage": lambda fu, *_: ok(fu("log", "1", "thank-you", "--person", "Jane Doe")),
    "log with a new person": lambda fu, *_: ok(fu("log", "2", "reply", "--person", "Raj Patel", "--note", "see you")),
    "log invite (next round, a prep checklist)": lambda fu, *_: ok(fu("log", "1", "invite", "--round-at", "in 3 days")),
    "log rejection": lambda fu, *_: ok(fu("log", "2", "rejection")),
    "move": lambda fu, *_: ok(fu("move", "2", "thank-you", "--at", "1 hour ago")),
    "close": lambda fu, *_: ok(fu("close", "1", "--outcome", "offer")),
    "reopen": lambda fu, *_: ok(fu("reopen", "3")),
    "delete": lambda fu, *_: ok(fu("delete", "1", "--yes")),
    "import": _import,
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_is_undone_and_redone_row_for_row(write, cards, fu, db_path, tmp_path):
    before = rows(db_path)
    WRITES[write](fu, db_path, tmp_path)
    after = rows(db_path)
    assert after != before
    assert ok(fu("undo")).startswith("undone #")
    assert rows(db_path) == before  # user rows, people, links and the remade rule plans
    assert ok(fu("redo")).startswith("redone #")
    assert rows(db_path) == after
    assert ok(fu("undo")).startswith("undone #")  # the redo is a change like any other
    assert rows(db_path) == before


def test_an_import_of_new_cards_is_one_action_and_its_undo_minds_later_changes(cards, fu, db_path, tmp_path):
    """New cards own their contacts, prep and links in the journal (bulk.py): undo deletes the cards and
    they go with them, redo brings every row back, the search index follows; a tool's later change to
    an imported contact still stands in the way."""
    other, export = tmp_path / "other.db", tmp_path / "export.json"
    ok(fu("--db", other, "add", "Umbrella", "--interviewer", "Ann Lee", "--at", "3 days ago"))
    ok(fu("--db", other, "add", "Initech", "--interviewer", "Bill Lumbergh", "--at", "3 days ago"))
    ok(fu("--db", other, "log", "1", "thank-you", "--note", "sent from the train"))
    ok(fu("--db", other, "log", "2", "invite", "--round-at", "in 3 days"))  # a prep checklist
    ok(fu("--db", other, "person", "2", "Dana Kim", "--relation", "network"))
    ok(fu("--db", other, "export", "-o", export))

    def state() -> dict:
        return {**rows(db_path), "docs": query(db_path, "SELECT * FROM search_docs ORDER BY card_id")}

    before = state()
    ok(fu("import", export))
    after = state()
    assert len(after["contacts"]) == len(before["contacts"]) + 2 and len(after["prep_items"]) > len(
        before["prep_items"]
    )
    assert query(db_path, "SELECT count(*) FROM actions WHERE label LIKE 'import%'") == [(1,)]
    assert query(db_path, "SELECT rowid FROM search WHERE search MATCH 'train'") != []
    assert ok(fu("undo")).startswith("undone #") and state() == before
    assert ok(fu("redo")).startswith("redone #") and state() == after
    conn = sqlite3.connect(db_path)
    with conn:  # another program edits a contact the import brought
        conn.execute("UPDATE contacts SET note = 'sent from home' WHERE note = 'sent from the train'")
    conn.close()
    Store.open(db_path).close()  # any writer makes that card's stale plan anew
    changed = state()
    refused = fu("undo")
    assert refused.code == 1 and "another program changed the same card since" in refused.err
    assert state() == changed


def test_undo_and_redo_say_what_they_did_and_history_lists_it(cards, fu):
    ok(fu("log", "1", "thank-you"))
    assert ok(fu("undo")) == "undone #7: log thank-you on #1 Acme\n"
    assert ok(fu("redo")) == "redone #7: log thank-you on #1 Acme\n"
    lines = ok(fu("history", "-n", "3")).splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"#9 +.+ cli +redo: log thank-you on #1 Acme", lines[0])
    assert re.fullmatch(r"#8 +.+ cli +undo: log thank-you on #1 Acme +\(redone by #9\)", lines[1])
    assert re.fullmatch(r"#7 +.+ cli +log thank-you on #1 Acme +\(undone by #8\)", lines[2])
    assert len(ok(fu("history")).splitlines()) == 9


def test_a_prep_change_is_named_by_what_it_did(cards, fu):
    """QA: undo's toast and history said "change prep on #1 Acme", whatever was ticked or added."""
    ok(fu("prep", "1", "--add", "research the team", "--add", "questions to ask them"))
    ok(fu("prep", "1", "--done", "2"))
    assert ok(fu("undo")).endswith(": tick “questions to ask them” on #1 Acme\n")
    ok(fu("prep", "1", "--add", "{card} and " + "x" * 60, "--remove", "1"))
    lines = ok(fu("history", "-n", "3")).splitlines()
    shortened = ("{ card } and " + "x" * 60)[:40] + "…"  # user text: shortened, never the label's placeholder
    assert lines[0].endswith(f"add “{shortened}”; remove “research the team” on #1 Acme")
    assert lines[1].endswith("undo: tick “questions to ask them” on #1 Acme")
    assert lines[2].endswith("cli    tick “questions to ask them” on #1 Acme  (undone by #9)")


def test_undo_refuses_when_a_later_write_touched_the_same_card_and_keeps_it(cards, fu, db_path):
    with Store.open(db_path) as board:
        board.origin = "board"
        board.log_contact(1, Kind.THANK_YOU, NOW, NOW)
        thanked = board.last_action_id
        ok(fu("log", "1", "reply", "--note", "from the shell"))
        before = rows(db_path)
        with pytest.raises(StoreError) as refused:
            board.undo(thanked)
    assert re.fullmatch(
        rf"cannot undo #{thanked} 'log thank-you on #1 Acme': #{thanked + 1} 'log reply on #1 Acme' "
        r"\(cli, [^)]+\) changed the same card since",
        str(refused.value),
    )
    assert rows(db_path) == before
    assert [k for (k,) in query(db_path, "SELECT kind FROM contacts WHERE card_id = 1 ORDER BY id")] == [
        "thank-you",
        "reply",
    ]


def test_a_later_write_undone_since_is_no_longer_in_the_way(cards, fu, db_path):
    start = rows(db_path)
    with Store.open(db_path) as board:
        board.origin = "board"
        board.log_contact(1, Kind.THANK_YOU, NOW, NOW)
        thanked = board.last_action_id
        ok(fu("log", "1", "reply"))
        ok(fu("undo"))  # the reply
        board.undo(thanked)
    assert rows(db_path) == start


def test_a_card_deleted_since_is_not_brought_back(cards, fu, db_path):
    with Store.open(db_path) as board:
        board.log_contact(1, Kind.THANK_YOU, NOW, NOW)
        thanked = board.last_action_id
        ok(fu("delete", "1", "--yes"))
        with pytest.raises(StoreError, match=r"'delete #1 Acme' \(cli, [^)]+\) deleted the same card since"):
            board.undo(thanked)
    assert query(db_path, "SELECT count(*) FROM cards WHERE id = 1") == [(0,)]


def test_redo_refused_after_a_later_write_exits_1_and_changes_nothing(cards, fu, db_path):
    ok(fu("log", "1", "thank-you"))
    ok(fu("undo"))
    ok(fu("prep", "1", "--add", "research"))
    before = rows(db_path)
    result = fu("redo")
    assert result.code == 1
    assert re.fullmatch(
        r"followup: error: cannot redo 'log thank-you on #1 Acme': #9 'add “research” on #1 Acme' "
        r"\(cli, [^)]+\) changed the same card since\n",
        result.err,
    )
    assert rows(db_path) == before


def test_a_change_made_by_another_program_stops_undo(cards, fu, db_path):
    ok(fu("log", "1", "reply", "--note", "see you then"))
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE contacts SET note = 'fixed in sqlite3' WHERE card_id = 1")
    conn.close()
    result = fu("undo")
    assert (result.code, result.err) == (
        1,
        "followup: error: cannot undo #7 'log reply on #1 Acme': another program changed the same contact since\n",
    )
    assert query(db_path, "SELECT note FROM contacts WHERE card_id = 1") == [("fixed in sqlite3",)]
    assert query(db_path, "SELECT count(*) FROM row_changes WHERE action_id > 7") == [(0,)]  # not journaled


def test_undo_and_redo_with_nothing_to_do_exit_1(fu, db_path):
    assert (fu("undo").code, fu("undo").err) == (1, "followup: error: nothing to undo\n")
    assert (fu("redo").code, fu("redo").err) == (1, "followup: error: nothing to redo\n")


def test_history_of_a_missing_database_creates_nothing(fu, db_path):
    assert ok(fu("history")) == "no changes recorded yet\n"
    assert not db_path.exists()
    assert fu("history", "-n", "0").code == 2


def test_an_action_that_changes_nothing_is_not_recorded(cards, fu, db_path):
    count = query(db_path, "SELECT count(*) FROM actions")
    with Store.open(db_path) as store:
        store.update_card(1, {"role": "Backend"}, NOW)
        assert store.last_action_id is None
    assert query(db_path, "SELECT count(*) FROM actions") == count


def test_undo_and_delete_leave_other_cards_people_alone(fu, db_path, tmp_path):
    """A person shared by two cards (an import can link one person to both) stays while one card links them."""
    ok(fu("add", "Acme", "--interviewer", "Dana Kim"))
    ok(fu("add", "Globex"))
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO card_people (card_id, person_id, relation) VALUES (2, 1, 'network')")
    conn.close()
    ok(fu("delete", "1", "--yes"))
    assert query(db_path, "SELECT name FROM people") == [("Dana Kim",)]
    ok(fu("undo"))
    assert query(db_path, "SELECT card_id, person_id FROM card_people ORDER BY card_id") == [(1, 1), (2, 1)]


def test_the_journal_keeps_the_last_1000_actions(db_path):
    with Store.open(db_path) as store:
        card_id = store.add_card(NewCard(company="Acme", interview_at=NOW), NOW)
        for n in range(1005):
            store.prep_changes(card_id, [f"item {n}"])
        ids = [row[0] for row in store.conn.execute("SELECT id FROM actions ORDER BY id")]
        assert ids == list(range(7, 1007))
        assert store.conn.execute("SELECT min(action_id) FROM row_changes").fetchone() == (7,)
        with pytest.raises(StoreError, match="#6 is no longer in the undo journal"):
            store.undo(6)
        store.undo(1006)
        assert store.conn.execute("SELECT count(*) FROM prep_items").fetchone() == (1004,)


def test_trimming_and_the_change_log_use_indexes_not_scans(db_path):
    """Writes at 10,000 cards must cost what they cost at 100 (bench/journal.py measures it)."""
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    statements = (
        "DELETE FROM row_changes WHERE action_id <= 5",
        "DELETE FROM actions WHERE id <= 5",
        "SELECT card_id FROM row_changes WHERE action_id > 5",
    )
    for sql in statements:
        plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING" in plan and "SCAN" not in plan, (sql, plan)
    conn.close()


def test_changed_cards_since_names_what_other_actions_touched(cards, fu, db_path):
    with Store.open(db_path) as board:
        seen = board.journal_head()
        ok(fu("log", "2", "reply"))
        ok(fu("person", "1", "Dana Kim"))
        changed, latest = board.changed_cards_since(seen)
        assert (changed, latest) == ({1, 2}, seen + 2)
        assert board.changed_cards_since(latest) == (None, latest)  # nothing journaled since: the caller reads all
    with Store.open(db_path) as store:  # a rename of a person shows on every card that links them
        store.conn.execute("INSERT INTO card_people (card_id, person_id, relation) VALUES (2, 1, 'network')")
        with store.transaction("rename"):
            store.conn.execute("UPDATE people SET name = 'Jane Roe' WHERE id = 1")
        assert store.changed_cards_since(latest) == ({1, 2}, latest + 1)


def test_an_old_database_gets_the_journal(db_path, fu):
    make_old_database(db_path, 4)
    ok(fu("log", "1", "thank-you"))
    ok(fu("undo"))
    assert query(db_path, "SELECT stage FROM cards") == [("thank-you",)]
    assert query(db_path, "SELECT count(*) FROM contacts") == [(0,)]


def test_a_column_added_later_is_journaled_once_the_triggers_are_made_again(cards, db_path):
    with Store.open(db_path) as store:
        store.conn.execute("ALTER TABLE cards ADD COLUMN salary TEXT")
        journal.install(store.conn)
        with store.transaction("set salary on {card}"):
            store.conn.execute("UPDATE cards SET salary = '100k' WHERE id = 1")
        assert store.history(1)[0].label == "set salary on #1 Acme"
        store.undo()
        assert store.conn.execute("SELECT salary FROM cards WHERE id = 1").fetchone() == (None,)


def test_two_writers_and_an_undoer_at_once(tmp_path):
    """Two shells add cards while a third undoes: never 'database is locked', and every count adds up."""
    path = tmp_path / "busy.db"
    Store.open(path).close()

    def start(*args):
        return subprocess.Popen(
            [sys.executable, str(HELPERS / "journal_loop.py"), str(path), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    shells = [start("add", "left-", "40"), start("add", "right-", "40")]
    deadline = time.monotonic() + 60
    while not query(path, "SELECT count(*) FROM cards")[0][0] >= 4 and time.monotonic() < deadline:
        time.sleep(0.02)  # the undoer starts once there is something to undo, the writers still writing
    shells.append(start("undo", "25"))
    outputs = [shell.communicate(timeout=300) for shell in shells]
    assert [shell.returncode for shell in shells] == [0, 0, 0], outputs
    lines = [line for out, _ in outputs for line in out.splitlines()]
    assert not any("locked" in line for line in lines)
    adds = [line for out, _ in outputs[:2] for line in out.splitlines()]
    assert len(adds) == 80 and all(line.startswith("0 ") for line in adds)
    undos = outputs[2][0].splitlines()
    undone = [line for line in undos if line.startswith("0 undone #")]
    assert all(line == "1 followup: error: nothing to undo" for line in undos if line not in undone)
    assert undone and all(re.fullmatch(r"0 undone #\d+: add #\d+ (left|right)-\d+", line) for line in undone)
    in_effect = query(
        path,
        "SELECT count(*) FROM actions a WHERE undo_of IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM actions u WHERE u.undo_of = a.id)",
    )[0][0]
    assert query(path, "SELECT count(*) FROM cards")[0][0] == 80 - len(undone) == in_effect
    assert query(path, "SELECT count(*) FROM people")[0][0] == 80 - len(undone)  # each card's interviewer with it
    assert query(path, "SELECT count(*) FROM cards WHERE rules_key IS NULL") == [(0,)]  # every plan remade
    assert query(path, "SELECT count(*) FROM journal_now") == [(0,)]
