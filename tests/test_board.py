"""The board through its keys (Pilot): what changes in the database and on screen."""

from __future__ import annotations

import time

import pytest
from board_fixtures import EVIL, HOUR, NOW, add, make_app, press, settle, toasts, until
from textual.widgets import Input

from followup_tui.domain.model import Channel, Kind, Outcome, Stage
from followup_tui.storage.store import Store
from followup_tui.tui.board import BoardScreen
from followup_tui.tui.card import CardScreen
from followup_tui.tui.cardlist import CardList
from followup_tui.tui.forms import ChooseOutcome, Confirm, ContactForm, InterviewForm
from followup_tui.tui.keybar import KeyBar
from followup_tui.tui.screens import ArchiveScreen


@pytest.fixture
def board(db_path):
    app, ids = make_app(db_path)
    return app, ids


def card(app, card_id):
    return app.store.get(card_id)


def focused(app) -> CardList:
    assert isinstance(app.focused, CardList)
    return app.focused


def shown_ids(app) -> dict[str, list[int]]:
    return {cards.stage: cards.ids for cards in app.screen.query(CardList)}


async def test_starts_on_the_most_urgent_card(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert focused(app).stage == "thank-you" and focused(app).current_id == ids["acme"]
        assert shown_ids(app) == {
            "thank-you": [ids["acme"], ids["globex"]],
            "waiting": [ids["initech"], ids["hooli"]],
            "next-round": [],
            "stay-in-touch": [ids["cyberdyne"]],
        }
        titles = [str(w.render()) for w in app.screen.query(".column-title")]
        assert titles == ["Thank-you (2)", "Waiting (2)", "Next round (0)", "Stay in touch (1)"]


async def test_navigation_keys(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "j")
        assert focused(app).current_id == ids["globex"]
        await press(pilot, "k")
        assert focused(app).current_id == ids["acme"]
        await press(pilot, "l")
        assert focused(app).stage == "waiting"
        await press(pilot, "G")
        assert focused(app).current_id == ids["hooli"]
        await press(pilot, "g")
        assert focused(app).current_id == ids["initech"]
        await press(pilot, "right", "right")
        assert focused(app).stage == "stay-in-touch"
        await press(pilot, "h", "left", "left")
        assert focused(app).stage == "thank-you"


async def test_shift_moves_a_card_between_stages(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "L")
        assert card(app, ids["initech"]).card.stage == Stage.NEXT_ROUND
        assert ids["initech"] in shown_ids(app)["next-round"]
        assert focused(app).stage == "next-round" and focused(app).current_id == ids["initech"]  # focus follows it
        await press(pilot, "L")  # so L again moves the same card on
        assert card(app, ids["initech"]).card.stage == Stage.STAY_IN_TOUCH
        await press(pilot, "H", "H", "w")  # from Next round, H asks: start the next round, or back to Waiting
        assert card(app, ids["initech"]).card.stage == Stage.WAITING
        assert focused(app).stage == "waiting" and focused(app).current_id == ids["initech"]
        assert [n.message for n in app._notifications][-1] == f"#{ids['initech']} Initech → Waiting"


async def test_t_logs_the_thank_you_and_moves_to_waiting(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "t")
        bundle = card(app, ids["acme"])
        assert bundle.card.stage == Stage.WAITING
        assert [(c.kind, c.at) for c in bundle.contacts] == [(Kind.THANK_YOU, app.now())]
        assert ids["acme"] in shown_ids(app)["waiting"]
        assert focused(app).stage == "waiting" and focused(app).current_id == ids["acme"]  # focus follows the card
        await press(pilot, "u")
        assert card(app, ids["acme"]).card.stage == Stage.THANK_YOU
        assert card(app, ids["acme"]).contacts == []
        await press(pilot, "ctrl+r")
        assert card(app, ids["acme"]).card.stage == Stage.WAITING


async def test_a_too_frequent_contact_asks_first(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j")  # Hooli, thanked 2 days ago
        assert focused(app).current_id == ids["hooli"]
        await press(pilot, "c")
        assert isinstance(app.screen, ContactForm)
        app.screen.query_one("#kind").value = "follow-up"
        await press(pilot, "ctrl+s")  # a follow-up, now
        assert isinstance(app.screen, Confirm)
        assert "too soon" in str(app.screen.query_one(".question").render())
        assert len(card(app, ids["hooli"]).contacts) == 1  # nothing logged yet
        await press(pilot, "y")
        assert [c.kind for c in card(app, ids["hooli"]).contacts] == [Kind.THANK_YOU, Kind.FOLLOW_UP]


async def test_a_declined_too_frequent_contact_is_not_logged(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j", "c")
        app.screen.query_one("#kind").value = "follow-up"
        await press(pilot, "ctrl+s", "n")  # no: back to the form, which esc then cancels
        assert isinstance(app.screen, ContactForm)
        await press(pilot, "escape")
        assert len(card(app, ids["hooli"]).contacts) == 1
        assert isinstance(app.screen, BoardScreen)


async def test_the_edit_form_writes_only_what_was_changed_in_it(board):
    """A shell edits the role and notes while the board's edit form is open; saving a new company
    name from the form keeps the shell's role and notes, and says only what the form changed."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, InterviewForm)
        with Store.open(app.store.path) as shell:
            shell.update_card(ids["acme"], {"role": "Staff Engineer", "notes": "from the shell"}, NOW)
        form.query_one("#company").value = "Acme Corp"
        await press(pilot, "ctrl+s")
        await until(pilot, lambda: not app.writing and isinstance(app.screen, BoardScreen))
        assert toasts(app)[-1] == "#1 Acme: company"
    edited = card(app, ids["acme"]).card
    assert (edited.company, edited.role, edited.notes) == ("Acme Corp", "Staff Engineer", "from the shell")


async def test_bad_input_in_a_form_is_shown_and_nothing_saved(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "n")
        assert isinstance(app.screen, InterviewForm)
        await press(pilot, "ctrl+s")
        assert "Company must not be empty" in str(app.screen.query_one("#form-error").render())
        await press(pilot, *"Umbrella", "tab", "tab")  # typed into Company, then on to When
        app.screen.query_one("#when").value = "the day after never"
        await press(pilot, "ctrl+s")
        assert "cannot read time" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one("#when").value = "yesterday 14:00"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BoardScreen)
    with Store.open_readonly(app.store.path) as reader:
        assert [b.card.company for b in reader.bundles()][-1] == "Umbrella"


async def test_x_rejected_moves_to_stay_in_touch_and_offers_a_gracious_reply(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "x")
        assert isinstance(app.screen, ChooseOutcome)
        await press(pilot, "r")
        bundle = card(app, ids["initech"])
        assert (bundle.card.stage, bundle.card.outcome, bundle.card.closed) == (
            Stage.STAY_IN_TOUCH,
            Outcome.REJECTED,
            False,
        )
        assert isinstance(app.screen, Confirm)  # "write a gracious reply?"
        await press(pilot, "n")
        assert ids["initech"] in shown_ids(app)["stay-in-touch"]


async def test_enter_in_the_close_and_round_questions_picks_nothing(board):
    """No answer is chosen for the user: a stray enter once closed the card as an offer."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "x", "enter")
        assert isinstance(app.screen, ChooseOutcome) and not card(app, ids["acme"]).card.closed
        await press(pilot, "w")
        assert card(app, ids["acme"]).card.closed and card(app, ids["acme"]).card.outcome == Outcome.WITHDRAWN


async def test_x_offer_archives(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "x", "o")
        assert card(app, ids["acme"]).card.closed and card(app, ids["acme"]).card.outcome == Outcome.OFFER
        assert ids["acme"] not in shown_ids(app)["thank-you"]


async def test_d_asks_then_deletes_and_u_restores(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "d")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "n")
        assert card(app, ids["acme"])
        await press(pilot, "d", "y")
        with pytest.raises(Exception, match="no card"):
            card(app, ids["acme"])
        assert ids["acme"] not in shown_ids(app)["thank-you"]
        await press(pilot, "u")
        restored = card(app, ids["acme"])
        assert restored.card.company == "Acme" and [p.name for p in restored.people] == ["Jane Doe"]
        assert focused(app).current_id == ids["acme"]


async def test_slash_filters_across_columns(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "slash", *"gavin")
        assert shown_ids(app) == {"thank-you": [], "waiting": [ids["hooli"]], "next-round": [], "stay-in-touch": []}
        await press(pilot, "enter", "escape")
        assert sum(len(v) for v in shown_ids(app).values()) == 5


async def test_archive_shows_closed_cards_and_restores(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "A")
        assert isinstance(app.screen, ArchiveScreen)
        assert app.screen.query_one(CardList).ids == [ids["vandelay"]]
        closed = "\n".join(app.screen.query_one(CardList).render_line(y).text for y in range(4))
        assert "closed Sep 7" in closed  # dated as list dates it (it said "Sep 07 2026")
        await press(pilot, "r")
        assert not card(app, ids["vandelay"]).card.closed
        await press(pilot, "escape")
        assert ids["vandelay"] in shown_ids(app)["thank-you"]


async def test_enter_in_the_archive_opens_the_closed_card_and_changes_nothing(board):
    """SPEC §6: enter opens the card. A closed card can be read; restoring it is r (a change)."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "A", "enter")
        head = str(app.screen.query_one("#card-head").render())
        assert "Vandelay — Importer" in head and "closed" in head
        assert card(app, ids["vandelay"]).card.closed
        footer = str(app.screen.query_one(KeyBar).render())
        assert "Edit" in footer and "Back" in footer  # a closed card's notes and people can still be fixed
        assert not {"Thanked", "Contact", "Close"} & set(footer.split())  # the footer leaves out what it refuses
        for key in ("t", "c", "x"):  # refused at once on the key, not after a form filled in for nothing
            await press(pilot, key)
            assert isinstance(app.screen, CardScreen)
            assert toasts(app)[-1] == f"#{ids['vandelay']} Vandelay is closed: r in the archive (A) reopens it first"
        assert card(app, ids["vandelay"]).contacts == []
        await press(pilot, "escape")
        assert isinstance(app.screen, ArchiveScreen)
        assert app.screen.query_one(CardList).ids == [ids["vandelay"]]


async def test_enter_opens_the_card_and_space_ticks_prep(board):
    app, ids = board
    app.store.prep_changes(ids["acme"], ["research the team", "questions to ask"])
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "enter")
        head = str(app.screen.query_one("#card-head").render())
        assert "Acme — Backend Engineer" in head and "OVERDUE thank-you note overdue by 6h" in head
        assert "Jane Doe (interviewer)" in str(app.screen.query_one("#card-people").get_option_at_index(0).prompt)
        app.screen.query_one("#card-prep").focus()
        await press(pilot, "space")
        assert [p.done for p in card(app, ids["acme"]).prep] == [True, False]
        await press(pilot, "escape")
        assert isinstance(app.screen, BoardScreen)


@pytest.mark.parametrize("no_color", [False, True])
async def test_prep_items_say_whether_they_are_done_in_words_not_only_colour(db_path, monkeypatch, no_color):
    """QA: every item read "▐X▌", ticked or not, in `tmux capture-pane -p`: only the X's colour differed."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # read (and taken out of the environment) as the app is made
    app, ids = make_app(db_path)
    assert app.no_color == no_color
    app.store.prep_changes(ids["acme"], ["research the team", "questions to ask"])
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "enter")
        checklist = app.screen.query_one("#card-prep")
        checklist.focus()
        await press(pilot, "space")
        await until(pilot, lambda: "✓" in str(checklist.get_option_at_index(0).prompt))
        assert str(checklist.get_option_at_index(0).prompt) == "1. ✓ research the team"
        assert str(checklist.get_option_at_index(1).prompt) == "2.   questions to ask"


async def test_changes_from_another_process_appear(board, db_path):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        with Store.open(db_path) as other:  # another terminal: followup log …
            other.log_contact(ids["globex"], Kind.THANK_YOU, app.now(), app.now())
        await until(pilot, lambda: ids["globex"] in shown_ids(app)["waiting"])  # the board looks each second


async def test_an_empty_column_s_key_bar_offers_no_card_keys_until_a_card_comes(board, db_path):
    """On an empty column nothing is focused: the key bar leaves out the keys that act on a card (they
    only said "no card here"), and offers them again when a write from a shell puts one there (QA F10)."""
    app, ids = board
    card_keys = {"Open", "Thank-you sent", "Log contact", "Draft"}

    def offered() -> set[str]:
        return {key.description for key in app.screen.query_one(KeyBar).keys}

    async with app.run_test(size=(160, 48)) as pilot:
        assert card_keys <= offered()
        await press(pilot, "l", "l")  # Next round: empty
        assert focused(app).stage == "next-round" and focused(app).current_id is None
        assert not card_keys & offered() and {"Add", "Filter", "Keys"} <= offered()
        with Store.open(db_path) as other:  # another terminal: followup log ID invite --round-at …
            other.log_contact(ids["initech"], Kind.INVITE, app.now(), app.now(), round_at=app.now() + 24 * HOUR)
        await until(pilot, lambda: focused(app).current_id == ids["initech"])
        assert card_keys <= offered()


async def test_a_passed_round_s_card_says_when_it_was_once(board):
    app, _ = board
    held = add(app.store, "Contoso", 10 * 24 * HOUR)
    app.store.log_contact(held, Kind.THANK_YOU, NOW - 9 * 24 * HOUR, NOW)
    app.store.log_contact(held, Kind.INVITE, NOW - 5 * 24 * HOUR, NOW, round_at=NOW - 2 * HOUR)
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(held)
        await settle(pilot)
        cards = focused(app)
        lines = [cards.render_line(y).text.strip() for y in range(cards.cursor * 5, cards.cursor * 5 + 4)]
        assert lines[2:] == ["round 2 was 2h ago", "send a thank-you within 22h"]


async def test_user_text_is_never_markup(db_path):
    app, ids = make_app(db_path, hostile=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "j", "j")  # the evil card is the second most urgent thank-you
        cards = focused(app)
        assert cards.current_id == ids["evil"]
        lines = "\n".join(cards.render_line(y).text for y in range(15))
        assert "[bold]Evil[/] [@click=app" in lines and "[red]role[/] · round 1" in lines
        assert f"#{ids['evil']} {EVIL} — [red]role[/]" in str(app.screen.query_one("#status-line").render())
        await pilot.click(CardList, offset=(5, 11))
        await press(pilot, "enter")
        assert EVIL in str(app.screen.query_one("#card-head").render())
        assert "\\x1b[31mred" in str(app.screen.query_one("#card-notes").render())
        assert app.is_running


async def test_keys_can_be_rebound_from_config(db_path):
    from followup_tui.domain.config import Config

    app, ids = make_app(db_path, config=Config(keys={"log-thank-you": "T"}))
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "t")
        assert card(app, ids["acme"]).contacts == []
        await press(pilot, "T")
        assert [c.kind for c in card(app, ids["acme"]).contacts] == [Kind.THANK_YOU]


