"""The `followup` command line (SPEC §5).

Each verb is a small function over the Store and the rules. Errors are one
line on stderr: exit 1 when the command could not do what was asked, 2 for
usage or configuration mistakes. The board is imported lazily.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import click

from ..domain import clock, config as configuration
from ..storage.dbfile import StoreError
from ..domain.drafts import TEMPLATES
from ..storage.journal import KEEP as JOURNAL_KEEP
from ..domain.model import Channel, Kind, Outcome, Relation, Stage, name_and_email
from ..domain.textsafe import json_text, safe, safe_block, safe_title


class Failure(click.ClickException):
    """The command could not do what was asked (exit 1)."""

    exit_code = 1


class BadConfig(click.ClickException):
    exit_code = 2


class Env:
    """What every verb needs, resolved lazily from the global options."""

    current: "Env | None" = None  # this command line's, for main() to name the file in an error

    def __init__(self, db: str | None, config: str | None, now_text: str | None):
        try:
            self.db_path = configuration.db_path(db)
        except configuration.ConfigError as exc:
            raise BadConfig(str(exc)) from None
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
        from ..storage.store import Store

        self.config  # a bad config stops us before the database is touched
        return Store.open(self.db_path, self.config.policy)

    def reader(self):
        from ..storage.store import Store

        self.config  # as for store(): a bad config stops us first
        return Store.open_readonly(self.db_path)

    def when(self, text: str, what: str, future: bool = False) -> datetime:
        """An instant the user wrote (`future`: a field that only looks ahead, such as a next round)."""
        try:
            return clock.parse_instant(text, self.now, future=future)
        except clock.TimeParseError as exc:
            raise Failure(f"{what}: {exc}") from None

    def day(self, text: str, what: str) -> date:
        """A calendar date the user wrote: every one we ask for looks ahead (a follow-up, a decision)."""
        try:
            return clock.parse_date(text, self.now, future=True)
        except clock.TimeParseError as exc:
            raise Failure(f"{what}: {exc}") from None


class CardId(click.ParamType):
    """A card's id: a whole number; one no card can have (0, or beyond SQLite's integers) is simply
    not found (exit 1), not an overflow."""

    name = "ID"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        try:
            number = int(value)
        except ValueError:
            self.fail(f"{value!r} is not a card id (a whole number)", param, ctx)
        if not 0 < number < 2 ** 63:
            raise Failure(f"no card #{safe(value)}")
        return number


CARD_ID = CardId()


def warn(message: str) -> None:
    click.echo(f"followup: warning: {message}", err=True)


def choice(enum) -> click.Choice:
    return click.Choice([member.value for member in enum])


pass_env = click.make_pass_decorator(Env)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH", help="Database file (env FOLLOWUP_DB).")
@click.option("--config", metavar="PATH", help="config.toml (env FOLLOWUP_CONFIG).")
@click.option("--now", "now_text", metavar="WHEN",
              help="Pretend it is WHEN (env FOLLOWUP_NOW). " + clock.WHEN_HELP)
@click.version_option(package_name="followup-tui")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None, now_text: str | None) -> None:
    """Follow up on job interviews: thank-you notes, follow-ups, next rounds, staying in touch.

    `followup` alone opens the board. `--now` plans ahead or looks back; looking back shows
    the contacts known then, with today's stages.
    """
    ctx.obj = Env.current = Env(db, config, now_text)
    if ctx.invoked_subcommand is None:
        ctx.invoke(board)


def _check_board_config(env: Env) -> None:
    """A theme or [keys] entry the board cannot use stops it before anything opens (exit 2)."""
    from ..tui.preferences import check  # lazily: only the board needs Textual

    try:
        check(env.config)
    except configuration.ConfigError as exc:
        raise BadConfig(str(exc)) from None


def _run_board(env: Env, store) -> None:
    from ..tui.app import FollowupApp

    with store:
        env.now  # a --now out of range stops us here, not inside the board
        # a draft with no clipboard tool is saved beside the user's database (not the demo's)
        app = FollowupApp(store, env.config, env.now_text, data_dir=env.db_path.parent)
        app.run()
    if app.return_code:  # the board stopped on an error (already shown): not a success
        raise click.exceptions.Exit(app.return_code)


@cli.command(hidden=True)
@pass_env
def board(env: Env) -> None:
    """Open the board (the default)."""
    _check_board_config(env)
    _run_board(env, env.store())


@cli.command()
@click.option("--screenshot", metavar="FILE.svg", type=click.Path(dir_okay=False, path_type=Path),
              help="Save an SVG of the demo board (160×48) instead of opening it.")
@pass_env
def demo(env: Env, screenshot: Path | None) -> None:
    """Open the board on a throwaway database of sample interviews."""
    import tempfile

    from ..exchange.demo import fill
    from ..storage.store import Store

    _check_board_config(env)
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

    from ..tui.app import FollowupApp

    async def shoot() -> None:
        app = FollowupApp(store, env.config, env.now_text)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            target.write_text(app.export_screenshot(title="followup demo"), encoding="utf-8")

    with store:
        asyncio.run(shoot())


# --- cards -----------------------------------------------------------------------


FIT_HELP = "Why you fit: the point your thank-you should make."
TOPIC_HELP = "What you talked about: the thank-you may mention it."
NOTE_HELP = "Private notes (never quoted in a draft)."


@cli.command()
@click.argument("company")
@click.option("--role", default="", help="The role interviewed for.")
@click.option("--at", "at_text", default="now", metavar="WHEN",
              help="When the interview was, or will be (default now). " + clock.WHEN_HELP)
@click.option("--interviewer", "interviewers", multiple=True, metavar='"NAME[ <EMAIL>]"')
@click.option("--follow-up-on", metavar="DATE", help="The date they asked you to follow up. " + clock.DATE_HELP)
@click.option("--via", type=choice(Channel), help="The channel they asked you to use.")
@click.option("--decision-by", metavar="DATE", help="When they expect to decide. " + clock.DATE_HELP)
@click.option("--fit", default="", help=FIT_HELP)
@click.option("--topic", default="", help=TOPIC_HELP)
@click.option("--note", default="", help=NOTE_HELP)
@pass_env
def add(env: Env, company, role, at_text, interviewers, follow_up_on, via, decision_by, fit, topic, note) -> None:
    """Add an interview (in Thank-you); prints the new card's id."""
    from ..storage.store import NewCard

    if not company.strip():
        raise Failure("company must not be empty")
    new = NewCard(
        company=company, role=role, interview_at=env.when(at_text, "--at"),
        interviewers=[name_and_email(text) for text in interviewers if text.strip()],
        follow_up_on=env.day(follow_up_on, "--follow-up-on") if follow_up_on else None,
        follow_up_via=Channel(via) if via else None,
        decision_by=env.day(decision_by, "--decision-by") if decision_by else None,
        fit=fit, notes=note, topic=topic,
    )
    with env.store() as store:
        card_id = store.add_card(new, env.now)
    click.echo(card_id)


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.option("--company", help="The company.")
@click.option("--role", help="The role.")
@click.option("--at", "at_text", metavar="WHEN", help="The latest round's interview time. " + clock.WHEN_HELP)
@click.option("--follow-up-on", metavar="DATE", help="The date they asked you to follow up ('' clears it). "
              + clock.DATE_HELP)
