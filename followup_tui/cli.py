"""The `followup` command line (SPEC §5).

Each verb is a small function over the Store and the rules. Errors are one
line on stderr: exit 1 when the command could not do what was asked, 2 for
usage or configuration mistakes. The board is imported lazily.
"""

from __future__ import annotations

import sys
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from . import clock, config as configuration
from .dbfile import StoreError
from .drafts import TEMPLATES
from .model import Channel, Kind, Outcome, Relation, Stage, name_and_email
from .textsafe import json_text, safe, safe_block, safe_title


class Failure(click.ClickException):
    """The command could not do what was asked (exit 1)."""

    exit_code = 1


class BadConfig(click.ClickException):
    exit_code = 2


class Env:
    """What every verb needs, resolved lazily from the global options."""

    def __init__(self, db: str | None, config: str | None, now_text: str | None):
        self.db_path = configuration.db_path(db)
        self.config_path = configuration.config_path(config)
        self.now_text = now_text
        self._now: datetime | None = None
        self._config = None

    @property
    def now(self) -> datetime:
        if self._now is None:
            try:
                self._now = clock.now(self.now_text)
            except clock.TimeParseError as exc:
                raise Failure(f"--now / FOLLOWUP_NOW: {exc}") from None
        return self._now

    @property
    def config(self) -> configuration.Config:
        if self._config is None:
            try:
                self._config = configuration.load_config(self.config_path)
            except configuration.ConfigError as exc:
                raise BadConfig(str(exc)) from None
        return self._config

    def store(self):
        from .store import Store

        self.config  # a bad config stops us before the database is touched
        return Store.open(self.db_path, self.config.policy)

    def reader(self):
        from .store import Store

        self.config  # as for store(): a bad config stops us first
        return Store.open_readonly(self.db_path)

    def when(self, text: str, what: str) -> datetime:
        try:
            return clock.parse_instant(text, self.now)
        except clock.TimeParseError as exc:
            raise Failure(f"{what}: {exc}") from None

    def day(self, text: str, what: str) -> date:
        try:
            return clock.parse_date(text, self.now)
        except clock.TimeParseError as exc:
            raise Failure(f"{what}: {exc}") from None

    def warn_future(self, at: datetime, what: str) -> None:
        if at > self.now + timedelta(hours=1):
            warn(f"{what} {clock.short_datetime(at, self.now)} is in the future ({clock.relative(at, self.now)})")


def warn(message: str) -> None:
    click.echo(f"followup: warning: {message}", err=True)


def choice(enum) -> click.Choice:
    return click.Choice([member.value for member in enum])


pass_env = click.make_pass_decorator(Env)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH", help="Database file (env FOLLOWUP_DB).")
@click.option("--config", metavar="PATH", help="config.toml (env FOLLOWUP_CONFIG).")
@click.option("--now", "now_text", metavar="WHEN", help="Pretend it is WHEN (env FOLLOWUP_NOW).")
@click.version_option(package_name="followup-tui")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None, now_text: str | None) -> None:
    """Follow up on job interviews: thank-you notes, follow-ups, next rounds, staying in touch."""
    ctx.obj = Env(db, config, now_text)
    if ctx.invoked_subcommand is None:
        ctx.invoke(board)


def _run_board(env: Env, store) -> None:
    from .tui.app import FollowupApp, binding_ids  # lazily: only the board needs Textual

    with store:
        unknown = sorted(set(env.config.keys) - binding_ids())
        if unknown:
            raise BadConfig(f"config {env.config_path}: keys.{unknown[0]} is not a key binding "
                            f"(see the ? screen or the README for the ids)")
        FollowupApp(store, env.config, env.now_text).run()


@cli.command(hidden=True)
@pass_env
def board(env: Env) -> None:
    """Open the board (the default)."""
    _run_board(env, env.store())


@cli.command()
@click.option("--screenshot", metavar="FILE.svg", type=click.Path(dir_okay=False, path_type=Path),
              help="Save an SVG of the demo board (160×48) instead of opening it.")
@pass_env
def demo(env: Env, screenshot: Path | None) -> None:
    """Open the board on a throwaway database of sample interviews."""
    import tempfile

    from .demo import fill
    from .store import Store

    with tempfile.TemporaryDirectory(prefix="followup-demo-") as folder:
        store = Store.open(Path(folder) / "demo.db", env.config.policy)
        fill(store, env.now)
        if screenshot is None:
            _run_board(env, store)
        else:
            _save_screenshot(env, store, screenshot)
            click.echo(f"saved {screenshot}")


