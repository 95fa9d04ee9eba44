"""Data in and out: JSON round trip, CSV, Huntr, backup and doctor (SPEC §5, §7; the calendar feed: test_ics.py)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from old_files import make_old_database

from followup_tui.storage import backup as backups
from followup_tui.storage.dbfile import SCHEMA_VERSION, StoreError
from followup_tui.storage.store import Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_json_round_trip_is_byte_identical(proc, seeded, tmp_path):
    first = proc("--db", seeded, "export")
    assert first.code == 0
    (tmp_path / "export.json").write_text(first.out)
    fresh = tmp_path / "fresh.db"
    assert proc("--db", fresh, "import", tmp_path / "export.json").code == 0
    assert proc("--db", fresh, "export").out == first.out
    document = json.loads(first.out)
    assert document["format"] == "followup-tui export" and document["version"] == 1
    assert len(document["cards"]) == 150 and all("contacts" in c and "prep" in c for c in document["cards"])


def test_importing_twice_changes_nothing_and_known_uids_update(fu, seeded, tmp_path):
    exported = fu("--db", seeded, "export").out
    path = tmp_path / "export.json"
    path.write_text(exported)
    assert ", 150 cards," in fu("import", path).out
    assert fu("import", path).out.splitlines()[:2] == ["created: nothing", "updated: nothing"]
    document = json.loads(exported)
    document["cards"][0]["company"] = "Renamed Inc"
    path.write_text(json.dumps(document))
    assert fu("import", path).out.splitlines()[:2] == ["created: nothing", "updated: 1 card"]
    listed = json.loads(fu("list", "--all", "--json").out)
    assert len(listed) == 150 and "Renamed Inc" in {c["company"] for c in listed}


def test_dry_run_writes_nothing(fu, seeded, tmp_path, db_path):
    path = tmp_path / "export.json"
    path.write_text(fu("--db", seeded, "export").out)
    result = fu("import", path, "--dry-run")
    assert result.code == 0 and "would be created: " in result.out
    assert not db_path.exists()
    fu("add", "Acme")
    before = sha(db_path)
    assert "would be created" in fu("import", path, "--dry-run").out
    assert sha(db_path) == before


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"format": "followup-tui export", "version": 1,\n "cards": [}', "not valid JSON at line 2"),
        ('{"format": "something else"}', "not a followup-tui export"),
        ("\n [1, 2, 3]", "line 2: the file holds a list, not the JSON object an export is"),
        ("", "the file is empty, not the JSON object an export is"),
        (" \n\t\n", "the file is empty, not the JSON object an export is"),
        ('{"format": "followup-tui export", "version": 9}', "export version 9"),
        ('{"format": "followup-tui export", "version": 1, "people": [], "cards": [{"uid": "x"}]}', "card 'x': missing"),
    ],
)
def test_a_bad_file_is_named_and_nothing_is_imported(fu, tmp_path, db_path, content, message):
    fu("add", "Acme")
    before = sha(db_path)
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = fu("import", path)
    assert result.code == 1 and message in result.err and "nothing was imported" in result.err
    assert sha(db_path) == before


def test_a_bad_record_midway_rolls_back_everything(fu, seeded, tmp_path, db_path):
    document = json.loads(fu("--db", seeded, "export").out)
    document["cards"][30]["stage"] = "limbo"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    result = fu("import", path)
    assert result.code == 1 and '"limbo" is not a stage' in result.err
    assert json.loads(fu("list", "--all", "--json").out) == []


def test_backup_during_writes_is_consistent(tmp_path):
    path = tmp_path / "live.db"
    Store.open(path).close()
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"""
import time
from datetime import datetime, timezone
from followup_tui.storage.store import NewCard, Store
store = Store.open({str(path)!r})
now = datetime.now(timezone.utc)
end = time.time() + 3
while time.time() < end:
    store.add_card(NewCard(company="Busy", interview_at=now, notes="x" * 2000), now)
