"""The undo journal (SPEC §7): what each user action changed, so that it can be undone and
redone without ever overwriting a later change, from this process or any other.

Tables (made by migration m005):

- `actions`: one row per user action: id, `at` (UTC, the wall clock), `origin` ('board' or
  'cli'), `label` ("log thank-you on #3 Acme"), `undo_of` (an undo: the action it reverted) and
  `redo_of` (a redo: the undo it reverted, which puts that undo's target back).
- `row_changes`: for each action, one entry per row it touched in the user tables (TABLES): the
  row's key (a JSON array of its primary key), the card it belongs to, and its images as JSON
  objects: `before` (NULL: the action inserted the row) and `after` (NULL: it deleted it). An
  update keeps only the columns it changed, so a card with a long note does not copy the note
  on every contact logged.
- `journal_now`: the open action's id while a Store transaction runs; empty at any other time.

Capture: triggers generated from PRAGMA table_info (`install`) record every INSERT, UPDATE and
DELETE on the user tables while `journal_now` holds an id. A trigger in the main schema cannot
read a TEMP table, hence a real one; it is filled and emptied inside our own transaction, so
no other connection ever sees it set, and a write by another tool (sqlite3) is not journaled.
Several writes to one row in one action fold into one entry (the first before image, the last
after image) by an upsert, so no Store method needs to know about the journal. The rule-plan
cache is left out (DERIVED columns, and `card_plans`): Store.transaction makes plans anew.

The card is the unit of change: when an action ends (`finish`) every card it touched, directly or
through a linked person, gets `cards.last_action` = its id, so each action's images include its
cards' rows. A reply logged on a card since therefore stands in the way of undoing the thank-you
logged before it, even though the two wrote different contact rows.

Undo and redo (`revert`) put every row of an action back to its before image, and only if every
row still holds its after image; otherwise they refuse, naming the latest action that touched
that row since (or another program). A redo is the revert of an undo. Both are actions too
(journaled by the same triggers, so history shows them and they can be reverted in turn); they
do not set `last_action`: they put back the earlier value with the rest of the row.

Bound: the last KEEP actions. Action ids are consecutive, so each finished action drops the one
KEEP before it, a range on the primary key and on the (action_id, ...) index: no scan.

For later migrations: one that adds a column to a user table calls `install(conn)` to make the
triggers anew (a derived column goes into DERIVED first); one that rebuilds a user table must
call it after, as the kept triggers name the old columns. Store never changes a primary key; an
UPDATE that did would be recorded under the new key only.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.clock import from_iso, iso, relative
from .dbfile import StoreError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterable

Image = dict[str, object]  # a row as JSON: column -> value (a BLOB as its hex text)

TABLES = ("cards", "people", "card_people", "contacts", "prep_items")  # parents before children
DERIVED = {"cards": ("rules_key", "rules_valid_from")}  # the rule-plan cache
NOUNS = {
    "cards": "card",
    "people": "person",
    "card_people": "person link",
    "contacts": "contact",
    "prep_items": "prep item",
}
KEEP = 1000
CARD = "{card}"  # in a label: filled in with the card the action touched ("#3 Acme", "12 cards")

SCHEMA = (
    """CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,                       -- UTC ISO-8601, when it was done
        origin TEXT NOT NULL,                   -- 'board' or 'cli'
        label TEXT NOT NULL,
        undo_of INTEGER,                        -- an undo: the action it reverted
        redo_of INTEGER                         -- a redo: the undo it reverted
    )""",
    "CREATE INDEX actions_undo_of ON actions (undo_of) WHERE undo_of IS NOT NULL",
    "CREATE INDEX actions_redo_of ON actions (redo_of) WHERE redo_of IS NOT NULL",
    """CREATE TABLE row_changes (
        action_id INTEGER NOT NULL,
        tbl TEXT NOT NULL,
        row_key TEXT NOT NULL,                  -- JSON array of the row's primary key
        card_id INTEGER,                        -- the card the row belongs to (NULL for people)
        before TEXT,                            -- JSON object; NULL: the action inserted the row
        after TEXT                              -- JSON object; NULL: the action deleted the row
    )""",
    "CREATE UNIQUE INDEX row_changes_action ON row_changes (action_id, tbl, row_key)",
    "CREATE INDEX row_changes_row ON row_changes (tbl, row_key, action_id)",
    "CREATE TABLE journal_now (action_id INTEGER NOT NULL)",
    "ALTER TABLE cards ADD COLUMN last_action INTEGER",  # the action that last changed the card or its rows
)


def create(conn: sqlite3.Connection) -> None:
    """The journal's tables and triggers (migration m005)."""
    for statement in SCHEMA:
        conn.execute(statement)
    install(conn)


