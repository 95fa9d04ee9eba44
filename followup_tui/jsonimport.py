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
import sqlite3
from datetime import date, datetime
from typing import Callable, Iterator, TextIO

from .clock import iso
from .exchange import BATCH, BadImport, Moved, Report, uid_rows, upsert_many
from .jsonexport import (CARD_FIELDS, CONTACT_FIELDS, FORMAT, LINK_FIELDS, NEWER_CARD_FIELDS, PERSON_FIELDS,
                         PREP_FIELDS, VERSION)
from .jsonstream import Element, JsonError, Reader
from .model import Channel, Kind, Outcome, Relation, Stage

_PARTS = ("people", "cards")
_BIGGEST = 2**31 - 1  # rounds and positions are small numbers; this keeps SQLite's integers safe


def import_json(conn: sqlite3.Connection, stream: TextIO, report: Report) -> None:
    """Import the export in `stream` (seekable). Read once when it is in export order (header,
    people, cards); otherwise read a part at a time, so cards always meet their people first."""
    job = _Job(conn, report)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_seen "
                 "(kind TEXT, uid TEXT, line INTEGER, PRIMARY KEY (kind, uid)) WITHOUT ROWID")
    conn.execute("DELETE FROM temp.import_seen")
    try:
        if not _read(stream, job, _PARTS, in_order=True):
            for part in ((), ("people",), ("cards",)):
                stream.seek(0)
                _read(stream, job, part, in_order=False)
        job.check_header()
    except JsonError as exc:
        raise BadImport(str(exc)) from None
    finally:
        conn.execute("DELETE FROM temp.import_seen")


def _read(stream: TextIO, job: "_Job", parts: tuple[str, ...], in_order: bool) -> bool:
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


class _Job:
    def __init__(self, conn: sqlite3.Connection, report: Report):
        self.conn, self.report = conn, report
        self.header: dict = {}
        self.done: set[str] = set()

    def ready_for(self, part: str) -> bool:
        return {"format", "version"} <= set(self.header) and (part == "people" or "people" in self.done)

    def check_header(self) -> None:
        value, line = self.header.get("format", (None, 1))
        if value != FORMAT:
            raise BadImport(f"line {line}: not a followup-tui export (no \"format\": \"{FORMAT}\")")
        value, line = self.header.get("version", (None, 1))
        if type(value) is not int or value != VERSION:
            raise BadImport(f"line {line}: export version {value!r} is not one this version reads ({VERSION})")

    def take(self, part: str, elements: Iterator[Element]) -> None:
        self.done.add(part)
        batch: list[Element] = []
        for element in elements:
            batch.append(element)
            if len(batch) == BATCH:
                self._write(part, batch)
                batch = []
        self._write(part, batch)

    def _write(self, part: str, batch: list[Element]) -> None:
        if batch:
            _mark_seen(self.conn, "person" if part == "people" else "card", batch)
            (_write_people if part == "people" else _write_cards)(self.conn, batch, self.report)


# --- one batch --------------------------------------------------------------------------


def _write_people(conn: sqlite3.Connection, batch: list[Element], report: Report) -> None:
    upsert_many(conn, "people", "person", [_person(e) for e in batch], report)


def _person(element: Element) -> dict:
    where = f"line {element.line}: person {element.value['uid']!r}"
    person = _record(element.value, PERSON_FIELDS, where)
    _text(person, "name", where, required=True)
    for key in ("email", "title", "note"):
        _text(person, key, where)
    return {k: person[k] for k in PERSON_FIELDS}


def _write_cards(conn: sqlite3.Connection, batch: list[Element], report: Report) -> None:
    cards = [_card(e) for e in batch]
    people = _people_ids(conn, batch, cards)
    ids = upsert_many(conn, "cards", "card", [c.row for c in cards], report)
    _write_links(conn, cards, ids, people, report)
    for table, kind, records in (("contacts", "contact", _contacts(cards, ids, people)),
                                 ("prep_items", "prep item", _prep(cards, ids))):
        try:
            upsert_many(conn, table, kind, records, report, fixed="card_id")
        except Moved as moved:
            raise BadImport(_moved_message(conn, kind, moved, cards)) from None


class _Card:
    """A checked card: its row, and its links, contacts and prep items as given."""

    def __init__(self, element: Element, row: dict, links: list, contacts: list, prep: list):
        self.element, self.row, self.links, self.contacts, self.prep = element, row, links, contacts, prep

    def where(self, uid: str | None = None, what: str = "") -> str:
        line = self.element.line if uid is None else self.element.line_of(uid)
        inner = f" {what} {uid!r}" if what else ""
        return f"line {line}: card {self.row['uid']!r}{inner}"


