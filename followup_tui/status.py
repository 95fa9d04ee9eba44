"""`followup status`: the glance from the shell (SPEC §5).

Read-only by construction: the database is opened with `mode=ro`, a missing
file stays missing, and nothing here imports Textual or sqlite-utils.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .config import Policy
from .present import Assessed, assess_all, short_line, status_json
from .rules import FLAG_WORDS
from .store import Store
from .textsafe import json_text, safe


def load(db_path: Path, policy: Policy, now: datetime) -> list[Assessed] | None:
    """Open cards, assessed; None when there is no database yet."""
    store = Store.open_readonly(db_path)
    if store is None:
        return None
    with store:
        return assess_all(store.bundles(), policy, now)


def status_text(db_path: Path, policy: Policy, now: datetime, form: str) -> str:
    rows = load(db_path, policy, now)
    if form == "json":
        return json_text(status_json(rows or [], now))
    if form == "short":
        return short_line(rows or [])
    if rows is None:
        return f"no database yet at {db_path}: 0 active (add an interview with `followup add`)"
    return "\n".join(plain_lines(rows, now))


def plain_lines(rows: list[Assessed], now: datetime) -> list[str]:
    summary = status_json(rows, now)
    counts = " · ".join(f"{stage} {n}" for stage, n in summary["counts"].items())
    lines = [f"{counts} · {summary['active']} active"]
    for row in rows:
        verdict = row.assessment
        if not verdict.flags:
            continue
        card = row.card
        title = safe(card.company) + (f" — {safe(card.role)}" if card.role else "")
        reasons = "; ".join(safe(r) for r in verdict.reasons)
        lines.append(f"{FLAG_WORDS[verdict.top]:<8}  #{card.id:<4} {title}: {reasons}")
    if len(lines) == 1:
        lines.append("nothing needs attention")
    return lines
