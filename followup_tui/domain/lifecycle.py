"""How a card changes when something happens to it (SPEC §3, last list).

Pure functions from a card and an event to the field changes; the Store
writes them in the same transaction as the event itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from .clock import short_date, short_datetime
from .model import Card, Contact, Kind, Outcome, Stage

CardChanges = dict[str, object]  # a Card field's name -> its new value, as the Card holds it


class LifecycleError(ValueError):
    """The change makes no sense for this card (one line for the user)."""


# the contacts that give a card its outcome: the latest one sets it (after_contact)
VERDICTS = {Kind.OFFER: Outcome.OFFER, Kind.REJECTION: Outcome.REJECTED}
# the contacts that may bring a new instruction with them (SPEC §3.5: --follow-up-on, --decision-by)
CARRY_INSTRUCTIONS = (Kind.REPLY, Kind.ANSWER, Kind.OFFER)
# the contacts whose logging may move a card (after_contact)
MOVERS = (Kind.THANK_YOU, Kind.INVITE, *VERDICTS)


@dataclass(frozen=True)
class Asked:
    """One kind of instruction as the card holds it: its date, the field that says when it was asked,
    all its fields, and how a sentence names it."""

    day: str
    set_at: str
    fields: tuple[str, ...]
    words: str


INSTRUCTIONS = (
    Asked("follow_up_on", "follow_up_set_at", ("follow_up_on", "follow_up_via", "follow_up_set_at"), "follow-up date"),
    Asked("decision_by", "decision_set_at", ("decision_by", "decision_set_at"), "decision date"),
)


def check_happened(at: datetime, now: datetime) -> None:
    """A contact is logged once it has happened (SPEC §3.1: one dated ahead is refused)."""
    if at > now:
        raise LifecycleError(f"{short_datetime(at, now)} is in the future: log a contact once it has happened")


def check_thank_you_time(card: Card, kind: Kind, at: datetime, now: datetime) -> None:
    """A thank-you follows the interview: one dated before the first round (a slip in the date)
    would move the card on while thanking for no interview, and the note would never be asked for."""
    if kind == Kind.THANK_YOU and card.round == 1 and at < card.interview_at:
        raise LifecycleError(
            f"a thank-you at {short_datetime(at, now)} is before the interview "
            f"({short_datetime(card.interview_at, now)}): check its date, or correct the interview's time first"
        )


def date_slip_note(card: Card, kind: Kind, at: datetime, now: datetime) -> str | None:
    """A contact of yours dated before the interview it would follow, said (it is taken: only the
    user knows), since a slip in the date is likelier. A thank-you before a later round's interview
    counts for an earlier round, and this round's note is still owed; a follow-up or check-in
    before the first interview follows up on nothing (round 1's thank-you is refused outright)."""
    ahead = card.next_round_at
    if kind == Kind.THANK_YOU and card.stage == Stage.NEXT_ROUND and ahead is not None and at < ahead <= now:
        return (  # round N+1 has happened, and owes its note: one dated before it thanks for round N
            f"a thank-you at {short_datetime(at, now)} is before round {card.round + 1} "
            f"({short_datetime(ahead, now)}): it counts for round {card.round}, and "
            f"round {card.round + 1}'s note is still owed"
        )
    if at >= card.interview_at:
        return None
    if kind == Kind.THANK_YOU and card.round > 1:
        return (
            f"a thank-you at {short_datetime(at, now)} is before round {card.round}'s interview "
            f"({short_datetime(card.interview_at, now)}): it counts for an earlier round, and "
            f"round {card.round}'s note is still owed"
        )
    if kind in (Kind.FOLLOW_UP, Kind.CHECK_IN) and card.round == 1:
        return (
            f"a {kind} at {short_datetime(at, now)} is before the interview "
            f"({short_datetime(card.interview_at, now)}): check its date (followup contact {card.id} lists it)"
        )
    return None


def newer_instructions(card: Card, at: datetime) -> dict[str, datetime]:
    """{'follow_up_on' / 'decision_by': when it was asked} for the card's instructions that a message
    after `at` gave: a message logged late, from before it, does not replace them (SPEC §3.1: by time)."""
    asked = {kind.day: getattr(card, kind.set_at) for kind in INSTRUCTIONS}
    return {field: when for field, when in asked.items() if when is not None and when > at}


def older_instruction_note(
    card: Card, contacts: list[Contact], at: datetime, asked: tuple[str, ...], now: datetime
) -> str | None:
    """Said when a message logged late asks for a date that a later one already changed (`asked`:
    the fields it asks for, 'follow_up_on' and 'decision_by'): the later one's stays, be it their
    message's or one you set yourself (`edit`)."""
    newer = newer_instructions(card, at)
    messages = {c.at for c in contacts if c.kind in CARRY_INSTRUCTIONS}
    kept = [
        f"the {what} stays {short_date(getattr(card, field), now)}, "
        + (
            f"as their message of {short_datetime(newer[field], now)} asked"
            if newer[field] in messages
            else f"as you set it on {short_datetime(newer[field], now)}"
        )
        for field, what in ((kind.day, kind.words) for kind in INSTRUCTIONS)
        if field in asked and field in newer and getattr(card, field) is not None
    ]
    return f"{'; '.join(kept)} (this message is older)" if kept else None


def check_interview_time(card: Card, thank_yous: list[datetime], at: datetime, now: datetime) -> None:
    """The first interview moved after a thank-you already logged for it would leave that note
    thanking for no interview (check_thank_you_time, the other way round)."""
    early = [t for t in thank_yous if t < at]
    if card.round == 1 and early:
        raise LifecycleError(
            f"a thank-you is logged at {short_datetime(min(early), now)}, before {short_datetime(at, now)}: "
            "fix or remove that contact first, or give the interview's real time"
        )


def _to_stage(card: Card, stage: Stage, at: datetime) -> CardChanges:
    if card.stage == stage:
        return {}
    return {"stage": stage, "stage_entered_at": at}


def after_contact(
    card: Card,
    kind: Kind,
    at: datetime,
    now: datetime,
    round_at: datetime | None = None,
    verdict_at: datetime | None = None,
) -> CardChanges:
    """The card's changes once a contact of `kind` at `at` is logged (SPEC §3.5).

    `verdict_at`: when the latest offer or rejection already logged came (the latest one sets the outcome).
    """
    if card.closed:
        raise LifecycleError(f"card #{card.id} is closed; reopen it first (followup reopen {card.id})")
    check_happened(at, now)
    check_thank_you_time(card, kind, at, now)
    if kind == Kind.THANK_YOU:
        return _thanked(card, at)
    if kind == Kind.INVITE:
        changes = _to_stage(card, Stage.NEXT_ROUND, at)
        if round_at is not None:
            changes["next_round_at"] = round_at
        if card.outcome == Outcome.REJECTED:  # a new process: the old one's dates no longer hold
            changes.update(outcome=Outcome.OPEN, decision_by=None, follow_up_on=None, follow_up_via=None)
        return changes
    if kind not in VERDICTS or (verdict_at is not None and at < verdict_at):
        return {}
    if kind == Kind.REJECTION:
        return {"outcome": VERDICTS[kind], **_to_stage(card, Stage.STAY_IN_TOUCH, at)}
    back = _to_stage(card, Stage.WAITING, at) if card.stage == Stage.STAY_IN_TOUCH else {}
    return {"outcome": VERDICTS[kind], **back}


def verdict_outcome(contacts: Sequence[Contact]) -> Outcome:
    """The outcome the card's contacts give it: its latest offer's or rejection's (the one logged
    last, at the same time), else open; a rejection with an invite since is open again (a new
    process, as after_contact makes it)."""
    latest = _latest(contacts, VERDICTS)
    if latest is None:
        return Outcome.OPEN
    if latest.kind == Kind.REJECTION and _latest(contacts, (Kind.REJECTION, Kind.INVITE)) is not latest:
        return Outcome.OPEN
    return VERDICTS[latest.kind]


def _latest(contacts: Sequence[Contact], kinds: Iterable[Kind]) -> Contact | None:
    """The card's latest contact of these kinds, in log order (time, then the order logged)."""
    wanted = set(kinds)
    return max((c for c in contacts if c.kind in wanted), key=lambda c: (c.at, c.id), default=None)


def after_removal(
    card: Card,
    gone: Contact,
    left: list[Contact],
    earlier: CardChanges | None = None,
    moved_from: tuple[Stage, datetime] | None = None,
) -> CardChanges:
    """What removing the contact `gone` (logged by mistake) takes back of what logging it did, where
    that still stands: the instruction it brought, and the stage it moved the card to. `left`: the
    card's other contacts; `earlier`: the instruction's fields as they were before `gone` brought
    it, where known (the journal's; unknown ones are cleared); `moved_from`: the stage it took the
    card out of, and since when, where known (the journal's). A round a thank-you started, and an
    invite's Next round, stay (their earlier times are not kept): `move` or `undo` takes those back."""
    changes: CardChanges = {}
    if card.closed:  # an archived card keeps what it was closed as: only its history is corrected
        return changes
    for kind in INSTRUCTIONS:
        if gone.kind in CARRY_INSTRUCTIONS and getattr(card, kind.set_at) == gone.at:
            back = {field: (earlier or {}).get(field) for field in kind.fields}  # a duplicate's date stays
            changes.update({field: value for field, value in back.items() if getattr(card, field) != value})
    return {**changes, **_stage_taken_back(card, gone, left, moved_from)}


def after_kind_fix(card: Card, old: Contact, new: Contact, others: list[Contact], now: datetime) -> CardChanges:
    """Fixing a contact's kind (`old` as logged, `new` as fixed; `others`: the card's other contacts)
    does to the stage and outcome what logging it so would have done: the move the old kind made is
    taken back where it still stands, and the new kind's is made (a thank-you logged as a follow-up
    by mistake, once fixed, moves the card on; the other way round, the note is asked for again).
    What they asked for stays: a kind fix does not change what they said."""
    if card.closed:
        return {}
    taken_back = _stage_taken_back(card, old, others)
    verdicts = [c.at for c in others if c.kind in VERDICTS]
    without = replace(card, **cast("dict[str, Any]", taken_back))  # the card as if `old` was never logged
    fixed = after_contact(without, new.kind, new.at, now, verdict_at=max(verdicts, default=None))
    return {key: value for key, value in {**taken_back, **fixed}.items() if getattr(card, key) != value}


def _stage_taken_back(
    card: Card, gone: Contact, left: list[Contact], moved_from: tuple[Stage, datetime] | None = None
) -> CardChanges:
    """The outcome and stage the card has without the contact `gone`, where its logging set them."""
    changes: CardChanges = {}
    outcome = verdict_outcome(left)
    if gone.kind in VERDICTS and outcome != card.outcome:
        changes["outcome"] = outcome
    if card.stage_entered_at == gone.at:  # this contact moved the card then
        changes.update(_moved_back(card, gone, outcome, left, moved_from))
    return changes


def _moved_back(
    card: Card, gone: Contact, outcome: Outcome, left: list[Contact], moved_from: tuple[Stage, datetime] | None
) -> CardChanges:
    """The stage the card was in before `gone` moved it, where that is known."""
    if gone.kind == Kind.THANK_YOU and card.stage == Stage.WAITING:
        if not any(c.kind == Kind.THANK_YOU and c.at >= card.interview_at for c in left):
            return {"stage": Stage.THANK_YOU, "stage_entered_at": card.interview_at}  # as the round began
    elif gone.kind == Kind.REJECTION and card.stage == Stage.STAY_IN_TOUCH and outcome != Outcome.REJECTED:
        if moved_from is not None:  # where it was (QA: a Thank-you card lost its note due, a Next round card its round)
            return {"stage": moved_from[0], "stage_entered_at": moved_from[1]}
        # else waiting since the note that moved it there, as a rule (else since the interview)
        notes = [c.at for c in left if c.kind == Kind.THANK_YOU and card.interview_at <= c.at < gone.at]
        return {"stage": Stage.WAITING, "stage_entered_at": max(notes, default=card.interview_at)}
    elif gone.kind == Kind.OFFER and card.stage == Stage.WAITING and outcome == Outcome.REJECTED:
        rejected = max(c.at for c in left if c.kind == Kind.REJECTION)
        return {"stage": Stage.STAY_IN_TOUCH, "stage_entered_at": rejected}  # where the rejection had put it
    return {}


def _thanked(card: Card, at: datetime) -> CardChanges:
    """A thank-you moves a Thank-you card on; on a Next-round card whose round has happened it
    starts that round too, in one step. One dated before this round's interview is an earlier
    round's note, logged late: this round's is still owed, so the card stays."""
    if card.stage == Stage.THANK_YOU:
        return _to_stage(card, Stage.WAITING, at) if at >= card.interview_at else {}
    if card.stage == Stage.NEXT_ROUND and card.next_round_at is not None and card.next_round_at <= at:
        return {
            "round": card.round + 1,
            "interview_at": card.next_round_at,
            "next_round_at": None,
            **_to_stage(card, Stage.WAITING, at),
        }
    return {}


def move(
    card: Card,
    stage: Stage,
    at: datetime | None,
    now: datetime,
    contacts: Sequence[Contact] = (),
    back_from: datetime | None = None,
) -> CardChanges:
    """Changes for moving a card by hand; `at` is the next round's time (SPEC §5 move). `back_from`:
    when the card had entered `stage`, if its last change of stage took it out of there; moving it
    back keeps that time (a move made by mistake, taken back: Stay in touch counts its next check-in
    from the latest contact, as before, not from the move). Moving out of
    Stay in touch reopens a rejected card; moving it back, while their rejection is still the latest
    word (no invite or offer since, in `contacts`), makes it rejected again. Moving out of Next round
    back to Waiting or Stay in touch drops a next round's date no invite gave (a move made by mistake)."""
    if card.closed:
        raise LifecycleError(f"card #{card.id} is closed; reopen it first (followup reopen {card.id})")
    if card.stage == stage:
        raise LifecycleError(f"card #{card.id} is already in {stage}")
    entered = back_from if back_from is not None and back_from <= now else now
    changes: CardChanges = {"stage": stage, "stage_entered_at": entered}
    if card.stage == Stage.STAY_IN_TOUCH and card.outcome == Outcome.REJECTED:
        changes["outcome"] = Outcome.OPEN
    if stage == Stage.STAY_IN_TOUCH and card.outcome == Outcome.OPEN and verdict_outcome(contacts) == Outcome.REJECTED:
        changes["outcome"] = Outcome.REJECTED
    if stage == Stage.NEXT_ROUND and at is not None:
        changes["next_round_at"] = at
    if card.stage == Stage.NEXT_ROUND and stage in BEFORE_NEXT_ROUND and _date_without_invite(card, contacts):
        changes["next_round_at"] = None  # back where it was: a round date no invite gave would come back later
    if card.stage == Stage.NEXT_ROUND and stage == Stage.THANK_YOU:
        interview_at = at or card.next_round_at or now
        changes.update(
            round=card.round + 1, interview_at=interview_at, next_round_at=None, stage_entered_at=interview_at
        )
    return changes


# where a card moved out of Next round by hand goes back to (Thank-you instead starts the round)
BEFORE_NEXT_ROUND = (Stage.WAITING, Stage.STAY_IN_TOUCH)


def _date_without_invite(card: Card, contacts: Sequence[Contact]) -> bool:
    """The card has a next round's date that no invite of this round gave (`move --at`, `edit --round-at`):
    an invite's date is what they said, and stays."""
    invited = any(c.kind == Kind.INVITE and c.at >= card.interview_at for c in contacts)
    return card.next_round_at is not None and not invited


def close(card: Card, outcome: Outcome | None, now: datetime) -> CardChanges:
    """Archive: without an outcome, keep offer/rejected, else withdrawn."""
    if card.closed:
        raise LifecycleError(f"card #{card.id} is already closed")
    if outcome is None:
        outcome = card.outcome if card.outcome in (Outcome.OFFER, Outcome.REJECTED) else Outcome.WITHDRAWN
    if outcome == Outcome.OPEN:
        raise LifecycleError("a closed card needs an outcome: offer, rejected or withdrawn")
    return {"closed_at": now, "outcome": outcome}


def reopen(card: Card, contacts: list[Contact], before_close: Outcome | None = None) -> CardChanges:
    """Restore from the archive, with the outcome the card had before it was closed (`before_close`,
    as the undo journal knows it; else the one its contacts give it): what only the close said (a
    withdrawal, `--outcome` on the wrong card) goes, a rejection stays unless it had been reopened."""
    if not card.closed:
        raise LifecycleError(f"card #{card.id} is not closed")
    return {"closed_at": None, "outcome": before_close or verdict_outcome(contacts)}
