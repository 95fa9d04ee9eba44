"""What goes on the calendar: each open card's upcoming and overdue actions, from the rules' plan.

An `Item` is one calendar entry: a thank-you deadline (for each round, once it has happened), the
day they asked to hear from you, an interview ahead (or just held), the decision-date check-in,
the stay-in-touch check-in, the offer's answer date, the gracious reply's last day. When each
falls is the rules' business: the items are read from `rules.plan`'s action windows (grouped by
what they ask for), never worked out again here. Wait, move-on, prep (an interview's reminder
says it) and the undated network ask make no item.

An item has a `key`, unique on its card and stable for as long as it stands for the same thing:
`thank-you-r2` and `round-2` per round, `follow-up`, `decision`, `check-in`, `offer` and
`gracious-reply` once per card (a new follow-up date moves the entry rather than adding one).

**Retired items.** An item that was done (the thank-you logged, the follow-up made, the offer
answered), dropped (the card closed, the round called off) or that lapsed (a gracious reply
never sent, a round-1 note overtaken by round 2) comes back with `retired` set, for GRACE after
that moment, so that a calendar which kept the old entry sees it cancelled. It is read from
what the database already holds (the contact log, the card's stage and dates), so the export
stays read-only; a card deleted outright or a date cleared by `edit` leaves no trace to read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from .clock import day_start, local_date, short_date
from .config import Policy
from .history import EXPECTED, INBOUND_ROLE, REFERRAL, UNSOLICITED_ROLE, Log, next_round
from .model import CardBundle, Channel, Contact, Kind, Outcome, Stage
from .reasons import render
from .rules import ACTION, Window, plan_as_of

GRACE = timedelta(days=30)  # how long a retired item is still exported (as cancelled)
DEADLINE = timedelta(minutes=30)  # a deadline's entry: the half hour before it
INTERVIEW = timedelta(hours=1)
MORNING = timedelta(hours=9)  # an all-day item's reminder: 09:00 on the day (floating local time)


@dataclass(frozen=True)
class Item:
    """One calendar entry of a card. Timed items have datetime bounds; all-day ones, dates
    (end exclusive). `alarms` are (offset from the start, text)."""

    key: str
    what: str  # the summary, before the card's name: "Thank-you note"
    start: datetime | date
    end: datetime | date
    line: str  # what to do, the action's reason line as it reads when the item begins
    template: str | None = None  # the draft that does it
    alarms: tuple[tuple[timedelta, str], ...] = ()
    busy: bool = False  # an interview takes the time; a reminder does not
    retired: datetime | None = None  # done, dropped or lapsed then: exported as cancelled
    why: str = ""  # why it was retired
    how: str = ""  # 'by email to Jane Doe'


def items(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """The card's items at `now`: standing ones and those retired less than GRACE ago."""
    card = bundle.card
    if card.closed:
        return _closed(bundle, policy, now)
    found = {item.key: item for item in _from_plan(bundle, policy, now) + _rounds(bundle, policy, now)}
    for item in _retired(bundle, policy, now):
        found.setdefault(item.key, item)  # what the plan still has wins
    return [item for item in found.values() if item.retired is None or item.retired > now - GRACE]


# --- from the plan --------------------------------------------------------------------------------


