"""Verbs that change cards: add, edit, person, prep, contact, log, move, close, reopen, delete."""

from __future__ import annotations

import re
from datetime import date, datetime

import click

from ..domain import clock, lifecycle
from ..domain.model import Channel, Kind, Outcome, Relation, Stage, names_and_emails
from ..domain.textsafe import safe
from .group import CARD_ID, Env, Failure, _read, choice, cli, pass_env, warn
from .reading import _lead

FIT_HELP = "Why you fit: the point your thank-you should make."


TOPIC_HELP = "What you talked about: the thank-you may mention it."


NOTE_HELP = "Private notes (never quoted in a draft)."


@cli.command()
@click.argument("company")
@click.option("--role", default="", help="The role interviewed for.")
@click.option(
    "--at",
    "at_text",
    default="now",
    metavar="WHEN",
    help="When the interview was, or will be (default now). " + clock.WHEN_HELP,
)
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
    if any(not names_and_emails(text) for text in interviewers):
        raise Failure("--interviewer must not be empty")
    panel = [person for text in interviewers for person in names_and_emails(text)]  # "A <a@x>, B": as the board
    for _, email in panel:
        _email(email, "--interviewer")
    new = NewCard(
        company=company,
        role=role,
        interview_at=env.when(at_text, "--at"),
        interviewers=panel,
        follow_up_on=_day_given(env, follow_up_on, "--follow-up-on"),
        follow_up_via=Channel(via) if via else None,
        decision_by=_day_given(env, decision_by, "--decision-by"),
        fit=fit,
        notes=note,
        topic=topic,
    )
    _not_before(new.interview_at, "the interview", follow_up_on=new.follow_up_on, decision_by=new.decision_by)
    with env.store() as store:
        card_id = store.add_card(new, env.now)
    click.echo(card_id)


def _not_before(moment: datetime, what: str, env: Env | None = None, **days: date | None) -> None:
    """A date they ask for (follow up on, decide by) comes after what it was said in: a date before
    it is a typo (a past weekday, a wrong year), refused before anything is written."""
    start = clock.local_date(moment)
    for option, day in days.items():
        if day is not None and day < start:
            shown = clock.short_date(day, env.now if env else moment)
            raise Failure(f"--{option.replace('_', '-')}: {shown} is before {what} ({clock.short_date(start, moment)})")


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.option("--company", help="The company.")
@click.option("--role", help="The role.")
@click.option("--at", "at_text", metavar="WHEN", help="The latest round's interview time. " + clock.WHEN_HELP)
@click.option(
    "--follow-up-on", metavar="DATE", help="The date they asked you to follow up ('' clears it). " + clock.DATE_HELP
)
@click.option(
    "--via",
    metavar="CHANNEL",
    help="The channel they asked for ('' clears it): " + ", ".join(c.value for c in Channel) + ".",
)
@click.option("--decision-by", metavar="DATE", help="When they expect to decide ('' clears it).")
@click.option("--round-at", metavar="WHEN", help="When the next round is ('' clears it).")
@click.option("--fit", help=FIT_HELP)
@click.option("--topic", help=TOPIC_HELP)
@click.option("--note", help=NOTE_HELP)
@click.option(
    "--domain", help="The company's mail domain, e.g. acme.com ('' clears it): `followup mail` matches by it."
)
@pass_env
def edit(
    env: Env, card_id, company, role, at_text, follow_up_on, via, decision_by, round_at, fit, topic, note, domain
) -> None:
    """Change a card's fields; says what changed. An empty value clears a date."""
    changes = {
        key: value
        for key, value in (("company", company), ("role", role), ("fit", fit), ("topic", topic), ("notes", note))
        if value is not None
    }
    if domain is not None:
        changes["domain"] = _domain(domain, env)
    if at_text is not None:
        changes["interview_at"] = env.when(at_text, "--at")
    for key, text, what in (
        ("follow_up_on", follow_up_on, "--follow-up-on"),
        ("decision_by", decision_by, "--decision-by"),
    ):
        if text is not None:
            changes[key] = env.day(text, what) if text.strip() else None
    if round_at is not None:
        changes["next_round_at"] = env.when(round_at, "--round-at", future=True) if round_at.strip() else None
    if via is not None:
        changes["follow_up_via"] = _channel(via, "--via") if via.strip() else None
    if not changes:
        raise click.UsageError("say what to change, e.g. --follow-up-on friday (see followup edit --help)")
    from ..domain.present import FIELD_ORDER, field_change, judged_anew

    with env.store() as store:
        bundle = store.get(card_id)
        before = bundle.card
        interview = changes.get("interview_at", before.interview_at)
        days = {key: changes.get(key) for key in ("follow_up_on", "decision_by")}
        _not_before(interview, "the interview", env, **days)
        changed = store.update_card(card_id, changes, env.now)
        anew = judged_anew(bundle, store.get(card_id), env.config.policy, env.now) if changed else None
    said = [field_change(key, getattr(before, key), changed[key], env.now) for key in FIELD_ORDER if key in changed]
    said += _given_again(before, changed, env.now)
    click.echo(f"#{card_id} {safe(before.company)}: " + ("; ".join(said) if said else "nothing changed"))
    if anew:
        warn(
            f"the card is now too soon: {safe(anew)} (a follow-up made by the date you changed is judged without "
            f"it); followup undo takes the edit back, and a new date they gave goes with their message: "
            f"followup log {card_id} reply --follow-up-on DATE"
        )


