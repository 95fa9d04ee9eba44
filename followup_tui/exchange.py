"""Export and import: the lossless JSON document and the spreadsheet CSV (SPEC §5).

Records are matched by `uid`, never by local id, so importing the same file
twice changes nothing, and export → import into an empty database → export
gives the same bytes. An import is one transaction: a bad record stops it and
nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .model import Channel, Kind, Outcome, Relation, Stage
from .store import Store
from .textsafe import json_text, safe

FORMAT, VERSION = "followup-tui export", 1
CARD_FIELDS = ("uid", "company", "role", "stage", "outcome", "round", "interview_at", "stage_entered_at",
               "follow_up_on", "follow_up_via", "decision_by", "next_round_at", "fit", "notes", "closed_at",
               "created_at", "updated_at")
# Fields added after version 1 of the format: an older file without them still imports.
NEWER_CARD_FIELDS = {"topic": "", "follow_up_set_at": None, "decision_set_at": None}
PERSON_FIELDS = ("uid", "name", "email", "title", "note")
CONTACT_FIELDS = ("uid", "at", "kind", "channel", "person", "note")
PREP_FIELDS = ("uid", "position", "text", "done")


class BadImport(ValueError):
    """A file that cannot be imported; the message says where and why."""


@dataclass
class Report:
    """What an import did (or, with --dry-run, would do)."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, kind: str, n: int = 1) -> None:
        table = getattr(self, what)
        table[kind] = table.get(kind, 0) + n

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        def part(table: dict[str, int]) -> str:
            return ", ".join(f"{n} {kind}" for kind, n in table.items()) or "nothing"

        lines = [f"created: {part(self.created)}", f"updated: {part(self.updated)}"]
        if self.skipped:
            lines.append(f"skipped: {part(self.skipped)}")
        return lines


def stable_uid(*parts: str) -> str:
    """The same UUID for the same outside record, so a second import matches the first."""
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, "followup-tui:" + "\x1f".join(parts)))


# --- JSON export ---------------------------------------------------------------------------------


def export_document(store: Store) -> dict:
    """Everything, keyed by uid, in an order that does not depend on local ids."""
    people = {row["id"]: row["uid"] for row in store.rows("SELECT id, uid FROM people")}
    links, contacts, prep = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in store.rows("SELECT card_id, person_id, relation FROM card_people l JOIN people p ON p.id = l.person_id "
                          "ORDER BY card_id, p.uid"):
        links[row["card_id"]].append({"person": people[row["person_id"]], "relation": row["relation"]})
    for row in store.rows("SELECT card_id, uid, at, kind, channel, person_id AS person, note FROM contacts "
                          "ORDER BY card_id, at, uid"):
        contacts[row.pop("card_id")].append({**row, "person": people.get(row["person"])})
    for row in store.rows("SELECT card_id, uid, position, text, done FROM prep_items ORDER BY card_id, position, uid"):
        prep[row.pop("card_id")].append({**row, "done": bool(row["done"])})
    cards = []
    for row in store.rows(f"SELECT id, {', '.join((*CARD_FIELDS, *NEWER_CARD_FIELDS))} FROM cards "
                          "ORDER BY created_at, uid"):
        card_id = row.pop("id")
        cards.append({**row, "people": links[card_id], "contacts": contacts[card_id], "prep": prep[card_id]})
    return {"format": FORMAT, "version": VERSION,
            "people": store.rows(f"SELECT {', '.join(PERSON_FIELDS)} FROM people ORDER BY uid"),
            "cards": cards}


def export_json(store: Store) -> str:
    """Readable UTF-8 JSON; control and bidi characters stay \\u escapes (safe to print, still lossless)."""
    return json_text(export_document(store)) + "\n"


# --- JSON import ---------------------------------------------------------------------------------


