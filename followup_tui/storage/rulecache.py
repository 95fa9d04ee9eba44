"""Each card's rule plan, saved beside the card as segments (see rules.segments).

Writers save a card's plan in the same transaction as the change; triggers
(migrations m002, m004) mark a card stale whenever something the rules read
changes and drop its plan, so a plan is only used when it matches the data, the
policy and the local zone it was made for. Readers fall back to the full rules
for stale cards. Each segment is stored as status prints it (m004): the card's
item JSON in pieces, its reasons as JSON text around their measure, which
SQLite fills in (reasons.measure_sql); segments with a flag are marked, so
status reads only those. Plain sqlite3: this is on `followup status`'s path.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from functools import cache, lru_cache
from operator import itemgetter

from ..domain.clock import iso, one_zone
from ..domain.config import Policy
from ..domain.reasons import measure_sql, split
from ..domain.textsafe import json_compact
from ..domain.words import SEVERITY

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every status)
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Sequence
    from typing import Final

    from ..domain.model import CardBundle, Contact
    from .read import CardRow, ContactRow, PersonRow, PrepRow

    Rows = tuple[list[CardRow], list[ContactRow], list[PersonRow], list[PrepRow]]  # read.fetch_rows
    # plans_of: (card_plans rows, (rules_key, valid_from, id) of the cards planned, (id,) of those never
    # cached, (premature, contact id) of the follow-ups the rules judged: facts.save)
    Planned = tuple[
        list[tuple[object, ...]], list[tuple[str, str | None, int]], list[tuple[int]], list[tuple[int, int]]
    ]
    from ..domain.rules import Action, Plan, Window

    Ranked = tuple[int, str, int, str]  # (urgency, interview_at, card id, status item as JSON): sorts as status lists
    # A `plan_rows` row: (card id, urgency, flags JSON, reason flags, reasons' pieces JSON, action head, next_ok)
    PlanRow = tuple[int, int, str, str, str, str, str | None]

# Unbounded window ends are stored as text that sorts before / after any ISO
# time, so one index range scan on `opens` finds the windows open now.
SINCE_EVER, FOR_EVER = "", "~"


def rules_key(policy: Policy) -> str:
    """What a plan depends on besides the card: the rules' version, the policy and the local zone."""
    zone = f"{_zone_rules()}|{time.tzname}|{time.timezone}|{time.altzone}|{time.daylight}"
    return "|".join(map(str, (RULES_VERSION, *policy, zone)))


# The rules' version: a new one makes every saved plan stale, and the first writer to open the
# file plans every card anew (Store._replan_stale). v2.2: card_plans.severity holds the urgency
# (words.urgency: the top flag, then the next action's rule), no longer the top flag alone. v2.3: an
# interview ahead counts calendar days, as the prep warning does ("round 2 in 3 days" on Wednesday
# evening for Saturday), not whole 24 hours ("in 2d"); a follow-up in the same minute as the message
# before it is "right after" it, not "1m after". v2.4: a premature nudge is TOO SOON no longer once
# they wrote since, or once the next round began; a stay-in-touch check-in is due at the same local
# time N days on, across a clock change too. v2.5: "last contact N days ago" counts days by the local clock
# (89 across the spring clock change, on the day the check-in fell due); the decision date's
# too-soon line holds after that date ("they said they would decide by Dec 18"); a later round's
# thank-you says when the round was ("round 2 was 2h ago — send a thank-you within 22h"); a first
# round's panel member without a note is named on the wait line ("no thank-you yet to Raj Patel").
# v2.6: an answer from the day they asked for on honours it (a call they asked for, logged as the
# answer to their message), as a follow-up does; the stay-in-touch wait line says the time of day a
# check-in falls due ("next check-in due Mar 15 13:00"), since it is not DUE that morning; prep is
# due from the start of the day 3 calendar days before the interview, the day its line says "in 3 days".
# v2.7: a thank-you at its deadline is DUE "send a thank-you now" for that minute, and OVERDUE once a
# minute has passed, never "overdue by 1m" at the deadline itself.
# v2.8: a panel in every round, not the first only (each person link knows its round, m014): once one
# note of round N went to one of round N's interviewers, the wait line names the others; round N's
# thank-you goes to the first of round N's people.
# v2.9: the panel's notes still owed are named on the wait line after the next contact's date too
# ("waiting 6d; no thank-you yet to Hal Ng"), not only until it.
# v2.10: an answer answers an offer the log does not hold (a card imported as "Offer").
# v2.11: an invite that came after a round's thank-you was due leaves that note unasked in Next round.
# v2.12: talk with someone linked as `network` (their reply to your ask, your follow-up to them) is
# the network's thread, as the ask is: it neither ends nor honours what the company asked for, nor
# starts a wait; the company's next message never goes to them (an offer they passed on).
# A follow-up or check-in about an offer you hold is part of answering it, after your first answer too;
# a settled offer gives way to a new round's prep and thank-you once an invite came after it.
# v2.13: a friend's reply counts as your ask to them: the network rule no longer asks you to ask.
# v2.14: after a new answer-by date for an offer, a follow-up or check-in answers it, as before one.
# v2.15: while an offer you hold is being answered, no "next contact from" (a question is never too soon).
RULES_VERSION = "v2.15"


