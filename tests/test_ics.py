"""The calendar feed (SPEC §5 export --format ics), read back with the icalendar package.

Each card's upcoming and overdue actions are events with a real duration, reminders, a SEQUENCE
and a DESCRIPTION that names the card by company, role and uid; a done action comes back
cancelled for 30 days; UIDs and bytes stay the same while the data does.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

UTC = UTC


def feed(fu, *args) -> bytes:
    result = fu(*args, "export", "--format", "ics")
    assert result.code == 0, result.err
    return result.out.encode()


def events(raw: bytes) -> dict[str, object]:
    """The feed's events by summary (each summary is unique in these scenarios)."""
    found = {str(e["summary"]): e for e in Calendar.from_ical(raw).walk("VEVENT")}
    assert len(found) == len(Calendar.from_ical(raw).walk("VEVENT"))
    return found


def by_uid(raw: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(raw).walk("VEVENT")}


def add(fu, company: str, *args: str) -> str:
    result = fu("add", company, *args)
    assert result.code == 0, result.err
    return result.out.strip()


def log(fu, card: str, kind: str, *args: str) -> None:
    result = fu("log", card, kind, *args)
    assert result.code == 0, result.err


def uid_of(fu, card: str) -> str:
    return json.loads(fu("show", card, "--json").out)["uid"]


def triggers(event) -> list[timedelta]:
    return [alarm.decoded("trigger") for alarm in event.walk("VALARM")]


def search(fu) -> dict[str, str]:
    """Eight cards as of Thu 2026-11-26 10:00 UTC (the tests' now), one for each kind of item."""
    cards = {
        "Acme": add(
            fu,
            "Acme",
            "--role",
            "Backend Engineer",
            "--at",
            "2026-11-26 08:00",
            "--interviewer",
            "Jane Doe <jane@acme.com>",
        )
    }
    cards["Globex"] = add(
        fu,
        "Globex",
        "--at",
        "2026-11-20 10:00",
        "--follow-up-on",
        "2026-12-03",
        "--via",
        "phone",
        "--interviewer",
        "Ana Ruiz",
    )
    log(fu, cards["Globex"], "thank-you", "--at", "2026-11-20 18:00")
    cards["Hooli"] = add(fu, "Hooli", "--at", "2026-11-19 10:00")
    log(fu, cards["Hooli"], "thank-you", "--at", "2026-11-19 18:00")
    log(fu, cards["Hooli"], "invite", "--at", "2026-11-21 09:00", "--round-at", "2026-12-01 15:00")
    cards["Initech"] = add(fu, "Initech", "--at", "2026-11-10 10:00", "--decision-by", "2026-11-20")
    log(fu, cards["Initech"], "thank-you", "--at", "2026-11-10 18:00")
    cards["Umbrella"] = add(fu, "Umbrella", "--at", "2026-06-01 10:00")
    for kind, at in (
        ("thank-you", "2026-06-01 18:00"),
        ("rejection", "2026-06-20 10:00"),
        ("answer", "2026-06-21 10:00"),
    ):
        log(fu, cards["Umbrella"], kind, "--at", at)
    cards["Wonka"] = add(fu, "Wonka", "--at", "2026-11-01 10:00")
    log(fu, cards["Wonka"], "thank-you", "--at", "2026-11-01 18:00")
    log(fu, cards["Wonka"], "offer", "--at", "2026-11-24 10:00", "--decision-by", "2026-12-04")
    cards["Soylent"] = add(fu, "Soylent", "--at", "2026-11-10 10:00")
    log(fu, cards["Soylent"], "thank-you", "--at", "2026-11-10 18:00")
    log(fu, cards["Soylent"], "rejection", "--at", "2026-11-25 09:00")
    cards["Vandelay"] = add(fu, "Vandelay", "--at", "2026-09-01 10:00")  # waits, then moves on: nothing to do
    for kind, at in (
        ("thank-you", "2026-09-01 18:00"),
        ("follow-up", "2026-09-10 10:00"),
        ("follow-up", "2026-09-20 10:00"),
        ("follow-up", "2026-09-30 10:00"),
    ):
        log(fu, cards["Vandelay"], kind, "--at", at)
    return cards


