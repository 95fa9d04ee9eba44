"""The smaller screens: the archive of closed cards, help with every key, a draft."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..domain.clock import short_date
from ..domain.drafts import TEMPLATES, Draft, name_hint
from ..domain.lenient import EPOCH
from ..domain.rules import FLAG_WORDS, SEVERITY
from ..domain.textsafe import safe, safe_block
from .cardlist import CardItem, CardList, CardStyles
from .keybar import KeyBar
from .pager import Pager, pager_keys

if TYPE_CHECKING:
    from textual import getters

    from .app import FollowupApp


class ArchiveScreen(Screen):
    """Closed cards: enter opens one (to read it), r puts it back on the board."""

    if TYPE_CHECKING:
        app = getters.app(FollowupApp)

    BINDINGS = [
        Binding("escape,A,q", "app.pop_screen", "Back", id="archive-back"),
        Binding("enter", "open", "Open", id="archive-open"),
        Binding("r", "restore", "Restore", id="archive-restore"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Archive", id="archive-title", markup=False)
        yield CardList("archive", id="archive-list")
        yield KeyBar()
        yield CardStyles()

    def on_mount(self) -> None:
        self.refresh_archive()
        self.query_one(CardList).focus()

    def refresh_archive(self) -> None:
        rows = sorted(self.app.closed_rows(), key=lambda row: row.closed_at or EPOCH, reverse=True)  # all have one
        self.query_one("#archive-title", Static).update(f"Archive ({len(rows)}) — enter opens a card, r restores it")
        by_id = {row.card_id: row for row in rows}
        now = self.app.now()
        self.query_one(CardList).set_cards(
            [row.card_id for row in rows],
            lambda ids, more: [by_id.get(card_id) for card_id in ids],
            lambda row: self._item(row, now),
        )

    @staticmethod
    def _item(row, now: datetime) -> CardItem:
        """A closed card, dated as `list` dates it ('closed Dec 7', with the year when not this one)."""
        detail = " · ".join(filter(None, [safe(row.role), row.outcome.value]))
        return CardItem(row.id, safe(row.company), detail, f"closed {short_date(row.closed_at, now)}", "", None)

    def on_card_list_opened(self, message: CardList.Opened) -> None:
        self.app.open_card(message.card_id)  # a click opens, as enter does: restoring is r, a change

    def action_open(self) -> None:
        card_id = self.query_one(CardList).current_id
        if card_id is not None:
            self.app.open_card(card_id)

    def action_restore(self) -> None:
        card_id = self.query_one(CardList).current_id
        if card_id is not None:
            self.app.reopen_card(card_id)


KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "number_sign": "#",
    "escape": "esc",
    "shift+left": "shift+←",
    "shift+right": "shift+→",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
}


class HelpBody(Pager):
    """The help page, scrolled like a pager (as the card screen is)."""

    BINDINGS = pager_keys("help")


class HelpScreen(ModalScreen):
    """Every key, as currently bound (config.toml [keys] included), and what the colours mean."""

    if TYPE_CHECKING:
        app = getters.app(FollowupApp)

    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close", id="help-close")]

    def compose(self) -> ComposeResult:
        with HelpBody(classes="form help"):
            yield Static("Keys", classes="form-title", markup=False)
            yield Static(self._legend(), id="legend", markup=False)
            yield Static(self._keys(), markup=False)
        yield KeyBar()  # its own: the board's, left showing below, offered keys that do nothing here

    def _legend(self) -> Text:
        text = Text("What the colours say\n", "bold underline")
        meaning = {
            "overdue": "a deadline has passed",
            "too-frequent": "you contacted them too soon: hold off",
            "due": "something to do now",
            "no-reply": "several messages without reply: consider moving on",
        }
        for flag in SEVERITY:
            text.append(f"  {FLAG_WORDS[flag]:<10}", self.app.flag_style(flag))
            text.append(f"{meaning[flag]}\n")
        text.append(f"  {'▶ focus':<10}", self.app.flag_style_of("flag-focus"))
        text.append("the card the keys act on (its column's border too)\n")
        return text

    def _keys(self) -> Text:
        from .board import BoardScreen
        from .card import SECTION_BINDINGS, CardBody, CardScreen
        from .cardlist import CardList as Cards
        from .forms import Form
        from .inbox import InboxScreen
        from .stats import StatsScreen

        text = Text()
        sections = [binding for group in SECTION_BINDINGS.values() for binding in group]
        for title, bindings in (
            ("Board", BoardScreen.BINDINGS),
            ("Moving in a column", Cards.BINDINGS),
            ("Card screen (enter)", CardScreen.BINDINGS),
            ("Reading the card", CardBody.BINDINGS),
            ("People, prep, contacts on the card screen (tab)", sections),
            ("Draft (w)", DraftScreen.BINDINGS),
            ("Archive (A)", ArchiveScreen.BINDINGS),
            ("Stats (S)", StatsScreen.BINDINGS),
            ("Mail inbox (i)", InboxScreen.BINDINGS),
            ("Forms and questions", Form.BINDINGS),
            ("This screen", [*HelpScreen.BINDINGS, *HelpBody.BINDINGS]),
            ("Everywhere", [b for b in type(self.app).BINDINGS if _offered(self.app, b)]),
        ):  # (a key the app does not offer here, such as Y without a calendar, is left out)
            text.append(f"\n{title}\n", "bold underline")
            for binding in (b for b in bindings if isinstance(b, Binding)):
                keys = " ".join(KEY_NAMES.get(key, key) for key in self.app.keys_for(binding).split(","))
                text.append(f"  {keys:<22}", "bold")
                text.append(f"{binding.description}  ")
                text.append(f"[{binding.id}]\n", "dim")
            if bindings is sections:  # the checklist's own key (Textual's, without an id to rebind)
                text.append(f"  {'space':<22}", "bold")
                text.append("Tick or untick a prep item\n")
        text.append(
            '\nRebind any key in config.toml, e.g. [keys] log-thank-you = "T"; ctrl+p lists every action', "dim"
        )
        return text


_ON_A_DRAFT = ("draft-sent", "draft-copy", "draft-eml", "draft-mailto")


class DraftScreen(ModalScreen[Draft | None]):
    """A draft, already copied to the clipboard; 1–6 write another template for the card instead;
    s marks it as sent (logs the contact); e saves it as a mail file for a mail client, m copies it
    as a mailto: link (exchange/eml.py). With nothing to send now (SPEC §3.4) it opens on the reason
    and writes nothing until 1–6 asks for a draft anyway."""

    if TYPE_CHECKING:
        app = getters.app(FollowupApp)

    BINDINGS = [
        Binding("s", "sent", "Mark as sent", id="draft-sent"),
        Binding("y", "copy", "Copy again", id="draft-copy"),
        Binding("e", "eml", "Save .eml", id="draft-eml"),
        Binding("m", "mailto", "Copy mailto:", id="draft-mailto"),
        *(
            Binding(str(n), f"other({n - 1})", name, show=False, id=f"draft-{name}")
            for n, name in enumerate(TEMPLATES, 1)
        ),
        Binding("escape,q", "close", "Close", id="draft-close"),
    ]

    def __init__(
        self,
        draft: Draft | str,
        address: Callable[[Draft], tuple[str, str]],
        write: Callable[[str], Draft | None],
        ask: Callable[[Draft], str | None] = lambda draft: None,
    ) -> None:
        """`draft`: the one to show, or why there is nothing to send now (and how to write one anyway);
        `address`: (name, email) of the person a draft is for; `write`: another template for the same
        card (None: it could not be written); `ask`: why to ask before logging it as sent (too soon)."""
        super().__init__()
        self.draft: Draft | None = None if isinstance(draft, str) else draft
        self.nothing = "" if self.draft else str(draft)  # why there is nothing to send now
        self.address = address
        self.write = write
        self.ask = ask

    def compose(self) -> ComposeResult:
        with Vertical(classes="form draft"):
            yield Static(self._title(), id="draft-title", classes="form-title", markup=False)
            with VerticalScroll():
                yield Static(Text(self._body()), id="draft-text", markup=False)
            yield Static("", id="draft-hint", markup=False)  # how to set your name, when it signs with '[your name]'
            yield Static(
                "others: " + "  ".join(f"{n} {name}" for n, name in enumerate(TEMPLATES, 1)),
                classes="draft-others",
                markup=False,
            )
            yield KeyBar()

    def _title(self) -> str:
        if self.draft is None:
            return "Nothing to send now (nothing copied)"
        return f"Draft: {self.draft.template} (copied: the note below says how)"

    def _body(self) -> str:
        return safe_block(self.nothing if self.draft is None else self.draft.text)

    def on_mount(self) -> None:
        self._show_hint()

    def _show_hint(self) -> None:
        """As `followup draft` says on stderr: only for a draft that signs with the placeholder."""
        text = None if self.draft is None else name_hint(self.draft, self.app.config)
        hint = self.query_one("#draft-hint", Static)
        hint.update(text or "")
        hint.display = text is not None

    def action_other(self, index: int) -> None:
        """Another template for this card, copied in its turn."""
        draft = self.write(TEMPLATES[index])
        if draft is None:
            return
        self.draft = draft
        self.refresh_bindings()  # s, y, e and m act now
        self.query_one("#draft-title", Static).update(self._title())
        self.query_one("#draft-text", Static).update(Text(self._body()))
        self._show_hint()
        self.app.copy_text(draft.text)

    def offers(self, binding_id: str) -> bool:
        """The footer offers what acts on a draft once there is one (keybar.py)."""
        return self.draft is not None or binding_id not in _ON_A_DRAFT

    def _written(self) -> Draft | None:
        if self.draft is None:
            self.app.notify("no draft yet: 1–6 write one", severity="warning")
        return self.draft

    def action_copy(self) -> None:
        if (draft := self._written()) is not None:
            self.app.copy_text(draft.text)

    def action_eml(self) -> None:
        """draft.eml beside the database (private, replaced each time): `mutt -H` or a mail client opens it."""
        from ..exchange import eml
        from ..storage.dbfile import StoreError
        from ..storage.outfile import write_private

        if (draft := self._written()) is None:
            return
        path = self.app.data_dir / "draft.eml"
        try:
            write_private(path, eml.eml(draft, self.address(draft), self.app.config.me, self.app.now()))
        except (eml.NotMail, StoreError) as exc:
            self.app.notify(safe(str(exc)), severity="warning", markup=False)
            return
        self.app.notify(safe(f"saved {path} (mutt -H {path}, or open it in your mail client)"), markup=False)

    def action_mailto(self) -> None:
        from ..exchange import eml

        if (draft := self._written()) is None:
            return
        try:
            self.app.copy_text(eml.mailto(draft, self.address(draft)))
        except eml.NotMail as exc:
            self.app.notify(safe(str(exc)), severity="warning", markup=False)

    def action_sent(self) -> None:
        """Log the draft as sent; when that would be too soon, ask first, over the draft (no: back to it)."""
        from .forms import Confirm

        if (draft := self._written()) is None:
            return
        question = self.ask(draft)
        if question is None:
            self.dismiss(draft)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(draft)

        self.app.push_screen(Confirm(f"{safe(question)}\n\nLog it anyway?", yes="Log it"), answered)

    def action_close(self) -> None:
        self.dismiss(None)


def _offered(app: App[None], binding: Binding | tuple[str, ...]) -> bool:
    """Whether the app offers this key now (check_action None: not here, such as Y without a calendar)."""
    return isinstance(binding, Binding) and app.check_action(binding.action, ()) is not None
