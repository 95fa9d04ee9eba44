"""`followup doctor`: is the database healthy, and `doctor --fix`: repair what is safe to repair.

The check reads only (it removes nothing but the temporary files of killed
backups): SQLite's integrity_check, the schema table by table against what the
migrations make, every time, date and word another tool may have written
(each bad value named by table, row and column, as the card shows it), links
that point at nothing, file mode and journal size. `--fix` takes a backup,
then in one transaction writes readable times in the canonical UTC form,
removes rows that belong to nothing and re-creates missing indexes, triggers
and views. It never guesses a value it cannot read, and never touches a file
that fails integrity_check (restore a backup instead).
"""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..domain import lenient
from ..domain.config import Policy
from ..domain.files import special_kind
from . import dbfile, journal, search

SEARCH_FROM = 8  # the schema that made the search index (m008)
WAL_WARN_BYTES = 64 * 1024 * 1024
SHOW = 5  # missing schema objects named in the line before "and N more"
LIST = 50  # values that cannot be read, one line each, before "and N more"

# (table, column) of the instants and the calendar dates --fix writes in our form
INSTANTS = [
    *(
        ("cards", column)
        for column in (
            "interview_at",
            "stage_entered_at",
            "created_at",
            "updated_at",
            "next_round_at",
            "closed_at",
            "follow_up_set_at",
            "decision_set_at",
        )
    ),
    ("contacts", "at"),
]
DAYS = [("cards", "follow_up_on"), ("cards", "decision_by")]
# Rows that belong to nothing: what they are called, what --fix does about them and how (SQL).
ORPHANS = [
    ("contacts of no card", "removed", "DELETE FROM contacts WHERE card_id NOT IN (SELECT id FROM cards)"),
    ("prep items of no card", "removed", "DELETE FROM prep_items WHERE card_id NOT IN (SELECT id FROM cards)"),
    (
        "links to no card or person",
        "removed",
        "DELETE FROM card_people WHERE card_id NOT IN (SELECT id FROM cards) "
        "OR person_id NOT IN (SELECT id FROM people)",
    ),
    ("people linked to no card", "removed", "DELETE FROM people WHERE id NOT IN (SELECT person_id FROM card_people)"),
    (
        "contacts naming a missing person",
        "cleared the person of",
        "UPDATE contacts SET person_id = NULL WHERE person_id IS NOT NULL AND person_id NOT IN (SELECT id FROM people)",
    ),
    ("saved plans of no card", "removed", "DELETE FROM card_plans WHERE card_id NOT IN (SELECT id FROM cards)"),
    *(
        (
            f"saved stats ({table}) of no card",
            "removed",
            f"DELETE FROM {table} WHERE card_id NOT IN (SELECT id FROM cards)",
        )
        for table in ("contact_days", "follow_up_facts", "card_facts")
    ),
]


@dataclass(frozen=True)
class Check:
    ok: bool
    name: str
    detail: str
    items: tuple[str, ...] = ()  # one line each under the check (the values that cannot be read)

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"

    def lines(self) -> list[str]:
        shown = [f"        {item}" for item in self.items[:LIST]]
        more = [f"        and {len(self.items) - LIST} more"] if len(self.items) > LIST else []
        return [self.line(), *shown, *more]


def examine(path: Path) -> list[Check]:
    checks = [_file(path)]
    if not checks[0].ok:
        return checks
    try:
        state = dbfile.inspect(path)
    except dbfile.StoreError as exc:
        return checks + [Check(False, "database", str(exc))]
    if not state.exists:
        return checks + [Check(True, "database", "empty file: the next change makes it a new database")]
    checks.append(_version(state.version))
    try:
        conn = dbfile.connect_readonly(path)
    except dbfile.StoreError as exc:
        return checks + [Check(False, "database", str(exc))]
    try:
        checks.append(_integrity(conn))
        if checks[-1].ok:  # the rest reads every row: only on a sound file with all its tables
            gone = missing(conn, state.version)
            checks.append(_schema(gone))
            if not any(kind in ("table", "column") for kind, _, _ in gone):
                checks += [_links(conn), _values(conn)]
                if state.version >= SEARCH_FROM and not any(name.startswith("search") for _, name, _ in gone):
                    checks.append(_search(conn))
    except sqlite3.DatabaseError as exc:
        checks.append(Check(False, "integrity", f"cannot read: {exc}"))
    finally:
        conn.close()
    return checks + [_mode(path), _wal(path), _partials(path)]


def _file(path: Path) -> Check:
    try:
        info = path.stat()
    except FileNotFoundError:
        return Check(False, "file", f"{path} does not exist (it is made by the first change)")
    except OSError as exc:
        return Check(False, "file", f"cannot read {path}: {exc.strerror}")
    if not stat.S_ISREG(info.st_mode):
        return Check(False, "file", f"{path} is {special_kind(info.st_mode) or 'a directory'}, not a file")
    return Check(True, "file", f"{path} ({info.st_size:,} bytes)")


