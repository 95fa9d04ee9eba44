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
from collections import Counter, namedtuple
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from ..domain.files import special_kind

APPLICATION_ID = 0x46555450  # "FUTP"
SCHEMA_VERSION = 15  # the number of migrations in migrations.py
# The oldest schema whose data tables readers understand: m002 and m003 only added
# the rule plans' cache. Raise it when a migration changes what readers select.
READABLE_FROM = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The database cannot be used as asked; the message is one line for the user."""


class NoCard(StoreError):
    """No card has this id (never had, or it was deleted: by another program while a form was open)."""

    def __init__(self, card_id: int) -> None:
        super().__init__(f"no card #{card_id}")
        self.card_id = card_id


TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see the docstring)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import NamedTuple

    # Readers take the path as text too: `followup status` leaves pathlib unloaded (~3 ms)
    AnyPath = str | os.PathLike[str]

    class FileState(NamedTuple):  # the running code's is a collections.namedtuple, as config.py's
        exists: bool  # False for a missing or 0-byte file (a new, empty database)
        version: int = 0  # user_version

else:
    FileState = namedtuple("FileState", ["exists", "version"], defaults=[0])


def open_reader(path: AnyPath) -> sqlite3.Connection | None:
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
    found: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return found


def inspect(path: Path) -> FileState:
    """Say what the file at `path` is, refusing anything we must not touch."""
    if not _has_content(path):
        return FileState(exists=False)
    conn = connect_readonly(path)
    try:
        return FileState(exists=True, version=_check_ours(conn, path))
    finally:
        conn.close()


def _has_content(path: AnyPath) -> bool:
    """False for a missing or 0-byte file; refuses a directory, a device, a FIFO, a socket (checked
    before anything opens it: a FIFO would block) or a file that is not SQLite."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path} is a directory, not a database file")
    kind = special_kind(info.st_mode)
    if kind:
        raise StoreError(f"{path} is {kind}, not a database file (refusing to touch it)")
    if info.st_size == 0:
        return False
    if not _OPEN[(info.st_dev, info.st_ino)]:  # (see _OPEN)
        _check_magic(path)
    return True


# How many connections of this process have each file (device, inode) open. While one has, its
# header is not read again with a plain file: on Linux, closing any descriptor of a file drops every
# POSIX lock the process holds on it, SQLite's included, and another process could then delete the
# WAL in use (the board syncing with the calendar once corrupted a file that way). SQLite's own
# connections share their descriptors and never do that.
_OPEN: Counter[tuple[int, int]] = Counter()


class _Counted(sqlite3.Connection):
    """A connection that counts itself in _OPEN from connect to close."""

    key: tuple[int, int] | None = None

    def count(self, path: AnyPath) -> None:
        try:
            info = os.stat(path)
        except OSError:
            return  # nothing there to read the header of either
        self.key = (info.st_dev, info.st_ino)
        _OPEN[self.key] += 1

    def close(self) -> None:
        if self.key is not None:
            _OPEN[self.key] -= 1
            self.key = None
        super().close()


def _check_magic(path: AnyPath) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not an SQLite database (refusing to touch it)")


def _check_ours(conn: sqlite3.Connection, path: AnyPath) -> int:
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
        raise StoreError(
            f"{path} was written by a newer followup-tui (schema {found}, this one knows "
            f"{SCHEMA_VERSION}); upgrade followup-tui to open it"
        )
    return found


def corrupt(path: AnyPath, exc: Exception) -> StoreError:
    return StoreError(f"{path} is corrupt or unreadable ({exc}); run `followup doctor`")


def explain(path: Path, exc: sqlite3.Error, doing: str = "use") -> StoreError:
    """An SQLite error as one line that says what is wrong: a full disk or a read-only medium is not
    a corrupt file."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if (
        name == "SQLITE_FULL"
        or "disk is full" in str(exc)
        or (name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and _disk_full(path))
    ):
        return StoreError(
            f"cannot {doing} {path}: no space left on device (the database or disk is full); nothing was changed"
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in str(exc):
        return StoreError(f"cannot {doing} {path}: {read_only_reason(path)}; read commands still work")
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError(f"cannot {doing} {path}: unable to open the database file ({read_only_reason(path)}?)")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(f"cannot {doing} {path}: another program holds it locked ({exc}); try again")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc):
        return corrupt(path, exc)
    if name.startswith("SQLITE_IOERR"):
        return StoreError(f"cannot {doing} {path}: disk I/O error ({exc})")
    return StoreError(f"cannot {doing} {path}: {exc}; run `followup doctor`")


def _disk_full(path: Path) -> bool:
    """SQLite says 'disk I/O error' when it cannot grow its -shm on a full disk: ask the file system."""
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except OSError:
        return False


def read_only_reason(path: Path) -> str:
    """Why we cannot write beside `path`, in the user's words."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only"
    return "it is read-only"


