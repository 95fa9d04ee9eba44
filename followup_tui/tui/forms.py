"""Typed modal forms: each returns its result through `dismiss`, or None when cancelled.

A form validates everything before it returns, and shows the first problem
inside itself; the caller saves the result in one Store action, so nothing
is ever half-saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from ..domain.clock import TimeParseError, local_date, parse_date, parse_instant, short_date
from ..domain.history import link_round, round_problem
from ..domain.lifecycle import CARRY_INSTRUCTIONS, LifecycleError, check_happened, check_thank_you_time
from ..domain.model import Card, Channel, Contact, Kind, Outcome, Person, Relation, names_and_emails
from ..domain.present import person_line
from ..domain.textsafe import safe, safe_block
from ..storage.store import Instruction
from .caches import drop_closed_screens_lines
from .fields import FormSelect, FormSelectionList, NotesArea, TextInput

if TYPE_CHECKING:
    from textual import getters

    from .app import FollowupApp


class Invalid(ValueError):
    """A field the user must fix; the message names it."""


def _when(text: str, what: str, now: datetime) -> datetime:
    try:
        return parse_instant(text, now)
    except TimeParseError as exc:
        raise Invalid(f"{what}: {exc}") from None


def _day(text: str, what: str, now: datetime, future: bool = False) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text, now, future=future)
    except TimeParseError as exc:
        raise Invalid(f"{what}: {exc}") from None


def _local(dt: datetime) -> str:
    return f"{dt.astimezone():%Y-%m-%d %H:%M}"


class Form(ModalScreen):
    """Shared frame: a title, fields, an error line, Save/Cancel; ctrl+s saves, esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
        Binding("ctrl+s", "save", "Save", id="form-save"),
    ]
    TITLE_TEXT = ""
    SAVE_TEXT = "Save"  # what the button does ("Go" for a question that saves nothing)

    def __init__(self) -> None:
        super().__init__()
        self._loaded: dict[str, tuple[str, str]] = {}  # field id -> (text shown, text stored)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.TITLE_TEXT, classes="form-title", markup=False)
            with VerticalScroll(classes="form-fields"):
                yield from self.fields()
            yield Static("", id="form-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(self.SAVE_TEXT, variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        fields = self.query("Input, Select, TextArea")  # empty if the form was closed before it mounted
        if fields:
            fields.first().focus()

    def on_unmount(self) -> None:
        drop_closed_screens_lines()

    def fields(self) -> ComposeResult:
        yield from ()

    def result(self):
        raise NotImplementedError

    def value(self, widget_id: str) -> str:
        """What the field says; for a field loaded with `shown()`, the stored text while it is untouched."""
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, TextArea):
            text = widget.text
        elif isinstance(widget, Select):
            return "" if widget.is_blank() else str(widget.value)
        elif isinstance(widget, Input):
            text = widget.value
        else:
            raise TypeError(f"#{widget_id} is not a form field")
        loaded = self._loaded.get(widget_id)
        return loaded[1] if loaded and text == loaded[0] else text

    def untouched(self, widget_id: str) -> bool:
        """The field still says what `shown()` put in it."""
        loaded = self._loaded.get(widget_id)
        return loaded is not None and self.query_one(f"#{widget_id}", Input).value == loaded[0]

    def shown(self, widget_id: str, stored: str, block: bool = False) -> str:
        """User text for a field: control characters made visible (a field must never write them to
        the terminal); `value()` gives `stored` back unless the user changed the field."""
        text = safe_block(stored) if block else safe(stored)
        self._loaded[widget_id] = (text, stored)
        return text

    def on_input_changed(self) -> None:
        """What the error line said is about what was typed before: it goes once the user types."""
        self.query_one("#form-error", Static).update("")

    def action_save(self) -> None:
        try:
            outcome = self.result()
        except Invalid as exc:
            self.query_one("#form-error", Static).update(safe(str(exc)))
            return
        asked = self.question(outcome)
        if asked is None:
            self.dismiss(outcome)
        else:  # asked over the form: "no" comes back to it, with the typing kept
            question, yes = asked

            def answered(sure: bool | None) -> None:
                if sure:
                    self.dismiss(outcome)

            self.app.push_screen(Confirm(question, yes=yes), answered)

    def question(self, outcome) -> tuple[str, str] | None:
        """(a question, the yes button's words) to ask before `outcome` is saved, or None."""
        return None

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()


