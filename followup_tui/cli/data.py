"""Data in and out: export, import, backup, doctor."""

from __future__ import annotations

import os
import sys
from contextlib import closing, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..domain.textsafe import safe
from .group import Env, Failure, cli, pass_env

if TYPE_CHECKING:
    from collections.abc import Iterator


@cli.command()
@click.option(
    "--format",
    "form",
    type=click.Choice(["json", "csv", "ics"]),
    help="json (lossless), csv or ics; default: from -o's extension, else json.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not to stdout.")
@pass_env
def export(env: Env, form, output) -> None:
    """Everything out: json (lossless), csv (a row per card) or ics (a calendar of actions)."""
    from ..exchange.records import EXPORT_FORMATS

    form = _format(output, form, EXPORT_FORMATS, default="json")
    store = env.reader()
    if store is None:
        raise Failure(f"no database yet at {env.db_path}: nothing to export")
    with store, closing(_export_chunks(env, store, form)) as chunks:  # the pieces end before the store closes
        _write_out(chunks, output)


def _export_chunks(env: Env, store, form: str):
    """The export as bytes, piece by piece (json and csv stream; the calendar is small)."""
    if form == "json":
        from ..exchange import jsonexport

        yield from jsonexport.chunks(store.conn)
    elif form == "csv":
        from ..exchange import csvexport

        yield from csvexport.chunks(store.conn, env.config.policy, env.now)
    else:
        from ..exchange.ics import calendar

        yield calendar(store.bundles(include_closed=True), env.config.policy, env.now)


def _format(path: Path | None, form: str | None, allowed: tuple[str, ...], default: str | None = None) -> str:
    from ..exchange.records import UnknownFormat, format_for

    try:
        return format_for(path, form, allowed, default)
    except UnknownFormat as exc:
        raise click.UsageError(str(exc)) from None


def _write_out(chunks, output: Path | None) -> None:
    """Write the pieces of an export to `output` (else stdout) as they come: a file is new and private
    (0600, never through a link or into a device or FIFO), and complete or not there (outfile.py)."""
    from ..storage.outfile import write_private

    if output is None:
        _to_stdout(chunks)
        return
    write_private(output, chunks)
    click.echo(f"wrote {output}", err=True)


