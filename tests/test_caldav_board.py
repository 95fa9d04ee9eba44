"""The board and the calendar (Pilot, with a real Radicale): Y syncs on a worker thread, the header says
how the latest sync went, and a to-do ticked on the phone moves its card on the board."""

from __future__ import annotations

import os
import subprocess
import sys

from board_fixtures import NOW, make_app, press, toasts, until
from caldav_fixtures import configure, free_port
from test_caldav_sync import calendar_of, edit_on_server
from textual.command import CommandList

from followup_tui.domain import clock
from followup_tui.domain.config import load_config
from followup_tui.integrations.calsync import BoardSync
from followup_tui.tui.cardlist import CardList
from followup_tui.tui.keybar import KeyBar


def board_with_calendar(db_path, tmp_path, url: str):
    name = configure(tmp_path, url)
    config = load_config(tmp_path / "config.toml")
    app, ids = make_app(db_path, config=config, calendar=BoardSync(db_path, config, lambda: clock.now()))
    return app, ids, name


def header(app) -> str:
    return str(app.screen.query_one("#totals").render())


async def synced(pilot) -> None:
    """Until the sync started by Y is done and shown."""
    for _ in range(1000):
        if not pilot.app.syncing:
            break
        await pilot.pause(0.02)
    await pilot.pause()


def shown_ids(app) -> dict[str, list[int]]:
    return {cards.stage: cards.ids for cards in app.screen.query(CardList)}


async def test_y_syncs_and_a_to_do_ticked_on_the_phone_moves_its_card(db_path, tmp_path, radicale):
    app, ids, name = board_with_calendar(db_path, tmp_path, radicale.url)
    async with app.run_test(size=(160, 48)) as pilot:
        assert "calendar: not synced yet (Y syncs)" in header(app)
        assert "Sync calendar" in [key.description for key in app.screen.query_one(KeyBar).keys]
        await press(pilot, "Y")
        await synced(pilot)
        assert f"synced {NOW:%H:%M}" in header(app)
        assert any(t.startswith("calendar synced: 3 changes") for t in toasts(app)), toasts(
            app
        )  # Acme, Globex, Cyberdyne
        assert ids["acme"] in shown_ids(app)["thank-you"]

        todos = {str(t.icalendar_component["SUMMARY"]): t for t in calendar_of(radicale, name).todos()}
        acme = todos["Thank-you note: Acme — Backend Engineer"].icalendar_component
        edit_on_server(radicale, name, str(acme["UID"]), lambda c: c.__setitem__("STATUS", "COMPLETED"))
        await press(pilot, "Y")
        await synced(pilot)
        # the board's once-a-second look at what other connections wrote: the thank-you is logged, the card moved on
        await until(pilot, lambda: ids["acme"] in shown_ids(app)["waiting"])
        assert app.store.get(ids["acme"]).contacts[-1].note == "done in the calendar"


async def test_after_the_board_synced_it_and_a_shell_still_see_each_others_changes(db_path, tmp_path, radicale):
    """The board's sync runs in the board's process: it must not cost the board's connections their
    locks (a plain open() and close() of the file did), or a shell's next command takes the -wal the
    board writes to: the board no longer sees a sync run from cron, and a shell no longer sees the board."""
    app, ids, name = board_with_calendar(db_path, tmp_path, radicale.url)
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "Y")
        await synced(pilot)
        shell(db_path, "edit", str(ids["hooli"]), "--role", "Principal SRE")
        await press(pilot, "j", "t")  # Globex's thank-you, on the board
        assert "#2    waiting" in shell(db_path, "list")

        todos = {str(t.icalendar_component["SUMMARY"]): t for t in calendar_of(radicale, name).todos()}
        uid = str(todos["Thank-you note: Acme — Backend Engineer"].icalendar_component["UID"])
        edit_on_server(radicale, name, uid, lambda c: c.__setitem__("STATUS", "COMPLETED"))
        assert "#1 Acme: logged thank-you" in shell(db_path, "sync", now="2026-11-26T10:30:00+00:00")
        for _ in range(100):  # the board looks once a second at what other connections wrote
            if ids["acme"] in shown_ids(app)["waiting"]:
                break
            await pilot.pause(0.05)
        assert ids["acme"] in shown_ids(app)["waiting"]
        assert "synced 10:30" in header(app)


def shell(db_path, *args: str, now: str = "2026-11-26T10:00:00+00:00") -> str:
    """`followup ARGS` in a process of its own, as from a shell; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "followup_tui", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "FOLLOWUP_NOW": now},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_a_failed_sync_says_so_in_the_header(db_path, tmp_path):
    app, _, _ = board_with_calendar(db_path, tmp_path, f"http://127.0.0.1:{free_port()}/")
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "Y")
        await synced(pilot)
        assert "sync failed 10:00: cannot reach http://127.0.0.1:" in header(app)
        assert any(t.startswith("calendar sync failed: cannot reach") for t in toasts(app))
        await press(pilot, "j", "k")  # the board still answers keys
        assert app.is_running
        await press(pilot, "question_mark")
        assert "Sync calendar  [sync-calendar]" in help_text(app)


async def test_the_command_palette_syncs_too(db_path, tmp_path):
    app, _, _ = board_with_calendar(db_path, tmp_path, f"http://127.0.0.1:{free_port()}/")
    async with app.run_test(size=(160, 48)) as pilot:
        commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert commands["Sync calendar"] == "key: Y"
        await press(pilot, "ctrl+p")
        await pilot.press(*"sync")
        found = app.screen.query_one(CommandList)
        for _ in range(100):  # the palette searches as it is typed in
            if found.option_count and "Sync calendar" in str(found.get_option_at_index(0).prompt):
                break
            await pilot.pause(0.02)
        await press(pilot, "enter")
        await synced(pilot)
        assert "sync failed 10:00: cannot reach" in header(app)


def help_text(app) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query("Static"))


async def test_without_a_calendar_there_is_no_sync_key(db_path):
    app, _ = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert "Sync calendar" not in [key.description for key in app.screen.query_one(KeyBar).keys]
        assert "calendar" not in header(app)
        await press(pilot, "Y")
        assert not app.syncing
        await press(pilot, "question_mark")
        assert "Undo" in help_text(app) and "Sync calendar" not in help_text(app)


async def test_the_board_syncs_by_itself_every_few_minutes(db_path, tmp_path):
    configure(tmp_path, f"http://127.0.0.1:{free_port()}/", every_minutes=0.01)  # every 0.6 s, for the test
    config = load_config(tmp_path / "config.toml")
    app, _ = make_app(db_path, config=config, calendar=BoardSync(db_path, config, lambda: clock.now()))
    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(200):
            if "sync failed" in header(app):
                break
            await pilot.pause(0.05)
        assert "sync failed 10:00: cannot reach" in header(app)  # no key pressed
