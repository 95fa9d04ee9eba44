"""The mail inbox on the board (README "Mail"): proposals from `followup mail scan`, waiting for review.

The board's header says "Inbox: 3 to review"; `i` opens this screen: enter logs the highlighted
proposal (one journaled action: u undoes it), x rejects it. Scanning stays on the command line
(it reaches the network); the board only answers what a scan found.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..domain.clock import short_datetime
from ..domain.textsafe import safe, safe_title
from ..storage import inbox
from .keybar import KeyBar

if TYPE_CHECKING:
    from textual import getters

    from .app import FollowupApp


class InboxScreen(Screen[None]):
    if TYPE_CHECKING:
        app = getters.app(FollowupApp)

    BINDINGS = [
        Binding("escape,i,q", "app.pop_screen", "Back", id="inbox-back"),
        Binding("enter", "accept", "Log it", id="inbox-accept"),
        Binding("x", "reject", "Not a contact", id="inbox-reject"),
    ]

    _any = True  # anything to review: the footer offers enter and x only then (keybar.py)

    def offers(self, binding_id: str) -> bool:
        return self._any or binding_id not in ("inbox-accept", "inbox-reject")

    def compose(self) -> ComposeResult:
        yield Static(id="inbox-title", markup=False)
        yield OptionList(id="inbox-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_inbox()
        self.query_one(OptionList).focus()

    def refresh_inbox(self) -> None:
        waiting = inbox.pending(self.app.store.conn)
        now = self.app.now()
        if waiting:
            title = f"Inbox: {len(waiting)} to review — enter logs it, x rejects it (followup mail scan reads new mail)"
        elif self.app.config.mail is None:
            title = "Inbox: nothing to review — mail is not set up ([mail] in config.toml: see the README's Mail)"
        else:
            title = "Inbox: nothing to review (followup mail scan reads new mail)"
        self.query_one("#inbox-title", Static).update(title)
        if bool(waiting) != self._any:
            self._any = bool(waiting)
            self.refresh_bindings()
        options = self.query_one(OptionList)
        kept = options.highlighted
        options.clear_options()
        options.add_options([Option(_prompt(item, now), id=str(item.id)) for item in waiting])
        if waiting:
            options.highlighted = min(kept or 0, len(waiting) - 1)

    def _current(self) -> inbox.Pending | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return inbox.get(self.app.store.conn, int(options.get_option_at_index(options.highlighted).id or 0))

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        self.action_accept()

    def action_accept(self) -> None:
        item = self._current()
        if item is None:
            return
        if item.proposal.kind == inbox.AUTO_ACK:
            self.app.notify("An automatic acknowledgement is not a contact (followup mail accept N --kind KIND)")
            return
        now, card_id, name = self.app.now(), item.proposal.card_id, safe(item.company)
        self.app.write(
            card_id,
            f"logging the {item.proposal.kind} from mail on #{card_id} {name}",
            lambda store: inbox.accept(store, item.id, now)[1],
            lambda kind: f"#{card_id} {name}: {kind} logged from mail (u undoes)",
            follow=False,
        )

    def action_reject(self) -> None:
        item = self._current()
        if item is None:
            return
        card_id, name = item.proposal.card_id, safe(item.company)
        self.app.write(
            card_id,
            f"rejecting a mail proposal on #{card_id} {name}",
            lambda store: inbox.reject(store, item.id),
            lambda _: f"#{card_id} {name}: not a contact, not proposed again",
            follow=False,
        )


def _prompt(item: inbox.Pending, now: datetime) -> Text:
    """Two lines of plain text (user text is never markup): the card, when and what; then why."""
    p = item.proposal
    who = f"to {', '.join(p.recipients[:2])}" if p.outbound else f"from {p.sender}"
    matched = ", ".join(f'"{m}"' for m in p.matched)
    text = Text(f"#{p.card_id} {safe_title(item.company, item.role)} · {short_datetime(p.at, now)} · ")
    text.append(p.kind, "bold")
    text.append(f" {safe(who)}\n")
    text.append(safe(f'  "{p.subject}" · matched {matched} · by {p.match} ({p.confidence:g})'), "dim")
    return text
