"""The follow-up advice, as one pure module (SPEC §3).

Every rule compares *now* only against fixed instants (a deadline, a date's
start, the last contact plus the minimum gap), so each rule is written as the
time windows in which its flag applies: `windows(bundle, policy)` needs no
clock. `assess(bundle, policy, now)` picks the windows that contain now.

That split is what keeps `followup status` fast: the Store saves each card's
windows when the card changes, and status asks SQLite which windows contain
now instead of re-reading every contact (see rulecache.py). The board, `list`
and `show` call `assess`; nothing else derives a flag.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .clock import day_end, day_start, short_date, span
from .config import Policy
from .model import Card, CardBundle, Contact, Kind, OUTBOUND, Relation, Stage
from .reasons import days_words as _days_words, literal, render
from .words import DUE, FLAG_WORDS, NO_REPLY, OVERDUE, SEVERITY, TOO_FREQUENT

__all__ = ["Assessment", "FLAG_WORDS", "Plan", "SEVERITY", "Window", "assess", "evaluate", "plan", "plan_as_of",
           "too_soon", "via_text"]
_ACTIVE_STAGES = (Stage.WAITING, Stage.NEXT_ROUND)


@dataclass(frozen=True)
class Window:
    """`flag` applies while start <= now < end (None: unbounded).

    `text` is the reason, a template with at most one placeholder measured
    against `anchor` when shown (see reasons.py).
    """

    flag: str
    start: datetime | None
    end: datetime | None
    text: str
    anchor: datetime | None = None
    rule: str = ""  # which rule made it ("thank-you", "stay-in-touch", ...): the calendar feed picks by it

    def contains(self, now: datetime) -> bool:
        return (self.start is None or self.start <= now) and (self.end is None or now < self.end)


@dataclass(frozen=True)
class Assessment:
    flags: tuple[str, ...]  # distinct, most severe first
    reasons: tuple[str, ...]  # one per rule that fired, most severe first
    next_contact_ok: datetime
    reason_flags: tuple[str, ...] = ()  # the flag each reason gave, in the same order

    @property
    def top(self) -> str | None:
        return self.flags[0] if self.flags else None

    @property
    def rank(self) -> int:
        """Sort key: lower is more urgent; cards without flags last."""
        return SEVERITY.index(self.top) if self.top else len(SEVERITY)


@dataclass(frozen=True)
class Plan:
    """Everything about a card's flags that does not depend on now."""

    windows: tuple[Window, ...]
    next_ok_base: datetime | None  # next_contact_ok = max(now, this)


def assess(bundle: CardBundle, policy: Policy, now: datetime) -> Assessment:
    return evaluate(plan_as_of(bundle, policy, now), now)


def plan_as_of(bundle: CardBundle, policy: Policy, now: datetime) -> Plan:
    """The plan as it stands at `now`: contacts dated after now are ignored (so a past --now shows the
    board as it was)."""
    past = [c for c in bundle.contacts if c.at <= now]
    current = bundle if len(past) == len(bundle.contacts) else CardBundle(bundle.card, past, bundle.people, bundle.prep)
    return plan(current, policy)


def evaluate(card_plan: Plan, now: datetime) -> Assessment:
    hits = sorted((w for w in card_plan.windows if w.contains(now)), key=lambda w: SEVERITY.index(w.flag))
    base = card_plan.next_ok_base
    return Assessment(
        flags=tuple(dict.fromkeys(w.flag for w in hits)),
        reasons=tuple(render(w.text, w.anchor, now) for w in hits),
        next_contact_ok=now if base is None or base < now else base,
        reason_flags=tuple(w.flag for w in hits),
    )


def plan(bundle: CardBundle, policy: Policy) -> Plan:
    """The card's windows, valid for any now at or after its latest contact."""
    f = _Facts.of(bundle, policy)
    windows = () if bundle.card.closed else tuple(
        replace(w, rule=name) for name, rule in _RULES.items() for w in rule(f))
    return Plan(windows, f.next_ok_base())


