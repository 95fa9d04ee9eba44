"""Finding cards by the words in them: an SQLite FTS5 index (migration m008).

One document per card: its company, role, topic, why-I-fit and notes, the names of the people
linked to it, its contact notes and its prep items (as the board's `/` filter always looked in),
plus its stage as a word of its own. A search is then one FTS lookup that returns cards, and a
column's count is one more (`stage:waiting AND …`): no per-row mapping from people or contacts
to cards, however many match.

The documents live in `search_docs` (the index's external content: FTS5 needs a row's old text
to take it out of the index, and an aggregate over several tables has no old row of its own).
Triggers keep both in step with every change, from this program or any other: a change to a
card, a link, a person's name, a contact note or a prep item computes the card's document again
from `search_source`, and `search_docs`'s own triggers update the index. The stage word changes
on a move without the text being indexed again only when the text is the same: FTS5 takes a
document out and puts it back whole.

Words match from their start ("acm" finds Acme, "pri" Priya), in any case, accents as written;
several words must all be in the card (in any of its texts). Plain sqlite3: no sqlite-utils.
"""

from __future__ import annotations

import re
import sqlite3

from ..domain.words import STAGE_NAMES

# the stage as one FTS word ('thank-you' would be two): closed cards are 'closed'
STAGE_WORDS = {stage: stage.replace("-", "") for stage in STAGE_NAMES}

_KNOWN = ", ".join(f"'{stage}'" for stage in STAGE_NAMES)
_TEXT = "char(10)"  # between the texts of one document: no word runs across two of them

_BASE = (
    # one card's document, worked out from what it holds now (a stage other tools wrote that
    # this version does not know is read as waiting, as read.py reads it)
    f"""CREATE VIEW search_source AS
    SELECT c.id AS card_id,
        CASE WHEN c.closed_at IS NOT NULL THEN 'closed'
             WHEN c.stage IN ({_KNOWN}) THEN replace(c.stage, '-', '') ELSE 'waiting' END AS stage,
        c.company || {_TEXT} || c.role || {_TEXT} || c.topic || {_TEXT} || c.fit || {_TEXT} || c.notes
        || coalesce({_TEXT} || (SELECT group_concat(p.name, {_TEXT}) FROM card_people l
                                JOIN people p ON p.id = l.person_id WHERE l.card_id = c.id), '')
        || coalesce({_TEXT} || (SELECT group_concat(t.note, {_TEXT}) FROM contacts t
                                WHERE t.card_id = c.id AND t.note != ''), '')
        || coalesce({_TEXT} || (SELECT group_concat(i.text, {_TEXT}) FROM prep_items i
                                WHERE i.card_id = c.id), '') AS body
    FROM cards c""",
    """CREATE TABLE search_docs (
        card_id INTEGER PRIMARY KEY,
        stage TEXT NOT NULL,                    -- STAGE_WORDS, or 'closed'
        body TEXT NOT NULL                      -- the card's texts, one per line
    )""",
    # word prefixes of one and two letters are indexed as such: the first keys typed stay quick
    """CREATE VIRTUAL TABLE search USING fts5(stage, body, content='search_docs', content_rowid='card_id',
        tokenize="unicode61 remove_diacritics 0", prefix='1 2', detail=column)""",
    # the index follows its content (FTS5's external content triggers)
    """CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
        INSERT INTO search (rowid, stage, body) VALUES (NEW.card_id, NEW.stage, NEW.body); END""",
    """CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
        INSERT INTO search (search, rowid, stage, body) VALUES ('delete', OLD.card_id, OLD.stage, OLD.body); END""",
    """CREATE TRIGGER search_docs_update AFTER UPDATE ON search_docs
        WHEN OLD.stage IS NOT NEW.stage OR OLD.body IS NOT NEW.body OR OLD.card_id IS NOT NEW.card_id BEGIN
        INSERT INTO search (search, rowid, stage, body) VALUES ('delete', OLD.card_id, OLD.stage, OLD.body);
        INSERT INTO search (rowid, stage, body) VALUES (NEW.card_id, NEW.stage, NEW.body); END""",
    # the documents follow the cards and what they hold
    """CREATE TRIGGER cards_insert_search AFTER INSERT ON cards BEGIN
        INSERT INTO search_docs (card_id, stage, body) SELECT card_id, stage, body FROM search_source
        WHERE card_id = NEW.id; END""",
    """CREATE TRIGGER cards_delete_search AFTER DELETE ON cards BEGIN
        DELETE FROM search_docs WHERE card_id = OLD.id; END""",
    """CREATE TRIGGER cards_id_search AFTER UPDATE OF id ON cards WHEN OLD.id != NEW.id BEGIN
        DELETE FROM search_docs WHERE card_id = OLD.id;
        INSERT INTO search_docs (card_id, stage, body) SELECT card_id, stage, body FROM search_source
        WHERE card_id = NEW.id; END""",
)


