"""`followup status`: the glance from the shell (SPEC §5).

Read-only by construction: the database is opened with `mode=ro`, a missing
file stays missing. Fast by construction: it reads the saved rule plans of
fresh cards (rulecache.py), runs the full rules only for stale ones, and
imports neither Textual, sqlite-utils nor click.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ..domain.clock import iso
from ..domain.config import Policy
from ..domain.textsafe import json_compact, safe, safe_title
from ..domain.words import FLAG_WORDS, SEVERITY, STAGE_NAMES, line_flag, reasons_line, said_in_order
from . import dbfile
from .rulecache import attention, flag_counts, fresh_count, stale_open_cards, status_item_head

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every status)
if TYPE_CHECKING:
    from typing import TypedDict

    from ..domain.model import CardBundle
    from ..domain.rules import ActionJson
    from .dbfile import AnyPath
    from .rulecache import Ranked

    class StatusItem(TypedDict):
        """A card that needs attention, as `status --json` lists it (README)."""

        id: int
        company: str
        role: str
        stage: str
        flags: list[str]
        reasons: list[str]
        next_action: ActionJson
        next_contact_ok: str


class Glance:
    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(STAGE_NAMES, 0)
        self.items: list[str] = []  # the JSON items, most urgent first
        self.totals: dict[str, int] = dict.fromkeys(SEVERITY, 0)  # cards per flag, with counts_only

    @property
    def active(self) -> int:
        return sum(self.counts.values())

    @property
    def attention(self) -> list[StatusItem]:
        """The items decoded, for the plain and short forms."""
        import json  # only here: --json pastes the items as they are, and json's import costs ~5 ms

        items: list[StatusItem] = json.loads(f"[{','.join(self.items)}]")
        return items


def glance(
    conn: sqlite3.Connection, policy: Policy, now: datetime, plans: bool = True, counts_only: bool = False
) -> Glance:
    """`plans`: the file's saved plans are of this schema (an older file's are not read).
    `counts_only`: the flag totals, not the items (status --short has nothing to render)."""
    result = Glance()
    for stage, count in conn.execute("SELECT stage, count(*) FROM cards WHERE closed_at IS NULL GROUP BY stage"):
        result.counts[stage if stage in result.counts else "waiting"] += count  # as read.py reads an unknown stage
    stale: list[int] | None = None  # None: every card by the full rules
    if plans:
        stale = [] if fresh_count(conn, policy, now) == result.active else stale_open_cards(conn, policy, now)
    full = _assess(_bundles(conn, stale), policy, now) if stale is None or stale else []
    if counts_only:
        result.totals = flag_counts(conn, now, set(stale)) if stale is not None else dict.fromkeys(SEVERITY, 0)
        for *_, item in full:
            for flag in _decoded(item)["flags"]:
                result.totals[flag] += 1
    else:
        found = attention(conn, now, set(stale)) if stale is not None else []
        result.items = [row[3] for row in (sorted(found + full) if full else found)]
    return result


def _decoded(item: str) -> StatusItem:
    import json

    decoded: StatusItem = json.loads(item)
    return decoded


def _bundles(conn: sqlite3.Connection, ids: list[int] | None) -> list[CardBundle]:
    """Whole cards (these, else every open one): only now, as they load the model's dataclasses."""
    from .read import load_bundles, load_bundles_by_id

    return load_bundles(conn) if ids is None else load_bundles_by_id(conn, ids)


def _assess(bundles: list[CardBundle], policy: Policy, now: datetime) -> list[Ranked]:
    """Cards whose saved plan does not apply (edited elsewhere, another policy, a past now,
    an older file), by the full rules."""
    from ..domain.rules import assess

    found: list[Ranked] = []
    for bundle in bundles:
        verdict, card = assess(bundle, policy, now), bundle.card
        if verdict.flags and verdict.action:  # an open card's (a closed one has neither)
            item = {
                "flags": list(verdict.flags),
                "reasons": list(verdict.reasons),
                "next_action": verdict.action.json(),
                "next_contact_ok": iso(verdict.next_contact_ok),
            }
            head = status_item_head(card.id, card.company, card.role, card.stage.value)
            found.append((verdict.rank, iso(card.interview_at), card.id, f"{head},{json_compact(item)[1:]}"))
    return found


def load(db_path: AnyPath, policy: Policy, now: datetime, counts_only: bool = False) -> Glance | None:
    """The glance; None when there is no database yet."""
    conn = dbfile.open_reader(db_path)
    if conn is None:
        return None
    try:
        return glance(conn, policy, now, plans=dbfile.version(conn) == dbfile.SCHEMA_VERSION, counts_only=counts_only)
    except sqlite3.DatabaseError as exc:
        raise dbfile.corrupt(db_path, exc) from None
    finally:
        conn.close()


def status_text(db_path: AnyPath, policy: Policy, now: datetime, form: str) -> str:
    found = load(db_path, policy, now, counts_only=form == "short")
    if form == "json":
        return json_document(found or Glance(), now)
    if form == "short":
        return short_line(found or Glance())
    if found is None:
        return f"no database yet at {db_path}: 0 active (add an interview with `followup add`)"
    return "\n".join(plain_lines(found))


def json_document(found: Glance, now: datetime) -> str:
    """One line of ASCII JSON (SPEC §5); the items are already JSON."""
    counts = ",".join(f'"{stage}":{n}' for stage, n in found.counts.items())  # our own words: plain ASCII
    return f'{{"now":"{iso(now)}","counts":{{{counts}}},"active":{found.active},"attention":[{",".join(found.items)}]}}'


def short_line(found: Glance) -> str:
    """'2 overdue · 1 too-frequent · 1 due · 10 active' for a prompt or tmux."""
    parts = [f"{n} {flag}" for flag, n in found.totals.items() if n]
    return " · ".join([*parts, f"{found.active} active"])


def reason_flags(item: StatusItem) -> list[str | None]:
    """The flag each reason stands for, as rules.Verdict.reason_flags has them (SPEC §3.3): the next
    action's line (due or overdue, else none), then the too-frequent reason, then the no-reply
    reason, unless move-on's line said it already."""
    flags, kind = item["flags"], item["next_action"]["kind"]
    own = next((flag for flag in flags if flag in ("overdue", "due")), None)
    warnings = [f for f in ("too-frequent", "no-reply") if f in flags and not (f == "no-reply" and kind == "move-on")]
    return [own, *warnings][: len(item["reasons"])]


def plain_lines(found: Glance) -> list[str]:
    counts = " · ".join(f"{stage} {n}" for stage, n in found.counts.items())
    lines = [f"{counts} · {found.active} active"]
    for item in found.attention:
        title = safe_title(item["company"], item["role"])
        reasons = [safe(r) for r in item["reasons"]]
        if item["next_action"]["kind"] == "move-on":
            reasons[0] += f" (followup close {item['id']})"
        flags = reason_flags(item)
        if flags:
            flags[0] = line_flag(flags[0], item["flags"], item["next_action"]["kind"])
        said = reasons_line(said_in_order(reasons, flags, item["flags"][0], led=True))
        lines.append(f"{FLAG_WORDS[item['flags'][0]]:<8}  #{item['id']:<4} {title}: {said}")
    if len(lines) == 1:
        lines.append("nothing needs attention")
    return lines
