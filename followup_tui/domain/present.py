"""Cards as people read them and as scripts parse them (SPEC §5 JSON, §6 card text).

Shared by the command line and the board; no Textual, no terminal codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from .clock import iso, local_date, relative, short_date, short_datetime, span, weekday_date
from .config import Policy
from .history import Log, network_ids, with_network
from .lifecycle import INSTRUCTIONS, MOVERS
from .model import Card, CardBundle, Contact, Kind, Outcome, Person, Relation, Stage
from .reasons import days_short, wall_days
from .rules import FLAG_WORDS, Assessment, assess, via_text
from .textsafe import safe
from .words import DUE, OVERDUE, TOO_FREQUENT, line_flag, spoken_list

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Protocol

    class Timeline(Protocol):
        """What when_line reads of a card: a Card, or the board's summary of one."""

        @property
        def stage(self) -> Stage: ...
        @property
        def round(self) -> int: ...
        @property
        def interview_at(self) -> datetime: ...
        @property
        def stage_entered_at(self) -> datetime: ...
        @property
        def next_round_at(self) -> datetime | None: ...
        @property
        def closed_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Assessed:
    bundle: CardBundle
    assessment: Assessment

    @property
    def card(self) -> Card:
        return self.bundle.card


def assess_all(bundles: list[CardBundle], policy: Policy, now: datetime) -> list[Assessed]:
    """Every card assessed once, most urgent first (then soonest interview, then id)."""
    rows = [Assessed(b, assess(b, policy, now)) for b in bundles]
    rows.sort(key=lambda a: (a.assessment.rank, a.card.closed, a.card.interview_at, a.card.id))
    return rows


def flag_word(assessment: Assessment) -> str:
    return FLAG_WORDS[assessment.top] if assessment.top else ""


def reason_words(assessment: Assessment) -> list[str | None]:
    """Each reason's flag as a line says it: the move-on line's is NO REPLY (line_flag)."""
    kind = assessment.action.kind if assessment.action is not None else None
    flags: list[str | None] = [flag or None for flag in assessment.reason_flags]
    if flags:
        flags[0] = line_flag(flags[0], assessment.flags, kind)
    return flags


def last_contact(bundle: CardBundle, now: datetime) -> datetime | None:
    """The latest contact up to now in the company's thread. Talk with your network is not: the
    check-in rule counts 90 days from the company's, and the card must not say a friend's reply
    was the last contact beside it (QA walk 15, F5). storage/facts.last_contact is this in SQL."""
    network = network_ids(bundle)
    past = [c.at for c in bundle.contacts if c.at <= now and not with_network(c, network)]
    return max(past) if past else None


def prep_progress(bundle: CardBundle) -> tuple[int, int]:
    return sum(item.done for item in bundle.prep), len(bundle.prep)


def round_now(card: Timeline, now: datetime) -> int:
    """The round a card shows: a Next round card is in its next round once that has begun, as the
    rules say ("round 2 was 20h ago — send a thank-you"), though its own round goes up only when the
    note is logged (SPEC §3.5)."""
    begun = card.stage == Stage.NEXT_ROUND and card.next_round_at is not None and card.next_round_at <= now
    return card.round + 1 if begun else card.round


def when_line(card: Timeline, last_contact_at: datetime | None, now: datetime, clock: bool = False) -> str:
    """The card's human time: 'interviewed 2d ago', 'waiting 12d', 'round 2 in 3d'; `clock`: an
    interview later today at its time, 'interview today 15:00' (`list`, where the next action's
    line says 'in 5h')."""
    if card.closed_at is not None:  # not waiting any more (QA: 'waiting 26d' on a card closed since)
        return f"closed {short_date(card.closed_at, now)}"
    if card.stage == Stage.THANK_YOU:
        if card.interview_at > now:
            return f"interview {_ahead(card.interview_at, now, clock)}"
        return f"interviewed {relative(card.interview_at, now)}"
    if card.stage == Stage.WAITING:
        waited = now - card.stage_entered_at
        return f"waiting {span(waited)}" if waited.total_seconds() >= 60 else "waiting since just now"
    if card.stage == Stage.NEXT_ROUND:
        if card.next_round_at is None:
            return f"round {card.round + 1}: date not set"
        if card.next_round_at > now:
            return f"round {card.round + 1} {_ahead(card.next_round_at, now, clock)}"
        return f"round {card.round + 1} was {relative(card.next_round_at, now)}"
    if last_contact_at:
        return f"last contact {_days_ago(last_contact_at, now)}"
    return f"in touch since {short_date(card.stage_entered_at, now)}"