def _zone_rules() -> str:
    """A fingerprint of the local zone's rules (its tzdata file), else its name: abbreviations and
    offsets alone mix up zones such as Athens and Cairo, while UTC and Etc/UTC are the same."""
    import os
    from binascii import crc32  # the same as zlib.crc32, from a lighter module

    name = os.environ.get("TZ", "/etc/localtime").lstrip(":")
    path = name if name.startswith("/") else os.path.join("/usr/share/zoneinfo", name)
    try:
        with open(path, "rb") as rules:
            return f"{crc32(rules.read()):08x}"
    except OSError:
        return name


def valid_from(contacts: Iterable[Contact]) -> str | None:
    """A plan ignores nothing only when now is at or after the latest contact."""
    return iso(max((c.at for c in contacts), default=None))


def save(conn: sqlite3.Connection, card_ids: Iterable[int], policy: Policy) -> None:
    """Recompute and store the plans of these cards, and what the stats count about them (facts.py;
    call inside the writer's transaction).

    A few hundred cards at a time, each batch in a handful of statements: an import of 100,000
    cards saves their plans as they stream, not one statement per card and segment."""
    from . import facts
    from .read import fetch_rows

    key, ids = rules_key(policy), list(card_ids)
    if ids and plans_key(conn) != key:
        set_plans_key(conn, None)  # plans of two keys from now on: writers look at every card again
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        marks = ", ".join("?" * len(chunk))
        conn.execute(f"DELETE FROM card_plans WHERE card_id IN ({marks})", chunk)
        facts.forget(conn, chunk)
        write_plans(conn, plans_of(fetch_rows(conn, f"id IN ({marks})", chunk), policy))


def plans_of(rows: Rows, policy: Policy) -> Planned:
    """The plans of the cards in `rows` (read.fetch_rows), ready for write_plans: the part of save that
    needs no database (an import plans its new cards in another process: planner.py)."""
    from ..domain.history import Log
    from ..domain.rules import plan
    from .read import bundles_from_rows

    key = rules_key(policy)
    stored_otherwise = {row[0] for row in rows[0] if _stored_otherwise(row)}
    segments, planned, unread, verdicts = [], [], [], []
    with one_zone():  # the zone `key` names, for the whole batch: day boundaries are worked out once
        for bundle in bundles_from_rows(*rows):
            if bundle.card.problems or bundle.card.id in stored_otherwise:
                # never cached: every reader reads it in full (and shows its problems)
                unread.append((bundle.card.id,))
            else:
                log, valid = Log(bundle, policy), valid_from(bundle.contacts)  # one Log for the plan and the stats
                segments += _rows(bundle, plan(bundle, policy, log), valid)
                planned.append((key, valid, bundle.card.id))
                verdicts += [(int(v.premature), entry.contact.id) for entry, v in log.verdicts()]
    return segments, planned, unread, verdicts


def write_plans(conn: sqlite3.Connection, plans: Planned, with_facts: bool = True) -> None:
    """Store plans_of's plans, and what the stats count about those cards (facts.py; the cards have
    neither saved). `with_facts` False: the caller saves the facts later (planner.py)."""
    from . import facts

    segments, planned, unread, verdicts = plans
    conn.executemany(f"INSERT INTO card_plans ({_PLAN_COLUMNS}) VALUES ({', '.join('?' * _WIDTH)})", segments)
    conn.executemany("UPDATE cards SET rules_key = ?, rules_valid_from = ? WHERE id = ?", planned)
    conn.executemany("UPDATE cards SET rules_key = NULL WHERE id = ?", unread)
    if with_facts:
        facts.save(conn, [card_id for _, _, card_id in planned], verdicts)


_BATCH = 500