# --- capture: triggers ---------------------------------------------------------------------------


def install(conn: sqlite3.Connection) -> None:
    """(Re)make the capture triggers for the user tables' current columns."""
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'journal\\_%' ESCAPE '\\'"
    ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    for table in TABLES:
        for sql in triggers(conn, table):
            conn.execute(sql)


def _columns(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[str]]:
    """(the journaled columns, the primary key's columns) of `table`."""
    info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()  # cid, name, type, notnull, default, pk
    columns = [row[1] for row in info if row[1] not in DERIVED.get(table, ())]
    return columns, [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]


def _quoted(columns: Iterable[str], after: str = "", between: str = ", ") -> str:
    """'"a", "b"' or, with after=" = ?", '"a" = ?, "b" = ?'."""
    return between.join(f'"{column}"{after}' for column in columns)


def _value(ref: str, column: str) -> str:
    # JSON cannot hold a BLOB (only another tool could store one): record its hex text instead
    return f"""CASE WHEN typeof({ref}."{column}") = 'blob' THEN hex({ref}."{column}") ELSE {ref}."{column}" END"""


def _image(ref: str, columns: list[str]) -> str:
    return "json_object(" + ", ".join(f"'{c}', {_value(ref, c)}" for c in columns) + ")"


columns, image = _columns, _image  # bulk.py records what the triggers would


def _merge(base: str, over: str) -> str:
    """SQL for the JSON object `base` with the keys of `over` put over it (nulls kept, unlike json_patch)."""
    return (
        f"(SELECT json_group_object(key, value) FROM (SELECT key, value FROM json_each({over}) UNION ALL "
        f"SELECT key, value FROM json_each({base}) WHERE key NOT IN (SELECT key FROM json_each({over}))))"
    )


def triggers(conn: sqlite3.Connection, table: str) -> list[str]:
    """CREATE TRIGGER statements recording `table`'s inserts, updates and deletes into the open action."""
    columns, keys = _columns(conn, table)
    card = "id" if table == "cards" else "card_id" if "card_id" in columns else None
    bulk = card == "card_id" and _has_fresh_from(conn)

    def head(event: str, ref: str) -> str:
        # a card's contacts, prep items and links written while it is new to this action are its
        # own: undoing the action deletes the card, and they go with it (see new_cards_own_rows)
        when = f"WHERE fresh_from IS NULL OR {ref}.card_id < fresh_from" if bulk else ""
        return (
            f"CREATE TRIGGER journal_{table}_{event.split()[0].lower()} AFTER {event} ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM journal_now {when}) BEGIN "
            "INSERT INTO row_changes (action_id, tbl, row_key, card_id, before, after) "
        )

    def row(ref: str) -> str:
        key = "json_array(" + ", ".join(f'{ref}."{k}"' for k in keys) + ")"
        return f"""'{table}', {key}, {f'{ref}."{card}"' if card else "NULL"}"""

    upsert = "ON CONFLICT (action_id, tbl, row_key) DO UPDATE SET "
    # the first before image wins; a row the action itself inserted keeps before = NULL
    keep_before = (
        f"before = CASE WHEN row_changes.before IS NULL THEN NULL "
        f"ELSE {_merge('excluded.before', 'row_changes.before')} END"
    )
    changed = " UNION ALL ".join(
        f"""SELECT '{c}' AS k, {_value("OLD", c)} AS b, {_value("NEW", c)} AS a WHERE OLD."{c}" IS NOT NEW."{c}\""""
        for c in columns
    )
    return [
        head("INSERT", "NEW") + f"SELECT action_id, {row('NEW')}, NULL, {_image('NEW', columns)} FROM journal_now "
        f"WHERE true {upsert}after = excluded.after; END",
        head("DELETE", "OLD") + f"SELECT action_id, {row('OLD')}, {_image('OLD', columns)}, NULL FROM journal_now "
        f"WHERE true {upsert}{keep_before}, after = NULL; END",
        head(f"UPDATE OF {_quoted(columns)}", "NEW")
        + f"SELECT j.action_id, {row('NEW')}, d.b, d.a FROM journal_now j, "
        f"(SELECT json_group_object(k, b) AS b, json_group_object(k, a) AS a FROM ({changed})) d "
        f"WHERE d.b != '{{}}' {upsert}{keep_before}, after = {_merge('row_changes.after', 'excluded.after')}; END",
    ]