def _given_again(before, changed: dict, now) -> list[str]:
    """An offer's answer-by date, or a follow-up date their message had ended, given again unchanged:
    asked for again all the same (Store.update_card)."""
    said = []
    if "decision_set_at" in changed and "decision_by" not in changed:
        day = clock.short_date(clock.day_start(before.decision_by), now)
        said.append(f"answer-by date {day} given again: it holds from now")
    if "follow_up_set_at" in changed and "follow_up_on" not in changed:
        day, ended_by = clock.weekday_date(before.follow_up_on, now), changed["follow_up_set_at"]
        said.append(
            f"follow-up date {day} given again: their message of {clock.short_date(ended_by, now)} no longer ends it"
        )
    return said


def _email(text: str, what: str) -> None:
    """An address a person reads and mail matching compares: one @, a dotted domain, no spaces."""
    if text and not re.fullmatch(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+", text.strip()):
        raise Failure(f"{what}: {safe(text)!r} is not an email address (such as jane@acme.com)")


def _domain(text: str, env: Env) -> str:
    """'@Acme.com ' -> 'acme.com'; '' clears it. Never a public provider's: it is nobody's company."""
    from ..integrations.mail.classify import load_phrases

    found = text.strip().casefold().removeprefix("@")
    if found and not re.fullmatch(r"[^\s@/:]+(\.[^\s@/:]+)+", found):
        raise click.BadParameter(f"{text!r} is not a mail domain (such as acme.com)", param_hint="--domain")
    path = env.config.path
    if found and found in load_phrases(None if path is None else path.parent).of("domains", "public"):
        raise Failure(f"--domain: {found} is a public mail provider's, not a company's (mail never matches by it)")
    return found


def _channel(text: str, what: str) -> Channel:
    try:
        return Channel(text.strip().lower())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a channel ({', '.join(c.value for c in Channel)})", param_hint=what
        ) from None


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.argument("name")
@click.option(
    "--relation",
    type=choice(Relation),
    help="interviewer (default for someone new), recruiter, hiring-manager or network (someone who can recommend you).",
)
@click.option("--email")
@click.option("--title")
@click.option("--note", help="Who they are, how they know the company.")
@click.option(
    "--round",
    "met_in",
    type=int,
    metavar="N",
    help="The round you met them in (default for someone new: the card's, or the coming one while it is in "
    "Next round): round N's thank-yous go to round N's interviewers, one each.",
)
@click.option("--unlink", is_flag=True, help="Take them off the card.")
@pass_env
def person(env: Env, card_id, name, relation, email, title, note, met_in, unlink) -> None:
    """Link a person to a card, update someone already linked, or unlink them."""
    from ..domain.history import round_problem
    from ..domain.present import link_words, unlinked_words

    given = {
        key: value
        for key, value in (
            ("relation", relation),
            ("email", email),
            ("title", title),
            ("note", note),
            ("round", met_in),
        )
        if value is not None
    }
    if unlink and given:
        raise click.UsageError("--unlink takes no other option")
    if email:
        _email(email, "--email")
    with env.store() as store, store.transaction():
        bundle = store.get(card_id)
        person_id = store.meant_person(card_id, name)  # "Raj" is Raj Patel, when he is linked
        known = bundle.person(person_id)
        problem = round_problem(bundle.card, met_in) if met_in is not None else None
        if problem:
            raise click.UsageError(f"--round {met_in}: {problem}")
        if unlink:
            if known is None:
                raise Failure(f"#{card_id} {safe(bundle.card.company)}: nobody called {safe(name.strip())} is linked")
            unnamed = store.unlink_person(card_id, person_id)
        elif known is None:
            store.add_person(
                card_id,
                name,
                Relation(relation or "interviewer"),
                email=email or "",
                title=title or "",
                note=note or "",
                met_in=met_in,
            )
        else:
            changed = store.update_person(card_id, person_id, given)
        after = store.get(card_id)
    who = f"#{card_id} {safe(bundle.card.company)}: {safe(known.name if known else name.strip())}"
    if unlink and known is not None:
        click.echo(f"{who} unlinked" + safe(unlinked_words(bundle.card, known, unnamed)))
    elif known is None:
        linked = next(p for p in after.people if bundle.person(p.id) is None)
        click.echo(f"#{card_id} {safe(bundle.card.company)}: linked {safe(name.strip())} ({link_words(linked)})")
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
    if any(not text.strip() for text in texts):
        raise Failure("--add: a prep item needs some text")
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
@click.option(
    "--remove", "number", type=int, metavar="N", help="Remove contact N (as `show` and this list number them)."
)
@pass_env
def contact(env: Env, card_id, number) -> None:
    """List a card's logged contacts, numbered oldest first, or remove one logged by mistake."""
    from ..domain.present import contact_line, contact_time, removal_said

    if number is not None:
        with env.store() as store:
            contact_id = store.contact_id(card_id, number)
            bundle = store.get(card_id)
            gone = next(c for c in bundle.contacts if c.id == contact_id)
            going = store.names_going_with(bundle, contact_id)
            changes = store.remove_contact(card_id, contact_id, env.now)
        clauses = removal_said(bundle.card, gone, changes, env.now, unlinked=going)
        said = "".join(f"; {clause}" for clause in clauses)
        click.echo(
            f"#{card_id} {safe(bundle.card.company)}: removed contact {number} "
            f"({contact_line(bundle, gone, contact_time(gone.at, env.now))}){said}"
        )
        return
    bundle = _read(env, lambda store: store.get(card_id))
    for n, item in enumerate(bundle.contacts, 1):
        click.echo(f"{n:>2}. {contact_line(bundle, item, contact_time(item.at, env.now))}")
    if not bundle.contacts:
        click.echo(f"card #{card_id} has no contacts yet (followup log {card_id} KIND)")


