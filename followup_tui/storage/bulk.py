"""Writing many new rows at once (an import of 100,000 cards): the same rows and the same journal
as one at a time, without a trigger run per row.

Every row written into cards, contacts, prep_items and card_people runs four triggers (the rule
plan's stale mark, m002; updated_at's touch, m006; the undo journal, journal.py; the search
document, search.py), and every person the journal's: each one costs more than the row. For the
rows of cards that do not exist yet, each of them does nothing that could not be done once at
the end: the cards have no plan yet (the commit makes them), the action is journaled (no touch),
their contacts, prep and links are the card's own in the journal (journal.new_cards_own_rows),
and their documents can be made in one statement. So while `NewCards` is suspended, those INSERT
triggers (and the journal's UPDATE one on cards) are dropped, inside the writer's transaction
(other connections never see them gone; a rollback brings them back), and `resume` does their
work set by set, then makes them again: the journal's after image of each new card (what its
INSERT trigger records), its last_action, and its search document. `NewPeople` does the same for
the journal's images of new people.

Only the triggers named here are suspended: one that another feature adds keeps running.
Only new rows (and new cards' own rows) may be written while suspended (the caller's promise).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from . import journal

_SUSPENDED = (
    "journal_cards_insert",
    "journal_cards_update",  # new cards are journaled by their image at resume, as they are then
    "cards_insert_search",
    *(
        f"{name}"
        for table in ("contacts", "prep_items", "card_people")
        for name in (
            f"journal_{table}_insert",
            f"{table}_insert_stale",
            f"{table}_insert_touch",
            f"{table}_insert_search",
        )
    ),
)


class _Suspension:
    """Triggers dropped while a batch writes only new rows of `table`, made again at resume."""

    table = ""
    triggers: tuple[str, ...] = ()

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._saved: list[str] = []  # the dropped triggers' SQL, while suspended
        self._caught: int | None = None  # while suspended: the first id written and not caught up yet

    @property
    def suspended(self) -> bool:
        return self._caught is not None

    def suspend(self) -> None:
        if self.suspended:
            return
        names = ", ".join(f"'{name}'" for name in self.triggers)
        found = self.conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})"
        ).fetchall()
        for name, _ in found:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        self._saved = [sql for _, sql in found]
        self._caught = self._next_id()

    def resume(self) -> None:
        """Do for the rows written meanwhile what the triggers would have done, then make them again."""
        if self._caught is None:
            return
        action, end = _open_action(self.conn), self._next_id()
        for start in range(self._caught, end, _CHUNK):  # a statement per chunk: its statement journal stays small
            self._catch_up({"first": start, "end": min(start + _CHUNK, end), "action": action})
        for sql in self._saved:
            self.conn.execute(sql)
        self._saved, self._caught = [], None

    def catch_up_some(self) -> bool:
        """While suspended, and a chunk of rows is written: do their triggers' work now (an import's
        spare time, planner.Planner's `meanwhile`; the rows are final once written). False: none."""
        if self._caught is None or self._next_id() - self._caught < _CHUNK:
            return False
        self._catch_up({"first": self._caught, "end": self._caught + _CHUNK, "action": _open_action(self.conn)})
        self._caught += _CHUNK
        return True

    def _next_id(self) -> int:
        found: int = self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {self.table}").fetchone()[0]
        return found

    def _catch_up(self, span: dict[str, int | None]) -> None:
        """The triggers' work for the rows with ids from span['first'] to before span['end']."""
        raise NotImplementedError

    def _journal(self, span: dict[str, int | None], card_id: str) -> None:
        """Their after images in the open action (what the journal's INSERT trigger records)."""
        if span["action"] is not None:
            columns, _ = journal.columns(self.conn, self.table)
            self.conn.execute(
                "INSERT INTO row_changes (action_id, tbl, row_key, card_id, before, after) "
                f"SELECT :action, '{self.table}', json_array(id), {card_id}, NULL, "
                f"{journal.image(self.table, columns)} FROM {self.table} WHERE id >= :first AND id < :end",
                span,
            )


class NewCards(_Suspension):
    """Suspend and resume the per-row triggers around batches that write only new cards."""

    table, triggers = "cards", _SUSPENDED

    def _catch_up(self, span: dict[str, int | None]) -> None:
        if span["action"] is not None:  # the cards name the action that made them (journal.finish skips them)
            self.conn.execute("UPDATE cards SET last_action = :action WHERE id >= :first AND id < :end", span)
        self._journal(span, card_id="id")
        self.conn.execute(
            "INSERT INTO search_docs (card_id, stage, body) SELECT card_id, stage, body FROM search_source "
            "WHERE card_id >= :first AND card_id < :end",
            span,
        )


