"""Each card's rule plan (windows, see rules.py), saved beside the card.

Writers save a card's plan in the same transaction as the change; triggers
(migration m002) mark a card stale whenever something the rules read changes
and drop its windows (m003), so a plan is only used when it matches the data,
the policy and the local zone it was made for. Readers fall back to the full
rules for stale cards. Each window is stored as status prints it (m004): the
reason as JSON around its measure, which SQLite fills in (reasons.MEASURE_SQL),
and for a next action its JSON up to the text. Windows that make a card need
attention (a flag, or the next action while a warning holds) are marked, so
status reads only those. Plain sqlite3: this is on `followup status`'s path.
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
    """What a plan depends on besides the card: the rules' version, the policy and the local zone."""
    zone = f"{_zone_rules()}|{time.tzname}|{time.timezone}|{time.altzone}|{time.daylight}"
    return "|".join(map(str, ("v2", *policy, zone)))


def _zone_rules() -> str:
    """A fingerprint of the local zone's rules (its tzdata file), else its name: abbreviations and
    offsets alone mix up zones such as Athens and Cairo, while UTC and Etc/UTC are the same."""
    import os
    import zlib

    name = os.environ.get("TZ", "/etc/localtime").lstrip(":")
    path = name if name.startswith("/") else os.path.join("/usr/share/zoneinfo", name)
    try:
        with open(path, "rb") as rules:
            return f"{zlib.crc32(rules.read()):08x}"
    except OSError:
        return name


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
    card, valid = bundle.card, valid_from(bundle.contacts)
    shown = (iso(card.interview_at), status_item_head(card.id, card.company, card.role, card.stage.value))
    rows = [(attention, iso(start) or SINCE_EVER, card.id, seq, iso(end) or FOR_EVER, w.role,
             SEVERITY.index(w.flag) if w.flag else len(SEVERITY), w.flag, *_stored_reason(w.text, w.anchor),
             _action_head(w.action), iso(w.next_ok), *shown)
            for seq, (attention, start, end, w) in enumerate(stored_windows(card_plan, valid))]
    conn.executemany(
        "INSERT INTO card_windows (attention, opens, card_id, seq, closes, role, severity, flag, before, measure, "
        "anchor, after, action, next_ok, interview_at, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows)
    conn.execute("UPDATE cards SET rules_key = ?, rules_valid_from = ? WHERE id = ?", (key, valid, card.id))


def stored_windows(card_plan, valid: str | None):
    """(attention, start, end, window) for each piece of the plan worth storing.

    A window over before the latest contact never holds (the plan is used from then on). A next
    action with no flag of its own needs attention only while a warning holds, so it is cut in two.
    """
    from . import spans
    from .rules import ACTION

    windows = [w for w in card_plan.windows if valid is None or w.end is None or iso(w.end) > valid]
    warned = spans.union([(w.start, w.end) for w in windows if w.role != ACTION])
    for w in windows:
        if w.flag or w.role != ACTION:
            yield 1, w.start, w.end, w
            continue
        for span in warned:
            part = spans.clip((w.start, w.end), span)
            if part:
                yield 1, *part, w
        for start, end in spans.subtract((w.start, w.end), warned):
            yield 0, start, end, w


def _action_head(action) -> str | None:
    """'{"kind":"thank-you",…,"template":"thank-you","text":' — status adds the measured text and '}'."""
    if action is None:
        return None
    return json_compact({"kind": action.kind, "due": iso(action.due), "overdue": action.overdue,
                         "channel": action.channel, "person": action.person, "template": action.template})[:-1] + \
        ',"text":'


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
CARD, ROLE, SEVERITY_RANK, FLAG, REASON, ACTION_HEAD, NEXT_OK, INTERVIEW_AT, ITEM_HEAD = range(9)
_COLUMNS = "w.card_id, w.role, w.severity, w.flag, {reason}, w.action, w.next_ok, w.interview_at, w.item"
_MEASURED = "'\"' || w.before || {measure} || w.after || '\"'"
_RAW = "json_array(w.before, w.measure, w.anchor, w.after)"


def active_windows(conn: sqlite3.Connection, now: datetime, where: str = "", params: dict | None = None,
                   windows_first: bool = True, attention_only: bool = True,
                   measured: bool = True) -> dict[int, list[tuple]]:
    """The saved windows that contain now, grouped per card: the next action first, then the warnings.

    `where` narrows the cards (SQL over `cards c`); the caller checks that a card's plan is
    fresh (a stale card has no windows left, but a card planned for another policy or zone keeps
    its own). `attention_only`: just the windows that make a card need attention (status).
    REASON is a JSON string measured for now (`measured`), else the JSON array of its pieces
    (see `reason_text`). For many cards scan the windows open now (`windows_first`); for a few
    named cards, look their windows up by card.
    """
    join = f"{'CROSS JOIN' if windows_first else 'JOIN'} cards c ON c.id = w.card_id AND {where}" if where else ""
    reason = _MEASURED.format(measure=MEASURE_SQL) if measured else _RAW
    rows = conn.execute(
        f"""SELECT {_COLUMNS.format(reason=reason)} FROM card_windows w {join}
            WHERE w.attention IN ({'1' if attention_only else '0, 1'}) AND w.opens <= :now AND :now < w.closes""",
        {**(params or {}), **sql_now(now)},
    )
    by_card: dict[int, list[tuple]] = {}
    for row in rows:
        group = by_card.get(row[CARD])
        if group is None:
            by_card[row[CARD]] = [row]
        else:
            group.append(row)
            group.sort(key=itemgetter(ROLE))
    return by_card


def reason_text(raw: str, now: datetime) -> str:
    """A reason read with measured=False, as text for now."""
    import json

    from .reasons import measure

    before, name, anchor, after = json.loads(raw)
    middle = "" if name is None else measure(name, datetime.fromtimestamp(anchor, now.tzinfo), now)
    return json.loads(f'"{before}"') + middle + json.loads(f'"{after}"')


def sql_now(now: datetime) -> dict:
    """The parameters MEASURE_SQL and the window tests read."""
    return {"now": iso(now), "now_s": int(now.timestamp()), "year": str(now.astimezone().year)}


def attention(conn: sqlite3.Connection, now: datetime, skip: set[int]) -> list[tuple[tuple, str]]:
    """Open cards that need attention now by their saved plans, most urgent first:
    (sort key, status item as JSON).

    `skip`: cards whose plan does not apply (the caller assesses those in full).
    SQLite picks the windows that contain now and measures their reasons; Python
    pastes each card's JSON together from the saved pieces. Same result as
    rules.evaluate on the card's whole plan (a test holds them to it).
    """
    now_text, found = iso(now), []
    for card_id, group in active_windows(conn, now).items():
        if card_id in skip:
            continue
        action = group[0]
        flagged = sorted((row for row in group if row[FLAG]), key=itemgetter(SEVERITY_RANK))
        flags = '","'.join(dict.fromkeys(row[FLAG] for row in flagged))
        reasons = ",".join(dict.fromkeys(row[REASON] for row in group))
        base = action[NEXT_OK]
        next_ok = now_text if base is None or base < now_text else base
        found.append(((flagged[0][SEVERITY_RANK], action[INTERVIEW_AT], card_id),
                      f'{action[ITEM_HEAD]},"flags":["{flags}"],"reasons":[{reasons}],'
                      f'"next_action":{action[ACTION_HEAD]}{action[REASON]}}},"next_contact_ok":"{next_ok}"}}'))
    found.sort(key=itemgetter(0))
    return found
