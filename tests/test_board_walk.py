"""A demanding keyboard user's walk through the board: esc goes back to where you were, a form keeps
what was typed when it refuses it, a paste lands where the cursor is."""

from __future__ import annotations

import pytest
from board_fixtures import DAY, HOUR, NOW, add, make_app, press, settle, toasts
from textual import events
from textual.widgets import Input

from followup_tui.domain.model import Channel, Kind, Stage
from followup_tui.storage.store import Instruction, Store
from followup_tui.tui.board import BoardScreen
from followup_tui.tui.cardlist import CARD_HEIGHT, CardList
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


async def test_a_thank_you_dated_before_the_interview_is_refused_in_the_form(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "c")  # Acme, interviewed 30 hours ago: the form offers its thank-you
        assert app.screen.query_one("#kind").value == "thank-you"
        app.screen.query_one("#when").value = "2 days ago"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContactForm)
        error = str(app.screen.query_one("#form-error").render())
        assert error.startswith("When: a thank-you at ") and "is before the interview" in error
        assert contacts(app, ids["acme"]) == 0


async def test_a_thank_you_dated_before_a_later_round_asks_first_and_keeps_the_card(board):
    """Round 2 was 5 hours ago and owes its note; one dated the day before thanks for round 1 (a
    slip in the date, or logged late): the form asks, and logging it leaves the card in Thank-you."""
    app, ids = board
    app.store.move(ids["hooli"], Stage.NEXT_ROUND, NOW - 2 * DAY, at=NOW - 5 * HOUR)
    app.store.move(ids["hooli"], Stage.THANK_YOU, NOW)  # round 2 starts
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ids["hooli"])
        await press(pilot, "c")
        assert app.screen.query_one("#kind").value == "thank-you"
        app.screen.query_one("#when").value = "yesterday 12:00"
        await press(pilot, "ctrl+s")
        question = str(app.screen.query_one(".question").render())
        assert "is before round 2's interview" in question and "round 2's note is still owed" in question
        await press(pilot, "y")
        assert isinstance(app.screen, BoardScreen) and contacts(app, ids["hooli"]) == 2
        with Store.open_readonly(app.store.path) as reader:
            assert reader.get(ids["hooli"]).card.stage == Stage.THANK_YOU


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


async def test_interviewers_pasted_one_per_line_are_linked_one_each(board):
    """QA: two lines pasted into Add interviewers made one person of both."""
    app, _ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "n")
        app.screen.query_one("#company").value = "Zeta"
        people = app.screen.query_one("#interviewers")
        people.focus()
        people.post_message(events.Paste("Dan Fox <dan@z.com>\r\nEve Ray <eve@z.com>"))
        await pilot.pause()
        assert people.value == "Dan Fox <dan@z.com>, Eve Ray <eve@z.com>"
        await press(pilot, "ctrl+s")
        card_id = app.focused.current_id
    assert [(p.name, p.email) for p in app.store.get(card_id).people] == [
        ("Dan Fox", "dan@z.com"),
        ("Eve Ray", "eve@z.com"),
    ]


async def test_typing_after_a_paste_with_control_characters_goes_after_it(board):
    app, _ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "n")
        assert isinstance(app.screen, InterviewForm)
        company = app.screen.query_one("#company")
        company.post_message(events.Paste("Acme\x1b[31m Red\nsecond line"))
        await pilot.pause()
        await press(pilot, *" Inc")
        # the escape made visible, the second line kept (joined by a space), the next keys at the end
        assert company.value == "Acme\\x1b[31m Red second line Inc"
        company.post_message(events.Paste(" Group\r\nEMEA"))  # a space it starts with stays
        await pilot.pause()
        assert company.value == "Acme\\x1b[31m Red second line Inc Group EMEA"


def status_lines(app) -> list[str]:
    """The status line as drawn: each of its rows on screen."""
    status = app.screen.query_one("#status-line")
    return [status.render_line(y).text.strip() for y in range(status.size.height)]


LONG_ROLE = "Senior Staff Principal Software Reliability Infrastructure Engineer Payments Platform"


