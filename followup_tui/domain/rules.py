"""The follow-up advice, as one pure module (SPEC §3, version 2): one next action per card.

The rules answer, for every open card, "what should I do next, by when, how, and
is anything I did too much?". Every rule compares *now* only against fixed
instants (a deadline, a date's start, the end of a too-soon spell), so a card's
advice is a **plan**: time windows, each saying "from start to end, this is the
next action" or "this warning holds". `plan(bundle, policy)` needs no clock;
`evaluate(plan, now)` picks the windows that contain now.

That split keeps `followup status` fast: the Store saves each card's plan when
the card changes and status asks SQLite which windows contain now (see
rulecache.py). The board, `list`, `show`, `draft` and the calendar all read
the advice from here; nothing else derives a flag.

The next action is the first rule, in SPEC §3.3's order, whose window holds;
`plan` resolves that order once (an earlier rule's window hides the later
ones'), so at any instant exactly one action window holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from operator import attrgetter
from typing import TypeVar

from . import spans
from .clock import day_end, day_start, local_date
from .config import Policy
from .history import (
    EXPECTED,
    INBOUND_ROLE,
    REFERRAL,
    UNSOLICITED_ROLE,
    Entry,
    Log,
    Verdict,
    company_side,
    named_person,
    next_round,
    round_time,
    thank_you_to,
    unthanked,
)
from .model import UNSOLICITED, Card, CardBundle, Channel, Contact, Kind, Outcome, Person, Relation, Stage
from .reasons import WAS_WITHIN, days_words, literal, render
from .words import CALM, DUE, FLAG_WORDS, NO_REPLY, OVERDUE, SEVERITY, TOO_FREQUENT, spoken_list, urgency

__all__ = [
    "Action",
    "Assessment",
    "FLAG_WORDS",
    "NextAction",
    "Plan",
    "SEVERITY",
    "Window",
    "assess",
    "evaluate",
    "offer_extended",
    "plan",
    "plan_as_of",
    "too_soon",
    "via_text",
]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (status runs these rules for stale cards)
if TYPE_CHECKING:
    from typing import TypedDict

    class ActionJson(TypedDict):
        """A next action as `list --json` and `status --json` write it (README)."""

        kind: str
        due: str | None
        overdue: bool
        channel: str | None
        person: str | None
        template: str | None
        text: str


# The minute at a deadline: the action reads as due now (a span says at least '1m', so "overdue by
# 1m" would round the seconds past it up); overdue by a minute once that minute has passed.
DUE_NOW = timedelta(minutes=1)
# What a window is: the next action, or one of the two warnings (in the order reasons list them).
ACTION, TOO_SOON, MOVE_ON = 0, 1, 2
INTERVIEWERS = (Relation.INTERVIEWER, Relation.HIRING_MANAGER, Relation.RECRUITER)


@dataclass(frozen=True)
class Action:
    """A next action's fixed part (SPEC §3.3 JSON, without the text)."""

    kind: str
    due: datetime | None = None
    overdue: bool = False
    channel: str | None = None
    person: str | None = None
    template: str | None = None


@dataclass(frozen=True)
class Window:
    """From start (inclusive) to end (exclusive), None = unbounded: a next action or a warning.

    `text` is the reason line, a template with at most one placeholder measured
    against `anchor` when shown (reasons.py). `next_ok` is next_contact_ok's
    lower bound while an action window holds.
    """

    start: datetime | None
    end: datetime | None
    text: str
    anchor: datetime | None = None
    flag: str | None = None
    role: int = ACTION
    rank: int = 0  # the rule's place in the order (1 offer … 9 wait)
    action: Action | None = None
    next_ok: datetime | None = None
    rule: str = ""  # which rule made it: the calendar picks by it

    def contains(self, now: datetime) -> bool:
        return spans.contains((self.start, self.end), now)


@dataclass(frozen=True)
class NextAction(Action):
    text: str = ""

    def json(self) -> ActionJson:
        return {
            "kind": self.kind,
            "due": _iso(self.due),
            "overdue": self.overdue,
            "channel": self.channel,
            "person": self.person,
            "template": self.template,
            "text": self.text,
        }


