"""Loading cards with their contacts, people and prep in a fixed number of queries.

Plain sqlite3, no sqlite-utils: shared by the Store and by the read-only
`followup status` path, which must start fast.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from ..domain.clock import FIRST_YEAR, LAST_YEAR
from ..domain.lenient import EPOCH, Problems
from ..domain.model import Card, CardBundle, Channel, Contact, Kind, Outcome, Person, PrepItem, Relation, Stage

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see the docstring)
if TYPE_CHECKING:
    from collections.abc import Iterable

    # Rows as the queries below select them: ids as SQLite keeps them, every other value as another
    # tool may have written it (Problems reads those)
    CardRow = tuple[int, *tuple[object, ...]]  # CARD_COLUMNS
    ContactRow = tuple[int, object, int, object, object, object, int | None, object]
    PersonRow = tuple[int, int, object, object, object, object, object, object, object]  # card_id first
    PrepRow = tuple[int, str, int, int, object, object]  # uid and position as SQLite gives them

CARD_COLUMNS = (
    "id, uid, company, role, stage, outcome, round, interview_at, stage_entered_at, created_at, "
    "updated_at, follow_up_on, follow_up_via, decision_by, next_round_at, fit, notes, closed_at, "
    "topic, follow_up_set_at, decision_set_at, domain"
)
DOMAIN_FROM = 7  # the schema with cards.domain (migration m007_mail)
LINK_ROUND_FROM = 14  # the schema with card_people.round (migration m014_the_round_a_person_was_met_in)
# The same columns from a file of an older schema (readers read it as it is): what later migrations
# added, as they fill it in (schema 4-6: no domain; 1-3: no topic or instruction times either).
_CARD_COLUMNS_V6 = CARD_COLUMNS.replace(", domain", ", '' AS domain")
_CARD_COLUMNS_V3 = _CARD_COLUMNS_V6.replace(
    "topic, follow_up_set_at, decision_set_at",
    "'' AS topic, CASE WHEN follow_up_on IS NOT NULL THEN interview_at END, "
    "CASE WHEN decision_by IS NOT NULL THEN interview_at END",
)


def card_columns(conn: sqlite3.Connection) -> str:
    """CARD_COLUMNS as this file's schema has them."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return CARD_COLUMNS if version >= DOMAIN_FROM else _CARD_COLUMNS_V6 if version >= 4 else _CARD_COLUMNS_V3


def card_from_row(row: CardRow) -> Card:
    """A card from its row, read leniently (lenient.py): what cannot be read becomes a problem line."""
    id_ = row[0]
    (
        uid,
        company,
        role,
        stage,
        outcome,
        round_,
        interview_at,
        entered,
        created,
        updated,
        follow_up_on,
        via,
        decision_by,
        next_round_at,
        fit,
        notes,
        closed_at,
        topic,
        follow_up_set_at,
        decision_set_at,
        domain,
    ) = row[1:]
    read = Problems("cards", f"#{id_}")
    # a required time that cannot be read falls back to the card's other times
    times = [
        read.instant(column, value)
        for column, value in (
            ("interview_at", interview_at),
            ("stage_entered_at", entered),
            ("created_at", created),
            ("updated_at", updated),
        )
    ]
    known = next((t for t in times if t is not None), EPOCH)
    interview, entered_at, created_at, updated_at = (t or known for t in times)
    card = Card(
        id=id_,
        uid=read.text("uid", uid),
        company=read.text("company", company),
        role=read.text("role", role),
        stage=read.member("stage", stage, Stage, Stage.WAITING),
        outcome=read.member("outcome", outcome, Outcome, Outcome.OPEN),
        round=read.number("round", round_, 1),
        interview_at=interview,
        stage_entered_at=entered_at,
        created_at=created_at,
        updated_at=updated_at,
        follow_up_on=read.day("follow_up_on", follow_up_on),
        follow_up_via=read.member("follow_up_via", via, Channel, Channel.OTHER) if via else None,
        decision_by=read.day("decision_by", decision_by),
        next_round_at=read.instant("next_round_at", next_round_at),
        fit=read.text("fit", fit),
        notes=read.text("notes", notes),
        closed_at=read.instant("closed_at", closed_at, fallback=updated_at),  # a closed card stays closed
        topic=read.text("topic", topic),
        follow_up_set_at=read.instant("follow_up_set_at", follow_up_set_at, fallback=interview),
        decision_set_at=read.instant("decision_set_at", decision_set_at, fallback=interview),
        domain=read.text("domain", domain),
    )
    card.problems = tuple(read.lines)
    return card


_KINDS: dict[object, Kind] = dict(Kind._value2member_map_)
_CHANNELS: dict[object, Channel] = dict(Channel._value2member_map_)
_RELATIONS: dict[object, Relation] = dict(Relation._value2member_map_)


def _contact(row: ContactRow, problems: dict[int, list[str]]) -> Contact:
    """A contact, read leniently: an unknown kind counts as the one the rules look at least (referral-ask)."""
    id_, uid, card_id, at, kind, channel, person_id, note = row
    if type(at) is str and len(at) == 25 and at.endswith("+00:00") and type(uid) is type(note) is str:
        # as this program writes them (nearly every row): nothing to note, no Problems to keep
        found, known, via = datetime.fromisoformat(at), _KINDS.get(kind), _CHANNELS.get(channel)
        if known is not None and via is not None and FIRST_YEAR <= found.year <= LAST_YEAR:
            return Contact(id_, uid, card_id, found, known, via, person_id, note)
    read = Problems("contacts", f"contact {id_}")
    contact = Contact(
        id_,
        read.text("uid", uid),
        card_id,
        read.instant("at", at) or EPOCH,  # NOT NULL: None when unreadable
        read.member("kind", kind, Kind, Kind.REFERRAL_ASK),
        read.member("channel", channel, Channel, Channel.OTHER),
        person_id,
        read.text("note", note),
    )
    if read.lines:
        problems[card_id] += read.lines
    return contact


