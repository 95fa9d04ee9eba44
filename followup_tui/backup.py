"""Consistent copies of a live database (SPEC §7), with SQLite's online backup API.

The copy is written to a temporary file beside the target, checked with
`quick_check`, flushed to disk and only then renamed into place: a backup
that is interrupted leaves nothing under the final name.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from .dbfile import StoreError, connect_readonly

KEEP = 10


def default_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup(db_path: Path, dest: Path | None, now: datetime, label: str = "") -> Path:
    """Copy the database at `db_path` to `dest` (a file, or a folder to name one in)."""
    if dest is None:
        folder = default_folder(db_path)
    elif dest.is_dir() or str(dest).endswith(os.sep):
        folder = dest
    else:
        folder = None
    target = dest if folder is None else folder / f"{db_path.stem}-{now.astimezone():%Y%m%d-%H%M%S}{label}.db"
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = connect_readonly(db_path)
    try:
        copy(source, target)
    finally:
        source.close()
    if dest is None:
        prune(target.parent, db_path.stem)
    return target


def copy(source: sqlite3.Connection, target: Path) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        copy_conn = sqlite3.connect(temporary)
        try:
            source.backup(copy_conn)
            verdict = copy_conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy_conn.close()
        if verdict != "ok":
            raise StoreError(f"the backup did not check out ({verdict}); nothing was saved")
        _fsync(temporary)
        os.replace(temporary, target)
        _fsync(target.parent)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot write the backup {target}: {exc}") from None
    finally:
        temporary.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune(folder: Path, stem: str) -> None:
    """Keep the newest KEEP automatic backups."""
    backups = sorted(folder.glob(f"{stem}-*.db"))
    for old in backups[:-KEEP]:
        old.unlink(missing_ok=True)
