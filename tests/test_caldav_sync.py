"""`followup sync` against a real Radicale server (tests/caldav_fixtures.py), both ways.

Each test has a calendar of its own on the module's server; what the server holds is read back
with the caldav client, what the database holds with SQL; the counting proxy says which requests
a sync sent.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime, timedelta

from caldav_fixtures import configure, proxy  # noqa: F401  (a fixture)

ACME_AT = datetime(2026, 11, 26, 8, tzinfo=UTC)  # two hours before the tests' now


def cards(fu) -> dict[str, str]:
    """Three cards with something to do, one without, as of Thu 2026-11-26 10:00 UTC."""
    ids = {}
    ids["acme"] = run(
        fu,
        "add",
        "Acme",
        "--role",
        "Backend Engineer",
        "--at",
        "2026-11-26 08:00",
        "--interviewer",
        "Jane Doe <jane@acme.com>",
    )
    ids["contoso"] = run(
        fu, "add", "Contoso", "--role", "SRE", "--at", "2026-11-20 14:00", "--interviewer", "Ana Silva",
        "--follow-up-on", "2026-11-26", "--via", "phone",
    )  # fmt: skip
    run(fu, "log", ids["contoso"], "thank-you", "--at", "2026-11-20 18:00")
    ids["fabrikam"] = run(fu, "add", "Fabrikam", "--at", "2026-11-24 09:00")  # its thank-you is overdue
    ids["litware"] = run(fu, "add", "Litware", "--at", "2026-11-20 09:00")
    run(fu, "log", ids["litware"], "thank-you", "--at", "2026-11-20 12:00")  # waiting: nothing to do
    return ids


def run(fu, *args: str) -> str:
    result = fu(*args)
    assert result.code == 0, result.err
    return result.out.strip()


def uid_of(fu, card: str) -> str:
    return json.loads(run(fu, "show", card, "--json"))["uid"]


def calendar_of(radicale, name: str):
    principal = radicale.client().principal()
    return next(c for c in principal.calendars() if c.get_display_name() == name)


def server_items(radicale, name: str) -> dict[str, object]:
    """The calendar's items by UID, as icalendar components."""
    found = {}
    for item in calendar_of(radicale, name).get_objects_by_sync_token(None, load_objects=True):
        if item.data:
            for component in item.icalendar_instance.walk():
                if component.name in ("VTODO", "VEVENT"):
                    found[str(component["UID"])] = component
    return found


