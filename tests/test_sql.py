"""Using the database from SQL (README "Using SQL", migration m006): rows inserted by other tools get
their uid, timestamps and stage; their changes move cards.updated_at; v_cards and v_contacts read
like the app."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from old_files import make_old_database

from followup_tui.storage import search
from followup_tui.storage.dbfile import SCHEMA_VERSION
from followup_tui.storage.store import Store

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def outside(db_path, *statements: str) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys=ON")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def rows(db_path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def old_file_with_a_contact(tmp_path, version: int, note: str = "") -> Path:
    """A file of schema `version`: Acme, Jane linked to it, her thank-you (with `note`), a prep item."""
    path = tmp_path / "old.db"
    make_old_database(path, version)
    path.chmod(0o600)
    outside(
        path,
        "INSERT INTO people (uid, name) VALUES ('p1', 'Jane')",
        "INSERT INTO card_people (card_id, person_id) VALUES (1, 1)",
        "INSERT INTO contacts (uid, card_id, at, kind, person_id, note) "
        f"VALUES ('c1', 1, '2026-11-25T12:00:00+00:00', 'thank-you', 1, '{note}')",
        "INSERT INTO prep_items (uid, card_id, position, text) VALUES ('i1', 1, 1, 'read up')",
    )
    return path


def test_upgrading_keeps_every_contact_link_and_prep_item(tmp_path, fu):
    """m006 rebuilds the parent tables: with foreign keys on, dropping one would delete its children."""
    path = old_file_with_a_contact(tmp_path, 4)
    assert fu("--db", path, "add", "Globex").code == 0  # a writer upgrades the file
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(path, "SELECT count(*) FROM contacts") == rows(path, "SELECT count(*) FROM card_people") == [(1,)]
    assert rows(path, "SELECT count(*) FROM prep_items") == [(1,)]
    assert rows(path, "SELECT person_id FROM contacts") == [(1,)]
    assert rows(path, "PRAGMA foreign_key_check") == []
    shown = json.loads(fu("--db", path, "show", "1", "--json").out)
    assert [c["person"] for c in shown["contacts"]] == ["Jane"] and shown["stage"] == "thank-you"
    doctor = fu("--db", path, "doctor")
    assert doctor.code == 0 and "tables: every table, column, index, trigger and view is there" in doctor.out


def test_a_row_inserted_with_sql_gets_its_uid_times_and_stage(fu, db_path):
    assert fu("add", "Acme").code == 0
    outside(
        db_path,
        "INSERT INTO cards (company, role) VALUES ('Globex', 'SRE')",
        "INSERT INTO contacts (card_id, kind) VALUES (2, 'reply')",
        "INSERT INTO people (name) VALUES ('Raj')",
        "INSERT INTO prep_items (card_id, position, text) VALUES (2, 1, 'research')",
    )
    (card,) = rows(
        db_path,
        "SELECT uid, stage, outcome, round, interview_at, stage_entered_at, created_at, updated_at "
        "FROM cards WHERE company = 'Globex'",
    )
    assert UUID.fullmatch(card[0]) and card[1:4] == ("thank-you", "open", 1)
    assert all(CANONICAL.fullmatch(value) for value in card[4:])
    for table in ("contacts", "people", "prep_items"):
        (uid,) = rows(db_path, f"SELECT uid FROM {table}")[-1]
        assert UUID.fullmatch(uid), table
    assert CANONICAL.fullmatch(rows(db_path, "SELECT at FROM contacts")[0][0])
    assert len({uid for (uid,) in rows(db_path, "SELECT uid FROM cards UNION ALL SELECT uid FROM contacts")}) == 3
    shown = json.loads(fu("show", "2", "--json").out)
    assert (shown["company"], shown["stage"], shown["problems"]) == ("Globex", "thank-you", [])
    assert [c["kind"] for c in shown["contacts"]] == ["reply"] and shown["prep_total"] == 1


def test_a_change_made_with_sql_moves_updated_at_but_the_app_keeps_its_own_clock(fu, db_path):
    assert fu("add", "Acme", "--interviewer", "Jane").code == 0
    assert fu("log", "1", "follow-up").code == 0  # no stage change: the app's clock (frozen in tests) stays
    assert rows(db_path, "SELECT updated_at FROM cards") == [("2026-11-26T10:00:00+00:00",)]
    old = "UPDATE cards SET updated_at = '2000-01-01T00:00:00+00:00'"
    outside(db_path, old, "UPDATE prep_items SET done = 1")  # the card has no prep items: nothing changed
    assert rows(db_path, "SELECT updated_at FROM cards") == [("2000-01-01T00:00:00+00:00",)]
    for statement in (
        "INSERT INTO contacts (card_id, kind) VALUES (1, 'reply')",
        "INSERT INTO prep_items (card_id, position, text) VALUES (1, 1, 'x')",
        "UPDATE prep_items SET done = 1",
        "UPDATE people SET title = 'CTO'",
        "UPDATE card_people SET relation = 'network'",
        "DELETE FROM contacts WHERE kind = 'reply'",
    ):
        outside(db_path, old, statement)
        moved = rows(db_path, "SELECT updated_at FROM cards")[0][0]
        assert CANONICAL.fullmatch(moved) and moved > "2020", statement
        assert datetime.fromisoformat(moved) <= datetime.now(UTC)  # SQLite's clock, not a made-up one


def test_v_cards_reads_like_the_app_at_sqlites_now(seeded, tmp_path, fu):
    path = tmp_path / "f.db"
    shutil.copy(seeded, path)
    Store.open(path).close()  # the current schema: views and saved plans
    for _ in range(3):  # a minute may turn between the two reads: "in 5m" becomes "in 4m"
        now = datetime.now(UTC).replace(microsecond=0)
        listed = json.loads(fu("--db", path, "--now", now.isoformat(), "list", "--all", "--json").out)
        viewed = rows(path, "SELECT id, stage, outcome, closed, flags, reason, next_action, planned FROM v_cards")
        app = {
            (
                c["id"],
                c["stage"],
                c["outcome"],
                int(c["closed"]),
                ",".join(c["flags"]),
                c["reasons"][0] if c["reasons"] else None,
                c["next_action"]["kind"] if c["next_action"] else None,
                1,
            )
            for c in listed
        }
        if app == set(viewed):
            break
    assert app == set(viewed)
    assert len(viewed) == 150 and {
        flag for (flags,) in rows(path, "SELECT flags FROM v_cards") for flag in flags.split(",") if flag
    } == {"overdue", "too-frequent", "due", "no-reply"}


def test_v_cards_says_which_cards_the_app_has_not_planned_yet(fu, db_path):
    now = datetime.now(UTC).replace(microsecond=0).isoformat()  # the view reads at SQLite's now: the clock's
    assert fu("--now", now, "add", "Acme").code == 0
    outside(db_path, "INSERT INTO cards (company) VALUES ('Globex')")
    assert rows(db_path, "SELECT company, planned, flags FROM v_cards ORDER BY id") == [
        ("Acme", 1, "due"),
        ("Globex", 0, ""),
    ]
    assert fu("--now", now, "add", "Hooli").code == 0  # the app plans what it finds stale
    assert rows(db_path, "SELECT company, planned, flags FROM v_cards ORDER BY id") == [
        ("Acme", 1, "due"),
        ("Globex", 1, "due"),
        ("Hooli", 1, "due"),
    ]


def test_an_upgraded_file_s_v_cards_measures_a_later_round_s_thank_you(tmp_path):
    """m013 makes the view anew: the one made before left "round 2 was … ago" blank."""
    from datetime import timedelta

    from followup_tui.domain.model import Kind
    from followup_tui.storage.store import NewCard

    path = tmp_path / "old.db"
    make_old_database(path, 12)
    outside(path, "DROP VIEW v_cards", "CREATE VIEW v_cards AS SELECT 'as an older release made it' AS reason")
    now = datetime.now(UTC).replace(microsecond=0)
    with Store.open(path) as store:  # upgraded
        card = store.add_card(NewCard(company="Contoso", interview_at=now - timedelta(days=6)), now)
        store.log_contact(card, Kind.THANK_YOU, now - timedelta(days=5), now)
        store.log_contact(card, Kind.INVITE, now - timedelta(days=4), now, round_at=now - timedelta(minutes=150))
    assert rows(path, f"SELECT flags, reason FROM v_cards WHERE id = {card}") in (
        [("due", "round 2 was 2h ago — send a thank-you within 21h")],
        [("due", "round 2 was 3h ago — send a thank-you within 21h")],  # a minute went by since `now`
    )


def test_an_upgraded_file_keeps_its_uids_unique_and_its_search(tmp_path, fu):
    """m015 rebuilds contacts and prep_items (their uids unique by a named index, which an import can
    make at the end): every row and link stays, a repeated uid is still refused, and the search
    triggers (which read the view the rebuild makes anew) still keep the index."""
    path = old_file_with_a_contact(tmp_path, 14, note="sent the kubernetes notes")
    assert fu("--db", path, "add", "Globex").code == 0  # a writer upgrades the file
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(path, "SELECT uid, card_id, person_id, note FROM contacts") == [
        ("c1", 1, 1, "sent the kubernetes notes")
    ]
    assert rows(path, "SELECT uid, card_id, text FROM prep_items") == [("i1", 1, "read up")]
    for table, again in (
        ("contacts", "INSERT INTO contacts (uid, card_id, kind) VALUES ('c1', 2, 'reply')"),
        ("prep_items", "INSERT INTO prep_items (uid, card_id, position, text) VALUES ('i1', 2, 1, 'x')"),
    ):
        with closing(sqlite3.connect(path)) as conn, pytest.raises(sqlite3.IntegrityError, match=f"{table}.uid"):
            conn.execute(again)
    assert fu("--db", path, "log", "1", "reply", "--note", "loved the helm chart").code == 0
    with closing(sqlite3.connect(path)) as conn:
        assert search.matching(conn, "helm") == search.matching(conn, "kubernetes") == {1}
        assert search.in_step(conn)
    doctor = fu("--db", path, "doctor")
    assert doctor.code == 0 and "tables: every table, column, index, trigger and view is there" in doctor.out


def test_v_contacts_names_the_card_and_the_person(fu, db_path):
    assert fu("add", "Acme", "--role", "SRE", "--interviewer", "Jane Doe").code == 0
    assert fu("log", "1", "thank-you", "--person", "Jane Doe", "--note", "sent").code == 0
    assert fu("log", "1", "reply").code == 0
    assert rows(db_path, "SELECT company, role, kind, channel, person, note FROM v_contacts ORDER BY id") == [
        ("Acme", "SRE", "thank-you", "email", "Jane Doe", "sent"),
        ("Acme", "SRE", "reply", "email", None, ""),
    ]


def test_checks_without_in_lists_refuse_and_take_what_they_did(tmp_path, fu):
    """m012 rewrites each `CHECK (x IN (...))` as the same test without an IN list: the rows stay,
    what was refused is refused, what was taken is taken, and the file checks clean."""
    path = tmp_path / "old.db"
    make_old_database(path, 11)
    outside(
        path,
        "INSERT INTO contacts (uid, card_id, at, kind) VALUES ('c1', 1, '2026-11-25T12:00:00+00:00', 'reply')",
        "INSERT INTO people (uid, name) VALUES ('p1', 'Jane')",
        "INSERT INTO card_people (card_id, person_id) VALUES (1, 1)",
    )
    assert fu("--db", path, "add", "Globex").code == 0  # a writer upgrades the file
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(path, "SELECT name FROM sqlite_master WHERE sql LIKE '% IN (%' AND type = 'table'") == []
    assert rows(path, "SELECT uid, kind FROM contacts") == [("c1", "reply")]
    assert (
        "severity INTEGER NOT NULL,                  -- words.urgency"
        in rows(path, "SELECT sql FROM sqlite_master WHERE name = 'card_plans'")[0][0]
    )
    conn = sqlite3.connect(path, isolation_level=None)
    for table, column, good, bad in (
        ("contacts", "kind", "'offer'", "'Offer'"),
        ("contacts", "channel", "'in-person'", "'fax'"),
        ("cards", "stage", "'stay-in-touch'", "'archived'"),
        ("card_people", "relation", "'network'", "'friend'"),
    ):
        conn.execute(f"UPDATE {table} SET {column} = {good}")
        try:
            conn.execute(f"UPDATE {table} SET {column} = {bad}")
        except sqlite3.IntegrityError as refused:
            assert "CHECK constraint failed" in str(refused)
        else:
            raise AssertionError(f"{table}.{column} took {bad}")
    conn.close()
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]


class _Defensive(sqlite3.Connection):
    """A connection as an SQLite built with SQLITE_DBCONFIG_DEFENSIVE makes it: the schema table is read-only."""

    def executemany(self, sql, *args):
        if "sqlite_master" in sql:
            raise sqlite3.OperationalError("table sqlite_master may not be modified")
        return super().executemany(sql, *args)


def test_checks_stay_as_they_were_where_sqlite_refuses_to_edit_the_schema(tmp_path):
    """m012 only makes writes faster: where SQLite will not let the schema be edited, the file upgrades
    all the same, with its IN-list checks."""
    from sqlite_utils import Database

    from followup_tui.storage.migrations import migrations

    path = tmp_path / "old.db"
    make_old_database(path, 11)
    conn = sqlite3.connect(path, isolation_level=None, factory=_Defensive)
    migrations.apply(Database(conn))
    applied = [name for (name,) in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert "m012_checks_without_in_lists" in applied and len(applied) == SCHEMA_VERSION
    assert "kind IN ('thank-you'" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'contacts'").fetchone()[0]
    conn.close()