async def test_the_status_line_wraps_by_words_and_shows_the_whole_reason_at_80(db_path):
    app, ids = make_app(db_path)
    long = add(app.store, "Initrode Global", 30 * HOUR, LONG_ROLE)
    async with app.run_test(size=(80, 24)) as pilot:
        app.follow(long)
        await settle(pilot)
        shown = " ".join(status_lines(app))
        assert shown == f"#{long} Initrode Global — {LONG_ROLE} · OVERDUE thank-you note overdue by 6h"


async def test_the_status_line_keeps_its_height_from_card_to_card_until_a_resize(db_path):
    """A status line as tall as each card's reason laid the whole board out again, and the columns
    jumped a row, whenever j passed from a long reason to a short one (issue 19: the slowest key).
    It grows to fit and stays; a resize starts it again from one row."""
    app, ids = make_app(db_path)
    long = add(app.store, "Initrode Global", 30 * HOUR, LONG_ROLE)
    async with app.run_test(size=(80, 24)) as pilot:
        app.follow(long)
        await settle(pilot)
        tall = len(status_lines(app))
        columns = [cards.size.height for cards in app.screen.query(CardList)]
        assert tall >= 2
        app.follow(ids["globex"])
        await settle(pilot)
        lines = status_lines(app)
        assert len(lines) == tall and lines[0].startswith(f"#{ids['globex']} Globex") and lines[-1] == ""
        assert [cards.size.height for cards in app.screen.query(CardList)] == columns  # the board did not move
        await pilot.resize_terminal(100, 24)
        await settle(pilot)
        assert len(status_lines(app)) == 1


async def test_a_huge_role_never_pushes_the_columns_off_the_board(db_path):
    app, ids = make_app(db_path)
    huge = add(app.store, "Essay Inc", 30 * HOUR, "x" * 20000)
    async with app.run_test(size=(80, 24)) as pilot:
        app.follow(huge)
        await settle(pilot)
        lines = status_lines(app)
        assert len(lines) <= 6
        assert " ".join(lines).endswith("x… · OVERDUE thank-you note overdue by 6h")  # role: its head
        assert all(cards.size.height >= 4 for cards in app.screen.query(CardList))  # the board is still there


async def test_hash_with_a_huge_or_odd_number_says_so_and_the_board_stays(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l")
        before = focused_id(app)
        await press(pilot, "number_sign", *"99999999999999999999999", "enter")  # a pasted phone number
        assert str(app.screen.query_one("#form-error").render()) == "No card #99999999999999999999999"
        await press(pilot, "escape")
        assert isinstance(app.screen, BoardScreen) and focused_id(app) == before
        await press(pilot, "number_sign", "²", "enter")
        assert "A card id is a number" in str(app.screen.query_one("#form-error").render())
        await press(pilot, "escape")
        assert isinstance(app.screen, BoardScreen) and focused_id(app) == before


def in_view(app) -> bool:
    """The focused card is wholly on screen."""
    column = app.focused
    assert isinstance(column, CardList)
    top, view = column.cursor * CARD_HEIGHT, column.scrollable_content_region.height
    return column.scroll_y <= top and top + CARD_HEIGHT <= column.scroll_y + view


def long_waiting_column(app) -> list[int]:
    fillers = []
    for n in range(15):
        fillers.append(add(app.store, f"Filler {n}", 5 * 24 * HOUR))
        app.store.log_contact(fillers[-1], Kind.THANK_YOU, NOW - 4 * DAY, NOW)
    return fillers


async def test_the_focused_card_stays_in_view_when_the_terminal_shrinks(board):
    """QA: at the foot of a long column, a smaller terminal left the focused card below the screen;
    the next key acted on a card the user could not see."""
    app, _ = board
    long_waiting_column(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "l", "G")
        assert in_view(app)
        await pilot.resize_terminal(160, 16)
        await settle(pilot)
        assert in_view(app)


async def test_going_to_a_card_out_of_a_filter_shows_it(board):
    """QA: `#` to a card that the filter hid cleared the filter and focused the card, out of view."""
    app, _ = board
    fillers = long_waiting_column(app)
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"hooli", "enter")
        await press(pilot, "#", *str(fillers[-1]), "enter")
        assert app.focused.current_id == fillers[-1]
        assert in_view(app)


