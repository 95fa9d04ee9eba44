"""The latest sync's outcome, and a sync run from the board.

The outcome (when, whether it worked, one line) is kept in a small file beside the database,
`followup.db-sync`, not in it: a sync with nothing to change then writes nothing to the database,
so an open board has nothing to read again, and it still learns (by the file) that a sync from
cron or a shell happened.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.clock import from_iso, iso
from ...domain.config import Config, ConfigError
from ...domain.textsafe import safe
from ...storage.dbfile import StoreError, connect_writer, explain
from ..password import PasswordError, password
from .server import SyncError

if TYPE_CHECKING:
    from ...storage.store import Store
    from .engine import Report

KEYRING_SERVICE = "followup-tui/caldav"  # `keyring set followup-tui/caldav USERNAME`


@dataclass(frozen=True)
class Outcome:
    at: datetime
    ok: bool
    line: str


def outcome_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-sync")


def remember(db_path: Path, outcome: Outcome) -> None:
    """Keep the outcome beside the database (replaced in one step, readable by its owner only)."""
    from ...domain.settings import write_atomically

    text = json.dumps({"at": iso(outcome.at), "ok": outcome.ok, "line": outcome.line}, ensure_ascii=False)
    with suppress(OSError):  # a read-only folder: the sync itself went as it went
        write_atomically(outcome_path(db_path), text + "\n")


def last_outcome(db_path: Path) -> Outcome | None:
    try:
        data = json.loads(outcome_path(db_path).read_text(encoding="utf-8"))
        at = from_iso(data["at"])
        return Outcome(at, bool(data["ok"]), safe(data["line"])) if at else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def sync(store: Store, config: Config, now: datetime, secret: Callable[[], str], dry_run: bool = False) -> Report:
    """engine.sync, once the optional clients are found (the caldav extra)."""
    try:
        from .engine import sync as run
    except ImportError as exc:
        raise SyncError(
            f"followup sync needs the caldav extra (no {exc.name}): pip install 'followup-tui[caldav]'", 2
        ) from None
    return run(store, config, now, secret, dry_run)


def password_for(config: Config) -> Callable[[], str]:
    settings = config.caldav
    return lambda: password(settings.password_command, KEYRING_SERVICE, settings.username, settings.timeout)


def failure_line(exc: Exception) -> tuple[str, int]:
    """(one line, exit code) for what can stop a sync."""
    if isinstance(exc, (SyncError, PasswordError)):
        return str(exc), exc.code
    if isinstance(exc, ConfigError):
        return str(exc), 2
    return str(exc), 1


class BoardSync:
    """What the board needs: `run()` (on a worker thread: it opens a connection of its own) and
    `last()` for its header. The board gets one from the command line: it never imports this."""

    def __init__(self, db_path: Path, config: Config, now: Callable[[], datetime]) -> None:
        self.db_path, self.config, self.now = db_path, config, now
        self._seen: tuple[int, Outcome | None] = (0, None)  # the file's mtime, and what it said

    @property
    def every_minutes(self) -> float:
        return float(self.config.caldav.every_minutes)

    def last(self) -> Outcome | None:
        """The latest outcome (the board asks every second: the file is read only when it changed)."""
        try:
            stamp = outcome_path(self.db_path).stat().st_mtime_ns
        except OSError:
            return None
        if stamp != self._seen[0]:
            self._seen = (stamp, last_outcome(self.db_path))
        return self._seen[1]

    def run(self) -> Outcome:
        now = self.now()
        try:
            with self._open() as store:
                report = sync(store, self.config, now, password_for(self.config))
            outcome = Outcome(now, not report.failures, report.summary())
        except (SyncError, PasswordError, ConfigError, StoreError) as exc:
            outcome = Outcome(now, False, failure_line(exc)[0])
        except sqlite3.Error as exc:  # the board's Store would say the same (storage/dbfile.py)
            outcome = Outcome(now, False, str(explain(self.db_path, exc, "sync")))
        remember(self.db_path, outcome)
        return outcome

    def _open(self) -> Store:
        """A connection of the sync's own, opened as the board's writer opens one (tui/writer.py): the
        board checked and migrated the file already. Not Store.open: its first look reads the file's
        first bytes with a plain open(), and closing that drops every lock this process holds on the
        file (POSIX), the board's too; a shell's next command then takes the -wal the board writes to."""
        from ...storage.store import Store

        if not self.db_path.is_file():  # connecting would make an empty one
            raise StoreError(f"{self.db_path} is gone; the board shows what it read before")
        return Store(connect_writer(self.db_path), self.db_path, self.config.policy)