def _has_fresh_from(conn: sqlite3.Connection) -> bool:
    """journal_now.fresh_from came with m008."""
    return any(row[1] == "fresh_from" for row in conn.execute("PRAGMA table_info(journal_now)"))


def new_cards_own_rows(conn: sqlite3.Connection) -> None:
    """For the rest of the open action (an import of many cards): the contacts, prep items and links
    of cards it creates are not recorded row by row. The card's own row is, with its after image:
    undoing the action deletes the card, and they go with it (foreign keys), recorded by the undo
    itself, so a redo brings them back. A later change to them still stands in the way of the undo:
    one journaled changes the card's last_action, one made by another tool its updated_at (m006)."""
    conn.execute("UPDATE journal_now SET fresh_from = (SELECT coalesce(max(id), 0) + 1 FROM cards)")


# --- actions ---------------------------------------------------------------------------------------


@dataclass
class Open:
    """The action a Store transaction is recording."""

    id: int
    label: str | None
    undo_of: int | None = None
    redo_of: int | None = None


@dataclass(frozen=True)
class Action:
    id: int
    at: str
    origin: str
    label: str
    undo_of: int | None
    redo_of: int | None
    undone_by: int | None = None  # for an action: the undo that reverted it
    redone_by: int | None = None  # for an undo: the redo that reverted it

    def when(self) -> str:
        return relative(from_iso(self.at), datetime.now(UTC))

    @property
    def base(self) -> str:
        """What was done, without the 'undo: ' / 'redo: ' in front."""
        return self.label.split(": ", 1)[1] if self.label.startswith(("undo: ", "redo: ")) else self.label


@dataclass(frozen=True)
class Reverted:
    """What an undo or redo did: its own action id, the action it reverted, the cards it changed."""

    action_id: int | None
    target: Action
    cards: set[int]

    @property
    def label(self) -> str:
        return self.target.base


_ACTION = (
    "SELECT a.id, a.at, a.origin, a.label, a.undo_of, a.redo_of, "
    "(SELECT u.id FROM actions u WHERE u.undo_of = a.id), "
    "(SELECT r.id FROM actions r WHERE r.redo_of = a.id) FROM actions a "
)


def begin(conn: sqlite3.Connection, origin: str, label: str | None) -> Open:
    """Open an action in the current transaction: from now on the triggers record into it."""
    action_id = conn.execute(
        "INSERT INTO actions (at, origin, label) VALUES (?, ?, '')", (iso(datetime.now(UTC)), origin)
    ).lastrowid
    assert action_id is not None, "an INSERT sets lastrowid"
    conn.execute("DELETE FROM journal_now")
    conn.execute("INSERT INTO journal_now (action_id) VALUES (?)", (action_id,))
    return Open(action_id, label)


def finish(conn: sqlite3.Connection, action: Open) -> int | None:
    """Close the action before its transaction commits; its id, or None when it changed nothing."""
    action_id = action.id
    conn.execute("DELETE FROM row_changes WHERE action_id = ? AND before IS after", (action_id,))
    if conn.execute("SELECT 1 FROM row_changes WHERE action_id = ? LIMIT 1", (action_id,)).fetchone() is None:
        conn.execute("DELETE FROM actions WHERE id = ?", (action_id,))
        conn.execute("DELETE FROM journal_now")
        return None
    touched = sorted(cards_of(conn, action_id))  # worked out once: 0.3 s for an import of 100,000 cards
    if action.undo_of is None and action.redo_of is None:
        # the cards it changed name it; those it created get it without a trigger per card (an import)
        conn.execute(
            f"UPDATE cards SET last_action = :id WHERE id IN (SELECT value FROM json_each(:touched)) "
            f"AND id NOT IN ({_CREATED})",
            {"id": action_id, "touched": json.dumps(touched)},
        )
        conn.execute("DELETE FROM journal_now")
        # (cards written in bulk name it already: bulk.NewCards.resume)
        conn.execute(
            f"UPDATE cards SET last_action = :id WHERE id IN ({_CREATED}) AND last_action IS NOT :id", {"id": action_id}
        )
        conn.execute(
            "UPDATE row_changes SET after = json_set(after, '$.last_action', :id) "
            "WHERE action_id = :id AND tbl = 'cards' AND before IS NULL AND after IS NOT NULL "
            "AND json_extract(after, '$.last_action') IS NOT :id",
            {"id": action_id},
        )
    conn.execute("DELETE FROM journal_now")
    label = (action.label or f"change {CARD}").replace(CARD, _cards_text(conn, action_id, touched))
    conn.execute(
        "UPDATE actions SET label = ?, undo_of = ?, redo_of = ? WHERE id = ?",
        (label, action.undo_of, action.redo_of, action_id),
    )
    conn.execute("DELETE FROM row_changes WHERE action_id <= ?", (action_id - KEEP,))
    conn.execute("DELETE FROM actions WHERE id <= ?", (action_id - KEEP,))
    return action_id


