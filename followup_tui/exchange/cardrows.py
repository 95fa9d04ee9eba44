"""Rows of another tracker's file become cards, a batch at a time (trackers.py, huntr.py).

A row that cannot become a card is listed with its line (or, with --strict, stops the
import); rows skipped on purpose are counted. Cards are upserted by uid, rows of the
same shape together; the people a row names are linked to its card by name.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..domain.model import Relation
from .filedates import AmbiguousDate, RowProblem
from .records import BATCH, BadImport, Report, Upsert, stable_uid, upsert_many


@dataclass
class Row:
    """A card to write: `fields` are set on every import, `initial` only on a new card."""

    line: int
    fields: dict
    initial: dict
    # (name, email, relation, whether the relation is the file's to set on a person already linked)
    people: list[tuple[str, str, Relation, bool]] = field(default_factory=list)


def import_rows(
    conn: sqlite3.Connection, source: Iterator[tuple[int, list[str]]], make, report: Report, strict: bool
) -> None:
    """Write the cards `make(line, cells)` gives, a batch at a time; count and list the rest."""
    batch: list[Row] = []
    seen: dict[str, int] = {}
    for line, cells in source:
        try:
            made = make(line, cells)
        except RowProblem as exc:
            _problem(report, line, str(exc), strict)
            continue
        except AmbiguousDate as exc:
            raise BadImport(f"line {line}: {exc}") from None
        if isinstance(made, str):
            report.skip(made)
            continue
        uid = made.fields["uid"]
        if uid in seen:
            _problem(
                report,
                line,
                f"the same card as line {seen[uid]} (same company, role and date applied, or the same uid)",
                strict,
            )
            continue
        seen[uid] = line
        batch.append(made)
        if len(batch) == BATCH:
            write(conn, batch, report)
            batch = []
    write(conn, batch, report)


def _problem(report: Report, line: int, why: str, strict: bool) -> None:
    if strict:
        raise BadImport(f"line {line}: {why} (--strict)")
    report.problem(line, why)


def write(conn: sqlite3.Connection, batch: list[Row], report: Report) -> None:
    """Upsert the batch's cards (rows of the same shape together), then link their people."""
    shapes: dict[tuple, list[dict]] = {}
    for row in batch:
        initial = {k: v for k, v in row.initial.items() if k not in row.fields}
        shapes.setdefault((tuple(row.fields), tuple(initial)), []).append({**row.fields, **initial})
    ids: dict[str, int] = {}
    touched: list[tuple[str, int]] = []
    moved: list[tuple[str, int]] = []
    for (_, initial), records in shapes.items():
        upsert = Upsert(conn, "cards", "card", records, insert_only=initial)
        moved += _moved_on(upsert)
        ids.update(upsert.write(report))
        touched += [(r["updated_at"], upsert.known[r["uid"]]) for r in upsert.changed if "updated_at" in r]
    # a card the file changed was updated now: a calendar sees its events changed (SEQUENCE grows;
    # QA: a corrected sheet moved a follow-up a day, and the calendar kept the old one)
    conn.executemany("UPDATE cards SET updated_at = ? WHERE id = ?", touched)
    conn.executemany("UPDATE cards SET stage_entered_at = ? WHERE id = ?", moved)
    _instructions_recorded(conn, list(ids.values()))
    _link_people(conn, [(ids[r.fields["uid"]], r.fields["uid"], person) for r in batch for person in r.people], report)


def _moved_on(upsert: Upsert) -> list[tuple[str, int]]:
    """(when it entered, id) of each known card the file puts in another stage: it entered that stage
    as a new card from the file would have (QA: a card a corrected sheet moved to Waiting said "waiting
    1h", counted from the first import)."""
    if "stage" not in upsert.names:
        return []
    return [
        (r["stage_entered_at"], upsert.known[r["uid"]])
        for r in upsert.changed
        if "stage_entered_at" in r and upsert.held(r["uid"], "stage") != r["stage"]
    ]


def _instructions_recorded(conn: sqlite3.Connection, ids: list[int]) -> None:
    """A follow-up or decision date from a file counts as recorded at the interview (as `add` does);
    a cleared one is recorded nowhere."""
    chosen = json.dumps(ids)
    for day, recorded in (("follow_up_on", "follow_up_set_at"), ("decision_by", "decision_set_at")):
        conn.execute(
            f"UPDATE cards SET {recorded} = CASE WHEN {day} IS NULL THEN NULL ELSE interview_at END "
            f"WHERE id IN (SELECT value FROM json_each(?)) AND ({day} IS NULL) != ({recorded} IS NULL)",
            (chosen,),
        )


def _link_people(
    conn: sqlite3.Connection, wanted: list[tuple[int, str, tuple[str, str, Relation, bool]]], report: Report
) -> None:
    """Link each named person to their card: matched by name on that card, else added."""
    if not wanted:
        return
    known = {
        (card, name.strip().casefold()): (person, email, relation)
        for card, person, name, email, relation in conn.execute(
            "SELECT l.card_id, p.id, p.name, p.email, l.relation FROM card_people l "
            "JOIN people p ON p.id = l.person_id WHERE l.card_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({card for card, _, _ in wanted})),),
        )
    }
    fresh, links = [], []
    for card, card_uid, (name, email, relation, sets_relation) in wanted:
        found = known.get((card, name.casefold()))
        if found is None:
            uid = stable_uid("csv-person", card_uid, name.casefold())
            fresh.append({"uid": uid, "name": name, "email": email, "title": "", "note": ""})
            links.append((card, uid, relation))
            known[card, name.casefold()] = (None, email, relation)
            continue
        person, known_email, known_relation = found
        if person is None:  # named twice in this batch
            continue
        if email and email != known_email:
            conn.execute("UPDATE people SET email = ? WHERE id = ?", (email, person))
            report.count("updated", "person")
        if sets_relation and relation != known_relation:
            conn.execute(
                "UPDATE card_people SET relation = ? WHERE card_id = ? AND person_id = ?",
                (relation.value, card, person),
            )
            report.count("updated", "link")
    people = upsert_many(conn, "people", "person", fresh, report, insert_only=("title", "note"))
    conn.executemany(
        "INSERT OR IGNORE INTO card_people (card_id, person_id, relation) VALUES (?, ?, ?)",
        [(card, people[uid], relation.value) for card, uid, relation in links],
    )
    if links:
        report.count("created", "link", len(links))
