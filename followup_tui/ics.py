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
from .model import CardBundle, Kind, Stage
from .present import Assessed, last_contact
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
    card = bundle.card
    title = safe(card.company) + (f" ({safe(card.role)})" if card.role else "")
    found = []
    thanked = any(c.kind == Kind.THANK_YOU and c.at >= card.interview_at for c in bundle.contacts)
    if card.stage == Stage.THANK_YOU and not thanked:
        deadline = card.interview_at + timedelta(hours=policy.thank_you_hours)
        found.append(_at(bundle, f"thank-you-r{card.round}", f"Thank-you note: {title}", deadline, timedelta(0)))
    if card.follow_up_on and card.stage in (Stage.WAITING, Stage.NEXT_ROUND):
        via = f" via {card.follow_up_via}" if card.follow_up_via else ""
        found.append(_day(bundle, f"follow-up-r{card.round}", f"Follow up{via}: {title}", card.follow_up_on))
    if card.stage == Stage.NEXT_ROUND and card.next_round_at:
        found.append(_at(bundle, f"round-{card.round + 1}", f"Round {card.round + 1}: {title}",
                         card.next_round_at, timedelta(hours=1)))
    if card.stage == Stage.STAY_IN_TOUCH:
        since = max(filter(None, (last_contact(bundle, now), card.stage_entered_at)))
        due = local_date(since + timedelta(days=policy.stay_in_touch_every_days))
        found.append(_day(bundle, f"stay-in-touch-{since:%Y%m%d}", f"Check in: {title}", due))
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
