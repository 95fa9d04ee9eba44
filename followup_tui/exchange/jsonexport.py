"""The lossless JSON export (SPEC §5), written as it is read: flat memory at any size.

The document is what `json.dumps(document, indent=2, ensure_ascii=False)` gives, with
C1 controls and bidi marks as \\u escapes (textsafe.json_text), byte for byte: a test
holds the two to it. SQLite writes each record's text (its json_quote escapes exactly as
Python's json does), so Python only joins pieces. Cards come in export order (created_at,
uid), 500 at a time with their links, contacts and prep items; records are keyed by uid,
never by local id, so export → import into an empty database → export is byte-identical.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

from ..domain.textsafe import json_printable_utf8
from ..storage.read import DOMAIN_FROM, LINK_ROUND_FROM
from .records import BATCH

FORMAT, VERSION = "followup-tui export", 1
CARD_FIELDS = (
    "uid",
    "company",
    "role",
    "stage",
    "outcome",
    "round",
    "interview_at",
    "stage_entered_at",
    "follow_up_on",
    "follow_up_via",
    "decision_by",
    "next_round_at",
    "fit",
    "notes",
    "closed_at",
    "created_at",
    "updated_at",
)
# Fields added after version 1 of the format (an older file without them still imports),
# with the value an older file means.
NEWER_CARD_FIELDS = {"topic": "", "follow_up_set_at": None, "decision_set_at": None, "domain": ""}
PERSON_FIELDS = ("uid", "name", "email", "title", "note")
LINK_FIELDS = ("person", "relation", "round")
# The same for a person link: the round they were met in (null: not known, read as round 1).
NEWER_LINK_FIELDS = {"round": None}
CONTACT_FIELDS = ("uid", "at", "kind", "channel", "person", "note")
PREP_FIELDS = ("uid", "position", "text", "done")

# A schema-3 file (readers read older files as they are) has no m004 columns: what m004 fills in.
_BEFORE_V4 = {
    "topic": "''",
    "follow_up_set_at": "CASE WHEN follow_up_on IS NOT NULL THEN interview_at END",
    "decision_set_at": "CASE WHEN decision_by IS NOT NULL THEN interview_at END",
}


def export_json(store) -> str:
    """The whole export as one string (tests and small callers; the CLI streams `chunks`)."""
    return b"".join(chunks(store.conn)).decode("utf-8")


def chunks(conn: sqlite3.Connection) -> Iterator[bytes]:
    """The export as UTF-8 pieces, each a few hundred records at most."""
    saved = conn.text_factory
    conn.text_factory = bytes  # SQLite's UTF-8 goes out as it is: no decoding and encoding again
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one snapshot: a write from elsewhere meanwhile is in all of it or none
    try:
        yield (f'{{\n  "format": {json.dumps(FORMAT)},\n  "version": {VERSION},\n  "people": ').encode()
        yield from _listed(_people(conn), indent=4)
        yield b',\n  "cards": '
        yield from _listed(_cards(conn), indent=4)
        yield b"\n}\n"
    finally:
        if own:
            conn.execute("ROLLBACK")  # nothing was written: just end the read
        conn.text_factory = saved


def _record_sql(fields: Iterable[tuple[str, str]], indent: int, last: str = "") -> str:
    """printf() arguments writing one JSON object at `indent` from (key, SQL value) pairs.

    `last` ends the text instead of the closing brace: the card's lists follow in Python."""
    fields = list(fields)
    pad = "\n" + " " * (indent + 2)
    body = ",".join(f"{pad}{json.dumps(key)}: %s" for key, _ in fields)
    end = f",{pad}{json.dumps(last)}: " if last else "\n" + " " * indent + "}"
    return ", ".join([_sql_text("{" + body + end), *(sql for _, sql in fields)])


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"  # keys and layout only: no '%' to escape


def _quoted(columns: Iterable[str], prefix: str = "") -> list[tuple[str, str]]:
    return [(name, f"json_quote({prefix}{name})") for name in columns]