def test_one_event_per_upcoming_or_overdue_action(fu):
    search(fu)
    found = events(feed(fu))
    standing = {
        summary: (e.decoded("dtstart"), e.decoded("dtend"))
        for summary, e in found.items()
        if str(e["status"]) == "CONFIRMED"
    }
    assert standing == {
        "Thank-you note: Acme — Backend Engineer": (
            datetime(2026, 11, 27, 7, 30, tzinfo=UTC),
            datetime(2026, 11, 27, 8, tzinfo=UTC),
        ),
        "Follow up by phone: Globex": (date(2026, 12, 3), date(2026, 12, 4)),
        "Round 2 interview: Hooli": (datetime(2026, 12, 1, 15, tzinfo=UTC), datetime(2026, 12, 1, 16, tzinfo=UTC)),
        "Check in (decision date passed): Initech": (date(2026, 11, 21), date(2026, 11, 22)),
        "Stay in touch: Umbrella": (date(2026, 9, 19), date(2026, 9, 20)),  # 90 days after the answer
        "Answer the offer: Wonka": (date(2026, 12, 4), date(2026, 12, 5)),
        "Gracious reply: Soylent": (datetime(2026, 12, 2, 8, 30, tzinfo=UTC), datetime(2026, 12, 2, 9, tzinfo=UTC)),
        "Stay in touch: Soylent": (date(2027, 2, 23), date(2027, 2, 24)),
    }
    assert not [s for s in found if "Vandelay" in s]  # wait and move-on make no event
    # the notes sent this month come back cancelled (see test_a_done_action_is_cancelled_then_dropped)
    assert {s for s, e in found.items() if str(e["status"]) == "CANCELLED"} == {
        f"Thank-you note: {company}" for company in ("Globex", "Hooli", "Initech", "Wonka", "Soylent")
    }


def test_durations_reminders_and_descriptions(fu):
    cards = search(fu)
    found = events(feed(fu))
    for event in found.values():
        assert event.decoded("dtend") > event.decoded("dtstart")
        assert str(event["transp"]) == ("OPAQUE" if "interview" in str(event["summary"]) else "TRANSPARENT")
    note = found["Thank-you note: Acme — Backend Engineer"]
    assert triggers(note) == [timedelta(hours=-3, minutes=-30), timedelta(0)]  # 4 h before the deadline, and at 07:30
    assert triggers(found["Follow up by phone: Globex"]) == [timedelta(hours=9)]  # 09:00 on the day
    assert triggers(found["Round 2 interview: Hooli"]) == [timedelta(days=-3), timedelta(hours=-1)]  # prep, then go
    uid = uid_of(fu, cards["Acme"])
    assert str(note["description"]).splitlines() == [
        "Acme — Backend Engineer",
        "Next: send a thank-you by Fri Nov 27 08:00",
        "How: by email to Jane Doe",
        f"followup show {uid}  (the card and its #ID)",
        "followup draft ID thank-you",
    ]
    call = str(found["Follow up by phone: Globex"]["description"])
    assert "Next: they asked to hear from you on Thu Dec 3 by phone — call Ana" in call
    assert "followup draft ID follow-up" in call
    assert f"#{cards['Acme']}" not in str(note["description"])  # local ids change on import
    shown = fu("show", uid)  # the description's command works
    assert shown.code == 0 and shown.out.startswith(f"#{cards['Acme']} Acme — Backend Engineer")


def next_lines(raw: bytes) -> dict[str, str]:
    """Each event's 'Next: …' line, by summary."""
    lines = ((s, str(e["description"]).splitlines()) for s, e in events(raw).items())
    return {s: line for s, said in lines for line in said if line.startswith("Next: ")}