# A saved plan also vouches that the card's stored values are the ones readers show: `list --json`
# has SQLite paste them into the card's JSON as they are (listing.py). So a card whose times are
# stored in another form than clock.iso writes (say '2026-11-26 10:00:00' from another tool, which
# read.py reads and shows otherwise) is never cached, like a card with problems; triggers mark a card
# stale when any column it shows changes (migrations.SHOWN). A value of the canonical form that reads
# without a problem (checked as the card is read here) is the one iso writes back.
_DAY = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"  # GLOB patterns, and regular expressions as they are
_INSTANT = f"{_DAY}T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]+00:00"
TIMES = ("interview_at", "stage_entered_at", "next_round_at", "closed_at", "created_at", "updated_at")
DAYS = ("follow_up_on", "decision_by")
STORED_AS_READ = " AND ".join(  # SQL over `cards c`
    [
        *(f"(c.{column} IS NULL OR c.{column} GLOB '{_INSTANT}')" for column in TIMES),
        *(f"(c.{column} IS NULL OR c.{column} GLOB '{_DAY}')" for column in DAYS),
    ]
)


def _stored_otherwise(card_row: tuple[object, ...]) -> bool:
    """STORED_AS_READ is false for this row of read.CARD_COLUMNS."""
    positions, shapes = _shapes()
    return any(
        value is not None and not (type(value) is str and shape.fullmatch(value))
        for shape, value in zip(shapes, itemgetter(*positions)(card_row), strict=True)
    )


@cache
def _shapes() -> tuple[tuple[int, ...], tuple[re.Pattern[str], ...]]:
    """(where TIMES and DAYS are in a card row, the pattern each must match); compiled on first use:
    `followup status` never saves a plan."""
    import re

    from .read import CARD_COLUMNS

    names = CARD_COLUMNS.replace(" ", "").split(",")
    instant, day = re.compile(_INSTANT.replace("+", r"\+")), re.compile(_DAY)
    return tuple(names.index(column) for column in (*TIMES, *DAYS)), (instant,) * len(TIMES) + (day,) * len(DAYS)


def _rows(bundle: CardBundle, card_plan: Plan, valid: str | None) -> list[tuple[object, ...]]:
    """The card_plans rows of one card's plan: its segments ending after the latest contact (`valid`)."""
    from ..domain.rules import segments

    card = bundle.card
    shown = (iso(card.interview_at), status_item_head(card.id, card.company, card.role, card.stage.value))
    rows: list[tuple[object, ...]] = []
    for s in segments(card_plan):
        end = iso(s.end)
        if valid is not None and end is not None and end <= valid:
            continue  # over before the plan is valid: never read
        rows.append(
            (
                int(bool(s.flags)),
                iso(s.start) or SINCE_EVER,
                card.id,
                end or FOR_EVER,
                s.urgency,  # in the column named severity (m004): the sort key, lower first
                ",".join(f'"{flag}"' for flag in s.flags),
                ",".join(w.flag or "" for w in s.shown),
                *_stored_reasons(s.shown),
                _action_head(s.next_action),
                iso(s.action.next_ok),
                *shown,
                card.stage.value,
            )
        )
    return rows


_PLAN_COLUMNS = (
    "attention, opens, card_id, closes, severity, flags, reason_flags, b1, m1, a1, e1, b2, m2, a2, e2, "
    "b3, m3, a3, e3, action, next_ok, interview_at, item, stage"
)
_WIDTH = _PLAN_COLUMNS.count(",") + 1


def _stored_reasons(windows: Sequence[Window]) -> list[str | int | None]:
    """Three reasons' (before, measure, anchor, after), NULL where there are fewer (a segment a plan
    can make shows at most the next action and two warnings)."""
    pieces: list[str | int | None] = []
    for window in windows[:3]:
        pieces += _stored_reason(window.text, window.anchor)
    return pieces + [None] * (12 - len(pieces))


def _action_head(action: Action) -> str:
    """'{"kind":"thank-you",…,"template":"thank-you","text":' — the text is the first reason."""
    return (
        json_compact(
            {
                "kind": action.kind,
                "due": iso(action.due),
                "overdue": action.overdue,
                "channel": action.channel,
                "person": action.person,
                "template": action.template,
            }
        )[:-1]
        + ',"text":'
    )


def status_item_head(card_id: int, company: str, role: str, stage: str) -> str:
    """A status item's JSON up to its flags: '{"id":3,"company":...,"stage":"waiting"' (ASCII)."""
    return json_compact({"id": card_id, "company": company, "role": role, "stage": stage})[:-1]