@dataclass(frozen=True)
class Assessment:
    flags: tuple[str, ...]  # distinct, most severe first
    reasons: tuple[str, ...]  # the next action's line, then the warnings'
    next_contact_ok: datetime
    reason_flags: tuple[str, ...] = ()  # the flag each reason gave ('' for none), in the same order
    action: NextAction | None = None  # None for a closed card
    rank: int = CALM  # sort key, lower first: the top flag, then the next action's rule (words.urgency)

    @property
    def top(self) -> str | None:
        return self.flags[0] if self.flags else None


@dataclass(frozen=True)
class Plan:
    """Everything about a card's advice that does not depend on now."""

    windows: tuple[Window, ...]


def _iso(moment: datetime | None) -> str | None:
    from .clock import iso

    return iso(moment)


# --- evaluating a plan at now -----------------------------------------------------------------


def assess(bundle: CardBundle, policy: Policy, now: datetime) -> Assessment:
    return evaluate(plan_as_of(bundle, policy, now), now)


def plan_as_of(bundle: CardBundle, policy: Policy, now: datetime) -> Plan:
    """The plan as it stands at `now`: contacts dated after now are ignored (a past --now shows the
    contacts known then, with today's stages)."""
    past = [c for c in bundle.contacts if c.at <= now]
    current = bundle if len(past) == len(bundle.contacts) else CardBundle(bundle.card, past, bundle.people, bundle.prep)
    return plan(current, policy)


def evaluate(card_plan: Plan, now: datetime) -> Assessment:
    found = next((s for s in segments(card_plan) if spans.contains((s.start, s.end), now)), None)
    if found is None:  # a closed card
        return Assessment((), (), now)
    reasons = tuple(render(w.text, w.anchor, now) for w in found.shown)
    base = found.action.next_ok
    return Assessment(
        flags=found.flags,
        reasons=reasons,
        reason_flags=tuple(w.flag or "" for w in found.shown),
        next_contact_ok=now if base is None or base < now else base,
        action=NextAction(**vars(found.next_action), text=reasons[0]),
        rank=found.urgency,
    )


@dataclass(frozen=True)
class Segment:
    """A stretch of time in which the card's advice stays the same: one next action and its warnings."""

    start: datetime | None
    end: datetime | None
    action: Window
    shown: tuple[Window, ...]  # whose reasons are shown: the action's, then the warnings' (no repeats)
    flags: tuple[str, ...]  # distinct, most severe first

    @property
    def urgency(self) -> int:
        """Where the card stands while this segment holds (words.urgency): saved as its plan's sort key."""
        return urgency(SEVERITY.index(self.flags[0]) if self.flags else len(SEVERITY), self.action.rank)

    @property
    def next_action(self) -> Action:
        action = self.action.action
        assert action is not None, "an action window has an action (only warnings have none)"
        return action


def _without_repeats(windows: list[Window]) -> tuple[Window, ...]:
    """Windows whose reasons read the same (move-on and no-reply) are shown once."""
    kept: dict[tuple[str, datetime | None], Window] = {}
    for window in windows:
        kept.setdefault((window.text, window.anchor), window)
    return tuple(kept.values())


_ROLE, _RANK = attrgetter("role"), attrgetter("rank")


def _bounded(windows: Iterable[Window]) -> list[tuple[datetime, datetime, Window]]:
    """(lo, hi, window): the window holds at t when lo <= t < hi (spans.bounds)."""
    return [(*spans.bounds((w.start, w.end)), w) for w in windows]


def segments(card_plan: Plan) -> list[Segment]:
    """The plan cut where any window starts or ends: disjoint, in time order, covering all time
    (none for a closed card). Neighbours that say the same are merged."""
    windows = card_plan.windows
    cuts = sorted({t for w in windows for t in (w.start, w.end) if t is not None})
    # Worked out once, not at every cut: each window's bounds, and the warnings in the order shown
    action_bounds = _bounded(w for w in windows if w.role == ACTION)
    warning_bounds = _bounded(sorted((w for w in windows if w.role != ACTION), key=_ROLE))
    found: list[Segment] = []
    for start, end in zip([None, *cuts], [*cuts, None], strict=False):
        probe = cuts[0] - timedelta(seconds=1) if start is None and cuts else start
        # the first action window and the warnings holding at probe (lo <= probe < hi: Window.contains)
        action = next((w for lo, hi, w in action_bounds if probe is None or lo <= probe < hi), None)
        if action is None:
            continue
        warnings = [w for lo, hi, w in warning_bounds if probe is None or lo <= probe < hi]
        shown = _without_repeats([action, *warnings]) if warnings else (action,)
        if found and found[-1].end == start and (found[-1].action, found[-1].shown) == (action, shown):
            found[-1] = _spanning(found[-1], found[-1].start, end)
        else:
            flags = tuple(sorted({w.flag for w in (action, *warnings) if w.flag}, key=SEVERITY.index))
            found.append(Segment(start, end, action, shown, flags))
    return found


