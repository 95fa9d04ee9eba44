"""Opening the database file safely (SPEC §7).

Everything here decides *before* anything is written: a directory, a file that
is not SQLite, an SQLite file that is not ours, a schema newer than this code,
or a corrupt file is refused with one clear line and left byte-for-byte as it
was. Only then does a writer switch on WAL. No sqlite-utils here: the
read-only path (`followup status`) must stay light.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections import namedtuple
from pathlib import Path

APPLICATION_ID = 0x46555450  # "FUTP"
SCHEMA_VERSION = 5  # the number of migrations in migrations.py
# The oldest schema whose data tables readers understand: m002 and m003 only added
# the rule plans' cache. Raise it when a migration changes what readers select.
READABLE_FROM = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The database cannot be used as asked; the message is one line for the user."""


# exists: False for a missing or 0-byte file (a new, empty database); version: user_version
FileState = namedtuple("FileState", ["exists", "version"], defaults=[0])


def open_reader(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to our database; None when there is none yet (nothing is created).

    A file of an older schema (from READABLE_FROM on) is read as it is: readers
    never migrate, that would write. Its rule plans are not used (see `version`).
    """
    if not _has_content(path):
        return None
    conn = connect_readonly(path)  # the one connection both checks the file and reads it
    try:
        found = _check_ours(conn, path)
    except BaseException:
        conn.close()
        raise
    if found == 0:
        conn.close()
        return None
    if found < READABLE_FROM:
        conn.close()
        raise StoreError(f"{path} uses an older schema; any command that changes something upgrades it")
    return conn


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def inspect(path: Path) -> FileState:
    """Say what the file at `path` is, refusing anything we must not touch."""
    if not _has_content(path):
        return FileState(exists=False)
    conn = connect_readonly(path)
    try:
        return FileState(exists=True, version=_check_ours(conn, path))
    finally:
        conn.close()


def _has_content(path: Path) -> bool:
    """False for a missing or 0-byte file; refuses a directory or a file that is not SQLite."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path} is a directory, not a database file")
    if info.st_size == 0:
        return False
    _check_magic(path)
    return True


def _check_magic(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not an SQLite database (refusing to touch it)")


def _check_ours(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of our database at `path`; refuses anyone else's, a newer one, a corrupt one."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        found = version(conn)
        has_tables = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' LIMIT 1").fetchone()
    except sqlite3.DatabaseError as exc:
        raise corrupt(path, exc) from None
    if app_id == 0 and not has_tables:
        return 0
    if app_id != APPLICATION_ID:
        raise StoreError(f"{path} is an SQLite database but not a followup-tui one (refusing to touch it)")
    if found > SCHEMA_VERSION:
        raise StoreError(f"{path} was written by a newer followup-tui (schema {found}, this one knows "
                         f"{SCHEMA_VERSION}); upgrade followup-tui to open it")
    return found


def corrupt(path: Path, exc: Exception) -> StoreError:
    return StoreError(f"{path} is corrupt or unreadable ({exc}); run `followup doctor`")


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that can never write the file (SQLite may add -wal/-shm)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except sqlite3.DatabaseError as exc:
        raise corrupt(path, exc) from None
    return conn


def create_private(path: Path) -> None:
    """Make a new empty file readable by its owner only (it holds personal data)."""
    parent = path.parent
    if not parent.exists():
        try:
            parent.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise StoreError(f"cannot create folder {parent}: {exc.strerror}") from None
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc.strerror}") from None
    os.close(fd)
    os.chmod(path, 0o600)


def check_writable(path: Path) -> None:
    """Refuse a file the user made read-only (root would otherwise ignore the mode)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise StoreError(f"{path} is read-only; make it writable to change it (read commands still work)")


def connect_writer(path: Path) -> sqlite3.Connection:
    """A read-write connection with the pragmas SPEC §7 asks for."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot open {path} for writing: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise corrupt(path, exc) from None
    return conn