def _version(version: int) -> Check:
    if version < dbfile.SCHEMA_VERSION:
        return Check(
            True,
            "schema",
            f"version {version}, upgraded to {dbfile.SCHEMA_VERSION} by the next change (a backup is taken first)",
        )
    return Check(True, "schema", f"version {version} (current)")


def _integrity(conn: sqlite3.Connection) -> Check:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    if problems == ["ok"]:
        return Check(True, "integrity", "ok")
    return Check(
        False,
        "integrity",
        f"{len(problems)}{'+' if len(problems) == 20 else ''} problem(s), first: "
        f"{' '.join(problems[0].split())}; restore a backup (followup backup keeps them in backups/)",
    )


# --- schema ---------------------------------------------------------------------------------------


def expected_schema(version: int) -> dict[str, tuple[str, str | None]]:
    """What the first `version` migrations make: name -> (type, SQL), tables with their columns."""
    from sqlite_utils import Database

    from .migrations import migrations

    db = Database(memory=True)
    db.execute(
        "CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT, "
        "PRIMARY KEY (migration_set, name))"
    )
    for migration in migrations._migrations[:version]:
        migration.fn(db)
    return _schema_of(db.conn)


def _schema_of(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    found = {}
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"):
        found[name] = (kind, sql)
        if kind == "table":
            for (column,) in conn.execute(f"SELECT name FROM pragma_table_info('{name}')"):
                found[f"{name}.{column}"] = ("column", None)
    return found


def missing(conn: sqlite3.Connection, version: int) -> list[tuple[str, str, str | None]]:
    """(type, name, SQL) of what the migrations made and the file lacks, tables first."""
    have = _schema_of(conn)
    order = {"table": 0, "column": 1, "index": 2, "trigger": 3, "view": 4}
    gone = [(kind, name, sql) for name, (kind, sql) in expected_schema(version).items() if name not in have]
    tables = {name for kind, name, _ in gone if kind == "table"}
    gone = [g for g in gone if not (g[0] == "column" and g[1].split(".")[0] in tables)]  # said once, by table
    return sorted(gone, key=lambda g: order[g[0]])


def _schema(gone: list[tuple[str, str, str | None]]) -> Check:
    if not gone:
        return Check(True, "tables", "every table, column, index, trigger and view is there")
    said = "; ".join(f"{kind} {name} is missing" for kind, name, _ in gone[:SHOW])
    more = f"; and {len(gone) - SHOW} more" if len(gone) > SHOW else ""
    can = [g for g in gone if g[0] in ("index", "trigger", "view")]
    if len(can) == len(gone):
        hint = " (doctor --fix re-creates them)"
    else:
        hint = " (a missing table or column lost its data: restore a backup)"
    return Check(False, "tables", said + more + hint)


# --- values another tool wrote -------------------------------------------------------------------


def unreadable(conn: sqlite3.Connection) -> list[str]:
    """The problem line of every value no one can read, exactly as the cards show them (read.py
    reads them), a few hundred cards at a time."""
    from .read import iter_bundles_by_id

    ids = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id")]
    return [problem for bundle in iter_bundles_by_id(conn, ids) for problem in bundle.card.problems]


def rewritable(conn: sqlite3.Connection) -> list[tuple[str, str, object, str]]:
    """(table, column, value, canonical form) of times and dates that read fine but are written in
    another form than ours. SQL picks the suspects: SQLite writes a valid value in our form back the
    same, anything else differently (or as NULL)."""
    have = _schema_of(conn)
    found = []
    for table, column in INSTANTS + DAYS:
        if f"{table}.{column}" not in have:
            continue
        day = (table, column) in DAYS
        same = f"date({column})" if day else f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {column})"
        for (value,) in conn.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL AND {same} IS NOT {column}"
        ):
            form = lenient.canonical_day(value) if day else lenient.canonical(value)
            if form is not None and form != value:
                found.append((table, column, value, form))
    return found


def _values(conn: sqlite3.Connection) -> Check:
    problems = unreadable(conn)
    if problems:
        return Check(
            False,
            "values",
            f"{len(problems)} cannot be read (each card shows its own; correct them "
            "with SQL, or in the app where a field can be edited):",
            tuple(problems),
        )
    fixable = rewritable(conn)
    if fixable:
        table, column, value, _ = fixable[0]
        return Check(
            True,
            "values",
            f"{len(fixable)} time(s) in another form than UTC ISO, e.g. {table}.{column} "
            f"{lenient.shown(value)}; they read fine (doctor --fix writes them as UTC ISO)",
        )
    return Check(True, "values", "every time, date, stage, kind and channel reads")


# --- links ------------------------------------------------------------------------------------------