@click.option("--via", metavar="CHANNEL", help="The channel they asked for ('' clears it): "
              + ", ".join(c.value for c in Channel) + ".")
@click.option("--decision-by", metavar="DATE", help="When they expect to decide ('' clears it).")
@click.option("--round-at", metavar="WHEN", help="When the next round is ('' clears it).")
@click.option("--fit", help=FIT_HELP)
@click.option("--topic", help=TOPIC_HELP)
@click.option("--note", help=NOTE_HELP)
@pass_env
def edit(env: Env, card_id, company, role, at_text, follow_up_on, via, decision_by, round_at, fit, topic, note) -> None:
    """Change a card's fields; says what changed. An empty value clears a date."""
    changes = {key: value for key, value in (("company", company), ("role", role), ("fit", fit),
                                              ("topic", topic), ("notes", note)) if value is not None}
    if at_text is not None:
        changes["interview_at"] = env.when(at_text, "--at")
    for key, text, what in (("follow_up_on", follow_up_on, "--follow-up-on"), ("decision_by", decision_by,
                                                                               "--decision-by")):
        if text is not None:
            changes[key] = env.day(text, what) if text.strip() else None
    if round_at is not None:
        changes["next_round_at"] = env.when(round_at, "--round-at", future=True) if round_at.strip() else None
    if via is not None:
        changes["follow_up_via"] = _channel(via, "--via") if via.strip() else None
    if not changes:
        raise click.UsageError("say what to change, e.g. --follow-up-on friday (see followup edit --help)")
    with env.store() as store:
        before = store.get(card_id).card
        changed = store.update_card(card_id, changes, env.now)
    from ..domain.present import FIELD_ORDER, field_change

    said = [field_change(key, getattr(before, key), changed[key], env.now) for key in FIELD_ORDER if key in changed]
    click.echo(f"#{card_id} {safe(before.company)}: " + ("; ".join(said) if said else "nothing changed"))


