"""Import a Huntr board export (CSV) (SPEC §5).

Rows are matched by Huntr's own `id` (turned into a stable uid), so importing
the same file twice adds nothing. `-` means empty; `listName` is the stage in
any letter case: interview → Waiting, offer → outcome offer, rejected → Stay
in touch with outcome rejected; wishlist and applied are not interviews yet
and are skipped (and counted).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from .clock import iso
from .exchange import BadImport, Report, stable_uid, upsert
from .model import Outcome, Stage
from .store import Store

HEADER = ("id", "createdAt", "title", "salary", "location", "url", "rootDomain", "htmlDescription", "deadline",
          "color", "lastMovedAt", "boardId", "boardName", "listId", "listName", "companyId", "companyName",
          "companyDomain", "creatorUserId", "creatorUserFirstName", "creatorUserLastName", "creatorUserEmail")
LISTS = {
    "interview": (Stage.WAITING, Outcome.OPEN),
    "interviewing": (Stage.WAITING, Outcome.OPEN),
    "offer": (Stage.WAITING, Outcome.OFFER),
    "rejected": (Stage.STAY_IN_TOUCH, Outcome.REJECTED),
}
NOT_YET = {"wishlist", "applied"}


def import_huntr(store: Store, text: str, now: datetime, report: Report) -> None:
    reader = csv.DictReader(io.StringIO(text), strict=True)
    try:
        missing = [name for name in ("id", "title", "listName", "companyName") if name not in (reader.fieldnames or [])]
        if missing:
            raise BadImport(f"line 1: not a Huntr export (no {', '.join(missing)} column)")
        for row in reader:
            where = f"line {reader.line_num}"
            if None in row or None in row.values():
                raise BadImport(f"{where}: {len(reader.fieldnames)} fields expected")
            _import_row(store, {k: _value(v) for k, v in row.items()}, now, report, where)
    except csv.Error as exc:
        raise BadImport(f"line {reader.line_num}: {exc}") from None


def _value(text: str | None) -> str:
    text = (text or "").strip()
    return "" if text == "-" else text


def _import_row(store: Store, row: dict, now: datetime, report: Report, where: str) -> None:
    list_name = row.get("listName", "").casefold()
    if list_name in NOT_YET:
        report.count("skipped", f"{list_name} (not interviewed yet)")
        return
    if list_name not in LISTS:
        raise BadImport(f"{where}: unknown listName {row.get('listName')!r} "
                        f"(known: {', '.join(sorted([*LISTS, *NOT_YET]))})")
    if not row.get("id"):
        raise BadImport(f"{where}: the id is empty")
    company = row.get("companyName") or row.get("rootDomain") or row.get("companyDomain")
    if not company:
        raise BadImport(f"{where}: no company name")
    stage, outcome = LISTS[list_name]
    moved = _time(row.get("lastMovedAt") or row.get("createdAt"), where) or now
    uid = stable_uid("huntr", row["id"])
    fields = {"uid": uid, "company": company, "role": row.get("title", ""), "stage": stage.value,
              "outcome": outcome.value}
    upsert(store, "cards", "card", fields, report, new_only={
        "round": 1, "interview_at": iso(moved), "stage_entered_at": iso(moved), "notes": _notes(row),
        "created_at": iso(now), "updated_at": iso(now)})


def _time(text: str, where: str) -> datetime | None:
    """Huntr writes ISO times or milliseconds since 1970."""
    if not text:
        return None
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text) / (1000 if len(text) > 10 else 1), timezone.utc)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.astimezone()
    except (ValueError, OverflowError):
        raise BadImport(f"{where}: cannot read the time {text!r}") from None


def _notes(row: dict) -> str:
    parts = [f"{label}: {row[key]}" for key, label in (("url", "Job post"), ("location", "Location"),
                                                         ("salary", "Salary"), ("boardName", "Huntr board"))
             if row.get(key)]
    return "\n".join(parts)