def _days_ago(at: datetime, now: datetime) -> str:
    """relative(), in whole days by the local clock from two days on, as the check-in's line counts
    them ('last contact 90 days ago' across a clock change, not 89)."""
    return f"{wall_days(at, now)}d ago" if now - at >= timedelta(days=2) else relative(at, now)


def _ahead(at: datetime, now: datetime, clock: bool = False) -> str:
    """'in 3d' by calendar days, as the rules say 'round 2 in 3 days' (Saturday, seen on Wednesday
    evening, is 3 days ahead though less than 72 hours); 'in 5h' on the same day ('today 15:00'
    with `clock`)."""
    if clock and local_date(at) == local_date(now):
        return f"today {at.astimezone():%H:%M}"
    return f"in {days_short(now, at)}" if at - now >= timedelta(minutes=1) else relative(at, now)


def judged_anew(before: CardBundle, after: CardBundle, policy: Policy, now: datetime) -> str | None:
    """Why an edit made the card TOO SOON (None: it did not): a date they asked for, changed or
    cleared once a follow-up kept it, no longer judges that follow-up (SPEC §3.1: judged by the
    instruction recorded before it), so it can turn premature."""
    was, now_is = assess(before, policy, now), assess(after, policy, now)
    if TOO_FREQUENT in was.flags or TOO_FREQUENT not in now_is.flags:
        return None
    return now_is.reasons[now_is.reason_flags.index(TOO_FREQUENT)]


def outcome_shown(card: Card) -> str | None:
    """The outcome to name beside the stage: a closed card's, or an offer or rejection on an open one."""
    return card.outcome.value if card.closed or card.outcome.value != "open" else None


def card_facts(item: Assessed, now: datetime, policy: Policy) -> list[tuple[str, str]]:
    """The card's dates as (label, value) pairs, for `show` and the card screen."""
    card = item.card
    facts = [("interview", _event_time(card.interview_at, now))]
    if card.follow_up_on:
        ended = _ended(item, now, policy)
        facts.append(("follow up on", f"{weekday_date(card.follow_up_on, now)}{via_text(card)}{ended}"))
    if card.decision_by:
        facts.append(("decision by", weekday_date(card.decision_by, now)))
    if card.next_round_at:
        facts.append(("next round", _event_time(card.next_round_at, now)))
    verdict = item.assessment
    # next_contact_ok is about nudges: beside a message to send now (a thank-you, an answer) it read as "wait"
    action = verdict.action
    sending = action is not None and action.template is not None and verdict.reason_flags[:1] in ((DUE,), (OVERDUE,))
    if verdict.next_contact_ok > now and not sending:
        ok = verdict.next_contact_ok
        local = ok.astimezone()
        facts.append(
            (
                "next contact from",
                short_date(ok, now) if (local.hour, local.minute) == (0, 0) else short_datetime(ok, now),
            )
        )
    return facts


def _ended(item: Assessed, now: datetime, policy: Policy) -> str:
    """' (ended by their reply of Mar 23)': the follow-up date no longer counts (SPEC §3.2)."""
    ended = follow_up_ended(item.bundle, policy, now)
    return f" ({ended})" if ended else ""


def follow_up_ended(bundle: CardBundle, policy: Policy, now: datetime) -> str | None:
    """'ended by their reply of Mar 23' when a message from them ended the follow-up date they had
    asked for (SPEC §3.2); None while it stands, or once you honoured it."""
    log = Log(bundle, policy)
    closer = log.follow_up_ended_by([e for e in log.entries if e.at <= now])
    return f"ended by their {closer.contact.kind} of {short_date(closer.at, now)}" if closer else None


def next_contact_line(assessment: Assessment, now: datetime) -> str:
    ok = assessment.next_contact_ok
    return f"next contact from {short_date(ok, now)}" if ok > now else ""


# --- JSON (documented in the README; keep stable) -----------------------------------


def card_json(item: Assessed, now: datetime) -> dict[str, object]:
    card, bundle, verdict = item.card, item.bundle, item.assessment
    done, total = prep_progress(bundle)
    return {
        "id": card.id,
        "uid": card.uid,
        "company": card.company,
        "role": card.role,
        "stage": card.stage.value,
        "outcome": card.outcome.value,
        "closed": card.closed,
        "round": card.round,
        "interview_at": iso(card.interview_at),
        "stage_entered_at": iso(card.stage_entered_at),
        "follow_up_on": card.follow_up_on.isoformat() if card.follow_up_on else None,
        "follow_up_via": card.follow_up_via.value if card.follow_up_via else None,
        "decision_by": card.decision_by.isoformat() if card.decision_by else None,
        "next_round_at": iso(card.next_round_at),
        "fit": card.fit,
        "notes": card.notes,
        "closed_at": iso(card.closed_at),
        "created_at": iso(card.created_at),
        "updated_at": iso(card.updated_at),
        "last_contact_at": iso(last_contact(bundle, now)),
        "next_contact_ok": iso(verdict.next_contact_ok),
        "prep_done": done,
        "prep_total": total,
        "flags": list(verdict.flags),
        "reasons": list(verdict.reasons),
        "next_action": verdict.action.json() if verdict.action else None,
        "topic": card.topic,
        "problems": list(card.problems),
    }