def _channel(text: str, what: str) -> Channel:
    try:
        return Channel(text.strip().lower())
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a channel ({', '.join(c.value for c in Channel)})",
                                 param_hint=what) from None


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
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
@click.argument("card_id", metavar="ID", type=CARD_ID)
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
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.option("--remove", "number", type=int, metavar="N", help="Remove contact N (as `show` and this list number them).")
@pass_env
def contact(env: Env, card_id, number) -> None:
    """List a card's logged contacts, numbered oldest first, or remove one logged by mistake."""
    from ..domain.present import contact_line, contact_time

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
    from ..domain.present import assess_all, card_json

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
        click.echo("".join(f"      {line}\n" for line in _problem_lines(row.card)), nl=False)


def _problem_lines(card) -> list[str]:
    """'problem: cards.interview_at of #3 is 'last tuesday' (not a time)': values another tool wrote."""
    return [f"problem: {safe(problem)}" for problem in card.problems]


def _list_line(row, now: datetime) -> str:
    from ..domain.present import flag_word, last_contact, when_line

    card, verdict = row.card, row.assessment
    stage = "closed" if card.closed else card.stage.value
    title = safe_title(card.company, card.role)
    outcome = f" [{card.outcome}]" if card.outcome != Outcome.OPEN else ""
    reason = f"  {_lead(card, verdict)}" if verdict.reasons else ""
    return (f"#{card.id:<4} {stage:<13} {flag_word(verdict):<8}  {title}{outcome}  "
            f"(round {card.round}, {when_line(card, last_contact(row.bundle, now), now)}){reason}")


def _lead(card, verdict) -> str:
    """The next action's line, made safe, with the command that does it where that helps."""
    action = verdict.action
    hint = ""
    if action is not None and action.kind in ("gracious-reply", "offer") and action.template:
        hint = f" (followup draft {card.id}, then followup log {card.id} answer)"
    elif action is not None and action.kind == "move-on":
        hint = f" (followup close {card.id})"
    return safe(verdict.reasons[0]) + hint


@cli.command()
@click.argument("card_ref", metavar="ID|UID")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def show(env: Env, card_ref, as_json) -> None:
    """One card with people, contacts, prep items and flags. UID: the card's uid, which stays the
    same across export and import (the calendar names cards by it)."""
    from ..domain.present import Assessed, card_detail_json
    from ..domain.rules import assess

    bundle = _read(env, lambda store: _id_or_uid(store, card_ref))
    item = Assessed(bundle, assess(bundle, env.config.policy, env.now))
    if as_json:
        click.echo(json_text(card_detail_json(item, env.now)))
    else:
        click.echo("\n".join(_show_lines(item, env.now)))