# --- making a plan ----------------------------------------------------------------------------


def plan(bundle: CardBundle, policy: Policy, log: Log | None = None) -> Plan:
    """The card's windows, valid for any now at or after its latest contact. Closed cards have none.
    `log`: the card's Log(bundle, policy) when the caller has one (rulecache reads its verdicts too)."""
    if bundle.card.closed:
        return Plan(())
    facts = _Facts(Log(bundle, policy) if log is None else log, bundle)
    actions, warnings = [], list(facts.too_soon_windows())
    for era in facts.eras():
        actions += era.actions()
        warnings += era.move_on_windows()
    return Plan(tuple(_first_rule_wins(actions)) + tuple(warnings))


_Spanned = TypeVar("_Spanned", "Window", "Segment")


def _spanning(frozen: _Spanned, start: datetime | None, end: datetime | None) -> _Spanned:
    """dataclasses.replace(frozen, start=start, end=end) for a Window or Segment, without its generic
    field-by-field check (an import plans 100,000 cards, with several windows each)."""
    copy = object.__new__(type(frozen))
    copy.__dict__.update(frozen.__dict__, start=start, end=end)
    return copy


def _first_rule_wins(windows: list[Window]) -> list[Window]:
    """Each rule keeps only the time no earlier rule already holds (stable for one rule's own windows)."""
    covered: list[spans.Span] = []
    resolved = []
    for window in sorted(windows, key=_RANK):
        for start, end in spans.subtract((window.start, window.end), covered):
            whole = start is window.start and end is window.end  # no earlier rule cut into it: no copy
            resolved.append(window if whole else _spanning(window, start, end))
        covered = spans.add(covered, (window.start, window.end))
    return resolved


class _Facts:
    """What every rule reads about one card, worked out once."""

    def __init__(self, log: Log, bundle: CardBundle) -> None:
        self.log, self.card, self.bundle, self.policy = log, log.card, bundle, log.policy
        self.entries = log.entries
        self.verdict = self._latest_verdict()
        self.spell_end = self._spell_end()

    def eras(self) -> list[_Era]:
        """The card's life cut where the round time R changes: before the first interview, after it,
        and after a dated next round has passed."""
        card, later = self.card, next_round(self.card)
        eras = [_Era(self, (None, card.interview_at), None), _Era(self, (card.interview_at, later), card.interview_at)]
        if later is not None:
            eras.append(_Era(self, (later, None), later))
        return eras

    def _latest_verdict(self) -> tuple[Entry, Verdict] | None:
        index = self.log.latest_unsolicited()
        if index is None:
            return None
        return self.entries[index], self.log.verdict(index)

    def _spell_end(self) -> datetime | None:
        """When the too-frequent spell of the latest unsolicited contact ends, if it was premature
        (None: no spell): its hold-off end, or an interview after it if that comes first (a new round
        has a clock of its own, §3.2). Their message since ends it too: they wrote back, so the clock
        restarts from them (§3.2), and the app does not go on scolding a nudge they answered."""
        if self.verdict is None or not self.verdict[1].premature:
            return None
        entry, verdict = self.verdict
        if any(e.role == INBOUND_ROLE for e in self.entries[self.entries.index(entry) + 1 :]):
            return None
        rounds = (self.card.interview_at, next_round(self.card))
        return min([verdict.hold_until, *(at for at in rounds if at is not None and at > entry.at)])

    # --- warnings --------------------------------------------------------------------------------

    def too_soon_windows(self) -> Iterator[Window]:
        """too-frequent: the latest unsolicited contact was premature; until its spell ends."""
        if self.verdict is None or self.spell_end is None:
            return
        entry, verdict = self.verdict
        text = too_soon_text(self, entry, verdict)
        yield Window(entry.at, self.spell_end, text, verdict.hold_until, TOO_FREQUENT, TOO_SOON, rule="too-soon")

    def channel_note(self, entry: Entry) -> str:
        """' (they asked for a phone call)' when a follow-up under their instruction used another channel."""
        asked = self.card.follow_up_via
        if asked is None or entry.contact.channel == asked or self.card.follow_up_on is None:
            return ""
        set_at = self.card.follow_up_set_at
        return "" if set_at is not None and entry.at < set_at else f" (they asked for {CHANNEL_ASK[asked]})"

    # --- people and channels ---------------------------------------------------------------------

    def person_of(self, contact: Contact | None, *fallback: Relation) -> Person | None:
        """Who the company's next message goes to: the contact's person (company_side), else the first
        of `fallback` linked."""
        return company_side(self.log.person(contact.person_id) if contact else None) or self.log.first(*fallback)

    def reach(self, person: Person | None) -> str:
        """How to write to someone: email when we have their address (or know nothing better)."""
        if person is not None and not person.email:
            used = [e.contact.channel for e in self.entries if e.contact.person_id == person.id]
            if used:
                return used[-1].value
        return Channel.EMAIL.value

    def latest(self, kind: Kind) -> Contact | None:
        return next((e.contact for e in reversed(self.entries) if e.kind == kind), None)

    def answers(self) -> Iterator[Entry]:
        """Your answers to their messages: an answer, or a follow-up or check-in that is one (about an
        offer you hold, after a new answer-by date too: QA walk 15, F7)."""
        return (e for e in self.entries if e.role == EXPECTED and e.kind != Kind.THANK_YOU)

    def answered_since(self, contact: Contact) -> bool:
        return any(e.at >= contact.at and e.contact is not contact for e in self.answers())

    def answered_after(self, at: datetime | None) -> bool:
        return at is not None and any(e.at > at for e in self.answers())