def _save_screenshot(env: Env, store, target: Path) -> None:
    import asyncio

    from .tui.app import FollowupApp

    async def shoot() -> None:
        app = FollowupApp(store, env.config, env.now_text)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            target.write_text(app.export_screenshot(title="followup demo"), encoding="utf-8")

    with store:
        asyncio.run(shoot())


# --- cards -----------------------------------------------------------------------


@cli.command()
@click.argument("company")
@click.option("--role", default="", help="The role interviewed for.")
@click.option("--at", "at_text", default="now", metavar="WHEN", help="When the interview was (default now).")
@click.option("--interviewer", "interviewers", multiple=True, metavar='"NAME[ <EMAIL>]"')
@click.option("--follow-up-on", metavar="DATE", help="The date they asked you to follow up.")
@click.option("--via", type=choice(Channel), help="The channel they asked you to use.")
@click.option("--decision-by", metavar="DATE", help="When they expect to decide.")
@click.option("--fit", default="", help="Why you fit: the point your thank-you should make.")
@click.option("--note", default="", help="Notes: what was discussed.")
@pass_env
def add(env: Env, company, role, at_text, interviewers, follow_up_on, via, decision_by, fit, note) -> None:
    """Add an interview; prints the new card's id."""
    from .store import NewCard

    if not company.strip():
        raise Failure("company must not be empty")
    at = env.when(at_text, "--at")
    new = NewCard(
        company=company, role=role, interview_at=at,
        interviewers=[name_and_email(text) for text in interviewers if text.strip()],
        follow_up_on=env.day(follow_up_on, "--follow-up-on") if follow_up_on else None,
        follow_up_via=Channel(via) if via else None,
        decision_by=env.day(decision_by, "--decision-by") if decision_by else None,
        fit=fit, notes=note,
    )
    with env.store() as store:
        card_id = store.add_card(new, env.now)
    env.warn_future(at, "interview time")
    click.echo(card_id)


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.argument("name")
@click.option("--relation", type=choice(Relation), default="interviewer", show_default=True)
@click.option("--email", default="")
@click.option("--title", default="")
@click.option("--note", default="", help="Who they are, how they know the company.")
@pass_env
def person(env: Env, card_id, name, relation, email, title, note) -> None:
    """Link a person to a card (network: someone who can recommend you)."""
    with env.store() as store:
        store.add_person(card_id, name, Relation(relation), email=email, title=title, note=note)
        bundle = store.get(card_id)
    click.echo(f"#{card_id} {safe(bundle.card.company)}: linked {safe(name.strip())} ({relation})")


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.option("--add", "texts", multiple=True, metavar="TEXT", help="Add an item.")
@click.option("--done", "done", multiple=True, type=int, metavar="N", help="Tick item N.")
@click.option("--undone", "undone", multiple=True, type=int, metavar="N", help="Untick item N.")
@pass_env
def prep(env: Env, card_id, texts, done, undone) -> None:
    """List, add to, or tick a card's prep checklist."""
    if texts or done or undone:
        with env.store() as store:
            store.prep_changes(card_id, list(texts), list(done), list(undone))
            items = store.get(card_id).prep
    else:
        items = _read(env, lambda store: store.get(card_id)).prep
    for number, item in enumerate(items, 1):
        click.echo(f"{number:>2}. [{'x' if item.done else ' '}] {safe(item.text)}")
    if not items:
        click.echo(f"card #{card_id} has no prep items yet (add with --add TEXT)")


def _read(env: Env, action):
    """Run `action(store)` on a read-only store; a missing database is an error here."""
    store = env.reader()
    if store is None:
        raise Failure(f"no database yet at {env.db_path} (add an interview with `followup add`)")
    with store:
        return action(store)


@cli.command("list")
@click.option("--stage", type=choice(Stage), help="Only this stage.")
@click.option("--all", "show_all", is_flag=True, help="Include closed cards.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of cards.")
@pass_env
def list_cards(env: Env, stage, show_all, as_json) -> None:
    """Cards with their flags, most urgent first."""
    from .present import assess_all, card_json

    store = env.reader()
    bundles = []
    if store is not None:
        with store:
            bundles = store.bundles(include_closed=show_all, stage=Stage(stage) if stage else None)
    rows = assess_all(bundles, env.config.policy, env.now)
    if as_json:
        click.echo(json_text([card_json(row, env.now) for row in rows]))
        return
    if not rows:
        click.echo("no cards" if store is not None else f"no database yet at {env.db_path}: 0 cards")
    for row in rows:
        click.echo(_list_line(row, env.now))