def _id_or_uid(store, ref: str):
    """The card whose id (3, #3) or uid this is."""
    text = ref.strip().removeprefix("#")
    if text.isascii() and text.isdigit() and int(text) < 2 ** 63:
        return store.get(int(text))
    found = store.rows("SELECT id FROM cards WHERE uid IN (?, ?) ORDER BY uid = ? DESC", text, text.lower(), text)
    if not found:
        raise Failure(f"no card {safe(ref)!r} (give its #id or its uid)")
    return store.get(found[0]["id"])


def _show_lines(item, now: datetime) -> list[str]:
    from ..domain.present import card_facts, contact_line, contact_time, last_contact, person_line, when_line
    from ..domain.rules import FLAG_WORDS

    card, bundle, verdict = item.card, item.bundle, item.assessment
    lines = [f"#{card.id} {safe_title(card.company, card.role)}"]
    state = "closed, " + card.outcome.value if card.closed else card.stage.value
    lines.append(f"  {state} · round {card.round} · {when_line(card, last_contact(bundle, now), now)}")
    lines += [f"  {label}: {value}" for label, value in card_facts(item, now)]
    if card.fit:
        lines.append(f"  why I fit: {safe(card.fit)}")
    for n, (flag, reason) in enumerate(zip(verdict.reason_flags, verdict.reasons)):
        text = _lead(card, verdict) if n == 0 else safe(reason)
        lines.append(f"  {FLAG_WORDS.get(flag, 'next')}: {text}")
    lines += [f"  {line}" for line in _problem_lines(card)]
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
    from ..storage.status import status_text

    if as_json and short:
        raise click.UsageError("--json and --short do not go together")
    click.echo(status_text(env.db_path, env.config.policy, env.now, "json" if as_json else "short" if short else "plain"))


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.argument("template", metavar="[TEMPLATE]", required=False, type=click.Choice(TEMPLATES))
@pass_env
def draft(env: Env, card_id, template) -> None:
    """Print a filled-in draft: by default the one the card's next action needs (exit 1 when it
    needs none, saying why). TEMPLATE: thank-you, follow-up, check-in, gracious-reply,
    referral-ask, offer-reply. By phone or in person, the draft is talking points."""
    from ..domain import drafts

    bundle = _read(env, lambda store: store.get(card_id))
    try:
        name = template or drafts.default_template(bundle, env.config, env.now)
        message = drafts.render(bundle, name, env.config, env.now)
    except drafts.DraftError as exc:
        raise Failure(str(exc)) from None
    if not env.config.me.name:
        click.echo(f"followup: {drafts.NAME_HINT}", err=True)
    click.echo(safe_block(message.text))


# --- data in and out -------------------------------------------------------------------


@cli.command()
@click.option("--format", "form", type=click.Choice(["json", "csv", "ics"]),
              help="json (lossless), csv or ics; default: from -o's extension, else json.")
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
        from ..exchange.jsonexport import chunks

        yield from chunks(store.conn)
    elif form == "csv":
        from ..exchange.csvexport import chunks

        yield from chunks(store.conn, env.config.policy, env.now)
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
    from ..exchange.records import IMPORT_FORMATS, BadImport

    form = _format(file, form, IMPORT_FORMATS)
    options = _csv_options(form, maps, stage_maps, date_order, strict)
    if not file.exists():
        raise Failure(f"no such file: {file}")
    from ..domain.files import special_kind

    if special_kind(file.stat().st_mode):  # reading a FIFO would wait for ever
        raise Failure(f"{file} is {special_kind(file.stat().st_mode)}, not a file to import")
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
    from ..exchange.trackers import Options, parse_maps, parse_stage_maps

    if form == "json" and (maps or stage_maps or date_order or strict):
        raise click.UsageError("--map, --stage-map, --date-order and --strict go with CSV imports")
    try:
        return Options(parse_maps(maps), parse_stage_maps(stage_maps), date_order, strict)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _import(env: Env, form: str, file: Path, options, store=None):
    """Import `file` into `store` (default: the user's database) in one transaction."""
    from ..exchange.records import Report
    from ..storage.journal import CARD

    report = Report()
    own = store is None
    store = env.store() if own else store
    try:
        with file.open(encoding="utf-8-sig", newline="") as stream, store.transaction(f"import {form}: {CARD}"):
            store.conn.execute("PRAGMA cache_size = -65536")  # 64 MB: a big import's indexes stay in memory
            _import_into(store, form, stream, options, env.now, report)
    finally:
        if own:
            store.close()
    return report


