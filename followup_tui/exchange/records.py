"""What every import and export shares (SPEC §5): the formats and how a file names its own,
the report an import prints, and writing records in batches.

The formats live in their own modules: jsonexport / jsonimport (lossless),
csvexport, trackers (any tracker's CSV, ours included) and huntr. An import
is one transaction: an error in the file stops it and nothing is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

EXPORT_FORMATS = ("json", "csv", "ics")
IMPORT_FORMATS = ("json", "csv", "huntr")
_BY_SUFFIX = {".json": "json", ".csv": "csv", ".ics": "ics"}
BATCH = 500  # records written per executemany (and looked up per query)
_PLURALS = {"person": "people", "card": "cards", "link": "links", "contact": "contacts", "prep item": "prep items"}
_ORDER = ("person", "card", "link", "contact", "prep item")  # how the summary lists them
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


def format_for(path: Path | None, explicit: str | None, allowed: tuple[str, ...], default: str | None = None) -> str:
    """The format to use: --format when given, else the file's extension, else `default` (no file)."""
    if explicit:
        return explicit
    if path is None:
        if default is None:
            raise UnknownFormat("no file to tell the format by: give --format")
        return default
    found = _BY_SUFFIX.get(path.suffix.lower())
    if found is not None and found not in allowed:
        raise UnknownFormat(f"an .{found} file is export-only; import reads .json and .csv files")
    if found is None:
        what = f"'{path.suffix}' files" if path.suffix else f"{path.name} (no extension)"
        names = " / .".join(f for f in allowed if f in _BY_SUFFIX.values())
        raise UnknownFormat(f"cannot tell the format of {what}: name it .{names} or say --format {'|'.join(allowed)}")
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
    kept: dict[str, int] = field(default_factory=dict)  # records changed here since the file was made
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, why) of rows that could not be read
    problem_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what else the user should know, a line each

    def count(self, what: str, kind: str, n: int = 1) -> None:
        table = getattr(self, what)
        table[kind] = table.get(kind, 0) + n

    def skip(self, reason: str) -> None:
        """A row left out on purpose; reasons that differ only in case are one ('Active Leads', 'active leads')."""
        same = next((known for known in self.skipped if known.casefold() == reason.casefold()), reason)
        self.count("skipped", same)

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
            kinds = sorted(table, key=lambda kind: _ORDER.index(kind) if kind in _ORDER else len(_ORDER))
            return ", ".join(plural(kind, table[kind]) for kind in kinds) or "nothing"

        lines = [f"created: {part(self.created)}", f"updated: {part(self.updated)}"]
        if self.kept:
            lines.append(
                f"kept: {part(self.kept)} changed here since the file was made (this newer version stays; "
                "what the file has that the database lacks was added)"
            )
        if self.skipped:
            lines.append("skipped: " + ", ".join(f"{n} {reason}" for reason, n in self.skipped.items()))
            if any(reason.startswith("with unknown status") for reason in self.skipped):
                lines.append(
                    "  (--stage-map 'STATUS=waiting' imports a status; or thank-you, next-round, "
                    "stay-in-touch, offer, rejected, skip)"
                )
        if self.problem_count:
            lines.append(f"not imported: {plural('row', self.problem_count)} that could not be read:")
            lines += [f"  line {line}: {why}" for line, why in self.problems]
            if self.problem_count > len(self.problems):
                lines.append(f"  … and {self.problem_count - len(self.problems)} more")
        if self.ignored_columns:
            lines.append(f"ignored columns: {', '.join(self.ignored_columns)}")
        return lines + [f"note: {note}" for note in self.notes]


def uid_rows(conn: sqlite3.Connection, table: str, columns: str, uids) -> dict[str, tuple]:
    """{uid: (id, *columns)} of the rows of `table` with these uids, in one query."""
    import json

    found = conn.execute(
        f"SELECT uid, id{', ' + columns if columns else ''} FROM {table} WHERE uid IN (SELECT value FROM json_each(?))",
        (json.dumps(list(uids)),),
    )
    return {row[0]: row[1:] for row in found}


