"""The board a keyboard user trusts (issue 13): focus follows the card, every write says what it did,
rounds, forms that hold every field, fixing mistakes, the card screen, narrow terminals, colours."""

from __future__ import annotations

import os
import signal
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from board_fixtures import DAY, HOUR, NOW, add, make_app, press, settle, toasts, until
from textual import events

from followup_tui.domain.model import Channel, Kind, Outcome, Relation, Stage
from followup_tui.storage.store import NewCard, Store
from followup_tui.tui.board import BoardScreen
from followup_tui.tui.card import CardBody, CardScreen
from followup_tui.tui.cardlist import CardList
from followup_tui.tui.forms import Confirm, InterviewForm, WhenForm
from followup_tui.tui.screens import ArchiveScreen, HelpScreen


@pytest.fixture
def board(db_path):
    return make_app(db_path)


def card(app, card_id):
    with Store.open_readonly(app.store.path) as reader:
        return reader.get(card_id)


def focused_id(app) -> tuple[str, int | None]:
    assert isinstance(app.focused, CardList)
    return app.focused.stage, app.focused.current_id


# --- focus follows the card; every write says what it did ------------------------------------


async def test_focus_follows_the_card_and_each_write_is_announced(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "t")  # Acme's thank-you: it moves to Waiting, and so does the focus
        assert focused_id(app) == ("waiting", ids["acme"])
        assert toasts(app)[-1] == f"#{ids['acme']} Acme: thank-you to Jane Doe logged → Waiting"
        await press(pilot, "L")
        assert focused_id(app) == ("next-round", ids["acme"])
        assert toasts(app)[-1] == f"#{ids['acme']} Acme → Next round"
        await press(pilot, "x", "o")  # closed as an offer: off the board, the focus stays in its column
        assert card(app, ids["acme"]).card.closed
        assert toasts(app)[-1] == f"#{ids['acme']} Acme closed (offer): in the archive (A)"
        await press(pilot, "A")
        assert isinstance(app.screen, ArchiveScreen)
        await press(pilot, "r")  # restored: back on the board, focused
        assert isinstance(app.screen, BoardScreen) and focused_id(app) == ("next-round", ids["acme"])
        assert toasts(app)[-1] == (  # the close alone said offer: the log is what an outcome rests on
            f"#{ids['acme']} Acme is back on the board, in Next round; "
            "its outcome is open again (it was closed as offer)"
        )


async def test_undoing_an_add_takes_the_focus_back_where_it_was(board):
    """QA: after `n` and `u`, the focus sat on whichever card took the new one's place, not on the
    card the user had been on; the next key acted on it."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "j")
        assert focused_id(app) == ("waiting", ids["hooli"])
        await press(pilot, "n", *"Umbrella", "ctrl+s")
        assert focused_id(app)[0] == "thank-you"
        await press(pilot, "u")
        assert toasts(app)[-1].startswith("undone: add")
        assert focused_id(app) == ("waiting", ids["hooli"])


async def test_h_on_a_rejected_card_asks_before_reopening_it(board):
    """QA: H on a card they had turned down moved it and set its outcome back to open, without a
    word; one slip of a key undid their "no"."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(ids["cyberdyne"])
        await settle(pilot)
        await press(pilot, "H")
        assert isinstance(app.screen, Confirm)
        assert "Cyberdyne turned you down: moving it to Next round reopens it." in str(
            app.screen.query_one(".question").render()
        )
        await press(pilot, "n")
        assert card(app, ids["cyberdyne"]).card.stage == Stage.STAY_IN_TOUCH
        await press(pilot, "H", "y")
        moved = card(app, ids["cyberdyne"]).card
        assert (moved.stage, moved.outcome) == (Stage.NEXT_ROUND, Outcome.OPEN)
        assert toasts(app)[-1] == f"#{ids['cyberdyne']} Cyberdyne: reopened → Next round"