def _list_line(row, now: datetime) -> str:
    from .present import flag_word, last_contact, when_line

    card, verdict = row.card, row.assessment
    stage = "closed" if card.closed else card.stage.value
    title = safe_title(card.company, card.role)
    reason = f"  {safe(verdict.reasons[0])}" if verdict.reasons else ""
    return (f"#{card.id:<4} {stage:<13} {flag_word(verdict):<8}  {title}  "
            f"(round {card.round}, {when_line(card, last_contact(row.bundle, now), now)}){reason}")


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_env
def show(env: Env, card_id, as_json) -> None:
    """One card with people, contacts, prep items and flags."""
    from .present import Assessed, card_detail_json
    from .rules import assess

    bundle = _read(env, lambda store: store.get(card_id))
    item = Assessed(bundle, assess(bundle, env.config.policy, env.now))
    if as_json:
        click.echo(json_text(card_detail_json(item, env.now)))
    else:
        click.echo("\n".join(_show_lines(item, env.now)))


def _show_lines(item, now: datetime) -> list[str]:
    from .present import card_facts, contact_line, contact_time, last_contact, person_line, when_line
    from .rules import FLAG_WORDS

    card, bundle, verdict = item.card, item.bundle, item.assessment
    lines = [f"#{card.id} {safe_title(card.company, card.role)}"]
    state = "closed, " + card.outcome.value if card.closed else card.stage.value
    lines.append(f"  {state} · round {card.round} · {when_line(card, last_contact(bundle, now), now)}")
    lines += [f"  {label}: {value}" for label, value in card_facts(item, now)]
    if card.fit:
        lines.append(f"  why I fit: {safe(card.fit)}")
    for flag, reason in zip(verdict.reason_flags, verdict.reasons):
        lines.append(f"  {FLAG_WORDS[flag]}: {safe(reason)}")
    if bundle.people:
        lines.append("people:")
        lines += [f"  {person_line(p)}" for p in bundle.people]
    if bundle.contacts:
        lines.append("contacts (newest first):")
        lines += [f"  {contact_line(bundle, c, contact_time(c.at, now))}" for c in reversed(bundle.contacts)]
    if bundle.prep:
        lines.append("prep:")
        lines += [f"  {n}. [{'x' if p.done else ' '}] {safe(p.text)}" for n, p in enumerate(bundle.prep, 1)]
    if card.notes:
        lines += ["notes:", *("  " + line for line in safe_block(card.notes).splitlines())]
    return lines


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The glance as JSON.")
@click.option("--short", is_flag=True, help="One line for a prompt or a tmux status bar.")
@pass_env
def status(env: Env, as_json, short) -> None:
    """The glance: counts per stage and what needs attention. Never writes."""
    from .status import status_text

    if as_json and short:
        raise click.UsageError("--json and --short do not go together")
    click.echo(status_text(env.db_path, env.config.policy, env.now, "json" if as_json else "short" if short else "plain"))


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.argument("template", metavar="[TEMPLATE]", required=False, type=click.Choice(TEMPLATES))
@pass_env
def draft(env: Env, card_id, template) -> None:
    """Print a filled-in draft message (default: the one the card needs now)."""
    from . import drafts

    bundle = _read(env, lambda store: store.get(card_id))
    try:
        message = drafts.render(bundle, template or drafts.default_template(bundle), env.config, env.now)
    except drafts.DraftError as exc:
        raise Failure(str(exc)) from None
    click.echo(safe_block(message.text))


# --- data in and out -------------------------------------------------------------------


@cli.command()
@click.option("--format", "form", type=click.Choice(["json", "csv", "ics"]),
              help="json (lossless), csv or ics; default: from -o's extension, else json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not to stdout.")
@pass_env
def export(env: Env, form, output) -> None:
    """Everything out: json (lossless), csv (a row per card) or ics (a calendar of actions)."""
    from .exchange import EXPORT_FORMATS

    form = _format(output, form, EXPORT_FORMATS, default="json")
    store = env.reader()
    if store is None:
        raise Failure(f"no database yet at {env.db_path}: nothing to export")
    with store, closing(_export_chunks(env, store, form)) as chunks:  # the pieces end before the store closes
        _write_out(chunks, output)


def _export_chunks(env: Env, store, form: str):
    """The export as bytes, piece by piece (json and csv stream; the calendar is small)."""
    if form == "json":
        from .jsonexport import chunks

        yield from chunks(store.conn)
    elif form == "csv":
        from .csvexport import chunks

        yield from chunks(store.conn, env.config.policy, env.now)
    else:
        from .ics import calendar
        from .present import assess_all

        yield calendar(assess_all(store.bundles(include_closed=True), env.config.policy, env.now),
                       env.config.policy, env.now)