def rows(db_path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def sync(fu, *args: str):
    result = fu(*args, "sync")
    assert result.code == 0, result.err
    return result.out


def edit_on_server(radicale, name: str, uid: str, change) -> None:
    """Change one item on the server as a phone would: read it, change it, save it."""
    for item in calendar_of(radicale, name).get_objects_by_sync_token(None, load_objects=True):
        if item.data and uid in item.data:
            component = next(c for c in item.icalendar_instance.walk() if str(c.get("UID", "")) == uid)
            change(component)
            item.save(increase_seqno=False)
            return
    raise AssertionError(f"no {uid} on the server")


# --- out to the calendar -------------------------------------------------------------------------------


def test_first_sync_puts_each_next_action_on_the_calendar_as_a_to_do(fu, tmp_path, radicale, db_path):
    name = configure(tmp_path, radicale.url)
    ids = cards(fu)
    out = sync(fu)
    assert "3 created" in out
    found = server_items(radicale, name)
    acme = found[f"{uid_of(fu, ids['acme'])}-todo-thank-you-r1@followup-tui"]
    assert acme.name == "VTODO"
    assert str(acme["SUMMARY"]) == "Thank-you note: Acme — Backend Engineer"
    assert acme.decoded("DUE") == ACME_AT + timedelta(hours=24)  # the rules' deadline
    assert int(acme["PRIORITY"]) == 5
    assert str(acme["STATUS"]) == "NEEDS-ACTION"
    assert [str(c) for c in acme["CATEGORIES"].cats] == ["followup"]
    assert sorted(a.decoded("TRIGGER") for a in acme.walk("VALARM")) == [
        ACME_AT + timedelta(hours=20),
        ACME_AT + timedelta(hours=24),
    ]  # 4 h before the deadline, and at it
    description = str(acme["DESCRIPTION"])
    assert "Next" not in description.splitlines()[0]
    assert "Now: send a thank-you within 22h" in description  # the reason, as of the sync
    assert f"followup draft {ids['acme']} thank-you" in description
    assert "Hi Jane," in description and "Backend Engineer role at Acme" in description  # the draft itself

    contoso = found[f"{uid_of(fu, ids['contoso'])}-todo-follow-up@followup-tui"]
    assert str(contoso["SUMMARY"]) == "Follow up by phone: Contoso — SRE"
    assert contoso.decoded("DUE") == datetime(2026, 11, 27, tzinfo=UTC)  # the end of the day they asked for
    assert "How: by phone to Ana Silva" in str(contoso["DESCRIPTION"])
    assert len(list(contoso.walk("VALARM"))) == 1

    fabrikam = found[f"{uid_of(fu, ids['fabrikam'])}-todo-thank-you-r1@followup-tui"]
    assert int(fabrikam["PRIORITY"]) == 1  # overdue
    assert len(found) == 3  # Litware waits: nothing to do

    assert sorted(r[0] for r in rows(db_path, "SELECT status FROM caldav_items")) == ["NEEDS-ACTION"] * 3
    assert rows(db_path, "SELECT count(*) FROM caldav_items WHERE etag IS NULL") == [(0,)]


def test_a_second_sync_with_nothing_changed_writes_nothing(fu, tmp_path, proxy, db_path):  # noqa: F811
    configure(tmp_path, proxy.url)
    cards(fu)
    sync(fu)
    assert len([s for s in proxy.writes() if s.method == "PUT"]) == 3
    assert all(s.condition == {"If-None-Match": "*"} for s in proxy.writes() if s.method == "PUT")
    before = rows(db_path, "SELECT * FROM caldav_items ORDER BY uid")
    version = rows(db_path, "PRAGMA data_version")
    proxy.clear()

    out = sync(fu, "--now", "2026-11-26 10:30")  # half an hour on: the advice reads "21h", the items are the same
    assert "0 created · 0 updated · 0 completed · 0 cancelled · 0 deleted · 3 unchanged" in out
    assert proxy.writes() == []
    assert len(proxy.seen) <= 4  # the log-in, the calendar, the listing
    assert rows(db_path, "SELECT * FROM caldav_items ORDER BY uid") == before
    assert rows(db_path, "PRAGMA data_version") == version


def test_a_changed_action_is_updated_with_if_match(fu, tmp_path, radicale, proxy):  # noqa: F811
    name = configure(tmp_path, proxy.url)
    ids = cards(fu)
    sync(fu)
    uid = f"{uid_of(fu, ids['contoso'])}-todo-follow-up@followup-tui"
    etag = next(s for s in proxy.seen if s.method == "PUT" and "follow-up" in s.path)
    assert etag.status == 201
    proxy.clear()
    # they call: now they want to hear on Friday, by email (a new instruction with a reply)
    run(
        fu, "log", ids["contoso"], "reply", "--via", "email", "--follow-up-on", "2026-11-26", "--follow-up-via", "email"
    )
    out = sync(fu)
    assert "1 updated" in out
    puts = [s for s in proxy.writes() if s.method == "PUT"]
    assert len(puts) == 1 and "follow-up" in puts[0].path
    assert puts[0].condition.get("If-Match", "").startswith('"') and puts[0].status == 204
    item = server_items(radicale, name)[uid]
    assert str(item["SUMMARY"]) == "Follow up by email: Contoso — SRE"
    assert int(item["SEQUENCE"]) == 1


def test_done_and_dropped_to_dos_are_ticked_or_struck_then_deleted(fu, tmp_path, radicale, db_path):
    name = configure(tmp_path, radicale.url)
    ids = cards(fu)
    sync(fu)
    acme = f"{uid_of(fu, ids['acme'])}-todo-thank-you-r1@followup-tui"
    fabrikam = f"{uid_of(fu, ids['fabrikam'])}-todo-thank-you-r1@followup-tui"
    run(fu, "log", ids["acme"], "thank-you", "--at", "2026-11-26 09:30")  # done
    run(fu, "close", ids["fabrikam"], "--outcome", "withdrawn")  # dropped
    out = sync(fu)
    assert "1 completed · 1 cancelled" in out
    found = server_items(radicale, name)
    assert str(found[acme]["STATUS"]) == "COMPLETED"
    assert found[acme].decoded("COMPLETED") == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)  # when it was sent
    assert int(found[acme]["PERCENT-COMPLETE"]) == 100
    assert list(found[acme].walk("VALARM")) == []  # no reminder of done work
    assert str(found[fabrikam]["STATUS"]) == "CANCELLED"

    out = sync(fu, "--now", "2026-12-02 10:00")  # six days on: still there
    assert {acme, fabrikam} <= set(server_items(radicale, name))
    out = sync(fu, "--now", "2026-12-03 10:01")  # a week on: gone
    assert "2 deleted" in out
    assert not {acme, fabrikam} & set(server_items(radicale, name))
    assert rows(db_path, "SELECT count(*) FROM caldav_items WHERE uid IN (?, ?)", acme, fabrikam) == [(0,)]