async def test_a_filter_shows_each_column_from_its_first_match(board):
    """QA: at the foot of a long column, a filter kept the highlight on the same row, scrolled: the first
    matches were out of sight, and enter landed below them."""
    app, _ = board
    fillers = long_waiting_column(app)
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "l", "G")  # the last card of Waiting, the column scrolled to its foot
        await press(pilot, "slash", *"filler 1", "enter")  # Filler 1, 10, 11 … 14
        matches = [card_id for n, card_id in enumerate(fillers) if str(n).startswith("1")]
        assert app.focused.ids == matches
        assert app.focused.current_id == matches[0] and app.focused.scroll_y == 0
        await press(pilot, "escape")  # the card picked among those filtered stays picked
        assert app.focused.current_id == matches[0] and in_view(app)


async def test_t_before_the_first_interview_says_so_at_once(board):
    """QA: t on a card whose interview is still ahead asked "Log one anyway?", then the store refused it."""
    app, _ = board
    ahead = add(app.store, "Umbra", -2 * DAY, interviewers=[("Ana Diaz", "")])
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ahead)
        await press(pilot, "t")
        assert isinstance(app.screen, BoardScreen)  # no question asked
        assert "is before the interview" in toasts(app)[-1] and toasts(app)[-1].startswith(f"#{ahead} Umbra")
        assert contacts(app, ahead) == 0


async def test_the_board_says_its_own_key_for_a_prep_list(board):
    """QA: the status line sent a keyboard user to the shell: "(followup prep 7 --add …)"."""
    app, _ = board
    ahead = add(app.store, "Umbra", -2 * DAY)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ahead)
        await settle(pilot)
        line = str(app.screen.query_one("#status-line").render())
        assert "no prep list yet — enter, then p adds one" in line and "followup prep" not in line


async def test_h_on_a_round_still_ahead_says_when_it_is(board):
    """QA: H asked "Has round 2 happened?" of a round set for six days on."""
    app, ids = board
    app.store.move(ids["hooli"], Stage.NEXT_ROUND, NOW - HOUR, at=NOW + 6 * DAY)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ids["hooli"])
        await press(pilot, "H")
        question = str(app.screen.query_one(".question").render())
        assert "Round 2 is set for" in question and "in 6 days: has it happened already" in question
        await press(pilot, "w")
        assert focused_id(app)[1] == ids["hooli"] and focused_id(app)[0] == "waiting"


async def test_u_with_nothing_from_this_board_says_what_followup_undo_would_take_back(board):
    """QA: after the board was opened again, u said "nothing to be undone" of the change just made."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.store.log_contact(ids["globex"], Kind.THANK_YOU, NOW, NOW)  # as a board before this one did
        await press(pilot, "u")
        said = toasts(app)[-1]
        assert said.startswith("nothing this board did to be undone; the latest change, #")
        assert "'log thank-you on #2 Globex'" in said and said.endswith("is undone by: followup undo")


async def test_a_card_deleted_while_its_form_was_open_says_what_was_not_saved(board):
    """QA: saving a contact on a card another shell had deleted said only "no card #12"."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l")
        await press(pilot, "c")
        assert isinstance(app.screen, ContactForm)
        with Store.open(app.store.path) as other:  # another shell: followup delete
            other.delete(ids["initech"])
        await press(pilot, "ctrl+s")
        said = toasts(app)[-1]
        assert said.startswith("not saved: the reply for #") and "was deleted meanwhile, in another program" in said


async def test_a_card_whose_next_round_began_shows_that_round(board):
    """QA: a card read "round 1" over its own line "round 2 was 20h ago — send a thank-you"."""
    app, ids = board
    app.store.move(ids["hooli"], Stage.NEXT_ROUND, NOW - DAY, at=NOW - 20 * HOUR)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ids["hooli"])
        await settle(pilot)
        shown = app.focused.item(app.focused.cursor)
        assert shown.detail == "SRE · round 2 · prep 0/5" and shown.when == "round 2 was 20h ago"