def _person(row: PersonRow, problems: dict[int, list[str]]) -> Person:
    card_id, id_, uid, name, relation, email, title, note, round_ = row
    known = _RELATIONS.get(relation)
    met_in = 1 if round_ is None else round_  # a link made before rounds were kept: round 1
    if (
        known is not None
        and type(uid) is type(name) is type(email) is type(title) is type(note) is str
        and type(met_in) is int
        and met_in >= 1
    ):
        return Person(id_, uid, name, known, email, title, note, met_in)  # as this program writes them
    read, link = Problems("people", f"person {id_}"), Problems("card_people", f"#{card_id} and person {id_}")
    person = Person(
        id_,
        read.text("uid", uid),
        read.text("name", name),
        link.member("relation", relation, Relation, Relation.INTERVIEWER),
        read.text("email", email),
        read.text("title", title),
        read.text("note", note),
        link.number("round", met_in, 1),
    )
    if read.lines or link.lines:
        problems[card_id] += read.lines + link.lines
    return person


def load_bundles(
    conn: sqlite3.Connection, where: str = "closed_at IS NULL", params: Iterable[object] = ()
) -> list[CardBundle]:
    """Cards matching `where` (SQL over the cards table) with everything attached."""
    return bundles_from_rows(*fetch_rows(conn, where, params))


def fetch_rows(
    conn: sqlite3.Connection, where: str, params: Iterable[object] = ()
) -> tuple[list[CardRow], list[ContactRow], list[PersonRow], list[PrepRow]]:
    """The rows of the cards matching `where` and of their contacts, people and prep items, in the
    order bundles_from_rows takes them."""
    params = tuple(params)
    cards: list[CardRow] = conn.execute(
        f"SELECT {card_columns(conn)} FROM cards WHERE {where} ORDER BY id", params
    ).fetchall()
    if not cards:
        return [], [], [], []
    subset = f"SELECT id FROM cards WHERE {where}"
    contacts: list[ContactRow] = conn.execute(
        "SELECT id, uid, card_id, at, kind, channel, person_id, note FROM contacts "
        f"WHERE card_id IN ({subset}) ORDER BY card_id, at, id",
        params,
    ).fetchall()
    round_ = "l.round" if conn.execute("PRAGMA user_version").fetchone()[0] >= LINK_ROUND_FROM else "NULL"
    people: list[PersonRow] = conn.execute(
        f"SELECT l.card_id, p.id, p.uid, p.name, l.relation, p.email, p.title, p.note, {round_} FROM card_people l "
        f"JOIN people p ON p.id = l.person_id WHERE l.card_id IN ({subset}) ORDER BY l.card_id, p.id",
        params,
    ).fetchall()
    prep: list[PrepRow] = conn.execute(
        "SELECT id, uid, card_id, position, text, done FROM prep_items "
        f"WHERE card_id IN ({subset}) ORDER BY card_id, position, id",
        params,
    ).fetchall()
    return cards, contacts, people, prep


def bundles_from_rows(
    card_rows: list[CardRow], contact_rows: list[ContactRow], person_rows: list[PersonRow], prep_rows: list[PrepRow]
) -> list[CardBundle]:
    """Cards with everything attached, from rows in fetch_rows' order (an import that has them in hand
    plans its new cards from them, in another process: rulecache.Planner)."""
    cards = [card_from_row(r) for r in card_rows]
    contacts: defaultdict[int, list[Contact]] = defaultdict(list)
    people: defaultdict[int, list[Person]] = defaultdict(list)
    prep: defaultdict[int, list[PrepItem]] = defaultdict(list)
    problems: defaultdict[int, list[str]] = defaultdict(list)
    for contact_row in contact_rows:
        contacts[contact_row[2]].append(_contact(contact_row, problems))
    for person_row in person_rows:
        people[person_row[0]].append(_person(person_row, problems))
    for row in prep_rows:
        prep[row[2]].append(PrepItem(row[0], row[1], row[2], row[3], str(row[4]), bool(row[5])))
    for card in cards:
        if card.id in problems:
            card.problems += tuple(problems[card.id])
    return [CardBundle(c, contacts[c.id], people[c.id], prep[c.id]) for c in cards]


def load_bundle(conn: sqlite3.Connection, card_id: int) -> CardBundle | None:
    found = load_bundles(conn, "id = ?", (card_id,))
    return found[0] if found else None


def load_bundles_by_id(conn: sqlite3.Connection, ids: list[int]) -> list[CardBundle]:
    """The cards with these ids, in chunks that stay under SQLite's variable limit."""
    return list(iter_bundles_by_id(conn, ids))


def iter_bundles_by_id(conn: sqlite3.Connection, ids: list[int]) -> Iterator[CardBundle]:
    """The same, 500 at a time: memory stays flat however many cards (an import of 100,000)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from load_bundles(conn, f"id IN ({','.join('?' * len(chunk))})", chunk)
