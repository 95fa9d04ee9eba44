"""One card in full: fields, flags, people, contact log (newest first), prep checklist, notes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, SelectionList, Static
from textual.widgets.selection_list import Selection

from ..clock import short_datetime
from ..model import CardBundle
from ..present import Assessed, card_facts, contact_line, last_contact, person_line, when_line
from ..rules import FLAG_WORDS, Assessment
from ..textsafe import safe, safe_block


def _section(title: str) -> Static:
    return Static(title, classes="section-title", markup=False)


class CardScreen(Screen):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="card-back"),
        Binding("e", "app.edit_card", "Edit", id="card-edit"),
        Binding("t", "app.thank", "Thanked", id="card-thank-you"),
        Binding("c", "app.log_contact", "Contact", id="card-contact"),
        Binding("w", "app.write_draft", "Draft", id="card-draft"),
        Binding("p", "add_prep", "Prep item", id="card-add-prep"),
        Binding("P", "app.add_person", "Person", id="card-add-person"),
        Binding("x", "app.close_card", "Close", id="card-close"),
    ]

    def __init__(self, card_id: int) -> None:
        super().__init__()
        self.card_id = card_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="card-body"):
            yield Static(id="card-head", markup=False)
            yield _section("People")
            yield Static(id="card-people", markup=False)
            yield _section("Prep checklist (space ticks)")
            yield SelectionList[int](id="card-prep")
            yield Static("— (p adds an item)", id="card-prep-empty", markup=False)
            yield _section("Contacts, newest first")
            yield Static(id="card-contacts", markup=False)
            yield _section("Notes")
            yield Static(id="card-notes", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_card()

    def refresh_card(self) -> None:
        bundle = self.app.bundle(self.card_id)
        if bundle is None:  # deleted elsewhere
            self.app.pop_screen()
            return
        verdict = self.app.assess(bundle)
        now = self.app.now()
        self.query_one("#card-head", Static).update(self._head(bundle, verdict, now))
        self.query_one("#card-people", Static).update(self._people(bundle))
        self.query_one("#card-contacts", Static).update(self._contacts(bundle, now))
        self.query_one("#card-notes", Static).update(Text(safe_block(bundle.card.notes) or "—"))
        self._prep(bundle)

    def _head(self, bundle: CardBundle, verdict: Assessment, now) -> Text:
        card = bundle.card
        text = Text()
        text.append(safe(card.company), "bold")
        if card.role:
            text.append(f" — {safe(card.role)}")
        state = f"closed ({card.outcome})" if card.closed else card.stage.title
        text.append(f"\n{state} · round {card.round} · {when_line(card, last_contact(bundle, now), now)}\n", "dim")
        for label, value in card_facts(Assessed(bundle, verdict), now):
            text.append(f"{label.capitalize()}: {value}\n")
        if card.fit:
            text.append("Why I fit: ", "bold")
            text.append(safe(card.fit) + "\n")
        for flag, reason in zip(verdict.reason_flags, verdict.reasons):
            text.append(FLAG_WORDS.get(flag, "next"), f"bold {self.app.flag_colour(flag)}" if flag else "bold")
            text.append(f" {safe(reason)}\n")
        for problem in card.problems:  # values another tool wrote that could not be read
            text.append("problem", f"bold {self.app.flag_colour('overdue')}")
            text.append(f" {safe(problem)}\n")
        return text

    @staticmethod
    def _people(bundle: CardBundle) -> Text:
        if not bundle.people:
            return Text("— (P links one)", "dim")
        return Text("\n".join(person_line(p, note=True) for p in bundle.people))

    @staticmethod
    def _contacts(bundle: CardBundle, now) -> Text:
        if not bundle.contacts:
            return Text("— (c logs one, t logs the thank-you)", "dim")
        return Text("\n".join(contact_line(bundle, c, short_datetime(c.at, now)) for c in reversed(bundle.contacts)))

    def _prep(self, bundle: CardBundle) -> None:
        checklist = self.query_one("#card-prep", SelectionList)
        highlighted = checklist.highlighted or 0
        self._syncing = True
        checklist.clear_options()
        checklist.add_options([Selection(Text(safe(item.text)), number, item.done)
                               for number, item in enumerate(bundle.prep, 1)])
        if bundle.prep:
            checklist.highlighted = min(highlighted, len(bundle.prep) - 1)
        checklist.display = bool(bundle.prep)
        self.query_one("#card-prep-empty").display = not bundle.prep
        self._syncing = False

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        if getattr(self, "_syncing", False):
            return
        number = event.selection.value
        done = number in event.selection_list.selected
        self.app.tick_prep(self.card_id, number, done)

    def action_add_prep(self) -> None:
        self.app.add_prep(self.card_id)
