"""Planning an import's new cards in a second process while the import goes on writing.

An import of 100,000 cards spends about half its time in the rules (rulecache.plans_of). The
import hands each batch of new cards over as the rows it has just written, in read.fetch_rows'
shape; a forked process makes their plans, and the import writes them into its own transaction a
batch or two later. The cards are final once written (an import never comes back to a card), so
these are the plans the commit would make; cards left without one (a batch before the planner
started, a card planned nowhere) are planned by the commit as usual (Store.transaction).

What the stats count about the new cards (facts.py) is saved a few thousand cards at a time (three
statements for 500 cards cost half as much again as for many): while the import would otherwise
wait for plans, or else at the end. Waiting, it also does what the caller left for later
(`meanwhile`: the new cards' journal images and search documents, bulk.py).

Rows and plans cross between the processes marshalled, not pickled: they are tuples of strings,
numbers and None, which marshal writes ten times faster (2 s of the import's own process at
100,000 cards, pickled, competing with it for the interpreter).

Only where fork is safe and cheap (Linux), with a second CPU, and when the caller has no other
threads (the command line): the child runs plans_of and nothing else, never SQLite.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import sys
from array import array
from collections import deque
from collections.abc import Callable

from ..domain.config import Policy
from . import rulecache

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .rulecache import Planned, Rows

# Batches handed over and not written yet, at most. The planner keeps up on average, but not with
# every batch: twelve absorb that where three had the import wait 1.6 s at 100,000 cards (for
# 9 MB more: a few batches' worth)
AHEAD = 12
FACTS_CHUNK = 5000  # cards whose stats facts are saved in one go, while waiting


def available() -> bool:
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1


class Planner:
    """Plans batches of new cards aside, and writes their plans into the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, policy: Policy, meanwhile: Callable[[], bool] = lambda: False) -> None:
        """`meanwhile`: work to do while waiting for plans, a piece a call (False: none left now)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.conn, self.policy, self.meanwhile = conn, policy, meanwhile
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork"), initializer=_dies_with, initargs=(os.getpid(),)
        )
        self._pool.submit(int)  # forks now, while this process is small: the child shares its pages
        self._pending: deque[tuple[bytes, Future[bytes]]] = deque()
        # the cards planned, and the rules' verdicts on their follow-ups, for facts.save (_save_facts)
        self._planned, self._premature, self._judged = array("q"), array("b"), array("q")

    def add(self, rows: Rows) -> None:
        """Hand over a batch of new cards, in read.fetch_rows' shape, once all their rows are written."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            if self._pool is not None:
                handed = marshal.dumps(rows)
                self._pending.append((handed, self._pool.submit(_plans_of, handed, self.policy)))
                self.write(keep=AHEAD)
                return
        except BrokenProcessPool:
            self.close()
        self.write(keep=0)  # what was handed over first, then this batch here
        self._write(rulecache.plans_of(rows, self.policy))

    def write(self, keep: int) -> None:
        """Write the plans that are ready, and wait for more until at most `keep` batches are left."""
        from concurrent.futures.process import BrokenProcessPool

        while self._pending and (len(self._pending) > keep or self._pending[0][1].done()):
            if not self._pending[0][1].done() and self._spare_time():
                continue
            handed, future = self._pending.popleft()
            try:
                plans = marshal.loads(future.result())
            except BrokenProcessPool:  # the process was killed (out of memory?): the plans are made here
                self.close()
                plans = rulecache.plans_of(marshal.loads(handed), self.policy)
            self._write(plans)

    def _write(self, plans: Planned) -> None:
        rulecache.write_plans(self.conn, plans, with_facts=False)
        self._planned.extend(card_id for _, _, card_id in plans[1])
        for premature, contact_id in plans[3]:
            self._premature.append(premature)
            self._judged.append(contact_id)

    def _spare_time(self) -> bool:
        """Do a piece of work the import has for later, instead of waiting; False: none now."""
        if len(self._planned) >= FACTS_CHUNK:
            self._save_facts()
            return True
        return self.meanwhile()

    def _save_facts(self) -> None:
        from . import facts

        facts.save(self.conn, self._planned, zip(self._premature, self._judged, strict=True))
        self._planned, self._premature, self._judged = array("q"), array("b"), array("q")

    def finish(self) -> None:
        """Write every plan handed over, and the stats facts of the cards planned (before the
        transaction commits)."""
        self.write(keep=0)
        self.close()
        self._save_facts()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _dies_with(parent: int) -> None:
    """In the planner process, first: killed when the import's process dies. After a kill -9 it was
    left behind for good, blocked writing plans that nobody would read (it holds the pipe's read end
    too, so the write never fails)."""
    import ctypes
    import signal

    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the import died before that was set
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _plans_of(handed: bytes, policy: Policy) -> bytes:
    """In the planner process: the plans of a marshalled batch of rows, marshalled."""
    return marshal.dumps(rulecache.plans_of(marshal.loads(handed), policy))
