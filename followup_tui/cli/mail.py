"""`followup mail …`: replies and notes you sent, found in your own mail and proposed for the log.

scan reads (never changes) the configured Maildir folders and IMAP folders and records proposals;
review walks them (y / n / e edit the kind / s skip that sender / q), `--apply` logs the sure ones;
list shows them; accept and reject answer one by its number. Accepting logs the contact through
the undo journal, at the message's date: `followup undo` takes it back (and it waits for review
again).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from ..domain.clock import iso, short_datetime
from ..domain.model import Kind
from ..domain.textsafe import safe, safe_title
from .group import BadConfig, Env, Failure, choice, cli, pass_env

if TYPE_CHECKING:
    from ..integrations.mail.scan import Report
    from ..storage.inbox import Pending, Proposal
    from ..storage.store import Store

SINCE_HELP = "Read every message dated from DATE, also ones an earlier scan read (e.g. after adding a card)."


@cli.group()
def mail() -> None:
    """Replies and sent notes found in your own mail (read-only), proposed for the contact log."""


@mail.command()
@click.option("--since", "since_text", metavar="DATE", help=SINCE_HELP)
@click.option("--dry-run", is_flag=True, help="Show what would be proposed; write nothing.")
@click.option("--apply", "apply_", is_flag=True, help="Then log the proposals at or above [mail] apply_above.")
@pass_env
def scan(env: Env, since_text: str | None, dry_run: bool, apply_: bool) -> None:
    """Read what is new in your mail and propose contacts for the log (nothing is logged yet)."""
    from ..integrations.mail import scan as scanning

    if dry_run and apply_:
        raise click.UsageError("--dry-run writes nothing: it cannot --apply")
    since = env.when(since_text, "--since") if since_text else None
    if since is not None and since > env.now:
        raise Failure(f"--since: {since_text!r} is in the future (mail is read from a day that has been)")
    store = env.reader() if dry_run else env.store()
    if store is None:
        raise Failure(f"no database yet at {env.db_path} (add an interview with `followup add`)")
    store.origin = "mail"
    with store, _mail_errors():
        report = scanning.scan(store, env.config, env.now, since=since, dry_run=dry_run)
        _print_report(report, _titles(store), _numbers(store, report), env, then_apply=apply_)
        if apply_:
            _apply(store, env)


def _numbers(store: Store, report: Report) -> dict[str, int]:
    """Message-ID -> the number `mail list`, accept and reject know a saved proposal by."""
    from ..storage import inbox

    return {item.proposal.message_id: item.id for item in inbox.pending(store.conn)} if report.saved else {}


def _print_report(report: Report, titles: dict[int, str], numbers: dict[str, int], env: Env, then_apply: bool) -> None:
    folders = len(report.folders)
    click.echo(f"read {report.read:,} message{'s' * (report.read != 1)} in {folders} folder{'s' * (folders != 1)}")
    verb = "would propose" if not report.saved else "to review"
    if report.proposed:
        click.echo(f"{len(report.proposed)} {verb}:")
        for proposal in report.proposed:
            number = numbers.get(proposal.message_id)
            click.echo(f"{number:>4}  " if number else "      ", nl=False)
            click.echo(_line(proposal, titles.get(proposal.card_id, ""), env))
    else:
        click.echo("nothing new to review")
    if report.logged_already:
        click.echo(f"{len(report.logged_already)} already in the log (logged by hand): not proposed")
    if report.automatic:
        said = "; ".join(safe(p.sender) for p in report.automatic[:3])
        click.echo(f"{len(report.automatic)} automatic acknowledgement(s) set aside ({said})")
    if report.ambiguous:
        click.echo(
            f"{report.ambiguous} left out: their address or domain belongs to several cards "
            "(link the person with --email on the right card: followup person ID NAME --email ADDR)"
        )
    if not report.saved:
        click.echo("nothing written (--dry-run)")
    elif report.proposed and not then_apply:
        click.echo("next: followup mail review (or followup mail accept N)")


def _titles(store: Store) -> dict[int, str]:
    """Card id -> 'Acme — Backend Engineer', for the lines."""
    return {b.card.id: safe_title(b.card.company, b.card.role) for b in store.bundles(include_closed=True)}


def _line(proposal: Proposal, title: str, env: Env) -> str:
    """'#3 Acme — SRE · Dec 7 19:00 · reply from Jane <jane@acme.com> · "Re: next steps" · matched …'."""
    who = f"to {', '.join(proposal.recipients[:2])}" if proposal.outbound else f"from {proposal.sender}"
    matched = ", ".join(f'"{m}"' for m in proposal.matched)
    head = f"#{proposal.card_id} {title} · {short_datetime(proposal.at, env.now)} · {proposal.kind} {who}"
    why = f'"{proposal.subject}" · matched {matched} · by {proposal.match} ({proposal.confidence:g})'
    return f"{safe(head)}\n      {safe(why)}"


@mail.command()
@click.option("--apply", "apply_", is_flag=True, help="Log, without asking, those at or above [mail] apply_above.")
@pass_env
def review(env: Env, apply_: bool) -> None:
    """Walk the proposals: y logs it, n rejects it, e logs another kind, s skips its sender, q stops."""
    from ..storage import inbox

    with env.store() as store:
        store.origin = "mail"  # history names where a change came from
        if apply_:
            _apply(store, env)
            return
        waiting = inbox.pending(store.conn)
        if not waiting:
            click.echo("nothing to review (followup mail scan reads new mail)")
            return
        for number, item in enumerate(waiting, 1):
            if not inbox.is_pending(store.conn, item.id):  # answered meanwhile (its sender was skipped)
                continue
            click.echo(f"[{number}/{len(waiting)}] " + _line(item.proposal, safe_title(item.company, item.role), env))
            if not _answer(store, item, env):
                click.echo(f"stopped: {inbox.pending_count(store.conn)} left to review")
                return


def _answer(store: Store, item: Pending, env: Env) -> bool:
    """Ask about one proposal and do what the user says; False to stop."""
    from ..storage import inbox
    from ..storage.dbfile import StoreError

    inbound = not item.proposal.outbound
    keys = ["y", "n", "e", *(["s"] if inbound else []), "q"]
    prompt = "log it? y yes, n no, e another kind" + (", s skip this sender" if inbound else "") + ", q quit"
    try:
        answer = click.prompt(prompt, type=click.Choice(keys), show_choices=False)
        kind = None
        if answer == "e":
            kind = Kind(click.prompt("kind", type=choice(Kind), default=_default_kind(item.proposal.kind)))
    except click.Abort:
        click.echo()
        return False
    if answer == "q":
        return False
    if answer == "n":
        inbox.reject(store, item.id)
        click.echo("  rejected: it will not be proposed again")
    elif answer == "s":
        address = item.proposal.sender.rpartition("<")[2].rstrip(">")
        count = inbox.skip_sender(store, address, env.now)
        click.echo(safe(f"  skipped {count} from {address}; later scans leave it out"))
    else:
        try:
            _accept(store, item.id, env, kind)
        except StoreError as exc:  # e.g. its card was closed since: it stays for review
            click.echo(safe(f"  not logged: {exc}"))
    return True


def _default_kind(kind: str) -> str:
    return kind if kind in set(Kind) else Kind.REPLY.value


def _accept(store: Store, proposal_id: int, env: Env, kind: Kind | None = None) -> None:
    from ..storage import inbox
    from .cards import _log_changes, _next_line

    item = inbox.get(store.conn, proposal_id)
    result, logged = inbox.accept(store, proposal_id, env.now, kind)
    when = short_datetime(item.proposal.at, env.now)
    click.echo(
        f"  #{item.proposal.card_id} {safe(item.company)}: logged {logged} of {when}{_log_changes(result.changes)}"
    )
    click.echo(f"    next: {_next_line(store.get(item.proposal.card_id), env)}")


def _apply(store: Store, env: Env) -> None:
    """Log every waiting proposal at or above the threshold, oldest first."""
    from ..storage import inbox
    from ..storage.dbfile import StoreError

    threshold = env.config.mail.apply_above if env.config.mail else 0.8
    sure = [p for p in inbox.pending(store.conn) if p.proposal.confidence >= threshold and p.proposal.kind in set(Kind)]
    for item in sure:
        try:
            _accept(store, item.id, env)
        except StoreError as exc:  # e.g. the card was closed since: it waits for review
            click.echo(safe(f"  not logged: #{item.id}: {exc}"))
    left = len(inbox.pending(store.conn))
    done = f"logged {len(sure)}" if sure else "nothing"
    click.echo(f"{done} at or above {threshold:g}; {left} left to review")


@mail.command("list")
@click.option("--json", "as_json", is_flag=True, help="As a JSON array.")
@pass_env
def list_(env: Env, as_json: bool) -> None:
    """The proposals waiting for review, numbered for accept and reject."""
    from ..storage import inbox

    store = env.reader()
    waiting = [] if store is None else _with(store, inbox.pending)
    if as_json:
        click.echo(json.dumps([_json(item) for item in waiting], ensure_ascii=False, indent=2))
        return
    if not waiting:
        click.echo("nothing to review")
    for item in waiting:
        click.echo(f"{item.id:>4}  " + _line(item.proposal, safe_title(item.company, item.role), env))


def _with(store: Store, read: Callable[[sqlite3.Connection], list[Pending]]) -> list[Pending]:
    with store:
        return read(store.conn)


def _json(item: Pending) -> dict[str, object]:
    p = item.proposal
    return {
        "id": item.id,
        "card_id": p.card_id,
        "company": item.company,
        "at": iso(p.at),
        "direction": "outbound" if p.outbound else "inbound",
        "kind": p.kind,
        "sender": p.sender,
        "recipients": list(p.recipients),
        "subject": p.subject,
        "matched": list(p.matched),
        "match": p.match,
        "confidence": p.confidence,
        "message_id": p.message_id,
    }


@mail.command()
@click.argument("proposal_id", metavar="N", type=click.IntRange(min=1))
@click.option("--kind", type=choice(Kind), help="Log it as this kind instead.")
@pass_env
def accept(env: Env, proposal_id: int, kind: str | None) -> None:
    """Log proposal N (as `mail list` numbers it)."""
    with env.store() as store:
        store.origin = "mail"
        _accept(store, proposal_id, env, Kind(kind) if kind else None)


@mail.command()
@click.argument("proposal_id", metavar="N", type=click.IntRange(min=1))
@pass_env
def reject(env: Env, proposal_id: int) -> None:
    """Proposal N is not a contact: it is never proposed again."""
    from ..storage import inbox

    with env.store() as store:
        inbox.reject(store, proposal_id)
    click.echo(f"rejected proposal {proposal_id}")


@contextmanager
def _mail_errors() -> Iterator[None]:
    """Mail that cannot be read is one line: exit 1; mail that is not configured (or phrases that
    cannot be read, or a password command that cannot be run) is a configuration error: exit 2."""
    from ..integrations.mail.classify import PhraseError
    from ..integrations.mail.errors import MailError, MailSettingError
    from ..integrations.mail.scan import NotConfigured
    from ..integrations.password import PasswordError

    try:
        yield
    except (NotConfigured, PhraseError, MailSettingError) as exc:
        raise BadConfig(str(exc)) from None
    except PasswordError as exc:
        raise (BadConfig if exc.code == 2 else Failure)(str(exc)) from None
    except MailError as exc:
        raise Failure(str(exc)) from None
