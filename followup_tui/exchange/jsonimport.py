"""Importing the lossless JSON export (SPEC §5, §7), streamed and written in batches.

Records are matched by uid: importing a file twice changes nothing. One uid is one
record: a person, card, contact or prep item whose uid comes twice in the file, or a
contact or prep item that the database holds under another card, is an error naming
both places (records are never moved between cards). Every value's JSON type is
checked, with one line naming the record and the field; instants are stored in the
canonical UTC form. The caller runs it in one transaction: any error, nothing imported.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import nullcontext
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, TextIO

from ..domain.clock import iso
from ..domain.config import Policy
from ..domain.model import Channel, Kind, Outcome, Relation, Stage
from ..storage import bulk, journal, planner
from ..storage.bulk import NewCards, NewPeople
from ..storage.read import CARD_COLUMNS
from .jsonexport import FORMAT, NEWER_CARD_FIELDS, NEWER_LINK_FIELDS, VERSION
from .jsonstream import Element, JsonError, Reader
from .records import BATCH, BadImport, Moved, Report, Upsert, uid_rows, upsert_many

if TYPE_CHECKING:
    from ..storage.rulecache import Rows

_PARTS = ("people", "cards")
_CARD_COLUMNS = CARD_COLUMNS.replace(" ", "").split(",")[1:]  # after the id: the record's fields
# From this size on (some 500 cards) a planner process is worth its start, made before the import
# fills its memory (the fork shares what the parent has then)
PLAN_ASIDE_BYTES = 2_000_000
_BIGGEST = 2**31 - 1  # rounds and positions are small numbers; this keeps SQLite's integers safe


def import_json(conn: sqlite3.Connection, stream: TextIO, report: Report, plan_aside: Policy | None = None) -> None:
    """Import the export in `stream` (seekable). Read once when it is in export order (header,
    people, cards); otherwise read a part at a time, so cards always meet their people first.

    `plan_aside`: the caller has no other thread, and the rule plans of the new cards are for this
    policy: a big import makes them in a second process as it goes (storage/planner.py)."""
    job = _Job(conn, report)
    if plan_aside is not None and planner.available() and _size(stream) >= PLAN_ASIDE_BYTES:
        job.planner = planner.Planner(conn, plan_aside, meanwhile=job.bulk.catch_up_some)
    journal.new_cards_own_rows(conn)  # undo deletes the new cards, and their rows with them
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen "
        "(kind TEXT, uid TEXT, line INTEGER, PRIMARY KEY (kind, uid)) WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.import_seen")
    try:
        with bulk.uids_unique_at_the_end(conn) if job.was_empty("cards") else nullcontext():
            if not _read(stream, job, _PARTS, in_order=True):
                for part in ((), ("people",), ("cards",)):
                    stream.seek(0)
                    _read(stream, job, part, in_order=False)
            job.check_header()
            if job.planner is not None:
                job.planner.finish()
            job.bulk.resume()
    except JsonError as exc:
        raise BadImport(str(exc)) from None
    except bulk.Repeated as repeated:
        raise BadImport(_repeated_message(conn, repeated)) from None
    finally:
        if job.planner is not None:
            job.planner.close()
        conn.execute("DELETE FROM temp.import_seen")


def _read(stream: TextIO, job: _Job, parts: tuple[str, ...], in_order: bool) -> bool:
    """Take the header and the `parts` from the file; False when `in_order` finds them out of order
    (nothing was written then)."""
    for key, value, line in Reader(stream, _PARTS).members():
        if key in ("format", "version"):
            job.header[key] = (value, line)
        elif key in parts:
            if in_order and not job.ready_for(key):
                return False
            job.check_header()
            if not isinstance(value, Iterator):
                raise BadImport(f"line {line}: {key!r} must be a list of objects")
            job.take(key, value)
    return True


def _size(stream: TextIO) -> int:
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, ValueError):  # not a file (a test's StringIO)
        return 0


class _Job:
    def __init__(self, conn: sqlite3.Connection, report: Report):
        self.conn, self.report = conn, report
        self.header: dict = {}
        self.done: set[str] = set()
        self.bulk = NewCards(conn)
        self.new_people = NewPeople(conn)
        self.planner: planner.Planner | None = None
        # the tables that held nothing when the import began: the file's uids need no looking up there
        self._empty = {
            table for table in _PARTS if conn.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").fetchone()[0]
        }

    def was_empty(self, table: str) -> bool:
        return table in self._empty

    def plan(self, rows: Callable[[], Rows]) -> None:
        """A batch of new cards is written (`rows` reads them back): plan them aside, if there is a
        planner (else the commit plans them)."""
        if self.planner is not None:
            self.planner.add(rows())

    def ready_for(self, part: str) -> bool:
        return {"format", "version"} <= set(self.header) and (part == "people" or "people" in self.done)

    def check_header(self) -> None:
        value, line = self.header.get("format", (None, 1))
        if value != FORMAT:
            raise BadImport(f'line {line}: not a followup-tui export (no "format": "{FORMAT}")')
        value, line = self.header.get("version", (None, 1))
        if type(value) is not int or value != VERSION:
            raise BadImport(f"line {line}: export version {value!r} is not one this version reads ({VERSION})")

    def take(self, part: str, elements: Iterator[Element]) -> None:
        self.done.add(part)
        if part == "people":  # journaled by their images once all are written (bulk.py)
            self.new_people.suspend()
        batch: list[Element] = []
        for element in elements:
            batch.append(element)
            if len(batch) == BATCH:
                self._write(part, batch)
                batch = []
        self._write(part, batch)
        if part == "people":
            self.new_people.resume()

    def _write(self, part: str, batch: list[Element]) -> None:
        if batch:
            _mark_seen(self.conn, "person" if part == "people" else "card", batch)
            if part == "people":
                _write_people(self.conn, batch, self.report, self.was_empty("people"))
            else:
                _write_cards(self.conn, batch, self.report, self)


# --- one batch --------------------------------------------------------------------------


def _write_people(conn: sqlite3.Connection, batch: list[Element], report: Report, none_known: bool) -> None:
    people = [_checked(e.value, _PERSON, _person_where(e)) for e in batch]
    upsert = Upsert(conn, "people", "person", people, none_known=none_known)
    upsert.write(report, upsert.new_ids())  # given their ids: none is looked up after


def _person_where(element: Element) -> Callable[[], str]:
    return lambda: f"line {element.line}: person {element.value['uid']!r}"


def _write_cards(conn: sqlite3.Connection, batch: list[Element], report: Report, job: _Job) -> None:
    """New cards are written after their links, contacts and prep items (foreign keys deferred):
    the triggers that mark a card's rule plan stale then find no card to mark, instead of
    rewriting each new card once per record. New cards have no plan yet: the commit makes them,
    or a planner process as the import goes (job.plan). A batch of new cards only is written
    with the per-row triggers suspended (bulk.py)."""
    cards = [_card(e) for e in batch]
    _one_card_each(cards, "contact")
    _one_card_each(cards, "prep item")
    people = _people_ids(conn, cards)
    upsert = Upsert(
        conn, "cards", "card", [c.row for c in cards], newer_kept="updated_at", none_known=job.was_empty("cards")
    )
    if upsert.known:
        job.bulk.resume()
    else:
        job.bulk.suspend()
    new_ids = upsert.new_ids()
    ids = {**upsert.known, **new_ids}
    conn.execute("PRAGMA defer_foreign_keys = ON")  # until this transaction ends
    kept = {ids[record["uid"]] for record in upsert.kept}  # newer here: only what they lack is added
    links = _write_links(conn, cards, ids, people, report, kept)
    contacts, prep = _contacts(cards, ids, people), _prep(cards, ids)
    for table, kind, records in (("contacts", "contact", contacts), ("prep_items", "prep item", prep)):
        try:
            if upsert.known:
                upsert_many(conn, table, kind, _lacking(conn, table, records, kept), report, fixed="card_id")
            else:
                _insert_new(conn, table, kind, records, report)
        except Moved as moved:
            raise BadImport(_moved_message(conn, kind, moved, cards)) from None
    upsert.write(report, new_ids)
    if not upsert.known:
        job.plan(lambda: _rows(conn, upsert.fresh, new_ids, links, contacts, prep))


def _rows(
    conn: sqlite3.Connection,
    fresh: list[dict],
    ids: dict[str, int],
    links: dict[tuple[int, int], tuple[str, int | None]],
    contacts: list[dict],
    prep: list[dict],
) -> Rows:
    """What read.fetch_rows would read back of these new cards, from what was just written."""
    people = {
        row[0]: row
        for row in conn.execute(
            "SELECT id, uid, name, email, title, note FROM people WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({person for _, person in links})),),
        )
    }
    by_card_then_order = itemgetter(2, 3, 0)  # fetch_rows' order: by card, then time or position, then id
    contact_fields = itemgetter("id", "uid", "card_id", "at", "kind", "channel", "person_id", "note")
    return (
        [(ids[card["uid"]], *(card[column] for column in _CARD_COLUMNS)) for card in fresh],
        sorted(map(contact_fields, contacts), key=by_card_then_order),
        [
            (card, person, people[person][1], people[person][2], relation, *people[person][3:], round_)
            for (card, person), (relation, round_) in sorted(links.items())
        ],
        sorted(map(itemgetter("id", "uid", "card_id", "position", "text", "done"), prep), key=by_card_then_order),
    )


def _insert_new(conn: sqlite3.Connection, table: str, kind: str, records: list[dict], report: Report) -> None:
    """The records of new cards: none can be in the database yet, so no uid is looked up first. One
    that is (under another card) stops the insert, and is then found and named as upsert_many would.
    Each gets its id here (the one SQLite would give), for the planner (jsonimport._rows)."""
    if not records:
        return
    first = conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
    for n, record in enumerate(records):
        record["id"] = first + n
    columns = list(records[0])
    try:
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(map(itemgetter(*columns), records)),
        )
    except sqlite3.IntegrityError as exc:
        Upsert(conn, table, kind, records, fixed="card_id")  # raises Moved for a uid held elsewhere
        raise BadImport(f"{kind}: {exc}") from None
    report.count("created", kind, len(records))


class _Card:
    """A checked card: its row, and its links, contacts and prep items."""

    def __init__(self, element: Element, row: dict):
        self.element, self.row = element, row
        self.links: list[dict] = []
        self.contacts: list[dict] = []
        self.prep: list[dict] = []

    def where(self, uid: str | None = None, what: str = "", nth: int = 1) -> str:
        """'line 12: card 'c1'' or, for a record in it, 'line 15: card 'c1' contact 'k1''."""
        line = self.element.line if uid is None else self.element.line_of(uid, nth)
        inner = f" {what} {uid!r}" if what and uid is not None else f" {what}" if what else ""
        return f"line {line}: card {self.row['uid']!r}{inner}"


def _card(element: Element) -> _Card:
    card = element.value
    checked = _Card(element, _checked(card, _CARD, lambda: f"line {element.line}: card {card['uid']!r}"))
    for key, what, schema in (
        ("people", "person link", _LINK),
        ("contacts", "contact", _CONTACT),
        ("prep", "prep item", _PREP),
    ):
        items = card.get(key, [])
        if not isinstance(items, list):
            raise BadImport(f"{checked.where()} {key}: must be a list, not {_shown(items)}")
        found = [_quick(item, schema) or _checked(item, schema, _item_where(checked, item, what)) for item in items]
        setattr(checked, "links" if key == "people" else key, found)
    return checked


def _item_where(card: _Card, item: object, what: str) -> Callable[[], str]:
    return lambda: card.where(_uid_of(item), what)


def _uid_of(item) -> str | None:
    uid = item.get("uid") if isinstance(item, dict) else None
    return uid if isinstance(uid, str) else None


def _one_card_each(cards: list[_Card], what: str) -> None:
    """A contact or prep item uid that comes twice in this batch of cards is an error naming both places
    (one in an earlier batch is found in the database: Moved)."""
    uids = [record["uid"] for card in cards for record in (card.contacts if what == "contact" else card.prep)]
    if len(set(uids)) == len(uids):  # the usual batch: no need to find where
        return
    owners: dict[str, _Card] = {}
    for card in cards:
        here: set[str] = set()
        for record in card.contacts if what == "contact" else card.prep:
            uid = record["uid"]
            if uid in here:
                raise BadImport(f"{card.where(uid, what, nth=2)} comes twice in this card; one uid is one record")
            here.add(uid)
            first = owners.setdefault(uid, card)
            if first is not card:
                here_first = (first.row["uid"], first.row["company"], first.element.line)
                raise BadImport(_already_on(card.where(uid, what), here_first))


def _people_ids(conn: sqlite3.Connection, cards: list[_Card]) -> dict[str, int]:
    """{person uid: local id} for the people these cards name; each must be in the file's people
    (all written before the first card: one query finds the listed ones and their ids)."""
    named = {link["person"] for c in cards for link in c.links} | {
        contact["person"] for c in cards for contact in c.contacts if contact["person"] is not None
    }
    ids = dict(
        conn.execute(
            "SELECT s.uid, p.id FROM temp.import_seen s JOIN people p ON p.uid = s.uid "
            "WHERE s.kind = 'person' AND s.uid IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(named)),),
        ).fetchall()
    )
    if len(ids) < len(named):  # the usual batch names only listed people: no need to find where
        for card in cards:
            for what, uids in (
                ("links", [link["person"] for link in card.links]),
                ("names", [c["person"] for c in card.contacts if c["person"] is not None]),
            ):
                for uid in uids:
                    if uid not in ids:
                        raise BadImport(f"{card.where(uid)} {what} person {uid!r}, who is not in the file's people")
    return ids


def _lacking(conn: sqlite3.Connection, table: str, records: list[dict], kept: AbstractSet[int]) -> list[dict]:
    """The records, less those of the `kept` cards that the database has already (in its newer version)."""
    theirs = [r["uid"] for r in records if r["card_id"] in kept]
    held = uid_rows(conn, table, "", theirs) if theirs else {}
    return [r for r in records if r["uid"] not in held]


def _write_links(
    conn: sqlite3.Connection,
    cards: list[_Card],
    ids: dict[str, int],
    people: dict[str, int],
    report: Report,
    kept: AbstractSet[int] = frozenset(),
) -> dict[tuple[int, int], tuple[str, int | None]]:
    """Link the cards to their people; {(card id, person id): (relation, round)} of every link they have in
    the file. A link of a `kept` card keeps its relation and round."""
    wanted = {
        (ids[c.row["uid"]], people[link["person"]]): (link["relation"], link["round"])
        for c in cards
        for link in c.links
    }
    known = {
        (card, person): (relation, round_)
        for card, person, relation, round_ in conn.execute(
            "SELECT card_id, person_id, relation, round FROM card_people "
            "WHERE card_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(ids.values())),),
        )
    }
    fresh = [(card, person, *link) for (card, person), link in wanted.items() if (card, person) not in known]
    changed = [
        (*link, card, person)
        for (card, person), link in wanted.items()
        if (card, person) in known and known[card, person] != link and card not in kept
    ]
    conn.executemany("INSERT INTO card_people (card_id, person_id, relation, round) VALUES (?, ?, ?, ?)", fresh)
    conn.executemany("UPDATE card_people SET relation = ?, round = ? WHERE card_id = ? AND person_id = ?", changed)
    if fresh:
        report.count("created", "link", len(fresh))
    if changed:
        report.count("updated", "link", len(changed))
    return wanted


def _contacts(cards: list[_Card], ids: dict[str, int], people: dict[str, int]) -> list[dict]:
    return [
        {
            "uid": c["uid"],
            "card_id": ids[card.row["uid"]],
            "at": c["at"],
            "kind": c["kind"],
            "channel": c["channel"],
            "person_id": people.get(c["person"]),
            "note": c["note"],
        }
        for card in cards
        for c in card.contacts
    ]


def _prep(cards: list[_Card], ids: dict[str, int]) -> list[dict]:
    return [
        {
            "uid": p["uid"],
            "card_id": ids[card.row["uid"]],
            "position": p["position"],
            "text": p["text"],
            "done": p["done"],
        }
        for card in cards
        for p in card.prep
    ]


# --- one uid, one record -----------------------------------------------------------------


def _mark_seen(conn: sqlite3.Connection, kind: str, batch: list[Element]) -> None:
    """Remember where each person or card uid was read; a second one is an error naming both lines."""
    lines: dict[str, int] = {}
    for element in batch:
        if not isinstance(element.value, dict):
            raise BadImport(f"line {element.line}: a {kind} must be an object, not {_shown(element.value)}")
        uid = element.value.get("uid")
        if not isinstance(uid, str) or not uid.strip():
            raise BadImport(f"line {element.line}: {kind} {uid!r}: uid must be a non-empty string")
        if uid in lines:
            raise BadImport(
                f"line {element.line}: {kind} {uid!r} comes twice (first at line {lines[uid]}); one uid is one record"
            )
        lines[uid] = element.line
    try:  # the key refuses a uid read before: only then is it looked for
        conn.executemany(
            "INSERT INTO temp.import_seen (kind, uid, line) VALUES (?, ?, ?)",
            [(kind, uid, line) for uid, line in lines.items()],
        )
    except sqlite3.IntegrityError:
        for uid, line in conn.execute(
            "SELECT uid, line FROM temp.import_seen WHERE kind = ? AND uid IN (SELECT value FROM json_each(?))",
            (kind, json.dumps(list(lines))),
        ):
            if line != lines[uid]:  # not this batch's own row, written before the refused one
                raise BadImport(
                    f"line {lines[uid]}: {kind} {uid!r} comes twice (first at line {line}); one uid is one record"
                ) from None
        raise


def _moved_message(conn: sqlite3.Connection, kind: str, moved: Moved, cards: list[_Card]) -> str:
    uid = moved.record["uid"]
    card = next(c for c in cards if any(r["uid"] == uid for r in (c.contacts if kind == "contact" else c.prep)))
    return _already_on(card.where(uid, kind), _on_card(conn, moved.held_by))


def _repeated_message(conn: sqlite3.Connection, repeated: bulk.Repeated) -> str:
    """A contact or prep item uid on two cards of the file, in different batches (_one_card_each
    finds those in one): found only once all were written, so named at the line of the second card."""
    kind = "contact" if repeated.table == "contacts" else "prep item"
    first, (uid, _, line) = (_on_card(conn, card) for card in repeated.card_ids)
    return _already_on(f"line {line}: card {uid!r} {kind} {repeated.uid!r}", first)


def _on_card(conn: sqlite3.Connection, card_id: int) -> tuple[str, str, int | None]:
    """(uid, company, line in this file, or None: in the database) of a card, for an error."""
    found: tuple[str, str, int | None] = conn.execute(
        "SELECT c.uid, c.company, s.line FROM cards c LEFT JOIN temp.import_seen s ON s.kind = 'card' "
        "AND s.uid = c.uid WHERE c.id = ?",
        (card_id,),
    ).fetchone()
    return found


def _already_on(record: str, card: tuple[str, str, int | None]) -> str:
    """'<record> is already on card 'c1' (Acme, line 12 of this file); …': a uid on two cards."""
    uid, company, line = card
    where = f"line {line} of this file" if line is not None else "in the database"
    return f"{record} is already on card {uid!r} ({company}, {where}); one uid is one record, never moved between cards"


# --- JSON types ----------------------------------------------------------------------------


class _Bad(ValueError):
    """A value of the wrong type or form; the message says what it must be."""

    expected: str | None = None  # what it must be, when `must` made it

    @classmethod
    def must(cls, expected: str, value) -> _Bad:
        bad = cls(f"must be {expected}, not {_shown(value)}")
        bad.expected = expected
        return bad


def _checked(value, schema: dict, where: Callable[[], str]) -> dict:
    """The record with every field checked (and instants made canonical); `where` names it in an error."""
    if not isinstance(value, dict):
        raise BadImport(f"{where()}: must be an object, not {_shown(value)}")
    return _quick(value, schema) or _checked_field_by_field(value, schema, where)


def _quick(value, schema: dict) -> dict | None:
    """_checked for a usual record, at the speed of one comprehension (a million of them in a big
    import), without naming it first; None when something is wrong (or it is not an object), for
    _checked to say what."""
    try:
        return {key: check(value[key]) for key, check in schema.items()}
    except (KeyError, TypeError, _Bad):
        return None


def _checked_field_by_field(value: dict, schema: dict, where: Callable[[], str]) -> dict:
    """_checked for a record with a field missing or wrong: the first one wrong is named."""
    record = {}
    for key, check in schema.items():
        try:
            record[key] = check(value[key])
        except KeyError:
            newer = _NEWER_FIELDS.get(id(schema), {})
            if key not in newer:  # an older file may lack these: what it means is known
                missing = [key for key in schema if key not in value and key not in newer]
                raise BadImport(f"{where()}: missing {', '.join(missing)}") from None
            record[key] = newer[key]
        except _Bad as exc:
            raise BadImport(f"{where()} {key}: {exc}") from None
    return record


def _string(value) -> str:
    if not isinstance(value, str):
        raise _Bad.must("a string", value)
    return value


def _name(value) -> str:
    if not _string(value).strip():
        raise _Bad("must not be empty")
    return value


def _nullable(check: Callable) -> Callable:
    def checked(value):
        if value is None:
            return None
        try:
            return check(value)
        except _Bad as exc:
            expected = getattr(exc, "expected", None)
            raise (_Bad.must(f"{expected} or null", value) if expected else _Bad(f"{exc} (or null)")) from None

    return checked


def _one_of(kind) -> Callable:
    def checked(value) -> str:
        if not isinstance(value, str) or value not in kind._value2member_map_:
            raise _Bad(f"{_shown(value)} is not a {kind.__name__.lower()} ({', '.join(m.value for m in kind)})")
        return value

    return checked


def _whole(lowest: int) -> Callable:
    def checked(value) -> int:
        if type(value) is not int or not lowest <= value <= _BIGGEST:
            raise _Bad.must(f"a whole number from {lowest}", value)
        return value

    return checked


def _instant(value) -> str:
    """The canonical UTC form ('Z' and '+05:30' become '+00:00'): SQL orders these as times."""
    if type(value) is str and len(value) == 25 and value[10] == "T" and value.endswith("+00:00"):
        try:  # an export's own times are canonical already: keep them as they are
            datetime.fromisoformat(value)
            return value
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is not None and parsed.utcoffset() is not None:
            return iso(parsed)
    except (ValueError, OverflowError):
        pass
    raise _Bad(f"{_shown(value)} is not an ISO-8601 time with an offset")


def _day(value) -> str:
    try:
        return date.fromisoformat(_string(value)).isoformat()
    except (ValueError, _Bad):
        raise _Bad(f"{_shown(value)} is not a YYYY-MM-DD date") from None


def _flag(value) -> int:
    if type(value) is not bool:
        raise _Bad.must("true or false", value)
    return int(value)


def _uid(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad.must("a non-empty string", value)
    return value


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


_PERSON = {"uid": _uid, "name": _name, "email": _string, "title": _string, "note": _string}
_CARD = {
    "uid": _uid,
    "company": _name,
    "role": _string,
    "stage": _one_of(Stage),
    "outcome": _one_of(Outcome),
    "round": _whole(1),
    "interview_at": _instant,
    "stage_entered_at": _instant,
    "follow_up_on": _nullable(_day),
    "follow_up_via": _nullable(_one_of(Channel)),
    "decision_by": _nullable(_day),
    "next_round_at": _nullable(_instant),
    "fit": _string,
    "notes": _string,
    "closed_at": _nullable(_instant),
    "created_at": _instant,
    "updated_at": _instant,
    "topic": _string,
    "follow_up_set_at": _nullable(_instant),
    "decision_set_at": _nullable(_instant),
    "domain": _string,
}
_LINK = {"person": _name, "relation": _one_of(Relation), "round": _nullable(_whole(1))}
_CONTACT = {
    "uid": _uid,
    "at": _instant,
    "kind": _one_of(Kind),
    "channel": _one_of(Channel),
    "person": _nullable(_name),
    "note": _string,
}
_PREP = {"uid": _uid, "position": _whole(0), "text": _string, "done": _flag}
# by schema (its id): the fields an older file may lack, and what their absence means
_NEWER_FIELDS: dict[int, Mapping[str, object]] = {id(_CARD): NEWER_CARD_FIELDS, id(_LINK): NEWER_LINK_FIELDS}