CHANNEL_ASK = {
    Channel.EMAIL: "an email",
    Channel.PHONE: "a phone call",
    Channel.LINKEDIN: "a LinkedIn message",
    Channel.IN_PERSON: "to meet in person",
    Channel.OTHER: "another channel",
}
BY_CHANNEL = {  # 'follow up' + this: how they asked to hear from you
    Channel.EMAIL: " by email",
    Channel.PHONE: " by phone",
    Channel.LINKEDIN: " on LinkedIn",
    Channel.IN_PERSON: " in person",
    Channel.OTHER: "",
}
_VERB = {
    Channel.EMAIL: "write to",
    Channel.PHONE: "call",
    Channel.LINKEDIN: "message",
    Channel.IN_PERSON: "see",
    Channel.OTHER: "contact",
}


def too_soon_text(facts: _Facts, entry: Entry, verdict: Verdict) -> str:
    """The too-frequent reason (a template measured against the hold-off end)."""
    ok, note, day = verdict.ok, facts.channel_note(entry), facts.card.decision_by
    if ok.why == "follow-up date":
        return "they asked you to wait until {on}" + (note.replace(" (", " (and ", 1) if note else "")
    if ok.why == "decision date" and day is not None:
        return f"they said they would decide by {day:%b} {day.day}; hold off until {{on}}{note}"
    verb = "followed up" if entry.kind == Kind.FOLLOW_UP else "checked in"
    basis = ok.basis
    since = basis.at if basis else round_time(facts.card, entry.at) or facts.card.interview_at
    whose = (
        "the interview"
        if basis is None
        else "their last message"
        if basis.role == INBOUND_ROLE
        else "your last message"
    )
    gap = "right" if entry.at - since < timedelta(minutes=1) else days_words(since, entry.at)  # not '1m': none
    return f"{verb} {gap} after {whose}; hold off until {{on}}{note}"