async def test_follow_is_one_call_for_anything_that_changed_a_card(board):
    """What undo (or any other change made here) calls to show the card and focus it."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        app.store.move(ids["initech"], Stage.STAY_IN_TOUCH, NOW)  # as an undo would, on its own connection
        app.card_changed(ids["initech"])
        await settle(pilot)
        assert focused_id(app) == ("stay-in-touch", ids["initech"])
        assert ids["initech"] in app.screen.query_one("#list-stay-in-touch", CardList).ids


async def test_a_rejection_follows_the_card_to_stay_in_touch(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "l", "x", "r", "n")  # Initech said no; no gracious reply now
        assert focused_id(app) == ("stay-in-touch", ids["initech"])
        assert f"#{ids['initech']} Initech: rejection logged; outcome rejected → Stay in touch" in toasts(app)


# --- rounds ------------------------------------------------------------------------------


async def test_h_on_a_next_round_card_starts_the_next_round(board):
    app, ids = board
    round_at = datetime(2026, 11, 27, 15, tzinfo=UTC)
    app.store.move(ids["hooli"], Stage.NEXT_ROUND, NOW, at=round_at)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ids["hooli"])
        await press(pilot, "H", "s")  # H offers: start round 2, or back to Waiting
        assert isinstance(app.screen, WhenForm)
        assert app.screen.query_one("#when").value == "2026-11-27 15:00"
        await press(pilot, "ctrl+s")
        hooli = card(app, ids["hooli"]).card
        assert (hooli.stage, hooli.round, hooli.interview_at, hooli.next_round_at) == (
            Stage.THANK_YOU,
            2,
            round_at,
            None,
        )
        assert focused_id(app) == ("thank-you", ids["hooli"])
        assert toasts(app)[-1] == f"#{ids['hooli']} Hooli: round 2 starts → Thank-you"


async def test_t_on_a_passed_next_round_starts_it_and_the_focus_follows(board):
    app, ids = board
    app.store.move(ids["hooli"], Stage.NEXT_ROUND, NOW - 2 * DAY, at=NOW - 5 * HOUR)  # round 2 was 5h ago
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ids["hooli"])
        await press(pilot, "t")
        hooli = card(app, ids["hooli"]).card
        assert (hooli.stage, hooli.round) == (Stage.WAITING, 2)
        assert focused_id(app) == ("waiting", ids["hooli"])
        assert toasts(app)[-1] == f"#{ids['hooli']} Hooli: thank-you to Gavin Belson logged; round 2 starts → Waiting"


async def test_the_card_form_has_every_field(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, InterviewForm)
        people = form.query_one("#people")
        people.focus()
        await press(pilot, "space")  # untick Jane Doe: she leaves the card
        form.query_one("#interviewers").value = "Raj Patel <raj@acme.example>, Mei Chen"
        form.query_one("#round-at").value = "2026-12-08 15:00"
        form.query_one("#follow-up-on").value = "2026-12-03"
        form.query_one("#via").value = "phone"
        form.query_one("#decision-by").value = "2026-12-10"
        form.query_one("#topic").value = "the payments rewrite"
        await press(pilot, "ctrl+s")
        bundle = card(app, ids["acme"])
    acme = bundle.card
    assert [(p.name, p.email, p.relation) for p in bundle.people] == [
        ("Raj Patel", "raj@acme.example", Relation.INTERVIEWER),
        ("Mei Chen", "", Relation.INTERVIEWER),
    ]
    assert (acme.follow_up_on.isoformat(), acme.follow_up_via, acme.decision_by.isoformat(), acme.topic) == (
        "2026-12-03",
        Channel.PHONE,
        "2026-12-10",
        "the payments rewrite",
    )
    assert acme.next_round_at == datetime(2026, 12, 8, 15, tzinfo=UTC)
    assert toasts(app)[-1] == (
        f"#{ids['acme']} Acme: follow-up date, follow-up channel, decision date, topic, "
        "next round, linked Raj Patel, linked Mei Chen, unlinked Jane Doe"
    )


async def test_a_new_interview_keeps_its_topic(board, db_path):
    app, _ = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "n", *"Umbrella")
        app.screen.query_one("#topic").value = "on-call load"
        await press(pilot, "ctrl+s")
        focused = app.focused.current_id
        assert card(app, focused).card.topic == "on-call load"
        assert f"#{focused} Umbrella added to Thank-you" in toasts(app)  # (a tick's toast may follow it)


# --- fixing mistakes on the card screen ---------------------------------------------------------


async def test_people_prep_and_contacts_are_fixed_on_the_card_screen(board):
    app, ids = board
    app.store.prep_changes(ids["hooli"], ["research", "stories"])
    app.store.log_contact(ids["hooli"], Kind.FOLLOW_UP, NOW - HOUR, NOW, note="typo")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.follow(ids["hooli"])
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, CardScreen)
        screen.query_one("#card-people").focus()
        await press(pilot, "e")
        app.screen.query_one("#title").value = "SRE lead"
        await press(pilot, "ctrl+s")
        screen.query_one("#card-prep").focus()
        await press(pilot, "j", "e")
        app.screen.query_one("#line").value = "two stories"
        await press(pilot, "ctrl+s", "k", "d", "y")  # remove "research"
        screen.query_one("#card-contacts").focus()  # newest first: the follow-up
        await press(pilot, "e")
        app.screen.query_one("#note").value = "asked about the timeline"
        await press(pilot, "ctrl+s", "j", "d", "y")  # remove the thank-you
        bundle = card(app, ids["hooli"])
        assert [(p.name, p.title) for p in bundle.people] == [("Gavin Belson", "SRE lead")]
        assert [p.text for p in bundle.prep] == ["two stories"]
        assert [(c.kind, c.note) for c in bundle.contacts] == [(Kind.FOLLOW_UP, "asked about the timeline")]
        screen.query_one("#card-people").focus()
        await press(pilot, "d", "y")
        assert card(app, ids["hooli"]).people == []
    said = toasts(app)
    for line in (
        "Gavin Belson updated: title",
        "prep item now reads two stories",
        "prep item removed: research",
        "contact 2 fixed: note",
        "contact 1 (thank-you) removed; back in thank-you",  # the note it moved the card on with is owed again
        "Gavin Belson unlinked",
    ):
        assert any(line in message for message in said), line


async def test_a_contact_s_kind_fixed_on_the_card_screen_moves_the_card(board):
    """Hooli's thank-you was in fact a follow-up: fixed, the card is back in Thank-you, and says so."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(ids["hooli"])
        await settle(pilot)
        await press(pilot, "enter")
        app.screen.query_one("#card-contacts").focus()
        await press(pilot, "e")
        app.screen.query_one("#kind").value = "follow-up"
        await press(pilot, "ctrl+s")
        assert card(app, ids["hooli"]).card.stage == Stage.THANK_YOU
        assert toasts(app)[-1] == f"#{ids['hooli']} Hooli: contact 1 fixed: kind (now follow-up); card → Thank-you"