def test_an_event_says_the_same_whenever_it_is_seen(fu):
    """QA: a round 2 note read "Next: round 2 was 1m ago — send a thank-you within 23h" all day; events
    name dates, never a time from now, so the next export says the same."""
    search(fu)
    log(
        fu,
        add(fu, "Zeta", "--at", "2026-11-24 08:00"),
        "invite",
        "--at",
        "2026-11-24 09:00",
        "--round-at",
        "2026-11-26 09:00",
    )
    now, later = next_lines(feed(fu)), next_lines(feed(fu, "--now", "2026-11-26 20:00"))
    assert now == later
    assert (
        now["Round 2 thank-you note: Zeta"]
        == "Next: round 2 was Thu Nov 26 09:00 — send a thank-you by Fri Nov 27 09:00"
    )
    assert now["Stay in touch: Umbrella"] == "Next: last contact on Sun Jun 21 — time to check in"  # the answer
    assert now["Check in (decision date passed): Initech"] == (
        "Next: they expected to decide by Nov 20; a polite check-in is fine"
    )
    assert not [line for line in now.values() if " ago" in line or "within" in line or "today" in line]


def test_a_done_action_is_cancelled_then_dropped(fu):
    acme = add(fu, "Acme", "--at", "2026-11-26 08:00")
    before = events(feed(fu))["Thank-you note: Acme"]
    assert str(before["status"]) == "CONFIRMED" and triggers(before)
    assert fu("--now", "2026-11-26 11:30", "log", acme, "thank-you").code == 0
    after = events(feed(fu, "--now", "2026-11-26 11:30"))["Thank-you note: Acme"]
    assert str(after["uid"]) == str(before["uid"]) and str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])
    assert triggers(after) == []  # no reminder for what is done
    assert str(after["description"]).startswith("Cancelled: thank-you sent Nov 26")
    assert (after.decoded("dtstart"), after.decoded("dtend")) == (before.decoded("dtstart"), before.decoded("dtend"))
    still = events(feed(fu, "--now", "2026-12-25 11:00"))
    assert str(still["Thank-you note: Acme"]["status"]) == "CANCELLED"  # a month less a day later
    assert "Thank-you note: Acme" not in events(feed(fu, "--now", "2026-12-26 12:00"))  # 30 days on: gone


def test_a_follow_up_made_cancels_the_day_and_a_new_date_moves_it(fu):
    globex = add(fu, "Globex", "--at", "2026-11-20 10:00", "--follow-up-on", "2026-11-30")
    log(fu, globex, "thank-you", "--at", "2026-11-20 18:00")
    planned = events(feed(fu))["Follow up: Globex"]
    assert fu("--now", "2026-11-27 09:00", "edit", globex, "--follow-up-on", "2026-12-02").code == 0
    moved = events(feed(fu, "--now", "2026-11-27 09:00"))["Follow up: Globex"]
    assert str(moved["uid"]) == str(planned["uid"]) and moved.decoded("dtstart") == date(2026, 12, 2)
    assert int(moved["sequence"]) > int(planned["sequence"]) and str(moved["status"]) == "CONFIRMED"
    assert fu("--now", "2026-12-02 11:00", "log", globex, "follow-up").code == 0
    done = events(feed(fu, "--now", "2026-12-02 11:00"))["Follow up: Globex"]
    assert str(done["uid"]) == str(planned["uid"]) and str(done["status"]) == "CANCELLED"
    assert int(done["sequence"]) > int(moved["sequence"])
    assert str(done["description"]).startswith("Cancelled: followed up Dec 2")


def test_answering_an_offer_or_a_rejection_cancels_its_event(fu):
    wonka = add(fu, "Wonka", "--at", "2026-11-01 10:00")
    log(fu, wonka, "thank-you", "--at", "2026-11-01 18:00")
    log(fu, wonka, "offer", "--at", "2026-11-24 10:00", "--decision-by", "2026-12-04")
    soylent = add(fu, "Soylent", "--at", "2026-11-10 10:00")
    log(fu, soylent, "thank-you", "--at", "2026-11-10 18:00")
    log(fu, soylent, "rejection", "--at", "2026-11-25 09:00")
    before = events(feed(fu))
    for card in (wonka, soylent):
        assert fu("--now", "2026-11-26 12:00", "log", card, "answer").code == 0
    after = events(feed(fu, "--now", "2026-11-26 12:00"))
    for summary in ("Answer the offer: Wonka", "Gracious reply: Soylent"):
        assert str(before[summary]["status"]) == "CONFIRMED" and str(after[summary]["status"]) == "CANCELLED"
        assert str(after[summary]["uid"]) == str(before[summary]["uid"])
        assert str(after[summary]["description"]).startswith("Cancelled: answer logged Nov 26")