class _Era:
    """One stretch of time with a fixed round time R: the rules' windows within it."""

    def __init__(self, facts: _Facts, span: spans.Span, round_at: datetime | None) -> None:
        self.f, self.span, self.round_at = facts, span, round_at
        card = facts.card
        # the interview ahead in this era: the card's own before it happens, then a dated next round
        self.upcoming = (
            card.interview_at if round_at is None else next_round(card) if round_at == card.interview_at else None
        )
        self.upcoming_round = card.round if round_at is None else card.round + 1
        self.ok = facts.log.ok(facts.entries, round_at)
        # while the spell holds, next_contact_ok is the hold-off end (§3.3): in the eras it reaches
        spell = facts.spell_end is not None and (span[0] is None or span[0] < facts.spell_end)
        hold = facts.verdict[1].hold_until if spell and facts.verdict else None
        self.next_ok = max(self.ok.at, hold) if hold else self.ok.at
        self.unanswered = self._unanswered()

    def _unanswered(self) -> int:
        inbound = [e.at for e in self.f.entries if e.role == INBOUND_ROLE]
        since = max([*inbound, *([self.round_at] if self.round_at else [])], default=None)
        return sum(1 for e in self.f.entries if e.role == UNSOLICITED_ROLE and (since is None or e.at > since))

    @property
    def moving_on(self) -> bool:
        return self.unanswered >= self.f.policy.unanswered_limit

    def window(
        self,
        start: datetime | None,
        end: datetime | None,
        text: str,
        action: Action,
        flag: str | None = None,
        anchor: datetime | None = None,
        rank: int = 0,
        rule: str = "",
    ) -> Window | None:
        span = spans.clip((start, end), self.span)
        if span is None:
            return None
        return Window(span[0], span[1], text, anchor, flag, ACTION, rank, action, self.next_ok, rule)

    def actions(self) -> list[Window]:
        found: list[Window] = []
        for rank, rule in enumerate(_RULES, 1):
            found += filter(None, rule(self, rank))  # None: a window outside this era
        return found

    def move_on_windows(self) -> Iterator[Window]:
        span = spans.clip((None, None), self.span)
        if self.moving_on and span is not None:
            yield Window(span[0], span[1], self.move_on_text, None, NO_REPLY, MOVE_ON, rule="no-reply")

    @property
    def move_on_text(self) -> str:
        return f"{self.unanswered} messages without reply — consider moving on"

    def move_on(self, start: datetime | None, end: datetime | None, rank: int, rule: str) -> Window | None:
        """What rules 6, 8 and 9 become when too many messages went unanswered."""
        return self.window(start, end, self.move_on_text, Action("move-on"), rank=rank, rule=rule)


# --- the rules, in the order of SPEC §3.3: each yields its windows within one era ------------------


def _offer(era: _Era, rank: int) -> Iterator[Window | None]:
    """1. Respond to an offer (by the date they gave, when the offer came with one)."""
    f = era.f
    if f.card.outcome != Outcome.OFFER:
        return
    offer = f.latest(Kind.OFFER)
    set_at, by = f.card.decision_set_at, f.card.decision_by
    if _answered(f, offer) and not _renewed(f, offer):
        invite = f.latest(Kind.INVITE)
        if offer is not None and invite is not None and invite.at > offer.at:
            return  # a new round since: its thank-you and prep come first, not the settled offer (QA walk 15)
        yield era.window(
            None,
            None,
            f"close the card when it is settled (followup close {f.card.id})",
            Action("offer"),
            rank=rank,
            rule="offer",
        )
        return
    who = f.person_of(offer, Relation.RECRUITER, Relation.HIRING_MANAGER, *INTERVIEWERS)
    base = Action(
        "offer",
        channel=offer.channel.value if offer else f.reach(who),
        person=who.name if who else None,
        template="offer-reply",
    )
    if by is None or (offer is not None and set_at is not None and set_at < offer.at):
        yield era.window(None, None, "respond to the offer", base, DUE, rank=rank, rule="offer")
        return
    end = day_end(by)
    yield era.window(
        None, end, "respond to the offer by {on}", replace(base, due=end), DUE, day_start(by), rank, "offer"
    )
    yield era.window(
        end,
        None,
        "respond to the offer — they wanted an answer by {on}",
        replace(base, due=end, overdue=True),
        OVERDUE,
        day_start(by),
        rank,
        "offer",
    )


def _invited_after(f: _Facts, r: datetime, deadline: datetime) -> bool:
    """The invite to the next round came after this round's thank-you was due: the note is not asked
    for any more (the card had gone on, or came in from a tracker, in Waiting: QA found an invite on
    such a card asking for a note 23 days overdue). One that came first still leaves it asked for."""
    invites = [e.at for e in f.entries if e.kind == Kind.INVITE and e.at >= r]
    return bool(invites) and min(invites) > deadline


def _answered(f: _Facts, offer: Contact | None) -> bool:
    """You answered the offer: since it was logged; any answer for an offer the log does not hold (a
    card imported as "Offer": QA found it asked "respond to the offer" for ever)."""
    if offer is not None:
        return f.answered_since(offer)
    return any(e.role == EXPECTED and e.kind == Kind.ANSWER for e in f.entries)


