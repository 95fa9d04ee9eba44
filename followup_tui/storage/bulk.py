"""Writing many new cards at once (an import of 100,000): the same rows and the same journal as one
card at a time, without a trigger run per row.

Every row written into cards, contacts, prep_items and card_people runs four triggers (the rule
plan's stale mark, m002; updated_at's touch, m006; the undo journal, journal.py; the search
document, search.py): each one costs more than the row. For the rows of cards that do not exist
yet, each of them does nothing that could not be done once at the end: the cards have no plan
yet (the commit makes them), the action is journaled (no touch), their contacts, prep and links
are the card's own in the journal (journal.new_cards_own_rows), and their documents can be made
in one statement. So while `NewCards` is suspended, those INSERT triggers are dropped, inside the
writer's transaction (other connections never see them gone; a rollback brings them back), and
`resume` makes them again and does their work set by set: the journal's after image of each new
card (what its INSERT trigger records) and its search document.

Only the triggers named here are suspended: one that another feature adds keeps running.
Only new cards and their own rows may be written while suspended (the caller's promise).
"""

from __future__ import annotations

import sqlite3

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


class NewCards:
    """Suspend and resume the per-row INSERT triggers around batches that write only new cards."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._saved: list[str] = []  # the dropped triggers' SQL, while suspended
        self._first: int | None = None  # the first card id written while suspended

    @property
    def suspended(self) -> bool:
        return self._first is not None

    def suspend(self) -> None:
        if self.suspended:
            return
        names = ", ".join(f"'{name}'" for name in _SUSPENDED)
        found = self.conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})"
        ).fetchall()
        for name, _ in found:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        self._saved = [sql for _, sql in found]
        self._first = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM cards").fetchone()[0]

    def resume(self) -> None:
        """Make the triggers again, then do for the cards written meanwhile what they would have done."""
        if not self.suspended:
            return
        first, action = self._first, _open_action(self.conn)
        end = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM cards").fetchone()[0]
        columns, _ = journal.columns(self.conn, "cards")
        for start in range(first, end, _CHUNK):  # a statement per chunk: its statement journal stays small
            span = {"first": start, "end": min(start + _CHUNK, end), "action": action}
            if action is not None:  # the cards name the action that made them (journal.finish skips them)
                self.conn.execute("UPDATE cards SET last_action = :action WHERE id >= :first AND id < :end", span)
                self.conn.execute(
                    "INSERT INTO row_changes (action_id, tbl, row_key, card_id, before, after) "
                    f"SELECT :action, 'cards', json_array(id), id, NULL, {journal.image('cards', columns)} "
                    "FROM cards WHERE id >= :first AND id < :end",
                    span,
                )
            self.conn.execute(
                "INSERT INTO search_docs (card_id, stage, body) SELECT card_id, stage, body FROM search_source "
                "WHERE card_id >= :first AND card_id < :end",
                span,
            )
        for sql in self._saved:
            self.conn.execute(sql)
        self._saved, self._first = [], None


# Cards per statement when resuming: SQLite keeps what each statement changes in a statement journal
# (in memory during an import) until it ends; 100,000 cards in one took 50 MB.
_CHUNK = 5000


def _open_action(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT action_id FROM journal_now").fetchone()
    return row[0] if row else None
