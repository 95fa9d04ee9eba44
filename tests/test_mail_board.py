"""The mail inbox on the board: the header says what waits, `i` opens it, enter logs (u undoes), x rejects."""

from __future__ import annotations

import email.policy
import sqlite3
from email.parser import BytesParser

from board_fixtures import HOUR, NOW, add, press
from mail_messages import maildir, message

from followup_tui.domain.config import Config
from followup_tui.storage.store import Store
from followup_tui.tui.app import FollowupApp
from followup_tui.tui.inbox import InboxScreen
from followup_tui.tui.keybar import KeyBar

JANE = "Jane Doe <jane@acme.com>"


def contact_kinds(db_path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [kind for (kind,) in conn.execute("SELECT kind FROM contacts ORDER BY at")]


def header(app) -> str:
    return str(app.screen.query_one("#totals").render())


async def test_the_inbox_logs_on_enter_rejects_on_x_and_u_undoes(tmp_path, db_path, proc):
    with Store.open(db_path) as store:
        add(store, "Acme", 30 * HOUR, interviewers=[("Jane Doe", "jane@acme.com")])
    (tmp_path / "config.toml").write_text(f'[mail]\nmaildir = "{tmp_path / "Mail"}"\n')
    maildir(
        tmp_path / "Mail",
        "INBOX",
        message(JANE, "sam@example.org", "[bold]Re: hi[/]", "Talk soon.", at=(NOW - 5 * HOUR).isoformat()),
        message(JANE, "sam@example.org", "Update", "Unfortunately not.", at=(NOW - 2 * HOUR).isoformat()),
    )
    assert proc("mail", "scan").code == 0
    app = FollowupApp(Store.open(db_path), Config())
    async with app.run_test(size=(160, 48)) as pilot:
        assert "Inbox: 2 to review (i)" in header(app)
        await press(pilot, "i")
        assert isinstance(app.screen, InboxScreen)
        title = str(app.screen.query_one("#inbox-title").render())
        assert title.startswith("Inbox: 2 to review")
        first = str(app.screen.query_one("#inbox-list").get_option_at_index(0).prompt)
        assert "reply from Jane Doe <jane@acme.com>\n" in first and '"[bold]Re: hi[/]"' in first  # text, not markup
        await press(pilot, "enter")
        assert contact_kinds(db_path) == ["reply"]
        await press(pilot, "x")
        assert contact_kinds(db_path) == ["reply"]
        assert str(app.screen.query_one("#inbox-title").render()).startswith("Inbox: nothing to review")
        assert "Not a contact" not in str(app.screen.query_one(KeyBar).render())  # nothing to reject
        await press(pilot, "u")  # the reply logged from mail goes, and waits for review again
        assert contact_kinds(db_path) == []
        assert str(app.screen.query_one("#inbox-title").render()).startswith("Inbox: 1 to review")
        await press(pilot, "escape")
        assert "Inbox: 1 to review (i)" in header(app)


async def test_an_empty_inbox_without_mail_set_up_says_so(db_path):
    with Store.open(db_path) as store:
        add(store, "Acme", 30 * HOUR)
    app = FollowupApp(Store.open(db_path), Config())
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "i")
        title = str(app.screen.query_one("#inbox-title").render())
        assert title.startswith("Inbox: nothing to review — mail is not set up ([mail] in config.toml")
        footer = str(app.screen.query_one(KeyBar).render())
        assert "Back" in footer and "Log it" not in footer and "Not a contact" not in footer


async def test_the_draft_screen_saves_a_mail_file_and_copies_a_mailto_link(tmp_path, db_path):
    with Store.open(db_path) as store:
        add(store, "Acme", 3 * HOUR, interviewers=[("Jane Doe", "jane@acme.com")])
    app = FollowupApp(Store.open(db_path), Config(), data_dir=tmp_path)
    copied = []
    app.copy_text = copied.append
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "w", "e", "m")
        saved = BytesParser(policy=email.policy.default).parsebytes((tmp_path / "draft.eml").read_bytes())
        assert saved["To"] == "Jane Doe <jane@acme.com>" and saved["Subject"].startswith("Thank you for")
        assert "Hi Jane," in saved.get_content()
        assert (tmp_path / "draft.eml").stat().st_mode & 0o777 == 0o600
        assert copied[-1].startswith("mailto:jane@acme.com?subject=Thank%20you%20for")