@dataclass(frozen=True)
class _Facts:
    bundle: CardBundle
    contacts: list[Contact]  # oldest first
    outbound: list[Contact]
    policy: Policy

    @classmethod
    def of(cls, bundle: CardBundle, policy: Policy) -> "_Facts":
        contacts = sorted(bundle.contacts, key=lambda c: c.at)
        return cls(bundle, contacts, [c for c in contacts if c.kind in OUTBOUND], policy)

    @property
    def card(self) -> Card:
        return self.bundle.card

    @property
    def min_gap(self) -> timedelta:
        if self.card.stage == Stage.STAY_IN_TOUCH:
            return timedelta(days=self.policy.stay_in_touch_min_days)
        return timedelta(days=self.policy.min_days_between_contacts)

    def outbound_since(self, moment: datetime) -> list[Contact]:
        return [c for c in self.outbound if c.at >= moment]

    def next_ok_base(self) -> datetime | None:
        """The latest of L + min gap and the start of follow_up_on (SPEC §3 next_contact_ok)."""
        candidates = []
        if self.outbound:
            candidates.append(self.outbound[-1].at + self.min_gap)
        if self.card.follow_up_on is not None:
            candidates.append(day_start(self.card.follow_up_on))
        return max(candidates, default=None)


# --- the rules: each yields the windows in which its flag applies -----------------------


def _thank_you(f: _Facts):
    """1. A thank-you within thank_you_hours of the interview, in real elapsed hours."""
    card = f.card
    if card.stage != Stage.THANK_YOU:
        return
    if any(c.kind == Kind.THANK_YOU and c.at >= card.interview_at for c in f.outbound):
        return
    deadline = card.interview_at + timedelta(hours=f.policy.thank_you_hours)
    yield Window(DUE, None, deadline, "send a thank-you within {left}", deadline)
    yield Window(OVERDUE, deadline, None, "thank-you note overdue by {ago}", deadline)


def via_text(card: Card) -> str:
    """' via email' when they said how to follow up, else ''."""
    return f" via {card.follow_up_via}" if card.follow_up_via else ""


def _instructed(f: _Facts):
    """2. The date the interviewer asked to hear from you."""
    card = f.card
    if card.follow_up_on is None or card.stage not in _ACTIVE_STAGES:
        return
    start, end = day_start(card.follow_up_on), day_end(card.follow_up_on)
    if f.outbound_since(start):
        return
    yield Window(DUE, start, end, f"they asked to hear from you today{via_text(card)}")
    yield Window(OVERDUE, end, None, f"they asked to hear from you on {{on}}{via_text(card)}", start)


def _too_soon(f: _Facts):
    """3a. Two outbound contacts closer than the minimum gap: hold off."""
    if len(f.outbound) < 2:
        return
    latest, previous = f.outbound[-1].at, f.outbound[-2].at
    if latest - previous >= f.min_gap:
        return
    until = latest + f.min_gap
    burst = [c for c in f.outbound if c.at > latest - f.min_gap]
    text = f"contacted {len(burst)}× in {_days_words(latest - burst[0].at)}; hold off until {{on}}"
    yield Window(TOO_FREQUENT, None, until, text, until)


def _waited_for_instruction(f: _Facts):
    """3b. Contacting (other than the thank-you) before the date they asked for."""
    card = f.card
    if card.follow_up_on is None:
        return
    start = day_start(card.follow_up_on)
    if any(c.kind != Kind.THANK_YOU and card.interview_at < c.at < start for c in f.outbound):
        yield Window(TOO_FREQUENT, None, start, "they asked you to wait until {on}", start)


