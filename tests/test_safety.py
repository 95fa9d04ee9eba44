"""Files we must not harm and errors that must stay one line (SPEC §7, issue 14).

Every path here is inside the test's own tmp_path: FIFOs, sockets, links and device nodes are
made there (we run as root: never name a real device). Read-only media and full disks are real
ones, made in a private mount namespace (`unshare -m`) that vanishes with the command.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from followup_tui.storage import dbfile
from followup_tui.storage.dbfile import StoreError
from followup_tui.storage.outfile import PARTIAL_PREFIX
from followup_tui.storage.store import Store


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def acme(fu, db_path) -> Path:
    assert fu("add", "Acme", "--note", "private").code == 0
    return db_path


def fifo(tmp_path: Path, name: str = "pipe") -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def unix_socket(tmp_path: Path, request) -> Path:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    request.addfinalizer(server.close)
    return path


def char_device(tmp_path: Path) -> Path:
    """A character device node of our own (major 1, minor 3: what /dev/null is) inside tmp_path."""
    path = tmp_path / "device"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


def one_line_error(result, *words: str, code: int = 1) -> None:
    assert result.code == code, (result.out, result.err)
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1, result.err
    for word in words:
        assert word in result.err, result.err


# --- special files: refused by type before anything opens them -----------------------------------


@pytest.mark.parametrize("make", ["fifo", "socket", "device"])
def test_special_files_are_refused_as_database_backup_and_export(make, fu, acme, tmp_path, request):
    target = {
        "fifo": lambda: fifo(tmp_path),
        "socket": lambda: unix_socket(tmp_path, request),
        "device": lambda: char_device(tmp_path),
    }[make]()
    kind = {"fifo": "a FIFO", "socket": "a socket", "device": "a device"}[make]
    before = target.lstat()
    for args in (
        ["--db", target, "add", "Globex"],
        ["--db", target, "list"],
        ["--db", target, "status"],
        ["--db", target, "doctor"],
    ):
        result = fu(*args)  # a FIFO used to block here for ever
        assert result.code == 1 and kind in result.err + result.out, (args, result)
    one_line_error(fu("backup", target), kind)
    one_line_error(fu("export", "--format", "json", "-o", target), kind)
    after = target.lstat()
    assert (after.st_mode, after.st_uid, after.st_mtime_ns) == (before.st_mode, before.st_uid, before.st_mtime_ns)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_link_to_a_device_is_refused_as_the_database_and_not_chmodded(fu, tmp_path):
    device = char_device(tmp_path)
    before = mode(device)
    link = tmp_path / "db-link"
    link.symlink_to(device)
    one_line_error(fu("--db", link, "add", "Acme"), "a device")
    assert mode(device) == before != 0o600


def test_outputs_never_follow_a_symbolic_link(fu, acme, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("do not overwrite")
    link = tmp_path / "export.json"
    link.symlink_to(precious)
    before = sha(precious)
    one_line_error(fu("export", "-o", link), "symbolic link")
    one_line_error(fu("backup", link), "symbolic link")
    assert sha(precious) == before and link.is_symlink()
    dangling = tmp_path / "new.db"
    dangling.symlink_to(tmp_path / "elsewhere" / "made.db")
    (tmp_path / "elsewhere").mkdir()
    one_line_error(fu("--db", dangling, "add", "Acme"), "symbolic link to nothing")
    assert not (tmp_path / "elsewhere" / "made.db").exists()


# --- backups ------------------------------------------------------------------------------------


def test_backup_never_overwrites_a_file_that_is_not_a_backup_of_ours(fu, acme, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (notes, other, empty):
        before = sha(path)
        one_line_error(fu("backup", path), "is not a followup backup")
        assert sha(path) == before
    one_line_error(fu("backup", acme), "the database itself")
    mine = tmp_path / "mine.db"
    assert fu("backup", mine).code == 0
    assert fu("add", "Globex").code == 0
    assert fu("backup", mine).code == 0  # a backup of ours is replaced
    assert sqlite3.connect(mine).execute("SELECT count(*) FROM cards").fetchone()[0] == 2


def test_backup_to_a_folder_with_or_without_a_trailing_slash(fu, acme, tmp_path):
    made = fu("backup", f"{tmp_path / 'new' / 'deep'}/")
    assert made.code == 0
    (copy,) = (tmp_path / "new" / "deep").iterdir()
    assert copy.name == "followup-20261126-100000.db" and made.out.strip().endswith(str(copy))
    existing = tmp_path / "existing"
    existing.mkdir()
    assert fu("backup", existing).code == 0
    assert [p.name for p in existing.iterdir()] == ["followup-20261126-100000.db"]


def test_outputs_are_private_whatever_the_umask(fu, acme, tmp_path):
    old = os.umask(0)
    try:
        assert fu("export", "-o", tmp_path / "out.json").code == 0
        assert fu("export", "--format", "csv", "-o", tmp_path / "out.csv").code == 0
        assert fu("backup", tmp_path / "copy.db").code == 0
        assert fu("backup").code == 0
        assert fu("--db", tmp_path / "new" / "a" / "b.db", "add", "Acme").code == 0
    finally:
        os.umask(old)
    for name in ("out.json", "out.csv", "copy.db", "new/a/b.db"):
        assert mode(tmp_path / name) == 0o600, name
    for folder in ("new", "new/a", "backups"):
        assert mode(tmp_path / folder) == 0o700, folder
    (backup,) = (tmp_path / "backups").iterdir()
    assert mode(backup) == 0o600


def test_an_export_is_complete_or_not_there(fu, acme, tmp_path, monkeypatch):
    from followup_tui.storage import outfile

    target = tmp_path / "out.json"
    target.write_text("the previous export")

    def broken(chunks):
        yield b'{"half": '
        raise OSError(28, "No space left on device")

    real = outfile.write_private
    monkeypatch.setattr(outfile, "write_private", lambda path, content: real(path, broken(content)))
    one_line_error(fu("export", "-o", target), "No space left on device")
    assert target.read_text() == "the previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(PARTIAL_PREFIX)] == []


def test_killed_backups_leave_partials_that_the_next_backup_and_doctor_remove(fu, acme, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    stale = folder / f"{PARTIAL_PREFIX}dead0001-followup-20261126-090000.db"
    stale.write_bytes(b"x" * 5000)
    (folder / f"{stale.name}-journal").write_bytes(b"j" * 100)
    busy = folder / f"{PARTIAL_PREFIX}busy0001-followup-20261126-095959.db"
    busy.write_bytes(b"y" * 10)
    holder = os.open(busy, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a backup still being written, by another process
    try:
        assert fu("backup").code == 0
        assert sorted(p.name for p in folder.iterdir()) == [busy.name, "followup-20261126-100000.db"]
        stale.write_bytes(b"x" * 5000)
        doctor = fu("doctor")
        assert "leftovers: removed 1 partial file(s) of interrupted backups (5,000 bytes)" in doctor.out
        assert busy.exists() and not stale.exists()
    finally:
        os.close(holder)
    assert "removed 1 partial" in fu("doctor").out and not busy.exists()


def test_backups_made_at_once_in_one_folder_all_succeed(acme, tmp_path):
    """Each backup first removes the partial files of killed ones: a partial another backup has
    just created, and not yet locked, must survive that (it once vanished mid-copy: disk I/O error)."""
    from followup_tui.domain.clock import now
    from followup_tui.storage.backup import backup

    folder = tmp_path / "copies"
    folder.mkdir()
    errors: list[str] = []

    def backups(n: int) -> None:
        for i in range(60):
            try:
                backup(acme, folder / f"copy-{n}-{i}.db", now())
            except StoreError as exc:
                errors.append(str(exc))

    threads = [threading.Thread(target=backups, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(list(folder.glob("copy-*.db"))) == 360
    assert [p for p in folder.iterdir() if p.name.startswith(PARTIAL_PREFIX)] == []


def test_a_backup_killed_mid_copy_leaves_only_a_partial_that_is_cleaned_up(acme, tmp_path):
    code = f"""
