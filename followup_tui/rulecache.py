"""Each card's rule plan (flag windows, see rules.py), saved beside the card.

Writers save a card's plan in the same transaction as the change; triggers
(migration m002) mark a card stale whenever something the rules read changes,
so a plan is only used when it matches the data, the policy and the local
zone it was made for. Readers fall back to the full rules for stale cards.
Plain sqlite3: this is on `followup status`'s path.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from operator import itemgetter

from .clock import from_iso, iso
from .config import Policy
from .reasons import measure, placeholders
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
    from .read import load_bundles_by_id
    from .rules import plan

    key = rules_key(policy)
    for bundle in load_bundles_by_id(conn, list(card_ids)):
        conn.execute("DELETE FROM card_windows WHERE card_id = ?", (bundle.card.id,))
        _save_one(conn, bundle, plan(bundle, policy), key)


def _save_one(conn: sqlite3.Connection, bundle, card_plan, key: str) -> None:
    card_id = bundle.card.id
    conn.executemany(
        "INSERT INTO card_windows (card_id, seq, flag, opens, closes, text, measure, anchor) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(card_id, seq, w.flag, iso(w.start) or SINCE_EVER, iso(w.end) or FOR_EVER, *_stored_text(w.text), iso(w.anchor))
         for seq, w in enumerate(card_plan.windows)],
    )
    conn.execute(
        "UPDATE cards SET rules_key = ?, rules_valid_from = ?, next_ok_base = ? WHERE id = ?",
        (key, valid_from(bundle.contacts), iso(card_plan.next_ok_base), card_id),
    )


def _stored_text(template: str) -> tuple[str, str | None]:
    """(text, measure): final text when nothing in it depends on now, else the template and its placeholder."""
    names = placeholders(template)
    return (template, names[0]) if names else (template.format(), None)


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


_SEVERITY_SQL = "CASE w.flag " + " ".join(f"WHEN '{flag}' THEN {rank}" for rank, flag in enumerate(SEVERITY)) + " END"


def active_windows(conn: sqlite3.Connection, policy: Policy, now: datetime, card_fields: str = "",
                   where: str = "c.closed_at IS NULL", params: dict | None = None,
                   windows_first: bool = True) -> dict[int, list[tuple]]:
    """Windows that contain now, of fresh cards matching `where`, grouped per card, most severe first.

    Each row: (card id, *card_fields, severity, seq, flag, text, measure, anchor). For many
    cards, scan the windows open now by their index (`windows_first`); for a few named
    cards, look their windows up by card.
    """
    now_text = iso(now)
    extra = f", {card_fields}" if card_fields else ""
    rows = conn.execute(
        f"""SELECT c.id{extra}, {_SEVERITY_SQL}, w.seq, w.flag, w.text, w.measure, w.anchor
            FROM card_windows w {"CROSS JOIN" if windows_first else "JOIN"} cards c ON c.id = w.card_id
            WHERE {where} AND c.rules_key = :key
              AND (c.rules_valid_from IS NULL OR c.rules_valid_from <= :now)
              AND w.opens <= :now AND :now < w.closes""",
        {**(params or {}), "key": rules_key(policy), "now": now_text},
    )
    by_card: dict[int, list[tuple]] = {}
    for row in rows:
        by_card.setdefault(row[0], []).append(row)
    for group in by_card.values():
        if len(group) > 1:
            group.sort(key=lambda row: row[-6:-4])  # severity, then rule order
    return by_card


def flags_and_reasons(group: list[tuple], now: datetime) -> tuple[list[str], list[str]]:
    """From one card's rows of `active_windows`: the distinct flags and every reason, in order."""
    return list(dict.fromkeys(row[-4] for row in group)), [_reason(row, now) for row in group]


def attention(conn: sqlite3.Connection, policy: Policy, now: datetime) -> list[tuple[tuple, dict]]:
    """Fresh open cards with a flag now, most urgent first: (sort key, status item).

    SQLite picks the windows that contain now; Python groups them per card,
    fills in the reasons' measures and sorts the cards. Same result as
    rules.evaluate on the card's whole plan (a test holds them to it).
    """
    now_text = iso(now)
    found = []
    for group in active_windows(conn, policy, now, "c.company, c.role, c.stage, c.interview_at, c.next_ok_base").values():
        first = group[0]
        card_id, company, role, stage, interview_at, base, severity = first[:7]
        flags, reasons = flags_and_reasons(group, now)
        found.append(((severity, interview_at, card_id), {  # sort key: top severity, interview, id
            "id": card_id, "company": company, "role": role, "stage": stage, "flags": flags, "reasons": reasons,
            "next_contact_ok": now_text if base is None or base < now_text else base,
        }))
    found.sort(key=itemgetter(0))
    return found


def _reason(row: tuple, now: datetime) -> str:
    text, name, anchor = row[-3:]
    return text if name is None else text.format_map({name: measure(name, from_iso(anchor), now)})
