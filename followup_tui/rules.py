"""The follow-up advice as one pure function (SPEC §3).

`assess(bundle, policy, now)` gives a card's flags (distinct, most severe
first), one human reason per rule that fired, and `next_contact_ok`. The
board, `status`, `list` and `show` all call it; nothing else derives a flag.
No I/O, no clock: `now` is an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .clock import day_end, day_start, days, short_date, span
from .config import Policy
from .model import Card, CardBundle, Contact, Kind, Relation, Stage

OVERDUE, TOO_FREQUENT, DUE, NO_REPLY = "overdue", "too-frequent", "due", "no-reply"
SEVERITY = (OVERDUE, TOO_FREQUENT, DUE, NO_REPLY)
FLAG_WORDS = {OVERDUE: "OVERDUE", TOO_FREQUENT: "TOO SOON", DUE: "DUE", NO_REPLY: "NO REPLY"}
_ACTIVE_STAGES = (Stage.WAITING, Stage.NEXT_ROUND)


@dataclass(frozen=True)
class Assessment:
    flags: tuple[str, ...]
    reasons: tuple[str, ...]
    next_contact_ok: datetime
    reason_flags: tuple[str, ...] = ()  # the flag each reason gave, in the same order

    @property
    def top(self) -> str | None:
        return self.flags[0] if self.flags else None

    @property
    def rank(self) -> int:
        """Sort key: lower is more urgent; cards without flags last."""
        return SEVERITY.index(self.top) if self.top else len(SEVERITY)


@dataclass
class _Facts:
    """What the rules need to know about one card, as of now."""

    bundle: CardBundle
    past: list[Contact]  # contacts at or before now, oldest first
    outbound: list[Contact]
    policy: Policy
    now: datetime
    next_ok: datetime | None = None

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


def _facts(bundle: CardBundle, policy: Policy, now: datetime) -> _Facts:
    # Contacts dated after now are ignored, so a past --now shows the board as it was.
    past = sorted((c for c in bundle.contacts if c.at <= now), key=lambda c: c.at)
    f = _Facts(bundle, past, [c for c in past if c.outbound], policy, now)
    f.next_ok = _next_contact_ok(f)
    return f


def _next_contact_ok(f: _Facts) -> datetime:
    """The earliest time a new outbound contact would not be too frequent."""
    candidates = [f.now]
    if f.outbound:
        candidates.append(f.outbound[-1].at + f.min_gap)
    if f.card.follow_up_on is not None:
        candidates.append(day_start(f.card.follow_up_on))
    return max(candidates)


def assess(bundle: CardBundle, policy: Policy, now: datetime) -> Assessment:
    f = _facts(bundle, policy, now)
    if bundle.card.closed:
        return Assessment((), (), f.next_ok)
    found = [hit for rule in _RULES for hit in rule(f)]
    found.sort(key=lambda hit: SEVERITY.index(hit[0]))  # stable: rule order within a flag
    flags = tuple(dict.fromkeys(flag for flag, _ in found))
    return Assessment(flags, tuple(reason for _, reason in found), f.next_ok,
                      tuple(flag for flag, _ in found))


# --- the rules: each yields (flag, reason) pairs ----------------------------------


def _thank_you(f: _Facts):
    card = f.card
    if card.stage != Stage.THANK_YOU:
        return
    if any(c.kind == Kind.THANK_YOU and c.at >= card.interview_at for c in f.outbound):
        return
    deadline = card.interview_at + timedelta(hours=f.policy.thank_you_hours)
    if f.now < deadline:
        yield DUE, f"send a thank-you within {span(deadline - f.now)}"
    else:
        yield OVERDUE, f"thank-you note overdue by {span(f.now - deadline)}"


def _via(card: Card) -> str:
    return f" via {card.follow_up_via}" if card.follow_up_via else ""


def _instructed(f: _Facts):
    card = f.card
    if card.follow_up_on is None or card.stage not in _ACTIVE_STAGES:
        return
    start, end = day_start(card.follow_up_on), day_end(card.follow_up_on)
    if f.now < start or f.outbound_since(start):
        return
    if f.now < end:
        yield DUE, f"they asked to hear from you today{_via(card)}"
    else:
        yield OVERDUE, f"they asked to hear from you on {short_date(card.follow_up_on, f.now)}{_via(card)}"


def _too_soon(f: _Facts):
    if len(f.outbound) < 2:
        return
    latest, previous = f.outbound[-1].at, f.outbound[-2].at
    until = latest + f.min_gap
    if latest - previous < f.min_gap and f.now < until:
        burst = [c for c in f.outbound if c.at > latest - f.min_gap]
        yield TOO_FREQUENT, (f"contacted {len(burst)}× in {_days_words(latest - burst[0].at)}; "
                             f"hold off until {short_date(until, f.now)}")


def _days_words(delta: timedelta) -> str:
    whole = days(delta)
    if whole < 1:
        return f"{max(1, int(delta.total_seconds() // 3600))}h"
    return f"{whole} day" if whole == 1 else f"{whole} days"


def _waited_for_instruction(f: _Facts):
    """Contacting before the date the interviewer asked for is too soon."""
    card = f.card
    if card.follow_up_on is None:
        return
    start = day_start(card.follow_up_on)
    if f.now >= start:
        return
    early = [c for c in f.outbound if c.kind != Kind.THANK_YOU and card.interview_at < c.at < start]
    if early:
        yield TOO_FREQUENT, f"they asked you to wait until {short_date(card.follow_up_on, f.now)}"


def _stay_in_touch(f: _Facts):
    card = f.card
    if card.stage != Stage.STAY_IN_TOUCH:
        return
    last_contact = f.past[-1].at if f.past else None
    anchor = max(filter(None, (last_contact, card.stage_entered_at)))
    if f.now - anchor > timedelta(days=f.policy.stay_in_touch_every_days):
        if last_contact is not None and last_contact >= card.stage_entered_at:
            yield DUE, f"last contact {days(f.now - anchor)} days ago — time to check in"
        else:
            yield DUE, f"in touch list for {days(f.now - anchor)} days — time to check in"


def _decision_passed(f: _Facts):
    card = f.card
    if card.decision_by is None or card.stage != Stage.WAITING:
        return
    end = day_end(card.decision_by)
    if f.now >= end and not f.outbound_since(end) and f.now >= f.next_ok:
        yield DUE, (f"they expected to decide by {short_date(card.decision_by, f.now)}; "
                    "a polite check-in is fine")


def _next_round(f: _Facts):
    card = f.card
    if card.stage != Stage.NEXT_ROUND or card.next_round_at is None:
        return
    upcoming, at = card.round + 1, card.next_round_at
    if at > f.now:
        yield from _prep_warning(f, upcoming, at)
    elif f.now - at < timedelta(hours=f.policy.thank_you_hours):
        yield DUE, f"round {upcoming} was {span(f.now - at)} ago — log it and send a thank-you"
    else:
        yield OVERDUE, f"round {upcoming} was {short_date(at, f.now)} — log it and send a thank-you"


def _prep_warning(f: _Facts, upcoming: int, at: datetime):
    if at - f.now > timedelta(days=f.policy.prep_warn_days):
        return
    prep = f.bundle.prep
    done = sum(item.done for item in prep)
    if not prep or done < len(prep):
        yield DUE, f"round {upcoming} in {_days_words(at - f.now)}; prep {done}/{len(prep)}"


def _no_reply(f: _Facts):
    card = f.card
    if card.stage not in _ACTIVE_STAGES:
        return
    inbound = [c.at for c in f.past if c.inbound]
    since = max([card.interview_at, *inbound])
    unanswered = [c for c in f.outbound if c.kind != Kind.THANK_YOU and c.at > since]
    if len(unanswered) >= f.policy.unanswered_limit:
        yield NO_REPLY, f"{len(unanswered)} messages without reply — consider moving on"


def _network(f: _Facts):
    if f.card.stage != Stage.WAITING:
        return
    asked = {c.person_id for c in f.past if c.kind == Kind.REFERRAL_ASK}
    for person in f.bundle.people:
        if person.relation == Relation.NETWORK and person.id not in asked:
            yield DUE, f"ask {person.name} for a recommendation"


_RULES = (_thank_you, _instructed, _too_soon, _waited_for_instruction, _stay_in_touch,
          _decision_passed, _next_round, _no_reply, _network)


def too_soon(bundle: CardBundle, kind: Kind, at: datetime, policy: Policy) -> str | None:
    """Why an outbound contact of `kind` at `at` would be too frequent, or None.

    Used before logging: the CLI warns, the board asks first.
    """
    if kind not in (Kind.THANK_YOU, Kind.FOLLOW_UP, Kind.CHECK_IN) or bundle.card.closed:
        return None
    f = _facts(bundle, policy, at)
    if f.outbound and at - f.outbound[-1].at < f.min_gap:
        last = f.outbound[-1].at
        return (f"too soon: last contact was {span(at - last)} before this one; "
                f"the minimum gap is {_days_words(f.min_gap)}, so wait until {short_date(last + f.min_gap, at)}")
    card = f.card
    if (kind != Kind.THANK_YOU and card.follow_up_on is not None
            and card.interview_at < at < day_start(card.follow_up_on)):
        return f"too soon: they asked you to wait until {short_date(card.follow_up_on, at)}"
    return None