def _import_into(store, form: str, stream, options, now: datetime, report) -> None:
    if form == "json":
        from ..exchange.jsonimport import import_json

        import_json(store.conn, stream, report)
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


# --- settings (config.toml) ----------------------------------------------------------


@cli.command("config")
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--unset", is_flag=True, help="Remove KEY from the file: it takes its default again.")
@pass_env
def config_(env: Env, key: str | None, value: str | None, unset: bool) -> None:
    """Show config.toml's path and every value, read KEY, or set KEY to VALUE (the file's comments are kept).

    \b
    Keys: policy.NAME (numbers above 0; plain `followup config` lists them), me.name and
    me.signature (used by drafts), theme (a Textual theme), keys.BINDING-ID (e.g. keys.undo "u,z").
    Example: followup config me.name "Sam Doe"
    """
    if key is None:
        if unset or value is not None:
            raise click.UsageError("--unset needs a KEY")
        _show_config(env)
    elif value is None and not unset:
        _print_config_value(env, key)
    elif unset and value is not None:
        raise click.UsageError("give either a VALUE or --unset, not both")
    else:
        _set_config_value(env, key, None if unset else value)


def _config_key(key: str) -> tuple[str | None, str]:
    from ..domain import settings

    def binding_ids() -> set[str]:
        from ..tui.app import binding_ids

        return binding_ids()

    try:
        return settings.split_key(key, binding_ids)
    except settings.UnknownKey as exc:
        raise Failure(safe(str(exc))) from None


def _show_config(env: Env) -> None:
    from ..domain import settings
    from ..tui.preferences import default_theme

    missing = "" if env.config_path.exists() else " (not created yet: every value is the default)"
    click.echo(f"config file: {safe(env.config_path)}{missing}")
    group = None
    for key, value, is_default in settings.effective(env.config, default_theme()):
        if key.split(".")[0] != group:
            group = key.split(".")[0]
            click.echo()
        click.echo(f"{safe(key)} = {_toml_literal(value)}{'  (default)' if is_default else ''}")


def _print_config_value(env: Env, key: str) -> None:
    from ..domain import settings
    from ..tui.preferences import default_keys, default_theme

    table, name = _config_key(key)
    click.echo(safe(settings.value_of(env.config, table, name, default_theme(),
                                      default_keys() if table == "keys" else {})))


def _set_config_value(env: Env, key: str, value: str | None) -> None:
    from ..domain import settings

    table, name = _config_key(key)
    new = None if value is None else settings.coerce(table, value)
    check = None
    if table == "keys" or name == "theme":  # config.py alone cannot judge these
        from ..tui.preferences import check
    try:
        written = settings.change(env.config_path, table, name, new, check)
    except configuration.ConfigError as exc:
        raise BadConfig(safe(str(exc))) from None
    except OSError as exc:
        raise Failure(f"cannot write config {safe(env.config_path)}: {safe(exc.strerror or exc)}") from None
    if new is None:
        click.echo(f"{key} removed: back to its default" if written else f"{key} was not set: file unchanged")
    else:
        click.echo(f"{key} = {_toml_literal(new)}{'' if written else ' (already so; file unchanged)'}")


def _toml_literal(value: object) -> str:
    """How the value reads in the file: strings quoted and escaped (a terminal sees no control codes)."""
    return json_text(value) if isinstance(value, str) else str(value)