def _refresh(cards: str) -> str:
    """SQL that works out again the documents of `cards` (SQL for card ids) that exist: a card deleted
    in the same statement has none (its children go after it, or before)."""
    return (
        "UPDATE search_docs SET (stage, body) = (SELECT s.stage, s.body FROM search_source s "
        f"WHERE s.card_id = search_docs.card_id) WHERE card_id IN ({cards}) "
        "AND EXISTS (SELECT 1 FROM cards c WHERE c.id = search_docs.card_id)"
    )


_CHILDREN = (
    # (table, its text column or None (every row counts), what else moves it between cards)
    ("contacts", "note", "card_id"),
    ("prep_items", "text", "card_id"),
    ("card_people", None, "card_id, person_id"),
)


def _triggers() -> tuple[str, ...]:
    found = [
        "CREATE TRIGGER cards_update_search AFTER UPDATE OF company, role, topic, fit, notes, stage, closed_at "
        f"ON cards BEGIN {_refresh('NEW.id')}; END",
        f"CREATE TRIGGER people_name_search AFTER UPDATE OF name ON people BEGIN "
        f"{_refresh('SELECT card_id FROM card_people WHERE person_id = NEW.id')}; END",
    ]
    for table, text, keys in _CHILDREN:

        def has(ref: str, text: str | None = text) -> str:
            return f" WHEN {ref}.{text} != ''" if text else ""

        found += [
            f"CREATE TRIGGER {table}_insert_search AFTER INSERT ON {table}{has('NEW')} BEGIN "
            f"{_refresh('NEW.card_id')}; END",
            f"CREATE TRIGGER {table}_delete_search AFTER DELETE ON {table}{has('OLD')} BEGIN "
            f"{_refresh('OLD.card_id')}; END",
            f"CREATE TRIGGER {table}_update_search AFTER UPDATE OF {text + ', ' if text else ''}{keys} ON {table} "
            f"BEGIN {_refresh('OLD.card_id, NEW.card_id')}; END",
        ]
    return tuple(found)


SCHEMA: tuple[str, ...] = _BASE + _triggers()


def build(conn: sqlite3.Connection) -> None:
    """Every card's document and the index, made anew from the tables (the migration; doctor --fix)."""
    conn.execute("DELETE FROM search_docs")
    conn.execute("INSERT INTO search (search) VALUES ('delete-all')")
    conn.execute("INSERT INTO search_docs (card_id, stage, body) SELECT card_id, stage, body FROM search_source")


def in_step(conn: sqlite3.Connection) -> bool:
    """Does every card's document say what the card holds now (doctor; read-only)? A trigger dropped
    by another tool lets them drift apart; build() makes them anew."""
    return not conn.execute(
        "SELECT EXISTS (SELECT card_id, stage, body FROM search_docs EXCEPT SELECT card_id, stage, body "
        "FROM search_source) OR EXISTS (SELECT card_id, stage, body FROM search_source EXCEPT "
        "SELECT card_id, stage, body FROM search_docs)"
    ).fetchone()[0]


# --- asking -----------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")  # what unicode61 keeps as a word: letters and digits


def words(needle: str) -> list[str]:
    """The words of what the user typed, as the index folds them."""
    return _WORD.findall(needle.lower())


def expression(needle: str, stage: str | None = None) -> str | None:
    """The FTS5 query for the open cards holding every word of `needle` as a word prefix (None: it
    has no words); `stage` narrows it to one column of the board."""
    found = words(needle)
    if not found:
        return None
    terms = " AND ".join(f'body:"{word}"*' for word in found)  # a word never holds a quote: _WORD keeps none
    if stage is not None:
        return f"stage:{STAGE_WORDS[stage]} AND {terms}"
    return f"({terms}) NOT stage:closed"


def matching(conn: sqlite3.Connection, needle: str) -> set[int]:
    """Open cards holding every word of `needle`, by word prefix."""
    query = expression(needle)
    if query is None:
        return set()
    return {row[0] for row in conn.execute("SELECT rowid FROM search WHERE search MATCH ?", (query,))}


def counts(conn: sqlite3.Connection, needle: str) -> dict[str, int]:
    """How many open cards of each stage hold every word of `needle` (one lookup per stage)."""
    if expression(needle) is None:
        return dict.fromkeys(STAGE_NAMES, 0)
    return {
        stage: conn.execute(
            "SELECT count(*) FROM search WHERE search MATCH ?", (expression(needle, stage),)
        ).fetchone()[0]
        for stage in STAGE_NAMES
    }