def test_a_deleted_cards_items_are_deleted(fu, tmp_path, radicale, db_path):
    name = configure(tmp_path, radicale.url, events=True)
    ids = run(fu, "add", "Tailspin", "--at", "2026-11-28 15:00")  # an interview in 2 days: an event and prep
    uid = uid_of(fu, ids)
    sync(fu)
    assert {f"{uid}-round-1@followup-tui", f"{uid}-todo-prep-r1@followup-tui"} == {
        u for u in server_items(radicale, name) if u.startswith(uid)
    }
    run(fu, "delete", ids, "--yes")
    out = sync(fu)
    assert "2 deleted" in out
    assert not any(u.startswith(uid) for u in server_items(radicale, name))
    assert rows(db_path, "SELECT count(*) FROM caldav_items") == [(0,)]


# --- back from the calendar ----------------------------------------------------------------------------


def test_a_to_do_ticked_on_the_phone_logs_the_contact_and_undo_takes_it_back(fu, tmp_path, radicale, db_path):
    name = configure(tmp_path, radicale.url)
    ids = cards(fu)
    sync(fu)
    uid = f"{uid_of(fu, ids['contoso'])}-todo-follow-up@followup-tui"
    called = datetime(2026, 11, 26, 9, 45, tzinfo=UTC)

    def tick(component) -> None:
        component["STATUS"] = "COMPLETED"
        component.add("COMPLETED", called)

    edit_on_server(radicale, name, uid, tick)
    out = sync(fu)
    assert f"#{ids['contoso']} Contoso: logged follow-up via phone (done in the calendar Nov 26 09:45)" in out
    contacts = rows(
        db_path, "SELECT at, kind, channel, person, note FROM v_contacts WHERE card_id = ? ORDER BY at", ids["contoso"]
    )
    assert contacts[-1] == ("2026-11-26T09:45:00+00:00", "follow-up", "phone", "Ana Silva", "done in the calendar")
    history = run(fu, "history", "-n", "1")
    assert "sync" in history and "log follow-up on" in history
    item = server_items(radicale, name)[uid]
    assert str(item["STATUS"]) == "COMPLETED"  # left as the phone set it

    assert "0 created · 0 updated · 0 completed" in sync(fu)  # taken in once
    assert len(rows(db_path, "SELECT * FROM contacts WHERE card_id = ?", ids["contoso"])) == 2

    undone = fu("undo")
    assert undone.code == 0, undone.err
    assert len(rows(db_path, "SELECT * FROM contacts WHERE card_id = ?", ids["contoso"])) == 1


