"""Each card's rule plan (flag windows, see rules.py), saved beside the card.

Writers save a card's plan in the same transaction as the change; triggers
(migration m002) mark a card stale whenever something the rules read changes
and drop its windows (m003), so a plan is only used when it matches the data,
the policy and the local zone it was made for. Readers fall back to the full
rules for stale cards. Each window is stored as status prints it (m003): the
reason as JSON around its measure, which SQLite fills in (reasons.MEASURE_SQL).
Plain sqlite3: this is on `followup status`'s path.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from operator import itemgetter

from .clock import iso
from .config import Policy
from .reasons import MEASURE_SQL, split
from .textsafe import json_compact
from .words import SEVERITY


# Unbounded window ends are stored as text that sorts before / after any ISO
# time, so one index range scan on `opens` finds the windows open now.
SINCE_EVER, FOR_EVER = "", "~"


def rules_key(policy: Policy) -> str:
    """What a plan depends on besides the card: the policy and the local zone's rules."""
    zone = f"{time.tzname}|{time.timezone}|{time.altzone}|{time.daylight}"
    return "|".join(map(str, (*policy, zone)))


def valid_from(contacts) -> str | None:
    """A plan ignores nothing only when now is at or after the latest contact."""
    return iso(max((c.at for c in contacts), default=None))


def save(conn: sqlite3.Connection, card_ids, policy: Policy) -> None:
    """Recompute and store the plans of these cards (call inside the writer's transaction)."""
    from .read import iter_bundles_by_id
    from .rules import plan

    key = rules_key(policy)
    for bundle in iter_bundles_by_id(conn, list(card_ids)):
        conn.execute("DELETE FROM card_windows WHERE card_id = ?", (bundle.card.id,))
        _save_one(conn, bundle, plan(bundle, policy), key)


def _save_one(conn: sqlite3.Connection, bundle, card_plan, key: str) -> None:
    card = bundle.card
    base = iso(card_plan.next_ok_base)
    shown = (iso(card.interview_at), base, status_item_head(card.id, card.company, card.role, card.stage.value))
    conn.executemany(
        "INSERT INTO card_windows (opens, card_id, seq, closes, severity, flag, before, measure, anchor, after, "
        "interview_at, next_ok_base, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(iso(w.start) or SINCE_EVER, card.id, seq, iso(w.end) or FOR_EVER, SEVERITY.index(w.flag), w.flag,
          *_stored_reason(w.text, w.anchor), *shown) for seq, w in enumerate(card_plan.windows)],
    )
    conn.execute(
        "UPDATE cards SET rules_key = ?, rules_valid_from = ?, next_ok_base = ? WHERE id = ?",
        (key, valid_from(bundle.contacts), base, card.id),
    )


def status_item_head(card_id: int, company: str, role: str, stage: str) -> str:
    """A status item's JSON up to its flags: '{"id":3,"company":...,"stage":"waiting"' (ASCII)."""
    return json_compact({"id": card_id, "company": company, "role": role, "stage": stage})[:-1]


def _stored_reason(template: str, anchor) -> tuple[str, str | None, int | None, str]:
    """(before, measure, anchor in Unix seconds, after): the reason as JSON string content around
    the placeholder, so status pastes reasons into its output without encoding them again."""
    before, name, after = split(template)
    seconds = None if anchor is None else int(anchor.timestamp())
    return json_compact(before)[1:-1], name, seconds, json_compact(after)[1:-1]


def stale_open_cards(conn: sqlite3.Connection, policy: Policy, now: datetime | None = None) -> list[int]:
    """Open cards whose saved plan cannot be used (for `now`, if given)."""
    sql = "SELECT id FROM cards WHERE closed_at IS NULL AND (rules_key IS NULL OR rules_key != ?"
    params: list = [rules_key(policy)]
    if now is not None:
        sql += " OR rules_valid_from > ?"
        params.append(iso(now))
    return [row[0] for row in conn.execute(sql + ")", params)]


