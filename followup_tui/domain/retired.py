"""Agenda items that were done, dropped or moved past, read from what the database holds.

The plan only says what is still to do: once the thank-you is logged, the follow-up made or the
offer answered, its action is gone from it. Each finder here reads, from the contact log and the
card's stage and dates, which item that was (its key, so its UID) and when it went, so agenda.py
can keep it, cancelled, for GRACE. Each one is retired by a contact or a move, so a card with
neither lately is skipped at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from .agenda import DEADLINE, GRACE, Item, day_words, follow_up_word, note_word
from .clock import day_start, local_date
from .config import Policy
from .history import EXPECTED, INBOUND_ROLE, REFERRAL, UNSOLICITED_ROLE, Log, honours, next_round
from .model import Card, CardBundle, Contact, Kind, Outcome, Stage


def retired(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """Items the plan no longer has because something was done; each at the moment it was."""
    known = [c for c in bundle.contacts if c.at <= now]
    if bundle.card.stage_entered_at <= now - GRACE and not any(c.at > now - GRACE for c in known):
        return []  # each is retired by a contact or a move: none is recent
    log = Log(CardBundle(bundle.card, known, bundle.people, bundle.prep), policy)
    found = []
    for finder in (
        _notes_sent,
        _followed_up,
        _decision_heard,
        _offer_answered,
        _rejection_answered,
        _left_stay_in_touch,
    ):
        found += finder(bundle, log, policy)
    return found


def _done(item: Item, contact: Contact, what: str) -> Item:
    return replace(item, retired=contact.at, why=f"{what} {day_words(contact.at)}")


def _notes_sent(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """Each round's first thank-you note (the previous round's placed at the note), or the card
    moved on without one (to Waiting by hand, a rejection…)."""
    card, found = bundle.card, []
    notes = [e.contact for e in log.entries if e.kind == Kind.THANK_YOU]
    hours = timedelta(hours=policy.thank_you_hours)
    rounds = [(card.round, card.interview_at)]
    at, left = card.next_round_at, card.stage_entered_at
    if at is not None and at > card.interview_at and (next_round(card) is not None or at <= left):
        rounds.append((card.round + 1, at))  # a next round ahead, or held before the card moved on
    for number, held in rounds:
        note = next((c for c in notes if c.at >= held), None)
        if note is not None:
            found.append(_done(_note(number, held + hours), note, "thank-you sent"))
        elif card.stage not in (Stage.THANK_YOU, Stage.NEXT_ROUND) and held <= left:
            found.append(_moved(_note(number, held + hours), card))
    earlier = [c for c in notes if c.at < card.interview_at]
    if card.round > 1 and earlier:
        found.append(_done(_note(card.round - 1, earlier[-1].at), earlier[-1], "thank-you sent"))
    return found


def _note(number: int, due: datetime) -> Item:
    return Item(f"thank-you-r{number}", note_word(number), due - DEADLINE, due, "send a thank-you note", "thank-you")


def _followed_up(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """The instructed follow-up, honoured (a follow-up or an answer from that day on) or overtaken (they wrote)."""
    card = bundle.card
    if card.follow_up_on is None:
        return []
    start, set_at = day_start(card.follow_up_on), card.follow_up_set_at
    for entry in log.entries:
        honoured = honours(entry, start)
        if honoured or (entry.role == INBOUND_ROLE and set_at is not None and entry.at > set_at):
            item = Item(
                "follow-up",
                follow_up_word(card),
                card.follow_up_on,
                card.follow_up_on + timedelta(days=1),
                "follow up as they asked",
                "follow-up",
            )
            return [_done(item, entry.contact, "followed up" if honoured else f"{entry.kind} logged")]
    return []


def _decision_heard(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """The decision-date check-in: a contact from that date on, or the card moved on from Waiting."""
    card = bundle.card
    if card.decision_by is None:
        return []
    set_at = card.decision_set_at or card.interview_at
    contact = next((e.contact for e in log.entries if e.role != REFERRAL and e.at >= day_start(card.decision_by)), None)
    if contact is None and (card.stage != Stage.WAITING or card.outcome != Outcome.OPEN):
        # a verdict since the date was given (not the one that gave it: an offer's answer date)
        contact = next((e.contact for e in log.entries if e.kind in _VERDICTS and e.at > set_at), None)
    if contact is None or contact.at < set_at:  # heard before the date was given: never on the calendar
        return []
    day = card.decision_by + timedelta(days=1)
    item = Item(
        "decision",
        "Check in (decision date passed)",
        day,
        day + timedelta(days=1),
        "check in: their decision date has passed",
        "follow-up",
    )
    return [_done(item, contact, f"{contact.kind} logged")]


_VERDICTS = (Kind.INVITE, Kind.REJECTION, Kind.OFFER)  # what moves a card on from Waiting


def _offer_answered(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """A dated offer, answered (or overtaken by a later verdict)."""
    card = bundle.card
    offer = next((e for e in reversed(log.entries) if e.kind == Kind.OFFER), None)
    if offer is None or card.decision_by is None or (card.decision_set_at or offer.at) < offer.at:
        return []
    after = next(
        (
            e.contact
            for e in log.entries
            if e.at >= offer.at
            and e.contact is not offer.contact
            and e.role in (EXPECTED, UNSOLICITED_ROLE, INBOUND_ROLE)
            and e.kind != Kind.THANK_YOU
        ),
        None,
    )
    if after is None:
        return []
    item = Item(
        "offer",
        "Answer the offer",
        card.decision_by,
        card.decision_by + timedelta(days=1),
        "respond to the offer",
        "offer-reply",
    )
    return [_done(item, after, f"{after.kind} logged")]


def _rejection_answered(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """The gracious reply, sent, or overtaken (a new invite, an offer, the card moved on by hand)."""
    card = bundle.card
    rejection = next((e for e in reversed(log.entries) if e.kind == Kind.REJECTION), None)
    if rejection is None:
        return []
    due = rejection.at + timedelta(days=policy.gracious_reply_days)
    item = Item(
        "gracious-reply",
        "Gracious reply",
        due - DEADLINE,
        due,
        "a gracious reply keeps the door open",
        "gracious-reply",
    )
    after = next(
        (
            e.contact
            for e in log.entries
            if e.at >= rejection.at
            and e.contact is not rejection.contact
            and (e.role == INBOUND_ROLE or (e.role == EXPECTED and e.kind != Kind.THANK_YOU))
        ),
        None,
    )
    if after is not None and after.at < due:
        return [_done(item, after, f"{after.kind} logged")]
    moved = card.outcome != Outcome.REJECTED and card.stage_entered_at >= rejection.at
    if moved and card.stage_entered_at < due:
        return [_moved(item, card)]
    if after is not None or moved:  # after the suggestion lapsed: it was cancelled then (the plan said so)
        return [replace(item, retired=due, why=f"no longer needed after {day_words(due)}")]
    return []


def _moved(item: Item, card: Card) -> Item:
    left = card.stage_entered_at
    return replace(item, retired=left, why=f"the card moved to {card.stage.title} {day_words(left)}")


def _left_stay_in_touch(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """The stay-in-touch check-in, once check-ins went unanswered too often (move on), or once the
    card left the stage after a rejection or by an offer (a card moved into Stay in touch by hand
    and out again leaves no trace)."""
    card = bundle.card
    if card.stage == Stage.STAY_IN_TOUCH:
        left, tipped = None, _moving_on(log, policy, None)
    else:
        left = _left_at(card, log)
        if left is None:
            return []
        tipped = _moving_on(log, policy, left)
    if tipped is not None:
        gone, why = tipped.at, f"no reply to your check-ins (the latest {day_words(tipped.at)})"
    elif left is not None:
        gone, why = left, f"the card left Stay in touch {day_words(left)}"
    else:
        return []
    day = local_date(gone)
    item = Item("check-in", "Stay in touch", day, day + timedelta(days=1), "time to check in", "check-in")
    return [replace(item, retired=gone, why=why)]


def _left_at(card: Card, log: Log) -> datetime | None:
    """When a card no longer in Stay in touch left it: the invite or offer after its rejection, else
    the move by hand after it; or the offer that moved it out (as of its current stage)."""
    rejection = next((e for e in reversed(log.entries) if e.kind == Kind.REJECTION), None)
    if rejection is None:
        offered = card.stage == Stage.WAITING and any(
            e.kind == Kind.OFFER and e.at == card.stage_entered_at for e in log.entries
        )
        return card.stage_entered_at if offered else None
    after = next(
        (
            e
            for e in log.entries
            if e.kind in (Kind.INVITE, Kind.OFFER) and e.at >= rejection.at and e.contact is not rejection.contact
        ),
        None,
    )
    if after is not None:
        return after.at
    return card.stage_entered_at if card.stage_entered_at >= rejection.at else None


def _moving_on(log: Log, policy: Policy, before: datetime | None) -> Contact | None:
    """The unanswered check-in or follow-up that made it too many (SPEC §3.3 no-reply), counting
    the contacts before `before`; None when they are not too many."""
    unanswered: list[Contact] = []
    for entry in log.entries:
        if before is not None and entry.at >= before:
            break
        if entry.role == INBOUND_ROLE:
            unanswered = []
        elif entry.role == UNSOLICITED_ROLE:
            unanswered.append(entry.contact)
    limit = policy.unanswered_limit
    return unanswered[limit - 1] if len(unanswered) >= limit else None