def _to_stdout(chunks) -> None:
    """UTF-8 bytes as they are, whatever the locale (as text only where stdout has no bytes side)."""
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    try:
        for chunk in chunks:
            if binary is None:
                sys.stdout.write(chunk.decode("utf-8"))
            else:
                binary.write(chunk)
        if binary is not None:
            binary.flush()
    except BrokenPipeError:  # the reader has had enough (`| head`): stop quietly, exit 0
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush fails no more


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))  # a folder is refused below, as a missing file is
@click.option(
    "--format",
    "form",
    type=click.Choice(["json", "csv", "huntr"]),
    help="Default: from the extension (.json, .csv; a Huntr CSV is recognised by its header).",
)
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD", help="CSV: read COLUMN as FIELD (repeatable).")
@click.option(
    "--stage-map",
    "stage_maps",
    multiple=True,
    metavar="STATUS=TARGET",
    help="CSV: a status's stage, or offer, rejected, skip (repeatable).",
)
@click.option("--date-order", type=click.Choice(["mdy", "dmy"]), help="CSV: how to read 11/05/2026.")
@click.option("--strict", is_flag=True, help="CSV: a row that cannot be read stops the import.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@pass_env
def import_(env: Env, file, form, maps, stage_maps, date_order, strict, dry_run) -> None:
    """Bring data in, matched by uid (Huntr: by its id); importing twice changes nothing."""
    from ..domain.files import special_kind
    from ..exchange.records import IMPORT_FORMATS, BadImport

    if file.is_dir():  # before its name's extension is asked about
        raise Failure(f"{file} is a folder, not a file to import")
    form = _format(file, form, IMPORT_FORMATS)
    options = _csv_options(form, maps, stage_maps, date_order, strict)
    if not file.exists():
        raise Failure(f"no such file: {file}")
    if special_kind(file.stat().st_mode):  # reading a FIFO would wait for ever
        raise Failure(f"{file} is {special_kind(file.stat().st_mode)}, not a file to import")
    from ..storage import dbfile

    new_file = not dry_run and not os.path.lexists(env.db_path)  # made by this import: gone again if it fails
    try:
        report = _dry_run(env, form, file, options) if dry_run else _import(env, form, file, options, new_file)
    except (BadImport, OSError) as exc:
        if new_file:
            dbfile.remove_if_empty(env.db_path)
        if isinstance(exc, BadImport):
            raise Failure(f"{file}: {exc}; nothing was imported") from None
        raise Failure(f"cannot read {file}: {exc.strerror}") from None
    prefix = "would be " if dry_run else ""
    for line in report.lines():
        click.echo(safe(prefix + line if line.startswith(("created", "updated", "skipped")) else line))


def _csv_options(form: str, maps, stage_maps, date_order, strict):
    from ..exchange.trackers import Options, parse_maps, parse_stage_maps

    if form == "json" and (maps or stage_maps or date_order or strict):
        raise click.UsageError("--map, --stage-map, --date-order and --strict go with CSV imports")
    try:
        return Options(parse_maps(maps), parse_stage_maps(stage_maps), date_order, strict)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _import(env: Env, form: str, file: Path, options, new_file: bool = False, store=None):
    """Import `file` into `store` (default: the user's database) in one transaction; `new_file`: this
    command made the database (dbfile.written_once)."""
    from ..exchange.records import Report
    from ..storage.bulk import filled_new
    from ..storage.dbfile import written_once
    from ..storage.journal import CARD

    report = Report()
    own = store is None
    store = env.store() if own else store
    # statement journals in memory: each row a statement writes would otherwise copy the pages it
    # changes to a temporary file first (several GB over an import of 100,000 cards); outside a transaction
    store.conn.execute("PRAGMA temp_store = MEMORY")
    try:
        with (
            file.open(encoding="utf-8-sig", newline="") as stream,
            _no_cycle_collection(),
            written_once(store.conn) if new_file else nullcontext(),
            store.transaction(f"import {form}: {CARD}"),
        ):
            store.conn.execute("PRAGMA cache_size = -65536")  # 64 MB: a big import's indexes stay in memory
            with filled_new(store.conn) if new_file else nullcontext():
                _import_into(store, form, stream, options, env.now, report)
    finally:
        if own:
            store.close()
    return report


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """An import makes millions of short-lived dicts and tuples, and no reference cycles: the cycle
    collector's full passes over them took seconds at 100,000 cards, and freed nothing. The
    command is the whole process (no other thread to disturb); the JSON import's planner process,
    forked inside, inherits the pause (rulecache.plans_of makes no cycles either)."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _import_into(store, form: str, stream, options, now: datetime, report) -> None:
    if form == "json":
        from ..exchange.jsonimport import import_json

        import_json(store.conn, stream, report, plan_aside=store.policy)  # the command line has no threads
    else:
        from ..exchange.trackers import import_csv

        import_csv(store.conn, stream, now, report, options, huntr=True if form == "huntr" else None)


def _dry_run(env: Env, form: str, file: Path, options):
    """Import into a throwaway copy of the database: the real file is not touched."""
    import tempfile

    from ..storage.backup import copy
    from ..storage.dbfile import open_reader
    from ..storage.store import Store

    with tempfile.TemporaryDirectory(prefix="followup-dry-run-") as folder:
        copy_path = Path(folder) / "copy.db"
        source = open_reader(env.db_path)
        if source is not None:
            try:
                copy(source, copy_path)
            finally:
                source.close()
        with Store.open(copy_path, env.config.policy) as scratch:
            return _import(env, form, file, options, store=scratch)


@cli.command("backup")
@click.argument("dest", required=False, type=click.Path())  # text: a trailing '/' means a folder
@pass_env
def backup_(env: Env, dest) -> None:
    """A consistent copy of the database (default: backups/ beside it, the last 10 kept)."""
    from ..storage.backup import backup
    from ..storage.dbfile import open_reader

    conn = open_reader(env.db_path)
    if conn is None:
        raise Failure(f"no database yet at {env.db_path}: nothing to back up")
    conn.close()
    click.echo(f"backed up to {backup(env.db_path, dest, env.now)}")


@cli.command()
@click.option("--fix", is_flag=True, help="Repair what is safe (after a backup): times, orphans, indexes.")
@pass_env
def doctor(env: Env, fix: bool) -> None:
    """Check the database: integrity, tables, values, links, privacy, journal. Changes nothing
    (but removes what killed backups left); --fix repairs what is safe and says what it did."""
    from ..storage.doctor import examine, repair

    if fix:
        for line in repair(env.db_path, env.now, env.config.policy):
            click.echo(f"fix: {safe(line)}")
    checks = examine(env.db_path)
    for check in checks:
        click.echo("\n".join(safe(line) for line in check.lines()))
    failed = [c for c in checks if not c.ok]
    click.echo(f"verdict: {'healthy' if not failed else f'{len(failed)} problem(s) found'}")
    if failed:
        raise click.exceptions.Exit(1)
