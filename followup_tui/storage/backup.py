"""Consistent copies of a live database (SPEC §7), with SQLite's online backup API.

The copy is written to a private temporary file in the destination folder
(outfile.partial), checked with `quick_check`, flushed to disk and only then
renamed into place: a backup that is interrupted leaves nothing under the
final name, and what a killed one leaves is removed by the next backup (and
by `doctor`). A destination that exists must be a backup of ours: an
unrelated file is never overwritten.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from . import dbfile
from .dbfile import StoreError, connect_readonly
from .outfile import check_output, clean_partials, describe, finish, make_folder, partial

KEEP = 10


def default_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup(db_path: Path, dest: Path | str | None, now: datetime, label: str = "") -> Path:
    """Copy the database at `db_path` to `dest`: a file, or a folder to name one in (an existing
    folder, or a path written with a trailing '/'); None: the default folder, keeping the last KEEP."""
    target = _target(db_path, dest, now, label)
    make_folder(target.parent)
    clean_partials(target.parent)
    source = connect_readonly(db_path)
    try:
        copy(source, target)
    finally:
        source.close()
    if dest is None:
        prune(target.parent, db_path.stem)
    return target


def _target(db_path: Path, dest: Path | str | None, now: datetime, label: str) -> Path:
    named = f"{db_path.stem}-{now.astimezone():%Y%m%d-%H%M%S}{label}.db"
    if dest is None:
        return default_folder(db_path) / named
    if not str(dest):
        raise StoreError("the backup destination is empty; name a file or a folder")
    folder_meant, dest = str(dest).endswith(("/", os.sep)), Path(dest)
    if folder_meant or dest.is_dir():
        return dest / named
    if check_output(dest, "backup destination") is not None:
        _check_replaceable(db_path, dest)
    return dest


def _check_replaceable(db_path: Path, dest: Path) -> None:
    """Only a backup of ours may be replaced: anything else, or the database itself, is refused."""
    if db_path.exists() and os.path.samefile(db_path, dest):
        raise StoreError(f"{dest} is the database itself; name another file")
    try:
        state = dbfile.inspect(dest)
    except StoreError:
        state = None
    if state is None or not state.exists:
        raise StoreError(
            f"{dest} exists and is not a followup backup (refusing to overwrite it); name a new file or a folder"
        )


def copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy the database behind `source` to `target` (a regular file or nothing), all or nothing."""
    try:
        with partial(target) as (temporary, fd):
            copy_conn = sqlite3.connect(temporary)
            try:
                source.backup(copy_conn)
                # the copy's structure is what is checked: a value another tool wrote against a CHECK
                # (a stage no one knows) is the database's own, which doctor names
                copy_conn.execute("PRAGMA ignore_check_constraints=ON")
                verdict = copy_conn.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                copy_conn.close()
            if verdict != "ok":
                raise StoreError(f"the backup did not check out ({verdict}); nothing was saved")
            finish(temporary, fd, target)
    except OSError as exc:
        raise StoreError(f"cannot write the backup {target}: {describe(exc)}") from None
    except sqlite3.Error as exc:
        raise StoreError(f"cannot write the backup {target}: {_sqlite_words(exc)}") from None


def _sqlite_words(exc: sqlite3.Error) -> str:
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" or "disk is full" in str(exc):
        return "no space left on device"
    if "readonly" in str(exc):
        return "read-only"
    return str(exc)


def prune(folder: Path, stem: str) -> None:
    """Keep the newest KEEP automatic backups."""
    backups = sorted(folder.glob(f"{stem}-*.db"))
    for old in backups[:-KEEP]:
        old.unlink(missing_ok=True)