async def test_the_log_form_records_what_they_asked_for(board):
    """QA: a reply saying "call me on Dec 3" could not carry that date from the log form (only `e`
    after it, as if the user had set it); the rules then took the call for an unsolicited nudge."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l")
        assert app.focused.current_id == ids["initech"]
        await press(pilot, "c")
        form = app.screen
        assert isinstance(form, ContactForm) and form.value("kind") == "reply"
        form.query_one("#follow-up-on").value = "Dec 3"
        form.query_one("#follow-up-via").value = "phone"
        form.query_one("#kind").value = "follow-up"
        await press(pilot, "ctrl+s")  # a follow-up of yours carries no instruction of theirs
        assert "goes with a reply, an answer or an offer" in str(form.query_one("#form-error").render())
        form.query_one("#note", Input).focus()
        await press(pilot, "x", "backspace")  # typing again: the error line about the last try goes (QA)
        assert str(form.query_one("#form-error").render()).strip() == ""
        form.query_one("#kind").value = "reply"
        form.query_one("#person").value = "Maya Green"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BoardScreen)
        assert toasts(app)[-1] == (
            f"#{ids['initech']} Initech: reply from Maya Green logged; follow-up date Dec 3; "
            "linked Maya Green (recruiter)"
        )
    with Store.open_readonly(app.store.path) as reader:
        initech = reader.get(ids["initech"])
    reply = initech.contacts[-1]
    assert (initech.card.follow_up_on.isoformat(), initech.card.follow_up_via) == ("2026-12-03", "phone")
    assert initech.card.follow_up_set_at == reply.at  # theirs, said in the reply: rule 5, never too soon


async def test_a_late_message_s_date_that_will_not_stay_is_asked_about(board):
    """QA: the log form took "hear from you on Dec 22" from a message dated before the one that had
    asked for Nov 30, kept Nov 30, and said only "reply logged": the user believed Dec 22 was saved."""
    app, ids = board
    instruction = Instruction(follow_up_on=(NOW + 4 * DAY).date(), follow_up_via=Channel.PHONE)
    app.store.log_contact(ids["initech"], Kind.REPLY, NOW - HOUR, NOW, instruction=instruction)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ids["initech"])
        await press(pilot, "c")
        form = app.screen
        form.query_one("#when").value = "2 days ago"
        form.query_one("#follow-up-on").value = "Dec 22"
        await press(pilot, "ctrl+s")
        question = str(app.screen.query_one(".question").render())
        assert "the follow-up date stays Nov 30, as their message of" in question and "is older" in question
        await press(pilot, "n")
        assert app.screen is form


async def test_a_dialogs_toasts_keep_clear_of_its_keys_and_buttons(board):
    """QA: on the draft screen "copied…" covered "s Mark as sent"; on the person form a toast covered
    Save: a dialog's toasts are at the top, the board's above its status line."""
    app, _ = board
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        app.notify("on the board")
        await press(pilot, "w")
        app.notify("on the draft")
        await settle(pilot)
        dialog = app.screen.get_child_by_id("textual-toastrack")
        assert dialog.styles.dock == "top" and dialog.region.y <= 1
        await press(pilot, "escape")
        rack = app.screen.get_child_by_id("textual-toastrack")
        assert rack.styles.dock == "bottom" and rack.region.bottom <= 36 - 2  # above the status line and keys


async def test_a_reply_that_ends_their_follow_up_date_says_so_on_the_board(db_path):
    """QA walk 10: a courtesy reply silently ended "email me on the 3rd"; the log's toast says so."""
    app, ids = make_app(db_path)
    app.store.update_card(ids["initech"], {"follow_up_on": (NOW + 7 * DAY).date()}, NOW - DAY)
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l")
        assert app.focused.current_id == ids["initech"]
        await press(pilot, "c")
        assert isinstance(app.screen, ContactForm) and app.screen.value("kind") == "reply"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BoardScreen)
        assert toasts(app)[-1].endswith(
            "; this reply ends their request to hear from you on Thu Dec 3; "
            "if it still stands: e, and type the date again"
        )
        await press(pilot, "e")  # the board's own way to keep it (QA walk 12: only a shell command could)
        form = app.screen
        assert isinstance(form, InterviewForm) and form.value("follow-up-on") == ""
        await press(pilot, "ctrl+s")  # saved as it was: the date stays ended
        assert toasts(app)[-1].endswith("nothing changed")
        await press(pilot, "e")
        app.screen.query_one("#follow-up-on", Input).value = "2026-12-03"
        await press(pilot, "ctrl+s")
        assert toasts(app)[-1].endswith("follow-up date given again: their message no longer ends it")
    with Store.open_readonly(app.store.path) as reader:
        initech = reader.get(ids["initech"])
    assert initech.card.follow_up_on.isoformat() == "2026-12-03"
    assert initech.card.follow_up_set_at == initech.contacts[-1].at  # as if their reply had said it