def _from_plan(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """One item per dated action of the plan: its windows (due, then overdue) grouped by key."""
    groups: dict[str, list[Window]] = {}
    for window in plan_as_of(bundle, policy, now).windows:
        action = window.action
        if window.role == ACTION and window.rule in _MAKERS and action.due is not None and action.kind != "move-on":
            groups.setdefault(_key(bundle, window, policy), []).append(window)
    found = []
    for key, windows in groups.items():
        first = min(windows, key=lambda w: _moment(w))
        ends = [w.end for w in windows]
        end = None if None in ends else max(ends)
        if first.rule == "thank-you" and _moment(first) > now:
            continue  # the note for a round still ahead: the round comes first
        item = _MAKERS[first.rule](bundle, first, policy)
        if end is not None and end <= now:  # no longer planned: overtaken, or its time ran out
            item = replace(item, retired=end, why=f"no longer needed after {_day(end)}")
        found.append(replace(item, key=key, how=_how(first.action)))
    return found


def _how(action) -> str:
    return " ".join(part for part in (f"by {action.channel}" if action.channel else "",
                                      f"to {action.person}" if action.person else "") if part)


def _moment(window: Window) -> datetime:
    """When a window's advice begins (an unbounded start: when it is due)."""
    return window.start or window.action.due


def _key(bundle: CardBundle, window: Window, policy: Policy) -> str:
    if window.rule == "thank-you":  # which round: R = the deadline less the hours allowed
        held = window.action.due - timedelta(hours=policy.thank_you_hours)
        return f"thank-you-r{_round_of(bundle, held)}"
    return _KEYS[window.rule]


def _round_of(bundle: CardBundle, at: datetime) -> int:
    card = bundle.card
    return card.round + 1 if at == next_round(card) else card.round


def _line(window: Window) -> str:
    """The reason line as it reads when the window begins (the same whenever it is exported)."""
    return render(window.text, window.anchor, _moment(window))


def _thank_you(bundle: CardBundle, window: Window, policy: Policy) -> Item:
    due = window.action.due
    return Item("", _note_word(_round_of(bundle, due - timedelta(hours=policy.thank_you_hours))),
                due - DEADLINE, due, _line(window), window.action.template,
                alarms=((DEADLINE - timedelta(hours=4), "thank-you note due in 4 hours"),
                        (timedelta(0), "thank-you note due in 30 minutes")))


def _note_word(number: int) -> str:
    return "Thank-you note" if number == 1 else f"Round {number} thank-you note"


def _day_item(what: str, day: date, window: Window) -> Item:
    return Item("", what, day, day + timedelta(days=1), _line(window), window.action.template,
                alarms=((MORNING, what.lower()),))


def _instructed(bundle: CardBundle, window: Window, policy: Policy) -> Item:
    return _day_item(_follow_up_word(bundle.card), bundle.card.follow_up_on, window)


def _follow_up_word(card) -> str:
    """'Follow up by phone' when they said how, else 'Follow up'."""
    return "Follow up" + (_BY[card.follow_up_via] if card.follow_up_via else "")


_BY = {Channel.EMAIL: " by email", Channel.PHONE: " by phone", Channel.LINKEDIN: " on LinkedIn",
       Channel.IN_PERSON: " in person", Channel.OTHER: ""}


def _decision(bundle: CardBundle, window: Window, policy: Policy) -> Item:
    return _day_item("Check in (decision date passed)", local_date(window.action.due), window)


def _stay_in_touch(bundle: CardBundle, window: Window, policy: Policy) -> Item:
    return _day_item("Stay in touch", local_date(window.action.due), window)


def _offer(bundle: CardBundle, window: Window, policy: Policy) -> Item:
    return _day_item("Answer the offer", bundle.card.decision_by, window)


def _gracious(bundle: CardBundle, window: Window, policy: Policy) -> Item:
    due = window.action.due
    return Item("", "Gracious reply", due - DEADLINE, due, _line(window), window.action.template,
                alarms=((-timedelta(days=1), "last day for a gracious reply"),))


_MAKERS = {"thank-you": _thank_you, "instructed": _instructed, "decision-passed": _decision,
           "stay-in-touch": _stay_in_touch, "offer": _offer, "gracious-reply": _gracious}
_KEYS = {"instructed": "follow-up", "decision-passed": "decision", "stay-in-touch": "check-in", "offer": "offer",
         "gracious-reply": "gracious-reply"}


# --- interviews -----------------------------------------------------------------------------------


def _rounds(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """Interviews ahead, or held less than GRACE ago (they happened: not cancelled, just past).
    The first round shows only when the card was added before it."""
    card, found = bundle.card, []
    if card.interview_at > card.created_at and card.interview_at > now - GRACE:
        found.append(_interview(card.round, card.interview_at, policy))
    later = next_round(card)
    if later is not None and later > now - GRACE:
        found.append(_interview(card.round + 1, later, policy))
    elif card.next_round_at is not None and card.next_round_at > card.interview_at:
        # dated but never held: the card left Next round without it
        item = _interview(card.round + 1, card.next_round_at, policy)
        left = card.stage_entered_at
        found.append(replace(item, retired=left, why=f"the round is off (the card left Next round {_day(left)})"))
    return found


def _interview(number: int, at: datetime, policy: Policy) -> Item:
    what = "Interview" if number == 1 else f"Round {number} interview"
    days = policy.prep_warn_days
    return Item(f"round-{number}", what, at, at + INTERVIEW, what.lower(),
                alarms=((-timedelta(days=days), f"{what.lower()} in {days} days: time to prep"),
                        (-timedelta(hours=1), f"{what.lower()} in 1 hour")), busy=True)


def _day(moment: datetime) -> str:
    """'Nov 27', local: words that stay the same whenever the file is written."""
    return short_date(moment, moment)


# --- retired: read from the log ---------------------------------------------------------------------


def _retired(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """Items the plan no longer has because something was done; each at the moment it was."""
    known = [c for c in bundle.contacts if c.at <= now]
    if not any(c.at > now - GRACE for c in known):  # each is retired by a contact: none is recent
        return []
    log = Log(CardBundle(bundle.card, known, bundle.people, bundle.prep), policy)
    found = []
    for finder in (_notes_sent, _followed_up, _decision_heard, _offer_answered, _rejection_answered,
                   _left_stay_in_touch):
        found += finder(bundle, log, policy)
    return found


def _done(item: Item, contact: Contact, what: str) -> Item:
    return replace(item, retired=contact.at, why=f"{what} {_day(contact.at)}")


def _notes_sent(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """Each round's first thank-you note; the previous round's, placed at the note."""
    card, found = bundle.card, []
    notes = [e.contact for e in log.entries if e.kind == Kind.THANK_YOU]
    hours = timedelta(hours=policy.thank_you_hours)
    rounds = [(card.round, card.interview_at)]
    later = next_round(card)
    if later is not None:
        rounds.append((card.round + 1, later))
    for number, held in rounds:
        note = next((c for c in notes if c.at >= held), None)
        if note is not None:
            found.append(_done(_note(number, held + hours), note, "thank-you sent"))
    earlier = [c for c in notes if c.at < card.interview_at]
    if card.round > 1 and earlier:
        found.append(_done(_note(card.round - 1, earlier[-1].at), earlier[-1], "thank-you sent"))
    return found


def _note(number: int, due: datetime) -> Item:
    return Item(f"thank-you-r{number}", _note_word(number), due - DEADLINE, due, "send a thank-you note", "thank-you")


def _followed_up(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """The instructed follow-up, honoured (a follow-up from that day on) or overtaken (they wrote)."""
    card = bundle.card
    if card.follow_up_on is None:
        return []
    start, set_at = day_start(card.follow_up_on), card.follow_up_set_at
    for entry in log.entries:
        honoured = entry.role == UNSOLICITED_ROLE and entry.at >= start
        if honoured or (entry.role == INBOUND_ROLE and set_at is not None and entry.at > set_at):
            item = Item("follow-up", _follow_up_word(card), card.follow_up_on,
                        card.follow_up_on + timedelta(days=1), "follow up as they asked", "follow-up")
            return [_done(item, entry.contact, "followed up" if honoured else f"{entry.kind} logged")]
    return []


def _decision_heard(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """The decision-date check-in: a contact from that date on, or the card moved on from Waiting."""
    card = bundle.card
    if card.decision_by is None:
        return []
    set_at = card.decision_set_at or card.interview_at
    contact = next((e.contact for e in log.entries if e.role != REFERRAL and e.at >= day_start(card.decision_by)),
                   None)
    if contact is None and (card.stage != Stage.WAITING or card.outcome != Outcome.OPEN):
        # a verdict since the date was given (not the one that gave it: an offer's answer date)
        contact = next((e.contact for e in log.entries if e.kind in _VERDICTS and e.at > set_at), None)
    if contact is None or contact.at < set_at:  # heard before the date was given: never on the calendar
        return []
    day = card.decision_by + timedelta(days=1)
    item = Item("decision", "Check in (decision date passed)", day, day + timedelta(days=1),
                "check in: their decision date has passed", "follow-up")
    return [_done(item, contact, f"{contact.kind} logged")]


_VERDICTS = (Kind.INVITE, Kind.REJECTION, Kind.OFFER)  # what moves a card on from Waiting


def _offer_answered(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """A dated offer, answered (or overtaken by a later verdict)."""
    card = bundle.card
    offer = next((e for e in reversed(log.entries) if e.kind == Kind.OFFER), None)
    if offer is None or card.decision_by is None or (card.decision_set_at or offer.at) < offer.at:
        return []
    after = next((e.contact for e in log.entries if e.at >= offer.at and e.contact is not offer.contact
                  and e.role in (EXPECTED, UNSOLICITED_ROLE, INBOUND_ROLE) and e.kind != Kind.THANK_YOU), None)
    if after is None:
        return []
    item = Item("offer", "Answer the offer", card.decision_by, card.decision_by + timedelta(days=1),
                "respond to the offer", "offer-reply")
    return [_done(item, after, f"{after.kind} logged")]


def _rejection_answered(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """The gracious reply, sent (or overtaken: a new invite or an offer)."""
    rejection = next((e for e in reversed(log.entries) if e.kind == Kind.REJECTION), None)
    if rejection is None:
        return []
    after = next((e.contact for e in log.entries if e.at >= rejection.at and e.contact is not rejection.contact
                  and (e.role == INBOUND_ROLE or (e.role == EXPECTED and e.kind != Kind.THANK_YOU))), None)
    if after is None:
        return []
    due = rejection.at + timedelta(days=policy.gracious_reply_days)
    item = Item("gracious-reply", "Gracious reply", due - DEADLINE, due, "a gracious reply keeps the door open",
                "gracious-reply")
    return [_done(item, after, f"{after.kind} logged")]


def _left_stay_in_touch(bundle: CardBundle, log: Log, policy: Policy) -> list[Item]:
    """The stay-in-touch check-in of a card that left the stage (an invite or offer after a
    rejection) or whose check-ins went unanswered too often (move on)."""
    card = bundle.card
    rejection = next((e for e in reversed(log.entries) if e.kind == Kind.REJECTION), None)
    if card.stage == Stage.STAY_IN_TOUCH:
        unsolicited = [e.contact for e in log.entries if e.role == UNSOLICITED_ROLE]
        if not unsolicited:
            return []
        done, why = unsolicited[-1], f"no reply to your check-ins (the latest {_day(unsolicited[-1].at)})"
    elif rejection is not None and rejection.at < card.stage_entered_at:
        done = next((e.contact for e in log.entries if e.role == INBOUND_ROLE and e.at > rejection.at), None)
        if done is None:
            return []
        why = f"{done.kind} logged {_day(done.at)}"
    else:
        return []
    day = local_date(done.at)
    item = Item("check-in", "Stay in touch", day, day + timedelta(days=1), "time to check in", "check-in")
    return [replace(item, retired=done.at, why=why)]


# --- closed cards ---------------------------------------------------------------------------------


def _closed(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """What the card had when it was closed, cancelled as of then (a closed card takes no contacts,
    so its log ends there); an interview already held stays as it was."""
    closed_at = bundle.card.closed_at
    if closed_at <= now - GRACE:
        return []
    # as `reopen` would restore it: a withdrawal undone, an offer or a rejection kept
    outcome = Outcome.OPEN if bundle.card.outcome == Outcome.WITHDRAWN else bundle.card.outcome
    reopened = CardBundle(replace(bundle.card, closed_at=None, outcome=outcome), bundle.contacts, bundle.people,
                          bundle.prep)
    found = []
    for item in items(reopened, policy, min(now, closed_at)):
        if item.retired is None and not (item.busy and item.start <= closed_at):
            item = replace(item, retired=closed_at, why=f"card closed {_day(closed_at)}")
        found.append(item)
    return [item for item in found if (item.retired or item.start) > now - GRACE]