def orphans(conn: sqlite3.Connection) -> dict[str, int]:
    """How many rows of each kind belong to nothing."""
    have = _schema_of(conn)
    found = {}
    for label, _, sql in ORPHANS:
        table, where = sql.split()[1 if sql.startswith("UPDATE") else 2], sql.split(" WHERE ", 1)[1]
        if table in have:
            count = conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
            if count:
                found[label] = count
    return found


def _links(conn: sqlite3.Connection) -> Check:
    found = orphans(conn)
    if not found:
        return Check(True, "links", "every contact, person link and prep item belongs to a card")
    said = ", ".join(f"{n} {label}" for label, n in found.items())
    return Check(False, "links", f"{said} (doctor --fix removes them)")


def _mode(path: Path) -> Check:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Check(False, "privacy", f"mode {mode:04o}: others can read your job search (chmod 600 {path})")
    return Check(True, "privacy", f"mode {mode:04o}")


def _wal(path: Path) -> Check:
    wal = path.with_name(path.name + "-wal")
    size = wal.stat().st_size if wal.exists() else 0
    if size > WAL_WARN_BYTES:
        return Check(False, "journal", f"the write-ahead log is {size:,} bytes; close other followup windows")
    return Check(True, "journal", f"write-ahead log {size:,} bytes")


def _partials(path: Path) -> Check:
    """Temporary files of killed backups and exports (beside the database and in backups/): removed."""
    from .backup import default_folder
    from .outfile import clean_partials

    removed = freed = 0
    for folder in {path.parent, default_folder(path)}:
        files, size = clean_partials(folder)
        removed, freed = removed + files, freed + size
    if removed:
        return Check(True, "leftovers", f"removed {removed} partial file(s) of interrupted backups ({freed:,} bytes)")
    return Check(True, "leftovers", "no partial backups")


def _search(conn: sqlite3.Connection) -> Check:
    if search.in_step(conn):
        return Check(True, "search", "the search index holds what every card holds")
    return Check(False, "search", "the search index is out of step with the cards (doctor --fix makes it anew)")


# --- doctor --fix --------------------------------------------------------------------------------------


def repair(path: Path, now: datetime, policy: Policy) -> list[str]:
    """Repair what is safe to repair, after a backup; returns what was done, one line each."""
    from .backup import backup
    from .store import Store

    state = dbfile.inspect(path)
    if not state.exists:
        return ["nothing to fix: there is no database yet"]
    conn = dbfile.connect_readonly(path)
    try:
        verdict = [row[0] for row in conn.execute("PRAGMA integrity_check(1)")]
        if verdict != ["ok"]:
            return [
                f"not fixed: the file itself is damaged ({' '.join(verdict[0].split())}); restore a backup "
                "(see backups/ beside it) or recover with: sqlite3 FILE .recover | sqlite3 NEW.db"
            ]
        gone = missing(conn, state.version)
        if any(kind in ("table", "column") for kind, _, _ in gone):
            return [
                "not fixed: a table or column is missing, and its data with it; restore a backup "
                "(see backups/ beside the database)"
            ]
        links, fixable = orphans(conn), rewritable(conn)
        reindex = state.version >= SEARCH_FROM and (
            any(kind != "table" and "search" in name for kind, name, _ in gone) or not search.in_step(conn)
        )
    finally:
        conn.close()
    if not (gone or links or fixable or reindex):
        return ["nothing to fix"]
    dbfile.check_writable(path)
    saved = backup(path, None, now, label="-before-fix")
    # one action of the undo journal: `followup undo` puts it back
    with Store.open(path, policy) as store, store.transaction(f"doctor --fix on {journal.CARD}"):
        rewritten = _apply(store.conn, gone, links, fixable)
        if reindex:
            search.build(store.conn)
    done = [f"backed up to {saved}"]
    if rewritten:
        done.append(f"wrote {rewritten} time(s) as UTC ISO")
    done += [f"{verb} {links[label]} {label}" for label, verb, _ in ORPHANS if label in links]
    done += [f"re-created {kind} {name}" for kind, name, _ in gone]
    return done + (["made the search index anew"] if reindex else [])


def _apply(
    conn: sqlite3.Connection,
    gone: list[tuple[str, str, str | None]],
    links: dict[str, int],
    fixable: list[tuple[str, str, object, str]],
) -> int:
    """The repairs (inside the caller's transaction); returns how many times were rewritten."""
    for _, _, sql in gone:  # first: a re-created trigger marks what the repairs below change
        if sql is not None:  # an index, trigger or view (a missing column has no SQL, and is not fixed)
            conn.execute(sql)
    if any(kind == "trigger" for kind, _, _ in gone):
        conn.execute("UPDATE cards SET rules_key = NULL")  # plans made without it may be stale
    rewritten = 0
    for table, column, value, form in fixable:
        rewritten += conn.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (form, value)).rowcount
    for label, _, sql in ORPHANS:
        if label in links:
            conn.execute(sql)
    return rewritten
