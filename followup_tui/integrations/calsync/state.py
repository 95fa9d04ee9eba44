"""What the sync remembers of the calendar (tables caldav_items and caldav_calendar, migration m009_caldav_sync).

One row per item it put on the server: where it is (href), the server's ETag as last seen, its
SEQUENCE, a hash of what was pushed, its status, and what doing it logs. This is not user data:
it is written in transactions the undo journal does not record (`followup undo` never touches
it), and a sync with nothing to change writes none.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from ...domain.clock import from_iso, iso
from ...storage.dbfile import version
from ...storage.store import Store

SYNC_FROM = 9  # the schema that has these tables (migration m009_caldav_sync)


@dataclass
class Row:
    uid: str
    card_uid: str
    component: str
    what: str
    href: str
    etag: str | None
    sequence: int
    hash: str
    status: str
    closed_by: str | None  # 'sync' or 'calendar'
    due: str | None
    logs: str | None
    channel: str | None
    person: str | None
    seen_contact: int
    pushed_at: str | None
    retired_at: str | None = None

    @property
    def retired(self) -> datetime | None:
        return from_iso(self.retired_at)

    def retire(self, status: str, by: str, now: datetime) -> None:
        self.status, self.closed_by, self.retired_at = status, by, iso(now)


COLUMNS = [f.name for f in fields(Row)]


def load(store: Store) -> dict[str, Row]:
    """Every item row by UID; none when the file predates the sync (a read-only dry run)."""
    if not has_tables(store):  # an older file, read as it is
        return {}
    cursor = store.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM caldav_items")
    return {row[0]: Row(*row) for row in cursor}


def has_tables(store: Store) -> bool:
    return version(store.conn) >= SYNC_FROM


def save(store: Store, changed: list[Row], gone: list[str]) -> None:
    """Write these rows and forget those UIDs, in one transaction the undo journal does not record."""
    if not changed and not gone:
        return
    with store.transaction(journaled=False):
        store.conn.executemany(
            f"INSERT OR REPLACE INTO caldav_items ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [tuple(getattr(row, name) for name in COLUMNS) for row in changed],
        )
        store.conn.executemany("DELETE FROM caldav_items WHERE uid = ?", [(uid,) for uid in gone])


def calendar_for(store: Store, server: str, wanted: str) -> str | None:
    """The collection found before for this server and calendar setting."""
    if not has_tables(store):
        return None
    row = store.conn.execute(
        "SELECT url FROM caldav_calendar WHERE server = ? AND wanted = ?", (server, wanted)
    ).fetchone()
    return row[0] if row else None


def remember_calendar(store: Store, server: str, wanted: str, url: str) -> bool:
    """Remember the collection; a different one than before forgets the old one's items (they stay
    there). Returns True when items were forgotten."""
    with store.transaction(journaled=False):
        before = store.conn.execute("SELECT url FROM caldav_calendar WHERE id = 1").fetchone()
        store.conn.execute(
            "INSERT OR REPLACE INTO caldav_calendar (id, server, wanted, url) VALUES (1, ?, ?, ?)",
            (server, wanted, url),
        )
        if before is not None and before[0] != url:
            return store.conn.execute("DELETE FROM caldav_items").rowcount > 0
    return False