def _field(label: str, widget) -> ComposeResult:
    widget.compact = True  # one line per field: forms fit in 80×24
    yield Label(label, classes="field-label", markup=False)
    yield widget


# --- add / edit an interview ---------------------------------------------------------------

NOTES_IN_FORM = 20_000  # longer notes are edited in $EDITOR (E on the card screen), not in a form field


@dataclass
class InterviewDraft:
    company: str
    role: str
    interview_at: datetime
    interviewers: list[tuple[str, str]] = field(default_factory=list)  # (name, email) to link
    follow_up_on: date | None = None
    follow_up_via: Channel | None = None
    decision_by: date | None = None
    fit: str = ""
    notes: str | None = ""  # None: not in the form (too long), unchanged
    topic: str = ""
    next_round_at: datetime | None = None
    unlink: list[int] = field(default_factory=list)  # ids of people to take off the card

    def card_fields(self, shown: Card | None = None) -> dict:
        """The card's own fields, as Store.update_card takes them; with `shown` (the card as the form
        showed it), only those the user changed: a field left alone keeps what a shell wrote meanwhile."""
        skip = {"interviewers", "unlink"} | ({"notes"} if self.notes is None else set())
        fields = {key: value for key, value in vars(self).items() if key not in skip}
        return (
            fields if shown is None else {key: value for key, value in fields.items() if getattr(shown, key) != value}
        )


class InterviewForm(Form):
    """New interview, or edit one (`card` given, with its people: untick to unlink, type to add)."""

    def __init__(
        self, now: datetime, card: Card | None = None, people: Sequence[Person] = (), ended: str | None = None
    ) -> None:
        """`ended`: why the card's follow-up date no longer counts ('ended by their reply of Dec 9'): the
        field shows empty, and the date typed again keeps it (Store.update_card)."""
        super().__init__()
        self.now, self.card, self.ended = now, card, ended
        self.people = [p for p in people if p.relation != Relation.NETWORK]
        self.TITLE_TEXT = (
            f"Edit #{card.id} {safe(card.company)}" if card else "New interview (enter saves, esc cancels)"
        )

    def fields(self) -> ComposeResult:
        card = self.card
        yield from _field("Company", TextInput(self.shown("company", card.company) if card else "", id="company"))
        yield from _field("Role", TextInput(self.shown("role", card.role) if card else "", id="role"))
        yield from _field(
            "Interview (e.g. now, yesterday 14:00, 2026-12-01 10:00)",
            TextInput(self.shown("when", _local(card.interview_at)) if card else "now", id="when"),
        )
        if self.people:
            yield from _field(
                "Interviewers (space unticks one: it leaves the card)",
                FormSelectionList(*[Selection(Text(person_line(p)), p.id, True) for p in self.people], id="people"),
            )
        yield from _field(
            "Add interviewers (Name <email>, comma-separated)", TextInput(id="interviewers", lines_joined_by=", ")
        )
        if card:
            yield from _field(
                "Next round at",
                TextInput(
                    self.shown("round-at", _local(card.next_round_at) if card.next_round_at else ""), id="round-at"
                ),
            )
        day = card.follow_up_on.isoformat() if card and card.follow_up_on else ""
        label = f"{day} {self.ended}: type it again to keep it" if day and self.ended else "the date they asked for"
        yield from _field(f"Follow up on ({label})", TextInput("" if self.ended else day, id="follow-up-on"))
        yield from _field(
            "Follow up via (the channel they asked for)",
            FormSelect(
                [(c.value, c.value) for c in Channel],
                id="via",
                value=card.follow_up_via.value if card and card.follow_up_via else Select.NULL,
            ),
        )
        yield from _field(
            "Decision by",
            TextInput(card.decision_by.isoformat() if card and card.decision_by else "", id="decision-by"),
        )
        yield from _field(
            "Why I fit (the thank-you reiterates it)", TextInput(self.shown("fit", card.fit) if card else "", id="fit")
        )
        yield from _field(
            "Topic: what you talked about (the thank-you mentions it)",
            TextInput(self.shown("topic", card.topic) if card else "", id="topic"),
        )
        if card and len(card.notes) > NOTES_IN_FORM:
            yield Label(
                f"Notes: {len(card.notes):,} characters; E on the card screen edits them in $EDITOR",
                classes="field-label",
                markup=False,
            )
        else:
            yield from _field(
                "Notes (private: never in a draft)",
                NotesArea(self.shown("notes", card.notes, block=True) if card else "", id="notes"),
            )

    def result(self) -> InterviewDraft:
        company = self.value("company").strip()
        if not company:
            raise Invalid("Company must not be empty")
        via = self.value("via")
        card = self.card
        round_at = self.value("round-at").strip() if card else ""
        return InterviewDraft(
            company=company,
            role=self.value("role").strip(),
            interview_at=card.interview_at
            if card and self.untouched("when")
            else _when(self.value("when"), "Interview", self.now),
            interviewers=names_and_emails(self.value("interviewers")),
            follow_up_on=_day(self.value("follow-up-on"), "Follow up on", self.now),
            follow_up_via=Channel(via) if via else None,
            decision_by=_day(self.value("decision-by"), "Decision by", self.now),
            fit=self.value("fit").strip(),
            topic=self.value("topic").strip(),
            notes=self.value("notes") if self.query("#notes") else None,
            next_round_at=(
                card.next_round_at
                if self.untouched("round-at")
                else _when(round_at, "Next round at", self.now)
                if round_at
                else None
            )
            if card
            else None,
            unlink=self._unticked(),
        )

    def _unticked(self) -> list[int]:
        if not self.people:
            return []
        kept = self.query_one("#people", SelectionList).selected
        return [p.id for p in self.people if p.id not in kept]


