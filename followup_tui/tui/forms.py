"""Typed modal forms: each returns its result through `dismiss`, or None when cancelled.

A form validates everything before it returns, and shows the first problem
inside itself; the caller saves the result in one Store action, so nothing
is ever half-saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ..clock import TimeParseError, parse_date, parse_instant
from ..model import Card, Channel, Kind, Outcome, Person, Relation, name_and_email
from ..textsafe import safe


class Invalid(ValueError):
    """A field the user must fix; the message names it."""


def _when(text: str, what: str, now: datetime) -> datetime:
    try:
        return parse_instant(text, now)
    except TimeParseError as exc:
        raise Invalid(f"{what}: {exc}") from None


def _day(text: str, what: str, now: datetime) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text, now)
    except TimeParseError as exc:
        raise Invalid(f"{what}: {exc}") from None


def _local(dt: datetime) -> str:
    return f"{dt.astimezone():%Y-%m-%d %H:%M}"


def _people(text: str) -> list[tuple[str, str]]:
    """'Jane Doe <jane@x.com>, Raj' -> [('Jane Doe', 'jane@x.com'), ('Raj', '')]."""
    return [name_and_email(part) for part in text.split(",") if part.strip()]


class Form(ModalScreen):
    """Shared frame: a title, fields, an error line, Save/Cancel; ctrl+s saves, esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
        Binding("ctrl+s", "save", "Save", id="form-save"),
    ]
    TITLE_TEXT = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.TITLE_TEXT, classes="form-title", markup=False)
            with VerticalScroll(classes="form-fields"):
                yield from self.fields()
            yield Static("", id="form-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        fields = self.query("Input, Select, TextArea")  # empty if the form was closed before it mounted
        if fields:
            fields.first().focus()

    def fields(self) -> ComposeResult:
        yield from ()

    def result(self):
        raise NotImplementedError

    def value(self, widget_id: str) -> str:
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return "" if widget.is_blank() else str(widget.value)
        return widget.value

    def action_save(self) -> None:
        try:
            outcome = self.result()
        except Invalid as exc:
            self.query_one("#form-error", Static).update(safe(str(exc)))
            return
        self.dismiss(outcome)

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


@dataclass
class InterviewDraft:
    company: str
    role: str
    interview_at: datetime
    interviewers: list[tuple[str, str]] = field(default_factory=list)
    follow_up_on: date | None = None
    follow_up_via: Channel | None = None
    decision_by: date | None = None
    fit: str = ""
    notes: str = ""


class InterviewForm(Form):
    """New interview, or edit one (`card` given: its fields, interviewers read-only)."""

    def __init__(self, now: datetime, card: Card | None = None, people: list[Person] = ()) -> None:
        super().__init__()
        self.now, self.card, self.people = now, card, list(people)
        self.TITLE_TEXT = f"Edit {safe(card.company)}" if card else "New interview (enter saves, esc cancels)"

    def fields(self) -> ComposeResult:
        card = self.card
        yield from _field("Company", Input(card.company if card else "", id="company"))
        yield from _field("Role", Input(card.role if card else "", id="role"))
        yield from _field("When (e.g. now, yesterday 14:00, 2026-12-01 10:00)",
                          Input(_local(card.interview_at) if card else "now", id="when"))
        if card is None:
            yield from _field("Interviewers (Name <email>, comma-separated)", Input(id="interviewers"))
        yield from _field("Follow up on (the date they asked for)",
                          Input(card.follow_up_on.isoformat() if card and card.follow_up_on else "", id="follow-up-on"))
        yield from _field("Via", Select([(c.value, c.value) for c in Channel], id="via",
                                        value=card.follow_up_via.value if card and card.follow_up_via else Select.NULL))
        yield from _field("Decision by", Input(card.decision_by.isoformat() if card and card.decision_by else "",
                                               id="decision-by"))
        yield from _field("Why I fit", Input(card.fit if card else "", id="fit"))
        yield from _field("Notes", TextArea(card.notes if card else "", id="notes"))

    def result(self) -> InterviewDraft:
        company = self.value("company").strip()
        if not company:
            raise Invalid("Company must not be empty")
        via = self.value("via")
        return InterviewDraft(
            company=company, role=self.value("role").strip(),
            interview_at=_when(self.value("when"), "When", self.now),
            interviewers=_people(self.value("interviewers")) if self.card is None else [],
            follow_up_on=_day(self.value("follow-up-on"), "Follow up on", self.now),
            follow_up_via=Channel(via) if via else None,
            decision_by=_day(self.value("decision-by"), "Decision by", self.now),
            fit=self.value("fit").strip(), notes=self.value("notes"),
        )


# --- log a contact ---------------------------------------------------------------------------


@dataclass
class ContactDraft:
    kind: Kind
    channel: Channel
    at: datetime
    person: str = ""
    note: str = ""
    round_at: datetime | None = None


class ContactForm(Form):
    def __init__(self, now: datetime, card: Card, people: list[Person]) -> None:
        super().__init__()
        self.now, self.card, self.people = now, card, people
        self.TITLE_TEXT = f"Log a contact with {safe(card.company)} (enter saves, esc cancels)"

    def fields(self) -> ComposeResult:
        yield from _field("Kind", Select([(k.value, k.value) for k in Kind], id="kind",
                                         value=Kind.FOLLOW_UP.value, allow_blank=False))
        yield from _field("Channel", Select([(c.value, c.value) for c in Channel], id="channel",
                                            value=self.card.channel.value, allow_blank=False))
        yield from _field("When", Input("now", id="when"))
        names = ", ".join(safe(p.name) for p in self.people)
        yield from _field(f"Person{f' ({names})' if names else ''}", Input(id="person"))
        yield from _field("Note", Input(id="note"))
        yield from _field("Next round at (with invite)", Input(id="round-at"))

    def result(self) -> ContactDraft:
        kind = Kind(self.value("kind"))
        round_text = self.value("round-at").strip()
        if round_text and kind != Kind.INVITE:
            raise Invalid("Next round at goes with an invite")
        return ContactDraft(
            kind=kind, channel=Channel(self.value("channel")), at=_when(self.value("when"), "When", self.now),
            person=self.value("person").strip(), note=self.value("note"),
            round_at=_when(round_text, "Next round at", self.now) if round_text else None,
        )


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
    """Close a card: offer, rejected or withdrawn."""

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
            yield Static(f"How did it end with {safe(self.company)}?\n"
                         "Offer or withdrawn archive the card; rejected moves it to Stay in touch.",
                         classes="question", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Offer (o)", id="offer", variant="success")
                yield Button("Rejected (r)", id="rejected", variant="error")
                yield Button("Withdrawn (w)", id="withdrawn")

    def action_pick(self, outcome: str) -> None:
        self.dismiss(Outcome(outcome) if outcome else None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_pick(event.button.id)


@dataclass
class PersonDraft:
    name: str
    relation: Relation
    email: str = ""
    title: str = ""
    note: str = ""


class PersonForm(Form):
    TITLE_TEXT = "Link a person"

    def fields(self) -> ComposeResult:
        yield from _field("Name", Input(id="name"))
        yield from _field("Relation (network: someone who can recommend you)",
                          Select([(r.value, r.value) for r in Relation], id="relation",
                                 value=Relation.NETWORK.value, allow_blank=False))
        yield from _field("Email", Input(id="email"))
        yield from _field("Title", Input(id="title"))
        yield from _field("Note (who they are, how they know the company)", Input(id="note"))

    def result(self) -> PersonDraft:
        name = self.value("name").strip()
        if not name:
            raise Invalid("Name must not be empty")
        return PersonDraft(name, Relation(self.value("relation")), self.value("email").strip(),
                           self.value("title").strip(), self.value("note").strip())


class OneLine(Form):
    """Ask for one line of text (a prep item, a person's name)."""

    def __init__(self, title: str, label: str, check: Callable[[str], str | None] = lambda text: None) -> None:
        super().__init__()
        self.TITLE_TEXT, self.label, self.check = title, label, check

    def fields(self) -> ComposeResult:
        yield from _field(self.label, Input(id="line"))

    def result(self) -> str:
        text = self.value("line").strip()
        problem = "Please type something" if not text else self.check(text)
        if problem:
            raise Invalid(problem)
        return text
