"""What the calendar should hold: each open card's next action as a to-do (VTODO) and, with
`events = true`, its interviews as events (VEVENT).

The to-do is the rules' next action (`evaluate(plan_as_of(…))`, which is `rules.assess` keeping
the plan to read which rule spoke): its kind, DUE, channel, person and template; nothing here
works a date out again. Waiting and moving on make no to-do (there is nothing to do by a date),
nor does a settled offer. Interviews come from the calendar export's agenda (agenda.py), as
`followup export --format ics` writes them, with the same UIDs.

**UIDs** are the card's uid and the action's key, which stays the same while the action does
(`…-todo-thank-you-r2@followup-tui`, `…-todo-follow-up@…`, `…-todo-check-in@…`): a follow-up
date that moves updates its to-do rather than adding one.

**What is compared** (`Item.hash`) is what the item says, without the moment it was written:
the advice as the board words it ("send a thank-you within 5h") changes by the hour, so it goes
into the DESCRIPTION with the time it was true, and is not compared; a sync with nothing changed
writes nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ...domain import agenda, drafts, spans
from ...domain.clock import short_datetime
from ...domain.config import Config
from ...domain.history import next_round
from ...domain.model import CardBundle
from ...domain.rules import NextAction, Plan, evaluate, plan_as_of, segments
from ...domain.textsafe import safe, safe_block, safe_title
from ...exchange import ics

TODO, EVENT = "VTODO", "VEVENT"
NEEDS_ACTION, COMPLETED, CANCELLED, CONFIRMED = "NEEDS-ACTION", "COMPLETED", "CANCELLED", "CONFIRMED"
CATEGORY = "followup"
PRODID = "-//followup-tui//interview follow-ups//EN"
PRIVATE = "Follow-up action"  # all a private to-do says
REMIND_THANK_YOU = timedelta(hours=4)


@dataclass(frozen=True)
class Alarm:
    """A reminder: at an instant (to-dos) or at an offset from the start (events)."""

    at: datetime | timedelta
    text: str


@dataclass(frozen=True)
class Item:
    """One calendar item as it should be."""

    uid: str
    card_uid: str
    card_id: int
    component: str
    what: str  # 'Thank-you note', 'Round 2 interview': what the report calls it
    summary: str
    description: str  # without the advice's line (below)
    status: str
    due: datetime | None = None  # a to-do's
    start: datetime | date | None = None  # an event's
    end: datetime | date | None = None
    priority: int = 0
    alarms: tuple[Alarm, ...] = ()
    busy: bool = False
    logs: str | None = None  # the contact kind that doing it logs (none for prep)
    channel: str | None = None
    person: str | None = None
    advice: str = field(default="", compare=False)  # 'Now: send a thank-you within 5h (as of Nov 26 10:00)'

    @property
    def hash(self) -> str:
        """What the item says, as compared from one sync to the next (not its advice line)."""
        said = (self.component, self.summary, self.description, self.status, self.due, self.start, self.end)
        said_too = (self.priority, self.alarms, self.busy)
        return hashlib.sha256(repr(said + said_too).encode("utf-8")).hexdigest()[:32]

    @property
    def name(self) -> str:
        """The file name on the server: the UID in characters every server takes."""
        return file_name(self.uid)

    @property
    def when(self) -> datetime | date | None:
        """The date the rules set: DUE (a to-do), DTSTART (an event)."""
        return self.due if self.component == TODO else self.start


def file_name(uid: str) -> str:
    base = uid.split("@")[0]
    plain = re.sub(r"[^A-Za-z0-9_.-]", "-", base)[:120]
    if plain != base:  # an imported uid of other characters: keep names apart
        plain += "-" + hashlib.sha256(base.encode("utf-8")).hexdigest()[:12]
    return plain + ".ics"


def wanted(bundles: list[CardBundle], config: Config, now: datetime) -> list[Item]:
    """Every item the calendar should hold now."""
    found = []
    for bundle in bundles:
        todo = next_todo(bundle, config, now)
        if todo is not None:
            found.append(todo)
        if config.caldav.events:
            found += interviews(bundle, config, now)
    return found


# --- to-dos: the next action ---------------------------------------------------------------------


def next_todo(bundle: CardBundle, config: Config, now: datetime) -> Item | None:
    card = bundle.card
    if card.closed:
        return None
    card_plan = plan_as_of(bundle, config.policy, now)
    action = evaluate(card_plan, now).action  # rules.assess, with the plan kept for `_rule`
    if action is None or not (action.template or action.kind == "prep"):
        return None  # wait, move on, a settled offer: nothing to do by a date
    rule = _rule(card_plan, now)
    key, what = _key_and_words(bundle, action, rule, config)
    private = config.caldav.private
    title = safe_title(card.company, card.role)
    alarms = []
    if action.due is not None:
        if action.kind == "thank-you":
            alarms.append(Alarm(action.due - REMIND_THANK_YOU, f"{what.lower()} due in 4 hours"))
        alarms.append(Alarm(action.due, f"{what.lower()} due now"))
    logs = drafts.SENT_AS[action.template].value if action.template else None
    return Item(
        uid=f"{card.uid}-todo-{key}@followup-tui",
        card_uid=card.uid,
        card_id=card.id,
        component=TODO,
        what=what,
        summary=PRIVATE if private else f"{what}: {title}",
        description="" if private else _todo_description(bundle, action, config, now),
        status=NEEDS_ACTION,
        due=action.due,
        priority=1 if action.overdue else 5,
        alarms=tuple(Alarm(a.at, PRIVATE if private else f"{a.text}: {title}") for a in alarms),
        logs=logs,
        channel=action.channel,
        person=action.person,
        advice="" if private else f"Now: {safe(action.text)} (as of {short_datetime(now, now)})",
    )


def _rule(card_plan: Plan, now: datetime) -> str:
    """Which rule made the action that holds now (rules.py names them)."""
    held = next(s for s in segments(card_plan) if spans.contains((s.start, s.end), now))
    return held.action.rule


def _key_and_words(bundle: CardBundle, action: NextAction, rule: str, config: Config) -> tuple[str, str]:
    card = bundle.card
    if rule == "thank-you" and action.due is not None:  # which round: R = the deadline less the hours allowed
        held = action.due - timedelta(hours=config.policy.thank_you_hours)
        number = card.round + 1 if held == next_round(card) else card.round
        return f"thank-you-r{number}", agenda.note_word(number)
    if rule == "prep":  # the interview ahead: the card's own, or the next round
        number = card.round if action.due == card.interview_at else card.round + 1
        return f"prep-r{number}", "Prep for the interview" if number == 1 else f"Prep for round {number}"
    if rule == "network":
        person = next((p for p in bundle.people if p.name == action.person), None)
        return f"referral-ask-{person.uid if person else 'network'}", f"Ask {safe(action.person)} for a recommendation"
    words = {
        "instructed": agenda.follow_up_word(card),
        "decision-passed": "Check in (decision date passed)",
        "stay-in-touch": "Stay in touch",
        "offer": "Answer the offer",
        "gracious-reply": "Gracious reply",
    }
    return agenda.ACTION_KEYS[rule], words[rule]


def _todo_description(bundle: CardBundle, action: NextAction, config: Config, now: datetime) -> str:
    card = bundle.card
    lines = [safe_title(card.company, card.role)]
    how = agenda.how_words(action)
    if how:
        lines.append(f"How: {safe(how)}")
    lines.append(f"followup show {safe(card.uid)}  (the card and its #ID)")
    if action.template:
        lines += [f"followup draft {card.id} {action.template}", "", _draft(bundle, action.template, config, now)]
    else:  # prep
        done = sum(item.done for item in bundle.prep)
        lines += [f"followup prep {card.id}  (the checklist: {done}/{len(bundle.prep)} done)", ""]
        lines += [f"[{'x' if item.done else ' '}] {safe(item.text)}" for item in bundle.prep]
    return "\n".join(lines).rstrip("\n")


def _draft(bundle: CardBundle, template: str, config: Config, now: datetime) -> str:
    try:
        return safe_block(drafts.render(bundle, template, config, now).text)
    except drafts.DraftError as exc:
        return f"(no draft: {safe(exc)})"


# --- events: interviews ---------------------------------------------------------------------------


def interviews(bundle: CardBundle, config: Config, now: datetime) -> list[Item]:
    """The card's interviews as the calendar export has them: ahead, or held or called off less than
    agenda.GRACE ago (a called-off one cancelled)."""
    card = bundle.card
    private = config.caldav.private
    title = safe_title(card.company, card.role)
    found = []
    for item in agenda.items(bundle, config.policy, now):
        if not item.busy:
            continue
        cancelled = item.retired is not None
        found.append(
            Item(
                uid=f"{card.uid}-{item.key}@followup-tui",  # as ics.py names it
                card_uid=card.uid,
                card_id=card.id,
                component=EVENT,
                what=item.what,
                summary=item.what if private else f"{item.what}: {title}",
                description="" if private else ics.description(bundle, item),
                status=CANCELLED if cancelled else CONFIRMED,
                start=item.start,
                end=item.end,
                alarms=()
                if cancelled
                else tuple(Alarm(o, text if private else f"{text}: {title}") for o, text in item.alarms),
                busy=True,
            )
        )
    return found
