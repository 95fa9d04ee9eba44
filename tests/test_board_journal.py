"""The board's u / ctrl+r through the undo journal, beside shells writing the same file (Pilot)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from board_fixtures import make_app, press

from followup_tui.domain.model import Stage
from followup_tui.tui.cardlist import CardList


@pytest.fixture
def board(db_path):
    return make_app(db_path)


def errors(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def shown_ids(app) -> dict[str, list[int]]:
    return {cards.stage: cards.ids for cards in app.screen.query(CardList)}


def kinds(db_path, card_id: int) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [k for (k,) in conn.execute("SELECT kind FROM contacts WHERE card_id = ? ORDER BY id", (card_id,))]
    finally:
        conn.close()


async def test_u_refuses_to_undo_the_thank_you_once_a_shell_logged_a_reply(board, db_path, proc):
    """The issue's scenario: t on the board, `followup log ID reply` in a shell, u on the board."""
    app, ids = board
    acme = ids["acme"]
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "t")
        assert proc("log", acme, "reply", "--note", "from the shell").code == 0
        await press(pilot, "u")
        assert len(errors(app)) == 1
        assert re.fullmatch(
            rf"cannot undo #\d+ 'log thank-you on #{acme} Acme': #\d+ 'log reply on #{acme} Acme' "
            r"\(cli, [^)]+\) changed the same card since",
            errors(app)[0],
        )
        assert kinds(db_path, acme) == ["thank-you", "reply"]
        assert app.store.get(acme).card.stage == Stage.WAITING
        await press(pilot, "u")  # still in the way: refused again, nothing changes
        assert len(errors(app)) == 2 and kinds(db_path, acme) == ["thank-you", "reply"]
        assert proc("undo").code == 0  # the shell takes its reply back: nothing is in the way now
        await press(pilot, "u")
        assert kinds(db_path, acme) == [] and app.store.get(acme).card.stage == Stage.THANK_YOU


async def test_u_does_not_bring_back_a_card_deleted_from_a_shell(board, db_path, proc):
    app, ids = board
    acme = ids["acme"]
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "t")
        assert proc("delete", acme, "--yes").code == 0
        await press(pilot, "u")
        assert re.search(rf"'delete #{acme} Acme' \(cli, [^)]+\) deleted the same card since", errors(app)[0])
        app._poll_other_writers()
        assert acme not in [i for column in shown_ids(app).values() for i in column]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM cards WHERE id = ?", (acme,)).fetchone() == (0,)
    conn.close()


async def test_u_undoes_this_boards_own_change_not_the_latest_one(board, db_path, proc):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "t")  # Acme, on the board
        assert proc("log", ids["globex"], "thank-you").code == 0  # Globex, from a shell, later
        await press(pilot, "u")
        assert kinds(db_path, ids["acme"]) == [] and kinds(db_path, ids["globex"]) == ["thank-you"]
        assert [n.message for n in app._notifications][-1] == f"undone: log thank-you on #{ids['acme']} Acme"
        assert ids["acme"] in shown_ids(app)["thank-you"]
        await press(pilot, "ctrl+r")
        assert kinds(db_path, ids["acme"]) == ["thank-you"]
        assert ids["acme"] in shown_ids(app)["waiting"]
        assert not errors(app)


async def test_a_shells_write_reloads_only_the_cards_it_touched(board, db_path, proc):
    app, ids = board
    async with app.run_test(size=(160, 48)):
        before = {row.card_id: row for row in app.rows()}
        assert proc("log", ids["globex"], "thank-you").code == 0
        app._poll_other_writers()
        after = {row.card_id: row for row in app.rows()}
        assert ids["globex"] in shown_ids(app)["waiting"]
        assert [i for i in after if after[i] is not before[i]] == [ids["globex"]]  # the others were not read again


async def test_a_write_by_another_program_reloads_the_whole_board(board, db_path):
    app, ids = board
    async with app.run_test(size=(160, 48)):
        before = {row.card_id: row for row in app.rows()}
        conn = sqlite3.connect(db_path)
        with conn:  # sqlite3 or a script: the journal never sees it
            conn.execute("UPDATE cards SET company = 'Acme Corp', rules_key = NULL WHERE id = ?", (ids["acme"],))
        conn.close()
        app._poll_other_writers()
        after = {row.card_id: row for row in app.rows()}
        assert after[ids["acme"]].company == "Acme Corp"
        assert all(after[i] is not before[i] for i in before)


async def test_a_shells_write_that_moves_the_focused_card_takes_the_focus_with_it(board, proc):
    """QA: `followup log N invite` from a shell moved the focused card to Next round, and the focus
    stayed behind on another card, which the next key then acted on."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(ids["acme"])
        await press(pilot, "t")  # Acme to Waiting, the focus with it
        assert app.screen.current_card_id == ids["acme"]
        assert proc("log", ids["acme"], "invite", "--round-at", "in 5 days").code == 0
        app._poll_other_writers()
        await pilot.pause()
        assert ids["acme"] in shown_ids(app)["next-round"] and app.screen.current_card_id == ids["acme"]
