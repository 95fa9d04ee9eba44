"""Storage: migrations, refusals, transactions, pragmas and file modes (SPEC §7)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from datetime import UTC, datetime

import pytest

from followup_tui.domain.model import Kind, Outcome, Stage
from followup_tui.storage import dbfile
from followup_tui.storage.dbfile import APPLICATION_ID, StoreError
from followup_tui.storage.migrations import latest_version, migrations
from followup_tui.storage.store import SCHEMA_VERSION, NewCard, Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add(store: Store, company: str = "Acme", **kw) -> int:
    return store.add_card(NewCard(company=company, interview_at=NOW, **kw), NOW)


def test_migrations_count_matches_schema_version():
    assert latest_version() == SCHEMA_VERSION


def test_new_database_is_private_migrated_and_tagged(tmp_path):
    path = tmp_path / "sub" / "f.db"
    with Store.open(path) as store:
        pragmas = {
            name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in (
                "journal_mode",
                "synchronous",
                "foreign_keys",
                "busy_timeout",
                "user_version",
                "application_id",
            )
        }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": dbfile.BUSY_TIMEOUT_MS,
        "user_version": SCHEMA_VERSION,
        "application_id": APPLICATION_ID,
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_tables_are_readable_in_plain_sqlite(tmp_path):
    path = tmp_path / "f.db"
    with Store.open(path) as store:
        card_id = add(store, role="Backend Engineer", interviewers=[("Jane Doe", "jane@acme.com")])
        store.log_contact(card_id, Kind.THANK_YOU, NOW, NOW)
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT company, role, stage, round, interview_at FROM cards").fetchone()
    assert row == ("Acme", "Backend Engineer", "waiting", 1, "2026-11-26T10:00:00+00:00")
    assert conn.execute(
        "SELECT p.name, l.relation FROM people p JOIN card_people l ON l.person_id = p.id"
    ).fetchall() == [("Jane Doe", "interviewer")]
    assert conn.execute("SELECT kind, channel FROM contacts").fetchall() == [("thank-you", "email")]


def test_zero_byte_file_becomes_a_database(tmp_path):
    path = tmp_path / "f.db"
    path.touch()
    with Store.open(path) as store:
        assert add(store) == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a database at all, just text" * 10, "not an SQLite database"),
        (os.urandom(4096), "not an SQLite database"),
    ],
)
def test_non_sqlite_files_are_refused_untouched(tmp_path, content, message):
    path = tmp_path / "f.db"
    path.write_bytes(content)
    before = sha(path)
    with pytest.raises(StoreError, match=message):
        Store.open(path)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.db"]


def test_someone_elses_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(StoreError, match="not a followup-tui one"):
        Store.open(path)
    with pytest.raises(StoreError, match="not a followup-tui one"):
        Store.open_readonly(path)
    assert sha(path) == before


def test_newer_schema_is_refused_by_writers_and_readers(tmp_path):
    path = tmp_path / "f.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = sha(path)
    for opener in (Store.open, Store.open_readonly):
        with pytest.raises(StoreError, match="newer followup-tui"):
            opener(path)
    assert sha(path) == before


def test_corrupt_file_is_refused_untouched(tmp_path):
    path = tmp_path / "f.db"
    with Store.open(path) as store:
        for n in range(50):
            add(store, f"Company {n}", notes="x" * 500)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)  # smash the schema page
    path.write_bytes(bytes(data))
    before = sha(path)
    with pytest.raises(StoreError, match="corrupt"), Store.open(path) as store:
        store.bundles()
    assert sha(path) == before


def test_directory_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)


def test_read_only_file_is_refused_for_writing_but_readable(tmp_path):
    path = tmp_path / "f.db"
    with Store.open(path) as store:
        add(store)
    path.chmod(0o400)
    before = sha(path)
    with pytest.raises(StoreError, match="read-only"):
        Store.open(path)
    with Store.open_readonly(path) as reader:
        assert [b.card.company for b in reader.bundles()] == ["Acme"]
    assert sha(path) == before


def test_missing_file_is_not_created_by_readers(tmp_path):
    path = tmp_path / "nope.db"
    assert Store.open_readonly(path) is None
    assert not path.exists()


def test_failed_migration_leaves_schema_and_version_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "f.db"
    path.touch()

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("injected failure")

    monkeypatch.setattr(migrations._migrations[-1], "fn", broken)
    with pytest.raises(RuntimeError, match="injected"):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []


def test_an_action_is_all_or_nothing(tmp_path):
    with Store.open(tmp_path / "f.db") as store:
        with pytest.raises(StoreError, match="needs a name"):
            add(store, interviewers=[("Jane", ""), ("   ", "")])
        assert store.bundles() == []


def test_long_and_hostile_text_is_stored_exactly(tmp_path):
    note = "é" * 100_000
    name = 'O\'Brien "Bob" 🦊 שלום [bold]x[/] \x1b[31mred\x1b[0m'
    with Store.open(tmp_path / "f.db") as store:
        card_id = add(store, name, notes=note, interviewers=[(name, "")])
        bundle = store.get(card_id)
    assert bundle.card.company == name
    assert bundle.card.notes == note
    assert bundle.people[0].name == name


def test_transitions_from_logging(tmp_path):
    with Store.open(tmp_path / "f.db") as store:
        card_id = add(store)
        store.log_contact(card_id, Kind.THANK_YOU, NOW, NOW)
        assert store.get(card_id).card.stage == Stage.WAITING
        round_at = datetime(2026, 12, 2, 15, tzinfo=UTC)
        store.log_contact(card_id, Kind.INVITE, NOW, NOW, round_at=round_at)
        card = store.get(card_id).card
        assert (card.stage, card.next_round_at) == (Stage.NEXT_ROUND, round_at)
        store.move(card_id, Stage.THANK_YOU, NOW)
        card = store.get(card_id).card
        assert (card.stage, card.round, card.interview_at, card.next_round_at) == (Stage.THANK_YOU, 2, round_at, None)
        earlier = datetime(2026, 8, 1, tzinfo=UTC)
        store.log_contact(card_id, Kind.REJECTION, earlier, NOW)
        card = store.get(card_id).card
        assert (card.stage, card.outcome, card.stage_entered_at) == (Stage.STAY_IN_TOUCH, Outcome.REJECTED, earlier)


def test_every_contact_logged_moves_the_cards_updated_at(tmp_path):
    later = datetime(2026, 11, 27, 9, tzinfo=UTC)
    with Store.open(tmp_path / "f.db") as store:
        card_id = add(store)
        store.log_contact(card_id, Kind.THANK_YOU, NOW, NOW)
        store.log_contact(card_id, Kind.FOLLOW_UP, NOW, later)  # no transition, logged a day later
        assert store.get(card_id).card.updated_at == later


def test_closed_cards_take_no_contacts_until_reopened(tmp_path):
    with Store.open(tmp_path / "f.db") as store:
        card_id = add(store)
        store.close_card(card_id, NOW)
        assert store.get(card_id).card.outcome == Outcome.WITHDRAWN
        with pytest.raises(StoreError, match="closed"):
            store.log_contact(card_id, Kind.FOLLOW_UP, NOW, NOW)
        assert store.get(card_id).contacts == []
        store.reopen(card_id, NOW)
        card = store.get(card_id).card
        assert (card.closed, card.outcome) == (False, Outcome.OPEN)


def test_delete_removes_history_and_orphaned_people(tmp_path):
    with Store.open(tmp_path / "f.db") as store:
        card_id = add(store, interviewers=[("Jane", "")])
        store.log_contact(card_id, Kind.THANK_YOU, NOW, NOW, person="Jane")
        store.prep_changes(card_id, ["research"])
        store.delete(card_id)
        counts = [
            store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("cards", "contacts", "people", "card_people", "prep_items")
        ]
    assert counts == [0, 0, 0, 0, 0]
