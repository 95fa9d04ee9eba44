"""`followup doctor`: is the database healthy? Reads only; never changes the file."""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from . import dbfile

WAL_WARN_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Check:
    ok: bool
    name: str
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def examine(path: Path) -> list[Check]:
    checks = [_file(path)]
    if not checks[0].ok:
        return checks
    try:
        state = dbfile.inspect(path)
    except dbfile.StoreError as exc:
        return checks + [Check(False, "database", str(exc))]
    if not state.exists:
        return checks + [Check(True, "database", "empty file: the next change makes it a new database")]
    checks.append(_version(state.version))
    conn = dbfile.connect_readonly(path)
    try:
        checks += [_integrity(conn), _foreign_keys(conn)]
    except sqlite3.DatabaseError as exc:
        checks.append(Check(False, "integrity", f"cannot read: {exc}"))
    finally:
        conn.close()
    return checks + [_mode(path), _wal(path)]


def _file(path: Path) -> Check:
    if not path.exists():
        return Check(False, "file", f"{path} does not exist (it is made by the first change)")
    if not path.is_file():
        return Check(False, "file", f"{path} is not a file")
    return Check(True, "file", f"{path} ({path.stat().st_size:,} bytes)")


def _version(version: int) -> Check:
    if version < dbfile.SCHEMA_VERSION:
        return Check(True, "schema", f"version {version}, upgraded to {dbfile.SCHEMA_VERSION} by the next change "
                                     "(a backup is taken first)")
    return Check(True, "schema", f"version {version} (current)")


def _integrity(conn: sqlite3.Connection) -> Check:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if problems == ["ok"]:
        return Check(True, "integrity", "ok")
    return Check(False, "integrity", f"{len(problems)} problem(s), first: {problems[0]}")


def _foreign_keys(conn: sqlite3.Connection) -> Check:
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not broken:
        return Check(True, "links", "every contact, person link and prep item belongs to a card")
    return Check(False, "links", f"{len(broken)} row(s) point at missing records (first in table {broken[0][0]})")


def _mode(path: Path) -> Check:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Check(False, "privacy", f"mode {mode:04o}: others can read your job search (chmod 600 {path})")
    return Check(True, "privacy", f"mode {mode:04o}")


def _wal(path: Path) -> Check:
    wal = path.with_name(path.name + "-wal")
    size = wal.stat().st_size if wal.exists() else 0
    if size > WAL_WARN_BYTES:
        return Check(False, "journal", f"the write-ahead log is {size:,} bytes; close other followup windows")
    return Check(True, "journal", f"write-ahead log {size:,} bytes")
