"""The to-dos and events a sync writes, without a server: read back with icalendar against RFC 5545's
rules (required properties, value types, alarms), and what is compared from one sync to the next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from followup_tui.domain.config import CalDav, Config
from followup_tui.integrations.calsync import ical, items
from followup_tui.storage.store import Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def bundles(fu, db_path, *lines: tuple[str, ...]) -> list:
    for line in lines:
        result = fu(*line)
        assert result.code == 0, result.err
    with Store.open_readonly(db_path) as store:
        return store.bundles(include_closed=True)


def parsed(body: bytes):
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0" and "followup-tui" in str(calendar["PRODID"])
    (component,) = [c for c in calendar.subcomponents if c.name in ("VTODO", "VEVENT")]
    return component


def test_a_to_do_keeps_rfc_5545s_rules(fu, db_path):
    (bundle,) = bundles(
        fu,
        db_path,
        ("add", "Acme; Inc, \\ Co", "--role", "SRE", "--at", "2026-11-26 08:00", "--interviewer", "Jane Doe"),
    )
    item = items.next_todo(bundle, Config(), NOW)
    body = ical.build(item, 3, NOW)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded (§3.1), CRLF
    todo = parsed(body)
    assert todo.name == "VTODO"
    assert str(todo["UID"]) == f"{bundle.card.uid}-todo-thank-you-r1@followup-tui"
    assert todo.decoded("DTSTAMP") == NOW and todo["DTSTAMP"].to_ical().endswith(b"Z")  # UTC (§3.8.7.2)
    assert isinstance(todo.decoded("DUE"), datetime) and todo["DUE"].to_ical().endswith(b"Z")
    assert todo.decoded("DUE") == datetime(2026, 11, 27, 8, tzinfo=UTC)
    assert "DTSTART" not in todo  # no start: DUE alone is fine for a to-do (§3.6.2)
    assert int(todo["SEQUENCE"]) == 3 and int(todo["PRIORITY"]) == 5
    assert str(todo["SUMMARY"]) == "Thank-you note: Acme; Inc, \\ Co — SRE"  # escaped on the way, whole after
    for alarm in todo.walk("VALARM"):
        assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])  # DISPLAY needs DESCRIPTION
        assert alarm["TRIGGER"].params.get("VALUE") == "DATE-TIME"  # an absolute trigger says so (§3.8.6.3)
        assert isinstance(alarm.decoded("TRIGGER"), datetime)


def test_a_ticked_to_do_has_its_completion_time_and_no_reminders(fu, db_path):
    (bundle,) = bundles(fu, db_path, ("add", "Acme", "--at", "2026-11-26 08:00"))
    item = items.next_todo(bundle, Config(), NOW)
    done = ical.retire(ical.build(item, 0, NOW), item.uid, items.COMPLETED, NOW - timedelta(hours=1), 1, NOW)
    todo = parsed(done)
    assert str(todo["STATUS"]) == "COMPLETED" and int(todo["PERCENT-COMPLETE"]) == 100
    assert todo.decoded("COMPLETED") == NOW - timedelta(hours=1) and todo["COMPLETED"].to_ical().endswith(b"Z")
    assert list(todo.walk("VALARM")) == []
    assert ical.read(done, item.uid) == ical.Remote(items.COMPLETED, NOW - timedelta(hours=1), item.due, 1)


def test_what_is_compared_leaves_out_the_hour_by_hour_advice(fu, db_path):
    (bundle,) = bundles(fu, db_path, ("add", "Acme", "--at", "2026-11-26 08:00"))
    now, later = items.next_todo(bundle, Config(), NOW), items.next_todo(bundle, Config(), NOW + timedelta(hours=3))
    assert now.advice != later.advice  # "within 22h", then "within 19h"
    assert now.hash == later.hash
    overdue = items.next_todo(bundle, Config(), NOW + timedelta(days=2))
    assert overdue.hash != now.hash and overdue.priority == 1  # overdue is news


def test_the_key_follows_the_action(fu, db_path):
    """A next round that has passed asks for round 2's note; an instructed follow-up keeps its key when
    the day moves; a network ask is per person."""
    (card,) = bundles(
        fu, db_path,
        ("add", "Acme", "--at", "2026-11-10 10:00"),
        ("log", "1", "thank-you", "--at", "2026-11-10 12:00"),
        ("log", "1", "invite", "--round-at", "2026-11-25 15:00", "--at", "2026-11-12 09:00"),
    )  # fmt: skip
    item = items.next_todo(card, Config(), NOW)
    assert item.uid.endswith("-todo-thank-you-r2@followup-tui") and item.summary.startswith("Round 2 thank-you note")
    assert item.logs == "thank-you"


def test_private_says_only_follow_up_action(fu, db_path):
    (bundle,) = bundles(fu, db_path, ("add", "Acme", "--at", "2026-11-26 08:00", "--interviewer", "Jane Doe"))
    item = items.next_todo(bundle, Config(caldav=CalDav(private=True)), NOW)
    todo = parsed(ical.build(item, 0, NOW))
    assert str(todo["SUMMARY"]) == "Follow-up action"
    assert "DESCRIPTION" not in todo
    assert b"Acme" not in todo.to_ical() and b"Jane" not in todo.to_ical()


def test_an_interview_event_has_a_real_duration(fu, db_path):
    (bundle,) = bundles(fu, db_path, ("add", "Acme", "--at", "2026-11-30 15:00"))
    (event,) = items.interviews(bundle, Config(caldav=CalDav(events=True)), NOW)
    vevent = parsed(ical.build(event, 0, NOW))
    assert vevent.name == "VEVENT" and str(vevent["UID"]) == f"{bundle.card.uid}-round-1@followup-tui"
    assert vevent.decoded("DTEND") > vevent.decoded("DTSTART") == datetime(2026, 11, 30, 15, tzinfo=UTC)
    assert {a.decoded("TRIGGER") for a in vevent.walk("VALARM")} == {-timedelta(days=3), -timedelta(hours=1)}


def test_written_onto_the_servers_copy_keeps_what_a_client_added(fu, db_path):
    (bundle,) = bundles(fu, db_path, ("add", "Acme", "--at", "2026-11-26 08:00"))
    item = items.next_todo(bundle, Config(), NOW)
    theirs = parsed(ical.build(item, 0, NOW))
    theirs.add("LOCATION", "the café")
    theirs.add("X-APPLE-SORT-ORDER", "7")
    theirs["SUMMARY"] = "renamed on the phone"
    calendar = Calendar()
    calendar.add("prodid", "-//phone//EN")
    calendar.add("version", "2.0")
    calendar.add_component(theirs)
    ours = parsed(ical.build(item, 1, NOW, calendar.to_ical()))
    assert str(ours["LOCATION"]) == "the café" and str(ours["X-APPLE-SORT-ORDER"]) == "7"
    assert str(ours["SUMMARY"]) == item.summary  # ours to say
    assert len(list(ours.walk("VALARM"))) == 2  # ours, not doubled


def test_a_date_only_due_from_a_client_is_read_as_a_date():
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VTODO\r\nUID:u\r\nDTSTAMP:20261126T100000Z\r\n"
        b"DUE;VALUE=DATE:20261130\r\nSTATUS:NEEDS-ACTION\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    remote = ical.read(body, "u")
    assert remote.when == date(2026, 11, 30) and not remote.completed
    assert ical.read(body, "another") is None and ical.read(b"not a calendar", "u") is None