def _cards_sql(actions: str) -> str:
    """The cards touched by the actions whose id is `actions` (SQL), directly or through a linked person."""
    return (
        f"SELECT card_id FROM row_changes WHERE action_id {actions} AND card_id IS NOT NULL UNION "
        "SELECT l.card_id FROM row_changes r JOIN card_people l ON l.person_id = json_extract(r.row_key, '$[0]') "
        f"WHERE r.action_id {actions} AND r.tbl = 'people'"
    )


_CARDS_OF = _cards_sql("= :id")
_CREATED = (  # the cards action :id inserted (and did not delete again)
    "SELECT json_extract(row_key, '$[0]') FROM row_changes WHERE action_id = :id AND tbl = 'cards' "
    "AND before IS NULL AND after IS NOT NULL"
)


def cards_of(conn: sqlite3.Connection, action_id: int | None) -> set[int]:
    if action_id is None:
        return set()
    return {row[0] for row in conn.execute(_CARDS_OF, {"id": action_id})}


def _cards_text(conn: sqlite3.Connection, action_id: int, ids: list[int]) -> str:
    """'#3 Acme' for an action on one card, `ids` (named as it was, if deleted), else '12 cards'."""
    if len(ids) != 1:
        return f"{len(ids)} cards"
    company = conn.execute(
        "SELECT coalesce((SELECT company FROM cards WHERE id = :card), (SELECT json_extract(before, '$.company') "
        "FROM row_changes WHERE action_id = :id AND tbl = 'cards' AND row_key = json_array(:card)))",
        {"card": ids[0], "id": action_id},
    ).fetchone()[0]
    return f"#{ids[0]} {company}"


def head(conn: sqlite3.Connection) -> int:
    """The latest action's id (0 when there is none)."""
    latest: int = conn.execute("SELECT coalesce(max(id), 0) FROM actions").fetchone()[0]
    return latest


def changed_cards_since(conn: sqlite3.Connection, since: int) -> tuple[set[int] | None, int]:
    """(the cards journaled actions after `since` touched, the latest action's id).

    None instead of a set when the journal cannot tell: nothing journaled since (the
    change came from another program) or `since` is older than the journal keeps.
    """
    latest, oldest = conn.execute("SELECT coalesce(max(id), 0), coalesce(min(id), 0) FROM actions").fetchone()
    if latest <= since or oldest > since + 1:
        return None, latest
    return {row[0] for row in conn.execute(_cards_sql("> :id"), {"id": since})}, latest


def card_before_setting(conn: sqlite3.Connection, card_id: int, column: str, value: str) -> dict[str, object] | None:
    """The card's columns as they were before the latest user action (not an undo or a redo, which
    put back what was) that set `column` to `value`, only those it changed; None when the journal
    no longer holds it."""
    row = conn.execute(
        "SELECT r.before FROM row_changes r JOIN actions a ON a.id = r.action_id "
        "WHERE r.tbl = 'cards' AND r.row_key = json_array(?) AND r.before IS NOT NULL "
        "AND json_extract(r.after, '$.' || ?) = ? AND a.undo_of IS NULL AND a.redo_of IS NULL "
        "ORDER BY r.action_id DESC LIMIT 1",
        (card_id, column, value),
    ).fetchone()
    return json.loads(row[0]) if row else None


