"""`followup list --json`: every card as README "JSON" shows it, most urgent first, written as it is read.

The text is what `json.dumps([present.card_json(...) ...], indent=2, ensure_ascii=False)` gives,
byte for byte (a test holds the two to it): the caller makes it safe to print (textsafe).
Like `status`, it reads each card's saved plan (the segment holding now, rulecache.py), and SQLite
writes the card's text, reasons measured for now, in one ordered query. The full rules run only
for cards whose plan cannot be used (stale, another policy, a past --now, a value another tool
wrote in a form the app would read otherwise): they are assessed 500 at a time into a temporary
table that the same query sorts in. Memory holds a batch of cards, never all of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

from ..domain.config import Policy
from ..domain.reasons import measure_sql
from ..domain.textsafe import json_printable_utf8
from ..domain.words import CALM
from . import dbfile, facts
from .rulecache import rules_key, sql_now

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .dbfile import AnyPath

VOUCH_FROM = 11  # the schema whose saved plans vouch for what cards show (migration m011_plans_vouch_…)
_BATCH = 500
_SORT_KB = 16384


# The card's saved plan can be used: made for this policy, holding now (an open card's segment holding
# now comes with its plan), and vouching for the values stored (rulecache.STORED_AS_READ; triggers
# drop a plan when anything the card shows changes)
_FRESH = (
    "(CASE WHEN c.closed_at IS NULL THEN c.rules_key = :key AND EXISTS (SELECT 1 FROM card_plans WHERE card_id = c.id) "
    "ELSE c.rules_key IS NOT NULL END) AND (c.rules_valid_from IS NULL OR c.rules_valid_from <= :now)"
)


def _reason(n: int) -> str:
    """Reason n as JSON, measured for now. The stored pieces are JSON string content as json_compact
    writes it, which differs from json.dumps(ensure_ascii=False) only in \\u escapes: pieces with
    none are pasted as they are, others decoded and quoted again."""
    quoted = f"""printf('"%s%s%s"', p.b{n}, {measure_sql(f"p.m{n}", f"p.a{n}")}, p.e{n})"""
    return (
        f"CASE WHEN instr(p.b{n}, '\\u') OR instr(p.e{n}, '\\u') THEN json_quote(json_extract({quoted}, '$')) "
        f"ELSE {quoted} END"
    )


def _object(fields: list[tuple[str, str, str]], indent: int) -> str:
    """SQL for a JSON object laid out at `indent` from (key, printf conversion, SQL value) triples: one
    printf, so the text is copied once (each || copies all of it so far)."""
    pad = "\n" + " " * (indent + 2)
    layout = "{" + ",".join(f'{pad}"{key}": {conversion}' for key, conversion, _ in fields) + "\n" + " " * indent + "}"
    return f"printf('{layout}', {', '.join(sql for _, _, sql in fields)})"


def _json(key: str, sql: str) -> tuple[str, str, str]:
    """A member whose SQL gives its JSON text."""
    return key, "%s", sql


def _quoted(column: str) -> tuple[str, str, str]:
    """A member from a column of the card, quoted as JSON (NULL: null)."""
    return column, "%s", f"json_quote(c.{column})"


def _plain(column: str) -> tuple[str, str, str]:
    """A member from a column of the card holding a word or a canonical time, never NULL (its form is
    checked or constrained): no character to escape."""
    return column, '"%s"', f"c.{column}"


# Reason 1 is shown twice (the first reason, the next action's text): char(1) stands for it until one
# replace() puts it in, so it is measured once. JSON text never holds a raw control character.
_FIRST = "char(1)"
_NEXT = "\n    "  # a member of a card, in SQL text (a string literal may hold a newline)
_ITEM = "\n      "  # an item of its lists, a member of its next action
_FLAGS = (
    f"CASE WHEN coalesce(p.flags, '') = '' THEN '[]' "
    f"ELSE printf('[{_ITEM}%s{_NEXT}]', replace(p.flags, ',', ',{_ITEM}')) END"
)
_WARNINGS = "".join(  # the warnings after reason 1
    f"""CASE WHEN p.b{n} IS NULL THEN '' ELSE ',{_ITEM}' || {_reason(n)} END, """ for n in (2, 3)
)
# The next action: the stored head, '{"kind":"follow-up",…,"template":"follow-up","text":', is
# json_compact's. Without a backslash it has no escape, so no '"' inside a string: each ',"' starts
# a key and each '":' ends one, and two replace() lay it out. Else it is decoded field by field.
_ACTION = "(p.action || '\"\"}')"  # the head closed: '{"kind":…,"text":""}'
_ACTION_DECODED = _object(
    [
        *(_json(key, f"json_quote({_ACTION} ->> '$.{key}')") for key in ("kind", "due")),
        _json("overdue", f"{_ACTION} -> '$.overdue'"),
        *(_json(key, f"json_quote({_ACTION} ->> '$.{key}')") for key in ("channel", "person", "template")),
        _json("text", _FIRST),
    ],
    4,
)
_ACTION_LAID_OUT = (
    f"""printf('{{{_ITEM}%s%s{_NEXT}}}', replace(replace(substr(p.action, 2), ',"', ',{_ITEM}"'), '":', '": '), """
    f"{_FIRST})"
)
# "reasons": [...], "next_action": {...}, in one printf (each || copies the text so far)
_REASONS_AND_ACTION = (
    f"""CASE WHEN p.card_id IS NULL THEN '[],{_NEXT}"next_action": null' """
    f"""ELSE replace(printf('[{_ITEM}%s%s%s{_NEXT}],{_NEXT}"next_action": %s', {_FIRST}, {_WARNINGS}"""
    f"CASE WHEN instr(p.action, '\\') THEN {_ACTION_DECODED} ELSE {_ACTION_LAID_OUT} END), {_FIRST}, {_reason(1)}) END"
)
# Each card's prep items counted once for all cards (done is 0 or 1: CHECK)
_PREP = (
    "LEFT JOIN (SELECT card_id, sum(done) AS done, count(*) AS total FROM prep_items GROUP BY card_id) q "
    "ON q.card_id = c.id"
)

# present.card_json's keys, in its order (a usable plan's card has no contact after now: its last
# contact is the company's latest, facts.last_contact)
_CARD_FIELDS = [
    ("id", "%d", "c.id"),
    *map(_quoted, ("uid", "company", "role")),
    *map(_plain, ("stage", "outcome")),
    _json("closed", "CASE WHEN c.closed_at IS NULL THEN 'false' ELSE 'true' END"),
    ("round", "%d", "c.round"),
    *map(_plain, ("interview_at", "stage_entered_at")),
    _quoted("follow_up_on"),
    _json("follow_up_via", "json_quote(nullif(c.follow_up_via, ''))"),
    *map(_quoted, ("decision_by", "next_round_at", "fit", "notes", "closed_at")),
    *map(_plain, ("created_at", "updated_at")),
    _json("last_contact_at", f"json_quote({facts.last_contact('c')})"),
    ("next_contact_ok", '"%s"', "CASE WHEN p.next_ok > :now THEN p.next_ok ELSE :now END"),
    ("prep_done", "%d", "coalesce(q.done, 0)"),
    ("prep_total", "%d", "coalesce(q.total, 0)"),
    _json("flags", _FLAGS),
    _json("reasons", _REASONS_AND_ACTION),  # and next_action
    _quoted("topic"),
    _json("problems", "'[]'"),
]
_CARD_TEXT = _object(_CARD_FIELDS, 2)  # an item of the list
_KEY = "coalesce(p.severity, :calm), c.closed_at IS NOT NULL, c.interview_at, c.id"


def _from_plans(where: str) -> str:
    """Open cards from the segments holding now (one index range, then each card by id: half the time
    of looking up each card's segments), closed cards with none (no plan), and the cards assessed in
    full, in one order."""
    return f"""
        SELECT {_KEY}, {_CARD_TEXT} FROM card_plans p CROSS JOIN cards c ON c.id = p.card_id {_PREP}
        WHERE p.attention IN (0, 1) AND p.opens <= :now AND :now < p.closes AND c.closed_at IS NULL
            AND c.rules_key = :key AND ({where}) AND c.id NOT IN (SELECT id FROM temp.listed)
        UNION ALL
        SELECT {_KEY}, {_CARD_TEXT} FROM cards c LEFT JOIN card_plans p ON p.card_id = c.id AND p.attention = -1 {_PREP}
        WHERE c.closed_at IS NOT NULL AND ({where}) AND c.id NOT IN (SELECT id FROM temp.listed)
        UNION ALL
        SELECT * FROM temp.listed ORDER BY 1, 2, 3, 4"""


def document(db_path: AnyPath, policy: Policy, now: datetime, stage: str | None, closed: bool) -> Iterator[bytes]:
    """`list --json` (with `closed` cards, of one `stage`) as UTF-8 pieces to print as they come, made
    safe as json_text makes them for a UTF-8 stdout; '[]' when there is no database yet. A damaged
    file stops it with StoreError, before the first piece (SQLite sorts every card first)."""
    conn = dbfile.open_reader(db_path)
    if conn is None:
        yield b"[]\n"
        return
    where = " AND ".join([*([] if closed else ["c.closed_at IS NULL"]), *(["c.stage = :stage"] if stage else [])])
    opening = b"[\n  "
    try:
        plans = dbfile.version(conn) == dbfile.SCHEMA_VERSION  # (>= VOUCH_FROM): an older file goes the full way
        for batch in cards_json(conn, policy, now, where or "1", {"stage": stage}, plans):
            yield json_printable_utf8(opening + b",\n  ".join(batch))
            opening = b",\n  "
    except sqlite3.DatabaseError as exc:
        raise dbfile.corrupt(db_path, exc) from None
    finally:
        conn.close()
    yield b"[]\n" if opening.startswith(b"[") else b"\n]\n"


def cards_json(
    conn: sqlite3.Connection,
    policy: Policy,
    now: datetime,
    where: str = "c.closed_at IS NULL",
    params: dict[str, object] | None = None,
    plans: bool = True,
) -> Iterator[list[bytes]]:
    """The cards matching `where` (SQL over `cards c`) as UTF-8 JSON texts (as json.dumps writes them
    with ensure_ascii=False, an item of a list at indent 2), most urgent first, a batch at a time.

    `plans`: the file's saved plans are of this schema (an older file's are not read)."""
    values = {**(params or {}), **sql_now(now), "key": rules_key(policy), "calm": CALM}
    # SQLite sorts in memory up to the cache's size, then in runs on disk: 16 MB holds 10,000 cards'
    # texts (a third faster than spilling them), and bounds what 100,000 take
    conn.execute(f"PRAGMA cache_size = -{_SORT_KB}")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS listed (severity, closed, interview_at, id, text)")
    conn.execute("DELETE FROM temp.listed")
    saved = conn.text_factory
    try:
        _assess_into_temp(conn, _stale(conn, where, values, plans), policy, now)
        query = _from_plans(where) if plans else "SELECT * FROM temp.listed ORDER BY 1, 2, 3, 4"
        conn.text_factory = bytes  # SQLite's UTF-8 goes out as it is: no decoding and encoding again
        cursor = conn.execute(query, values)
        while batch := cursor.fetchmany(_BATCH):
            yield [row[-1] for row in batch]
    finally:
        conn.text_factory = saved
        conn.execute("DELETE FROM temp.listed")


def _stale(conn: sqlite3.Connection, where: str, values: dict[str, object], plans: bool) -> list[int]:
    """The cards matching `where` that the rules must assess in full."""
    if not plans:
        return [row[0] for row in conn.execute(f"SELECT c.id FROM cards c WHERE {where}", values)]
    # Most cards are open: without a stage, reading the table in order beats the open-cards index and
    # a look-up per card all over the file (half the time at 10,000 cards)
    scan = "NOT INDEXED" if values.get("stage") is None else ""
    return [
        row[0]
        for row in conn.execute(
            f"SELECT c.id FROM cards c {scan} WHERE ({where}) AND NOT coalesce({_FRESH}, 0)",
            values,
        )
    ]


def _assess_into_temp(conn: sqlite3.Connection, ids: list[int], policy: Policy, now: datetime) -> None:
    """The cards read in full and assessed by the rules, with their sort keys, into temp.listed."""
    if not ids:
        return
    import json  # here: the json module imports re (~4 ms), which the cards from plans never need

    from ..domain.present import Assessed, card_json
    from ..domain.rules import assess
    from .read import iter_bundles_by_id

    encode = json.JSONEncoder(ensure_ascii=False, indent=2, default=_text).encode
    rows = []
    for bundle in iter_bundles_by_id(conn, ids):
        item, card = Assessed(bundle, assess(bundle, policy, now)), bundle.card
        # as present.assess_all sorts: interview_at as an instant (UTC ISO sorts as the stored text does)
        at = card.interview_at.astimezone(UTC).isoformat()
        text = encode(card_json(item, now)).replace("\n", "\n  ")  # an item of the list
        rows.append((item.assessment.rank, int(card.closed), at, card.id, text))
        if len(rows) == _BATCH:
            conn.executemany("INSERT INTO temp.listed VALUES (?, ?, ?, ?, ?)", rows)
            rows = []
    conn.executemany("INSERT INTO temp.listed VALUES (?, ?, ?, ?, ?)", rows)


def _text(value: object) -> str:
    """A BLOB another tool stored in a text column: its text, undecodable bytes replaced (as json_text does)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"{type(value).__name__} is not JSON")