def _people(conn: sqlite3.Connection) -> Iterator[list[bytes]]:
    # in the order they were added, as a card's links are: an import adds them in this order, so each
    # card lists its people as before (the first interviewer gets the draft; QA: uid order changed who)
    cursor = conn.execute(f"SELECT printf({_record_sql(_quoted(PERSON_FIELDS), 4)}) FROM people ORDER BY id")
    while batch := cursor.fetchmany(BATCH):
        yield [row[0] for row in batch]


def _cards(conn: sqlite3.Connection) -> Iterator[list[bytes]]:
    """Each card's text: its own fields (SQL), then its links, contacts and prep items."""
    version = _version(conn)
    newer = {name: name for name in NEWER_CARD_FIELDS} if version >= 4 else _BEFORE_V4
    if version < DOMAIN_FROM:  # m007 added it (a reader reads an older file as it is)
        newer = {**newer, "domain": "''"}
    head = _record_sql(
        [*_quoted(CARD_FIELDS), *((n, f"json_quote({sql})") for n, sql in newer.items())], 4, last="people"
    )
    order = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY created_at, uid")]
    for start in range(0, len(order), BATCH):
        ids = order[start : start + BATCH]
        chosen = json.dumps(ids)
        heads = dict(conn.execute(f"SELECT id, printf({head}) FROM cards WHERE id IN {_IN}", (chosen,)))
        links_sql = _LINKS if version >= LINK_ROUND_FROM else _LINKS_BEFORE_ROUNDS
        links, contacts, prep = (_children(conn, sql, chosen) for sql in (links_sql, _CONTACTS, _PREP))
        yield [
            b"".join(
                (
                    heads[card],
                    _small_list(links.get(card)),
                    b',\n      "contacts": ',
                    _small_list(contacts.get(card)),
                    b',\n      "prep": ',
                    _small_list(prep.get(card)),
                    b"\n    }",
                )
            )
            for card in ids
        ]


_IN = "(SELECT value FROM json_each(?))"
_DONE = "CASE WHEN done THEN 'true' ELSE 'false' END"
_LINK_TEXT = _record_sql(
    [("person", "json_quote(p.uid)"), ("relation", "json_quote(l.relation)"), ("round", "json_quote(l.round)")], 8
)
_CONTACT_TEXT = _record_sql(
    [*_quoted(("uid", "at", "kind", "channel"), "c."), ("person", "json_quote(p.uid)"), ("note", "json_quote(c.note)")],
    8,
)
_PREP_TEXT = _record_sql([*_quoted(("uid", "position", "text")), ("done", _DONE)], 8)
_LINKS = (
    f"SELECT l.card_id, printf({_LINK_TEXT}) FROM card_people l JOIN people p ON p.id = l.person_id "
    f"WHERE l.card_id IN {_IN} ORDER BY l.card_id, p.id"
)
_LINKS_BEFORE_ROUNDS = _LINKS.replace("json_quote(l.round)", "'null'")  # a file older than m014, read as it is
_CONTACTS = (
    f"SELECT c.card_id, printf({_CONTACT_TEXT}) FROM contacts c LEFT JOIN people p ON p.id = c.person_id "
    f"WHERE c.card_id IN {_IN} ORDER BY c.card_id, c.at, c.uid"
)
_PREP = f"SELECT card_id, printf({_PREP_TEXT}) FROM prep_items WHERE card_id IN {_IN} ORDER BY card_id, position, uid"


def _children(conn: sqlite3.Connection, sql: str, chosen: str) -> dict[int, list[bytes]]:
    found: dict[int, list[bytes]] = {}
    for card, text in conn.execute(sql, (chosen,)):
        found.setdefault(card, []).append(text)
    return found


def _small_list(items: list[bytes] | None) -> bytes:
    """A card's list of records (indent 8), as json.dumps lays it out."""
    if not items:
        return b"[]"
    return b"[\n        " + b",\n        ".join(items) + b"\n      ]"


def _listed(batches: Iterator[list[bytes]], indent: int) -> Iterator[bytes]:
    """A top-level list written batch by batch, made safe to print."""
    pad = b"\n" + b" " * indent
    opening = b"[" + pad
    for batch in batches:
        if batch:
            yield json_printable_utf8(opening + (b"," + pad).join(batch))
            opening = b"," + pad
    yield b"[]" if opening.startswith(b"[") else b"\n" + b" " * (indent - 2) + b"]"


def _version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]
