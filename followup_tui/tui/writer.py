"""The board's writes, off the UI thread (SPEC §6, §7).

A write can wait for the database's lock (another process in a transaction) for
seconds; on the UI thread that froze the board. Here every Store action runs, in the
order it was asked for, on one background thread with a connection of its own, while
the board keeps reading on its own connection (WAL: readers never wait for a writer).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ..domain.config import Policy
from ..storage import dbfile
from ..storage.dbfile import StoreError
from ..storage.store import Store

T = TypeVar("T")


def is_busy(error: StoreError) -> bool:
    """The database was locked by someone else for longer than we waited: worth another try."""
    text = str(error)
    return "database is locked" in text or "database is busy" in text


class Writer:
    """Runs Store actions one after another on a thread and a connection of their own."""

    def __init__(self, path: Path, policy: Policy, busy_timeout_ms: int = dbfile.BUSY_TIMEOUT_MS) -> None:
        self.path, self.policy, self.busy_timeout_ms = path, policy, busy_timeout_ms
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="followup-writer")
        self._store: Store | None = None

    def _open(self) -> Store:
        if self._store is None:  # on the writer's thread: the connection lives there
            conn = dbfile.connect_writer(self.path)
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
            self._store = Store(conn, self.path, self.policy)
            self._store.origin = "board"  # as the undo journal records who made a change
        return self._store

    async def run(self, action: Callable[[Store], T]) -> T:
        """`action(store)` on the writer's thread; raises what it raises."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, lambda: action(self._open()))

    def close(self) -> None:
        """Wait for the writes already asked for, then close the connection."""

        def close_store() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._thread.submit(close_store)
        self._thread.shutdown(wait=True)