def _stored_reason(template: str, anchor: datetime | None) -> tuple[str, str | None, int | None, str]:
    """(before, measure, anchor in Unix seconds, after): the reason as JSON string content around
    the placeholder, so status pastes reasons into its output without encoding them again."""
    before, name, after = _template_pieces(template)
    return before, name, None if anchor is None else int(anchor.timestamp()), after


@lru_cache(maxsize=4096)
def _template_pieces(template: str) -> tuple[str, str | None, str]:
    """(before, placeholder, after) of a reason template, as JSON string content: worked out once per
    template (most reasons of a batch of cards share a handful of them)."""
    before, name, after = split(template)
    return json_compact(before)[1:-1], name, json_compact(after)[1:-1]


# --- which plans can be used --------------------------------------------------------------------------
#
# meta 'plans_key' (m008) holds the rules key every card's saved plan was made for (or is
# NULL: stale). A writer that saves a plan for another key removes it, and the writer that next
# opens the file makes every plan anew for its own key and sets it again. While it holds, the
# stale cards are found from an index (rules_key NULL, or a plan made after now), not by reading
# every card's key: the O(1) answer a writer needs on every open (Store._replan_stale).

PLANS_KEY = "plans_key"


def plans_key(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE name = ?", (PLANS_KEY,)).fetchone()
    return row[0] if row else None


def set_plans_key(conn: sqlite3.Connection, key: str | None) -> None:
    conn.execute("DELETE FROM meta WHERE name = ?", (PLANS_KEY,))
    if key is not None:
        conn.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (PLANS_KEY, key))


def stale_open_cards(conn: sqlite3.Connection, policy: Policy, now: datetime | None = None) -> list[int]:
    """Open cards whose saved plan cannot be used (for `now`, if given)."""
    key = rules_key(policy)
    params: dict[str, str | None] = {"key": key, "now": iso(now)}
    if plans_key(conn) == key:  # two index ranges: the stale cards, and plans made after now
        sql = "SELECT id FROM cards WHERE rules_key IS NULL AND closed_at IS NULL"
        if now is not None:
            sql += (
                " UNION SELECT id FROM cards WHERE rules_key = :key AND closed_at IS NULL AND rules_valid_from > :now"
            )
    else:
        sql = "SELECT id FROM cards WHERE closed_at IS NULL AND (rules_key IS NULL OR rules_key != :key"
        sql += " OR rules_valid_from > :now)" if now is not None else ")"
    return [row[0] for row in conn.execute(sql, params)]


def stale_cards(conn: sqlite3.Connection, policy: Policy) -> list[int]:
    """Cards, closed ones too, whose plan and stats facts were made for something else (another
    policy, zone or rules version, or changed outside): what the stats cannot read from the tables."""
    key = rules_key(policy)
    if plans_key(conn) == key:  # one index range
        return [row[0] for row in conn.execute("SELECT id FROM cards WHERE rules_key IS NULL")]
    sql = "SELECT id FROM cards WHERE rules_key IS NULL OR rules_key != ?"
    return [row[0] for row in conn.execute(sql, (key,))]


def fresh_count(conn: sqlite3.Connection, policy: Policy, now: datetime) -> int:
    """How many open cards have a usable plan (answered from an index alone)."""
    count: int = conn.execute(
        "SELECT count(*) FROM cards WHERE rules_key = ? AND closed_at IS NULL "
        "AND (rules_valid_from IS NULL OR rules_valid_from <= ?)",
        (rules_key(policy), iso(now)),
    ).fetchone()[0]
    return count


def just_changed(conn: sqlite3.Connection) -> list[int]:
    """Cards the triggers marked stale during this transaction (uses an index).

    Closed ones too: their plan is empty, which clears their old windows.
    """
    return [row[0] for row in conn.execute("SELECT id FROM cards WHERE rules_key IS NULL")]


def _measure(n: int) -> str:
    """Reason n's measure for now, as text ('' when it has none)."""
    return measure_sql(f"m{n}", f"a{n}")


def _warning_sql(n: int) -> str:
    """',' and warning n as a JSON string, measured for now; '' when the segment has none."""
    return f"""CASE WHEN b{n} IS NULL THEN '' ELSE printf(',"%s%s%s"', b{n}, {_measure(n)}, e{n}) END"""