async def test_the_card_screen_reads_like_a_pager_at_once(board, db_path):
    app, ids = board
    app.store.update_card(ids["acme"], {"notes": "\n".join(f"line {n}" for n in range(200))}, NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "enter")
        body = app.screen.query_one(CardBody)
        assert app.focused is body
        await press(pilot, "j")
        assert body.scroll_y == 1
        await press(pilot, "space")
        assert body.scroll_y > 10
        await press(pilot, "pagedown", "G")
        assert body.scroll_y == body.max_scroll_y > 100
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Add prep item", "Link person", "Notes in $EDITOR", "Draft"} <= titles
        assert not titles & {"Filter", "Archive", "Add", "Move card to the next stage"}


async def test_page_keys_in_a_list_give_the_page_the_focus_back(board):
    """G in the people list scrolls to the end of the notes: the page has the focus again, so k
    scrolls it instead of moving a highlight the user no longer sees (QA walk 13, F4)."""
    app, ids = board
    app.store.update_card(ids["acme"], {"notes": "\n".join(f"line {n}" for n in range(200))}, NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "enter", "tab")
        people, body = app.screen.query_one("#card-people"), app.screen.query_one(CardBody)
        assert app.focused is people
        await press(pilot, "G")
        assert app.focused is body and body.scroll_y == body.max_scroll_y > 100
        await press(pilot, "k")
        assert body.scroll_y == body.max_scroll_y - 1 and people.highlighted == 0
        await press(pilot, "g")
        assert app.focused is body and body.scroll_y == 0


async def test_a_burst_of_j_scrolls_the_card_a_line_a_key(board):
    """Ten j sent back to back (a held key) scroll ten lines, as in less (QA walk 13, F5: Textual's
    animated scroll gave 3 or 4)."""
    app, ids = board
    app.store.update_card(ids["acme"], {"notes": "\n".join(f"line {n}" for n in range(200))}, NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "enter")
        body = app.screen.query_one(CardBody)
        for key in "j" * 10:  # queued at once, as a terminal sends a held key
            app.post_message(events.Key(key, key))
        await until(pilot, lambda: body.scroll_y >= 10)  # a loaded machine may take its time
        await settle(pilot)
        assert body.scroll_y == 10
        for key in "k" * 4:
            app.post_message(events.Key(key, key))
        await until(pilot, lambda: body.scroll_y <= 6)
        await settle(pilot)
        assert body.scroll_y == 6


async def test_page_keys_scroll_at_once_however_fast(board):
    """G and g get there at once, and space three times in a burst is three pages (QA walk 14, F6:
    an animation took most of a second, and a capture meanwhile showed the page short of the end)."""
    app, ids = board
    app.store.update_card(ids["acme"], {"notes": "\n".join(f"line {n}" for n in range(200))}, NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "enter")
        body = app.screen.query_one(CardBody)
        app.post_message(events.Key("G", "G"))
        await pilot.pause(0.05)
        assert body.scroll_y == body.max_scroll_y > 100
        app.post_message(events.Key("g", "g"))
        await pilot.pause(0.05)
        assert body.scroll_y == 0
        for _ in range(3):
            app.post_message(events.Key("space", " "))
        await pilot.pause(0.05)
        assert body.scroll_y == 3 * body.scrollable_content_region.height


async def test_the_help_and_the_figures_have_a_key_bar_of_their_own(board):
    """With ? open over the board, the key bar offered the board's Open, t, c and w, which do nothing
    there (QA walk 14, F7): it offers what works, Close."""
    app, _ = board
    async with app.run_test(size=(120, 36)) as pilot:
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("KeyBar")
        assert [key.description for key in keys.keys] == ["Close"]
        assert "Open" not in keys.render().plain and "Close" in keys.render().plain
        await press(pilot, "escape", "S", "question_mark")
        assert [key.description for key in app.screen.query_one("KeyBar").keys] == ["Close"]