def _card(element: Element) -> _Card:
    where = f"line {element.line}: card {element.value['uid']!r}"
    card = {**NEWER_CARD_FIELDS, **_record(element.value, CARD_FIELDS, where)}
    _text(card, "company", where, required=True)
    for key in ("role", "fit", "notes", "topic"):
        _text(card, key, where)
    _choice(card, "stage", Stage, where)
    _choice(card, "outcome", Outcome, where)
    _choice(card, "follow_up_via", Channel, where, optional=True)
    _number(card, "round", where, lowest=1)
    for key in ("interview_at", "stage_entered_at", "created_at", "updated_at"):
        _instant(card, key, where)
    for key in ("next_round_at", "closed_at", "follow_up_set_at", "decision_set_at"):
        _instant(card, key, where, optional=True)
    for key in ("follow_up_on", "decision_by"):
        _day(card, key, where)
    row = {k: card[k] for k in (*CARD_FIELDS, *NEWER_CARD_FIELDS)}
    checked = _Card(element, row, [], [], [])
    checked.links = [_checked(item, LINK_FIELDS, "person link", checked, _link) for item in _list(card, "people", where)]
    checked.contacts = [_checked(item, CONTACT_FIELDS, "contact", checked, _contact)
                        for item in _list(card, "contacts", where)]
    checked.prep = [_checked(item, PREP_FIELDS, "prep item", checked, _prep_item) for item in _list(card, "prep", where)]
    _no_repeats(checked, "contact", checked.contacts)
    _no_repeats(checked, "prep item", checked.prep)
    return checked


def _checked(item, fields, what: str, card: _Card, check: Callable[[dict, str], None]) -> dict:
    uid = item.get("uid") if isinstance(item, dict) and "uid" in fields else None
    where = card.where(uid, what) if isinstance(uid, str) else f"{card.where()} {what}"
    record = _record(item, fields, where)
    check(record, where)
    return record


def _link(link: dict, where: str) -> None:
    _text(link, "person", where, required=True)
    _choice(link, "relation", Relation, where)


def _contact(contact: dict, where: str) -> None:
    _instant(contact, "at", where)
    _choice(contact, "kind", Kind, where)
    _choice(contact, "channel", Channel, where)
    _text(contact, "person", where, optional=True)
    _text(contact, "note", where)


def _prep_item(item: dict, where: str) -> None:
    _number(item, "position", where, lowest=0)
    _text(item, "text", where)
    if type(item["done"]) is not bool:
        raise BadImport(f"{where} done: must be true or false, not {_shown(item['done'])}")
    item["done"] = int(item["done"])


def _no_repeats(card: _Card, what: str, records: list[dict]) -> None:
    seen: set[str] = set()
    for record in records:
        if record["uid"] in seen:
            raise BadImport(f"{card.where(record['uid'], what)} comes twice in this card; one uid is one record")
        seen.add(record["uid"])