def test_unknown_binding_in_config_exits_2(fu, tmp_path):
    (tmp_path / "config.toml").write_text('[keys]\nlog-thank-yu = "T"\n')
    result = fu("list")
    assert result.code == 0  # only the board reads [keys]
    result = fu()
    assert result.code == 2 and "keys.log-thank-yu is not a key binding" in result.err


async def test_w_shows_the_draft_copies_it_and_marks_it_sent(board):
    app, ids = board
    copied = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "w")
        from followup_tui.tui.screens import DraftScreen

        assert isinstance(app.screen, DraftScreen)
        assert copied and copied[0].startswith("Subject: Thank you") and "Hi Jane," in copied[0]
        await press(pilot, "s")
        bundle = card(app, ids["acme"])
        assert [c.kind for c in bundle.contacts] == [Kind.THANK_YOU] and bundle.card.stage == Stage.WAITING


async def test_command_palette_lists_the_board_actions(board):
    app, _ = board
    async with app.run_test(size=(160, 48)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Thank-you sent", "Log contact", "Archive", "Undo", "Filter"} <= set(titles)


async def test_a_card_turning_overdue_is_announced(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        app.now_text = "2026-11-27T08:00:00+00:00"  # Globex's thank-you deadline (Nov 27 07:00) has passed
        app._tick()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Globex is now overdue: thank-you note overdue by 1h") for m in messages)
        assert app.board.totals["overdue"] == 2


class _MinuteTurningSoon:
    """The app module's clock, shifted so that, from its first reading, the minute turns in 0.5 s."""

    monotonic = staticmethod(time.monotonic)

    def __init__(self) -> None:
        self.shift: float | None = None

    def time(self) -> float:
        now = time.time()
        if self.shift is None:
            self.shift = 60 - 0.5 - now % 60
        return now + self.shift


async def test_the_board_ticks_as_each_minute_turns(board, monkeypatch):
    """Flags and the header's clock change on the minute, not a minute after the board started
    (which showed the minute before for up to 59 s: QA walk 13, F8)."""
    from followup_tui.tui import app as app_module

    monkeypatch.setattr(app_module, "time", _MinuteTurningSoon())
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        app.now_text = "2026-11-27T08:00:00+00:00"  # Globex's thank-you deadline (Nov 27 07:00) has passed
        await pilot.pause(1.5)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Globex is now overdue: thank-you note overdue by 1h") for m in messages)


async def test_the_draft_screen_writes_the_other_templates_one_key_away(board):
    app, ids = board
    copied = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "w")  # Acme: the thank-you
        from textual.widgets import Static

        from followup_tui.tui.screens import DraftScreen

        assert isinstance(app.screen, DraftScreen)
        assert "others: 1 thank-you  2 follow-up  3 check-in" in str(
            app.screen.query_one(".draft-others", Static).render()
        )
        await press(pilot, "5")
        assert copied[-1].startswith("Subject: A favour: Acme") and "Draft: referral-ask" in str(
            app.screen.query_one("#draft-title", Static).render()
        )
        await press(pilot, "s")  # logs what was on screen: the referral ask, not the thank-you
        assert [c.kind for c in card(app, ids["acme"]).contacts] == [Kind.REFERRAL_ASK]


async def test_w_with_nothing_to_send_says_why_and_writes_one_only_when_asked(board):
    """SPEC §3.4: w follows `followup draft`: nothing is written or copied while the card says wait;
    1–6 write one anyway."""
    app, ids = board
    copied = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j")
        assert focused(app).current_id == ids["hooli"]  # waiting, thanked 2 days ago: nothing due
        await press(pilot, "w")
        from textual.widgets import Static

        from followup_tui.tui.screens import DraftScreen

        assert isinstance(app.screen, DraftScreen)
        assert "Nothing to send now" in str(app.screen.query_one("#draft-title", Static).render())
        body = str(app.screen.query_one("#draft-text", Static).render())
        assert body == "next contact from Dec 1\n\n2 writes a follow-up anyway; 1–6 any of them."
        assert "Mark as sent" not in str(app.screen.query_one(KeyBar).render())  # nothing to mark yet
        await press(pilot, "y", "s")  # no draft to copy or mark as sent
        assert copied == [] and isinstance(app.screen, DraftScreen)
        assert toasts(app)[-1] == "no draft yet: 1–6 write one"
        await press(pilot, "2")
        assert copied[-1].startswith("Subject: Following up") and "Draft: follow-up" in str(
            app.screen.query_one("#draft-title", Static).render()
        )
        await pilot.pause()
        assert "Mark as sent" in str(app.screen.query_one(KeyBar).render())
        await press(pilot, "s")  # too soon: the board asks first (SPEC §3.3)
        assert "Log it anyway?" in str(app.screen.query_one(".question").render())
        await press(pilot, "y")
    assert [c.kind for c in card(app, ids["hooli"]).contacts] == [Kind.THANK_YOU, Kind.FOLLOW_UP]


async def test_no_to_too_soon_goes_back_to_the_log_form_with_what_was_typed(board):
    """The board asks before logging a premature follow-up (SPEC §3.3); "no" returns to the form, the
    note still there, and "yes" then logs it as typed."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j")
        assert focused(app).current_id == ids["hooli"]  # thanked 2 days ago: a follow-up now is too soon
        await press(pilot, "c")
        form = app.screen
        assert isinstance(form, ContactForm) and form.value("kind") == "reply"  # what is likely, not too soon
        form.query_one("#kind").value = "follow-up"
        form.query_one("#note", Input).value = "asked about the team's roadmap"
        await press(pilot, "enter")
        assert "Log it anyway?" in str(app.screen.query_one(".question").render())
        await press(pilot, "n")
        assert app.screen is form and form.value("note") == "asked about the team's roadmap"
        await press(pilot, "enter", "y")
        assert isinstance(app.screen, BoardScreen)
    logged = card(app, ids["hooli"]).contacts[-1]
    assert (logged.kind, logged.note) == (Kind.FOLLOW_UP, "asked about the team's roadmap")
    assert len(card(app, ids["hooli"]).contacts) == 2


async def test_t_on_a_card_thanked_this_round_asks_before_logging_another(board):
    """t is offered on every card; a second thank-you for the round (a panel) is logged only when confirmed."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j")
        assert focused(app).current_id == ids["hooli"]  # thanked 2 days ago
        await press(pilot, "t")
        assert "A thank-you for this round is logged already" in str(app.screen.query_one(".question").render())
        await press(pilot, "n")
        assert isinstance(app.screen, BoardScreen) and len(card(app, ids["hooli"]).contacts) == 1
        await press(pilot, "t", "y")
        await until(pilot, lambda: not app.writing)
    assert [c.kind for c in card(app, ids["hooli"]).contacts] == [Kind.THANK_YOU, Kind.THANK_YOU]