def _stay_in_touch(f: _Facts):
    """4. In touch again every stay_in_touch_every_days."""
    card = f.card
    if card.stage != Stage.STAY_IN_TOUCH:
        return
    last_contact = f.contacts[-1].at if f.contacts else None
    if last_contact is not None and last_contact >= card.stage_entered_at:
        anchor, text = last_contact, "last contact {days} days ago — time to check in"
    else:
        anchor, text = card.stage_entered_at, "in touch list for {days} days — time to check in"
    # "more than N days": the window opens just after the Nth day
    opens = anchor + timedelta(days=f.policy.stay_in_touch_every_days, microseconds=1)
    yield Window(DUE, opens, None, text, anchor)


def _decision_passed(f: _Facts):
    """5. The decision date has passed and a check-in would not be too soon."""
    card = f.card
    if card.decision_by is None or card.stage != Stage.WAITING:
        return
    end = day_end(card.decision_by)
    if f.outbound_since(end):
        return
    opens = max(filter(None, (end, f.next_ok_base())))
    yield Window(DUE, opens, None, "they expected to decide by {on}; a polite check-in is fine",
                 day_start(card.decision_by))


def _next_round(f: _Facts):
    """6. Prep before the next round; log it and thank them after."""
    card = f.card
    if card.stage != Stage.NEXT_ROUND or card.next_round_at is None:
        return
    upcoming, at = card.round + 1, card.next_round_at
    prep = f.bundle.prep
    done = sum(item.done for item in prep)
    if not prep or done < len(prep):
        warn_from = at - timedelta(days=f.policy.prep_warn_days)
        yield Window(DUE, warn_from, at, f"round {upcoming} in {{left_days}}; prep {done}/{len(prep)}", at)
    late = at + timedelta(hours=f.policy.thank_you_hours)
    yield Window(DUE, at, late, f"round {upcoming} was {{ago}} ago — log it and send a thank-you", at)
    yield Window(OVERDUE, late, None, f"round {upcoming} was {{on}} — log it and send a thank-you", at)


def _no_reply(f: _Facts):
    """7. Too many messages since their last word: consider moving on."""
    card = f.card
    if card.stage not in _ACTIVE_STAGES:
        return
    since = max([card.interview_at, *(c.at for c in f.contacts if c.inbound)])
    unanswered = [c for c in f.outbound if c.kind != Kind.THANK_YOU and c.at > since]
    if len(unanswered) >= f.policy.unanswered_limit:
        yield Window(NO_REPLY, None, None, f"{len(unanswered)} messages without reply — consider moving on")


def _network(f: _Facts):
    """8. Someone in your network could recommend you."""
    if f.card.stage != Stage.WAITING:
        return
    asked = {c.person_id for c in f.contacts if c.kind == Kind.REFERRAL_ASK}
    for person in f.bundle.people:
        if person.relation == Relation.NETWORK and person.id not in asked:
            yield Window(DUE, None, None, f"ask {literal(person.name)} for a recommendation")


_RULES = {"thank-you": _thank_you, "instructed": _instructed, "too-soon": _too_soon,
          "waited-for-instruction": _waited_for_instruction, "stay-in-touch": _stay_in_touch,
          "decision-passed": _decision_passed, "next-round": _next_round, "no-reply": _no_reply,
          "network": _network}


def too_soon(bundle: CardBundle, kind: Kind, at: datetime, policy: Policy) -> str | None:
    """Why an outbound contact of `kind` at `at` would be too frequent, or None.

    Used before logging: the CLI warns, the board asks first.
    """
    if kind not in OUTBOUND or bundle.card.closed:
        return None
    f = _Facts.of(CardBundle(bundle.card, [c for c in bundle.contacts if c.at <= at]), policy)
    if f.outbound and at - f.outbound[-1].at < f.min_gap:
        last = f.outbound[-1].at
        return (f"too soon: last contact was {span(at - last)} before this one; "
                f"the minimum gap is {_days_words(f.min_gap)}, so wait until {short_date(last + f.min_gap, at)}")
    card = f.card
    if (kind != Kind.THANK_YOU and card.follow_up_on is not None
            and card.interview_at < at < day_start(card.follow_up_on)):
        return f"too soon: they asked you to wait until {short_date(card.follow_up_on, at)}"
    return None