def connect_readonly(path: AnyPath) -> sqlite3.Connection:
    """A connection that can never write the file (SQLite may add -wal/-shm).

    On read-only media (or in a folder we cannot write) SQLite cannot make the -shm
    that WAL reading needs; a file whose changes are all in it (no -wal) is then
    read as immutable."""
    uri = _file_uri(path)
    try:
        conn = _reader(f"{uri}?mode=ro", path)
    except sqlite3.OperationalError as exc:
        # SQLite could not make the -shm: read-only media or folder (CANTOPEN), a full disk (IOERR)
        from pathlib import Path

        if not getattr(exc, "sqlite_errorname", "").startswith(
            ("SQLITE_CANTOPEN", "SQLITE_IOERR")
        ) or not os.path.isfile(path):
            raise explain(Path(path), exc, "read") from None
        if _wal_size(path):
            raise StoreError(
                f"cannot read {path}: {read_only_reason(Path(path))}, and its last changes are still in "
                f"{Path(path).name}-wal; open it once where it can be written"
            ) from None
        conn = _reader(f"{uri}?mode=ro&immutable=1", path)
    except sqlite3.DatabaseError as exc:
        raise corrupt(path, exc) from None
    return conn


_URI_KEEPS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/")


def _file_uri(path: AnyPath) -> str:
    """Path(path).resolve().as_uri(), without importing pathlib and urllib (see AnyPath)."""
    if os.name != "posix":
        from pathlib import Path

        return Path(path).resolve().as_uri()
    raw = os.fsencode(os.path.realpath(path))
    return "file://" + "".join(chr(byte) if byte in _URI_KEEPS else f"%{byte:02X}" for byte in raw)


def _reader(uri: str, path: AnyPath) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, factory=_Counted)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA schema_version").fetchone()  # opens the file now: fail here, not mid-read
        conn.count(path)
    except BaseException:
        conn.close()
        raise
    return conn


def _wal_size(path: AnyPath) -> int:
    try:
        return os.stat(f"{path}-wal").st_size
    except FileNotFoundError:
        return 0


def create_private(path: Path) -> None:
    """Make a new empty file readable by its owner only (it holds personal data), in new folders
    made the same way. A 0-byte file already there (SPEC §7: a new database) becomes private too."""
    from .outfile import make_folder

    make_folder(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        _adopt_empty(path)
        return
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc.strerror}") from None
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def remove_if_empty(path: Path) -> None:
    """Remove a database this command made and left without a card (an import that failed), with the
    files SQLite and the health check keep beside it: a failed first import leaves nothing behind.
    Only regular files, never through a link; a file that holds a card stays."""
    try:
        conn = sqlite3.connect(f"{_file_uri(path)}?mode=ro", uri=True)
        try:
            empty = conn.execute("SELECT count(*) FROM cards").fetchone()[0] == 0
        finally:
            conn.close()
    except sqlite3.Error:
        return
    if not empty:
        return
    for name in ("", "-wal", "-shm", "-journal", "-checked"):
        found = path.with_name(path.name + name)
        if found.is_file() and not found.is_symlink():
            found.unlink()


def _adopt_empty(path: Path) -> None:
    try:
        info = path.stat()
    except OSError:
        raise StoreError(f"{path} is a symbolic link to nothing (refusing to create a file through it)") from None
    if not stat.S_ISREG(info.st_mode) or info.st_size:
        raise StoreError(f"{path} changed while it was being opened; try again")
    if stat.S_IMODE(info.st_mode) != 0o600:
        os.chmod(path, 0o600)


def check_writable(path: Path) -> None:
    """Refuse a file we cannot write (root would otherwise ignore the mode), or one in a folder
    where SQLite cannot put its journal, before anything is written."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & stat.S_IWUSR or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(f"cannot change {path}: {read_only_reason(path)} (read commands still work)")


def _switch_to_wal(conn: sqlite3.Connection) -> None:
    """Switching a file from a rollback journal to WAL takes an exclusive lock, and SQLite answers
    BUSY at once, without waiting, when two processes switch it together (each holds the shared lock
    the other must see go: waiting could deadlock). One of them goes on; the other tries again."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY") or time.monotonic() > deadline:
                raise
        time.sleep(0.02)


@contextmanager
def written_once(conn: sqlite3.Connection) -> Iterator[None]:
    """Fill a database this command has just made (an import) with a rollback journal, then go back
    to WAL. In WAL every page is written twice, to the log and again at the checkpoint: 800 MB each
    way for 100,000 cards. A rollback journal keeps only the pages the file had before (the empty
    schema): the new pages are written once, a rollback or a crash truncates the file back, and
    the commit is as atomic. Nobody else has the new file open, or the switch is skipped (BUSY).

    Foreign keys are off meanwhile: a new file's rows are checked once, at the end of the fill
    (bulk.filled_new), not row by row as they are written (SQLite can only switch them outside a
    transaction)."""
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.OperationalError:  # another connection already: stay in WAL
        yield
        return
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        conn.execute("PRAGMA foreign_keys=ON")
        with suppress(sqlite3.OperationalError):  # busy: the next connection to write switches it (connect_writer)
            _switch_to_wal(conn)


def connect_writer(path: Path) -> sqlite3.Connection:
    """A read-write connection with the pragmas SPEC §7 asks for."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, factory=_Counted)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.count(path)
        _switch_to_wal(conn)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise explain(path, exc, "write") from None
    return conn
