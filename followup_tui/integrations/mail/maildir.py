"""A Maildir, read through Python's `mailbox`, never written: files are opened for reading only.

`[mail] maildir` names a folder (with cur/ and new/) or the root of several (mbsync, offlineimap,
Maildir++ `.Sent`): each folder below it is scanned, but drafts, junk and trash. A folder whose
name is a Sent folder's holds your messages.

Incremental: a folder's mark is the latest inode change time (ctime) of the files the last scan
read, with the names of the files that had it (the clock ticks coarsely: another file may get the
same ctime after the scan). Delivering a message, moving it between folders or changing its flags (a rename) all
change its ctime, and nothing can set it back, so a re-scan reads only files changed since:
a 50,000-message folder costs one directory listing and one stat per file.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .errors import MailSettingError
from .message import Headers, read_headers

HEADER_LIMIT = 256 * 1024  # bytes read for a message's headers (a longer header block is cut there)
BODY_LIMIT = 2 * 1024 * 1024  # bytes read of a matched message for its text
_LEFT_OUT = ("drafts", "draft", "junk", "spam", "trash", "deleted", "deleted items", "deleted messages", "bin")


class MaildirFolder:
    def __init__(self, path: Path, name: str, sent: bool):
        self.path = path
        self.name = name
        self.sent = sent
        self.source = f"maildir:{path}"
        self.mark_after: dict = {}
        self._box = mailbox.Maildir(path, factory=None, create=False)

    def new_headers(self, mark: dict | None, since: datetime | None) -> Iterator[tuple[str, Headers]]:
        """(key, headers) of each message changed since `mark` (every one dated from `since`, if given)."""
        low = 0 if since is not None or not mark else int(mark.get("ctime_ns", 0))
        read_at_low = set() if since is not None or not mark else set(mark.get("names", ()))
        high, at_high = low, set(read_at_low)
        for key, ctime_ns, mtime in self._listing():
            if ctime_ns < low or (ctime_ns == low and key in read_at_low):
                continue
            if ctime_ns > high:
                high, at_high = ctime_ns, set()
            if ctime_ns == high:
                at_high.add(key)
            data = self._read(key, HEADER_LIMIT, headers_only=True)
            headers = None if data is None else read_headers(data, datetime.fromtimestamp(mtime, UTC))
            if headers is not None and (since is None or headers.at >= since):
                yield key, headers
        self.mark_after = {"ctime_ns": high, "names": sorted(at_high)}

    def bodies(self, keys: list[str]) -> dict[str, bytes]:
        found = {key: self._read(key, BODY_LIMIT) for key in keys}
        return {key: data for key, data in found.items() if data is not None}

    def _listing(self) -> Iterator[tuple[str, int, float]]:
        for sub in ("new", "cur"):
            try:
                entries = os.scandir(self.path / sub)
            except OSError:
                continue
            with entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:  # moved or deleted meanwhile: the next scan sees it where it went
                        continue
                    if entry.is_file(follow_symlinks=False):
                        yield entry.name.split(self._box.colon)[0], info.st_ctime_ns, info.st_mtime

    def _read(self, key: str, limit: int, headers_only: bool = False) -> bytes | None:
        try:
            with self._box.get_file(key) as handle:
                if not headers_only:
                    return handle.read(limit)
                found = b""
                while len(found) < limit:
                    line = handle.readline()
                    if not line or line in (b"\n", b"\r\n"):
                        break
                    found += line
                return found
        except (KeyError, OSError):  # gone since the listing (a mail client moved it)
            return None


def folders(root_text: str, sent_names: tuple[str, ...]) -> list[MaildirFolder]:
    """The Maildir folders at and below a configured path."""
    root = Path(root_text)
    if not root.is_dir():
        raise MailSettingError(f"maildir {root} is not a folder (check [mail] maildir)")
    found = []
    for path, names, _ in os.walk(root):
        here = Path(path)
        if len(here.relative_to(root).parts) > 4:
            names.clear()
            continue
        names[:] = sorted(n for n in names if n not in ("cur", "new", "tmp") and _wanted(n))
        if (here / "cur").is_dir() and (here / "new").is_dir():
            name = str(here.relative_to(root)) if here != root else root.name
            found.append(MaildirFolder(here, name, _is_sent(name, sent_names)))
    if not found:
        raise MailSettingError(f"maildir {root} holds no Maildir folder (no cur/ and new/ in it or below it)")
    return found


def _last_part(name: str) -> str:
    """'.INBOX.Sent' (Maildir++) -> 'sent'; 'work/Sent Items' -> 'sent items'."""
    return Path(name).name.lstrip(".").rpartition(".")[2].casefold()


def _wanted(name: str) -> bool:
    return _last_part(name) not in _LEFT_OUT


def _is_sent(name: str, sent_names: tuple[str, ...]) -> bool:
    return name.casefold() in sent_names or _last_part(name) in sent_names
