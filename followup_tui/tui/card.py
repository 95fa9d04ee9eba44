"""One card in full: fields, flags, people, prep checklist, contact log (newest first), notes.

The page is focused at open, so j/k, space and PgDn scroll at once; tab goes to the
people, the prep checklist and the contacts, where e fixes the highlighted one and d
removes it. Long notes show their head and more as you scroll (a 10 MB note opens at
once); E edits them in $EDITOR.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from ..domain.clock import short_datetime
from ..domain.model import CardBundle
from ..domain.present import (
    Assessed,
    card_facts,
    contact_line,
    last_contact,
    outcome_shown,
    person_line,
    round_now,
    when_line,
)
from ..domain.rules import FLAG_WORDS, Assessment
from ..domain.textsafe import safe, safe_block
from .caches import drop_closed_screens_lines
from .cardlist import next_line
from .keybar import KeyBar
from .pager import Pager, pager_keys

if TYPE_CHECKING:
    from textual import getters

    from .app import FollowupApp

NOTES_CHUNK = 20_000  # characters of notes drawn at a time: a 10 MB note must not freeze the screen

# keys of the sections (config.toml [keys] can rebind them by id)
SECTION_BINDINGS = {
    "people": [
        Binding("e,enter", "edit", "Edit person", id="person-edit"),
        Binding("d,delete", "remove", "Unlink", id="person-unlink"),
    ],
    "prep": [
        Binding("e", "edit", "Edit item", id="prep-edit"),
        Binding("d,delete", "remove", "Remove item", id="prep-remove"),
    ],
    "contacts": [
        Binding("e,enter", "edit", "Fix contact", id="contact-edit"),
        Binding("d,delete", "remove", "Remove contact", id="contact-remove"),
    ],
}
LIST_MOVES = [
    Binding("j", "cursor_down", "Down", show=False, id="list-down"),
    Binding("k", "cursor_up", "Up", show=False, id="list-up"),
]


# what a closed card refuses, as from the shell ("reopen it first"): a contact, or closing it again
_REFUSED_WHEN_CLOSED = ("card-thank-you", "card-contact", "card-close")


def _section(title: str) -> Static:
    return Static(title, classes="section-title", markup=False)


class CardBody(Pager):
    """The whole page, scrolled like a pager."""

    BINDINGS = pager_keys("card")


class SectionList(OptionList):
    """People or contacts: e fixes the highlighted one, d removes it."""

    SECTION = ""

    if TYPE_CHECKING:  # it lives on the card screen

        @property
        def screen(self) -> CardScreen: ...

    def action_edit(self) -> None:
        self._act("edit")

    def action_remove(self) -> None:
        self._act("remove")

    def _act(self, verb: str) -> None:
        option = self.get_option_at_index(self.highlighted) if self.highlighted is not None else None
        if option is not None and option.id is not None:  # the id is the person's or contact's
            self.screen.item_action(self.SECTION, verb, int(option.id))


class PeopleList(SectionList):
    SECTION = "people"
    BINDINGS = [*LIST_MOVES, *SECTION_BINDINGS["people"]]


class ContactList(SectionList):
    SECTION = "contacts"
    BINDINGS = [*LIST_MOVES, *SECTION_BINDINGS["contacts"]]


class PrepList(SelectionList[int]):
    """The prep checklist: space ticks, e edits the item, d removes it."""

    BINDINGS = [*LIST_MOVES, *SECTION_BINDINGS["prep"]]

    if TYPE_CHECKING:  # it lives on the card screen

        @property
        def screen(self) -> CardScreen: ...

    def action_edit(self) -> None:
        if self.highlighted is not None:
            self.screen.item_action("prep", "edit", self.get_option_at_index(self.highlighted).value)

    def action_remove(self) -> None:
        if self.highlighted is not None:
            self.screen.item_action("prep", "remove", self.get_option_at_index(self.highlighted).value)


def _kept(keys: list[Any], was: object, highlighted: int | None) -> int:
    """Where a list's highlight goes once its rows (`keys`: their items' ids) are read again: on the
    same item where it still is (QA walk 13: a contact logged from a shell moved it onto another row,
    which d then removed), else on the same row, within the list."""
    return keys.index(was) if was in keys else min(highlighted or 0, len(keys) - 1)


def card_screen(app: App, card_id: int) -> CardScreen | None:
    """The card screen, showing `card_id`: one made at the first open and shown again for each card
    after (installed, so closing it keeps its widgets). Each card composed its own screen, and the
    closed one, 10,000 to 27,000 objects in reference cycles, was what made a full garbage collection
    pause the board (50-70 ms at 10,000 cards, bench/board.py keys). A new one only while it is open
    (a card opened from over it). None if the card is gone (deleted from a shell a moment ago)."""
    if not app.is_screen_installed(CardScreen.NAME):
        app.install_screen(CardScreen(card_id), CardScreen.NAME)
        return app.get_screen(CardScreen.NAME, CardScreen)
    screen = app.get_screen(CardScreen.NAME, CardScreen)
    if screen in app.screen_stack:
        return CardScreen(card_id)
    return screen if screen.show(card_id) else None


class CardScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(FollowupApp)

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="card-back"),
        Binding("e", "app.edit_card", "Edit", id="card-edit"),
        Binding("E", "edit_notes", "Notes in $EDITOR", id="card-edit-notes"),
        Binding("t", "app.thank", "Thanked", id="card-thank-you"),
        Binding("c", "app.log_contact", "Contact", id="card-contact"),
        Binding("w", "app.write_draft", "Draft", id="card-draft"),
        Binding("p", "add_prep", "Add prep item", id="card-add-prep"),
        Binding("P", "app.add_person", "Link person", id="card-add-person"),
        Binding("x", "app.close_card", "Close", id="card-close"),
    ]

    NAME = "card"  # installed under this name (card_screen)

    def __init__(self, card_id: int) -> None:
        super().__init__()
        self.card_id = card_id
        self.closed = False  # a closed card is read here (from the archive): t, c and x answer "reopen it first"
        self._notes_shown = 0  # characters of the notes on screen
        self._anew = False  # shown again for another card (show), not yet resumed

    def offers(self, binding_id: str) -> bool:
        """The footer leaves out what a closed card refuses (keybar.py); r in the archive reopens it."""
        return not self.closed or binding_id not in _REFUSED_WHEN_CLOSED

    @property
    def current_card_id(self) -> int:
        """The card shown (what the app's actions act on)."""
        return self.card_id

    def compose(self) -> ComposeResult:
        with CardBody(id="card-body"):
            yield Static(id="card-head", markup=False)
            yield _section("People (tab here: e edits, d unlinks)")
            yield PeopleList(id="card-people", classes="card-list")
            yield Static("— (P links one)", id="card-people-empty", classes="empty", markup=False)
            yield _section("Prep checklist (space ticks, e edits, d removes)")
            yield PrepList(id="card-prep", classes="card-list")
            yield Static("— (p adds an item)", id="card-prep-empty", classes="empty", markup=False)
            yield _section("Contacts, newest first (e fixes, d removes)")
            yield ContactList(id="card-contacts", classes="card-list")
            yield Static(
                "— (c logs one, t logs the thank-you)", id="card-contacts-empty", classes="empty", markup=False
            )
            yield _section("Notes (private; E edits them in $EDITOR)")
            yield Static(id="card-notes", markup=False)
        yield Static(id="card-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#card-status").display = False
        self.refresh_card()
        body = self.query_one(CardBody)
        body.focus()
        self.watch(body, "scroll_y", self._scrolled, init=False)

    def show(self, card_id: int) -> bool:
        """Before being shown again, for `card_id`: from the top, its lists from their first line.
        False if the card is gone."""
        self.card_id, self._notes_shown, self._anew = card_id, 0, True
        for listing in self.query(".card-list").results(OptionList):
            listing.highlighted = None
        self.query_one("#card-status").display = False
        self.query_one(CardBody).scroll_home(animate=False, immediate=True)
        return self.refresh_card()

    def on_screen_resume(self) -> None:
        if self._anew:  # shown again (not back from a dialog): the page has the keys
            self._anew = False
            self.query_one(CardBody).focus()

    def on_unmount(self) -> None:
        drop_closed_screens_lines()

    def refresh_card(self) -> bool:
        """Show the card as it is now; False if it is gone (deleted elsewhere: the screen closes)."""
        bundle = self.app.bundle(self.card_id)
        if bundle is None:  # deleted elsewhere (a shell): this screen, and any dialog over it, close
            if self in self.app.screen_stack:
                while self.app.screen is not self:
                    self.app.pop_screen()
                self.app.pop_screen()
                self.app.notify(f"card #{self.card_id} was deleted elsewhere", severity="warning", markup=False)
            return False
        if bundle.card.closed != self.closed:
            self.closed = bundle.card.closed
            self.refresh_bindings()
        verdict = self.app.assess(bundle)
        now = self.app.now()
        self.query_one("#card-head", Static).update(self._head(bundle, verdict, now))
        self._fill("people", [Option(Text(person_line(p, note=True)), id=str(p.id)) for p in bundle.people])
        self._fill(
            "contacts",
            [
                Option(Text(contact_line(bundle, c, f"{n}. {short_datetime(c.at, now)}")), id=str(c.id))
                for n, c in reversed(list(enumerate(bundle.contacts, 1)))
            ],
        )
        self._prep(bundle)
        self._notes(bundle.card.notes)
        return True

    def _head(self, bundle: CardBundle, verdict: Assessment, now: datetime) -> Text:
        card = bundle.card
        text = Text()
        text.append(f"#{card.id} ", "dim")
        text.append(safe(card.company), "bold")
        if card.role:
            text.append(f" — {safe(card.role)}")
        state = "closed" if card.closed else card.stage.title
        if outcome := outcome_shown(card):
            state += f" ({outcome})"
        when = when_line(card, last_contact(bundle, now), now)
        text.append(f"\n{state} · round {round_now(card, now)} · {when}\n", "dim")
        for label, value in card_facts(Assessed(bundle, verdict), now, self.app.config.policy):
            text.append(f"{label.capitalize()}: {value}\n")
        if card.fit:
            text.append("Why I fit: ", "bold")
            text.append(safe(card.fit) + "\n")
        if card.topic:
            text.append("Talked about: ", "bold")
            text.append(safe(card.topic) + "\n")
        for n, (flag, reason) in enumerate(zip(verdict.reason_flags, verdict.reasons, strict=False)):
            text.append(FLAG_WORDS[flag] if flag else "Next:", self.app.flag_style(flag) if flag else "bold")
            text.append(f" {next_line(verdict) if n == 0 else safe(reason)}\n")
        for problem in card.problems:  # values another tool wrote that could not be read
            text.append("problem", self.app.flag_style("overdue"))
            text.append(f" {safe(problem)}\n")
        return text

    def _fill(self, section: str, options: list[Option]) -> None:
        listing = self.query_one(f"#card-{section}", SectionList)
        highlighted = listing.highlighted
        was = listing.get_option_at_index(highlighted).id if highlighted is not None else None
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = _kept([option.id for option in options], was, highlighted)
        listing.display = bool(options)
        self.query_one(f"#card-{section}-empty").display = not options

    def _prep(self, bundle: CardBundle) -> None:
        checklist = self.query_one(PrepList)
        highlighted = checklist.highlighted
        was = checklist.get_option_at_index(highlighted).value if highlighted is not None else None
        self._syncing = True
        checklist.clear_options()
        checklist.add_options(
            [
                Selection(Text(f"{number}. {self._tick(item.done)}{safe(item.text)}"), item.id, item.done)
                for number, item in enumerate(bundle.prep, 1)
            ]
        )
        if bundle.prep:
            checklist.highlighted = _kept([item.id for item in bundle.prep], was, highlighted)
        checklist.display = bool(bundle.prep)
        self.query_one("#card-prep-empty").display = not bundle.prep
        self._syncing = False

    @staticmethod
    def _tick(done: bool) -> str:
        """A mark for a ticked item: the checkbox beside it differs only by colour, which a terminal
        without colour (NO_COLOR, a screen reader, a copied screen) does not show."""
        return "✓ " if done else "  "

    # --- notes: the head first, more as the page scrolls -----------------------------

    def _notes(self, notes: str) -> None:
        self._all_notes = notes
        self._notes_shown = min(len(notes), max(self._notes_shown, NOTES_CHUNK))
        self._show_notes()

    def _show_notes(self) -> None:
        notes, shown = self._all_notes, self._notes_shown
        text = Text(safe_block(notes[:shown]) or "—")
        if shown < len(notes):
            text.append(f"\n… {len(notes) - shown:,} more characters: scroll on (E opens them all in $EDITOR)", "dim")
        self.query_one("#card-notes", Static).update(text)

    def _scrolled(self, y: float) -> None:
        body = self.query_one(CardBody)
        if self._notes_shown < len(self._all_notes) and y >= body.max_scroll_y - body.size.height:
            self._notes_shown = min(len(self._all_notes), self._notes_shown + NOTES_CHUNK)
            self._show_notes()

    # --- actions on the highlighted item -------------------------------------------------

    def item_action(self, section: str, verb: str, item_id: int) -> None:
        actions = {
            ("people", "edit"): self.app.edit_person,
            ("people", "remove"): self.app.unlink_person,
            ("prep", "edit"): self.app.edit_prep,
            ("prep", "remove"): self.app.remove_prep,
            ("contacts", "edit"): self.app.edit_contact,
            ("contacts", "remove"): self.app.remove_contact,
        }
        actions[section, verb](self.card_id, item_id)

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        if getattr(self, "_syncing", False):
            return
        prep_id = event.selection.value
        self.app.tick_prep(self.card_id, prep_id, prep_id in event.selection_list.selected)

    def action_add_prep(self) -> None:
        self.app.add_prep(self.card_id)

    def action_edit_notes(self) -> None:
        from .editor import edit_notes

        edit_notes(self.app, self.card_id)

    def show_saving(self, count: int) -> None:
        status = self.query_one("#card-status", Static)
        status.update(Text("saving…", "bold reverse"))
        status.display = bool(count)