def test_a_due_date_moved_on_the_server_is_put_back_and_said(fu, tmp_path, radicale, db_path):
    name = configure(tmp_path, radicale.url)
    ids = cards(fu)
    sync(fu)
    uid = f"{uid_of(fu, ids['acme'])}-todo-thank-you-r1@followup-tui"
    card_before = rows(db_path, "SELECT * FROM cards WHERE id = ?", ids["acme"])

    def later(component) -> None:
        component.pop("DUE")
        component.add("DUE", datetime(2026, 11, 30, 12, tzinfo=UTC))
        component.add("LOCATION", "the café")  # another edit, kept

    edit_on_server(radicale, name, uid, later)
    out = sync(fu)
    assert (
        f"#{ids['acme']} Acme — Backend Engineer: thank-you note due date was changed in the calendar to Nov 30 12:00: "
        "ignored (the rules set it: Nov 27 08:00" in out
    )
    assert rows(db_path, "SELECT * FROM cards WHERE id = ?", ids["acme"]) == card_before
    item = server_items(radicale, name)[uid]
    assert item.decoded("DUE") == ACME_AT + timedelta(hours=24)
    assert str(item["LOCATION"]) == "the café"


def test_an_edit_on_the_server_in_between_is_read_not_overwritten(fu, tmp_path, radicale, proxy, db_path):  # noqa: F811
    name = configure(tmp_path, proxy.url)
    ids = cards(fu)
    sync(fu)
    uid = f"{uid_of(fu, ids['contoso'])}-todo-follow-up@followup-tui"
    run(fu, "log", ids["contoso"], "reply", "--follow-up-on", "2026-11-26", "--follow-up-via", "email")
    edited = []

    def phone_ticks_it_first(method: str, path: str) -> None:
        if method == "PUT" and "follow-up" in path and not edited:
            edited.append(path)
            edit_on_server(
                radicale, name, uid, lambda c: (c.__setitem__("STATUS", "COMPLETED"), c.add("PERCENT-COMPLETE", 100))
            )

    proxy.clear()
    proxy.before = phone_ticks_it_first
    out = sync(fu)
    assert [s.status for s in proxy.writes() if "follow-up" in s.path] == [412]  # refused, then read, not forced
    assert f"#{ids['contoso']} Contoso: logged follow-up via phone (done in the calendar" in out  # as the phone had it
    assert "0 updated" in out
    assert str(server_items(radicale, name)[uid]["STATUS"]) == "COMPLETED"
    kinds = rows(db_path, "SELECT kind FROM contacts WHERE card_id = ? ORDER BY id", ids["contoso"])
    assert kinds == [("thank-you",), ("reply",), ("follow-up",)]


def test_an_edit_in_between_is_kept_under_the_update(fu, tmp_path, radicale, proxy):  # noqa: F811
    name = configure(tmp_path, proxy.url)
    ids = cards(fu)
    sync(fu)
    uid = f"{uid_of(fu, ids['contoso'])}-todo-follow-up@followup-tui"
    run(fu, "log", ids["contoso"], "reply", "--follow-up-on", "2026-11-26", "--follow-up-via", "email")
    edited = []

    def phone_adds_a_place(method: str, path: str) -> None:
        if method == "PUT" and "follow-up" in path and not edited:
            edited.append(path)
            edit_on_server(radicale, name, uid, lambda c: c.add("LOCATION", "Ana's office"))

    proxy.clear()
    proxy.before = phone_adds_a_place
    sync(fu)
    assert [s.status for s in proxy.writes() if "follow-up" in s.path] == [412, 204]
    item = server_items(radicale, name)[uid]
    assert str(item["SUMMARY"]) == "Follow up by email: Contoso — SRE"  # our update
    assert str(item["LOCATION"]) == "Ana's office"  # and their edit


