"""No writes into a damaged file (SPEC §7): a writer runs SQLite's `quick_check` first, unless the
file is exactly as it was when last found clean.

Checking costs about 30 ms at 10,000 cards; comparing the file's size, time and inode with the
ones remembered beside it (`followup.db-checked`) costs nothing. Our own writes leave the file
clean, so a writer remembers it on closing; a file changed by anything else (another tool, a
disk going bad, a board's checkpoint) is checked again by the next writer.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from . import dbfile


def check(path: Path) -> None:
    """Refuse to write into a damaged file (quick_check), unless it is as it was when last found clean."""
    stamp = _stamp(path)
    if stamp is None or stamp == _remembered(path):
        return
    conn = dbfile.connect_readonly(path)
    try:
        verdict = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        verdict = str(exc)
    finally:
        conn.close()
    if verdict != "ok":
        raise dbfile.StoreError(
            f"{path} is damaged ({' '.join(verdict.split())}); nothing was written. Run `followup doctor`"
        )
    remember(path, stamp)


def remember(path: Path, stamp: str | None = None) -> None:
    """Note that the file as it is now is clean (after a check, or after our own writes)."""
    stamp = stamp or _stamp(path)
    if stamp is None or stamp == _remembered(path):
        return
    checked = _checked_path(path)
    try:
        if not stat.S_ISREG(checked.lstat().st_mode):
            return  # something else sits there: not ours to replace
    except FileNotFoundError:
        pass
    except OSError:
        return
    try:  # O_NONBLOCK: never wait on a FIFO; O_NOFOLLOW: never write through a link
        fd = os.open(checked, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK, 0o600)
    except OSError:
        return  # a read-only folder: we check every time
    try:
        os.write(fd, stamp.encode())
    except OSError:
        pass  # a full disk: the next writer checks the file again
    finally:
        os.close(fd)


def _checked_path(path: Path) -> Path:
    return path.with_name(path.name + "-checked")


def _stamp(path: Path) -> str | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_ino} {info.st_size} {info.st_mtime_ns}\n"


def _remembered(path: Path) -> str | None:
    try:
        fd = os.open(_checked_path(path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        return os.read(fd, 100).decode("ascii", "replace") if stat.S_ISREG(os.fstat(fd).st_mode) else None
    finally:
        os.close(fd)