def parse_json(text: str) -> dict:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadImport(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadImport(f"not a followup-tui export (no \"format\": \"{FORMAT}\")")
    if document.get("version") != VERSION:
        raise BadImport(f"export version {document.get('version')!r} is not one this version reads ({VERSION})")
    return document


def import_document(store: Store, document: dict, report: Report) -> None:
    """Create or update every record in `document` (call inside a transaction)."""
    people = {}
    for person in _list(document, "people", "the document"):
        _check(person, PERSON_FIELDS, f"person {person.get('uid')!r}")
        people[person["uid"]] = upsert(store, "people", "person", person, report)
    for card in _list(document, "cards", "the document"):
        _import_card(store, card, people, report)


def _import_card(store: Store, card: dict, people: dict[str, int], report: Report) -> None:
    where = f"card {card.get('uid')!r}"
    _check(card, CARD_FIELDS, where)
    card = {**NEWER_CARD_FIELDS, **card}
    _check_card_values(card, where)
    card_id = upsert(store, "cards", "card", {k: card[k] for k in (*CARD_FIELDS, *NEWER_CARD_FIELDS)}, report)
    for link in _list(card, "people", where):
        if link.get("person") not in people:
            raise BadImport(f"{where}: links unknown person {link.get('person')!r}")
        _link(store, card_id, people[link["person"]], _enum(Relation, link.get("relation"), where), report)
    for contact in _list(card, "contacts", where):
        _check(contact, CONTACT_FIELDS, f"{where} contact {contact.get('uid')!r}")
        person = contact["person"]
        if person is not None and person not in people:
            raise BadImport(f"{where}: contact {contact['uid']!r} names unknown person {person!r}")
        _enum(Kind, contact["kind"], where), _enum(Channel, contact["channel"], where), _instant(contact["at"], where)
        upsert(store, "contacts", "contact", {**contact, "card_id": card_id,
                                               "person_id": people.get(person) if person else None}, report,
                skip=("person",))
    for item in _list(card, "prep", where):
        _check(item, PREP_FIELDS, f"{where} prep item {item.get('uid')!r}")
        upsert(store, "prep_items", "prep item", {**item, "card_id": card_id, "done": int(bool(item["done"]))}, report)


def _list(record: dict, key: str, where: str) -> list[dict]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BadImport(f"{where}: {key!r} must be a list of objects")
    return value


def _check(record: dict, fields: tuple[str, ...], where: str) -> None:
    missing = [f for f in fields if f not in record]
    if missing:
        raise BadImport(f"{where}: missing {', '.join(missing)}")
    if not isinstance(record["uid"], str) or not record["uid"].strip():
        raise BadImport(f"{where}: uid must be a non-empty string")


def _enum(kind, value, where: str):
    try:
        return kind(value)
    except ValueError:
        raise BadImport(f"{where}: {value!r} is not a {kind.__name__.lower()} "
                           f"({', '.join(m.value for m in kind)})") from None


def _instant(value, where: str, optional: bool = False) -> None:
    if value is None and optional:
        return
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise BadImport(f"{where}: {value!r} is not an ISO-8601 time with an offset")


def _day(value, where: str) -> None:
    if value is not None:
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            raise BadImport(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def _check_card_values(card: dict, where: str) -> None:
    _enum(Stage, card["stage"], where), _enum(Outcome, card["outcome"], where)
    if card["follow_up_via"] is not None:
        _enum(Channel, card["follow_up_via"], where)
    for key in ("interview_at", "stage_entered_at", "created_at", "updated_at"):
        _instant(card[key], f"{where} {key}")
    for key in ("next_round_at", "closed_at", "follow_up_set_at", "decision_set_at"):
        _instant(card[key], f"{where} {key}", optional=True)
    for key in ("follow_up_on", "decision_by"):
        _day(card[key], f"{where} {key}")
    if not isinstance(card["topic"], str):
        raise BadImport(f"{where}: topic must be a string")
    if not isinstance(card["company"], str) or not card["company"].strip():
        raise BadImport(f"{where}: company must not be empty")
    if not isinstance(card["round"], int) or card["round"] < 1:
        raise BadImport(f"{where}: round must be a whole number from 1")


def upsert(store: Store, table: str, kind: str, record: dict, report: Report, skip: tuple[str, ...] = (),
            new_only: dict | None = None) -> int:
    """Insert a record by uid (with `new_only` too), or update the one that has it; returns its local id."""
    values = {k: v for k, v in record.items() if k not in skip and not isinstance(v, list)}
    existing = store.rows(f"SELECT * FROM {table} WHERE uid = ?", values["uid"])
    try:
        if not existing:
            report.count("created", kind)
            return store.db[table].insert({**values, **(new_only or {})}).last_pk
        current = existing[0]
        changes = {k: v for k, v in values.items() if current.get(k) != v}
        if changes:
            report.count("updated", kind)
            store.db[table].update(current["id"], changes)
        return current["id"]
    except sqlite3.IntegrityError as exc:
        raise BadImport(f"{kind} {values['uid']!r}: {exc}") from None


def _link(store: Store, card_id: int, person_id: int, relation: Relation, report: Report) -> None:
    row = store.conn.execute("SELECT relation FROM card_people WHERE card_id = ? AND person_id = ?",
                             (card_id, person_id)).fetchone()
    if row is None:
        store.conn.execute("INSERT INTO card_people (card_id, person_id, relation) VALUES (?, ?, ?)",
                           (card_id, person_id, relation.value))
        report.count("created", "link")
    elif row[0] != relation.value:
        store.conn.execute("UPDATE card_people SET relation = ? WHERE card_id = ? AND person_id = ?",
                           (relation.value, card_id, person_id))
        report.count("updated", "link")


# --- CSV: one row per card, for spreadsheets --------------------------------------------------------

CSV_COLUMNS = ("uid", "company", "role", "stage", "outcome", "round", "interview_at", "last_contact",
               "next_contact_ok", "flags")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula (a leading ' is stripped again on import).

    Control characters are shown as \\x escapes: the CSV is for reading, the JSON export is lossless.
    """
    text = "" if value is None else safe(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def export_csv(rows, now: datetime) -> str:
    """`rows`: present.Assessed for every card."""
    from .clock import iso
    from .present import last_contact

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        card, verdict = row.card, row.assessment
        writer.writerow([_cell(v) for v in (
            card.uid, card.company, card.role, card.stage.value, card.outcome.value, card.round,
            iso(card.interview_at), iso(last_contact(row.bundle, now)),
            iso(verdict.next_contact_ok), " ".join(verdict.flags))])
    return out.getvalue()


def import_csv(store: Store, text: str, now: datetime, report: Report) -> None:
    """Create or update cards from the CSV export (other columns are computed, and ignored)."""
    reader = csv.DictReader(io.StringIO(text))
    need = {"company", "stage", "interview_at"}
    if reader.fieldnames is None or not need <= set(reader.fieldnames):
        raise BadImport(f"line 1: the header needs at least {', '.join(sorted(need))}")
    for line, row in enumerate(reader, 2):
        where = f"line {line}"
        fields, defaults = _csv_card({k: _uncell(v or "") for k, v in row.items() if k}, now, where)
        try:
            upsert(store, "cards", "card", fields, report, new_only=defaults)
        except BadImport as exc:
            raise BadImport(f"{where}: {exc}") from None


def _csv_card(values: dict, now: datetime, where: str) -> tuple[dict, dict]:
    """(the fields the CSV sets, the extra ones a new card needs)."""
    from .clock import iso

    company = values.get("company", "").strip()
    if not company:
        raise BadImport(f"{where}: company must not be empty")
    stage = _enum(Stage, values.get("stage", ""), where)
    outcome = _enum(Outcome, values.get("outcome") or "open", where)
    try:
        interview_at = iso(datetime.fromisoformat(values["interview_at"]))
        round_ = int(values.get("round") or 1)
    except ValueError as exc:
        raise BadImport(f"{where}: {exc}") from None
    fields = {"uid": values.get("uid") or stable_uid("csv", company, values.get("role", ""), interview_at),
              "company": company, "role": values.get("role", ""),
              "stage": stage.value, "outcome": outcome.value, "round": max(1, round_), "interview_at": interview_at}
    return fields, {"stage_entered_at": interview_at, "created_at": iso(now), "updated_at": iso(now)}


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadImport(f"cannot read {path}: {exc}") from None