async def test_e_edits_notes_in_the_editor(board, tmp_path, monkeypatch):
    app, ids = board
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "\\nasked for a second call\\n" >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "enter", "E")
        assert card(app, ids["acme"]).card.notes == "talked about payments\nasked for a second call"
        assert toasts(app)[-1] == f"#{ids['acme']} Acme: notes saved"
        assert sum("notes saved" in toast for toast in toasts(app)) == 1
        assert "asked for a second call" in str(app.screen.query_one("#card-notes").render())
        editor.write_text("#!/bin/sh\nexit 3\n")
        await press(pilot, "E")
        assert "the editor exited with 3" in toasts(app)[-1]
    assert not list(tmp_path.glob("followup-notes-*"))  # the notes' file is gone


async def test_a_ten_megabyte_note_opens_with_its_head_and_more_on_scroll(board):
    app, ids = board
    app.store.update_card(ids["acme"], {"notes": "x" * 99 + "\n"} and {"notes": ("y" * 99 + "\n") * 100_000}, NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "enter")
        notes = str(app.screen.query_one("#card-notes").render())
        assert len(notes) < 30_000 and "more characters: scroll on" in notes
        await press(pilot, "G")
        assert len(str(app.screen.query_one("#card-notes").render())) > len(notes)


# --- finding cards ------------------------------------------------------------------------------


async def test_hash_jumps_to_a_card_by_id(board):
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "number_sign", *str(ids["cyberdyne"]), "enter")
        assert focused_id(app) == ("stay-in-touch", ids["cyberdyne"])
        await press(pilot, "number_sign", *str(ids["vandelay"]), "enter")
        assert toasts(app)[-1] == f"#{ids['vandelay']} Vandelay is closed: in the archive (A), where r restores it"
        await press(pilot, "number_sign", *"99", "enter")  # the dialog stays, to try another id
        assert str(app.screen.query_one("#form-error").render()) == "No card #99"
        assert str(app.screen.query_one("#save").label) == "Go"
        await press(pilot, "backspace", "backspace", *str(ids["hooli"]), "enter")
        assert focused_id(app) == ("waiting", ids["hooli"])


async def test_slash_filters_by_flag_and_finds_prep_and_contact_notes(board):
    app, ids = board
    app.store.prep_changes(ids["initech"], ["payments deep dive"])
    app.store.log_contact(ids["hooli"], Kind.FOLLOW_UP, NOW - HOUR, NOW, note="asked about pagers")

    def shown():
        return {cards.stage: cards.ids for cards in app.screen.query(CardList) if cards.ids}

    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "slash", *"overdue")
        assert shown() == {"thank-you": [ids["acme"]]}
        assert "only OVERDUE: 1 shown" in str(app.screen.query_one("#totals").render())
        await press(pilot, "escape", "slash", *"due")
        assert shown() == {"thank-you": [ids["globex"]], "stay-in-touch": [ids["cyberdyne"]]}
        await press(pilot, "escape", "slash", *"deep dive")
        assert shown() == {"waiting": [ids["initech"]]}
        await press(pilot, "escape", "slash", *"PAGERS")
        assert shown() == {"waiting": [ids["hooli"]]}


