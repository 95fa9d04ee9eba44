"""Keys that arrive together (a paste, tmux send-keys, fast typing over ssh) land where a slow
typist's would: in the filter or form that the first key opened, in order, never on the board."""

from __future__ import annotations

import sqlite3

import pytest
from board_fixtures import make_app, settle
from textual import events
from textual.keys import _character_to_key

from followup_tui.tui.board import BoardScreen
from followup_tui.tui.cardlist import CardList
from followup_tui.tui.forms import InterviewForm

PASTE = "Initech Payments Platform — Staff Eng 42"  # 40 characters


def rows(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return [
            conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("cards", "contacts", "people", "prep_items")
        ]
    finally:
        conn.close()


async def burst(pilot, keys) -> None:
    """Every key posted at once, as a terminal delivers a paste or `tmux send-keys`."""
    app = pilot.app
    for key in keys:
        name = key if len(key) > 1 or key.isalnum() else _character_to_key(key)
        event = events.Key(name, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)
    await settle(pilot)
    await pilot.pause(0.1)
    await settle(pilot)


@pytest.fixture
def board(db_path):
    return make_app(db_path)


async def test_a_burst_after_slash_goes_into_the_filter(board, db_path):
    app, ids = board
    before = rows(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await burst(pilot, "/tes")  # t logged a thank-you, e opened Edit, s…
        field = app.screen.query_one("#filter")
        assert isinstance(app.screen, BoardScreen) and app.focused is field and field.value == "tes"
        await burst(pilot, ["escape", *"/nice"])  # n opened New interview
        assert isinstance(app.screen, BoardScreen) and field.value == "nice"
    assert rows(db_path) == before


async def test_three_hs_move_three_columns(board, db_path):
    app, _ = board
    before = rows(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await burst(pilot, "lll")
        assert app.focused.stage == "stay-in-touch"
        await burst(pilot, "hhh")
        assert isinstance(app.focused, CardList) and app.focused.stage == "thank-you"
    assert rows(db_path) == before


async def test_a_pasted_name_lands_in_the_new_interview_form(board, db_path):
    app, _ = board
    before = rows(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await burst(pilot, ["n", *PASTE])  # 40 keys straight after the one that opens the form
        assert isinstance(app.screen, InterviewForm)
        assert app.screen.query_one("#company").value == PASTE
        await burst(pilot, ["escape", "n"])
        app.post_message(events.Paste(PASTE))  # a terminal with bracketed paste sends it whole
        await settle(pilot)
        assert isinstance(app.screen, InterviewForm) and app.screen.query_one("#company").value == PASTE
    assert rows(db_path) == before


async def test_everything_in_one_burst(board, db_path):
    """The issue's sequence, all at once: filter, clear, three columns, a form with a paste, cancel."""
    app, _ = board
    before = rows(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await burst(pilot, ["slash", *"tes", "escape", *"lll", *"hhh", "n", *PASTE])
        assert isinstance(app.screen, InterviewForm) and app.screen.query_one("#company").value == PASTE
        await burst(pilot, ["escape"])
        assert isinstance(app.screen, BoardScreen) and app.focused.stage == "thank-you"
        assert app.screen.query_one("#filter").value == ""
    assert rows(db_path) == before