def _renewed(f: _Facts, offer: Contact | None) -> bool:
    """A new date for the offer's answer given since you answered it (an extension they granted, or
    one you set: your answer was not the decision yet), and no answer since: rule 1 asks again."""
    set_at = f.card.decision_set_at
    since_offer = set_at is not None and (offer is None or set_at > offer.at)
    return f.card.decision_by is not None and since_offer and not f.answered_after(set_at)


def offer_extended(bundle: CardBundle, policy: Policy) -> bool:
    """They granted more time to answer their offer: after your answer, a message of theirs gave a new
    answer-by date (`log ID reply --decision-by`), not answered yet (a draft thanks them for it)."""
    card = bundle.card
    if card.outcome != Outcome.OFFER or card.closed:
        return False
    f = _Facts(Log(bundle, policy), bundle)
    offer = f.latest(Kind.OFFER)
    granted = any(e.role == INBOUND_ROLE and e.at == card.decision_set_at for e in f.entries)
    return offer is not None and granted and f.answered_since(offer) and _renewed(f, offer)


def _thank_you(era: _Era, rank: int) -> Iterator[Window | None]:
    """2. A thank-you within thank_you_hours of the round (real elapsed hours)."""
    f, r = era.f, era.round_at
    if r is None or f.card.stage not in (Stage.THANK_YOU, Stage.NEXT_ROUND):
        return
    if any(e.kind == Kind.THANK_YOU and e.at >= r for e in f.entries):
        return
    deadline = r + timedelta(hours=f.policy.thank_you_hours)
    later = r == next_round(f.card)  # a later round, not started yet: say which, and when it was
    if not later and f.card.stage == Stage.NEXT_ROUND and _invited_after(f, r, deadline):
        return
    over = f"round {f.card.round + 1} is over — " if later else ""
    who = thank_you_to(f.bundle, f.card.round + 1 if later else f.card.round)
    base = Action("thank-you", deadline, channel=f.reach(who), person=who.name if who else None, template="thank-you")
    if later:  # "round 2 was 2h ago — send a thank-you within 22h" (SPEC §3.3 rule 2)
        text = f"round {f.card.round + 1} was {{{WAS_WITHIN}{int((deadline - r).total_seconds())}}}"
        yield era.window(r, deadline, text, base, DUE, r, rank, "thank-you")
        now_text = f"round {f.card.round + 1} was {{ago}} ago — send a thank-you now"
        yield era.window(deadline, deadline + DUE_NOW, now_text, base, DUE, r, rank, "thank-you")
    else:
        yield era.window(r, deadline, "send a thank-you within {left}", base, DUE, deadline, rank, "thank-you")
        yield era.window(deadline, deadline + DUE_NOW, "send a thank-you now", base, DUE, deadline, rank, "thank-you")
    yield era.window(  # overdue once a whole minute has passed: never "overdue by 1m" at the deadline itself
        deadline + DUE_NOW,
        None,
        over + "thank-you note overdue by {ago}",
        replace(base, overdue=True),
        OVERDUE,
        deadline,
        rank,
        "thank-you",
    )


def _prep(era: _Era, rank: int) -> Iterator[Window | None]:
    """3. Prep before an upcoming interview (no items counts as unfinished)."""
    f, at = era.f, era.upcoming
    if at is None:
        return
    done, total = sum(item.done for item in f.bundle.prep), len(f.bundle.prep)
    if total and done == total:
        return
    which = "interview" if era.upcoming_round == 1 else f"round {era.upcoming_round}"
    progress = f"prep {done}/{total}" if total else f"no prep list yet (followup prep {f.card.id} --add …)"
    yield era.window(
        day_start(local_date(at) - timedelta(days=f.policy.prep_warn_days)),  # by the calendar, as its line counts
        at,
        f"{which} in {{left_days}}; {progress}",
        Action("prep", due=at),
        DUE,
        at,
        rank,
        "prep",
    )


