"""The `followup` command line (SPEC §5).

Each verb is a small function over the Store and the rules. Errors are one
line on stderr: exit 1 when the command could not do what was asked, 2 for
usage or configuration mistakes. The board is imported lazily.
"""

from __future__ import annotations

import sys
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
@click.option("--relation", type=choice(Relation), help="interviewer (default for someone new), recruiter, "
              "hiring-manager or network (someone who can recommend you).")
@click.option("--email")
@click.option("--title")
@click.option("--note", help="Who they are, how they know the company.")
@click.option("--unlink", is_flag=True, help="Take them off the card.")
@pass_env
def person(env: Env, card_id, name, relation, email, title, note, unlink) -> None:
    """Link a person to a card, update someone already linked, or unlink them."""
    given = {key: value for key, value in (("relation", relation), ("email", email), ("title", title),
                                           ("note", note)) if value is not None}
    if unlink and given:
        raise click.UsageError("--unlink takes no other option")
    with env.store() as store, store.transaction():
        bundle = store.get(card_id)
        person_id = store.linked_person(card_id, name)
        known = bundle.person(person_id)
        if unlink:
            if known is None:
                raise Failure(f"#{card_id} {safe(bundle.card.company)}: nobody called {safe(name.strip())} is linked")
            unnamed = store.unlink_person(card_id, person_id)
        elif known is None:
            store.add_person(card_id, name, Relation(relation or "interviewer"), email=email or "",
                             title=title or "", note=note or "")
        else:
            changed = store.update_person(card_id, person_id, given)
    who = f"#{card_id} {safe(bundle.card.company)}: {safe(known.name if known else name.strip())}"
    if unlink:
        click.echo(f"{who} unlinked" + (f" ({unnamed} contact(s) no longer name them)" if unnamed else ""))
    elif known is None:
        click.echo(f"#{card_id} {safe(bundle.card.company)}: linked {safe(name.strip())} ({relation or 'interviewer'})")
    elif changed:
        click.echo(f"{who} updated: " + ", ".join(f"{key} {safe(value)}" for key, value in changed.items()))
    else:
        click.echo(f"{who} is already linked; nothing to change")


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.option("--add", "texts", multiple=True, metavar="TEXT", help="Add an item.")
@click.option("--done", "done", multiple=True, type=int, metavar="N", help="Tick item N.")
@click.option("--undone", "undone", multiple=True, type=int, metavar="N", help="Untick item N.")
@click.option("--remove", "remove", multiple=True, type=int, metavar="N", help="Remove item N.")
@pass_env
def prep(env: Env, card_id, texts, done, undone, remove) -> None:
    """List, add to, tick or remove items of a card's prep checklist (N as listed)."""
    removed = []
    if texts or done or undone or remove:
        with env.store() as store:
            removed = store.prep_changes(card_id, list(texts), list(done), list(undone), list(remove))
            items = store.get(card_id).prep
    else:
        items = _read(env, lambda store: store.get(card_id)).prep
    for text in removed:
        click.echo(f"removed: {safe(text)}")
    for number, item in enumerate(items, 1):
        click.echo(f"{number:>2}. [{'x' if item.done else ' '}] {safe(item.text)}")
    if not items:
        click.echo(f"card #{card_id} has no prep items yet (add with --add TEXT)")


@cli.command()
@click.argument("card_id", metavar="ID", type=int)
@click.option("--remove", "number", type=int, metavar="N", help="Remove contact N (as `show` and this list number them).")
@pass_env
def contact(env: Env, card_id, number) -> None:
    """List a card's logged contacts, numbered oldest first, or remove one logged by mistake."""
    from .present import contact_line, contact_time

    if number is not None:
        with env.store() as store:
            contact_id = store.contact_id(card_id, number)
            bundle = store.get(card_id)
            gone = next(c for c in bundle.contacts if c.id == contact_id)
            store.remove_contact(card_id, contact_id)
        click.echo(f"#{card_id} {safe(bundle.card.company)}: removed contact {number} "
                   f"({contact_line(bundle, gone, contact_time(gone.at, env.now))}); "
                   f"the card stays in {bundle.card.stage} (followup move changes that)")
        return
    bundle = _read(env, lambda store: store.get(card_id))
    for n, item in enumerate(bundle.contacts, 1):
        click.echo(f"{n:>2}. {contact_line(bundle, item, contact_time(item.at, env.now))}")
    if not bundle.contacts:
        click.echo(f"card #{card_id} has no contacts yet (followup log {card_id} KIND)")


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
        numbered = list(enumerate(bundle.contacts, 1))  # oldest is 1, as `followup contact ID --remove N` counts
        lines += [f"  {n}. {contact_line(bundle, c, contact_time(c.at, now))}" for n, c in reversed(numbered)]
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
@click.option("--format", "form", type=click.Choice(["json", "csv", "ics"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not to stdout.")
@pass_env
def export(env: Env, form, output) -> None:
    """Everything out: json (lossless), csv (a row per card) or ics (a calendar of actions)."""
    from . import exchange
    from .present import assess_all

    store = env.reader()
    if store is None:
        raise Failure(f"no database yet at {env.db_path}: nothing to export")
    with store:
        if form == "json":
            data = exchange.export_json(store).encode()
        else:
            rows = assess_all(store.bundles(include_closed=True), env.config.policy, env.now)
            if form == "csv":
                data = exchange.export_csv(rows, env.now).encode()
            else:
                from .ics import calendar

                data = calendar(rows, env.config.policy, env.now)
    _write_out(data, output)


def _write_out(data: bytes, output: Path | None) -> None:
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise Failure(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"wrote {output}", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "form", type=click.Choice(["json", "csv", "huntr"]), default="json", show_default=True)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@pass_env
def import_(env: Env, file, form, dry_run) -> None:
    """Bring data in, matched by uid (Huntr: by its id); importing twice changes nothing."""
    from . import exchange

    if not file.exists():
        raise Failure(f"no such file: {file}")
    text = _read_import(file)
    try:
        document = exchange.parse_json(text) if form == "json" else None
        report = _dry_run(env, form, text, document) if dry_run else _import(env, form, text, document)
    except exchange.BadImport as exc:
        raise Failure(f"{file}: {exc}; nothing was imported") from None
    prefix = "would be " if dry_run else ""
    for line in report.lines():
        click.echo(prefix + line)


def _read_import(file: Path) -> str:
    from . import exchange

    try:
        return exchange.read_text(file)
    except exchange.BadImport as exc:
        raise Failure(str(exc)) from None


def _import(env: Env, form: str, text: str, document, store=None):
    """Import into `store` (default: the user's database) in one transaction."""
    from .exchange import Report

    report = Report()
    own = store is None
    store = env.store() if own else store
    try:
        with store.transaction():
            _import_into(store, form, text, document, env.now, report)
    finally:
        if own:
            store.close()
    return report


def _import_into(store, form: str, text: str, document, now: datetime, report) -> None:
    from . import exchange
    from .huntr import import_huntr

    if form == "json":
        exchange.import_document(store, document, report)
    elif form == "csv":
        exchange.import_csv(store, text, now, report)
    else:
        import_huntr(store, text, now, report)


def _dry_run(env: Env, form: str, text: str, document):
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
            return _import(env, form, text, document, store=scratch)


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
