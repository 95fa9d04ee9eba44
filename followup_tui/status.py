"""`followup status`: the glance from the shell (SPEC §5).

Read-only by construction: the database is opened with `mode=ro`, a missing
file stays missing. Fast by construction: it reads the saved rule plans of
fresh cards (rulecache.py), runs the full rules only for stale ones, and
imports neither Textual, sqlite-utils nor click.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from . import dbfile
from .clock import iso
from .config import Policy
from .rulecache import attention, fresh_count, stale_open_cards
from .textsafe import json_text, safe
from .words import FLAG_WORDS, SEVERITY, STAGE_NAMES


class Glance:
    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(STAGE_NAMES, 0)
        self.attention: list[dict] = []  # the JSON items, most urgent first

    @property
    def active(self) -> int:
        return sum(self.counts.values())


def glance(conn: sqlite3.Connection, policy: Policy, now: datetime) -> Glance:
    result = Glance()
    for stage, count in conn.execute("SELECT stage, count(*) FROM cards WHERE closed_at IS NULL GROUP BY stage"):
        result.counts[stage] = count
    found = attention(conn, policy, now)
    stale = _assess_stale(conn, policy, now) if fresh_count(conn, policy, now) < result.active else []
    if stale:
        found = sorted(found + stale, key=lambda pair: pair[0])
    result.attention = [item for _, item in found]
    return result


def _assess_stale(conn: sqlite3.Connection, policy: Policy, now: datetime) -> list[tuple[tuple, dict]]:
    """Cards whose saved plan does not apply (edited elsewhere, another policy, a past now)."""
    ids, found = stale_open_cards(conn, policy, now), []
    if not ids:
        return found
    from .read import load_bundles_by_id  # only now: these load the model's dataclasses
    from .rules import assess

    for bundle in load_bundles_by_id(conn, ids):
        verdict, card = assess(bundle, policy, now), bundle.card
        if verdict.flags:
            found.append(((verdict.rank, iso(card.interview_at), card.id), {
                "id": card.id, "company": card.company, "role": card.role, "stage": card.stage.value,
                "flags": list(verdict.flags), "reasons": list(verdict.reasons),
                "next_contact_ok": iso(verdict.next_contact_ok),
            }))
    return found


def load(db_path: Path, policy: Policy, now: datetime) -> Glance | None:
    """The glance; None when there is no database yet."""
    conn = dbfile.open_reader(db_path)
    if conn is None:
        return None
    try:
        return glance(conn, policy, now)
    except sqlite3.DatabaseError as exc:
        raise dbfile.corrupt(db_path, exc) from None
    finally:
        conn.close()


def status_text(db_path: Path, policy: Policy, now: datetime, form: str) -> str:
    found = load(db_path, policy, now)
    if form == "json":
        return json_text(status_json(found or Glance(), now), compact=True)
    if form == "short":
        return short_line(found or Glance())
    if found is None:
        return f"no database yet at {db_path}: 0 active (add an interview with `followup add`)"
    return "\n".join(plain_lines(found))


def status_json(found: Glance, now: datetime) -> dict:
    return {"now": iso(now), "counts": found.counts, "active": found.active, "attention": found.attention}


def flag_totals(found: Glance) -> dict[str, int]:
    """How many cards carry each flag (a card counts once per flag)."""
    totals = dict.fromkeys(SEVERITY, 0)
    for item in found.attention:
        for flag in item["flags"]:
            totals[flag] += 1
    return totals


def short_line(found: Glance) -> str:
    """'2 overdue · 1 too-frequent · 1 due · 10 active' for a prompt or tmux."""
    parts = [f"{n} {flag}" for flag, n in flag_totals(found).items() if n]
    return " · ".join([*parts, f"{found.active} active"])


def plain_lines(found: Glance) -> list[str]:
    counts = " · ".join(f"{stage} {n}" for stage, n in found.counts.items())
    lines = [f"{counts} · {found.active} active"]
    for item in found.attention:
        title = safe(item["company"]) + (f" — {safe(item['role'])}" if item["role"] else "")
        reasons = "; ".join(safe(r) for r in item["reasons"])
        lines.append(f"{FLAG_WORDS[item['flags'][0]]:<8}  #{item['id']:<4} {title}: {reasons}")
    if len(lines) == 1:
        lines.append("nothing needs attention")
    return lines