def _gracious_reply(era: _Era, rank: int) -> Iterator[Window | None]:
    """4. Answer a rejection graciously, for a few days after it."""
    f = era.f
    if f.card.outcome != Outcome.REJECTED:  # first: most cards are not, and need not look for one
        return
    rejection = f.latest(Kind.REJECTION)
    if rejection is None or f.answered_since(rejection):
        return
    until = rejection.at + timedelta(days=f.policy.gracious_reply_days)
    who = f.person_of(rejection, Relation.RECRUITER, Relation.HIRING_MANAGER, *INTERVIEWERS)
    action = Action(
        "gracious-reply", until, False, rejection.channel.value, who.name if who else None, "gracious-reply"
    )
    yield era.window(
        rejection.at, until, "a gracious reply keeps the door open", action, DUE, rank=rank, rule="gracious-reply"
    )


def _instructed(era: _Era, rank: int) -> Iterator[Window | None]:
    """5. The day they asked to hear from you, by the channel they asked for."""
    f = era.f
    card = f.card
    if card.outcome != Outcome.OPEN or card.follow_up_on is None or not f.log.follow_up_open(f.entries):
        return
    start, end = day_start(card.follow_up_on), day_end(card.follow_up_on)
    channel = card.channel
    carrier = next((e.contact for e in f.entries if e.role == INBOUND_ROLE and e.at == card.follow_up_set_at), None)
    who = f.person_of(carrier, Relation.HIRING_MANAGER, Relation.INTERVIEWER)
    how = BY_CHANNEL[channel] if card.follow_up_via else ""
    to = f" — {_VERB[channel]} {literal(who.name.split()[0])}" if who and who.name.split() else ""
    base = Action("follow-up", end, channel=channel.value, person=who.name if who else None, template="follow-up")
    yield era.window(start, end, f"they asked to hear from you today{how}{to}", base, DUE, rank=rank, rule="instructed")
    yield era.window(
        end,
        None,
        f"they asked to hear from you on {{on}}{how}{to}",
        replace(base, overdue=True),
        OVERDUE,
        start,
        rank,
        "instructed",
    )


def _decision_passed(era: _Era, rank: int) -> Iterator[Window | None]:
    """6. Their decision date has passed and nothing was heard: a polite check-in."""
    f = era.f
    card, by = f.card, f.card.decision_by
    if by is None or card.outcome != Outcome.OPEN or card.stage != Stage.WAITING:
        return
    if any(e.role != REFERRAL and e.at >= day_start(by) for e in f.entries):
        return
    opens = max(day_end(by), era.next_ok)
    if era.moving_on:
        yield era.move_on(opens, None, rank, "decision-passed")
        return
    who = f.log.first(Relation.HIRING_MANAGER, Relation.RECRUITER, Relation.INTERVIEWER)
    action = Action("follow-up", opens, False, card.channel.value, who.name if who else None, "follow-up")
    yield era.window(
        opens,
        None,
        "they expected to decide by {on}; a polite check-in is fine",
        action,
        DUE,
        day_start(by),
        rank,
        "decision-passed",
    )


def _network(era: _Era, rank: int) -> Iterator[Window | None]:
    """7. Someone in your network could recommend you."""
    f = era.f
    if f.card.stage not in (Stage.WAITING, Stage.NEXT_ROUND) or f.card.outcome != Outcome.OPEN:
        return
    network = [p for p in f.log.people if p.relation == Relation.NETWORK]
    if not network:  # most cards: no need to look for referral asks
        return
    # their reply answers an ask, logged or not ("I pinged Priya": QA walk 15, F9)
    asked = {e.contact.person_id for e in f.entries if e.kind in (Kind.REFERRAL_ASK, Kind.REPLY)}
    who = next((p for p in network if p.id not in asked), None)
    if who is not None:
        action = Action("referral-ask", None, False, f.reach(who), who.name, "referral-ask")
        yield era.window(
            None, None, f"ask {literal(who.name)} for a recommendation", action, DUE, rank=rank, rule="network"
        )


def _stay_in_touch(era: _Era, rank: int) -> Iterator[Window | None]:
    """8. In touch again every stay_in_touch_every_days."""
    f = era.f
    if f.card.stage != Stage.STAY_IN_TOUCH or f.card.outcome == Outcome.OFFER:
        return
    since, opens, text, last = check_in_due(f)
    if era.moving_on:
        yield era.move_on(opens, None, rank, "stay-in-touch")
        return
    who = f.person_of(last, Relation.HIRING_MANAGER, *INTERVIEWERS)
    action = Action("check-in", opens, False, f.reach(who), who.name if who else None, "check-in")
    yield era.window(opens, None, text, action, DUE, since, rank, "stay-in-touch")