async def test_t_on_a_panel_card_offers_the_next_note_to_the_one_not_thanked_yet(board):
    app, _ = board
    panel = add(app.store, "Globex Panel", 5 * HOUR, interviewers=[("Ann Lee", ""), ("Ben Ortiz", "")])
    app.store.log_contact(panel, Kind.THANK_YOU, NOW - HOUR, NOW, person="Ann Lee")
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(panel)
        await settle(pilot)
        assert "no thank-you yet to Ben Ortiz" in str(app.screen.query_one("#status-line").render())
        await press(pilot, "t")
        assert "Log another one (to Ben Ortiz)?" in str(app.screen.query_one(".question").render())
        await press(pilot, "y")
        await until(pilot, lambda: not app.writing)
    thanked = [card(app, panel).person(c.person_id).name for c in card(app, panel).contacts]
    assert thanked == ["Ann Lee", "Ben Ortiz"]


async def test_an_edit_that_makes_a_kept_follow_up_too_soon_says_so_in_its_toast(board):
    from datetime import date

    app, _ = board
    kept = add(app.store, "Northwind", 9 * 24 * HOUR, follow_up_on=date(2026, 11, 24), decision_by=date(2026, 11, 24))
    app.store.log_contact(kept, Kind.THANK_YOU, NOW - 8 * 24 * HOUR, NOW)
    app.store.log_contact(kept, Kind.FOLLOW_UP, NOW - 2 * 24 * HOUR, NOW)  # on the day they asked for
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(kept)
        await settle(pilot)
        await press(pilot, "e")
        app.screen.query_one("#follow-up-on").value = "2026-12-01"
        await press(pilot, "ctrl+s")
        await until(pilot, lambda: not app.writing)
        assert "now TOO SOON: they said they would decide by Nov 24" in toasts(app)[-1]
        assert toasts(app)[-1].endswith("(u takes the edit back)")


