"""The database, spoken in user actions (SPEC §7).

Each public method that changes something is one BEGIN IMMEDIATE transaction:
it takes the write lock before reading, so a read-then-write never fails on
the lock upgrade, and a crash leaves either all of the action or none of it.
The transaction also records what it changed in the undo journal (journal.py),
under a label; `undo` and `redo` revert actions through it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from ..domain import history, lifecycle, naming
from ..domain.clock import from_iso, iso
from ..domain.config import Policy
from ..domain.model import Card, CardBundle, Channel, Contact, Kind, Outcome, Relation, Stage, relation_named_on
from . import dbfile, health, journal, rulecache
from .dbfile import SCHEMA_VERSION, NoCard, StoreError
from .read import CARD_COLUMNS, card_from_row, load_bundle, load_bundles

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, ParamSpec

    from sqlite_utils import Database

    from ..domain.lifecycle import CardChanges

    _Args = ParamSpec("_Args")

DEFAULT_PREP = (
    "research the team and recent news",
    "re-read the job description",
    "prepare stories for the likely questions",
    "questions to ask them",
    "logistics and travel",
)


@dataclass
class NewCard:
    company: str
    interview_at: datetime
    role: str = ""
    interviewers: list[tuple[str, str]] = field(default_factory=list)  # (name, email)
    follow_up_on: date | None = None
    follow_up_via: Channel | None = None
    decision_by: date | None = None
    fit: str = ""
    notes: str = ""
    topic: str = ""


@dataclass
class Instruction:
    """What they asked, recorded with a contact from them (SPEC §3.5): a follow-up date and channel,
    or when they expect to decide."""

    follow_up_on: date | None = None
    follow_up_via: Channel | None = None
    decision_by: date | None = None

    @property
    def asked(self) -> tuple[str, ...]:
        """The card fields it asks for: 'follow_up_on', 'decision_by'."""
        return tuple(kind.day for kind in lifecycle.INSTRUCTIONS if getattr(self, kind.day) is not None)

    def changes(self, at: datetime, card: Card | None = None) -> CardChanges:
        """The card's fields for this instruction, recorded at `at`; with the `card`, but for what a
        later message asked of it (lifecycle.newer_instructions)."""
        newer = lifecycle.newer_instructions(card, at) if card is not None else {}
        found: CardChanges = {}
        if self.follow_up_on is not None and "follow_up_on" not in newer:
            # the same day said again, with no channel: the one they asked for stays (QA: a call became an email)
            same_day = card is not None and card.follow_up_on == self.follow_up_on
            via = self.follow_up_via or (card.follow_up_via if card is not None and same_day else None)
            found.update(follow_up_on=self.follow_up_on, follow_up_via=via, follow_up_set_at=at)
        if self.decision_by is not None and "decision_by" not in newer:
            found.update(decision_by=self.decision_by, decision_set_at=at)
        return found


@dataclass
class LoggedContact:
    contact_id: int
    changes: CardChanges  # what the log did to the card (stage, outcome, ...)
    unticked: int = 0  # prep items ticked for the round before, unticked by an invite to the next
    linked: Relation | None = None  # the person named was new to the card: linked as this


def _read_back(field: str, value: object) -> object:
    """A card field's value from the journal's image (stored text) as the Card holds it."""
    if value is None or not isinstance(value, str):
        return value
    if field.endswith("_set_at"):
        return from_iso(value)
    if field == "follow_up_via":
        return Channel(value)
    return date.fromisoformat(value)


def _moved_from(before: dict[str, object]) -> tuple[Stage, datetime] | None:
    """The stage logging a contact took the card out of, and since when, from the card's columns
    before it (journal.card_before_contact)."""
    try:
        return Stage(str(before["stage"])), from_iso(str(before["stage_entered_at"]))
    except (KeyError, ValueError):  # not moved by it, forgotten, or a value not written by us
        return None


def _asked_before(card: Card, before: dict[str, object]) -> CardChanges:
    """The card's instruction fields as they were before a contact set them, from the card's columns
    before it (journal.card_before_contact; a reply logged twice: the first one's date)."""
    found: CardChanges = {}
    for kind in lifecycle.INSTRUCTIONS:
        if kind.set_at not in before:  # not known, or not set by logging it: cleared
            continue
        try:
            found.update({field: _read_back(field, before.get(field, getattr(card, field))) for field in kind.fields})
        except ValueError:  # a value not written by us: cleared
            continue
    return found


def new_uid() -> str:
    import uuid  # only writers need it; keep it off the read path

    return str(uuid.uuid4())


def _value(value: object) -> object:
    """A Python value as stored: instants as UTC ISO text, dates as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


_LINK_FIELDS = frozenset({"relation", "round"})  # a person as this card knows them (card_people)
_CARD_FIELDS = frozenset(f.name for f in fields(Card))


def _met_in(card: Card, value: object) -> int:
    """A round the user says someone was met in (history.round_problem)."""
    problem = history.round_problem(card, value)
    if problem is not None:
        raise StoreError(f"round {value}: {problem}")
    assert isinstance(value, int)
    return value


def _round_of(card: Card, changes: CardChanges, kind: Kind, at: datetime) -> int:
    """The round someone named on a contact of `kind` at `at` was met in, on the card as logging it
    leaves it: a thank-you's is the round it counts for; anyone else's, the card's (or the coming one)."""
    moved: dict[str, Any] = {key: changes[key] for key in _CARD_FIELDS & changes.keys()}
    after = replace(card, **moved)
    return history.note_round(after, at) if kind == Kind.THANK_YOU else history.link_round(after)


def _row(values: dict[str, object]) -> dict[str, object]:
    return {key: _value(value) for key, value in values.items()}


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path, policy: Policy | None = None):
        self.conn = conn
        self.path = path
        self.policy = policy or Policy()
        self._db: Database | None = None
        self._writer = False  # opened for writing, on a file found clean: remember it clean on close
        self.origin = "cli"  # who makes the changes, as the journal records it ('board' on the board)
        self.last_action_id: int | None = None  # the journal id of the latest action committed here
        self._action: journal.Open | None = None

    # --- opening -----------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, policy: Policy | None = None) -> Store:
        """Open for writing: refuse what is not ours, create, migrate, bring rule plans up to date."""
        path = Path(path)
        state = dbfile.inspect(path)
        if state.exists:
            dbfile.check_writable(path)
            health.check(path)  # never write into a damaged file
        else:
            dbfile.create_private(path)
        store = cls(dbfile.connect_writer(path), path, policy=policy)
        store._writer = True
        try:
            store._migrate()
            store._replan_stale()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open_readonly(cls, path: Path | str) -> Store | None:
        """Open without ever writing; None when there is no database yet."""
        path = Path(path)
        conn = dbfile.open_reader(path)
        return None if conn is None else cls(conn, path)

    def close(self) -> None:
        self.conn.close()
        if self._writer:  # our own writes leave it clean: the next writer need not check it again
            health.remember(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db(self) -> Database:
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    def _version(self) -> int:
        return dbfile.version(self.conn)

    def _migrate(self) -> None:
        version = self._version()
        if version == SCHEMA_VERSION:
            return
        from .migrations import migrations

        # SQLite's way to change a table (https://sqlite.org/lang_altertable.html): foreign keys off,
        # or dropping a rebuilt parent table deletes its children; every link is checked before commit
        self.conn.execute("PRAGMA foreign_keys=OFF")
        try:
            with self.transaction(journaled=False):
                version = self._version()  # again, under the lock: another process may have migrated
                if version > SCHEMA_VERSION:
                    raise StoreError(f"{self.path} was just upgraded by a newer followup-tui; upgrade too")
                if version < SCHEMA_VERSION:
                    self._backup_before_upgrade(version)
                    migrations.apply(self.db)
                    if self.conn.execute("PRAGMA foreign_key_check").fetchone():
                        raise StoreError(
                            f"{self.path}: the upgrade would break links between records; "
                            "nothing was changed (run `followup doctor`)"
                        )
                    self.conn.execute(f"PRAGMA application_id={dbfile.APPLICATION_ID}")
                    self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        finally:
            self.conn.execute("PRAGMA foreign_keys=ON")

    def _backup_before_upgrade(self, version: int) -> None:
        """Data to keep safe: copy it before changing the schema. Under the upgrade's lock, so the
        copy is of the file as it was, made by the one process that upgrades it (a reader sees the
        last commit while this connection holds the write lock)."""
        if version >= 1:
            from ..domain.clock import now
            from .backup import backup

            backup(self.path, None, now(), label=f"-before-v{SCHEMA_VERSION}")

    def _replan_stale(self) -> None:
        """Plans made for another policy or zone (or edited outside) are made anew; closed cards too,
        whose plan is empty but whose history the stats count (facts.py). When every plan was made
        for this policy (rulecache: one meta row) only the stale cards are read, from an index:
        opening costs the same at 100 cards as at 100,000."""
        key = rulecache.rules_key(self.policy)
        if rulecache.plans_key(self.conn) == key and not rulecache.stale_cards(self.conn, self.policy):
            return
        with self.transaction(journaled=False):  # asked again under the lock: another writer may have done it
            every = rulecache.plans_key(self.conn) != key
            rulecache.save(self.conn, rulecache.stale_cards(self.conn, self.policy), self.policy)
            if every:
                rulecache.set_plans_key(self.conn, key)

    @contextmanager
    def transaction(self, label: str | None = None, *, journaled: bool = True) -> Iterator[None]:
        """One user action: all of it or none of it, recorded in the undo journal under `label`
        (journal.CARD in it names the card it touched). Nested calls join the outer one."""
        if self.conn.in_transaction:
            if label and self._action is not None and not self._action.label:
                self._action.label = label
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise dbfile.explain(self.path, exc, "write") from None
        self.last_action_id = None
        try:
            self._action = journal.begin(self.conn, self.origin, label) if journaled else None
            yield
            action_id = journal.finish(self.conn, self._action) if self._action else None
            # the triggers marked what this action changed: save those cards' rule plans with it
            rulecache.save(self.conn, rulecache.just_changed(self.conn), self.policy)
            self.conn.execute("COMMIT")
            self.last_action_id = action_id
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if type(exc) is sqlite3.DatabaseError or isinstance(exc, sqlite3.OperationalError):  # the file, not us
                self._writer = False  # whatever went wrong, do not vouch for the file
                raise dbfile.explain(self.path, exc, "write") from None
            if isinstance(exc, sqlite3.IntegrityError):  # e.g. a name that is empty up to a NUL character
                raise StoreError(f"the database refused the change ({exc}); nothing was written") from None
            raise
        finally:
            self._action = None

    # --- reading -----------------------------------------------------------

    def bundles(self, include_closed: bool = False, stage: Stage | None = None) -> list[CardBundle]:
        clauses, params = [], []
        if not include_closed:
            clauses.append("closed_at IS NULL")
        if stage is not None:
            clauses.append("stage = ?")
            params.append(stage.value)
        return load_bundles(self.conn, " AND ".join(clauses) or "1", params)

    def get(self, card_id: int) -> CardBundle:
        bundle = load_bundle(self.conn, card_id)
        if bundle is None:
            raise NoCard(card_id)
        return bundle

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap to poll)."""
        version: int = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return version

    def journal_head(self) -> int:
        """The latest journaled action's id (0: none yet)."""
        return journal.head(self.conn)

    def changed_cards_since(self, action_id: int) -> tuple[set[int] | None, int]:
        """(the cards changed by journaled actions after `action_id`, the latest action's id);
        None for the cards when the journal cannot tell (see journal.changed_cards_since)."""
        return journal.changed_cards_since(self.conn, action_id)

    def history(self, count: int = 20) -> list[journal.Action]:
        """The latest actions, newest first."""
        return journal.history(self.conn, count)

    # --- user actions ------------------------------------------------------

    def add_card(self, new: NewCard, now: datetime) -> int:
        company = new.company  # stored as given: user text is data
        if not company.strip():
            raise StoreError("company must not be empty")
        with self.transaction(f"add {journal.CARD}"):
            card_id = self._insert(
                "cards",
                _row(
                    {
                        "uid": new_uid(),
                        "company": company,
                        "role": new.role,
                        "stage": Stage.THANK_YOU,
                        "outcome": Outcome.OPEN,
                        "round": 1,
                        "interview_at": new.interview_at,
                        "stage_entered_at": new.interview_at,
                        "follow_up_on": new.follow_up_on,
                        "follow_up_via": new.follow_up_via,
                        "decision_by": new.decision_by,
                        "fit": new.fit,
                        "notes": new.notes,
                        "topic": new.topic,
                        # instructions given at the interview count from it
                        "follow_up_set_at": new.interview_at if new.follow_up_on else None,
                        "decision_set_at": new.interview_at if new.decision_by else None,
                        "created_at": now,
                        "updated_at": now,
                    }
                ),
            )
            for name, email in new.interviewers:
                self._person_for(card_id, name, Relation.INTERVIEWER, 1, email=email)
        return card_id

    def update_card(self, card_id: int, changes: CardChanges, now: datetime) -> CardChanges:
        """Edit a card's own fields (company, role, dates, notes...); returns what really changed.

        A new follow-up or decision date counts as recorded now (SPEC §3.1). An offer's answer-by
        date given again, unchanged, is asked for again ("I will confirm by Friday" was the answer)."""
        if "company" in changes and not str(changes["company"]).strip():
            raise StoreError("company must not be empty")
        with self.transaction(f"edit {journal.CARD}"):
            card = self._card(card_id)
            changed = {key: value for key, value in changes.items() if getattr(card, key) != value}
            if "interview_at" in changed:
                self._check_interview_time(card, changed["interview_at"], now)
            if changed.get("follow_up_on") is not None:
                changed["follow_up_set_at"] = now
            elif (ended_by := self._ended_by(card_id, changes, changed)) is not None:
                changed["follow_up_set_at"] = ended_by  # as if said in it: it ends the date no more
            again = card.outcome == Outcome.OFFER and changes.get("decision_by") is not None
            if changed.get("decision_by") is not None or again:
                changed["decision_set_at"] = now
            self._update(card_id, changed, now)
        return changed

    def _ended_by(self, card_id: int, changes: CardChanges, changed: CardChanges) -> datetime | None:
        """When their message that ended the follow-up date (SPEC §3.2) came, if the date is given again,
        unchanged: it still stands, as if that message had said it again (log's note after such a reply
        says to do this), so a contact already made on that day honours it (QA: a call made on the day
        they asked for stayed TOO SOON after the date was given again)."""
        if "follow_up_on" not in changes or "follow_up_on" in changed or changes["follow_up_on"] is None:
            return None
        log = history.Log(self.get(card_id), self.policy)
        closer = log.follow_up_ended_by(log.entries)
        return closer.at if closer is not None else None

    def _check_interview_time(self, card: Card, at: object, now: datetime) -> None:
        rows = self.conn.execute("SELECT at FROM contacts WHERE card_id = ? AND kind = 'thank-you'", (card.id,))
        thanked = [t for t in (from_iso(row[0]) for row in rows) if t is not None]
        if isinstance(at, datetime):
            try:
                lifecycle.check_interview_time(card, thanked, at, now)
            except lifecycle.LifecycleError as exc:
                raise StoreError(str(exc)) from None

    def add_person(
        self,
        card_id: int,
        name: str,
        relation: Relation,
        email: str = "",
        title: str = "",
        note: str = "",
        met_in: int | None = None,
    ) -> int:
        """Link someone; `met_in`: the round the card met them in (default: history.link_round)."""
        with self.transaction(f"link {name.strip()} to {journal.CARD}"):
            card = self._card(card_id)
            met_in = history.link_round(card) if met_in is None else _met_in(card, met_in)
            return self._person_for(card_id, name, relation, met_in, email, title, note)[0]

    def log_contact(
        self,
        card_id: int,
        kind: Kind,
        at: datetime,
        now: datetime,
        *,
        channel: Channel = Channel.EMAIL,
        person: str | None = None,
        note: str = "",
        round_at: datetime | None = None,
        instruction: Instruction | None = None,
    ) -> LoggedContact:
        with self.transaction(f"log {kind} on {journal.CARD}"):
            card = self._card(card_id)
            verdict_at = self.conn.execute(
                "SELECT max(at) FROM contacts WHERE card_id = ? AND kind IN ('offer', 'rejection')", (card_id,)
            ).fetchone()[0]
            changes = self._lifecycle(lifecycle.after_contact, card, kind, at, now, round_at, from_iso(verdict_at))
            if instruction is not None:
                changes.update(instruction.changes(at, card))
            person_id, linked = None, None
            if person:
                relation = relation_named_on(kind)
                person_id, new = self._person_for(
                    card_id, person, relation, _round_of(card, changes, kind, at), first_name=True, met=kind
                )
                linked = relation if new else None
            contact_id = self._insert(
                "contacts",
                _row(
                    {
                        "uid": new_uid(),
                        "card_id": card_id,
                        "at": at,
                        "kind": kind,
                        "channel": channel,
                        "person_id": person_id,
                        "note": note,
                    }
                ),
            )
            # a contact is a change to the card, even without a transition (the calendar's SEQUENCE reads it)
            self._update(card_id, {**changes, "updated_at": now}, now)
            self._prepare_next_round(card_id, changes)
            unticked = self._untick_for_next_round(card_id) if kind == Kind.INVITE and "stage" in changes else 0
        return LoggedContact(contact_id, changes, unticked, linked)

    def move(self, card_id: int, stage: Stage, now: datetime, at: datetime | None = None) -> CardChanges:
        with self.transaction(f"move {journal.CARD} to {stage}"):
            bundle = self.get(card_id)
            back = self._entered_before_leaving(bundle, stage)
            changes = self._lifecycle(lifecycle.move, bundle.card, stage, at, now, bundle.contacts, back)
            self._update(card_id, changes, now)
            self._prepare_next_round(card_id, changes)
        return changes

    def close_card(self, card_id: int, now: datetime, outcome: Outcome | None = None) -> CardChanges:
        with self.transaction(f"close {journal.CARD}" + (f" ({outcome})" if outcome else "")):
            changes = self._lifecycle(lifecycle.close, self._card(card_id), outcome, now)
            self._update(card_id, changes, now)
        return changes

    def reopen(self, card_id: int, now: datetime) -> CardChanges:
        with self.transaction(f"reopen {journal.CARD}"):
            bundle = self.get(card_id)
            changes = self._lifecycle(
                lifecycle.reopen, bundle.card, bundle.contacts, self._outcome_before_close(bundle.card)
            )
            self._update(card_id, changes, now)
        return changes

    def delete(self, card_id: int) -> None:
        with self.transaction(f"delete {journal.CARD}"):
            self._card(card_id)
            people = [
                row[0] for row in self.conn.execute("SELECT person_id FROM card_people WHERE card_id = ?", (card_id,))
            ]
            self.conn.execute("DELETE FROM cards WHERE id = ?", (card_id,))
            self._drop_unlinked_people(people)

    def prep_changes(
        self,
        card_id: int,
        add: list[str],
        done: Sequence[int] = (),
        undone: Sequence[int] = (),
        remove: Sequence[int] = (),
    ) -> list[str]:
        """Add items, then tick/untick and remove items by their listed number (1-based), all at once.
        Returns the texts of the removed items."""
        with self.transaction(f"change prep on {journal.CARD}"):
            self._card(card_id)
            self._add_prep(card_id, add)  # at the end: the numbers of the items before them stay
            ids = self._ids("prep_items", card_id, "position, id")
            self._name_prep_change(card_id, add, done, undone, remove)
            for number, value in [*((n, 1) for n in done), *((n, 0) for n in undone)]:
                self.conn.execute(
                    "UPDATE prep_items SET done = ? WHERE id = ?",
                    (value, self._numbered(ids, number, card_id, "prep item")),
                )
            return self.remove_prep(card_id, [self._numbered(ids, n, card_id, "prep item") for n in remove])

    def _name_prep_change(self, card_id: int, add: list[str], *numbered: Sequence[int]) -> None:
        """The journal's label says what changed ('tick “questions to ask” on #3 Acme'): undo's
        toast and `history` name it, not just "change prep"."""
        texts = {n + 1: text for n, text in enumerate(self._prep_texts(card_id))}
        parts = [_items_said("add", add)] + [
            _items_said(verb, [texts.get(n, "") for n in numbers])
            for verb, numbers in zip(("tick", "untick", "remove"), numbered, strict=True)
        ]
        said = "; ".join(part for part in parts if part)
        if said and self._action is not None and self._action.label == f"change prep on {journal.CARD}":
            self._action.label = f"{said} on {journal.CARD}"  # (not when it joined a larger action)

    def _prep_texts(self, card_id: int) -> list[str]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT text FROM prep_items WHERE card_id = ? ORDER BY position, id", (card_id,)
            )
        ]

    # --- fixing mistakes: prep items, people, contacts (by id; the CLI turns its numbers into ids) ----

    def edit_prep(self, card_id: int, prep_id: int, text: str) -> None:
        if not text.strip():
            raise StoreError("a prep item needs some text")
        with self.transaction(f"edit a prep item on {journal.CARD}"):
            self._owned("prep_items", card_id, prep_id, "prep item")
            self.conn.execute("UPDATE prep_items SET text = ? WHERE id = ?", (text, prep_id))

    def remove_prep(self, card_id: int, prep_ids: list[int]) -> list[str]:
        """Remove these prep items; returns their texts."""
        with self.transaction(f"remove prep from {journal.CARD}"):
            texts = [str(self._owned("prep_items", card_id, prep_id, "prep item", "text")) for prep_id in prep_ids]
            self.conn.executemany("DELETE FROM prep_items WHERE id = ?", [(prep_id,) for prep_id in set(prep_ids)])
        return texts

    def linked_person(self, card_id: int, name: str) -> int | None:
        """The id of the person called `name` (any case) linked to this card, if there is one."""
        wanted = name.strip().casefold()
        return next(
            (
                person_id
                for person_id, known in self.conn.execute(
                    "SELECT p.id, p.name FROM people p JOIN card_people l ON l.person_id = p.id WHERE l.card_id = ? "
                    "ORDER BY p.id",
                    (card_id,),
                )
                if known.strip().casefold() == wanted
            ),
            None,
        )

    def update_person(self, card_id: int, person_id: int, changes: dict[str, object]) -> dict[str, object]:
        """Change a linked person's name, email, title, note, relation or round (to this card); returns
        what really changed. The person is shared by every card it is linked to; the relation and the
        round they were met in are this card's."""
        if "name" in changes and not str(changes["name"]).strip():
            raise StoreError("a person needs a name")
        with self.transaction(f"update a person on {journal.CARD}"):
            card = self._card(card_id)
            if changes.get("round") is not None:
                changes = {**changes, "round": _met_in(card, changes["round"])}
            row = self.conn.execute(
                "SELECT p.name, p.email, p.title, p.note, l.relation, coalesce(l.round, 1) FROM people p "
                "JOIN card_people l ON l.person_id = p.id WHERE l.card_id = ? AND p.id = ?",
                (card_id, person_id),
            ).fetchone()
            if row is None:
                raise StoreError(f"card #{card_id} has no such person")
            now = dict(zip(("name", "email", "title", "note", "relation", "round"), row, strict=True))
            given = {key: value for key, value in changes.items() if key != "round" or value is not None}
            changed = {key: _value(value) for key, value in given.items() if now[key] != _value(value)}
            fields = {key: value for key, value in changed.items() if key not in _LINK_FIELDS}
            if fields:
                self.db.table("people").update(person_id, fields)
            for key in _LINK_FIELDS & changed.keys():  # a column name of ours, never user text
                self.conn.execute(
                    f"UPDATE card_people SET {key} = ? WHERE card_id = ? AND person_id = ?",
                    (changed[key], card_id, person_id),
                )
        return changed

    def unlink_person(self, card_id: int, person_id: int) -> int:
        """Take a person off this card; this card's contacts with them no longer name them (returns how
        many). Someone linked to no other card is removed."""
        with self.transaction(f"unlink a person from {journal.CARD}"):
            self._owned("card_people", card_id, person_id, "person", key="person_id")
            self.conn.execute("DELETE FROM card_people WHERE card_id = ? AND person_id = ?", (card_id, person_id))
            unnamed = self.conn.execute(
                "UPDATE contacts SET person_id = NULL WHERE card_id = ? AND person_id = ?", (card_id, person_id)
            ).rowcount
            self.conn.execute(
                "DELETE FROM people WHERE id = ? AND NOT EXISTS (SELECT 1 FROM card_people WHERE person_id = ?)",
                (person_id, person_id),
            )
        return unnamed

    def contact_id(self, card_id: int, number: int) -> int:
        """Contact `number` of a card, counting from its oldest (as `show` numbers them)."""
        return self._numbered(self._ids("contacts", card_id, "at, id"), number, card_id, "contact")

    def edit_contact(
        self, card_id: int, contact_id: int, changes: dict[str, object], now: datetime
    ) -> dict[str, object]:
        """Correct a logged contact's time, kind, channel, note or person (a name, linked if new); what
        changed, the card's changes with it. A fixed kind moves the card as logging it so would have
        (lifecycle.after_kind_fix); a fixed time or person leaves the card where it is."""
        with self.transaction(f"fix a contact on {journal.CARD}"):
            logged = self.get(card_id)
            self._owned("contacts", card_id, contact_id, "contact")
            old = next(c for c in logged.contacts if c.id == contact_id)
            if "person" in changes:
                name = changes.pop("person")  # a name, or '' / None for no one
                kind = Kind(str(changes.get("kind") or old.kind))
                at = changes.get("at", old.at)
                met_in = _round_of(logged.card, {}, kind, at if isinstance(at, datetime) else old.at)
                changes["person_id"] = (
                    self._person_for(card_id, name, relation_named_on(kind), met_in, first_name=True, met=kind)[0]
                    if isinstance(name, str) and name
                    else None
                )
            before = dict(
                zip(
                    changes,
                    self.conn.execute(
                        f"SELECT {', '.join(changes) or 'id'} FROM contacts WHERE id = ?", (contact_id,)
                    ).fetchone(),
                    strict=False,
                )
            )
            changed = {key: _value(value) for key, value in changes.items() if before.get(key) != _value(value)}
            if changed:
                self.db.table("contacts").update(contact_id, changed)
            if "kind" in changed:
                fixed = self.get(card_id)
                card_changes = self._lifecycle(
                    lifecycle.after_kind_fix,
                    logged.card,
                    old,
                    next(c for c in fixed.contacts if c.id == contact_id),
                    [c for c in fixed.contacts if c.id != contact_id],
                    now,
                )
                self._update(card_id, card_changes, now)
                changed.update(card_changes)
        return changed

    def remove_contact(self, card_id: int, contact_id: int, now: datetime) -> CardChanges:
        """Remove a contact logged by mistake, and take back what logging it did to the card where
        that still stands (lifecycle.after_removal); the card's changes."""
        with self.transaction(f"remove a contact from {journal.CARD}"):
            self._owned("contacts", card_id, contact_id, "contact")
            bundle = self.get(card_id)
            changes = self.removal_changes(bundle, next(c for c in bundle.contacts if c.id == contact_id))
            self._links_back(contact_id)
            going = self.people_going_with(card_id, contact_id)
            self.conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
            self.conn.executemany(
                "DELETE FROM card_people WHERE card_id = ? AND person_id = ?", [(card_id, p) for p in going]
            )
            self._drop_unlinked_people(going)
            self._update(card_id, changes, now)
        return changes

    def people_going_with(self, card_id: int, contact_id: int) -> list[int]:
        """The people that logging this contact linked to its card, that no other contact of it names
        and that nothing changed since: removing the contact unlinks them (QA: a thank-you logged on the
        wrong card, removed, left its person there, owed a note of their own). Someone given a relation,
        an address or a note since is the user's now, and stays."""
        return [
            person
            for card, person in journal.links_made_with_contact(self.conn, contact_id)
            if card == card_id
            and not self._named_elsewhere(card, person, contact_id)
            and not journal.person_changed_since_contact(self.conn, contact_id, card, person)
        ]

    def names_going_with(self, bundle: CardBundle, contact_id: int) -> list[str]:
        """people_going_with by name, in the card's order: what removing the contact says it takes."""
        going = set(self.people_going_with(bundle.card.id, contact_id))
        return [person.name for person in bundle.people if person.id in going]

    def _named_elsewhere(self, card_id: int, person_id: int, contact_id: int) -> bool:
        """Whether a contact of the card other than this one names the person."""
        found = self.conn.execute(
            "SELECT 1 FROM contacts WHERE card_id = ? AND person_id = ? AND id != ?", (card_id, person_id, contact_id)
        )
        return found.fetchone() is not None

    def _links_back(self, contact_id: int) -> None:
        """The rounds its person links had before the contact was logged, where logging it set them and
        they still are so (QA: a thank-you to the wrong person, removed, left them in the later round,
        owed a note of their own)."""
        for (card_id, person_id), before, after in journal.links_before_contact(self.conn, contact_id):
            if "round" in before:
                self.conn.execute(
                    "UPDATE card_people SET round = ? WHERE card_id = ? AND person_id = ? AND round IS ?",
                    (before["round"], card_id, person_id, after.get("round")),
                )

    def _outcome_before_close(self, card: Card) -> Outcome | None:
        """The outcome the card had before it was closed, as the undo journal knows it (None: not known)."""
        before = (
            journal.card_before_setting(self.conn, card.id, "closed_at", iso(card.closed_at))
            if card.closed_at
            else None
        )
        if before is None:
            return None
        try:
            return Outcome(str(before.get("outcome", card.outcome)))  # not in it: the close kept the outcome
        except ValueError:  # not one of ours
            return None

    def _entered_before_leaving(self, bundle: CardBundle, stage: Stage) -> datetime | None:
        """When the card had entered `stage`, if a move by hand took it from there to where it is (as
        the undo journal knows it); None: it came from elsewhere, or a contact logged moved it where
        it is (moving it on by hand from there is a new start: leaving a rejection's Stay in touch
        says the card is waiting from now), or the journal no longer knows."""
        card = bundle.card
        if any(c.at == card.stage_entered_at for c in bundle.contacts):
            return None
        before = journal.card_before_setting(self.conn, card.id, "stage_entered_at", iso(card.stage_entered_at))
        entered = before.get("stage_entered_at") if before is not None and before.get("stage") == stage else None
        try:
            return datetime.fromisoformat(entered) if isinstance(entered, str) else None
        except ValueError:  # not a time of ours
            return None

    def removal_changes(self, bundle: CardBundle, gone: Contact) -> CardChanges:
        """What removing the contact `gone` would do to its card (lifecycle.after_removal), said before."""
        left = [c for c in bundle.contacts if c.id != gone.id]
        before = journal.card_before_contact(self.conn, bundle.card.id, gone.id) or {}  # as the journal knows it
        return lifecycle.after_removal(bundle.card, gone, left, _asked_before(bundle.card, before), _moved_from(before))

    def _ids(self, table: str, card_id: int, order: str) -> list[int]:
        return [
            row[0]
            for row in self.conn.execute(f"SELECT id FROM {table} WHERE card_id = ? ORDER BY {order}", (card_id,))
        ]

    @staticmethod
    def _numbered(ids: list[int], number: int, card_id: int, what: str) -> int:
        if not 1 <= number <= len(ids):
            raise StoreError(f"card #{card_id} has no {what} {number} (it has {len(ids)})")
        return ids[number - 1]

    def _owned(self, table: str, card_id: int, item_id: int, what: str, column: str = "1", key: str = "id") -> object:
        """`column` of the row `item_id` of `table` that belongs to card `card_id`; an error if there is none."""
        row = self.conn.execute(
            f"SELECT {column} FROM {table} WHERE {key} = ? AND card_id = ?", (item_id, card_id)
        ).fetchone()
        if row is None:
            self._card(card_id)
            raise StoreError(f"card #{card_id} has no such {what} (changed elsewhere?)")
        return row[0]

    def _prepare_next_round(self, card_id: int, changes: CardChanges) -> None:
        """A card entering Next round with no checklist gets the default one."""
        if (
            changes.get("stage") == Stage.NEXT_ROUND
            and not self.conn.execute("SELECT 1 FROM prep_items WHERE card_id = ?", (card_id,)).fetchone()
        ):
            self._add_prep(card_id, list(DEFAULT_PREP))

    def _untick_for_next_round(self, card_id: int) -> int:
        """An invite that brings a card into Next round starts a new round's prep: the checklist the
        last round was prepared with is kept, unticked (a rescheduled round, logged as an invite on a
        card already in Next round, keeps its ticks)."""
        return self.conn.execute("UPDATE prep_items SET done = 0 WHERE card_id = ? AND done = 1", (card_id,)).rowcount

    def _add_prep(self, card_id: int, texts: list[str]) -> None:
        last: int = self.conn.execute(
            "SELECT coalesce(max(position), 0) FROM prep_items WHERE card_id = ?", (card_id,)
        ).fetchone()[0]
        for offset, text in enumerate(t for t in texts if t.strip()):
            self.db.table("prep_items").insert(
                {"uid": new_uid(), "card_id": card_id, "position": last + offset + 1, "text": text, "done": 0}
            )

    # --- undo and redo (journal.py) ---------------------------------------------

    def undo(self, action_id: int | None = None) -> journal.Reverted:
        """Undo action `action_id` (default: the latest change not undone yet, made from anywhere),
        unless a later change touched the same rows: then StoreError names it."""
        return self._revert(action_id, redo=False)

    def redo(self, action_id: int | None = None) -> journal.Reverted:
        """Redo what undo `action_id` undid (default: the latest undo not redone yet), as `undo` does."""
        return self._revert(action_id, redo=True)

    def _revert(self, action_id: int | None, redo: bool) -> journal.Reverted:
        with self.transaction():
            assert self._action is not None, "a journaled transaction has its action open"
            target = journal.revert(self.conn, self._action, action_id, redo)
        return journal.Reverted(self.last_action_id, target, journal.cards_of(self.conn, self.last_action_id))

    def _drop_unlinked_people(self, person_ids: list[int]) -> None:
        """These people go when no card links them any more; shared network contacts stay."""
        self.conn.executemany(
            "DELETE FROM people WHERE id = ? AND NOT EXISTS (SELECT 1 FROM card_people WHERE person_id = people.id)",
            [(person_id,) for person_id in person_ids],
        )

    def rows(self, sql: str, *params: object) -> list[dict[str, object]]:
        """Rows of any query as dicts keyed by column name."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=False)) for row in cursor]

    # --- helpers (inside a transaction) ---------------------------------------

    def _card(self, card_id: int) -> Card:
        row = self.conn.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE id = ?", (card_id,)).fetchone()
        if row is None:
            raise NoCard(card_id)
        return card_from_row(row)

    @staticmethod
    def _lifecycle(step: Callable[_Args, CardChanges], *args: _Args.args, **kwargs: _Args.kwargs) -> CardChanges:
        try:
            return step(*args, **kwargs)
        except lifecycle.LifecycleError as exc:
            raise StoreError(str(exc)) from None

    def _update(self, card_id: int, changes: CardChanges, now: datetime) -> None:
        if changes:
            self.db.table("cards").update(card_id, _row({**changes, "updated_at": now}))

    def _insert(self, table: str, row: dict[str, object]) -> int:
        """Insert one row; its id (each table's INTEGER PRIMARY KEY, so its rowid)."""
        new_id = self.db.table(table).insert(row).last_rowid
        assert new_id is not None, "an insert sets it"
        return new_id

    def meant_person(self, card_id: int, name: str) -> int | None:
        """The linked person `name` means (`followup person`, the board's link form): their full name,
        or a first or last name, "Ms. Shah", "Priya S" or an address that fits them alone
        (naming.matches); None when it fits nobody linked. "Raj" for Raj Patel used to link a second,
        phantom Raj, then owed a thank-you of his own."""
        found, _, _ = self._fitting(card_id, name, loose=True)
        return int(found[0]) if found else None

    def near_miss(self, card_id: int, name: str) -> str | None:
        """The linked person's name that `name`, fitting nobody on the card, misses by one letter (a
        typo: naming.near_miss); None when it fits someone, or is plainly someone new."""
        linked = self._linked(card_id)
        found, _, _ = self._fitting(card_id, name, loose=True, linked=linked)
        return None if found else naming.near_miss(name, linked)

    def _linked(self, card_id: int) -> list[tuple[int, str, str]]:
        """(id, name, email) of the people linked to the card, in the order they were."""
        return self.conn.execute(
            "SELECT p.id, p.name, p.email FROM people p JOIN card_people l ON l.person_id = p.id "
            "WHERE l.card_id = ? ORDER BY p.id",
            (card_id,),
        ).fetchall()

    def _fitting(
        self, card_id: int, name: str, loose: bool, linked: list[tuple[int, str, str]] | None = None
    ) -> tuple[list[int], str, str]:
        """naming.matches over the people linked to the card (`linked`, when read already); two who fit
        is an error (not a guess, nor a third one)."""
        if not name.strip():
            raise StoreError("a person needs a name")
        linked = self._linked(card_id) if linked is None else linked
        found, name, given = naming.matches(name, linked, loose=loose)
        if len(found) > 1:
            names = ", ".join(known for person_id, known, _ in linked if person_id in found)
            raise StoreError(
                f"{len(found)} people on this card are called {name.strip()} ({names}): give the full name"
            )
        return found, name, given

    def _person_for(
        self,
        card_id: int,
        name: str,
        relation: Relation,
        met_in: int,
        email: str = "",
        title: str = "",
        note: str = "",
        first_name: bool = False,
        met: Kind | None = None,
    ) -> tuple[int, bool]:
        """(the id of the person `name` means on this card, whether they were linked just now).
        naming.matches: with `first_name`, "Priya", "Shah" or "Ms. Shah" for Priya Shah, how the next
        action speaks of people and how a user logs a contact with them; her address, or "Name
        <email>", always; a name that fits no one is linked as someone new, as `relation`, met in round
        `met_in`. Someone named on a thank-you (`met`) for a later round than theirs was met again in it."""
        found, name, given = self._fitting(card_id, name, first_name)
        if found:
            if met == Kind.THANK_YOU:
                self.conn.execute(
                    "UPDATE card_people SET round = ? WHERE card_id = ? AND person_id = ? AND coalesce(round, 1) < ?",
                    (met_in, card_id, found[0], met_in),
                )
            return int(found[0]), False  # an INTEGER PRIMARY KEY
        person_id = self._insert(
            "people", {"uid": new_uid(), "name": name, "email": email or given, "title": title, "note": note}
        )
        self.db.table("card_people").insert(
            {"card_id": card_id, "person_id": person_id, "relation": relation.value, "round": met_in}
        )
        return person_id, True


def _items_said(verb: str, texts: list[str]) -> str:
    """'tick “questions to ask”' for one item, 'tick 3 prep items' for more; '' for none. The text is
    the user's: shortened, and never the label's card placeholder; in curly quotes, as messages put
    a label in straight ones."""
    if not texts:
        return ""
    if len(texts) > 1:
        return f"{verb} {len(texts)} prep items"
    text = " ".join(texts[0].split()).replace(journal.CARD, "{ card }")
    return f"{verb} “{text[:40] + '…' if len(text) > 40 else text}”"