KINDS_HELP = (
    "Kinds: from you thank-you, follow-up, check-in, answer (you answered their message: an invite, "
    "a question, the gracious reply, the offer), referral-ask; to you reply, invite, rejection, offer."
)


@cli.command(epilog=KINDS_HELP)
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.argument("kind", metavar="KIND", type=choice(Kind))
@click.option(
    "--via",
    "channel",
    type=choice(Channel),
    help="Channel (default: the next action's when this is it; else for a follow-up or check-in the one they "
    "asked for; else email).",
)
@click.option(
    "--at",
    "at_text",
    default="now",
    metavar="WHEN",
    help="When it happened (default now; not in the future). " + clock.WHEN_HELP,
)
@click.option(
    "--person",
    metavar="NAME",
    help="Who it was with (linked to the card if new: an interviewer on a thank-you, network on a referral-ask, "
    "else a recruiter; default: the next action's person when this is it).",
)
@click.option("--note", default="")
@click.option("--round-at", metavar="WHEN", help="With invite: when the next round is.")
@click.option(
    "--follow-up-on",
    metavar="DATE",
    help="With reply, answer or offer: the date they now ask you to follow up on. " + clock.DATE_HELP,
)
@click.option("--follow-up-via", type=choice(Channel), help="With --follow-up-on: the channel they asked for.")
@click.option(
    "--decision-by",
    metavar="DATE",
    help="With reply, answer or offer: when they now expect to decide (with offer: by when they want your answer).",
)
@pass_env
def log(
    env: Env, card_id, kind, channel, at_text, person, note, round_at, follow_up_on, follow_up_via, decision_by
) -> None:
    """Log a contact that happened; the card follows (a thank-you, invite, rejection or offer moves it)."""
    from ..domain.drafts import as_advised
    from ..domain.lifecycle import LifecycleError, check_happened, date_slip_note, older_instruction_note
    from ..domain.present import ended_instruction_note, link_words, twin_note
    from ..domain.rules import too_soon

    kind = Kind(kind)
    at = env.when(at_text, "--at")
    try:  # the store would refuse it too, without naming the option
        check_happened(at, env.now)
    except LifecycleError as exc:
        raise Failure(f"--at: {exc}") from None
    if round_at is not None and kind != Kind.INVITE:
        raise click.UsageError("--round-at goes with the invite kind")
    instruction = _instruction(env, card_id, kind, follow_up_on, follow_up_via, decision_by)
    _not_empty(round_at, "--round-at", card_id)
    next_round = env.when(round_at, "--round-at", future=True) if round_at is not None else None
    if instruction is not None:
        _not_before(at, f"the {kind}", env, follow_up_on=instruction.follow_up_on, decision_by=instruction.decision_by)
    if next_round is not None and next_round <= at:
        raise Failure(f"--round-at: {clock.short_datetime(next_round, env.now)} is not after the invite (--at)")
    with env.store() as store:
        bundle = store.get(card_id)
        meant = store.near_miss(card_id, person) if person is not None else None
        if meant is not None:  # a typo would link someone new, then owed messages of their own
            raise Failure(
                f"--person {safe(person)!r} is nobody on #{card_id}: did you mean {safe(meant)}? (someone new by "
                f"that name: followup person {card_id} {safe(person)!r} first)"
            )
        advised_via, advised_person = as_advised(bundle, kind, env.config.policy, at, named=person)
        via = Channel(channel) if channel else advised_via
        person = person if person is not None else advised_person
        # a slip in the date first: it is the cause of any "too soon" it would also raise
        warning = date_slip_note(bundle.card, kind, at, env.now) or too_soon(
            bundle, kind, at, env.config.policy, via, person
        )
        older = older_instruction_note(
            bundle.card, bundle.contacts, at, instruction.asked if instruction else (), env.now
        )
        result = store.log_contact(
            card_id,
            kind,
            at,
            env.now,
            channel=via,
            person=person,
            note=note,
            round_at=next_round,
            instruction=instruction,
        )
        after = store.get(card_id)
    logged = next(c for c in after.contacts if c.id == result.contact_id)
    for said in (warning, older, twin_note(after.contacts, logged, env.now)):
        if said:
            warn(said)
    whom = after.person(logged.person_id)  # as matched: "priya" logs it with Priya Shah
    with_whom = f" ({safe(whom.name)})" if whom else ""
    newly = "".join(f"; linked {safe(p.name)} ({link_words(p)})" for p in after.people if bundle.person(p.id) is None)
    click.echo(
        f"#{card_id} {safe(bundle.card.company)}: logged {kind} via {via}{with_whom}{newly}"
        f"{_log_changes(result.changes)}"
        + (f"; its prep list is unticked for round {after.card.round + 1}" if result.unticked else "")
    )
    click.echo(f"  next: {_next_line(after, env)}")
    if ended := ended_instruction_note(bundle, after, logged, env.config.policy, env.now):
        click.echo(f"  {ended}")
    if kind == Kind.ANSWER and bundle.card.outcome == Outcome.OFFER and decision_by is None:
        click.echo(  # an answer to an offer is often "thank you, I will confirm by Friday"
            f"  not your decision yet? followup edit {card_id} --decision-by DATE keeps "
            '"respond to the offer" on the board until you answer again'
        )