""",
        ]
    )
    try:
        _wait_for_a_card(path)  # the writer is writing: each copy is taken mid-stream
        made = [backups.backup(path, tmp_path / f"copy{n}.db", NOW) for n in range(5)]
    finally:
        writer.wait(timeout=30)
    for copy in made:
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM cards").fetchone()[0] > 0


def _wait_for_a_card(path, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("SELECT count(*) FROM cards").fetchone()[0]:
                return
        finally:
            conn.close()
        time.sleep(0.05)
    raise AssertionError("the writer wrote nothing")


def test_an_interrupted_backup_leaves_no_file(tmp_path, monkeypatch):
    path = tmp_path / "live.db"
    Store.open(path).close()

    class Crashing:
        def backup(self, target, **kw):
            raise sqlite3.OperationalError("disk I/O error (injected)")

        def close(self):
            pass

    monkeypatch.setattr(backups, "connect_readonly", lambda path: Crashing())
    with pytest.raises(StoreError, match="injected"):
        backups.backup(path, tmp_path / "copy.db", NOW)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("live.db")] == []  # no copy, no temp file


def test_default_backups_keep_the_last_ten(fu, db_path):
    fu("add", "Acme")
    for minute in range(12):
        assert fu("--now", f"2026-11-26T10:{minute:02d}:00+00:00", "backup").code == 0
    kept = sorted((db_path.parent / "backups").iterdir())
    assert len(kept) == 10 and kept[0].name == "followup-20261126-100200.db"
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"


def test_migrating_an_old_database_takes_a_backup_first(tmp_path):
    path = tmp_path / "old.db"
    make_old_database(path, 1, cards=False)
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    (copy,) = (tmp_path / "backups").iterdir()
    assert copy.name.endswith(f"-before-v{SCHEMA_VERSION}.db")
    assert sqlite3.connect(copy).execute("PRAGMA user_version").fetchone()[0] == 1


def test_doctor(fu, db_path, tmp_path):
    fu("add", "Acme")
    healthy = fu("doctor")
    assert healthy.code == 0 and healthy.out.strip().endswith("verdict: healthy")
    copy = tmp_path / "corrupt.db"
    data = bytearray(db_path.read_bytes())
    data[4096:8192] = os.urandom(4096)
    copy.write_bytes(bytes(data))
    before = sha(copy)
    sick = fu("--db", copy, "doctor")
    assert sick.code == 1 and "FAIL" in sick.out and "problem(s) found" in sick.out
    assert sha(copy) == before
    db_path.chmod(0o644)
    assert "FAIL  privacy" in fu("doctor").out


def test_the_format_follows_the_file_extension(fu, tmp_path):
    fu("add", "Acme", "--at", "2026-11-26 08:00")
    for name, start in (
        ("jobs.ics", b"BEGIN:VCALENDAR"),
        ("jobs.csv", b"\xef\xbb\xbfuid,company"),
        ("jobs.JSON", b'{\n  "format": "followup-tui export"'),
    ):
        assert fu("export", "-o", tmp_path / name).code == 0
        assert (tmp_path / name).read_bytes().startswith(start), name
    assert fu("export", "-o", tmp_path / "forced.txt", "--format", "csv").code == 0  # --format wins
    assert (tmp_path / "forced.txt").read_bytes().startswith(b"\xef\xbb\xbfuid,")
    other = tmp_path / "other.db"
    result = fu("--db", other, "import", tmp_path / "jobs.csv")
    assert result.code == 0 and result.out.startswith("created: 1 card"), result.err
    assert fu("--db", tmp_path / "third.db", "import", tmp_path / "jobs.JSON").out.startswith("created: 1 card")


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "-o", "jobs.txt"], "cannot tell the format of '.txt' files"),
        (["export", "-o", "jobs"], "cannot tell the format of jobs (no extension)"),
        (["import", "jobs.txt"], "cannot tell the format of '.txt' files"),
        (["import", "jobs.ics"], "an .ics file is export-only"),
        (["import", "jobs.json", "--stage-map", "x=waiting"], "go with CSV imports"),
    ],
)
def test_an_unknown_extension_is_a_usage_error(fu, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jobs.txt").write_text("{}")
    (tmp_path / "jobs.ics").write_text("BEGIN:VCALENDAR")
    fu("add", "Acme")
    result = fu(*args)
    assert result.code == 2 and message in result.err and len(result.err.splitlines()) == 1
    assert not (tmp_path / "jobs").exists()


def test_a_folder_to_import_is_refused_as_a_missing_file_is(fu, tmp_path):
    (tmp_path / "exports").mkdir()
    for path in (tmp_path / "exports", tmp_path / "missing.json"):
        result = fu("import", path)
        assert result.code == 1 and len(result.err.splitlines()) == 1, result.err
    assert "exports is a folder, not a file to import" in fu("import", tmp_path / "exports").err


def test_a_csv_named_json_says_what_is_wrong(fu, tmp_path):
    path = tmp_path / "jobs.json"
    path.write_text("Company,Status\nAcme,Interview\n")
    result = fu("import", path)
    assert result.code == 1 and "not valid JSON at line 1, column 1" in result.err
    assert fu("import", path, "--format", "csv").out.startswith("created: 1 card")


def test_an_export_piped_into_head_stops_quietly(seeded):
    reader = subprocess.Popen(
        [sys.executable, "-m", "followup_tui", "--db", str(seeded), "export"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout.readline() == b"{\n"
    reader.stdout.close()  # as `| head -1` does: the rest (far more than a pipe holds) has nowhere to go
    assert reader.wait(timeout=60) == 0 and reader.stderr.read() == b""


def test_a_cards_people_keep_their_order_through_export_and_import(fu, tmp_path):
    """QA: after export and import each card listed its people in uid order, and the thank-you draft
    went to someone else ("Hi Raj" for "Hi Lu")."""
    names = ["Lu Wei", "Raj Patel", "Ana Diaz", "Bo Chen", "Cy Lam", "Di Hart"]
    fu("add", "Acme", "--at", "yesterday 14:00", *(arg for name in names for arg in ("--interviewer", name)))
    exported = tmp_path / "out.json"
    fu("export", "-o", str(exported))
    again = tmp_path / "again.db"
    assert fu("--db", str(again), "import", str(exported)).code == 0
    for db in (None, str(again)):
        where = ("--db", db) if db else ()
        assert [p["name"] for p in json.loads(fu(*where, "show", "1", "--json").out)["people"]] == names
        assert "\nHi Lu,\n" in fu(*where, "draft", "1").out


def test_restoring_an_older_export_keeps_what_changed_here_since(fu, tmp_path):
    """QA: last week's export, imported to bring back a deleted card, put a card back to Waiting and
    dropped its round-2 date, though the invite stayed in its log."""
    fu("add", "Acme", "--at", "2026-11-20 10:00", "--interviewer", "Jane Doe")
    fu("add", "Globex", "--at", "2026-11-21 10:00")
    fu("log", "1", "thank-you", "--at", "2026-11-20 15:00")
    exported = tmp_path / "last-week.json"
    fu("export", "-o", str(exported))
    fu("--now", "2026-11-27 09:00", "log", "1", "invite", "--round-at", "2026-12-02 10:00")
    fu("--now", "2026-11-27 09:05", "delete", "2", "--yes")
    dry = fu("--now", "2026-11-27 10:00", "import", str(exported), "--dry-run")
    assert "kept: 1 card changed here since the file was made" in dry.out
    restored = fu("--now", "2026-11-27 10:00", "import", str(exported))
    assert restored.code == 0 and "created: 1 card" in restored.out and "kept: 1 card" in restored.out
    acme = json.loads(fu("--now", "2026-11-27 10:00", "show", "1", "--json").out)
    assert (acme["stage"], acme["next_round_at"]) == ("next-round", "2026-12-02T10:00:00+00:00")
    assert [c["kind"] for c in acme["contacts"]] == ["thank-you", "invite"]
    assert "Globex" in fu("--now", "2026-11-27 10:00", "list").out  # the deleted card is back