def test_a_held_round_stays_and_its_note_follows_a_dropped_round_is_cancelled(fu):
    hooli = add(fu, "Hooli", "--at", "2026-11-19 10:00")
    log(fu, hooli, "thank-you", "--at", "2026-11-19 18:00")
    log(fu, hooli, "invite", "--round-at", "2026-12-01 15:00")
    assert "Round 2 thank-you note: Hooli" not in events(feed(fu))  # not before the round
    held = events(feed(fu, "--now", "2026-12-01 17:00"))
    assert str(held["Round 2 interview: Hooli"]["status"]) == "CONFIRMED"  # it happened: not cancelled
    assert held["Round 2 thank-you note: Hooli"].decoded("dtend") == datetime(2026, 12, 2, 15, tzinfo=UTC)
    globex = add(fu, "Globex", "--at", "2026-11-19 10:00")
    log(fu, globex, "thank-you", "--at", "2026-11-19 18:00")
    log(fu, globex, "invite", "--round-at", "2026-12-03 15:00")
    log(fu, globex, "rejection", "--at", "2026-11-26 09:00")
    dropped = events(feed(fu))["Round 2 interview: Globex"]
    assert str(dropped["status"]) == "CANCELLED" and dropped.decoded("dtstart") == datetime(2026, 12, 3, 15, tzinfo=UTC)


def test_closing_a_card_cancels_its_events(fu):
    wonka = add(fu, "Wonka", "--at", "2026-11-01 10:00")
    log(fu, wonka, "thank-you", "--at", "2026-11-01 18:00")
    log(fu, wonka, "offer", "--at", "2026-11-24 10:00", "--decision-by", "2026-12-04")
    open_ = events(feed(fu))["Answer the offer: Wonka"]
    assert fu("--now", "2026-11-26 12:00", "close", wonka).code == 0
    closed = events(feed(fu, "--now", "2026-11-26 12:00"))["Answer the offer: Wonka"]
    assert str(closed["uid"]) == str(open_["uid"]) and str(closed["status"]) == "CANCELLED"
    assert int(closed["sequence"]) > int(open_["sequence"]) and "card closed Nov 26" in str(closed["description"])
    assert fu("--now", "2026-11-27 12:00", "reopen", wonka).code == 0
    back = events(feed(fu, "--now", "2026-11-27 12:00"))["Answer the offer: Wonka"]
    assert str(back["status"]) == "CONFIRMED" and int(back["sequence"]) > int(closed["sequence"])


def test_same_data_same_bytes_and_uids_survive_export_and_import(fu, tmp_path):
    search(fu)
    first = feed(fu)
    assert feed(fu) == first  # repeated exports of unchanged data
    later = feed(fu, "--now", "2026-11-26 18:00")  # later the same day: same events, same bytes
    assert later == first
    document = tmp_path / "export.json"
    document.write_text(fu("export").out)
    other = tmp_path / "other.db"
    assert fu("--db", other, "add", "Initrode", "--at", "2026-11-25 09:00").code == 0  # the ids move by one
    assert fu("--db", other, "import", document).code == 0
    imported = by_uid(feed(fu, "--db", other))
    ours = by_uid(first)
    assert set(ours) < set(imported)
    assert all(imported[uid].to_ical() == event.to_ical() for uid, event in ours.items())


def test_all_day_dates_stay_put_across_dst(fu, zone):
    zone("America/New_York")  # DST ends on Sunday 2026-11-01 at 02:00: that day lasts 25 hours
    globex = add(fu, "Globex", "--at", "2026-10-30 10:00", "--follow-up-on", "2026-11-01", "--via", "email")
    log(fu, globex, "thank-you", "--at", "2026-10-30 15:00")
    add(fu, "Acme", "--at", "2026-10-31 10:00")  # EDT: 14:00 UTC
    before = events(feed(fu, "--now", "2026-10-31 12:00"))
    late = events(feed(fu, "--now", "2026-11-01 23:30"))  # still that day in New York (04:30 UTC on the 2nd)
    day = before["Follow up by email: Globex"]
    assert (day.decoded("dtstart"), day.decoded("dtend")) == (date(2026, 11, 1), date(2026, 11, 2))
    assert late["Follow up by email: Globex"].to_ical() == day.to_ical()
    assert "they asked to hear from you on Sun Nov 1 by email" in str(day["description"])
    deadline = before["Thank-you note: Acme"].decoded("dtend")
    assert deadline == datetime(2026, 11, 1, 14, tzinfo=UTC)  # 24 real hours: 09:00 EST