# SQL: the action that logged the contact whose id is bound (its latest insert: a redo logs it again)
_LOGGED_IT = (
    "(SELECT max(action_id) FROM row_changes WHERE tbl = 'contacts' AND row_key = json_array(?) AND before IS NULL)"
)


def card_before_contact(conn: sqlite3.Connection, card_id: int, contact_id: int) -> dict[str, object] | None:
    """The card's columns as they were before the action that logged this contact (its latest
    insert: a redo logs it again), only those that action changed; None when the journal no longer
    holds that action, or it did not change the card."""
    row = conn.execute(
        "SELECT before FROM row_changes WHERE tbl = 'cards' AND row_key = json_array(?) AND before IS NOT NULL "
        f"AND action_id = {_LOGGED_IT}",
        (card_id, contact_id),
    ).fetchone()
    return json.loads(row[0]) if row else None


def links_before_contact(conn: sqlite3.Connection, contact_id: int) -> list[tuple[list[int], Image, Image]]:
    """(primary key (card, person), before, after) of each person link that the action which logged
    this contact changed (a thank-you for a later round moves the person it names into that round)."""
    rows = conn.execute(
        "SELECT row_key, before, after FROM row_changes WHERE tbl = 'card_people' AND before IS NOT NULL "
        f"AND after IS NOT NULL AND action_id = {_LOGGED_IT}",
        (contact_id,),
    ).fetchall()
    return [(json.loads(key), json.loads(before), json.loads(after)) for key, before, after in rows]


def links_made_with_contact(conn: sqlite3.Connection, contact_id: int) -> list[tuple[int, int]]:
    """(card, person) of each person link that the action which logged this contact made."""
    rows = conn.execute(
        "SELECT row_key FROM row_changes WHERE tbl = 'card_people' AND before IS NULL AND after IS NOT NULL "
        f"AND action_id = {_LOGGED_IT}",
        (contact_id,),
    )
    return [(card, person) for card, person in (json.loads(key) for (key,) in rows)]


def person_changed_since_contact(conn: sqlite3.Connection, contact_id: int, card_id: int, person_id: int) -> bool:
    """Whether an action after the one that logged this contact changed the person or their link to
    the card (`followup person` gave them a relation, an address, a note)."""
    row = conn.execute(
        f"SELECT 1 FROM row_changes WHERE action_id > {_LOGGED_IT} AND ((tbl = 'people' AND row_key = json_array(?)) "
        "OR (tbl = 'card_people' AND row_key = json_array(?, ?))) LIMIT 1",
        (contact_id, person_id, card_id, person_id),
    ).fetchone()
    return row is not None


def history(conn: sqlite3.Connection, count: int) -> list[Action]:
    """The latest `count` actions, newest first."""
    return [Action(*row) for row in conn.execute(_ACTION + "ORDER BY a.id DESC LIMIT ?", (count,))]


# --- undo and redo -----------------------------------------------------------------------------------


def revert(conn: sqlite3.Connection, action: Open, target_id: int | None, redo: bool) -> Action:
    """Undo (or, with `redo`, redo) inside the open `action`: put every row the target touched back
    as it was before it, if each still holds the target's after image. Returns the target."""
    target = _target(conn, action.id, target_id, redo)
    verb = "redo" if redo else "undo"
    shapes = {table: _columns(conn, table) for table in TABLES}
    entries = sorted(
        (
            _Entry(tbl, shapes[tbl], json.loads(key), _load(before), _load(after))
            for tbl, key, before, after in conn.execute(
                "SELECT tbl, row_key, before, after FROM row_changes WHERE action_id = ? ORDER BY rowid", (target.id,)
            )
            if tbl in shapes
        ),
        key=lambda e: TABLES.index(e.table),
    )
    for entry in entries:
        current = _current(conn, entry)
        if not _holds(current, entry.after):
            raise StoreError(f"cannot {verb} {_name(target, redo)}: {_in_the_way(conn, entry, target, current)}")
    for entry in [e for e in entries if e.after is None]:  # rows it deleted, parents first
        values = entry.values()
        conn.execute(
            f"INSERT INTO {entry.table} ({_quoted(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()),
        )
    for entry in [e for e in entries if e.after is not None and e.before is not None]:
        values = entry.values()
        conn.execute(
            f"UPDATE {entry.table} SET {_quoted(values, ' = ?')} WHERE {entry.where}", [*values.values(), *entry.key]
        )
    for entry in reversed([e for e in entries if e.before is None]):  # rows it inserted, children first
        conn.execute(f"DELETE FROM {entry.table} WHERE {entry.where}", entry.key)
    action.label = f"{verb}: {target.base}"
    action.undo_of, action.redo_of = (None, target.id) if redo else (target.id, None)
    return target