async def test_t_on_a_card_not_waiting_for_a_thank_you_asks_first(board):
    """Cyberdyne was rejected 100 days ago and never thanked: t asks before logging a note it does not ask for."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "#", *str(ids["cyberdyne"]), "enter")
        assert focused(app).current_id == ids["cyberdyne"]
        await press(pilot, "t")
        assert "This card is not waiting for a thank-you" in str(app.screen.query_one(".question").render())
        await press(pilot, "n")
    assert card(app, ids["cyberdyne"]).contacts[-1].kind == Kind.REJECTION


async def test_a_round_without_a_date_says_the_board_key_that_sets_it(board):
    """The rules' line names the shell command (followup edit N --round-at WHEN); the board names e."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j")
        assert focused(app).current_id == ids["hooli"]
        await press(pilot, "L")
        await until(pilot, lambda: focused(app).current_id == ids["hooli"] and not app.writing)
        shown = str(app.screen.query_one("#status-line").render())
        assert "round 2: date not set yet — e sets it" in shown and "followup edit" not in shown


async def test_an_answered_offer_says_the_board_key_that_closes_it(board):
    """The rules' line ends on (followup close N), as SPEC §3.3 words it for the shell; the board names x."""
    app, ids = board
    app.store.log_contact(ids["hooli"], Kind.OFFER, NOW - HOUR, NOW)
    app.store.log_contact(ids["hooli"], Kind.ANSWER, NOW - HOUR / 2, NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(ids["hooli"])
        await settle(pilot)
        shown = str(app.screen.query_one("#status-line").render())
        assert "close the card when it is settled — x closes it" in shown and "followup close" not in shown


async def test_the_log_form_starts_with_the_contact_the_next_action_asks_for(board):
    """Acme's next action is a thank-you to Jane Doe by email: `c` offers just that, enter logs it;
    Initech, thanked and waiting with nothing to send yet, starts on a reply (what comes next most
    likely; a follow-up would be the one to ask "too soon?" about)."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l")
        assert focused(app).current_id == ids["initech"]
        await press(pilot, "c")
        assert (app.screen.value("kind"), app.screen.value("channel"), app.screen.value("person")) == (
            "reply",
            "email",
            "",
        )
        await press(pilot, "escape", "h")
        assert focused(app).current_id == ids["acme"]
        await press(pilot, "c")
        form = app.screen
        assert isinstance(form, ContactForm)
        assert (form.value("kind"), form.value("channel"), form.value("person")) == ("thank-you", "email", "Jane Doe")
        await press(pilot, "enter")
        assert isinstance(app.screen, BoardScreen)
    thanked = card(app, ids["acme"]).contacts[-1]
    jane = next(p for p in card(app, ids["acme"]).people if p.name == "Jane Doe")
    assert (thanked.kind, thanked.channel, thanked.person_id) == (Kind.THANK_YOU, Channel.EMAIL, jane.id)


async def test_enter_saves_the_log_form_from_its_dropdowns_and_picks_inside_an_open_list(board):
    """A keyboard user presses enter to save from any field; only in an open dropdown does it pick."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l")  # Initech, thanked 9 days ago: a follow-up is fine
        assert focused(app).current_id == ids["initech"]
        await press(pilot, "c")
        assert isinstance(app.screen, ContactForm) and app.focused.id == "kind"
        await press(pilot, "down")  # down opens the list of kinds (on reply)
        await press(pilot, "up", "up", "up", "up", "enter")  # enter in the open list picks: follow-up
        assert isinstance(app.screen, ContactForm) and app.screen.value("kind") == "follow-up"
        await press(pilot, "enter")  # on the Kind dropdown, closed: saves a follow-up, now
        assert isinstance(app.screen, BoardScreen)
        assert [c.kind for c in card(app, ids["initech"]).contacts] == [Kind.THANK_YOU, Kind.FOLLOW_UP]
        await press(pilot, "c", "down")  # down opens the list of kinds (on reply)
        assert isinstance(app.screen, ContactForm)
        await press(pilot, "up", "up", "up", "enter")  # check-in
        assert isinstance(app.screen, ContactForm) and app.screen.value("kind") == "check-in"
        await press(pilot, "tab")  # on to Channel
        assert app.focused.id == "channel"
        await press(pilot, "enter")  # a closed dropdown again: saves (a check-in so soon asks first)
        assert isinstance(app.screen, Confirm)
        await press(pilot, "y")
        assert isinstance(app.screen, BoardScreen)
    contacts = card(app, ids["initech"]).contacts
    assert [c.kind for c in contacts] == [Kind.THANK_YOU, Kind.FOLLOW_UP, Kind.CHECK_IN]


