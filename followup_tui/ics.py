"""A calendar of upcoming and overdue actions, as iCalendar (SPEC §5 export --format ics).

One event per action: the thank-you deadline, the follow-up date the
interviewer asked for, the next round, the stay-in-touch date. Each UID is
made from the card's uid, the action and the round, so importing the file
again into a calendar updates the events instead of duplicating them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from .clock import local_date
from .config import Policy
from .history import next_round
from .model import CardBundle
from .present import Assessed
from .rules import DUE, OVERDUE, plan_as_of, via_text
from .textsafe import safe


def calendar(rows: list[Assessed], policy: Policy, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//followup-tui//interview follow-ups//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Interview follow-ups")
    for row in rows:
        if not row.card.closed:
            for event in events(row.bundle, policy, now):
                cal.add_component(event)
    return cal.to_ical()


def events(bundle: CardBundle, policy: Policy, now: datetime) -> list[Event]:
    """The card's dated actions; when they fall is the rules' business (rules.plan), not this module's."""
    card = bundle.card
    title = safe(card.company) + (f" ({safe(card.role)})" if card.role else "")
    windows = {}
    for window in plan_as_of(bundle, policy, now).windows:
        if window.rule == "thank-you" and window.action.due - timedelta(hours=policy.thank_you_hours) > now:
            continue  # the thank-you for a round still ahead: that round's own event comes first
        windows[(window.rule, window.flag)] = window
    found = []
    deadline = windows.get(("thank-you", OVERDUE))
    if deadline:
        found.append(_at(bundle, f"thank-you-r{card.round}", f"Thank-you note: {title}", deadline.start, timedelta(0)))
    if windows.get(("instructed", DUE)) or windows.get(("instructed", OVERDUE)):  # the date they asked for
        found.append(_day(bundle, f"follow-up-r{card.round}", f"Follow up{via_text(card)}: {title}", card.follow_up_on))
    later = next_round(card)
    if later is not None and later > now:
        found.append(_at(bundle, f"round-{card.round + 1}", f"Round {card.round + 1}: {title}", later,
                         timedelta(hours=1)))
    check_in = windows.get(("stay-in-touch", DUE))
    if check_in:
        found.append(_day(bundle, f"stay-in-touch-{check_in.anchor:%Y%m%d}", f"Check in: {title}",
                          local_date(check_in.start)))
    return found


def _event(bundle: CardBundle, action: str, summary: str) -> Event:
    event = Event()
    event.add("uid", f"{bundle.card.uid}-{action}@followup-tui")
    event.add("summary", summary)
    event.add("description", f"followup show {bundle.card.id}")
    event.add("dtstamp", bundle.card.updated_at)
    return event


def _at(bundle: CardBundle, action: str, summary: str, start: datetime, length: timedelta) -> Event:
    event = _event(bundle, action, summary)
    event.add("dtstart", start)
    event.add("dtend", start + length)
    return event


def _day(bundle: CardBundle, action: str, summary: str, day: date) -> Event:
    event = _event(bundle, action, summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    return event