@dataclass
class _Entry:
    table: str
    shape: tuple[list[str], list[str]]  # the table's journaled columns and key columns now
    key: list[object]
    before: Image | None
    after: Image | None

    @property
    def where(self) -> str:
        return _quoted(self.shape[1], " = ?", " AND ")

    def values(self) -> Image:
        """The before image (none for a row the action inserted), without columns a later migration dropped."""
        return {column: value for column, value in (self.before or {}).items() if column in self.shape[0]}


def _load(image: str | None) -> Image | None:
    if image is None:
        return None
    loaded: Image = json.loads(image)
    return loaded


def _current(conn: sqlite3.Connection, entry: _Entry) -> Image | None:
    cursor = conn.execute(f"SELECT * FROM {entry.table} WHERE {entry.where}", entry.key)
    row = cursor.fetchone()
    return None if row is None else dict(zip((d[0] for d in cursor.description), row, strict=False))


def _holds(current: Image | None, image: Image | None) -> bool:
    """Does the row (None: absent) still hold `image` (None: absent)? Columns gone since are not asked."""
    if current is None or image is None:
        return current is image
    return all(current[column] == value for column, value in image.items() if column in current)


def _target(conn: sqlite3.Connection, current: int, target_id: int | None, redo: bool) -> Action:
    """The action to undo (or the undo to redo), checked; the latest one when `target_id` is None."""
    if target_id is None:
        latest_one = latest(conn, redo, current)
        if latest_one is None:
            raise StoreError(f"nothing to {'redo' if redo else 'undo'}")
        return latest_one
    row = conn.execute(_ACTION + "WHERE a.id = ?", (target_id,)).fetchone()
    if row is None:
        raise StoreError(f"#{target_id} is no longer in the undo journal (it keeps the last {KEEP:,} changes)")
    target = Action(*row)
    if redo and target.undo_of is None:
        raise StoreError(f"#{target.id} '{target.label}' is not an undo: nothing to redo")
    if redo and target.redone_by is not None:
        raise StoreError(f"'{target.base}' was already redone (#{target.redone_by})")
    if not redo and target.undo_of is not None:
        raise StoreError(f"#{target.id} '{target.label}' is an undo: redo it instead")
    if not redo and target.undone_by is not None:
        raise StoreError(f"#{target.id} '{target.label}' was already undone (#{target.undone_by})")
    return target


def latest(conn: sqlite3.Connection, redo: bool, current: int = 0) -> Action | None:
    """What `followup undo` would take back: the latest change not undone yet (for redo, the latest
    undo not redone yet), other than the open action `current`."""
    kind, reverted_by = ("undo_of IS NOT NULL", "redo_of") if redo else ("undo_of IS NULL", "undo_of")
    row = conn.execute(
        _ACTION + f"WHERE a.id != ? AND a.{kind} AND NOT EXISTS (SELECT 1 FROM actions x "
        f"WHERE x.{reverted_by} = a.id) ORDER BY a.id DESC LIMIT 1",
        (current,),
    ).fetchone()
    return Action(*row) if row else None


def _name(target: Action, redo: bool) -> str:
    return f"'{target.base}'" if redo else f"#{target.id} '{target.label}'"


def _in_the_way(conn: sqlite3.Connection, entry: _Entry, target: Action, current: Image | None) -> str:
    """'#57 'log reply on #8 Acme' (cli, 3m ago) changed the same card since'."""
    noun, verb = NOUNS[entry.table], "deleted" if current is None else "changed"
    row = conn.execute(
        _ACTION + "JOIN row_changes r ON r.action_id = a.id WHERE r.tbl = ? AND r.row_key = ? AND r.action_id > ? "
        "ORDER BY r.action_id DESC LIMIT 1",
        (entry.table, json.dumps(entry.key, separators=(",", ":")), target.id),
    ).fetchone()
    if row is None:
        return f"another program {verb} the same {noun} since"
    later = Action(*row)
    return f"#{later.id} '{later.label}' ({later.origin}, {later.when()}) {verb} the same {noun} since"
