"""The hint to set your name comes with a draft that signs with '[your name]', and only then: talking
points (a phone call, a meeting) sign nothing, so they say nothing about it (SPEC §3.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from board_fixtures import press
from textual.widgets import Static

from followup_tui.domain.config import Config, Me
from followup_tui.storage.store import Store

HINT = 'followup: set your name for drafts: followup config me.name "Sam Doe"\n'


@pytest.fixture
def asked_to_call(fu) -> str:
    """Acme asked to hear from you today (Nov 26), by phone: the next action's draft is talking points."""
    assert fu("add", "Acme", "--at", "2026-11-12 10:00", "--interviewer", "Ann Lee <ann@acme.com>").out == "1\n"
    assert fu("log", "1", "thank-you", "--at", "2026-11-12 15:00").code == 0
    assert (
        fu("log", "1", "reply", "--at", "2026-11-20 09:00", "--follow-up-on", "today", "--follow-up-via", "phone").code
        == 0
    )
    return "1"


def test_talking_points_print_no_hint_about_a_name(fu, asked_to_call):
    points = fu("draft", asked_to_call)
    assert points.code == 0 and "talking points" in points.out and "[your name]" not in points.out
    assert points.err == ""


def test_a_mail_signed_with_the_placeholder_says_how_to_set_the_name(fu, asked_to_call, tmp_path):
    mail = fu("draft", asked_to_call, "check-in")  # by email: signed '[your name]'
    assert mail.code == 0 and mail.out.startswith("Subject: ") and "[your name]" in mail.out
    assert mail.err == HINT
    assert fu("draft", asked_to_call, "check-in", "--eml", tmp_path / "check-in.eml").err.startswith(HINT)
    assert fu("config", "me.name", "Sam Doe").code == 0
    named = fu("draft", asked_to_call, "check-in")
    assert "Sam Doe" in named.out and "[your name]" not in named.out and named.err == ""


async def test_the_board_s_draft_screen_shows_the_hint_only_under_a_signed_draft(fu, asked_to_call, db_path: Path):
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.screens import DraftScreen

    app = FollowupApp(Store.open(db_path), Config())
    app.copy_to_clipboard = lambda text: None
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "w")  # Acme (in Waiting, focused): the call's talking points
        assert isinstance(app.screen, DraftScreen)
        text, hint = (app.screen.query_one(f"#draft-{part}", Static) for part in ("text", "hint"))
        assert "talking points" in str(text.render()) and not hint.display
        await press(pilot, "3")  # the check-in, by email
        assert "[your name]" in str(text.render())
        assert hint.display and str(hint.render()) == HINT.removeprefix("followup: ").strip()
        await press(pilot, "2")  # the follow-up: by phone, as they asked
        assert "talking points" in str(text.render()) and not hint.display


async def test_with_a_name_set_the_board_never_shows_the_hint(fu, asked_to_call, db_path: Path):
    from followup_tui.tui.app import FollowupApp

    app = FollowupApp(Store.open(db_path), Config(me=Me(name="Sam Doe")))
    app.copy_to_clipboard = lambda text: None
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "w", "3")
        assert "Sam Doe" in str(app.screen.query_one("#draft-text", Static).render())
        assert not app.screen.query_one("#draft-hint", Static).display