# --- writing nothing ---------------------------------------------------------------------------------


def test_dry_run_writes_nothing_anywhere(fu, tmp_path, radicale, proxy, db_path):  # noqa: F811
    name = configure(tmp_path, proxy.url)
    ids = cards(fu)
    dry = fu("sync", "--dry-run")
    assert dry.code == 0, dry.err
    assert "dry run" in dry.out and "would be 3 created" in dry.out
    assert proxy.writes() == []
    assert not any(c.get_display_name() == name for c in radicale.client().principal().calendars())
    sync(fu)
    uid = f"{uid_of(fu, ids['contoso'])}-todo-follow-up@followup-tui"
    edit_on_server(radicale, name, uid, lambda c: c.__setitem__("STATUS", "COMPLETED"))
    run(fu, "log", ids["acme"], "thank-you")
    run(fu, "delete", ids["fabrikam"], "--yes")
    files = file_hashes(tmp_path)
    server = {u: c.to_ical() for u, c in server_items(radicale, name).items()}
    proxy.clear()

    dry = fu("sync", "--dry-run")
    assert dry.code == 0, dry.err
    assert f"#{ids['contoso']} Contoso: would log follow-up via phone" in dry.out
    assert "would be 0 created · 0 updated · 1 completed · 0 cancelled · 1 deleted" in dry.out
    assert proxy.writes() == []
    assert file_hashes(tmp_path) == files  # the database, its -sync and -checked notes, config.toml
    assert {u: c.to_ical() for u, c in server_items(radicale, name).items()} == server