def card_detail_json(item: Assessed, now: datetime) -> dict[str, object]:
    bundle = item.bundle
    names: dict[int | None, str] = {p.id: p.name for p in bundle.people}
    return {
        **card_json(item, now),
        "people": [
            {
                "id": p.id,
                "uid": p.uid,
                "name": p.name,
                "relation": p.relation.value,
                "round": p.round,
                "email": p.email,
                "title": p.title,
                "note": p.note,
            }
            for p in bundle.people
        ],
        "contacts": [
            {
                "id": c.id,
                "uid": c.uid,
                "at": iso(c.at),
                "kind": c.kind.value,
                "channel": c.channel.value,
                "person_id": c.person_id,
                "person": names.get(c.person_id),
                "note": c.note,
            }
            for c in bundle.contacts
        ],
        "prep": [
            {"number": n, "id": p.id, "uid": p.uid, "text": p.text, "done": p.done}
            for n, p in enumerate(bundle.prep, 1)
        ],
    }


def unlinked_words(card: Card, person: Person, unnamed: int) -> str:
    """What unlinking `person` did to the contacts that named them: ' (1 contact no longer names
    them)'. Talk with a friend in your network was not the company's thread; unnamed, it is, and
    the rules read it so (QA walk 15, F10: a friend's reply became the company's, silently)."""
    if not unnamed:
        return ""
    said = "1 contact no longer names them" if unnamed == 1 else f"{unnamed} contacts no longer name them"
    if person.relation == Relation.NETWORK:
        said += (
            f", so the rules now read {'it' if unnamed == 1 else 'them'} as {card.company}'s own thread; "
            f"`followup contact {card.id} --remove N` takes one off"
        )
    return f" ({said})"


def link_words(person: Person) -> str:
    """'interviewer', or 'interviewer, round 2' for someone met in a later round (your network was
    not met in a round)."""
    later = person.round != 1 and person.relation != Relation.NETWORK
    return f"{person.relation}, round {person.round}" if later else str(person.relation)


def person_line(person: Person, note: bool = False) -> str:
    """'Jane Doe (interviewer, round 2) <jane@acme.com>, CTO', and ' — their note' if asked; made safe."""
    line = f"{safe(person.name)} ({link_words(person)})" + (f" <{safe(person.email)}>" if person.email else "")
    line += f", {safe(person.title)}" if person.title else ""
    return line + (f" — {safe(person.note)}" if note and person.note else "")


def contact_line(bundle: CardBundle, contact: Contact, when: str) -> str:
    """'WHEN  follow-up via email with Jane Doe: note', made safe."""
    who = bundle.person(contact.person_id)
    return (
        f"{when}  {contact.kind} via {contact.channel}"
        + (f" with {safe(who.name)}" if who else "")
        + (f": {safe(contact.note)}" if contact.note else "")
    )


def contact_time(at: datetime, now: datetime) -> str:
    return f"{short_datetime(at, now)} ({relative(at, now)})"


def _event_time(at: datetime, now: datetime) -> str:
    """An interview's time: one ahead counted in calendar days, as the rules' line beside it does."""
    return f"{short_datetime(at, now)} ({_ahead(at, now) if at > now else relative(at, now)})"


_FIELD_LABELS = {
    "company": "company",
    "role": "role",
    "interview_at": "interview",
    "follow_up_on": "follow up on",
    "follow_up_via": "via",
    "decision_by": "decision by",
    "next_round_at": "next round",
    "fit": "why I fit",
    "topic": "topic",
    "notes": "notes",
    "domain": "mail domain",
}
FIELD_ORDER = tuple(_FIELD_LABELS)


def field_change(key: str, old: object, new: object, now: datetime) -> str:
    """'follow up on Fri Dec 11 → Mon Dec 14', made safe: how `edit` says what changed."""
    return f"{_FIELD_LABELS.get(key, key)} {_shown(old, now)} → {_shown(new, now)}"