# --- log a contact, or fix one ---------------------------------------------------------------


@dataclass
class ContactDraft:
    kind: Kind
    channel: Channel
    at: datetime
    person: str = ""
    note: str = ""
    round_at: datetime | None = None
    instruction: Instruction | None = None  # what they asked for, with a reply, an answer or an offer


class ContactForm(Form):
    """Log a contact (starting with the `advised` kind, channel and person: what the next action asks
    for), or (`contact` given) correct one that was logged."""

    if TYPE_CHECKING:
        app = getters.app(FollowupApp)

    def __init__(
        self,
        now: datetime,
        card: Card,
        people: list[Person],
        contact: Contact | None = None,
        number: int = 0,
        advised: tuple[Kind, Channel, str] | None = None,
        warn: Callable[[ContactDraft], str | None] = lambda draft: None,
    ) -> None:
        """`warn`: why logging this contact would be too soon (SPEC §3.3), asked before it is saved."""
        super().__init__()
        self.now, self.card, self.people, self.contact, self.warn = now, card, people, contact, warn
        if contact is not None:
            person = next((p.name for p in people if p.id == contact.person_id), "")
            advised = (contact.kind, contact.channel, person)
        # the kind, channel and person shown first; with nothing to send now (wait, prep, move on),
        # what comes next is most likely their message, and a follow-up would be the one too soon
        self.start = advised or (Kind.REPLY, Channel.EMAIL, "")
        self.TITLE_TEXT = (
            f"Fix contact {number} with #{card.id} {safe(card.company)}"
            if contact
            else f"Log a contact with #{card.id} {safe(card.company)} (enter saves, esc cancels)"
        )

    def fields(self) -> ComposeResult:
        contact = self.contact
        kind, channel, person = self.start
        yield from _field(
            "Kind",
            FormSelect(
                [(k.value, k.value) for k in Kind],
                id="kind",
                value=kind.value,
                allow_blank=False,
            ),
        )
        yield from _field(
            "Channel",
            FormSelect(
                [(c.value, c.value) for c in Channel],
                id="channel",
                value=channel.value,
                allow_blank=False,
            ),
        )
        yield from _field("When", TextInput(self.shown("when", _local(contact.at)) if contact else "now", id="when"))
        names = ", ".join(safe(p.name) for p in self.people)
        yield from _field(
            f"Person{f' ({names})' if names else ''}", TextInput(self.shown("person", person), id="person")
        )
        yield from _field("Note", TextInput(self.shown("note", contact.note if contact else ""), id="note"))
        if contact is None:
            yield from _field("Next round at (with invite)", TextInput(id="round-at"))
            yield from _field(
                "They asked to hear from you on (with reply, answer, offer)", TextInput(id="follow-up-on")
            )
            yield from _field(
                "How they asked to hear from you (the channel)",
                FormSelect([(c.value, c.value) for c in Channel], id="follow-up-via", value=Select.NULL),
            )
            yield from _field(
                "They expect to decide by; with an offer, answer it by (with reply, answer, offer)",
                TextInput(id="decision-by"),
            )

    def result(self) -> ContactDraft:
        kind = Kind(self.value("kind"))
        round_text = self.value("round-at").strip() if self.contact is None else ""
        if round_text and kind != Kind.INVITE:
            raise Invalid("Next round at goes with an invite")
        if self.contact and self.untouched("when"):
            at = self.contact.at
        else:
            at = _when(self.value("when"), "When", self.now)
            try:  # said here, where the typing is kept, rather than by the save after the form has closed
                check_happened(at, max(self.now, self.app.now()))  # the form may have been open a while
                if self.contact is None:
                    check_thank_you_time(self.card, kind, at, self.now)
            except LifecycleError as exc:
                raise Invalid(f"When: {exc}") from None
        return ContactDraft(
            kind=kind,
            channel=Channel(self.value("channel")),
            at=at,
            person=self.value("person").strip(),
            note=self.value("note"),
            round_at=_when(round_text, "Next round at", self.now) if round_text else None,
            instruction=self._instruction(kind, at) if self.contact is None else None,
        )

    def _instruction(self, kind: Kind, at: datetime) -> Instruction | None:
        """What they asked for (SPEC §3.5), as `followup log --follow-up-on/--decision-by` takes it."""
        via = self.value("follow-up-via")
        days = {
            what: _day(self.value(field), what, self.now, future=True)
            for what, field in (("Hear from you on", "follow-up-on"), ("Decide by", "decision-by"))
        }
        if not any(days.values()) and not via:
            return None
        if kind not in CARRY_INSTRUCTIONS:
            raise Invalid("what they asked for goes with a reply, an answer or an offer")
        if via and days["Hear from you on"] is None:
            raise Invalid("the channel they asked for goes with the date they asked to hear from you on")
        for what, day in days.items():
            if day is not None and day < local_date(at):
                shown, then = short_date(day, self.now), short_date(local_date(at), self.now)
                raise Invalid(f"{what}: {shown} is before the {kind} ({then})")
        return Instruction(days["Hear from you on"], Channel(via) if via else None, days["Decide by"])

    def question(self, outcome: ContactDraft) -> tuple[str, str] | None:
        warning = self.warn(outcome)
        return None if warning is None else (f"{safe(warning)}\n\nLog it anyway?", "Log it")


