"""Creating private files safely: the database, backups, exports (SPEC §7).

They hold a job search, so new files are 0600 and new folders 0700 whatever the
umask. A path is checked by file type *before* anything opens it: a device, a
FIFO (opening one for writing blocks forever) or a socket is refused, and so
is a symbolic link in the last place (we never write through one, nor chmod
what is not ours). Content goes to a temporary file in the destination folder
that is renamed into place only when complete; a temporary file left by a
killed process is recognised by its name and by holding no lock, and removed.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..domain.files import special_kind
from .dbfile import StoreError

PARTIAL_PREFIX = ".followup-partial-"


def check_output(path: Path, what: str = "") -> os.stat_result | None:
    """What is at `path` now (not following a link); None when nothing. Refuses what we must not write."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot use {path}: {exc.strerror}") from None
    label = f"{what} {path}".strip()
    kind = special_kind(info.st_mode)
    if kind:
        raise StoreError(f"{label} is {kind}, not a file (refusing to write to it)")
    if stat.S_ISLNK(info.st_mode):
        raise StoreError(f"{label} is a symbolic link (refusing to write through it; name the file itself)")
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{label} is a directory, not a file")
    return info


def make_folder(folder: Path) -> None:
    """Create `folder` and any missing parents, each readable by its owner only."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for new in reversed(missing):
        try:
            new.mkdir(mode=0o700)  # mkdir(parents=True) would make the parents with umask modes
        except FileExistsError:
            pass
        except OSError as exc:
            raise StoreError(f"cannot create folder {new}: {exc.strerror}") from None


@contextmanager
def partial(target: Path) -> Iterator[tuple[Path, int]]:
    """A new private temporary file beside `target`, locked while in use: (path, fd).

    The caller renames it into place with `finish`; if anything fails it is removed."""
    temporary, fd = _claim(target)
    try:
        yield temporary, fd
    finally:
        os.close(fd)
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            with suppress(FileNotFoundError):
                leftover.unlink()


def _claim(target: Path, tries: int = 5) -> tuple[Path, int]:
    """Create and lock a temporary file. Between its creation and its lock another process's
    clean_partials may find it unlocked and remove it: then it is no longer named, and a new one is made."""
    for _ in range(tries):
        temporary = target.with_name(f"{PARTIAL_PREFIX}{secrets.token_hex(4)}-{target.name}")
        try:
            fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_RDWR | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot write in {target.parent}: {exc.strerror}") from None
        try:
            os.fchmod(fd, 0o600)  # the umask may have taken bits away, never added: make it exact
            fcntl.flock(fd, fcntl.LOCK_EX)  # alive: clean_partials leaves it alone
            if _still_named(temporary, fd):
                return temporary, fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise StoreError(f"cannot write in {target.parent}: its temporary files keep disappearing")


def _still_named(path: Path, fd: int) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), path.lstat())
    except FileNotFoundError:
        return False


def finish(temporary: Path, fd: int, target: Path) -> None:
    """Flush the complete temporary file to disk and rename it to `target` (atomic)."""
    os.fsync(fd)
    os.replace(temporary, target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def write_private(path: Path, content: bytes | Iterable[bytes]) -> None:
    """Write `content` (bytes, or chunks of them as they are made) to a new private file at `path`."""
    check_output(path)
    if not path.parent.is_dir():
        raise StoreError(f"cannot write {path}: folder {path.parent} does not exist")
    chunks = [content] if isinstance(content, bytes) else content
    try:
        with partial(path) as (temporary, fd):
            with os.fdopen(os.dup(fd), "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            finish(temporary, fd, path)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {describe(exc)}") from None


def describe(exc: OSError) -> str:
    """The OS's words for a failed write: 'No space left on device', 'Read-only file system'..."""
    return exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))


def clean_partials(folder: Path) -> tuple[int, int]:
    """Remove what killed backups or exports left in `folder`: (files removed, bytes freed).

    A temporary file still being written holds its lock and is left alone."""
    removed = freed = 0
    try:
        found = sorted(p for p in folder.iterdir() if p.name.startswith(PARTIAL_PREFIX))
    except OSError:
        return 0, 0
    for path in found:
        if path.name.endswith("-journal") and path.with_name(path.name[: -len("-journal")]).exists():
            continue  # SQLite's journal of a partial copy goes with it
        for leftover in _remove_abandoned(path):
            removed, freed = removed + 1, freed + leftover
    return removed, freed


def _remove_abandoned(path: Path) -> list[int]:
    """Remove `path` (and its journal) if it is a regular file (or a stray link) that no live process
    holds locked, unlinking under our own lock so that its maker, if it just made it, sees it gone
    (`_claim`). The sizes of what was removed."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return []
    if stat.S_ISLNK(mode):
        return _unlink(path)  # we never make links: removing it touches nothing it points at
    if not stat.S_ISREG(mode):
        return []
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return []  # locked: a backup or export in progress
    try:
        return _unlink(path) if _still_named(path, fd) else []
    finally:
        os.close(fd)


def _unlink(path: Path) -> list[int]:
    sizes = []
    for leftover in (path, path.with_name(path.name + "-journal")):
        try:
            size = leftover.lstat().st_size
            leftover.unlink()
        except OSError:
            continue
        sizes.append(size)
    return sizes