# --- changes ------------------------------------------------------------------------


KINDS_HELP = ("Kinds: from you thank-you, follow-up, check-in, answer (you answered their message: an invite, "
              "a question, the gracious reply, the offer), referral-ask; to you reply, invite, rejection, offer.")
CARRY_INSTRUCTIONS = (Kind.REPLY, Kind.ANSWER, Kind.OFFER)


@cli.command(epilog=KINDS_HELP)
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.argument("kind", metavar="KIND", type=choice(Kind))
@click.option("--via", "channel", type=choice(Channel), help="Channel (default: the card's, else email).")
@click.option("--at", "at_text", default="now", metavar="WHEN", help="When it happened (default now; not in the "
              "future). " + clock.WHEN_HELP)
@click.option("--person", metavar="NAME", help="Who it was with (linked to the card if new).")
@click.option("--note", default="")
@click.option("--round-at", metavar="WHEN", help="With invite: when the next round is.")
@click.option("--follow-up-on", metavar="DATE", help="With reply, answer or offer: the date they now ask you to "
              "follow up on. " + clock.DATE_HELP)
@click.option("--follow-up-via", type=choice(Channel), help="With --follow-up-on: the channel they asked for.")
@click.option("--decision-by", metavar="DATE", help="With reply, answer or offer: when they now expect to decide "
              "(with offer: by when they want your answer).")
@pass_env
def log(env: Env, card_id, kind, channel, at_text, person, note, round_at, follow_up_on, follow_up_via,
        decision_by) -> None:
    """Log a contact that happened; the card follows (a thank-you, invite, rejection or offer moves it)."""
    from ..domain.rules import too_soon

    kind = Kind(kind)
    at = env.when(at_text, "--at")
    if round_at and kind != Kind.INVITE:
        raise click.UsageError("--round-at goes with the invite kind")
    instruction = _instruction(env, kind, follow_up_on, follow_up_via, decision_by)
    next_round = env.when(round_at, "--round-at", future=True) if round_at else None
    with env.store() as store:
        bundle = store.get(card_id)
        via = Channel(channel) if channel else bundle.card.channel
        warning = too_soon(bundle, kind, at, env.config.policy, via)
        result = store.log_contact(card_id, kind, at, env.now, channel=via, person=person, note=note,
                                   round_at=next_round, instruction=instruction)
        after = store.get(card_id)
    if warning:
        warn(warning)
    click.echo(f"#{card_id} {safe(bundle.card.company)}: logged {kind} via {via}{_log_changes(result.changes)}")
    click.echo(f"  next: {_next_line(after, env)}")


def _instruction(env: Env, kind: Kind, follow_up_on, follow_up_via, decision_by):
    """What they asked for, carried by a reply, an answer or an offer (SPEC §3.5)."""
    from ..storage.store import Instruction

    if not (follow_up_on or follow_up_via or decision_by):
        return None
    if kind not in CARRY_INSTRUCTIONS:
        raise click.UsageError("--follow-up-on, --follow-up-via and --decision-by go with reply, answer or offer")
    if follow_up_via and not follow_up_on:
        raise click.UsageError("--follow-up-via goes with --follow-up-on")
    return Instruction(env.day(follow_up_on, "--follow-up-on") if follow_up_on else None,
                       Channel(follow_up_via) if follow_up_via else None,
                       env.day(decision_by, "--decision-by") if decision_by else None)


def _log_changes(changes: dict) -> str:
    said = ""
    if "round" in changes:
        said += f"; round {changes['round']} started"
    if "stage" in changes:
        said += f"; moved to {changes['stage']}"
    if "outcome" in changes:
        said += f"; outcome {changes['outcome']}"
    return said