class NewPeople(_Suspension):
    """Suspend and resume the journal's INSERT trigger on people around writing an import's people
    (new and known ones: only the new ones, inserted meanwhile, are journaled at resume)."""

    table, triggers = "people", ("journal_people_insert",)

    def _catch_up(self, span: dict[str, int | None]) -> None:
        self._journal(span, card_id="NULL")


# Indexes that nothing reads while an import fills a new file. Each costs about a microsecond a
# row kept up row by row, in random order; made once at the end, from sorted keys, they cost less
# than half. (The others are read meanwhile: by card, to derive the stats facts and plans.)
_MADE_AT_THE_END = (
    "contacts_person",
    "card_people_person",
    "card_plans_board",
    "row_changes_row",
    "cards_open_stage",
    "cards_rules_fresh",
)


# Tables whose uid is unique by an index of its own, {table}_uid (m015), which an import can make at its end.
UID_INDEXED = ("contacts", "prep_items")
# The page cache while indexes are made at the end of an import: its pages go to their sorts (memory
# stays < 200 MB)
_SORT_CACHE = "PRAGMA cache_size = -16384"


@contextmanager
def filled_new(conn: sqlite3.Connection) -> Iterator[None]:
    """Around filling a file that was empty (an import into a file it made, dbfile.written_once),
    inside the writer's transaction: the indexes above are made again at the end, and the rows'
    foreign keys are checked once, for the lot (written_once turned the per-row checks off). A
    failure raises what a per-row check would have, and the transaction rolls back (the indexes
    with it)."""
    saved = _dropped(conn, _MADE_AT_THE_END)
    yield
    broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        table, rowid, parent, _ = broken
        raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed ({table} row {rowid} names no {parent} row)")
    conn.execute(_SORT_CACHE)
    for _, sql in saved:
        conn.execute(sql)


def _dropped(conn: sqlite3.Connection, indexes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Drop these indexes (inside the writer's transaction); (table, SQL) of each, to make it again."""
    names = ", ".join(f"'{name}'" for name in indexes)
    saved = conn.execute(
        f"SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({names})"
    ).fetchall()
    for name, _, _ in saved:
        conn.execute(f'DROP INDEX "{name}"')
    return [(table, sql) for _, table, sql in saved]


class Repeated(Exception):
    """A uid that two rows of `table` hold, found when its unique index was made at the end."""

    def __init__(self, table: str, uid: str, card_ids: list[int]) -> None:
        super().__init__(f"{table}.uid {uid!r}")
        self.table, self.uid, self.card_ids = table, uid, card_ids


@contextmanager
def uids_unique_at_the_end(conn: sqlite3.Connection) -> Iterator[None]:
    """Around writing the contacts and prep items of cards that are all new, into tables that were
    empty (nothing looks them up by uid meanwhile), inside the writer's transaction: their uid
    indexes (m015) are made at the end, from sorted keys, not kept in order row by row (a million
    random uids: 2 s of an import). A uid written twice raises Repeated, naming it and the cards of
    its first two rows; the rollback brings the indexes back."""
    saved = _dropped(conn, tuple(f"{table}_uid" for table in UID_INDEXED))
    yield
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(_SORT_CACHE)
    for table, sql in saved:
        try:
            conn.execute(sql)
        except sqlite3.IntegrityError:
            (uid,) = conn.execute(
                f"SELECT uid FROM {table} GROUP BY uid HAVING count(*) > 1 ORDER BY min(id) LIMIT 1"
            ).fetchone()
            cards = conn.execute(f"SELECT card_id FROM {table} WHERE uid = ? ORDER BY id LIMIT 2", (uid,))
            raise Repeated(table, uid, [card for (card,) in cards]) from None
    conn.execute(f"PRAGMA cache_size = {cache}")


# Rows per statement when resuming: SQLite keeps what each statement changes in a statement journal
# (in memory during an import) until it ends; 100,000 cards in one took 50 MB.
_CHUNK = 5000


def _open_action(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT action_id FROM journal_now").fetchone()
    return row[0] if row else None