def file_hashes(folder) -> dict[str, str]:
    """Every file's sha256, but SQLite's -wal and -shm, which any reader may add (SPEC §5 status)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


# --- options ------------------------------------------------------------------------------------------


def test_interviews_go_as_events_when_asked(fu, tmp_path, radicale):
    name = configure(tmp_path, radicale.url, events=True)
    card = run(fu, "add", "Tailspin", "--role", "Data", "--at", "2026-11-30 15:00")
    sync(fu)
    event = server_items(radicale, name)[f"{uid_of(fu, card)}-round-1@followup-tui"]
    assert event.name == "VEVENT"
    assert str(event["SUMMARY"]) == "Interview: Tailspin — Data"
    assert event.decoded("DTSTART") == datetime(2026, 11, 30, 15, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)
    assert str(event["TRANSP"]) == "OPAQUE"


def test_private_sends_no_names(fu, tmp_path, radicale):
    name = configure(tmp_path, radicale.url, private=True, events=True)
    cards(fu)
    run(fu, "add", "Tailspin", "--at", "2026-11-30 15:00", "--interviewer", "Kim Lee")
    sync(fu)
    found = server_items(radicale, name)
    texts = b"".join(c.to_ical() for c in found.values()).decode()
    for word in ("Acme", "Contoso", "Fabrikam", "Tailspin", "Jane", "Ana", "Kim"):
        assert word not in texts
    assert {str(c["SUMMARY"]) for c in found.values() if c.name == "VTODO"} == {"Follow-up action"}


def test_switching_private_on_leaves_no_name_on_done_to_dos(fu, tmp_path, radicale, db_path):
    """Done and dropped to-dos are kept a week, ticked: with private on, they go at once, so none
    written before it was set still names the company."""
    name = configure(tmp_path, radicale.url)
    ids = cards(fu)
    sync(fu)
    run(fu, "log", ids["acme"], "thank-you", "--at", "2026-11-26 09:30")
    sync(fu)  # Acme's to-do ticked, kept a week
    assert "Acme" in b"".join(c.to_ical() for c in server_items(radicale, name).values()).decode()
    configure(tmp_path, radicale.url, calendar=name, private=True)
    sync(fu)
    run(fu, "close", ids["fabrikam"], "--outcome", "withdrawn")  # dropped while private
    assert "1 cancelled" in sync(fu)
    found = server_items(radicale, name)
    texts = b"".join(c.to_ical() for c in found.values()).decode()
    for word in ("Acme", "Contoso", "Fabrikam", "Jane", "Ana"):
        assert word not in texts
    assert {str(c["SUMMARY"]) for c in found.values()} == {"Follow-up action"}
    assert len(found) == 1  # Contoso's follow-up: the one thing left to do
    assert rows(db_path, "SELECT count(*) FROM caldav_items") == [(1,)]


def test_a_follow_up_asked_for_again_after_one_ticked_there_comes_back(fu, tmp_path, radicale, db_path):
    name = configure(tmp_path, radicale.url)
    ids = cards(fu)
    sync(fu)
    uid = f"{uid_of(fu, ids['contoso'])}-todo-follow-up@followup-tui"
    edit_on_server(radicale, name, uid, lambda c: c.__setitem__("STATUS", "COMPLETED"))
    assert "logged follow-up" in sync(fu)
    run(fu, "log", ids["contoso"], "reply", "--follow-up-on", "2026-12-03", "--follow-up-via", "phone")
    sync(fu)  # nothing to do until Dec 3: the ticked to-do stays ticked
    assert str(server_items(radicale, name)[uid]["STATUS"]) == "COMPLETED"
    sync(fu, "--now", "2026-12-03 09:00")  # the day they asked for (Acme's note turned overdue too)
    item = server_items(radicale, name)[uid]
    assert str(item["STATUS"]) == "NEEDS-ACTION" and "COMPLETED" not in item
    assert item.decoded("DUE") == datetime(2026, 12, 4, tzinfo=UTC)


def test_a_to_do_deleted_on_the_phone_is_not_made_again(fu, tmp_path, radicale, db_path):
    name = configure(tmp_path, radicale.url)
    ids = cards(fu)
    sync(fu)
    uid = f"{uid_of(fu, ids['fabrikam'])}-todo-thank-you-r1@followup-tui"
    item = next(i for i in calendar_of(radicale, name).todos() if str(i.icalendar_component["UID"]) == uid)
    item.delete()
    out = sync(fu)
    assert "Fabrikam: thank-you note was deleted in the calendar; it is not made again" in out
    assert uid not in server_items(radicale, name)
    assert "0 created" in sync(fu) and uid not in server_items(radicale, name)


def test_a_database_without_the_sync_record_takes_in_what_is_there(fu, tmp_path, radicale, db_path):
    """Another copy of the data (an import into a new file, a restored backup) finds the calendar
    filled: it writes onto those items, never beside them, and logs nothing it did not send."""
    name = configure(tmp_path, radicale.url)
    ids = cards(fu)
    sync(fu)
    uid = f"{uid_of(fu, ids['contoso'])}-todo-follow-up@followup-tui"
    edit_on_server(radicale, name, uid, lambda c: c.__setitem__("STATUS", "COMPLETED"))
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM caldav_items")
    out = sync(fu)
    assert "Contoso — SRE: follow up by phone was found done in the calendar: nothing logged" in out
    assert rows(db_path, "SELECT count(*) FROM contacts WHERE card_id = ?", ids["contoso"]) == [(1,)]
    found = server_items(radicale, name)
    assert len(found) == 3 and str(found[uid]["STATUS"]) == "COMPLETED"


def test_a_dry_run_reads_a_file_of_the_schema_before_as_it_is(fu, tmp_path, radicale, db_path):
    from old_files import make_old_database

    from followup_tui.integrations.calsync.state import SYNC_FROM
    from followup_tui.storage.dbfile import SCHEMA_VERSION

    make_old_database(db_path, SYNC_FROM - 1)  # Acme, interviewed Nov 25 10:00 UTC, no thank-you yet: overdue
    configure(tmp_path, radicale.url)
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    dry = fu("sync", "--dry-run")
    assert dry.code == 0, dry.err
    assert "would be 1 created" in dry.out
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert "1 created" in sync(fu)  # a sync that writes upgrades the file first (after a backup)
    assert rows(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
