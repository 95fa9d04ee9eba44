"""A demanding keyboard user's walk through the board: esc goes back to where you were, a form keeps
what was typed when it refuses it, a paste lands where the cursor is."""

from __future__ import annotations

import pytest
from board_fixtures import make_app, press
from textual import events

from followup_tui.storage.store import Store
from followup_tui.tui.board import BoardScreen
from followup_tui.tui.cardlist import CardList
from followup_tui.tui.forms import ContactForm, InterviewForm


@pytest.fixture
def board(db_path):
    return make_app(db_path)


def focused_id(app) -> tuple[str, int | None]:
    assert isinstance(app.focused, CardList)
    return app.focused.stage, app.focused.current_id


def contacts(app, card_id: int) -> int:
    with Store.open_readonly(app.store.path) as reader:
        return len(reader.get(card_id).contacts)


async def test_esc_in_the_filter_goes_back_to_the_card_you_were_on(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j")  # Hooli, the second card of Waiting
        assert focused_id(app) == ("waiting", ids["hooli"])
        await press(pilot, "slash", *"cyber", "escape")  # looked for something else, then gave up
        assert focused_id(app) == ("waiting", ids["hooli"])
        await press(pilot, "slash", *"initech", "enter", "escape")  # picked the card the filter found
        assert focused_id(app) == ("waiting", ids["initech"])
        assert "filter" not in str(app.screen.query_one("#totals").render())


async def test_a_contact_in_the_future_is_refused_in_the_form_which_keeps_it(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "c")  # Acme
        assert isinstance(app.screen, ContactForm)
        app.screen.query_one("#note").value = "said they will call"
        when = app.screen.query_one("#when")
        when.value = "in 3 days"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContactForm)  # still open, with what was typed
        error = str(app.screen.query_one("#form-error").render())
        assert error.startswith("When: ") and "is in the future" in error
        assert (when.value, app.screen.query_one("#note").value) == ("in 3 days", "said they will call")
        assert contacts(app, ids["acme"]) == 0
        when.value = "2 hours ago"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BoardScreen)
        assert contacts(app, ids["acme"]) == 1


async def test_typing_after_a_paste_with_control_characters_goes_after_it(board):
    app, _ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "n")
        assert isinstance(app.screen, InterviewForm)
        company = app.screen.query_one("#company")
        company.post_message(events.Paste("Acme\x1b[31m Red\nsecond line"))
        await pilot.pause()
        await press(pilot, *" Inc")
        assert company.value == "Acme\\x1b[31m Red Inc"  # the escape made visible, the next keys at the end