async def test_deleting_the_last_card_of_a_column_focuses_the_nearest_card(board):
    """QA walk 11: after d on the only card in Stay in touch, the focus stayed on the empty column."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "l", "l")
        assert focused_id(app) == ("stay-in-touch", ids["cyberdyne"])
        await press(pilot, "d", "y")
        assert focused_id(app)[0] == "waiting" and focused_id(app)[1] in (ids["hooli"], ids["initech"])
        await press(pilot, "u")
        assert focused_id(app) == ("stay-in-touch", ids["cyberdyne"])


async def test_no_to_logging_a_draft_too_soon_goes_back_to_the_draft(board):
    """QA walk 11: esc on the draft's "Log it anyway?" also closed the draft being read. At 80×24
    the draft's way out stays on its key line."""
    from followup_tui.tui.forms import Confirm
    from followup_tui.tui.keybar import KeyBar
    from followup_tui.tui.screens import DraftScreen

    app, ids = board
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "l", "j")
        assert focused_id(app) == ("waiting", ids["hooli"])  # thanked 2 days ago: a follow-up now is too soon
        await press(pilot, "w", "2")
        draft = app.screen
        assert isinstance(draft, DraftScreen) and "esc Close" in str(draft.query_one(KeyBar).render())
        await press(pilot, "s")
        assert isinstance(app.screen, Confirm)
        assert "Log it anyway?" in str(app.screen.query_one(".question").render())
        await press(pilot, "escape")
        assert app.screen is draft
        assert contacts(app, ids["hooli"]) == 1
        await press(pilot, "s", "y")
        assert isinstance(app.screen, BoardScreen)
    assert contacts(app, ids["hooli"]) == 2


async def test_w_names_the_panel_member_still_owed_a_note(db_path):
    """As `followup draft` says it: not "a thank-you anyway" when the card names who is owed one."""
    from followup_tui.tui.screens import DraftScreen

    app, ids = make_app(db_path)
    panel = add(app.store, "Cobalt", 5 * HOUR, interviewers=[("Zoe Martin", ""), ("Raj Patel", "")])
    app.store.log_contact(panel, Kind.THANK_YOU, NOW - HOUR, NOW, person="Zoe Martin")
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(panel)
        await settle(pilot)
        await press(pilot, "w")
        assert isinstance(app.screen, DraftScreen)
        body = str(app.screen.query_one("#draft-text").render())
        assert body.endswith("no thank-you yet to Raj Patel\n\n1 writes the thank-you to Raj Patel; 1–6 any of them.")
        await press(pilot, "1")
        assert "\nHi Raj,\n" in str(app.screen.query_one("#draft-text").render())


async def test_deleting_the_only_card_a_filter_shows_keeps_the_filter(board):
    """QA walk 12: the filter went, with a toast saying it hid the card just deleted."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "slash", *"acme", "enter")
        assert app.focused.current_id == ids["acme"]
        await press(pilot, "d", "y")
        assert app.screen.needle == "acme"
        assert not any("cleared" in toast for toast in toasts(app))
        assert all(not cards.ids for cards in app.screen.query(CardList))  # nothing else is called Acme


async def test_a_write_seen_while_a_screen_opens_does_not_crash_the_board(board):
    """CI under load: another connection's write, polled while the archive was still composing,
    refreshed it before its widgets existed (NoMatches '#archive-title'), and the board stopped."""
    from followup_tui.tui.screens import ArchiveScreen

    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        opening = app.push_screen(ArchiveScreen())
        app.refresh_screens()  # as _poll_other_writers does when data_version moved
        await opening
        await settle(pilot)
        assert isinstance(app.screen, ArchiveScreen)
        assert str(app.screen.query_one("#archive-title").render()).startswith("Archive (1)")