class Upsert:
    """A batch of records matched by uid (one lookup): the new ones and the known ones that changed.

    `insert_only` fields are written for new records only. A known record whose `fixed`
    column (its parent) differs raises Moved: nothing is ever re-parented. `newer_kept`: a time column
    (canonical UTC text); a known record changed later than the file's version of it is kept as it is
    (`kept`: restoring last week's export must not undo this week). `none_known`: the caller knows
    the table holds none of these uids (it was empty when the import began, and the import's uids
    are all different): they are not looked up."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        table: str,
        kind: str,
        records: list[dict],
        insert_only: tuple[str, ...] = (),
        fixed: str | None = None,
        newer_kept: str | None = None,
        none_known: bool = False,
    ):
        self.conn, self.table, self.kind = conn, table, kind
        self.columns = list(records[0]) if records else []
        self.names = [n for n in self.columns if n not in insert_only]
        looked_up = records and not none_known
        known = uid_rows(conn, table, ", ".join(self.names), (r["uid"] for r in records)) if looked_up else {}
        self._held = known  # {uid: (id, *the `names` columns as the database holds them)}
        if fixed is not None:
            for record in records:
                if record["uid"] in known and self.held(record["uid"], fixed) != record[fixed]:
                    raise Moved(record, self.held(record["uid"], fixed))
        self.known = {uid: row[0] for uid, row in known.items()}
        self.fresh = [r for r in records if r["uid"] not in known]
        self.changed = [
            r for r in records if r["uid"] in known and known[r["uid"]][1:] != tuple(r[n] for n in self.names)
        ]
        self.kept: list[dict] = []
        if newer_kept is not None:
            newer = [r for r in self.changed if str(self.held(r["uid"], newer_kept) or "") > str(r[newer_kept] or "")]
            self.kept, self.changed = newer, [r for r in self.changed if r not in newer]

    def held(self, uid: str, column: str) -> object:
        """A known record's `column` (one of `names`) as the database holds it, before `write`."""
        return self._held[uid][self.names.index(column) + 1]

    def write(self, report: Report, new_ids: dict[str, int] | None = None) -> dict[str, int]:
        """Insert the new records (with these local ids, if given) and update the changed ones, in two
        executemany; returns {uid: local id} for the whole batch."""
        columns = ["id", *self.columns] if new_ids else self.columns
        values, updated = _values(self.columns), _values(self.names)
        try:
            if self.fresh:
                self.conn.executemany(
                    f"INSERT INTO {self.table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    [(new_ids[r["uid"]], *values(r)) for r in self.fresh] if new_ids else map(values, self.fresh),
                )
            if self.changed:
                self.conn.executemany(
                    f"UPDATE {self.table} SET {', '.join(f'{n} = ?' for n in self.names)} WHERE id = ?",
                    [(*updated(r), self.known[r["uid"]]) for r in self.changed],
                )
        except sqlite3.IntegrityError as exc:
            raise BadImport(f"{self.kind}: {exc}") from None
        if self.fresh:
            report.count("created", self.kind, len(self.fresh))
        if self.changed:
            report.count("updated", self.kind, len(self.changed))
        if self.kept:
            report.count("kept", self.kind, len(self.kept))
        ids = dict(self.known)
        if new_ids:
            ids.update(new_ids)
        elif self.fresh:
            ids.update(
                (uid, row[0])
                for uid, row in uid_rows(self.conn, self.table, "", (r["uid"] for r in self.fresh)).items()
            )
        return ids

    def new_ids(self) -> dict[str, int]:
        """{uid: the id SQLite would give} of the new records, in order after the table's last id."""
        first = self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {self.table}").fetchone()[0]
        return {record["uid"]: first + n for n, record in enumerate(self.fresh)}


def _values(columns: list[str]) -> Callable[[dict], tuple]:
    """A record's values of these columns, as a tuple (itemgetter: five times faster than a loop over
    100,000 cards' twenty columns)."""
    if len(columns) < 2:  # itemgetter of one column gives the value alone (of none, fails)
        return lambda record: tuple(record[column] for column in columns)
    return itemgetter(*columns)


def upsert_many(
    conn: sqlite3.Connection,
    table: str,
    kind: str,
    records: list[dict],
    report: Report,
    insert_only: tuple[str, ...] = (),
    fixed: str | None = None,
) -> dict[str, int]:
    """Insert or update a batch of records by uid (see Upsert); returns {uid: local id}."""
    return Upsert(conn, table, kind, records, insert_only, fixed).write(report)
