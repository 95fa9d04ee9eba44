"""What every import and export shares (SPEC §5): the formats and how a file names its own,
the report an import prints, and writing records in batches.

The formats live in their own modules: jsonexport / jsonimport (lossless),
csvexport, trackers (any tracker's CSV, ours included) and huntr. An import
is one transaction: an error in the file stops it and nothing is written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

EXPORT_FORMATS = ("json", "csv", "ics")
IMPORT_FORMATS = ("json", "csv", "huntr")
_BY_SUFFIX = {".json": "json", ".csv": "csv", ".ics": "ics"}
BATCH = 500  # records written per executemany (and looked up per query)
_PLURALS = {"person": "people", "card": "cards", "link": "links", "contact": "contacts", "prep item": "prep items"}
_LISTED_PROBLEMS = 20  # rows listed one per line; more are counted


class BadImport(ValueError):
    """A file that cannot be imported; the message says where and why."""


class Moved(Exception):
    """A record whose uid the database holds under another parent (upsert_many's `fixed`)."""

    def __init__(self, record: dict, held_by):
        super().__init__(record["uid"])
        self.record, self.held_by = record, held_by


class UnknownFormat(ValueError):
    """The format cannot be told from the file name (a usage error)."""


def format_for(path: Path | None, explicit: str | None, allowed: tuple[str, ...], default: str | None) -> str:
    """The format to use: --format when given, else the file's extension, else `default` (no file)."""
    if explicit:
        return explicit
    if path is None and default:
        return default
    found = _BY_SUFFIX.get(path.suffix.lower()) if path is not None else None
    if found not in allowed:
        what = f"'{path.suffix}' files" if path is not None and path.suffix else f"{path} (no extension)"
        raise UnknownFormat(f"cannot tell the format of {what}: name it .{' / .'.join(sorted({*allowed} - {'huntr'}))} "
                            f"or say --format {'|'.join(allowed)}")
    return found


def stable_uid(*parts: str) -> str:
    """The same UUID for the same outside record, so a second import matches the first."""
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, "followup-tui:" + "\x1f".join(parts)))


def plural(kind: str, n: int) -> str:
    return f"{n} {kind if n == 1 else _PLURALS.get(kind, kind + 's')}"


@dataclass
class Report:
    """What an import did (or, with --dry-run, would do)."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, why) of rows that could not be read
    problem_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, what: str, kind: str, n: int = 1) -> None:
        table = getattr(self, what)
        table[kind] = table.get(kind, 0) + n

    def problem(self, line: int, why: str) -> None:
        """A row that cannot become a card: skipped, and listed with its line."""
        self.problem_count += 1
        if len(self.problems) < _LISTED_PROBLEMS:
            self.problems.append((line, why))

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        def part(table: dict[str, int]) -> str:
            return ", ".join(plural(kind, n) for kind, n in table.items()) or "nothing"

        lines = [f"created: {part(self.created)}", f"updated: {part(self.updated)}"]
        if self.skipped:
            lines.append("skipped: " + ", ".join(f"{n} {reason}" for reason, n in self.skipped.items()))
        if self.problem_count:
            lines.append(f"not imported: {plural('row', self.problem_count)} that could not be read:")
            lines += [f"  line {line}: {why}" for line, why in self.problems]
            if self.problem_count > len(self.problems):
                lines.append(f"  … and {self.problem_count - len(self.problems)} more")
        if self.ignored_columns:
            lines.append(f"ignored columns: {', '.join(self.ignored_columns)}")
        return lines


def uid_rows(conn: sqlite3.Connection, table: str, columns: str, uids) -> dict[str, tuple]:
    """{uid: (id, *columns)} of the rows of `table` with these uids, in one query."""
    import json

    found = conn.execute(f"SELECT uid, id{', ' + columns if columns else ''} FROM {table} "
                         "WHERE uid IN (SELECT value FROM json_each(?))", (json.dumps(list(uids)),))
    return {row[0]: row[1:] for row in found}


def upsert_many(conn: sqlite3.Connection, table: str, kind: str, records: list[dict], report: Report,
                insert_only: tuple[str, ...] = (), fixed: str | None = None) -> dict[str, int]:
    """Insert the records whose uid is new, update the known ones that differ (all but the
    `insert_only` fields); one uid lookup and two executemany per batch. Returns {uid: local id}.

    A known record whose `fixed` column (its parent) differs raises Moved: nothing is re-parented."""
    if not records:
        return {}
    columns = list(records[0])
    names = [n for n in columns if n not in insert_only]
    known = uid_rows(conn, table, ", ".join(names), (r["uid"] for r in records))
    if fixed is not None:
        at = names.index(fixed) + 1
        for record in records:
            if record["uid"] in known and known[record["uid"]][at] != record[fixed]:
                raise Moved(record, known[record["uid"]][at])
    fresh = [r for r in records if r["uid"] not in known]
    changed = [r for r in records if r["uid"] in known and known[r["uid"]][1:] != tuple(r[n] for n in names)]
    try:
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         [[r[n] for n in columns] for r in fresh])
        conn.executemany(f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
                         [[*(r[n] for n in names), known[r["uid"]][0]] for r in changed])
    except sqlite3.IntegrityError as exc:
        raise BadImport(f"{kind}: {exc}") from None
    if fresh:
        report.count("created", kind, len(fresh))
    if changed:
        report.count("updated", kind, len(changed))
    ids = {uid: row[0] for uid, row in known.items()}
    if fresh:
        ids.update((uid, row[0]) for uid, row in uid_rows(conn, table, "", (r["uid"] for r in fresh)).items())
    return ids