def _instruction(env: Env, card_id: int, kind: Kind, follow_up_on, follow_up_via, decision_by):
    """What they asked for, carried by a reply, an answer or an offer (SPEC §3.5)."""
    from ..storage.store import Instruction

    if follow_up_on is None and follow_up_via is None and decision_by is None:
        return None
    if kind not in lifecycle.CARRY_INSTRUCTIONS:
        raise click.UsageError("--follow-up-on, --follow-up-via and --decision-by go with reply, answer or offer")
    if follow_up_via and follow_up_on is None:
        raise click.UsageError("--follow-up-via goes with --follow-up-on")
    return Instruction(
        _day_given(env, follow_up_on, "--follow-up-on", card_id),
        Channel(follow_up_via) if follow_up_via else None,
        _day_given(env, decision_by, "--decision-by", card_id),
    )


def _day_given(env: Env, text: str | None, what: str, card_id: int | None = None) -> date | None:
    """The date an option gives, None when it was not given; an empty one is refused, not ignored."""
    if text is None:
        return None
    _not_empty(text, what, card_id)
    return env.day(text, what)


def _not_empty(text: str | None, what: str, card_id: int | None = None) -> None:
    """`--follow-up-on ""` on add or log would otherwise be dropped in silence: only edit clears a date."""
    if text is not None and not text.strip():
        clear = "" if card_id is None else f" (to clear the card's date: followup edit {card_id} {what} '')"
        raise Failure(f"{what} is empty: give a date or leave the option out{clear}")


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
@click.option(
    "--at",
    "at_text",
    metavar="WHEN",
    help="The next round's time (to next-round), or the new round's interview time (next-round to thank-you).",
)
@pass_env
def move(env: Env, card_id, stage, at_text) -> None:
    """Move a card to another STAGE: thank-you, waiting, next-round, stay-in-touch (moving out of
    stay-in-touch reopens a rejected card; next-round back to thank-you starts the next round)."""
    at = env.when(at_text, "--at", future=Stage(stage) == Stage.NEXT_ROUND) if at_text is not None else None
    with env.store() as store:
        before = store.get(card_id).card
        changes = store.move(card_id, Stage(stage), env.now, at=at)
    extra = f" (round {changes['round']})" if "round" in changes else ""
    said = {"open": "; reopened (no longer rejected)", "rejected": "; rejected again (their no stands)"}
    dropped = before.next_round_at if "next_round_at" in changes and changes["next_round_at"] is None else None
    if dropped is not None and "round" not in changes:  # not a round started: a date that no longer holds
        extra += f"; round {before.round + 1}'s date ({clock.short_datetime(dropped, env.now)}) dropped"
    click.echo(f"#{card_id} {safe(before.company)} moved to {stage}{extra}{said.get(str(changes.get('outcome')), '')}")


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.option(
    "--outcome",
    type=click.Choice(["offer", "rejected", "withdrawn"]),
    help="Default: keep offer/rejected, else withdrawn.",
)
@pass_env
def close(env: Env, card_id, outcome) -> None:
    """Archive a card (restore it with reopen)."""
    with env.store() as store:
        changes = store.close_card(card_id, env.now, Outcome(outcome) if outcome else None)
        company = store.get(card_id).card.company
    click.echo(f"#{card_id} {safe(company)} closed ({changes['outcome']})")


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@pass_env
def reopen(env: Env, card_id) -> None:
    """Bring a closed card back to the board."""
    from ..domain.present import reopen_said

    with env.store() as store:
        closed = store.get(card_id).card
        changes = store.reopen(card_id, env.now)
    click.echo(f"#{card_id} {safe(closed.company)} reopened in {closed.stage}{reopen_said(closed, changes)}")


@cli.command()
@click.argument("card_id", metavar="ID", type=CARD_ID)
@click.option("--yes", is_flag=True, help="Do not ask.")
@pass_env
def delete(env: Env, card_id, yes) -> None:
    """Delete a card and its history (followup undo brings it back, while the journal keeps it)."""
    with env.store() as store:
        card = store.get(card_id).card
        if not yes and not click.confirm(f"Delete #{card_id} {safe(card.company)} and all its history?"):
            raise Failure("nothing deleted")
        store.delete(card_id)
    click.echo(f"#{card_id} {safe(card.company)} deleted (followup undo brings it back)")