async def test_a_card_leaving_the_filter_after_a_key_clears_it_and_says_so(board):
    """QA: thanking the one OVERDUE card under /overdue cleared the filter without a word."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "slash", *"overdue", "enter", "t")  # Acme thanked: no longer overdue
        assert focused_id(app) == ("waiting", ids["acme"])
        assert f"filter 'overdue' cleared: it hid #{ids['acme']}" in toasts(app)


# --- narrow terminals, colours ---------------------------------------------------------------------


async def test_at_80_by_24_counts_ids_keys_and_the_whole_reason_show(db_path):
    app, ids = make_app(db_path)
    long_company = "Initrode Global Payments Infrastructure Group"
    ids["long"] = add(app.store, long_company, 30 * HOUR, "Principal Site Reliability Engineer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [str(title.render()) for title in app.screen.query(".column-title")]
        assert [title.rsplit("(", 1)[1] for title in titles] == ["3)", "2)", "0)", "1)"]
        keys = app.screen.query_one("KeyBar").render().plain
        assert keys.rstrip().endswith("? Keys  q Quit")
        first = app.focused.render_line(0).text
        assert first.rstrip().endswith(f"#{app.focused.current_id}")
        app.follow(ids["long"])
        await settle(pilot)
        status = app.screen.query_one("#status-line")
        text = str(status.render())
        assert text == (
            f"#{ids['long']} {long_company} — Principal Site Reliability Engineer · "
            "OVERDUE thank-you note overdue by 6h"
        )
        assert status.size.height == 2  # wrapped: the whole line, not cut


async def test_the_status_line_wraps_anew_when_the_terminal_is_resized(db_path):
    app, ids = make_app(db_path)
    ids["long"] = add(app.store, "Initrode Global Payments Infrastructure Group", 30 * HOUR, "Principal SRE")
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(ids["long"])
        await settle(pilot)
        status = app.screen.query_one("#status-line")
        assert status.size.height == 1
        await pilot.resize_terminal(60, 24)
        await settle(pilot)
        assert status.size.height == 2 and str(status.render()).endswith("overdue by 6h")


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_toasts_never_cover_the_status_line(board, size):
    app, ids = board
    async with app.run_test(size=size, notifications=True) as pilot:
        await press(pilot, "t", "L")  # two writes: two toasts stacked
        await pilot.pause(0.3)  # their fade-in
        status = app.screen.query_one("#status-line")
        shown = list(app.screen.query("Toast"))
        assert len(shown) == 2 and str(status.render()).startswith(f"#{ids['acme']} Acme")
        assert not any(toast.region.overlaps(status.region) for toast in shown)
        widget, _ = app.screen.get_widget_at(status.region.right - 2, status.region.y)
        assert widget is status  # where a toast sat before
        await press(pilot, "x")  # a dialog over the board: its toasts too
        app.notify("a toast while the question is open")
        await pilot.pause(0.3)
        dialog_toasts = list(app.screen.query("Toast"))
        assert dialog_toasts and not any(toast.region.overlaps(status.region) for toast in dialog_toasts)


async def test_five_distinct_readable_colours_in_every_theme(board):
    from textual.color import Color

    from followup_tui.tui.palette import MIN_CONTRAST, MIN_DELTA, contrast, delta

    app, _ = board
    async with app.run_test(size=(160, 48)) as pilot:
        cards = app.screen.query_one("#list-thank-you", CardList)
        for theme in app.available_themes:
            app.theme = theme
            await pilot.pause()
            drawn = {
                flag: cards.card_styles()[f"card-list--{flag}"].color
                for flag in ("overdue", "too-frequent", "due", "no-reply", "marker")
            }
            declared = {
                name: Color.parse(app.theme_variables[f"flag-{name if name != 'marker' else 'focus'}"])
                for name in drawn
            }
            assert {name: colour.rich_color for name, colour in declared.items()} == drawn, theme
            on_screen = {seg.text.strip(): seg.style.color for seg in cards.render_line(0) if seg.style}
            assert on_screen["OVERDUE"] == drawn["overdue"] and on_screen["▶"] == drawn["marker"], theme
            background = Color.parse(app.theme_variables["background"])
            colours = list(declared.values())
            assert min(delta(a, b) for n, a in enumerate(colours) for b in colours[n + 1 :]) >= MIN_DELTA, theme
            assert min(contrast(c, background) for c in colours) >= MIN_CONTRAST, theme


async def test_the_help_screen_pages_like_the_card_screen(board):
    app, _ = board
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "question_mark")
        page = app.screen.query_one("HelpBody")
        assert page.max_scroll_y > 0 and page.scroll_y == 0
        await press(pilot, "G")
        await pilot.pause(0.3)  # the scroll's animation
        assert page.scroll_y == page.max_scroll_y
        await press(pilot, "g")
        await pilot.pause(0.3)
        assert page.scroll_y == 0


async def test_the_help_screen_has_a_legend(board):
    app, _ = board
    async with app.run_test(size=(100, 48)) as pilot:
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        legend = app.screen.query_one("#legend").render()
        assert [line.split()[0] for line in str(legend).splitlines()[1:6]] == ["OVERDUE", "TOO", "DUE", "NO", "▶"]
        colours = {getattr(span.style, "foreground", None) for span in legend.spans} - {None}
        assert len(colours) == 5
        keys = str(app.screen.query("HelpBody Static")[-1].render())
        for line in ("Draft (w)", "[draft-sent]", "Forms and questions", "[form-save]", "Tick or untick a prep item"):
            assert line in keys  # every key (SPEC §6): QA missed the draft screen's, the forms', space
        assert "[help-close]" in keys and "[help-scroll-bottom]" in keys


# --- a locked database ------------------------------------------------------------------------------


@contextmanager
def write_lock(db_path):
    """Another program holds the database's write lock until `.execute("ROLLBACK")` lets it go."""
    locker = sqlite3.connect(db_path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        yield locker
    finally:
        locker.close()


async def test_a_locked_database_never_freezes_the_board_and_the_write_is_offered_again(db_path):
    app, ids = make_app(db_path, busy_timeout_ms=2000)
    with write_lock(db_path) as locker:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("t")
            assert app.writing == 1 and "saving…" in str(app.screen.query_one("#status-line").render())
            await pilot.press("j")
            await pilot.pause(0.6)
            assert app.writing == 1 and app.focused.current_id == ids["globex"]  # the board still answers
            for _ in range(40):
                if app.screen.__class__.__name__ == "Confirm":
                    break
                await pilot.pause(0.1)
            assert "Could not save the thank-you for #1 Acme" in str(app.screen.query_one(".question").render())
            assert card(app, ids["acme"]).contacts == []
            locker.execute("ROLLBACK")
            await press(pilot, "y")  # try again: now it goes through
            assert [c.kind for c in card(app, ids["acme"]).contacts] == [Kind.THANK_YOU]
            assert toasts(app)[-1] == f"#{ids['acme']} Acme: thank-you to Jane Doe logged → Waiting"


async def test_a_slow_save_leaves_the_focus_where_the_user_went_meanwhile(db_path):
    """QA: the focus jumped back to the saved card once a lock let go, and the next key acted on it."""
    app, ids = make_app(db_path, busy_timeout_ms=5000)
    with write_lock(db_path) as locker:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("t")  # Acme's thank-you waits for the lock
            await pilot.press("j")
            await pilot.pause(0.6)
            assert app.writing == 1 and app.focused.current_id == ids["globex"]
            locker.execute("ROLLBACK")
            await settle(pilot)
            assert [c.kind for c in card(app, ids["acme"]).contacts] == [Kind.THANK_YOU]
            assert focused_id(app) == ("thank-you", ids["globex"])  # still where the user went
            await press(pilot, "t")
            assert [c.kind for c in card(app, ids["globex"]).contacts] == [Kind.THANK_YOU]


async def test_a_write_declined_after_a_lock_says_it_was_not_saved(db_path):
    app, ids = make_app(db_path, busy_timeout_ms=100)
    with write_lock(db_path):
        async with app.run_test(size=(160, 48)) as pilot:
            await press(pilot, "t")
            await pilot.pause(0.3)
            await press(pilot, "n")
            assert toasts(app)[-1] == f"not saved: the thank-you for #{ids['acme']} Acme"
    assert card(app, ids["acme"]).contacts == []


async def test_quitting_waits_for_a_write_in_progress(db_path):
    app, ids = make_app(db_path, busy_timeout_ms=5000)
    with write_lock(db_path) as locker:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("t")
            await pilot.press("q")
            await until(pilot, lambda: toasts(app) and "closes once it is saved" in toasts(app)[-1])
            assert app.is_running
            locker.execute("ROLLBACK")
            for _ in range(50):
                if not app.is_running:
                    break
                await pilot.pause(0.1)
            assert not app.is_running
    assert [c.kind for c in card(app, ids["acme"]).contacts] == [Kind.THANK_YOU]


async def test_kill_quits_as_q_does_and_a_second_kill_at_once(db_path):
    """`kill` used to end the process where it stood (exit 143): now the write in progress is saved
    first, then the board closes; a second `kill` while it waits closes it at once."""
    app, ids = make_app(db_path, busy_timeout_ms=5000)
    ignored = signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a board that does not listen leaves the test running
    try:
        with write_lock(db_path) as locker:
            async with app.run_test(size=(160, 48)) as pilot:
                await pilot.press("t")
                os.kill(os.getpid(), signal.SIGTERM)
                await until(pilot, lambda: toasts(app) and "closes once it is saved" in toasts(app)[-1])
                locker.execute("ROLLBACK")
                await until(pilot, lambda: not app.is_running)
        assert [c.kind for c in card(app, ids["acme"]).contacts] == [Kind.THANK_YOU]
        app, ids = make_app(db_path.with_name("again.db"), busy_timeout_ms=5000)
        with write_lock(db_path.with_name("again.db")):
            async with app.run_test(size=(160, 48)) as pilot:
                await pilot.press("t")
                os.kill(os.getpid(), signal.SIGTERM)
                await until(pilot, lambda: toasts(app) and "closes once it is saved" in toasts(app)[-1])
                os.kill(os.getpid(), signal.SIGTERM)  # the user insists: the lock is still held
                await until(pilot, lambda: not app.is_running)
    finally:
        signal.signal(signal.SIGTERM, ignored)


def test_a_closed_terminal_saves_what_was_being_saved_and_ends(tmp_path):
    """QA: a board whose terminal closed while a save waited for a lock never ended (Textual's way out
    writes to the terminal that is gone, and blocked): now the save goes in, and the process ends."""
    import pty
    import sys
    import time

    db = tmp_path / "f.db"
    with Store.open(db) as store:
        card_id = store.add_card(NewCard(company="Acme", interview_at=NOW - 30 * HOUR), NOW - 30 * HOUR)
    env = {**os.environ, "FOLLOWUP_DB": str(db), "TERM": "xterm-256color"}
    pid, terminal = pty.fork()
    if pid == 0:  # the board, in a terminal of its own
        try:
            os.execve(sys.executable, [sys.executable, "-m", "followup_tui"], env)
        finally:
            os._exit(127)
    ended = None
    try:
        _read_until(terminal, b"Acme", seconds=30)
        with write_lock(db) as locker:
            os.write(terminal, b"t")
            time.sleep(0.5)  # the thank-you waits for the lock
            os.close(terminal)  # the terminal closes: the board gets SIGHUP
            time.sleep(0.5)
            locker.execute("ROLLBACK")
        ended = _wait_for(pid, seconds=20)
    finally:
        if ended is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert ended == 0
    with Store.open_readonly(db) as reader:
        assert [c.kind for c in reader.get(card_id).contacts] == [Kind.THANK_YOU]


def _read_until(terminal: int, wanted: bytes, seconds: float) -> None:
    import select
    import time

    seen, deadline = b"", time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        if select.select([terminal], [], [], 0.2)[0]:
            seen += os.read(terminal, 65536)
    assert wanted in seen, "the board did not draw"


def _wait_for(pid: int, seconds: float) -> int | None:
    """The process's exit status once it has ended within `seconds`; None while it runs."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.1)


# --- steady memory ------------------------------------------------------------------------------


async def test_focus_changes_and_card_screens_leave_no_widgets_behind(board):
    """Textual's Footer left ~20 detached widgets per focus change (issue 19); the KeyBar leaves none."""
    import gc
    from collections import Counter

    from textual.widget import Widget

    def live() -> Counter:
        gc.collect()
        return Counter(type(o).__name__ for o in gc.get_objects() if isinstance(o, Widget))

    app, _ = board
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 0  # the start-up objects are out of the collector's way
        gc.unfreeze()  # count them too
        await pilot.press("l", "h", "enter", "escape")
        before = live()
        for _ in range(8):
            await pilot.press("l", "l", "h", "h", "enter", "tab", "escape", "slash", "escape")
        assert live() - before == Counter()


async def test_the_card_screen_is_made_once_and_shows_each_card_from_its_top(board):
    """Enter on one card, then on another: the same screen (a closed one was garbage in cycles, 10,000
    to 27,000 objects a full collection had to find), showing the second card from its first line,
    its page focused, its lists from their first row; and it leaves no garbage behind."""
    import gc

    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        first = app.screen
        assert isinstance(first, CardScreen)
        shown = first.card_id
        await press(pilot, "tab", "j")  # into the people list, down a row
        first.query_one(CardBody).scroll_end(animate=False, immediate=True)
        await press(pilot, "escape")
        gc.collect()
        await press(pilot, "j", "enter")
        assert app.screen is first and first.card_id != shown
        head = str(first.query_one("#card-head").render())
        assert head.startswith(f"#{first.card_id} ")
        assert isinstance(app.focused, CardBody) and app.focused.scroll_y == 0
        assert first.query_one("#card-people").highlighted in (None, 0)
        await press(pilot, "escape")
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            left = [o for o in gc.garbage if isinstance(o, CardScreen)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert left == []


async def test_a_card_deleted_from_a_shell_as_enter_opens_it_shows_no_screen(board):
    """The kept card screen asked to show a card a shell deleted a moment before (the board has not
    seen it go yet) is not shown with the card it showed last, and the board stays."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "escape", "l")
        gone = app.focused.current_id
        with Store.open(app.store.path) as shell:
            shell.delete(gone)
        app.open_card(gone)
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await until(pilot, lambda: gone not in {row.id for row in app.rows()})
        focused = app.focused.current_id
        await press(pilot, "enter")
        assert isinstance(app.screen, CardScreen) and app.screen.card_id == focused != gone


async def test_a_card_deleted_from_a_shell_closes_its_screen_and_the_form_over_it_and_says_so(board):
    """QA walk 13: with a form open over the card screen, the form closed and the deleted card's
    screen stayed, live-looking; with none, the screen vanished without a word."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for keys in (["enter", "e"], ["enter"]):
            await press(pilot, *keys)
            gone = next(screen for screen in app.screen_stack if isinstance(screen, CardScreen)).card_id
            with Store.open(app.store.path) as shell:
                shell.delete(gone)
            await until(pilot, lambda: isinstance(app.screen, BoardScreen))
            await until(pilot, lambda gone=gone: f"card #{gone} was deleted elsewhere" in toasts(app), seconds=2)


async def test_a_write_from_a_shell_keeps_the_card_screens_highlight_on_the_same_contact(board):
    """QA walk 13: the lists kept the highlighted row's number, not its item: a contact logged from a
    shell moved the highlight onto another contact, which d would then have removed."""
    app, ids = board
    acme = ids["acme"]
    with Store.open(app.store.path) as shell:
        for hours in (5, 4, 3):
            shell.log_contact(acme, Kind.REPLY, NOW - hours * HOUR, NOW, note=f"reply {hours}h ago")
    async with app.run_test(size=(160, 48)) as pilot:
        app.open_card(acme)
        await settle(pilot)
        contacts = app.screen.query_one("#card-contacts")
        contacts.focus()
        await press(pilot, "j")  # newest first: on the reply of 4 hours ago

        def highlighted() -> str:
            return str(contacts.get_option_at_index(contacts.highlighted).prompt)

        assert "reply 4h ago" in highlighted()
        with Store.open(app.store.path) as shell:
            shell.log_contact(acme, Kind.REPLY, NOW - 2 * HOUR, NOW, note="reply 2h ago")
        await until(pilot, lambda: contacts.option_count == 4)
        assert "reply 4h ago" in highlighted()


async def test_h_then_l_in_a_long_scrolled_column_lands_level_with_the_card_and_keeps_the_scroll(board):
    """QA walk 13: h and l landed by index, so from the 11th card of a scrolled Waiting column h then l
    went back to its first card and the column jumped to the top."""
    app, ids = board
    for n in range(20):
        card_id = add(app.store, f"Filler{n}", 3 * DAY + n * HOUR)
        app.store.log_contact(card_id, Kind.THANK_YOU, NOW - 2 * DAY - n * HOUR, NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await press(pilot, "l", *["j"] * 10)
        waiting = app.focused
        assert isinstance(waiting, CardList) and waiting.stage == "waiting" and waiting.scroll_y > 0
        scrolled = waiting.scroll_y
        await press(pilot, "h", "l")
        assert app.focused is waiting and waiting.scroll_y == scrolled  # no jump to the top
        top = int(scrolled) // 4
        assert top <= waiting.cursor < len(waiting.ids) and waiting.current_id != waiting.ids[0]


async def test_lines_drawn_are_not_left_in_reference_cycles(board):
    """Textual's Strip.divide caches [strip] in the strip itself when the one cut is its end: every line
    redrawn became garbage only a full collection finds (6,500 objects for six h/l keys at 10,000
    cards, and 50-60 ms pauses). With caches.keep_lines_acyclic the lines go as they are replaced."""
    import gc

    from textual.strip import Strip

    app, _ = board
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        gc.collect()
        await press(pilot, "l", "h", "l", "j", "k", "L")
        await press(pilot, "u", "ctrl+r", "h")
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            strips = sum(isinstance(o, Strip) for o in gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert strips == 0


async def test_collections_run_between_keys_and_full_ones_when_the_keys_pause(board):
    """Python's collections ran in the middle of a key, their pause adding to its own (issue 19): the
    board runs young and middle ones between keys, and full ones once the keys pause."""
    import gc

    from followup_tui.tui.app import IDLE_SECONDS, YOUNG_COLLECTION_DUE

    app, _ = board
    full: list[int] = []

    def count_full(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(1)

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        gc.callbacks.append(count_full)
        try:
            young = []
            for _ in range(10):
                await pilot.press("l", "l", "h", "h", "j", "k", "enter", "escape")
                await settle(pilot)
                young.append(gc.get_count()[0])
            assert full == []  # keys only (the card screen is kept): no full collection while they come
            gc.collect(1)  # a middle collection kept something
            app._last_key -= IDLE_SECONDS  # and the keys paused
            await until(pilot, lambda: bool(full), seconds=3)
        finally:
            gc.callbacks.remove(count_full)
    assert max(young) < YOUNG_COLLECTION_DUE + 1_000  # never far past due (a key's own allocations)


async def test_a_closed_dialog_is_let_go_at_once(board):
    """A dialog closed is garbage in cycles: collected once the board is drawn again, not at the next
    pause in the keys (60 dialogs in a row then left the process 30 MB larger for good)."""
    import weakref

    app, _ = board
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        closed = []
        for key in ("a", "w", "c"):
            await press(pilot, key)
            assert not isinstance(app.screen, BoardScreen)
            closed.append(weakref.ref(app.screen))
            await press(pilot, "escape")
            await pilot.pause()
        assert [screen() for screen in closed] == [None, None, None]


async def test_the_tick_reads_again_only_the_cards_whose_flags_change(board):
    """Once a minute flags are re-checked: a card is read again only when one of its windows opened or
    closed; the others measure their reasons anew. The result is what a full read would show."""
    from followup_tui.storage import summaries

    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        acme = next(row for row in app.rows() if row.card_id == ids["acme"])
        for later, read_again in (
            ("2026-11-26T12:00:00+00:00", set()),  # two hours on: nothing opens or closes
            ("2026-11-27T08:00:00+00:00", {ids["globex"]}),
        ):  # Globex's deadline passed
            app.now_text = later
            before = {row.card_id: row for row in app.rows()}
            app._tick()
            await settle(pilot)
            assert {row.card_id for row in app.rows() if before[row.card_id] is not row} == read_again
            full = summaries.load(app.store.conn, app.config.policy, app.now())
            assert {r.card_id: (r.flags, r.assessment.reasons) for r in app.rows()} == {
                r.card_id: (r.flags, r.assessment.reasons) for r in full
            }
        assert acme.assessment.reasons[0] == "thank-you note overdue by 28h"
        assert "thank-you note overdue by 28h" in app.focused.render_line(3).text
        assert app.board.totals["overdue"] == 2


async def test_enter_in_the_card_form_s_people_list_saves_and_space_unticks(board):
    """Enter saves the card form from any field: in the list of interviewers it neither ticks nor
    unticks anyone (Textual's list would untick Jane Doe); space does."""
    app, ids = board
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, InterviewForm)
        form.query_one("#people").focus()
        form.query_one("#topic").value = "the payments rewrite"
        await press(pilot, "enter")
        assert not isinstance(app.screen, InterviewForm)
        assert [p.name for p in card(app, ids["acme"]).people] == ["Jane Doe"]
        assert card(app, ids["acme"]).card.topic == "the payments rewrite"
        await press(pilot, "e")
        app.screen.query_one("#people").focus()
        await press(pilot, "space", "enter")
        assert not isinstance(app.screen, InterviewForm)
    assert card(app, ids["acme"]).people == []
