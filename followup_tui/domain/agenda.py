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
that moment, so that a calendar which kept the old entry sees it cancelled. Lapsed ones are
still in the plan (their windows ended); closed cards are planned as if reopened; what was done
is read from the contact log and the card's stage and dates (retired.py). The export stays
read-only; a card deleted outright or a date cleared by `edit` leaves no trace to read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from .clock import local_date, short_date
from .config import Policy
from .history import next_round
from .model import Card, CardBundle, Outcome
from .reasons import dated
from .rules import ACTION, BY_CHANNEL, Action, Window, plan_as_of

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
    line: str  # what to do, the action's reason line with dates for times from now ("by Sun Mar 14 18:00")
    template: str | None = None  # the draft that does it
    alarms: tuple[tuple[timedelta, str], ...] = ()
    busy: bool = False  # an interview takes the time; a reminder does not
    retired: datetime | None = None  # done, dropped or lapsed then: exported as cancelled
    why: str = ""  # why it was retired
    how: str = ""  # 'by email to Jane Doe'


def items(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """The card's items at `now`: standing ones and those retired less than GRACE ago."""
    card = bundle.card
    if card.closed_at is not None:
        return _closed(bundle, card.closed_at, policy, now)
    from .retired import retired  # it builds on this module's Item

    found = {item.key: item for item in _from_plan(bundle, policy, now) + _rounds(bundle, policy, now)}
    for item in retired(bundle, policy, now):
        found.setdefault(item.key, item)  # what the plan still has wins
    return [item for item in found.values() if item.retired is None or item.retired > now - GRACE]


# --- from the plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    """An action window of the plan whose action has a due time: what an item is made from."""

    window: Window
    action: Action
    at: datetime  # action.due

    @property
    def moment(self) -> datetime:
        """When the window's advice begins (an unbounded start: when it is due)."""
        return self.window.start or self.at


def _from_plan(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """One item per dated action of the plan: its windows (due, then overdue) grouped by key."""
    groups: dict[str, list[_Due]] = {}
    for window in plan_as_of(bundle, policy, now).windows:
        action = window.action
        if window.role == ACTION and window.rule in _MAKERS and action and action.due and action.kind != "move-on":
            due = _Due(window, action, action.due)
            groups.setdefault(_key(bundle, due, policy), []).append(due)
    found = []
    for key, dues in groups.items():
        first = min(dues, key=lambda d: d.moment)
        ends = [d.window.end for d in dues if d.window.end is not None]
        end = max(ends) if len(ends) == len(dues) else None
        if first.window.rule == "thank-you" and first.moment > now:
            continue  # the note for a round still ahead: the round comes first
        item = _MAKERS[first.window.rule](bundle, first, policy)
        if end is not None and end <= now:  # no longer planned: overtaken, or its time ran out
            item = replace(item, retired=end, why=f"no longer needed after {day_words(end)}")
        found.append(replace(item, key=key, how=how_words(first.action)))
    return found


def how_words(action: Action) -> str:
    """'by email to Jane Doe': how the action is done, as far as the rules say."""
    return " ".join(
        part
        for part in (f"by {action.channel}" if action.channel else "", f"to {action.person}" if action.person else "")
        if part
    )


def _key(bundle: CardBundle, due: _Due, policy: Policy) -> str:
    if due.window.rule == "thank-you":  # which round: R = the deadline less the hours allowed
        held = due.at - timedelta(hours=policy.thank_you_hours)
        return f"thank-you-r{_round_of(bundle, held)}"
    return ACTION_KEYS[due.window.rule]


def _round_of(bundle: CardBundle, at: datetime) -> int:
    card = bundle.card
    return card.round + 1 if at == next_round(card) else card.round


def _line(due: _Due) -> str:
    """The reason line with dates, not times from now: the same whenever the calendar shows it."""
    return dated(due.window.text, due.window.anchor, due.moment)


def _thank_you(bundle: CardBundle, due: _Due, policy: Policy) -> Item:
    return Item(
        "",
        note_word(_round_of(bundle, due.at - timedelta(hours=policy.thank_you_hours))),
        due.at - DEADLINE,
        due.at,
        _line(due),
        due.action.template,
        alarms=(
            (DEADLINE - timedelta(hours=4), "thank-you note due in 4 hours"),
            (timedelta(0), "thank-you note due in 30 minutes"),
        ),
    )


def note_word(number: int) -> str:
    return "Thank-you note" if number == 1 else f"Round {number} thank-you note"


def _day_item(what: str, day: date, due: _Due) -> Item:
    return Item(
        "", what, day, day + timedelta(days=1), _line(due), due.action.template, alarms=((MORNING, what.lower()),)
    )


def _instructed(bundle: CardBundle, due: _Due, policy: Policy) -> Item:
    day = bundle.card.follow_up_on
    assert day is not None, "the rule dates a follow-up by the day they asked for"
    return _day_item(follow_up_word(bundle.card), day, due)


def follow_up_word(card: Card) -> str:
    """'Follow up by phone' when they said how, else 'Follow up'."""
    return "Follow up" + (BY_CHANNEL[card.follow_up_via] if card.follow_up_via else "")


def _decision(bundle: CardBundle, due: _Due, policy: Policy) -> Item:
    return _day_item("Check in (decision date passed)", local_date(due.at), due)


def _stay_in_touch(bundle: CardBundle, due: _Due, policy: Policy) -> Item:
    return _day_item("Stay in touch", local_date(due.at), due)


def _offer(bundle: CardBundle, due: _Due, policy: Policy) -> Item:
    day = bundle.card.decision_by
    assert day is not None, "the rule dates the offer's answer by their decision date"
    return _day_item("Answer the offer", day, due)


def _gracious(bundle: CardBundle, due: _Due, policy: Policy) -> Item:
    return Item(
        "",
        "Gracious reply",
        due.at - DEADLINE,
        due.at,
        _line(due),
        due.action.template,
        alarms=((-timedelta(days=1), "last day for a gracious reply"),),
    )


_MAKERS = {
    "thank-you": _thank_you,
    "instructed": _instructed,
    "decision-passed": _decision,
    "stay-in-touch": _stay_in_touch,
    "offer": _offer,
    "gracious-reply": _gracious,
}
ACTION_KEYS = {  # the rules whose action an item carries, and the key it keeps while it is that action
    "instructed": "follow-up",
    "decision-passed": "decision",
    "stay-in-touch": "check-in",
    "offer": "offer",
    "gracious-reply": "gracious-reply",
}


# --- interviews -----------------------------------------------------------------------------------


def _rounds(bundle: CardBundle, policy: Policy, now: datetime) -> list[Item]:
    """Interviews ahead, or held less than GRACE ago (they happened: not cancelled, just past).
    The first round shows only when the card was added before it."""
    card, found = bundle.card, []
    if card.interview_at > card.created_at and card.interview_at > now - GRACE:
        found.append(_interview(card.round, card.interview_at, policy))
    at, left = card.next_round_at, card.stage_entered_at
    if at is not None and at > card.interview_at:  # a next round, dated
        item = _interview(card.round + 1, at, policy)
        if next_round(card) is not None or at <= left:  # still ahead, or it had happened when the card moved on
            found += [item] if at > now - GRACE else []
        else:
            why = f"the round is off (the card left Next round {day_words(left)})"
            found.append(replace(item, retired=left, why=why))
    return found


def _interview(number: int, at: datetime, policy: Policy) -> Item:
    what = "Interview" if number == 1 else f"Round {number} interview"
    days = policy.prep_warn_days
    return Item(
        f"round-{number}",
        what,
        at,
        at + INTERVIEW,
        what.lower(),
        alarms=(
            (-timedelta(days=days), f"{what.lower()} in {days} days: time to prep"),
            (-timedelta(hours=1), f"{what.lower()} in 1 hour"),
        ),
        busy=True,
    )


def day_words(moment: datetime) -> str:
    """'Nov 27', local: words that stay the same whenever the file is written."""
    return short_date(moment, moment)


# --- closed cards ---------------------------------------------------------------------------------


def _closed(bundle: CardBundle, closed_at: datetime, policy: Policy, now: datetime) -> list[Item]:
    """What the card had when it was closed, cancelled as of then (a closed card takes no contacts,
    so its log ends there); an interview already held stays as it was."""
    if closed_at <= now - GRACE:
        return []
    # as `reopen` would restore it: a withdrawal undone, an offer or a rejection kept
    outcome = Outcome.OPEN if bundle.card.outcome == Outcome.WITHDRAWN else bundle.card.outcome
    reopened = CardBundle(
        replace(bundle.card, closed_at=None, outcome=outcome), bundle.contacts, bundle.people, bundle.prep
    )
    found = []
    for item in items(reopened, policy, min(now, closed_at)):
        if item.retired is None and not (item.busy and item.start <= closed_at):
            item = replace(item, retired=closed_at, why=f"card closed {day_words(closed_at)}")
        found.append(item)
    return [item for item in found if (item.retired or item.start) > now - GRACE]
