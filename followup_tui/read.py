"""Loading cards with their contacts, people and prep in a fixed number of queries.

Plain sqlite3, no sqlite-utils: shared by the Store and by the read-only
`followup status` path, which must start fast.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date
from collections.abc import Iterator

from .clock import from_iso
from .model import Card, CardBundle, Channel, Contact, Kind, Outcome, Person, PrepItem, Relation, Stage

CARD_COLUMNS = (
    "id, uid, company, role, stage, outcome, round, interview_at, stage_entered_at, created_at, "
    "updated_at, follow_up_on, follow_up_via, decision_by, next_round_at, fit, notes, closed_at, "
    "topic, follow_up_set_at, decision_set_at"
)
# The same columns from a file of schema 1-3 (readers read an older file as it is): what m004 added,
# as m004 fills it in.
_CARD_COLUMNS_V3 = CARD_COLUMNS.replace(
    "topic, follow_up_set_at, decision_set_at",
    "'' AS topic, CASE WHEN follow_up_on IS NOT NULL THEN interview_at END, "
    "CASE WHEN decision_by IS NOT NULL THEN interview_at END")


def card_columns(conn: sqlite3.Connection) -> str:
    """CARD_COLUMNS as this file's schema has them."""
    return CARD_COLUMNS if conn.execute("PRAGMA user_version").fetchone()[0] >= 4 else _CARD_COLUMNS_V3


def card_from_row(row: tuple) -> Card:
    (id_, uid, company, role, stage, outcome, round_, interview_at, entered, created, updated,
     follow_up_on, via, decision_by, next_round_at, fit, notes, closed_at,
     topic, follow_up_set_at, decision_set_at) = row
    return Card(
        id=id_, uid=uid, company=company, role=role, stage=Stage(stage), outcome=Outcome(outcome),
        round=round_, interview_at=from_iso(interview_at), stage_entered_at=from_iso(entered),
        created_at=from_iso(created), updated_at=from_iso(updated),
        follow_up_on=_date(follow_up_on), follow_up_via=Channel(via) if via else None,
        decision_by=_date(decision_by), next_round_at=from_iso(next_round_at),
        fit=fit, notes=notes, closed_at=from_iso(closed_at), topic=topic,
        follow_up_set_at=from_iso(follow_up_set_at), decision_set_at=from_iso(decision_set_at),
    )


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def load_bundles(conn: sqlite3.Connection, where: str = "closed_at IS NULL", params=()) -> list[CardBundle]:
    """Cards matching `where` (SQL over the cards table) with everything attached."""
    params = tuple(params)
    cards = [card_from_row(r) for r in conn.execute(f"SELECT {card_columns(conn)} FROM cards WHERE {where} ORDER BY id", params)]
    if not cards:
        return []
    subset = f"SELECT id FROM cards WHERE {where}"
    contacts, people, prep = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in conn.execute(
        "SELECT id, uid, card_id, at, kind, channel, person_id, note FROM contacts "
        f"WHERE card_id IN ({subset}) ORDER BY card_id, at, id", params
    ):
        contacts[row[2]].append(Contact(row[0], row[1], row[2], from_iso(row[3]), Kind(row[4]), Channel(row[5]), row[6], row[7]))
    for row in conn.execute(
        "SELECT l.card_id, p.id, p.uid, p.name, l.relation, p.email, p.title, p.note FROM card_people l "
        f"JOIN people p ON p.id = l.person_id WHERE l.card_id IN ({subset}) ORDER BY l.card_id, p.id", params
    ):
        people[row[0]].append(Person(row[1], row[2], row[3], Relation(row[4]), row[5], row[6], row[7]))
    for row in conn.execute(
        "SELECT id, uid, card_id, position, text, done FROM prep_items "
        f"WHERE card_id IN ({subset}) ORDER BY card_id, position, id", params
    ):
        prep[row[2]].append(PrepItem(row[0], row[1], row[2], row[3], row[4], bool(row[5])))
    return [CardBundle(c, contacts[c.id], people[c.id], prep[c.id]) for c in cards]


def load_bundle(conn: sqlite3.Connection, card_id: int) -> CardBundle | None:
    found = load_bundles(conn, "id = ?", (card_id,))
    return found[0] if found else None


def load_bundles_by_id(conn: sqlite3.Connection, ids: list[int]) -> list[CardBundle]:
    """The cards with these ids, in chunks that stay under SQLite's variable limit."""
    return list(iter_bundles_by_id(conn, ids))


def iter_bundles_by_id(conn: sqlite3.Connection, ids: list[int]) -> Iterator[CardBundle]:
    """The same, 500 at a time: memory stays flat however many cards (an import of 100,000)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        yield from load_bundles(conn, f"id IN ({','.join('?' * len(chunk))})", chunk)