def check_in_due(f: _Facts) -> tuple[datetime, datetime, str, Contact | None]:
    """(the time it counts from, when a check-in becomes due, its reason, the latest contact) in stay-in-touch."""
    last = next((e.contact for e in reversed(f.entries) if e.role != REFERRAL), None)
    entered = f.card.stage_entered_at
    if last is not None and last.at >= entered:
        since, text = last.at, "last contact {days} days ago — time to check in"
    else:
        since, text = entered, "in touch list for {days} days — time to check in"
    # "more than N days": due from the second after the Nth day (times are stored to the second),
    # counted in local days (a clock change between does not make it an hour late or early)
    into_day = since - day_start(local_date(since))
    due = day_start(local_date(since) + timedelta(days=f.policy.stay_in_touch_every_days)) + into_day
    return since, due + timedelta(seconds=1), text, last


def _wait(era: _Era, rank: int) -> Iterator[Window | None]:
    """9. Nothing to do now: say when something will be."""
    f = era.f
    card = f.card
    if era.upcoming is not None:
        which = "interview" if era.upcoming_round == 1 else f"round {era.upcoming_round}"
        yield era.window(
            None, era.upcoming, f"{which} in {{left_d}}", Action("wait"), anchor=era.upcoming, rank=rank, rule="wait"
        )
        return
    if era.moving_on:
        yield era.move_on(None, None, rank, "wait")
        return
    if card.stage == Stage.NEXT_ROUND and card.next_round_at is None:
        text = f"round {card.round + 1}: date not set yet (followup edit {card.id} --round-at WHEN)"
        yield era.window(None, None, text, Action("wait"), rank=rank, rule="wait")
        return
    note = f.channel_note(f.verdict[0]) if f.verdict and not f.verdict[1].premature else ""
    panel = unthanked(f.bundle)  # a panel's other notes: not a flag (rule 2 holds once one is sent), a word
    left = f"; no thank-you yet to {literal(spoken_list([p.name for p in panel]))}" if panel else ""
    yield era.window(
        None,
        era.next_ok,
        "next contact from {on}" + note + left,
        Action("wait"),
        anchor=era.next_ok,
        rank=rank,
        rule="wait",
    )
    if card.stage == Stage.STAY_IN_TOUCH:
        due = check_in_due(f)[1]
        after = ("next check-in due {on_at}", due)  # "more than N days": at the time of day it was
    else:  # the panel's notes still owed once a follow-up may go too (QA: the reminder went at that date)
        after = ("waiting {ago}" + left, card.stage_entered_at)
    yield era.window(era.next_ok, None, after[0] + note, Action("wait"), anchor=after[1], rank=rank, rule="wait")


_RULES = (_offer, _thank_you, _prep, _gracious_reply, _instructed, _decision_passed, _network, _stay_in_touch, _wait)


# --- before logging ---------------------------------------------------------------------------------


def too_soon(
    bundle: CardBundle,
    kind: Kind,
    at: datetime,
    policy: Policy,
    channel: Channel | None = None,
    person: str | None = None,
) -> str | None:
    """Why a contact of `kind` at `at` with `person` (as typed) would be premature, or None (SPEC
    §3.3 too-frequent).

    Used before logging: the CLI warns, the board asks first. Only an unsolicited
    contact can be premature; one that answers an offer or a rejection never is, nor one with a
    friend in your network (judged as the log will judge it: QA walk 15).
    """
    if kind not in UNSOLICITED or bundle.card.closed:
        return None
    earlier = [c for c in bundle.contacts if c.at <= at]
    new = Contact(
        max((c.id for c in bundle.contacts), default=0) + 1,
        "",
        bundle.card.id,
        at,
        kind,
        channel or bundle.card.channel,
        named.id if (named := named_person(bundle, person)) else None,
    )
    facts = _Facts(Log(CardBundle(bundle.card, [*earlier, new], bundle.people, bundle.prep), policy), bundle)
    if facts.verdict is None or facts.verdict[0].contact is not new or not facts.verdict[1].premature:
        return None
    entry, verdict = facts.verdict
    return "too soon: " + render(too_soon_text(facts, entry, verdict), verdict.hold_until, at)


def via_text(card: Card) -> str:
    """' via email' when they said how to follow up, else ''."""
    return f" via {card.follow_up_via}" if card.follow_up_via else ""