def fresh_count(conn: sqlite3.Connection, policy: Policy, now: datetime) -> int:
    """How many open cards have a usable plan (answered from an index alone)."""
    return conn.execute(
        "SELECT count(*) FROM cards WHERE rules_key = ? AND closed_at IS NULL "
        "AND (rules_valid_from IS NULL OR rules_valid_from <= ?)", (rules_key(policy), iso(now)),
    ).fetchone()[0]


def just_changed(conn: sqlite3.Connection) -> list[int]:
    """Cards the triggers marked stale during this transaction (uses an index).

    Closed ones too: their plan is empty, which clears their old windows.
    """
    return [row[0] for row in conn.execute("SELECT id FROM cards WHERE rules_key IS NULL")]


# A row of `active_windows`, by position (rows stay plain tuples: status reads thousands)
CARD, SEVERITY_RANK, SEQ, FLAG, REASON, INTERVIEW_AT, NEXT_OK_BASE, ITEM_HEAD = range(8)


def active_windows(conn: sqlite3.Connection, now: datetime, where: str = "", params: dict | None = None,
                   windows_first: bool = True) -> dict[int, list[tuple]]:
    """The saved windows that contain now, grouped per card, most severe first.

    `where` narrows the cards (SQL over `cards c`); the caller checks that a card's
    plan is fresh (a stale card has no windows left, but a card planned for another
    policy or zone keeps its own). REASON is a JSON string, measured for now. For
    many cards scan the windows open now (`windows_first`); for a few named cards,
    look their windows up by card.
    """
    join = f"{'CROSS JOIN' if windows_first else 'JOIN'} cards c ON c.id = w.card_id AND {where}" if where else ""
    rows = conn.execute(
        f"""SELECT w.card_id, w.severity, w.seq, w.flag, '"' || w.before || {MEASURE_SQL} || w.after || '"',
                   w.interview_at, w.next_ok_base, w.item
            FROM card_windows w {join} WHERE w.opens <= :now AND :now < w.closes""",
        {**(params or {}), **sql_now(now)},
    )
    by_card: dict[int, list[tuple]] = {}
    for row in rows:
        group = by_card.get(row[CARD])
        if group is None:
            by_card[row[CARD]] = [row]
        else:
            group.append(row)
            group.sort(key=itemgetter(SEVERITY_RANK, SEQ))
    return by_card


def sql_now(now: datetime) -> dict:
    """The parameters MEASURE_SQL and the window tests read."""
    return {"now": iso(now), "now_s": int(now.timestamp()), "year": str(now.astimezone().year)}


def flags_and_reasons(group: list[tuple]) -> tuple[list[str], list[str]]:
    """From one card's rows of `active_windows`: the distinct flags and every reason, in order."""
    import json

    return list(dict.fromkeys(row[FLAG] for row in group)), [json.loads(row[REASON]) for row in group]


def attention(conn: sqlite3.Connection, now: datetime, skip: set[int]) -> list[tuple[tuple, str]]:
    """Open cards with a flag now by their saved plans, most urgent first: (sort key, status item as JSON).

    `skip`: cards whose plan does not apply (the caller assesses those in full).
    SQLite picks the windows that contain now and measures their reasons; Python
    pastes each card's JSON together from the saved pieces. Same result as
    rules.evaluate on the card's whole plan (a test holds them to it).
    """
    now_text, found = iso(now), []
    for card_id, group in active_windows(conn, now).items():
        if card_id in skip:
            continue
        first = group[0]
        flags = '","'.join(dict.fromkeys(row[FLAG] for row in group))
        reasons = ",".join(row[REASON] for row in group)
        base = first[NEXT_OK_BASE]
        next_ok = now_text if base is None or base < now_text else base
        found.append(((first[SEVERITY_RANK], first[INTERVIEW_AT], card_id),
                      f'{first[ITEM_HEAD]},"flags":["{flags}"],"reasons":[{reasons}],"next_contact_ok":"{next_ok}"}}'))
    found.sort(key=itemgetter(0))
    return found