def _shown(value: object, now: datetime) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, datetime):
        return short_datetime(value, now)
    if isinstance(value, date):
        return weekday_date(value, now)
    if isinstance(value, Enum):
        return str(value.value)
    text = safe(str(value).replace("\n", " ↵ "))  # a note's new lines read as such, not as \x0a (QA walk 14)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def removal_said(
    card: Card,
    gone: Contact,
    changes: dict[str, object],
    now: datetime,
    move_hint: str = "followup move changes that",
    unlinked: Sequence[str] = (),
) -> list[str]:
    """What removing the contact `gone` does to the card (lifecycle.after_removal's `changes`), in
    clauses: the stage it goes back to, its outcome, the dates that came with the contact, the people
    it had linked (`unlinked`); else, for a contact that moves cards, that the card stays where it is
    (and how to move it)."""
    goes = "go" if len(unlinked) > 1 else "goes"
    said = [f"{safe(spoken_list(list(unlinked)))}, whom it linked, {goes} with it"] if unlinked else []
    if "stage" in changes:
        said.append(f"back in {changes['stage']}")
    elif gone.kind in MOVERS and not card.closed and card.stage_entered_at == gone.at:  # it moved the card
        said.append(f"the card stays in {card.stage} ({move_hint})")
    if "outcome" in changes:
        said.append(
            "its outcome is open again" if changes["outcome"] == Outcome.OPEN else f"outcome: {changes['outcome']}"
        )
    for field, what in ((kind.day, kind.words) for kind in INSTRUCTIONS):
        given, back = getattr(card, field), changes.get(field)
        if isinstance(back, date):  # what an earlier message (or an edit) had set
            said.append(f"the {what} goes back to {short_date(back, now)}")
        elif field in changes and given is not None:
            said.append(f"the {what} it brought ({short_date(given, now)}) goes with it")
    return said


def reopen_said(closed: Card, changes: dict[str, object]) -> str:
    """What reopening the `closed` card did to its outcome (lifecycle.reopen's `changes`), as a
    clause ('' when a withdrawal simply goes): the outcome it had before the close comes back."""
    outcome = changes.get("outcome", closed.outcome)
    if outcome == closed.outcome:
        return f"; still {outcome}" if outcome != Outcome.OPEN else ""
    if closed.outcome == Outcome.WITHDRAWN and outcome == Outcome.OPEN:
        return ""
    return f"; its outcome is {outcome} again (it was closed as {closed.outcome})"


TWIN_WITHIN = timedelta(minutes=10)  # the same contact logged twice is minutes apart, not hours


def ended_instruction_note(
    before: CardBundle, after: CardBundle, logged: Contact, policy: Policy, now: datetime, keep: str = ""
) -> str | None:
    """Said when their message, logged without a new date, is now what ends the follow-up date they
    had asked for (SPEC §3.2), having come by that day: a courtesy reply ("thanks for your note") often
    leaves it standing, and the way to keep it is named (QA: the day came unannounced, and the
    follow-up made on it was TOO SOON; a reply logged late made a call already made on the day TOO SOON).
    `keep`: how to keep it (the board's keys); by default the command."""
    card = after.card
    day = card.follow_up_on
    if logged.kind != Kind.REPLY or card.follow_up_set_at != before.card.follow_up_set_at:
        return None  # an invite, a rejection or an offer starts something new; a reply may carry a new date
    if day is None or local_date(logged.at) > day:
        return None  # they wrote after the day: nothing left to keep
    log = Log(after, policy)
    closer = log.follow_up_ended_by(log.entries)
    if closer is None or closer.contact.id != logged.id:
        return None
    return (
        f"this {logged.kind} ends their request to hear from you on {weekday_date(day, now)}; "
        f"if it still stands: {keep or f'followup edit {card.id} --follow-up-on {day.isoformat()}'}"
    )


def twin_note(contacts: list[Contact], logged: Contact, now: datetime) -> str | None:
    """Said when `logged` looks like one logged already (same kind, same person, minutes apart): it
    is kept (a second note the same hour happens), and how to take one back is said."""
    numbered = sorted(contacts, key=lambda c: (c.at, c.id))
    twin = next(
        (
            c
            for c in numbered
            if c.id != logged.id
            and (c.kind, c.person_id) == (logged.kind, logged.person_id)
            and abs(c.at - logged.at) <= TWIN_WITHIN
        ),
        None,
    )
    if twin is None:
        return None
    number = numbered.index(logged) + 1
    return (
        f"a {logged.kind} like this one is logged already ({short_datetime(twin.at, now)}); if it is the same, "
        f"followup contact {logged.card_id} --remove {number} takes this one back"
    )