def _people_ids(conn: sqlite3.Connection, batch: list[Element], cards: list[_Card]) -> dict[str, int]:
    """{person uid: local id} for the people these cards name; each must be in the file's people."""
    named = {link["person"] for c in cards for link in c.links} | {
        contact["person"] for c in cards for contact in c.contacts if contact["person"] is not None}
    listed = {row[0] for row in conn.execute(
        "SELECT uid FROM temp.import_seen WHERE kind = 'person' AND uid IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(named)),))}
    for card in cards:
        for what, uids in (("links", [link["person"] for link in card.links]),
                           ("names", [c["person"] for c in card.contacts if c["person"] is not None])):
            for uid in uids:
                if uid not in listed:
                    raise BadImport(f"{card.where(uid)} {what} person {uid!r}, who is not in the file's people")
    return {uid: row[0] for uid, row in uid_rows(conn, "people", "", listed).items()}


def _write_links(conn: sqlite3.Connection, cards: list[_Card], ids: dict[str, int], people: dict[str, int],
                 report: Report) -> None:
    wanted = {(ids[c.row["uid"]], people[link["person"]]): link["relation"] for c in cards for link in c.links}
    known = {(card, person): relation for card, person, relation in conn.execute(
        "SELECT card_id, person_id, relation FROM card_people WHERE card_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(ids.values())),))}
    fresh = [(card, person, relation) for (card, person), relation in wanted.items() if (card, person) not in known]
    changed = [(relation, card, person) for (card, person), relation in wanted.items()
               if (card, person) in known and known[card, person] != relation]
    conn.executemany("INSERT INTO card_people (card_id, person_id, relation) VALUES (?, ?, ?)", fresh)
    conn.executemany("UPDATE card_people SET relation = ? WHERE card_id = ? AND person_id = ?", changed)
    if fresh:
        report.count("created", "link", len(fresh))
    if changed:
        report.count("updated", "link", len(changed))


def _contacts(cards: list[_Card], ids: dict[str, int], people: dict[str, int]) -> list[dict]:
    return [{"uid": c["uid"], "card_id": ids[card.row["uid"]], "at": c["at"], "kind": c["kind"],
             "channel": c["channel"], "person_id": people.get(c["person"]), "note": c["note"]}
            for card in cards for c in card.contacts]


def _prep(cards: list[_Card], ids: dict[str, int]) -> list[dict]:
    return [{"uid": p["uid"], "card_id": ids[card.row["uid"]], "position": p["position"], "text": p["text"],
             "done": p["done"]} for card in cards for p in card.prep]


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
            raise BadImport(f"line {element.line}: {kind} {uid!r} comes twice (first at line {lines[uid]}); "
                            "one uid is one record")
        lines[uid] = element.line
    for uid, line in conn.execute("SELECT uid, line FROM temp.import_seen WHERE kind = ? "
                                  "AND uid IN (SELECT value FROM json_each(?))", (kind, json.dumps(list(lines)))):
        raise BadImport(f"line {lines[uid]}: {kind} {uid!r} comes twice (first at line {line}); one uid is one record")
    conn.executemany("INSERT INTO temp.import_seen (kind, uid, line) VALUES (?, ?, ?)",
                     [(kind, uid, line) for uid, line in lines.items()])


def _moved_message(conn: sqlite3.Connection, kind: str, moved: Moved, cards: list[_Card]) -> str:
    uid = moved.record["uid"]
    card = next(c for c in cards if any(r["uid"] == uid for r in (c.contacts if kind == "contact" else c.prep)))
    other_uid, company, line = conn.execute(
        "SELECT c.uid, c.company, s.line FROM cards c LEFT JOIN temp.import_seen s ON s.kind = 'card' "
        "AND s.uid = c.uid WHERE c.id = ?", (moved.held_by,)).fetchone()
    where = f"line {line} of this file" if line is not None else "in the database"
    return (f"{card.where(uid, kind)} is already on card {other_uid!r} ({company}, {where}); "
            "one uid is one record, never moved between cards")


# --- JSON types ----------------------------------------------------------------------------


def _record(value, fields: tuple[str, ...], where: str) -> dict:
    if not isinstance(value, dict):
        raise BadImport(f"{where}: must be an object, not {_shown(value)}")
    missing = [f for f in fields if f not in value]
    if missing:
        raise BadImport(f"{where}: missing {', '.join(missing)}")
    if "uid" in fields and (not isinstance(value["uid"], str) or not value["uid"].strip()):
        raise BadImport(f"{where}: uid must be a non-empty string, not {_shown(value['uid'])}")
    return value


def _list(record: dict, key: str, where: str) -> list:
    value = record.get(key, [])
    if not isinstance(value, list):
        raise BadImport(f"{where} {key}: must be a list, not {_shown(value)}")
    return value


def _text(record: dict, key: str, where: str, required: bool = False, optional: bool = False) -> None:
    value = record[key]
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise BadImport(f"{where} {key}: must be a string{' or null' if optional else ''}, not {_shown(value)}")
    if required and not value.strip():
        raise BadImport(f"{where} {key}: must not be empty")


def _choice(record: dict, key: str, kind, where: str, optional: bool = False) -> None:
    value = record[key]
    if value is None and optional:
        return
    if not isinstance(value, str) or value not in kind._value2member_map_:
        raise BadImport(f"{where} {key}: {_shown(value)} is not a {kind.__name__.lower()} "
                        f"({', '.join(m.value for m in kind)})")


def _number(record: dict, key: str, where: str, lowest: int) -> None:
    value = record[key]
    if type(value) is not int or not lowest <= value <= _BIGGEST:
        raise BadImport(f"{where} {key}: must be a whole number from {lowest}, not {_shown(value)}")


def _instant(record: dict, key: str, where: str, optional: bool = False) -> None:
    """Checked, and stored in the canonical UTC form ('Z' and '+05:30' become '+00:00')."""
    value = record[key]
    if value is None and optional:
        return
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        record[key] = iso(parsed) if parsed is not None and parsed.utcoffset() is not None else None
    except (ValueError, OverflowError):
        record[key] = None
    if record[key] is None:
        record[key] = value
        raise BadImport(f"{where} {key}: {_shown(value)} is not an ISO-8601 time with an offset"
                        f"{' (or null)' if optional else ''}")


def _day(record: dict, key: str, where: str) -> None:
    value = record[key]
    if value is None:
        return
    try:
        record[key] = date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        record[key] = None
    if record[key] is None:
        record[key] = value
        raise BadImport(f"{where} {key}: {_shown(value)} is not a YYYY-MM-DD date (or null)")


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"
