"""What the keys do to cards (SPEC §6): each asks what it needs, then makes one write.

Mixed into FollowupApp, which provides `write()`, `bundle()`, `now()` and the screens.
Every write names the card and the change in its toast ("#3 Acme → Waiting").
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING

from ..domain.model import INBOUND, STAGES, CardBundle, Channel, Contact, Kind, Outcome, Relation, Stage
from ..domain.textsafe import safe
from ..storage.store import NewCard, Store

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path
    from typing import TypeVar

    from textual.app import App

    from ..domain import drafts
    from ..domain.config import Config, Policy
    from ..domain.rules import Assessment
    from .forms import ContactDraft, InterviewDraft, PersonDraft

    _Result = TypeVar("_Result")
    _Board = App[None]  # for checkers: FollowupApp mixes these actions into its App
else:
    _Board = object


def name(bundle: CardBundle) -> str:
    """How a toast names a card: '#3 Acme'."""
    return f"#{bundle.card.id} {safe(bundle.card.company)}"


def _with(kind: Kind, person: str | None) -> str:
    """' to Ben Ortiz' (' from …' for their message): whom a logged contact was with, as the shell's log says."""
    if not person:
        return ""
    return f" {'from' if kind in INBOUND else 'to'} {safe(person)}"


def effect(head: str, changes: dict[str, object], sep: str = "; ") -> str:
    """`head` and what a logged contact or a move did to the card:
    '#3 Acme: thank-you logged → Waiting', '#3 Hooli: round 2 starts → Thank-you'."""
    parts = [f"round {changes['round']} starts"] if "round" in changes else []
    if "round" not in changes and "next_round_at" in changes and changes["next_round_at"] is None:
        parts.append("next round's date dropped")  # moved back out of Next round (lifecycle.move)
    if changes.get("outcome") not in (None, Outcome.OPEN):
        parts.append(f"outcome {changes['outcome']}")
    elif "outcome" in changes:
        parts.append("reopened")
    for key in ("follow_up_on", "decision_by"):  # what they asked for, logged with their message
        day = changes.get(key)
        if isinstance(day, date):
            parts.append(f"{FIELD_WORDS[key]} {day:%b} {day.day}")
    stage = f"→ {Stage(str(changes['stage'])).title}" if "stage" in changes else ""
    if parts:
        return f"{head}{sep}{', '.join(parts)}" + (f" {stage}" if stage else "")
    return f"{head} {stage}" if stage else head


def _contact_fixed(head: str, changed: dict[str, object]) -> str:
    """'#3 Acme: contact 2 fixed: kind (now follow-up); card → Thank-you': the contact's fields fixed,
    then what that did to the card (a kind and a column can share a name: each is said as what it is)."""
    fields = [
        f"kind (now {changed[key]})" if key == "kind" else key.removesuffix("_id")
        for key in changed
        if key in CONTACT_FIELDS
    ]
    if not fields:
        return f"{head} unchanged"
    card = {key: value for key, value in changed.items() if key not in CONTACT_FIELDS}
    return f"{head} fixed: {', '.join(fields)}" + (f"; {effect('card', card, ': ')}" if card else "")


CONTACT_FIELDS = ("kind", "channel", "at", "note", "person_id")

BOARD_KEEPS = "e, and type the date again"  # how the board keeps a follow-up date their message ended
FIELD_WORDS = {
    "interview_at": "interview time",
    "follow_up_on": "follow-up date",
    "follow_up_via": "follow-up channel",
    "decision_by": "decision date",
    "next_round_at": "next round",
    "fit": "why I fit",
}


def _asked_first(bundle: CardBundle, draft: ContactDraft, policy: Policy, now: datetime) -> str | None:
    """Why to ask before logging this contact: a date that looks like a slip, too soon (SPEC §3.3), or
    a date they asked for that a later message (or you) already changed, which stays."""
    from ..domain.lifecycle import date_slip_note, older_instruction_note
    from ..domain.rules import too_soon

    card, asked = bundle.card, draft.instruction.asked if draft.instruction else ()
    return (
        date_slip_note(card, draft.kind, draft.at, now)
        or too_soon(bundle, draft.kind, draft.at, policy, person=draft.person or None)
        or older_instruction_note(card, bundle.contacts, draft.at, asked, now)
    )