import os
from followup_tui.storage import backup
backup.finish = lambda *args: os._exit(9)  # as kill -9 when the copy is made, before it is renamed
from datetime import datetime, timezone
backup.backup(__import__('pathlib').Path({str(acme)!r}), __import__('pathlib').Path({str(tmp_path / "copy.db")!r}),
              datetime.now(timezone.utc))
"""
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 9
    left = [p for p in tmp_path.iterdir() if p.name.startswith(PARTIAL_PREFIX)]
    assert left and not (tmp_path / "copy.db").exists()
    from followup_tui.domain.clock import now
    from followup_tui.storage.backup import backup

    backup(acme, tmp_path / "copy.db", now())
    assert [p for p in tmp_path.iterdir() if p.name.startswith(PARTIAL_PREFIX)] == []
    assert sqlite3.connect(tmp_path / "copy.db").execute("SELECT company FROM cards").fetchall() == [("Acme",)]


# --- no writes into a damaged file ------------------------------------------------------------


def damage(path: Path) -> None:
    """Overwrite the root page of the cards table (bytes on disk go bad)."""
    with Store.open(path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = store.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cards'").fetchone()[0]
        size = store.conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[(root - 1) * size : root * size] = b"\xff" * size
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged(fu, db_path) -> Path:
    for n in range(60):
        assert fu("add", f"Company {n}", "--note", "x" * 800, "--interviewer", f"Person {n}").code == 0
    damage(db_path)
    return db_path


def test_writers_refuse_a_damaged_file_and_readers_say_so_in_one_line(fu, damaged, tmp_path):
    before = sha(damaged)
    document = tmp_path / "in.json"
    document.write_text('{"format": "followup-tui export", "version": 1, "people": [], "cards": []}')
    for args in (
        ["add", "Acme"],
        ["log", "1", "thank-you"],
        ["move", "1", "waiting"],
        ["prep", "1", "--add", "x"],
        ["close", "1"],
        ["delete", "1", "--yes"],
        ["import", document],
    ):
        one_line_error(fu(*args), "damaged", "nothing was written", "followup doctor")
    fix = fu("doctor", "--fix")
    assert fix.code == 1 and "fix: not fixed: the file itself is damaged" in fix.out
    for args in (["list"], ["list", "--all"], ["show", "1"], ["export"], ["export", "--format", "csv"]):
        one_line_error(fu(*args), "doctor")
    for args in (["status"], ["status", "--json"]):  # what status reads (an index, its plans) may be intact
        result = fu(*args)
        assert result.code == 0 or "doctor" in result.err and "Traceback" not in result.err
    assert sha(damaged) == before
    doctor = fu("doctor")
    assert doctor.code == 1 and "FAIL  integrity" in doctor.out


def test_quick_check_runs_only_when_the_file_changed_since_it_was_found_clean(fu, acme, monkeypatch):
    checks = []
    real = dbfile.connect_readonly

    def counting(path):
        conn = real(path)
        conn.set_trace_callback(lambda sql: checks.append(sql) if "quick_check" in sql else None)
        return conn

    monkeypatch.setattr(dbfile, "connect_readonly", counting)  # health.check reads through it
    assert fu("add", "Globex").code == 0 and fu("log", "1", "thank-you").code == 0
    assert checks == []  # the file is as our last writer left it
    conn = sqlite3.connect(acme)
    conn.execute("UPDATE cards SET notes = 'edited in sqlite3'")
    conn.commit()
    conn.close()
    assert fu("add", "Hooli").code == 0 and len(checks) == 1
    assert fu("add", "Initech").code == 0 and len(checks) == 1


# --- read-only media, unwritable folders, a full disk ---------------------------------------------


def _namespaces() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


needs_mounts = pytest.mark.skipif(not _namespaces(), reason="needs root and unshare -m for a private mount")


def in_namespace(setup: str, *args: str) -> subprocess.CompletedProcess:
    """Run `followup ARGS` after `setup` (mount commands) in a mount namespace of its own."""
    command = " ".join(f"'{a}'" for a in (sys.executable, "-m", "followup_tui", *map(str, args)))
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", f"{setup} && exec {command}"], capture_output=True, text=True, timeout=60
    )


@needs_mounts
def test_a_database_on_read_only_media_is_still_read_and_never_called_corrupt(fu, acme, tmp_path):
    assert fu("add", "Globex").code == 0
    before = sha(acme)
    read_only = f"mount --bind {tmp_path} {tmp_path} && mount -o remount,bind,ro {tmp_path}"
    outside = tmp_path.parent / f"{tmp_path.name}-out"
    outside.mkdir()
    for args in (
        ["status"],
        ["status", "--short"],
        ["list"],
        ["show", "1"],
        ["export"],
        ["doctor"],
        ["backup", outside / "copy.db"],
    ):
        done = in_namespace(read_only, "--db", acme, *args)
        assert done.returncode == 0 and not done.stderr.strip(), (args, done.stderr)
        assert "corrupt" not in done.stdout
    assert "Acme" in in_namespace(read_only, "--db", acme, "list").stdout
    assert sqlite3.connect(outside / "copy.db").execute("SELECT count(*) FROM cards").fetchone()[0] == 2
    for args in (["add", "Hooli"], ["log", "1", "thank-you"], ["backup"], ["export", "-o", tmp_path / "x.json"]):
        done = in_namespace(read_only, "--db", acme, *args)
        assert done.returncode == 1 and "Traceback" not in done.stderr and "corrupt" not in done.stderr, args
        assert "read-only" in done.stderr.lower(), (args, done.stderr)
    assert sha(acme) == before
    shutil.rmtree(outside)


@needs_mounts
def test_a_full_disk_says_no_space_and_loses_nothing(fu, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    db = disk / "f.db"
    fill = f"dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null; true"
    setup = f"mount -t tmpfs -o size=512k tmpfs {disk} && {sys.executable} -m followup_tui --db {db} add Acme"
    done = in_namespace(f"{setup} >/dev/null && {fill}", "--db", db, "add", "Globex", "--note", "x" * 20000)
    assert done.returncode == 1 and "no space left on device" in done.stderr.lower(), done.stderr
    assert "Traceback" not in done.stderr and "corrupt" not in done.stderr
    done = in_namespace(f"{setup} >/dev/null && {fill}", "--db", db, "export", "-o", disk / "out.json")
    assert done.returncode == 1 and "no space left on device" in done.stderr.lower(), done.stderr
    listed = in_namespace(
        f"{setup} >/dev/null && {fill} && {sys.executable} -m followup_tui --db {db} add Hooli "
        f"--note {'y' * 20000} 2>/dev/null; true",
        "--db",
        db,
        "list",
    )
    assert listed.returncode == 0 and "Acme" in listed.stdout and "Hooli" not in listed.stdout


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("chattr"), reason="chattr +i needs root")
def test_an_unwritable_folder_is_named_and_reads_still_work(fu, acme, tmp_path):
    folder = acme.parent
    Store.open(acme).close()
    if subprocess.run(["chattr", "+i", folder], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable attribute")
    try:
        one_line_error(fu("add", "Globex"), "read-only")
        assert fu("list").code == 0 and "Acme" in fu("list").out
        assert fu("status", "--short").code == 0
    finally:
        subprocess.run(["chattr", "-i", folder], check=True)


# --- paths and values that used to crash ---------------------------------------------------------


def test_an_empty_database_path_is_an_error_not_the_default(fu, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # had the default been used, it would land here
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    one_line_error(fu("--db", "", "add", "Acme"), "--db ''", code=2)
    one_line_error(fu("--db", "", "status"), "--db ''", code=2)
    monkeypatch.setenv("FOLLOWUP_DB", "")
    for args in (["list"], ["status"], ["status", "--short"], ["add", "Acme"]):
        one_line_error(fu(*args), "FOLLOWUP_DB ''", code=2)
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    "args, words",
    [
        (["show", "99999999999999999999"], "no card"),
        (["log", "18446744073709551616", "thank-you"], "no card #"),
        (["show", "0"], "no card"),
        (["--now", "in 99999999 days", "list"], "outside the years"),
        (["--now", "in 99999999 days", "status"], "outside the years"),
        (["--now", "9999-12-31T23:59:59", "status", "--short"], "outside the years"),
        (["add", "Acme", "--follow-up-on", "9999-12-31"], "--follow-up-on: '9999-12-31' is outside the years"),
        (["add", "Acme", "--at", "1850-01-01"], "--at: '1850-01-01' is outside the years"),
        (["log", "1", "invite", "--round-at", "in 99999999 weeks"], "--round-at"),
    ],
)
def test_out_of_range_values_are_clean_errors_and_write_nothing(args, words, fu, acme):
    before = sha(acme)
    one_line_error(fu(*args), words)
    assert sha(acme) == before


def test_ascii_only_output_falls_back_to_ascii_separators(acme, fu):
    assert fu("add", "Zürich Ltd", "--role", "SRE — platform").code == 0

    def run(encoding: str, *args: str) -> tuple[int, bytes, str]:
        done = subprocess.run(
            [sys.executable, "-m", "followup_tui", *args],
            capture_output=True,
            timeout=60,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )
        return done.returncode, done.stdout, done.stderr.decode(encoding, "replace")

    for encoding in ("ascii", "latin-1"):
        for args in (
            ["status"],
            ["status", "--short"],
            ["list"],
            ["show", "2"],
            ["list", "--json"],
            ["doctor"],
            ["show", "9"],
            ["export", "--format", "csv"],
        ):
            code, out, err = run(encoding, *args)
            assert code in (0, 1) and "Error" not in err and "Traceback" not in err, (encoding, args, err)
            if encoding != "ascii" or args[0] == "status":  # (click takes an ASCII stdout for a mistake: UTF-8)
                out.decode(encoding)  # what was printed is what the stream can carry
    assert run("ascii", "status", "--short")[1] == b"2 due - 2 active\n"
    assert b"thank-you 2 - waiting 0" in run("ascii", "status")[1]
    assert b"Z\\u00fcrich Ltd - SRE - platform" in run("ascii", "status")[1]
    assert run("latin-1", "status", "--short")[1] == "2 due \u00b7 2 active\n".encode("latin-1")


async def test_the_board_stops_with_one_line_and_a_failure_code_when_the_file_breaks(fu, acme):
    from followup_tui.domain.config import Config
    from followup_tui.tui.app import FollowupApp

    app = FollowupApp(Store.open(acme), Config())
    with pytest.raises(StoreError, match="no such table: prep_items"):
        async with app.run_test(size=(120, 40)) as pilot:
            conn = sqlite3.connect(acme)
            conn.execute("DROP TABLE prep_items")
            conn.commit()
            conn.close()
            await pilot.pause(1.5)  # the board polls for other writers every second
    assert app.return_code == 1


def test_the_header_is_not_read_with_a_plain_file_while_a_connection_holds_it(tmp_path, monkeypatch):
    """Closing a plain descriptor of the file would drop SQLite's POSIX locks on it (Linux)."""
    from followup_tui.storage import dbfile
    from followup_tui.storage.store import Store

    path = tmp_path / "f.db"
    Store.open(path).close()
    reads = []
    real = dbfile._check_magic
    monkeypatch.setattr(dbfile, "_check_magic", lambda p: (reads.append(p), real(p)))
    dbfile.inspect(path)
    assert reads == [path]  # nobody holds it: the header is checked
    held = Store.open(path)
    reads.clear()
    dbfile.inspect(path)
    Store.open(path).close()
    assert reads == []  # the board's own connection holds it: SQLite's locks stay
    held.close()
    dbfile.inspect(path)
    assert reads == [path]