def _format(path: Path | None, form: str | None, allowed: tuple[str, ...], default: str | None = None) -> str:
    from .exchange import UnknownFormat, format_for

    try:
        return format_for(path, form, allowed, default)
    except UnknownFormat as exc:
        raise click.UsageError(str(exc)) from None


def _write_out(chunks, output: Path | None) -> None:
    """Write the pieces of an export to `output` (else stdout) as they come."""
    if output is None:
        _to_stdout(chunks)
        return
    try:
        with output.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError as exc:
        raise Failure(f"cannot write {output}: {exc.strerror}") from None
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
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "form", type=click.Choice(["json", "csv", "huntr"]),
              help="Default: from the extension (.json, .csv; a Huntr CSV is recognised by its header).")
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD", help="CSV: read COLUMN as FIELD (repeatable).")
@click.option("--stage-map", "stage_maps", multiple=True, metavar="STATUS=TARGET",
              help="CSV: a status's stage, or offer, rejected, skip (repeatable).")
@click.option("--date-order", type=click.Choice(["mdy", "dmy"]), help="CSV: how to read 11/05/2026.")
@click.option("--strict", is_flag=True, help="CSV: a row that cannot be read stops the import.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@pass_env
def import_(env: Env, file, form, maps, stage_maps, date_order, strict, dry_run) -> None:
    """Bring data in, matched by uid (Huntr: by its id); importing twice changes nothing."""
    from .exchange import IMPORT_FORMATS, BadImport

    if file.suffix.lower() == ".ics" and not form:
        raise click.UsageError("an .ics calendar is export-only; import reads .json and .csv files")
    form = _format(file, form, IMPORT_FORMATS)
    options = _csv_options(form, maps, stage_maps, date_order, strict)
    if not file.exists():
        raise Failure(f"no such file: {file}")
    try:
        report = _dry_run(env, form, file, options) if dry_run else _import(env, form, file, options)
    except BadImport as exc:
        raise Failure(f"{file}: {exc}; nothing was imported") from None
    except OSError as exc:
        raise Failure(f"cannot read {file}: {exc.strerror}") from None
    prefix = "would be " if dry_run else ""
    for line in report.lines():
        click.echo(safe(prefix + line if line.startswith(("created", "updated", "skipped")) else line))


def _csv_options(form: str, maps, stage_maps, date_order, strict):
    from .trackers import Options, parse_maps, parse_stage_maps

    if form == "json" and (maps or stage_maps or date_order or strict):
        raise click.UsageError("--map, --stage-map, --date-order and --strict go with CSV imports")
    try:
        return Options(parse_maps(maps), parse_stage_maps(stage_maps), date_order, strict)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _import(env: Env, form: str, file: Path, options, store=None):
    """Import `file` into `store` (default: the user's database) in one transaction."""
    from .exchange import Report

    report = Report()
    own = store is None
    store = env.store() if own else store
    try:
        with file.open(encoding="utf-8-sig", newline="") as stream, store.transaction():
            store.conn.execute("PRAGMA cache_size = -65536")  # 64 MB: a big import's indexes stay in memory
            _import_into(store, form, stream, options, env.now, report)
    finally:
        if own:
            store.close()
    return report


def _import_into(store, form: str, stream, options, now: datetime, report) -> None:
    if form == "json":
        from .jsonimport import import_json

        import_json(store.conn, stream, report)
    else:
        from .trackers import import_csv

        import_csv(store.conn, stream, now, report, options, huntr=True if form == "huntr" else None)


def _dry_run(env: Env, form: str, file: Path, options):
    """Import into a throwaway copy of the database: the real file is not touched."""
    import tempfile

    from .backup import copy
    from .dbfile import open_reader
    from .store import Store

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
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@pass_env
def backup_(env: Env, dest) -> None:
    """A consistent copy of the database (default: backups/ beside it, the last 10 kept)."""
    from .backup import backup
    from .dbfile import open_reader

    conn = open_reader(env.db_path)
    if conn is None:
        raise Failure(f"no database yet at {env.db_path}: nothing to back up")
    conn.close()
    click.echo(f"backed up to {backup(env.db_path, dest, env.now)}")


@cli.command()
@pass_env
def doctor(env: Env) -> None:
    """Check the database: integrity, links, schema, privacy, journal. Changes nothing."""
    from .doctor import examine

    checks = examine(env.db_path)
    for check in checks:
        click.echo(safe(check.line()))
    failed = [c for c in checks if not c.ok]
    click.echo(f"verdict: {'healthy' if not failed else f'{len(failed)} problem(s) found'}")
    if failed:
        raise click.exceptions.Exit(1)


# --- changes ------------------------------------------------------------------------


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.argument("kind", metavar="KIND", type=choice(Kind))
@click.option("--via", "channel", type=choice(Channel), help="Channel (default: the card's, else email).")
@click.option("--at", "at_text", default="now", metavar="WHEN", help="When it happened (default now).")
@click.option("--person", metavar="NAME", help="Who it was with (linked to the card if new).")
@click.option("--note", default="")
@click.option("--round-at", metavar="WHEN", help="With invite: when the next round is.")
@pass_env
def log(env: Env, card_id, kind, channel, at_text, person, note, round_at) -> None:
    """Log a contact that happened (a thank-you, invite or rejection moves the card)."""
    from .rules import too_soon

    kind = Kind(kind)
    at = env.when(at_text, "--at")
    if round_at and kind != Kind.INVITE:
        raise click.UsageError("--round-at goes with the invite kind")
    next_round = env.when(round_at, "--round-at") if round_at else None
    with env.store() as store:
        bundle = store.get(card_id)
        warning = too_soon(bundle, kind, at, env.config.policy)
        via = Channel(channel) if channel else bundle.card.channel
        result = store.log_contact(card_id, kind, at, env.now, channel=via, person=person,
                                   note=note, round_at=next_round)
    if warning:
        warn(warning)
    env.warn_future(at, "contact time")
    moved = f"; moved to {result.changes['stage']}" if "stage" in result.changes else ""
    outcome = f"; outcome {result.changes['outcome']}" if "outcome" in result.changes else ""
    click.echo(f"#{card_id} {safe(bundle.card.company)}: logged {kind} via {via}{moved}{outcome}")
    if kind == Kind.REJECTION:
        click.echo(f"a gracious reply keeps the door open: followup draft {card_id} gracious-reply")


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.argument("stage", metavar="STAGE", type=choice(Stage))
@click.option("--at", "at_text", metavar="WHEN",
              help="The next round's time (to next-round), or the new round's interview time (next-round to thank-you).")
@pass_env
def move(env: Env, card_id, stage, at_text) -> None:
    """Move a card to another stage."""
    at = env.when(at_text, "--at") if at_text else None
    with env.store() as store:
        changes = store.move(card_id, Stage(stage), env.now, at=at)
    extra = f" (round {changes['round']})" if "round" in changes else ""
    click.echo(f"#{card_id} moved to {stage}{extra}")


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.option("--outcome", type=click.Choice(["offer", "rejected", "withdrawn"]),
              help="Default: keep offer/rejected, else withdrawn.")
@pass_env
def close(env: Env, card_id, outcome) -> None:
    """Archive a card (restore it with reopen)."""
    with env.store() as store:
        changes = store.close_card(card_id, env.now, Outcome(outcome) if outcome else None)
    click.echo(f"#{card_id} closed ({changes['outcome']})")


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@pass_env
def reopen(env: Env, card_id) -> None:
    """Bring a closed card back to the board."""
    with env.store() as store:
        store.reopen(card_id, env.now)
        stage = store.get(card_id).card.stage
    click.echo(f"#{card_id} reopened in {stage}")


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Do not ask.")
@pass_env
def delete(env: Env, card_id, yes) -> None:
    """Delete a card and its history for good."""
    with env.store() as store:
        card = store.get(card_id).card
        if not yes and not click.confirm(f"Delete #{card_id} {safe(card.company)} and all its history?"):
            raise Failure("nothing deleted")
        store.delete(card_id)
    click.echo(f"#{card_id} deleted")


# --- entry point -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run a command line, turning every failure into one line on stderr (see entry.py)."""
    from .entry import error

    try:
        code = cli.main(args=argv, prog_name="followup", standalone_mode=False)
    except click.ClickException as exc:
        code = error(exc.format_message(), exc.exit_code)
    except click.Abort:
        code = error("aborted, nothing changed", 1)
    except (StoreError, clock.TimeParseError) as exc:
        code = error(str(exc), 1)
    except UnicodeEncodeError as exc:  # an argument's bytes were not UTF-8 (Python kept them as surrogates)
        code = error(f"an argument is not UTF-8 text ({_bad_bytes(exc)}); nothing changed", 1)
    except BrokenPipeError:
        code = 0
    sys.exit(code if isinstance(code, int) else 0)


def _bad_bytes(exc: UnicodeEncodeError) -> str:
    return " ".join(f"byte 0x{ord(c) & 0xFF:02x}" for c in exc.object[exc.start:exc.end])