class CardActions(_Board):
    """The board's and the card screen's actions on cards."""

    if TYPE_CHECKING:  # what FollowupApp provides them (app.py)
        config: Config
        store: Store  # read on the screen's thread (writes go through `write`)
        data_dir: Path  # takes a draft when no clipboard tool is found

        def now(self) -> datetime: ...
        def bundle(self, card_id: int) -> CardBundle | None: ...
        def assess(self, bundle: CardBundle) -> Assessment: ...
        def _current(self) -> CardBundle | None: ...
        def follow(self, card_id: int) -> None: ...
        def write(
            self,
            card_id: int | None,
            what: str,
            action: Callable[[Store], _Result],
            say: Callable[[_Result], str],
            then: Callable[[_Result], None] | None = None,
            follow: bool = True,
        ) -> None: ...

    # --- moving --------------------------------------------------------------------------

    def open_card(self, card_id: int) -> None:
        from .card import card_screen

        screen = card_screen(self, card_id)
        if screen is not None:
            self.push_screen(screen)

    def move_card(self, card_id: int, step: int) -> None:
        """H / L: the previous or next stage; from Next round back to Thank-you that starts the next round."""
        from .forms import ChooseRound, Confirm

        bundle = self.bundle(card_id)
        if bundle is None:
            return
        card = bundle.card
        index = STAGES.index(card.stage) + step
        if not 0 <= index < len(STAGES):
            self.notify(f"{name(bundle)} is in the {'first' if step < 0 else 'last'} stage", markup=False)
            return
        if card.stage == Stage.NEXT_ROUND and step < 0:
            self.push_screen(
                ChooseRound(name(bundle), card.round + 1, _ahead(card.next_round_at, self.now())),
                lambda choice: self._back_from_next_round(bundle, choice) if choice else None,
            )
        elif card.stage == Stage.STAY_IN_TOUCH and card.outcome == Outcome.REJECTED:  # not a slip of a key
            title = STAGES[index].title
            self.push_screen(
                Confirm(f"{name(bundle)} turned you down: moving it to {title} reopens it.\n\nMove it?", yes="Move it"),
                lambda sure: self._move(bundle, STAGES[index]) if sure else None,
            )
        else:
            self._move(bundle, STAGES[index])

    def _back_from_next_round(self, bundle: CardBundle, choice: str) -> None:
        from .forms import WhenForm

        card = bundle.card
        if choice == "waiting":
            self._move(bundle, Stage.WAITING)
        else:  # the round happened: SPEC §5 move next-round -> thank-you starts it, at the time asked for
            self.push_screen(
                WhenForm(
                    f"Start round {card.round + 1} with {name(bundle)}",
                    f"When was (or is) round {card.round + 1}?",
                    self.now(),
                    card.next_round_at,
                ),
                lambda at: self._move(bundle, Stage.THANK_YOU, at) if at else None,
            )

    def _move(self, bundle: CardBundle, stage: Stage, at=None) -> None:
        card_id, now = bundle.card.id, self.now()
        self.write(
            card_id,
            f"the move of {name(bundle)} to {stage.title}",
            lambda store: store.move(card_id, stage, now, at=at),
            lambda changes: effect(name(bundle), changes, ": "),
        )

    # --- adding, editing -----------------------------------------------------------------

    def action_add_card(self) -> None:
        from .forms import InterviewForm

        def save(draft: InterviewDraft | None) -> None:
            if draft is None:
                return
            new, now = (
                NewCard(
                    **{k: v for k, v in draft.card_fields().items() if k != "next_round_at"},
                    interviewers=draft.interviewers,
                ),
                self.now(),
            )
            self.write(
                None,
                f"the new card {safe(draft.company)}",
                lambda store: store.add_card(new, now),
                lambda card_id: f"#{card_id} {safe(draft.company)} added to Thank-you",
            )

        self.push_screen(InterviewForm(self.now()), save)

    def action_edit_card(self) -> None:
        from ..domain.present import follow_up_ended, judged_anew
        from .forms import InterviewForm

        bundle = self._current()
        if bundle is None:
            return
        card_id, now = bundle.card.id, self.now()
        ended = follow_up_ended(bundle, self.config.policy, now)
        shown = replace(bundle.card, follow_up_on=None) if ended else bundle.card  # as the form shows it

        def edit(store: Store, draft: InterviewDraft) -> list[str]:
            with store.transaction():  # the card's fields and its people: one action
                before = store.get(card_id)
                result = store.update_card(card_id, draft.card_fields(shown), now)
                changed = [FIELD_WORDS.get(key, key) for key in result if not key.endswith("_set_at")]
                if "follow_up_set_at" in result and "follow_up_on" not in result:
                    changed.append("follow-up date given again: their message no longer ends it")
                for person, email in draft.interviewers:
                    if store.linked_person(card_id, person) is None:
                        store.add_person(card_id, person, Relation.INTERVIEWER, email=email)
                        changed.append(f"linked {safe(person)}")
                for person_id in draft.unlink:
                    store.unlink_person(card_id, person_id)
                    gone = bundle.person(person_id)
                    changed.append(f"unlinked {safe(gone.name)}" if gone else "unlinked a person")
                anew = judged_anew(before, store.get(card_id), self.config.policy, now) if changed else None
                if anew:  # a follow-up made by the date changed is judged without it
                    changed.append(f"now TOO SOON: {safe(anew)} (u takes the edit back)")
            return changed

        def save(draft: InterviewDraft | None) -> None:
            if draft is not None:
                self.write(
                    card_id,
                    f"the changes to {name(bundle)}",
                    lambda store: edit(store, draft),
                    lambda changed: f"{name(bundle)}: " + (", ".join(changed) or "nothing changed"),
                )

        self.push_screen(InterviewForm(self.now(), bundle.card, bundle.people, ended), save)

    # --- logging contacts ------------------------------------------------------------------

    def action_thank(self) -> None:
        """t: the thank-you note went out just now, as the next action advised (by email, to the interviewer)."""
        from ..domain import drafts
        from ..domain.clock import short_datetime
        from ..domain.history import round_thank_yous
        from ..domain.lifecycle import LifecycleError, check_thank_you_time
        from .forms import Confirm, ContactDraft

        bundle = self._current()
        if bundle is None or self._refused_closed(bundle):
            return
        now = self.now()
        channel, person = drafts.as_advised(bundle, Kind.THANK_YOU, self.config.policy, now)
        draft = ContactDraft(Kind.THANK_YOU, channel, now, person or "")
        action = self.assess(bundle).action
        if action is not None and action.kind == "thank-you":
            self._log_contact(bundle, draft)  # what the card asks for: no question
            return
        try:  # before the first interview: said at once, not asked about and then refused
            check_thank_you_time(bundle.card, Kind.THANK_YOU, now, now)
        except LifecycleError as exc:
            self.notify(f"#{bundle.card.id} {safe(bundle.card.company)}: {exc}", severity="warning", markup=False)
            return
        # one key on every card: a note the card does not ask for is asked about (a panel has one per person)
        sent = [c.at for c in round_thank_yous(bundle, now)]
        question = (
            f"A thank-you for this round is logged already ({short_datetime(max(sent), now)}).\n\n"
            f"Log another one ({f'to {safe(person)}' if person else 'to someone else on the panel'})?"
            if sent
            else f"This card is not waiting for a thank-you ({safe(action.text) if action else 'no next action'}).\n\n"
            "Log one anyway?"
        )
        self.push_screen(
            Confirm(question, yes="Log it"), lambda sure: self._log_contact(bundle, draft) if sure else None
        )

    def action_log_contact(self) -> None:
        from ..domain.drafts import advised_contact, obvious_person
        from .forms import ContactForm

        bundle = self._current()
        if bundle is not None and not self._refused_closed(bundle):
            advised = advised_contact(bundle, self.config.policy, self.now())  # the form starts with it
            if advised is None:  # nothing to send now: most likely their message, from whom it obviously is
                advised = (Kind.REPLY, Channel.EMAIL, obvious_person(bundle) or "")
            policy = self.config.policy
            self.push_screen(
                ContactForm(
                    self.now(),
                    bundle.card,
                    bundle.people,
                    advised=advised,
                    warn=lambda draft: _asked_first(bundle, draft, policy, self.now()),  # asked by the form
                ),
                lambda draft: self._log_contact(bundle, draft, asked=True) if draft else None,
            )

    def _refused_closed(self, bundle: CardBundle) -> bool:
        """A closed card takes no contact and no second closing: said at once on the key (QA walk 13:
        c opened the whole form, x the question, and only what they sent was refused)."""
        if bundle.card.closed:
            self.notify(f"{name(bundle)} is closed: r in the archive (A) reopens it first", markup=False)
        return bundle.card.closed

    def _log_contact(self, bundle: CardBundle, draft: ContactDraft, asked: bool = False) -> None:
        """Log a contact; if it would be too frequent, ask first (it may already have happened),
        unless the form it comes from `asked` already."""
        from .forms import Confirm

        warning = None if asked else _asked_first(bundle, draft, self.config.policy, self.now())
        card_id, now = bundle.card.id, self.now()

        def save(confirmed: bool | None = True) -> None:
            if not confirmed:
                return
            self.write(
                card_id,
                f"the {draft.kind} for {name(bundle)}",
                lambda store: store.log_contact(
                    card_id,
                    draft.kind,
                    draft.at,
                    now,
                    channel=draft.channel,
                    person=draft.person or None,
                    note=draft.note,
                    round_at=draft.round_at,
                    instruction=draft.instruction,
                ),
                lambda logged: (
                    effect(f"{name(bundle)}: {draft.kind}{_with(draft.kind, draft.person)} logged", logged.changes)
                    + (f"; linked {safe(draft.person)} ({logged.linked})" if logged.linked else "")
                    + ("; prep list unticked for the new round" if logged.unticked else "")
                    + self._ended_said(bundle, logged.contact_id)
                ),
                then=lambda _: self._offer_gracious_reply(card_id) if draft.kind == Kind.REJECTION else None,
            )

        if warning:
            self.push_screen(Confirm(f"{safe(warning)}\n\nLog it anyway?", yes="Log it"), save)
        else:
            save()

    def _ended_said(self, before: CardBundle, contact_id: int) -> str:
        """'; this reply ends their request to hear from you on …' (present.ended_instruction_note)."""
        from ..domain.present import ended_instruction_note

        after = self.bundle(before.card.id)
        logged = next((c for c in after.contacts if c.id == contact_id), None) if after is not None else None
        if after is None or logged is None:
            return ""
        note = ended_instruction_note(before, after, logged, self.config.policy, self.now(), keep=BOARD_KEEPS)
        return f"; {note}" if note else ""

    # --- drafts ------------------------------------------------------------------------------

    def action_write_draft(self) -> None:
        """w: the next action's draft; with nothing to send now, the reason, and 1–6 to write one anyway."""
        from ..domain import drafts
        from .cardlist import board_keys

        bundle = self._current()
        if bundle is None:
            return
        try:
            template = drafts.default_template(bundle, self.config, self.now())
        except drafts.NothingToSend as exc:  # why, as `followup draft` says it, with the board's keys
            key = drafts.TEMPLATES.index(exc.fallback) + 1
            why = board_keys(exc.reason)
            writes = f"the {exc.fallback} to {exc.owed}" if exc.owed else f"a {exc.fallback} anyway"
            self._open_draft_screen(bundle, f"{why}\n\n{key} writes {writes}; 1–6 any of them.")
            return
        self._show_draft(bundle, template)

    def _render_draft(self, bundle: CardBundle, template: str) -> drafts.Draft | None:
        from ..domain import drafts

        try:
            return drafts.render(bundle, template, self.config, self.now())
        except drafts.DraftError as exc:
            self.notify(safe(str(exc)), severity="error", markup=False)
            return None

    def _show_draft(self, bundle: CardBundle, template: str) -> None:
        draft = self._render_draft(bundle, template)
        if draft is not None:
            self.copy_text(draft.text)
            self._open_draft_screen(bundle, draft)

    def _open_draft_screen(self, bundle: CardBundle, shown: drafts.Draft | str) -> None:
        """The draft screen on a draft (already copied), or on why there is nothing to send now."""
        from ..domain import drafts
        from ..exchange import eml
        from .forms import ContactDraft
        from .screens import DraftScreen

        def contact(marked: drafts.Draft) -> ContactDraft:  # the draft on screen: its kind, channel and person
            kind, channel = drafts.SENT_AS[marked.template], Channel(marked.channel)
            return ContactDraft(kind, channel, self.now(), marked.to or "")

        def ask(marked: drafts.Draft) -> str | None:  # asked over the draft: no keeps it open (QA)
            return _asked_first(bundle, contact(marked), self.config.policy, self.now())

        def sent(marked: drafts.Draft | None) -> None:
            if marked is not None:
                self._log_contact(bundle, contact(marked), asked=True)

        address = partial(eml.addressee, bundle)
        self.push_screen(DraftScreen(shown, address, lambda name: self._render_draft(bundle, name), ask), sent)

    def _offer_gracious_reply(self, card_id: int) -> None:
        from .forms import Confirm

        bundle = self.bundle(card_id)
        if bundle is not None:
            self.push_screen(
                Confirm(f"{name(bundle)} said no. Write a gracious reply?", yes="Write it"),
                lambda yes: self._draft_again(card_id, "gracious-reply") if yes else None,
            )

    def _draft_again(self, card_id: int, template: str) -> None:
        """The draft for the card as it is now (it may have changed while the question was open)."""
        bundle = self.bundle(card_id)
        if bundle is not None:
            self._show_draft(bundle, template)

    def copy_text(self, text: str) -> None:
        """To the clipboard (OSC 52 and the system's tool), control characters made visible."""
        from .clipboard import copy

        copy(self, text, self.data_dir)

    # --- closing, restoring, deleting ----------------------------------------------------------

    def action_close_card(self) -> None:
        """x: offer or withdrawn archive the card; rejected records the rejection (Stay in touch)."""
        from .card import CardScreen
        from .forms import ChooseOutcome, ContactDraft

        bundle = self._current()
        if bundle is None or self._refused_closed(bundle):
            return
        card_id, now = bundle.card.id, self.now()

        def close(outcome: Outcome | None) -> None:
            if outcome == Outcome.REJECTED:
                self._log_contact(bundle, ContactDraft(Kind.REJECTION, bundle.card.channel, now))
            elif outcome is not None:
                self.write(
                    card_id,
                    f"closing {name(bundle)}",
                    lambda store: store.close_card(card_id, now, outcome),
                    lambda changes: f"{name(bundle)} closed ({changes['outcome']}): in the archive (A)",
                )
                if isinstance(self.screen, CardScreen):
                    self.pop_screen()

        self.push_screen(ChooseOutcome(bundle.card.company), close)

    def reopen_card(self, card_id: int) -> None:
        """From the archive: back on the board, and the focus goes with it."""
        from ..domain.present import reopen_said
        from .screens import ArchiveScreen

        bundle = self.bundle(card_id)
        if bundle is None:
            return
        self.write(
            card_id,
            f"restoring {name(bundle)}",
            lambda store: store.reopen(card_id, self.now()),
            lambda changes: (
                f"{name(bundle)} is back on the board, in {bundle.card.stage.title}" + reopen_said(bundle.card, changes)
            ),
        )
        if isinstance(self.screen, ArchiveScreen):
            self.pop_screen()

    def action_delete_card(self) -> None:
        from .card import CardScreen
        from .forms import Confirm

        bundle = self._current()
        if bundle is None:
            return
        card_id = bundle.card.id

        def delete(yes: bool | None) -> None:
            if yes:
                self.write(
                    card_id,
                    f"deleting {name(bundle)}",
                    lambda store: store.delete(card_id),
                    lambda _: f"{name(bundle)} deleted (u undoes)",
                )
                if isinstance(self.screen, CardScreen):
                    self.pop_screen()

        self.push_screen(Confirm(f"Delete {name(bundle)} and all its history? (u undoes)", yes="Delete"), delete)

    # --- other screens ---------------------------------------------------------------------------

    def action_archive(self) -> None:
        from .screens import ArchiveScreen

        self.push_screen(ArchiveScreen())

    def action_stats(self) -> None:
        from .stats import StatsScreen

        self.push_screen(StatsScreen())

    def action_inbox(self) -> None:
        from .inbox import InboxScreen

        self.push_screen(InboxScreen())

    def action_help(self) -> None:
        from .screens import HelpScreen

        self.push_screen(HelpScreen())

    def action_jump(self) -> None:
        """#: go to a card by its id (on the board, or say where it is)."""
        from .forms import OneLine

        def check(text: str) -> str | None:  # said in the dialog, which stays open to try another
            digits = text.lstrip("#")  # ASCII only: int() refuses some digits isdigit() takes ("²")
            if not (digits.isascii() and digits.isdigit()):
                return "A card id is a number, as on the cards: 3 or #3"
            card_id = int(digits)
            found = card_id < 2**63 and self.bundle(card_id) is not None  # beyond SQLite's integers: no such card
            return None if found else f"No card #{card_id}"

        def go(text: str | None) -> None:
            if not text:
                return
            card_id = int(text.lstrip("#"))
            bundle = self.bundle(card_id)
            if bundle is None:  # deleted from a shell since
                self.notify(f"no card #{card_id}", severity="warning", markup=False)
            elif bundle.card.closed:
                self.notify(f"{name(bundle)} is closed: in the archive (A), where r restores it", markup=False)
            else:
                self.follow(card_id)

        self.push_screen(OneLine("Go to a card", "Card id", check, button="Go"), go)

    # --- the card screen: prep items, people, contacts, notes --------------------------------

    def add_prep(self, card_id: int) -> None:
        from .forms import OneLine

        bundle = self.bundle(card_id)
        if bundle is None:
            return

        def save(text: str | None) -> None:
            if text:
                self.write(
                    card_id,
                    f"a prep item for {name(bundle)}",
                    lambda store: store.prep_changes(card_id, [text]),
                    lambda _: f"{name(bundle)}: prep item added: {safe(text)}",
                )

        self.push_screen(OneLine("Prep item", "What to prepare"), save)

    def tick_prep(self, card_id: int, prep_id: int, done: bool) -> None:
        bundle = self.bundle(card_id)
        item = next((p for p in bundle.prep if p.id == prep_id), None) if bundle else None
        if bundle is None or item is None:
            return
        number = bundle.prep.index(item) + 1
        self.write(
            card_id,
            f"ticking {safe(item.text)}",
            lambda store: store.prep_changes(card_id, [], [number] if done else [], [] if done else [number]),
            lambda _: f"{name(bundle)}: {'ticked' if done else 'unticked'} {safe(item.text)}",
        )

    def edit_prep(self, card_id: int, prep_id: int) -> None:
        from .forms import OneLine

        bundle = self.bundle(card_id)
        item = next((p for p in bundle.prep if p.id == prep_id), None) if bundle else None
        if bundle is None or item is None:
            return

        def save(text: str | None) -> None:
            if text:
                self.write(
                    card_id,
                    f"the prep item {safe(text)}",
                    lambda store: store.edit_prep(card_id, prep_id, text),
                    lambda _: f"{name(bundle)}: prep item now reads {safe(text)}",
                )

        self.push_screen(OneLine("Prep item", "What to prepare", initial=item.text), save)

    def remove_prep(self, card_id: int, prep_id: int) -> None:
        bundle = self.bundle(card_id)
        item = next((p for p in bundle.prep if p.id == prep_id), None) if bundle else None
        if bundle is not None and item is not None:
            self._confirmed(
                f"Remove the prep item “{safe(item.text)}”?",
                "Remove",
                lambda: self.write(
                    card_id,
                    f"removing {safe(item.text)}",
                    lambda store: store.remove_prep(card_id, [prep_id]),
                    lambda _: f"{name(bundle)}: prep item removed: {safe(item.text)}",
                ),
            )

    def action_add_person(self) -> None:
        from .forms import PersonForm

        bundle = self._current()
        if bundle is None:
            return
        card_id = bundle.card.id

        def link(store: Store, person: PersonDraft) -> str | None:
            """The person linked; or the name of the one already linked whom the name means ("Raj":
            Raj Patel), with nothing written."""
            known = store.meant_person(card_id, person.name)
            if known is not None:
                linked = store.get(card_id).person(known)
                return linked.name if linked else person.name
            store.add_person(
                card_id, person.name, person.relation, person.email, person.title, person.note, person.round
            )
            return None

        def save(person: PersonDraft | None) -> None:
            if person is not None:
                self.write(
                    card_id,
                    f"linking {safe(person.name)}",
                    lambda store: link(store, person),
                    lambda known: (
                        f"{name(bundle)}: {safe(known)} is linked already (enter on them edits); nobody new linked"
                        if known
                        else f"{name(bundle)}: {safe(person.name)} linked ({person.relation})"
                    ),
                )

        self.push_screen(PersonForm(bundle.card), save)

    def edit_person(self, card_id: int, person_id: int) -> None:
        from .forms import PersonForm

        bundle = self.bundle(card_id)
        person = bundle.person(person_id) if bundle else None
        if bundle is None or person is None:
            return

        def save(draft: PersonDraft | None) -> None:
            if draft is not None:
                self.write(
                    card_id,
                    f"the changes to {safe(person.name)}",
                    lambda store: store.update_person(card_id, person_id, vars(draft)),
                    lambda changed: (
                        f"{name(bundle)}: {safe(draft.name)} "
                        + (f"updated: {', '.join(changed)}" if changed else "unchanged")
                    ),
                )

        self.push_screen(PersonForm(bundle.card, person), save)

    def unlink_person(self, card_id: int, person_id: int) -> None:
        from ..domain.present import unlinked_words

        bundle = self.bundle(card_id)
        person = bundle.person(person_id) if bundle else None
        if bundle is not None and person is not None:
            self._confirmed(
                f"Take {safe(person.name)} off {name(bundle)}?",
                "Unlink",
                lambda: self.write(
                    card_id,
                    f"unlinking {safe(person.name)}",
                    lambda store: store.unlink_person(card_id, person_id),
                    lambda unnamed: (
                        f"{name(bundle)}: {safe(person.name)} unlinked"
                        + safe(unlinked_words(bundle.card, person, unnamed))
                    ),
                ),
            )

    def edit_contact(self, card_id: int, contact_id: int) -> None:
        from .forms import ContactForm

        bundle = self.bundle(card_id)
        contact = next((c for c in bundle.contacts if c.id == contact_id), None) if bundle else None
        if bundle is None or contact is None:
            return
        number = bundle.contacts.index(contact) + 1

        def save(draft: ContactDraft | None) -> None:
            if draft is None:
                return
            person = bundle.person(contact.person_id)
            changes = {
                key: value
                for key, value in (
                    ("kind", draft.kind),
                    ("channel", draft.channel),
                    ("at", draft.at),
                    ("note", draft.note),
                )
                if getattr(contact, key) != value
            }
            if draft.person != (person.name if person else ""):
                changes["person"] = draft.person
            self.write(
                card_id,
                f"the changes to contact {number}",
                lambda store: store.edit_contact(card_id, contact_id, dict(changes), self.now()),
                lambda changed: _contact_fixed(f"{name(bundle)}: contact {number}", changed),
            )

        self.push_screen(ContactForm(self.now(), bundle.card, bundle.people, contact, number), save)

    def remove_contact(self, card_id: int, contact_id: int) -> None:
        bundle = self.bundle(card_id)
        contact = next((c for c in bundle.contacts if c.id == contact_id), None) if bundle else None
        if bundle is not None and contact is not None:
            number = bundle.contacts.index(contact) + 1
            going = self.store.names_going_with(bundle, contact_id)
            ahead = "; ".join(self._removal_said(bundle, contact, self.store.removal_changes(bundle, contact), going))
            self._confirmed(
                f"Remove contact {number} ({contact.kind} via {contact.channel}) from {name(bundle)}?"
                + (f"\n{ahead[0].upper()}{ahead[1:]}." if ahead else ""),
                "Remove",
                lambda: self.write(
                    card_id,
                    f"removing contact {number}",
                    lambda store: store.remove_contact(card_id, contact_id, self.now()),
                    lambda changes: "; ".join(
                        [f"{name(bundle)}: contact {number} ({contact.kind}) removed"]
                        + self._removal_said(bundle, contact, changes, going)
                    ),
                ),
            )

    def _removal_said(
        self, bundle: CardBundle, contact: Contact, changes: dict[str, object], unlinked: list[str]
    ) -> list[str]:
        from ..domain.present import removal_said

        return removal_said(bundle.card, contact, changes, self.now(), move_hint="H or L moves it", unlinked=unlinked)

    def save_notes(self, card_id: int, notes: str) -> None:
        bundle = self.bundle(card_id)
        if bundle is not None and notes != bundle.card.notes:
            self.write(
                card_id,
                f"the notes of {name(bundle)}",
                lambda store: store.update_card(card_id, {"notes": notes}, self.now()),
                lambda _: f"{name(bundle)}: notes saved",
            )
        elif bundle is not None:
            self.notify(f"{name(bundle)}: notes unchanged", markup=False)

    def _confirmed(self, question: str, yes: str, then: Callable[[], None]) -> None:
        from .forms import Confirm

        self.push_screen(Confirm(question, yes=yes), lambda answer: then() if answer else None)


def _ahead(at: datetime | None, now: datetime) -> str:
    """'Dec 8 10:00, in 6 days' for a round still to come; '' when it is not dated or has passed."""
    from ..domain.clock import short_datetime
    from ..domain.reasons import days_words

    return f"{short_datetime(at, now)}, in {days_words(now, at)}" if at is not None and at > now else ""
