"""Verbs that read: list, show, status, draft (never write)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..domain.drafts import TEMPLATES
from ..domain.model import Outcome, Stage
from ..domain.textsafe import json_text, safe, safe_block, safe_title
from .group import CARD_ID, Env, Failure, _read, choice, cli, pass_env


@cli.command("list")
@click.option("--stage", type=choice(Stage), help="Only this stage.")
@click.option("--all", "show_all", is_flag=True, help="Include closed cards.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of cards.")
@pass_env
def list_cards(env: Env, stage, show_all, as_json) -> None:
    """Cards with their flags, most urgent first."""
    from ..domain.present import assess_all

    if as_json:
        _list_json(env, Stage(stage) if stage else None, show_all)
        return
    store = env.reader()
    bundles = []
    if store is not None:
        with store:
            bundles = store.bundles(include_closed=show_all, stage=Stage(stage) if stage else None)
    rows = assess_all(bundles, env.config.policy, env.now)
    if not rows:
        click.echo("no cards" if store is not None else f"no database yet at {env.db_path}: 0 cards")
    for row in rows:
        click.echo(_list_line(row, env.now))
        click.echo("".join(f"      {line}\n" for line in _problem_lines(row.card)), nl=False)


def _list_json(env: Env, stage: Stage | None, show_all: bool) -> None:
    """The cards as a JSON array, written as SQLite reads them (storage/listing.py): flat memory.
    entry.py answers the same command lines without click."""
    from ..storage.listing import document
    from .entry import write_json

    _ = env.config  # a bad config stops us first, as for every reader
    write_json(document(env.db_path, env.config.policy, env.now, stage.value if stage else None, show_all))


def _problem_lines(card) -> list[str]:
    """'problem: cards.interview_at of #3 is 'last tuesday' (not a time)': values another tool wrote."""
    return [f"problem: {safe(problem)}" for problem in card.problems]


def _list_line(row, now: datetime) -> str:
    from ..domain.clock import short_date
    from ..domain.present import flag_word, last_contact, round_now, when_line

    card, verdict = row.card, row.assessment
    stage = "closed" if card.closed else card.stage.value
    title = safe_title(card.company, card.role)
    outcome = f" [{card.outcome}]" if card.outcome != Outcome.OPEN else ""
    when = (
        f"closed {short_date(card.closed_at, now)}"
        if card.closed_at
        else when_line(card, last_contact(row.bundle, now), now, clock=True)
    )
    lead = _reasons(card, verdict) if verdict.reasons else ""
    reason = f"  {lead}" if lead and lead != when else ""
    # "waiting 7d", "round 2 was 2h ago — …": said once, not twice
    said_after = f", {when}" if not (reason and lead.startswith(when)) else ""
    held = round_now(card, now)
    return f"#{card.id:<4} {stage:<13} {flag_word(verdict):<8}  {title}{outcome}  (round {held}{said_after}){reason}"


def _reasons(card, verdict) -> str:
    """The reasons as `status` says them after the card's flag word: its reason first, then the rest
    each after its own word (the hold-off of a card TOO SOON, not only its next action's line)."""
    from ..domain.present import reason_words
    from ..domain.words import reasons_line, said_in_order

    reasons = [_lead(card, verdict), *map(safe, verdict.reasons[1:])]
    return reasons_line(said_in_order(reasons, reason_words(verdict), verdict.top, led=True))


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
        click.echo("\n".join(_show_lines(item, env.now, env.config.policy)))


def _id_or_uid(store, ref: str):
    """The card whose id (3, #3) or uid this is."""
    text = ref.strip().removeprefix("#")
    if text.isascii() and text.isdigit() and int(text) < 2**63:
        return store.get(int(text))
    found = store.rows("SELECT id FROM cards WHERE uid IN (?, ?) ORDER BY uid = ? DESC", text, text.lower(), text)
    if not found:
        raise Failure(f"no card {safe(ref)!r} (give its #id or its uid)")
    return store.get(found[0]["id"])


def _show_lines(item, now: datetime, policy) -> list[str]:
    from ..domain.present import (
        card_facts,
        contact_line,
        contact_time,
        last_contact,
        outcome_shown,
        person_line,
        round_now,
        when_line,
    )
    from ..domain.rules import FLAG_WORDS

    card, bundle, verdict = item.card, item.bundle, item.assessment
    lines = [f"#{card.id} {safe_title(card.company, card.role)}"]
    state = "closed" if card.closed else card.stage.value
    if outcome := outcome_shown(card):  # an offer on the table, a rejection to stay in touch after
        state += f", {outcome}"
    lines.append(f"  {state} · round {round_now(card, now)} · {when_line(card, last_contact(bundle, now), now)}")
    lines += [f"  {label}: {value}" for label, value in card_facts(item, now, policy)]
    if card.fit:
        lines.append(f"  why I fit: {safe(card.fit)}")
    if card.topic:
        lines.append(f"  talked about: {safe(card.topic)}")
    if card.domain:
        lines.append(f"  mail domain: {safe(card.domain)}")
    for n, (flag, reason) in enumerate(zip(verdict.reason_flags, verdict.reasons, strict=False)):
        text = _lead(card, verdict) if n == 0 else safe(reason)
        lines.append(f"  {FLAG_WORDS.get(flag, 'next')}: {text}")
    lines += [f"  {line}" for line in _problem_lines(card)]
    if bundle.people:
        lines.append("people:")
        lines += [f"  {person_line(p)}" for p in bundle.people]
    if bundle.contacts:
        lines.append("contacts (newest first):")
        numbered = list(enumerate(bundle.contacts, 1))  # oldest is 1, as `followup contact ID --remove N` counts
        known = [(n, c) for n, c in numbered if c.at <= now]  # looking back with a past --now: what was known then
        lines += [f"  {n}. {contact_line(bundle, c, contact_time(c.at, now))}" for n, c in reversed(known)]
        if len(known) < len(numbered):
            lines.append(f"  (and {len(numbered) - len(known)} logged after this moment)")
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
    click.echo(
        status_text(env.db_path, env.config.policy, env.now, "json" if as_json else "short" if short else "plain")
    )


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.argument("template", metavar="[TEMPLATE]", required=False, type=click.Choice(TEMPLATES))
@click.option("--eml", "eml_path", metavar="FILE", type=click.Path(path_type=Path), help="Write it as a mail file.")
@click.option("--mailto", is_flag=True, help="Print it as a mailto: URL.")
@pass_env
def draft(env: Env, card_id, template, eml_path: Path | None, mailto: bool) -> None:
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
    hint = drafts.name_hint(message, env.config)
    if hint:
        click.echo(f"followup: {hint}", err=True)
    if eml_path is not None or mailto:
        _send_by_mail(env, bundle, message, eml_path, mailto)
        return
    click.echo(safe_block(message.text))


def _send_by_mail(env: Env, bundle, message, eml_path: Path | None, mailto: bool) -> None:
    """--eml FILE (a new private file) and --mailto (a URL on stdout)."""
    from ..exchange import eml
    from ..storage.outfile import write_private

    to = eml.addressee(bundle, message)
    try:
        if eml_path is not None:
            write_private(eml_path, eml.eml(message, to, env.config.me, env.now))
            click.echo(f"wrote {eml_path} (mutt -H {eml_path})", err=True)
        if mailto:
            click.echo(eml.mailto(message, to))
    except eml.NotMail as exc:
        raise Failure(str(exc)) from None
    if not to[1]:
        click.echo(
            f"followup: warning: {safe(to[0] or 'the person')} has no email linked: the To line is empty "
            f"(followup person {bundle.card.id} NAME --email ADDR)",
            err=True,
        )
