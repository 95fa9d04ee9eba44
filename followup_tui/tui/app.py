"""FollowupApp: the board and everything it opens (SPEC §6).

Every change goes through `change()`: one Store action (one transaction, recorded
in the undo journal); the board remembers the journal ids of its own actions, so
u / ctrl+r undo and redo those, and never anyone else's (journal.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .. import clock, drafts, summaries
from ..config import Config
from ..dbfile import StoreError
from ..journal import Reverted
from ..model import CardBundle, Kind, Outcome, Stage
from ..rules import OVERDUE, Assessment, assess, too_soon
from ..summaries import CardSummary
from ..store import NewCard, Store
from ..textsafe import safe
from .board import BoardScreen
from .card import CardScreen
from .forms import ChooseOutcome, Confirm, ContactDraft, ContactForm, InterviewDraft, InterviewForm, OneLine, \
    PersonDraft, PersonForm
from .preferences import remember_theme
from .screens import ArchiveScreen, DraftScreen, HelpScreen


def binding_ids() -> set[str]:
    """Every binding id config.toml [keys] may rebind."""
    return set(default_keys())


def default_keys() -> dict[str, str]:
    """Binding id -> its keys before config.toml [keys]."""
    from .cardlist import CardList
    from .forms import Form

    holders = (FollowupApp, BoardScreen, CardList, CardScreen, ArchiveScreen, HelpScreen, DraftScreen,
               Form, Confirm, ChooseOutcome)
    return {binding.id: binding.key for holder in holders for binding in holder.BINDINGS if binding.id}


FLAG_COLOURS = {"overdue": "error", "too-frequent": "warning", "due": "accent", "no-reply": "secondary"}  # theme variables
RELOAD_ALL_ABOVE = 200  # another process changed more cards than this: read the whole board again


class FollowupApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "followup"
    BINDINGS = [
        Binding("u", "undo", "Undo", id="undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, store: Store, config: Config, now_text: str | None = None) -> None:
        super().__init__()
        self.store, self.config, self.now_text = store, config, now_text
        store.origin = "board"
        self.undoable: list[int] = []  # journal ids of this board's actions (and redos), latest last
        self.redoable: list[int] = []  # journal ids of this board's undos
        self.board = summaries.Board([])
        self._overdue: set[int] = set()
        self._data_version = store.data_version()
        self._journal_seen = store.journal_head()
        if config.theme:
            self.theme = config.theme

    # --- lifecycle --------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        remember_theme(self)
        self.reload()
        self._overdue = self._overdue_ids()
        self.push_screen(BoardScreen())
        self.set_interval(1, self._poll_other_writers)
        self.set_interval(60, self._tick)

    def now(self) -> datetime:
        return clock.now(self.now_text)

    def reload(self) -> None:
        """Read every open card's summary once; all views draw from this."""
        self.board = summaries.Board(summaries.load(self.store.conn, self.config.policy, self.now()))

    def reload_card(self, card_id: int) -> None:
        """After a change to one card: read only that card again."""
        self.board.replace(card_id, summaries.load(self.store.conn, self.config.policy, self.now(),
                                                   "c.id = :id AND c.closed_at IS NULL", {"id": card_id}, many=False))

    def reload_cards(self, card_ids: set[int] | None) -> None:
        """Read these cards again (None or very many: the whole board)."""
        if card_ids is None or len(card_ids) > RELOAD_ALL_ABOVE:
            self.reload()
        else:
            for card_id in sorted(card_ids):
                self.reload_card(card_id)

    def rows(self) -> list[CardSummary]:
        return self.board.rows

    def closed_rows(self) -> list[CardSummary]:
        return summaries.load(self.store.conn, self.config.policy, self.now(), "c.closed_at IS NOT NULL")

    def matching_ids(self, needle: str) -> set[int]:
        return self.store.matching_ids(needle)

    def bundle(self, card_id: int) -> CardBundle | None:
        """One card in full (contacts, people, prep); None if it is gone."""
        try:
            return self.store.get(card_id)
        except StoreError:
            return None

    def assess(self, bundle: CardBundle) -> Assessment:
        return assess(bundle, self.config.policy, self.now())

    def refresh_all(self) -> None:
        self.reload()
        self.refresh_screens()

    def refresh_screens(self) -> None:
        for screen in self.screen_stack:
            for method in ("refresh_board", "refresh_card", "refresh_archive"):
                if hasattr(screen, method):
                    getattr(screen, method)()

    def _poll_other_writers(self) -> None:
        """Another process (followup log in a shell) committed: read again the cards its actions
        touched, as the journal says; all of them after a write the journal did not see (sqlite3)."""
        version = self.store.data_version()
        if version != self._data_version:
            self._data_version = version
            changed, self._journal_seen = self.store.changed_cards_since(self._journal_seen)
            self.reload_cards(changed)
            self.refresh_screens()

    def _tick(self) -> None:
        """Time passes: flags change; say so when a card turns overdue."""
        self.refresh_all()
        overdue = self._overdue_ids()
        for row in self.rows():
            if row.card_id in overdue - self._overdue:
                self.notify(f"{safe(row.company)} is now overdue: {safe(row.assessment.reasons[0])}",
                            severity="warning", markup=False)
        self._overdue = overdue

    def _overdue_ids(self) -> set[int]:
        return {r.card_id for r in self.rows() if OVERDUE in r.flags}

    # --- changes, undo, redo ------------------------------------------------------------

    def change(self, card_id: int | None, label: str, action: Callable[[], object]) -> object:
        """Run one Store action; remember its journal id so that u can undo it. (`label` names the
        change for the board; the journal labels it itself, see Store.transaction.)"""
        try:
            result = action()
        except StoreError as exc:
            self.notify(safe(str(exc)), severity="error", markup=False)
            return None
        card_id = result if card_id is None else card_id
        if self.store.last_action_id is not None:  # None: it changed nothing
            self.undoable.append(self.store.last_action_id)
            self.redoable.clear()
        self.reload_card(card_id)
        self.refresh_screens()
        return result

    def action_undo(self) -> None:
        self._revert(self.undoable, self.redoable, self.store.undo, "undone")

    def action_redo(self) -> None:
        self._revert(self.redoable, self.undoable, self.store.redo, "redone")

    def _revert(self, source: list[int], target: list[int], step: Callable[[int], Reverted], verb: str) -> None:
        """Undo or redo this board's latest own action through the journal. A refusal (a later
        change is in the way) is said and dropped: the next key tries the one before it."""
        if not source:
            self.notify(f"nothing to be {verb}", markup=False)
            return
        try:
            done = step(source.pop())
        except StoreError as exc:
            self.notify(safe(str(exc)), severity="error", markup=False)
            return
        if done.action_id is not None:
            target.append(done.action_id)
        self.reload_cards(done.cards)
        self.refresh_screens()
        if isinstance(self.screen, BoardScreen) and done.cards:
            self.screen.select_card(min(done.cards))  # no-op when the card is not on the board
        self.notify(f"{verb}: {safe(done.label)}", markup=False)

    # --- the card under the cursor -------------------------------------------------------------

    def current_card_id(self) -> int | None:
        screen = self.screen
        if isinstance(screen, CardScreen):
            return screen.card_id
        return getattr(screen, "current_card_id", None)

    def _current(self) -> CardBundle | None:
        card_id = self.current_card_id()
        bundle = self.bundle(card_id) if card_id is not None else None
        if bundle is None:
            self.notify("no card here", markup=False)
        return bundle

    def _label(self, bundle: CardBundle, what: str) -> str:
        return f"{what} {safe(bundle.card.company)}"

    # --- actions (keys on the board and the card screen) --------------------------------------

    def open_card(self, card_id: int) -> None:
        self.push_screen(CardScreen(card_id))

    def move_card(self, card_id: int, stage: Stage) -> None:
        bundle = self.bundle(card_id)
        self.change(card_id, self._label(bundle, f"move to {stage.title}:"),
                    lambda: self.store.move(card_id, stage, self.now()))

    def action_add_card(self) -> None:
        def save(draft: InterviewDraft | None) -> None:
            if draft is None:
                return
            new = NewCard(**vars(draft))
            card_id = self.change(None, f"add {safe(draft.company)}", lambda: self.store.add_card(new, self.now()))
            if card_id and isinstance(self.screen, BoardScreen):
                self.screen.select_card(card_id)

        self.push_screen(InterviewForm(self.now()), save)

    def action_edit_card(self) -> None:
        bundle = self._current()
        if bundle is None:
            return

        def save(draft: InterviewDraft | None) -> None:
            if draft is not None:
                fields = {k: v for k, v in vars(draft).items() if k != "interviewers"}
                self.change(bundle.card.id, self._label(bundle, "edit"),
                            lambda: self.store.update_card(bundle.card.id, fields, self.now()))

        self.push_screen(InterviewForm(self.now(), bundle.card, bundle.people), save)

    def action_thank(self) -> None:
        """t: the thank-you note went out just now, by the channel the card asks for (else email)."""
        bundle = self._current()
        if bundle is not None:
            self._log(bundle, ContactDraft(Kind.THANK_YOU, bundle.card.channel, self.now()))

    def action_log_contact(self) -> None:
        bundle = self._current()
        if bundle is not None:
            self.push_screen(ContactForm(self.now(), bundle.card, bundle.people),
                             lambda draft: draft and self._log(bundle, draft))

    def _log(self, bundle: CardBundle, draft: ContactDraft) -> None:
        """Log a contact; if it would be too frequent, ask first (it may already have happened)."""
        warning = too_soon(bundle, draft.kind, draft.at, self.config.policy)

        def save(confirmed: bool = True) -> None:
            if not confirmed:
                return
            card_id = bundle.card.id
            self.change(card_id, self._label(bundle, f"log {draft.kind} with"), lambda: self.store.log_contact(
                card_id, draft.kind, draft.at, self.now(), channel=draft.channel, person=draft.person or None,
                note=draft.note, round_at=draft.round_at))
            if draft.kind == Kind.REJECTION:
                self._offer_gracious_reply(card_id)

        if warning:
            self.push_screen(Confirm(f"{safe(warning)}\n\nLog it anyway?", yes="Log it"), save)
        else:
            save()

    def action_write_draft(self) -> None:
        bundle = self._current()
        if bundle is not None:
            try:
                template = drafts.default_template(bundle, self.config, self.now())
            except drafts.NothingToSend as exc:
                self.notify(safe(str(exc)), markup=False)
                return
            self._show_draft(bundle, template)

    def _show_draft(self, bundle: CardBundle, template: str) -> None:
        try:
            draft = drafts.render(bundle, template, self.config, self.now())
        except drafts.DraftError as exc:
            self.notify(safe(str(exc)), severity="error", markup=False)
            return
        self.copy_to_clipboard(draft.text)

        def sent(mark: bool | None) -> None:
            if mark:
                self._log(bundle, ContactDraft(drafts.SENT_AS[template], bundle.card.channel, self.now()))

        self.push_screen(DraftScreen(draft), sent)

    def _offer_gracious_reply(self, card_id: int) -> None:
        bundle = self.bundle(card_id)
        self.push_screen(Confirm(f"{safe(bundle.card.company)} said no. Write a gracious reply?", yes="Write it"),
                         lambda yes: yes and self._show_draft(self.bundle(card_id), "gracious-reply"))

    def action_close_card(self) -> None:
        """x: offer or withdrawn archive the card; rejected records the rejection (Stay in touch)."""
        bundle = self._current()
        if bundle is None:
            return

        def close(outcome: Outcome | None) -> None:
            if outcome == Outcome.REJECTED:
                self._log(bundle, ContactDraft(Kind.REJECTION, bundle.card.channel, self.now()))
            elif outcome is not None:
                card_id = bundle.card.id
                self.change(card_id, self._label(bundle, f"close ({outcome})"),
                            lambda: self.store.close_card(card_id, self.now(), outcome))
                if isinstance(self.screen, CardScreen):
                    self.pop_screen()

        self.push_screen(ChooseOutcome(bundle.card.company), close)

    def reopen_card(self, card_id: int) -> None:
        bundle = self.bundle(card_id)
        self.change(card_id, self._label(bundle, "restore"), lambda: self.store.reopen(card_id, self.now()))
        self.notify(f"{safe(bundle.card.company)} is back on the board", markup=False)

    def action_delete_card(self) -> None:
        bundle = self._current()
        if bundle is None:
            return
        card_id = bundle.card.id

        def delete(yes: bool) -> None:
            if yes:
                self.change(card_id, self._label(bundle, "delete"), lambda: self.store.delete(card_id))
                if isinstance(self.screen, CardScreen):
                    self.pop_screen()

        self.push_screen(Confirm(f"Delete {safe(bundle.card.company)} and all its history? (u undoes)",
                                 yes="Delete"), delete)

    def action_archive(self) -> None:
        self.push_screen(ArchiveScreen())

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def add_prep(self, card_id: int) -> None:
        bundle = self.bundle(card_id)
        self.push_screen(OneLine("Prep item", "What to prepare"), lambda text: text and self.change(
            card_id, self._label(bundle, "add prep to"), lambda: self.store.prep_changes(card_id, [text])))

    def tick_prep(self, card_id: int, number: int, done: bool) -> None:
        bundle = self.bundle(card_id)
        self.change(card_id, self._label(bundle, f"{'tick' if done else 'untick'} prep on"),
                    lambda: self.store.prep_changes(card_id, [], [number] if done else [], [] if done else [number]))

    def action_add_person(self) -> None:
        bundle = self._current()
        if bundle is None:
            return

        def save(person: PersonDraft | None) -> None:
            if person is not None:
                self.change(bundle.card.id, self._label(bundle, f"link {safe(person.name)} to"),
                            lambda: self.store.add_person(bundle.card.id, person.name, person.relation,
                                                          person.email, person.title, person.note))

        self.push_screen(PersonForm(), save)

    # --- keys, colours, command palette ------------------------------------------------------

    def keys_for(self, binding: Binding) -> str:
        """The keys a binding answers to now (the keymap from config.toml wins)."""
        return self._keymap.get(binding.id, binding.key) if binding.id else binding.key

    def flag_colour(self, flag: str) -> str:
        return self.theme_variables.get(FLAG_COLOURS[flag], "red")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in (*BoardScreen.BINDINGS, *self.BINDINGS):
            if binding.id not in ("focus-left", "focus-right", "clear-filter", "quit"):
                yield SystemCommand(binding.description, f"key: {self.keys_for(binding)}",
                                    lambda action=binding.action: self.run_action(action, self.screen))