def _next_line(bundle, env: Env) -> str:
    """What the card says now: its next action (with what it takes), then any warning."""
    from ..domain.rules import assess

    verdict = assess(bundle, env.config.policy, env.now)
    if not verdict.reasons:
        return "nothing (closed)"
    return "; ".join([_lead(bundle.card, verdict), *map(safe, verdict.reasons[1:])])


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.argument("stage", metavar="STAGE", type=choice(Stage))
@click.option("--at", "at_text", metavar="WHEN",
              help="The next round's time (to next-round), or the new round's interview time (next-round to thank-you).")
@pass_env
def move(env: Env, card_id, stage, at_text) -> None:
    """Move a card to another stage (moving out of stay-in-touch reopens a rejected card)."""
    at = env.when(at_text, "--at", future=Stage(stage) == Stage.NEXT_ROUND) if at_text else None
    with env.store() as store:
        changes = store.move(card_id, Stage(stage), env.now, at=at)
    extra = f" (round {changes['round']})" if "round" in changes else ""
    click.echo(f"#{card_id} moved to {stage}{extra}")


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.option("--outcome", type=click.Choice(["offer", "rejected", "withdrawn"]),
              help="Default: keep offer/rejected, else withdrawn.")
@pass_env
def close(env: Env, card_id, outcome) -> None:
    """Archive a card (restore it with reopen)."""
    with env.store() as store:
        changes = store.close_card(card_id, env.now, Outcome(outcome) if outcome else None)
    click.echo(f"#{card_id} closed ({changes['outcome']})")


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@pass_env
def reopen(env: Env, card_id) -> None:
    """Bring a closed card back to the board."""
    with env.store() as store:
        store.reopen(card_id, env.now)
        stage = store.get(card_id).card.stage
    click.echo(f"#{card_id} reopened in {stage}")


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
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


# --- undo journal (SPEC §7) ---------------------------------------------------------------


@cli.command()
@pass_env
def undo(env: Env) -> None:
    """Undo the latest change, made here or on the board (refused if a later change touched the same records)."""
    with env.store() as store:
        done = store.undo()
    click.echo(f"undone #{done.target.id}: {safe(done.label)}")


@cli.command()
@pass_env
def redo(env: Env) -> None:
    """Redo the latest undone change (refused if a later change touched the same records)."""
    with env.store() as store:
        done = store.redo()
    click.echo(f"redone #{done.target.undo_of}: {safe(done.label)}")


@cli.command()
@click.option("-n", "count", type=click.IntRange(min=1), default=20, show_default=True,
              help=f"How many (the journal keeps the last {JOURNAL_KEEP:,}).")
@pass_env
def history(env: Env, count) -> None:
    """Recent changes, newest first: id, when, from where, what (and whether undone or redone)."""
    from ..storage.dbfile import version

    store = env.reader()
    actions = []
    if store is not None:
        with store:
            if version(store.conn) >= 5:  # the journal came with schema 5
                actions = store.history(min(count, JOURNAL_KEEP))  # more would not fit SQLite's integers
    if not actions:
        click.echo("no changes recorded yet")
    for action in actions:
        click.echo(_history_line(action))


def _history_line(action) -> str:
    state = (f"  (undone by #{action.undone_by})" if action.undone_by else
             f"  (redone by #{action.redone_by})" if action.redone_by else "")
    return f"#{action.id:<5} {action.when():<9} {action.origin:<6} {safe(action.label)}{state}"


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
    except sqlite3.Error as exc:  # a damaged file (a missing table, a bad page) met while reading
        from ..storage.dbfile import explain

        code = error(str(explain(Env.current.db_path if Env.current else Path("the database"), exc, "read")), 1)
    except UnicodeEncodeError as exc:  # an argument's bytes were not UTF-8 (Python kept them as surrogates)
        code = error(f"an argument is not UTF-8 text ({_bad_bytes(exc)}); nothing changed", 1)
    except BrokenPipeError:
        code = 0
    sys.exit(code if isinstance(code, int) else 0)


def _bad_bytes(exc: UnicodeEncodeError) -> str:
    return " ".join(f"byte 0x{ord(c) & 0xFF:02x}" for c in exc.object[exc.start:exc.end])