# One status item, pasted together by SQLite from a segment's pieces (see migration m004). One
# printf rather than a chain of ||, each of which copies the whole string so far (2 ms of a status).
_ITEM_SQL = (
    """printf('%s,"flags":[%s],"reasons":["%s%s%s"%s%s],"next_action":%s"%s%s%s"},"next_contact_ok":"%s"}', """
    f"item, flags, b1, {_measure(1)}, e1, {_warning_sql(2)}, {_warning_sql(3)}, action, b1, {_measure(1)}, e1, "
    "CASE WHEN next_ok > :now THEN next_ok ELSE :now END)"
)


def attention(conn: sqlite3.Connection, now: datetime, skip: set[int]) -> list[Ranked]:
    """Open cards with a flag now by their saved plans, most urgent first.

    `skip`: cards whose plan does not apply (the caller assesses those in full). SQLite finds
    the segment holding now and pastes its item together, reasons measured; Python sorts them
    (SQLite's sorter would spill these megabytes to a temporary file). Same result as
    rules.evaluate (a test holds them to it).
    """
    rows: list[Ranked] = conn.execute(
        f"SELECT severity, interview_at, card_id, {_ITEM_SQL} FROM card_plans "  # severity: the urgency
        "WHERE attention = 1 AND opens <= :now AND :now < closes",
        sql_now(now),
    ).fetchall()
    found = [row for row in rows if row[2] not in skip] if skip else rows
    found.sort()  # by (urgency, interview_at, card id): a card's id is unique, its item never compared
    return found


def flag_counts(conn: sqlite3.Connection, now: datetime, skip: set[int]) -> dict[str, int]:
    """How many cards carry each flag now, by their saved plans (status --short: nothing to render),
    counted by SQLite. `skip`: cards whose plan does not apply (the caller counts those)."""
    counts = ", ".join(f"""coalesce(sum(instr(flags, '"{flag}"') > 0), 0)""" for flag in SEVERITY)
    found = conn.execute(
        f"SELECT {counts} FROM card_plans WHERE attention = 1 AND opens <= :now AND :now < closes "
        "AND card_id NOT IN (SELECT value FROM json_each(:skip))",
        {**sql_now(now), "skip": f"[{','.join(map(str, skip))}]"},
    ).fetchone()
    return dict(zip(SEVERITY, found, strict=True))


# A row of `plan_rows`, by position: the segment holding now, unmeasured (the board renders lazily)
CARD: Final = 0
URGENCY: Final = 1
FLAGS: Final = 2
REASON_FLAGS: Final = 3
REASONS: Final = 4
ACTION_HEAD: Final = 5
NEXT_OK: Final = 6


def plan_rows(
    conn: sqlite3.Connection,
    now: datetime,
    where: str = "",
    params: dict[str, object] | None = None,
    plans_first: bool = True,
) -> dict[int, PlanRow]:
    """Each card's segment holding now, for the board: (card, urgency, flags JSON, reason flags,
    reasons as a JSON array of their pieces, action head, next_ok). `where` narrows the cards (SQL over `cards c`); for
    many cards scan the segments holding now (`plans_first`), for a few, look them up by card."""
    # CROSS JOIN: SQLite loops over the left table, as said (left to itself, it may scan every segment
    # holding now to find a few cards' ones)
    tables = "card_plans p"
    if where:
        tables = f"card_plans p CROSS JOIN cards c ON c.id = p.card_id AND {where}"
        if not plans_first:
            tables = f"cards c CROSS JOIN card_plans p ON p.card_id = c.id AND {where}"
    rows = conn.execute(
        f"""SELECT p.card_id, p.severity, p.flags, p.reason_flags,
                   json_array(b1, m1, a1, e1, b2, m2, a2, e2, b3, m3, a3, e3),
                   p.action, p.next_ok
            FROM {tables} WHERE p.attention IN (0, 1) AND p.opens <= :now AND :now < p.closes""",
        {**(params or {}), **sql_now(now)},
    )
    return {row[CARD]: row for row in rows}


def reason_texts(pieces: str, now: datetime) -> list[str]:
    """The reasons of a `plan_rows` row, as text for now."""
    import json

    from ..domain.reasons import measure

    found: list[str] = []
    parts = json.loads(pieces)
    for n in range(0, 12, 4):
        before, name, anchor, after = parts[n : n + 4]
        if before is None:
            break
        middle = "" if name is None else measure(name, datetime.fromtimestamp(anchor, now.tzinfo), now)
        found.append(json.loads(f'"{before}"') + middle + json.loads(f'"{after}"'))
    return found


def sql_now(now: datetime) -> dict[str, str | int]:
    """The parameters measure_sql and the segment tests read."""
    return {"now": iso(now), "now_s": int(now.timestamp()), "year": str(now.astimezone().year)}