@pytest.mark.parametrize("width", [160, 80, 72])
async def test_the_header_never_cuts_its_date_short(db_path, width):
    """QA: at 80×24 the header ended "Thu Mar 1…" on Mar 11, which reads as another date. What does not
    fit is left out whole: the year, then the weekday, the time, at last the date."""
    app, _ = make_app(db_path, now_text="2026-03-11 14:00")
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one("#totals").render()).rstrip()
        assert "…" not in header and len(header) <= width
        said = header.split("  ·  ")[-1]
        if width == 160:
            assert said == "Wed Mar 11 2026 14:00"
        else:
            assert said in ("Wed Mar 11 14:00", "Mar 11 14:00", "Wed Mar 11", "Mar 11") or said.endswith(" active")
        await pilot.resize_terminal(160, 24)
        await pilot.pause()
        assert str(app.screen.query_one("#totals").render()).rstrip().endswith("  ·  Wed Mar 11 2026 14:00")


async def test_the_log_form_names_the_one_obvious_person_while_waiting(board):
    """Hooli, thanked and waiting, has one interviewer: `c` starts on a reply from him, and a follow-up
    logged from it is with him (QA: the follow-up was logged with nobody)."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j")
        assert focused(app).current_id == ids["hooli"]
        await press(pilot, "c")
        form = app.screen
        assert (form.value("kind"), form.value("channel"), form.value("person")) == ("reply", "email", "Gavin Belson")
        await press(pilot, "down", "up", "up", "up", "up", "enter")  # follow-up
        assert form.value("kind") == "follow-up"
        await press(pilot, "enter", "y")  # saved (a follow-up two days on asks first)
        assert isinstance(app.screen, BoardScreen)
    hooli = card(app, ids["hooli"])
    gavin = next(p for p in hooli.people if p.name == "Gavin Belson")
    assert (hooli.contacts[-1].kind, hooli.contacts[-1].person_id) == (Kind.FOLLOW_UP, gavin.id)
