"""SPEC §7 promises under stress: kill -9 at any moment, two writers at once, many openers."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC
from pathlib import Path

import pytest
from old_files import make_old_database

from followup_tui.storage.dbfile import SCHEMA_VERSION, StoreError
from followup_tui.storage.migrations import migrations
from followup_tui.storage.store import Store

HELPERS = Path(__file__).parent / "helpers"


def helper(name: str, *args) -> list[str]:
    return [sys.executable, str(HELPERS / name), *map(str, args)]


def check_consistent(path: Path, reported: list[str]) -> None:
    """Every reported action is there, and no action is half done."""
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cards = {cid: stage for cid, stage in conn.execute("SELECT id, stage FROM cards")}
    linked = {cid for (cid,) in conn.execute("SELECT card_id FROM card_people")}
    thanked = {cid for (cid,) in conn.execute("SELECT card_id FROM contacts WHERE kind = 'thank-you'")}
    for line in reported:
        verb, card_id = line.split()
        card_id = int(card_id)
        assert card_id in cards, line
        if verb == "log":
            assert card_id in thanked, line
        if verb == "move":
            assert cards[card_id] == "next-round", line
    assert linked == set(cards)  # a card and its interviewer are added together
    for card_id, stage in cards.items():  # a thank-you and the move to waiting happen together
        assert (card_id in thanked) == (stage != "thank-you"), (card_id, stage)
    stale = conn.execute("SELECT count(*) FROM cards WHERE rules_key IS NULL AND closed_at IS NULL").fetchone()[0]
    assert stale == 0  # each action saved the card's rule plan in its own transaction
    # each action's journal entry came with it: every card names the action that last changed it,
    # which the journal holds unless it is older than the last 1,000
    unjournaled = conn.execute(
        "SELECT count(*) FROM cards c WHERE c.last_action IS NULL OR (c.last_action >= (SELECT min(id) FROM actions) "
        "AND NOT EXISTS (SELECT 1 FROM row_changes r WHERE r.action_id = c.last_action AND r.tbl = 'cards'))"
    ).fetchone()[0]
    assert unjournaled == 0
    assert conn.execute("SELECT count(*) FROM journal_now").fetchone()[0] == 0
    conn.close()


@pytest.mark.slow
def test_kill_9_at_random_moments_loses_nothing_committed(tmp_path):
    path = tmp_path / "crash.db"
    Store.open(path).close()
    rng = random.Random(20261126)
    reported: list[str] = []
    for round_ in range(50):
        writer = subprocess.Popen(helper("writer.py", path, f"r{round_}-", 10_000), stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.15, 0.6))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        reported += out.split("\n")[:-1]  # a line cut short by the kill is not a report
        check_consistent(path, reported)
    assert len(reported) > 150  # the writer got real work done between kills


@pytest.mark.slow
def test_two_writers_at_once_lose_nothing(tmp_path):
    path = tmp_path / "busy.db"
    Store.open(path).close()
    board = subprocess.Popen(
        helper("writer.py", path, "board-", 167), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    shell = subprocess.Popen(
        helper("cli_loop.py", path, "shell-", 250), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    board_out, board_err = board.communicate(timeout=300)
    _, shell_err = shell.communicate(timeout=300)
    assert (board.returncode, shell.returncode) == (0, 0), board_err + shell_err
    assert "locked" not in board_err + shell_err
    conn = sqlite3.connect(path)
    counts = dict(conn.execute("SELECT substr(company, 1, 5), count(*) FROM cards GROUP BY 1"))
    assert counts == {"board": 167, "shell": 250}
    assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 167 + 250
    assert len(board_out.split()) == 2 * 3 * 167


def test_five_processes_opening_an_old_database_migrate_it_once(tmp_path):
    path = tmp_path / "old.db"
    make_old_database(path, 1)
    code = f"from followup_tui.storage.store import Store\nStore.open({str(path)!r}).close()"
    openers = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(5)]
    errors = [p.communicate(timeout=60)[1] for p in openers]
    assert [p.returncode for p in openers] == [0] * 5, errors
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    applied = [name for (name,) in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied == [m.name for m in migrations._migrations]
    assert conn.execute("SELECT company, rules_key IS NOT NULL FROM cards").fetchall() == [("Acme", 1)]
    copies = [p for p in (tmp_path / "backups").iterdir() if p.name.endswith(f"-before-v{SCHEMA_VERSION}.db")]
    assert len(copies) == 1  # made by the one that upgraded, of the file as it was
    assert sqlite3.connect(copies[0]).execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_full_disk_is_a_clear_error_and_loses_nothing(tmp_path, monkeypatch):
    path = tmp_path / "f.db"
    with Store.open(path) as store:
        from datetime import datetime

        from followup_tui.storage.store import NewCard

        now = datetime(2026, 11, 26, tzinfo=UTC)
        store.add_card(NewCard(company="Kept", interview_at=now), now)
        real_execute = store.conn.execute

        class FullDisk:
            """A connection whose COMMIT fails as on a full disk."""

            def __getattr__(self, name):
                return getattr(store.conn_real, name)

            def execute(self, sql, *args):
                if sql == "COMMIT":
                    raise sqlite3.OperationalError("database or disk is full")
                return real_execute(sql, *args)

        store.conn_real, store.conn = store.conn, FullDisk()
        with pytest.raises(StoreError, match="disk is full"):
            store.add_card(NewCard(company="Lost", interview_at=now), now)
        store.conn = store.conn_real
        assert [b.card.company for b in store.bundles()] == ["Kept"]


def _copies(exported: Path, times: int, into: Path) -> None:
    """The export with its cards `times` over, each copy with uids of its own (the same people)."""
    document = json.loads(exported.read_text())
    cards = []
    for n in range(times):
        for card in document["cards"]:
            card = {**card, "uid": f"{card['uid']}-{n}"}
            for part in ("contacts", "prep"):
                card[part] = [{**record, "uid": f"{record['uid']}-{n}"} for record in card[part]]
            cards.append(card)
    into.write_text(json.dumps({**document, "cards": cards}))


def _running(argument: str) -> list[int]:
    """The processes whose command line has this argument (Linux: /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if argument.encode() in cmdline.read_bytes().split(b"\0"):
                found.append(int(cmdline.parent.name))
        except OSError:  # gone meanwhile
            pass
    return found


@pytest.mark.slow
def test_kill_9_during_an_import_into_a_new_file_leaves_it_sound_and_empty(seeded, tmp_path):
    """A new database is filled with a rollback journal (dbfile.written_once): killed in the middle,
    the journal takes the file back to its empty schema, and the import can be run again."""
    exported, big, path = tmp_path / "export.json", tmp_path / "big.json", tmp_path / "new.db"
    followup = [sys.executable, "-m", "followup_tui", "--db"]
    subprocess.run([*followup, str(seeded), "export", "-o", str(exported)], check=True, capture_output=True)
    _copies(exported, 30, big)  # 4,500 cards
    importing = subprocess.Popen([*followup, str(path), "import", str(big)], stderr=subprocess.PIPE)
    journal = path.with_name("new.db-journal")
    deadline = time.monotonic() + 30
    while not journal.exists() and importing.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.2)  # well into the writing
    importing.send_signal(signal.SIGKILL)
    importing.wait()
    assert importing.returncode == -signal.SIGKILL, "the import ended before it was killed"
    deadline = time.monotonic() + 10  # its planner process dies with it (it was left blocked for good)
    while (left := _running(str(path))) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:  # not left behind on this machine either
        os.kill(pid, signal.SIGKILL)
    assert not left, "a process of the killed import is still running"
    with sqlite3.connect(path) as conn:  # the first to open the file rolls it back
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM cards").fetchone() == (0,)
    done = subprocess.run([*followup, str(path), "import", str(big)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM cards").fetchone() == (4500,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