def test_user_text_is_escaped_and_lines_are_folded(fu):
    company = "Smith, Jones; & Sons\\Ltd — Zürich 🙂 " + "long name " * 8
    add(fu, company, "--role", "Eng\nineer", "--at", "2026-11-26 08:00")
    raw = feed(fu)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    raw.decode("utf-8")  # folding never splits a character
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["summary"]) == f"Thank-you note: {company} — Eng\\x0aineer"
    assert str(event["description"]).splitlines()[0] == f"{company} — Eng\\x0aineer"


def test_an_exported_event_never_just_vanishes(seeded, tmp_path):
    """Whatever happens next on 150 realistic cards (notes sent, follow-ups made, offers answered,
    invites, rejections, rounds called off, cards closed), every event of the earlier export is
    still in the next one, cancelled if it is done: a calendar that keeps events sees them go."""
    import shutil

    from followup_tui.domain.config import Policy
    from followup_tui.domain.model import Kind, Stage
    from followup_tui.domain.rules import assess
    from followup_tui.exchange.ics import calendar
    from followup_tui.storage.store import Store

    path = tmp_path / "f.db"
    shutil.copy(seeded, path)
    policy, at = Policy(), datetime(2026, 11, 26, 10, tzinfo=UTC)
    answers = {
        "thank-you": Kind.THANK_YOU,
        "follow-up": Kind.FOLLOW_UP,
        "check-in": Kind.CHECK_IN,
        "offer": Kind.ANSWER,
        "gracious-reply": Kind.ANSWER,
    }
    others = [Kind.REPLY, Kind.INVITE, Kind.REJECTION, Kind.OFFER, None, Kind.REFERRAL_ASK]
    with Store.open(path, policy) as store:
        exported = by_uid(calendar(store.bundles(include_closed=True), policy, at))
        for step in range(2):
            at += timedelta(hours=1)
            for bundle in store.bundles():
                card, action = bundle.card, assess(bundle, policy, at).action
                kind = answers.get(action.kind) or others[(card.id + step) % len(others)]
                if card.stage == Stage.NEXT_ROUND and card.id % 2:
                    store.move(card.id, Stage.WAITING, at)  # the round is off, or was held without a note
                elif kind is None:
                    store.close_card(card.id, at)
                else:
                    store.log_contact(card.id, kind, at, at, round_at=at + timedelta(days=2))
            now_exported = by_uid(calendar(store.bundles(include_closed=True), policy, at))
            assert set(exported) <= set(now_exported)
            changed = [uid for uid, event in exported.items() if event.to_ical() != now_exported[uid].to_ical()]
            assert all(int(now_exported[uid]["sequence"]) > int(exported[uid]["sequence"]) for uid in changed)
            cancelled = {uid for uid, e in now_exported.items() if str(e["status"]) == "CANCELLED"}
            assert cancelled <= set(exported)  # nothing cancels what was never there
            assert len(changed) > 50 and len(cancelled) > 50
            exported = now_exported


def test_an_imported_uid_cannot_inject_calendar_lines(fu, tmp_path):
    add(fu, "Acme", "--at", "2026-11-26 08:00")
    document = json.loads(fu("export").out)
    document["cards"][0]["uid"] = "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT;x,y"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(document))
    other = tmp_path / "other.db"
    assert fu("--db", other, "import", path).code == 0
    (event,) = Calendar.from_ical(feed(fu, "--db", other)).walk("VEVENT")  # still one event
    assert str(event["uid"]) == "Evil\\x0d\\x0aEND:VEVENT\\x0d\\x0aBEGIN:VEVENT;x,y-thank-you-r1@followup-tui"
    assert fu("--db", other, "show", "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT;x,y").code == 0