# --- small choices ----------------------------------------------------------------------------


class Confirm(ModalScreen[bool]):
    """A question with y / n (enter = the safe answer, no)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question, self.yes = question, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="form confirm"):
            yield Static(self.question, classes="question", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")


class ChooseOutcome(ModalScreen[Outcome | None]):
    """Close a card: offer, rejected or withdrawn (by its key: no button has the focus, so a stray
    enter picks nothing)."""

    AUTO_FOCUS = ""  # no button focused
    BINDINGS = [
        Binding("o", "pick('offer')", "Offer", id="outcome-offer"),
        Binding("r", "pick('rejected')", "Rejected", id="outcome-rejected"),
        Binding("w", "pick('withdrawn')", "Withdrawn", id="outcome-withdrawn"),
        Binding("escape", "pick('')", "Cancel", id="outcome-cancel"),
    ]

    def __init__(self, company: str) -> None:
        super().__init__()
        self.company = company

    def compose(self) -> ComposeResult:
        with Vertical(classes="form confirm"):
            yield Static(
                f"How did it end with {safe(self.company)}?\n"
                "Offer or withdrawn archive the card; rejected moves it to Stay in touch.",
                classes="question",
                markup=False,
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Offer (o)", id="offer", variant="success")
                yield Button("Rejected (r)", id="rejected", variant="error")
                yield Button("Withdrawn (w)", id="withdrawn")

    def action_pick(self, outcome: str) -> None:
        self.dismiss(Outcome(outcome) if outcome else None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_pick(event.button.id or "")


class ChooseRound(ModalScreen[str | None]):
    """H on a Next round card: start the next round (back to Thank-you) or just go back to Waiting
    (by its key, as ChooseOutcome)."""

    AUTO_FOCUS = ""  # no button focused
    BINDINGS = [
        Binding("s", "pick('start')", "Start the round", id="round-start"),
        Binding("w", "pick('waiting')", "Back to Waiting", id="round-waiting"),
        Binding("escape", "pick('')", "Cancel", id="round-cancel"),
    ]

    def __init__(self, title: str, next_round: int, ahead: str = "") -> None:
        """`ahead`: when the round is set for, if that is still to come ('Dec 8 10:00, in 6 days')."""
        super().__init__()
        self.title_text, self.next_round, self.ahead = title, next_round, ahead

    def compose(self) -> ComposeResult:
        n = self.next_round
        asked = (
            f"Round {n} is set for {self.ahead}: has it happened already (moved earlier)?"
            if self.ahead
            else f"Has round {n} happened?"
        )
        with Vertical(classes="form confirm"):
            yield Static(
                f"{self.title_text} is in Next round. {asked}\n"
                f"Starting it puts the card back in Thank-you, for round {n}'s note.",
                classes="question",
                markup=False,
            )
            with Horizontal(classes="form-buttons"):  # the likely answer is the primary one
                yield Button(f"Start round {n} (s)", id="start", variant="default" if self.ahead else "primary")
                yield Button("Back to Waiting (w)", id="waiting", variant="primary" if self.ahead else "default")

    def action_pick(self, choice: str) -> None:
        self.dismiss(choice or None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_pick(event.button.id or "")


@dataclass
class PersonDraft:
    name: str
    relation: Relation
    email: str = ""
    title: str = ""
    note: str = ""
    round: int | None = None  # the round met in (None: as the card is, history.link_round)


class PersonForm(Form):
    """Link a person, or (`person` given) change one linked to the card."""

    def __init__(self, card: Card, person: Person | None = None) -> None:
        super().__init__()
        self.card, self.person = card, person
        self.TITLE_TEXT = f"Edit {safe(person.name)}" if person else "Link a person"

    def fields(self) -> ComposeResult:
        person = self.person
        yield from _field("Name", TextInput(self.shown("name", person.name if person else ""), id="name"))
        yield from _field(
            "Relation (network: someone who can recommend you)",
            FormSelect(
                [(r.value, r.value) for r in Relation],
                id="relation",
                value=(person.relation if person else Relation.INTERVIEWER).value,  # as `followup person`
                allow_blank=False,
            ),
        )
        yield from _field("Email", TextInput(self.shown("email", person.email if person else ""), id="email"))
        yield from _field("Title", TextInput(self.shown("title", person.title if person else ""), id="title"))
        yield from _field(
            "Note (who they are, how they know the company)",
            TextInput(self.shown("note", person.note if person else ""), id="note"),
        )
        yield from _field(
            f"Round met in (empty: {link_round(self.card)}; each round's interviewers get a note each)",
            TextInput(str(person.round) if person else "", id="round"),
        )

    def result(self) -> PersonDraft:
        name = self.value("name").strip()
        if not name:
            raise Invalid("Name must not be empty")
        return PersonDraft(
            name,
            Relation(self.value("relation")),
            self.value("email").strip(),
            self.value("title").strip(),
            self.value("note").strip(),
            self._round(),
        )

    def _round(self) -> int | None:
        text = self.value("round").strip()
        if not text:
            return None
        met_in = int(text) if text.isdecimal() and text.isascii() else text
        problem = round_problem(self.card, met_in)
        if problem:
            raise Invalid(f"Round {text}: {problem}")
        return int(met_in)


class OneLine(Form):
    """Ask for one line of text (a prep item, a card id), maybe starting from `initial` (user text)."""

    def __init__(
        self,
        title: str,
        label: str,
        check: Callable[[str], str | None] = lambda text: None,
        initial: str = "",
        button: str = "Save",
    ) -> None:
        super().__init__()
        self.TITLE_TEXT, self.label, self.check, self.initial = title, label, check, initial
        self.SAVE_TEXT = button

    def fields(self) -> ComposeResult:
        yield from _field(self.label, TextInput(self.shown("line", self.initial), id="line"))

    def result(self) -> str:
        text = self.value("line").strip()
        problem = "Please type something" if not text else self.check(text)
        if problem:
            raise Invalid(problem)
        return text


class WhenForm(Form):
    """Ask for a time (the next round's interview)."""

    def __init__(self, title: str, label: str, now: datetime, initial: datetime | None) -> None:
        super().__init__()
        self.TITLE_TEXT, self.label, self.now, self.initial = title, label, now, initial

    def fields(self) -> ComposeResult:
        yield from _field(self.label, TextInput(_local(self.initial) if self.initial else "now", id="when"))

    def result(self) -> datetime:
        if self.initial is not None and self.value("when") == _local(self.initial):
            return self.initial
        return _when(self.value("when"), "When", self.now)
