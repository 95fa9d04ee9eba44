"""Importing a Huntr board export (CSV) (SPEC §5).

Rows are matched by Huntr's own `id` (turned into a stable uid), so importing
the same file twice adds nothing. `-` means empty. A list is known by its name
through the same status words as any tracker (trackers.STATUS_WORDS: "Interview",
"Phone Screen" → Waiting, "Offers" → outcome offer, "Rejected" → Stay in touch
with outcome rejected; "Wishlist", "Applied" are not interviews yet), in any case
or spacing, singular or plural, and `--stage-map` names the others; a list still
unknown (a custom "Active Leads") is skipped and counted with its name.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..domain.clock import iso
from .cardrows import Row
from .filedates import RowProblem, as_instant, read_when
from .records import BadImport, stable_uid
from .trackers import Options, status_target

HEADER = (
    "id",
    "createdAt",
    "title",
    "salary",
    "location",
    "url",
    "rootDomain",
    "htmlDescription",
    "deadline",
    "color",
    "lastMovedAt",
    "boardId",
    "boardName",
    "listId",
    "listName",
    "companyId",
    "companyName",
    "companyDomain",
    "creatorUserId",
    "creatorUserFirstName",
    "creatorUserLastName",
    "creatorUserEmail",
)
_NEEDED = ("id", "title", "listName", "companyName")


def is_huntr(header: list[str]) -> bool:
    """Does this CSV header look like Huntr's board export?"""
    return {"id", "listName", "companyName"} <= {name.strip() for name in header}


class Huntr:
    """A Huntr export's rows as cards (only a new card gets the times and notes)."""

    def __init__(self, header: list[str], options: Options, now: datetime):
        self.at = {name.strip(): position for position, name in enumerate(header)}
        self.width, self.options, self.now = len(header), options, now
        missing = [name for name in _NEEDED if name not in self.at]
        if missing:
            raise BadImport(f"line 1: not a Huntr export (no {', '.join(missing)} column)")

    def row(self, line: int, cells: list[str]) -> Row | str:
        if len(cells) != self.width:
            raise RowProblem(f"{self.width} fields expected, found {len(cells)}")
        value = {name: _value(cells[position]) for name, position in self.at.items()}
        target = status_target(value["listName"], self.options.stages)
        if isinstance(target, str):
            return target
        if not value["id"]:
            raise RowProblem("the id is empty")
        company = value["companyName"] or value.get("rootDomain") or value.get("companyDomain")
        if not company:
            raise RowProblem("no company name")
        stage, outcome = target
        moved = iso(self._time(value.get("lastMovedAt") or value.get("createdAt")) or self.now)
        fields = {
            "uid": stable_uid("huntr", value["id"]),
            "company": company,
            "role": value["title"],
            "stage": stage.value,
            "outcome": outcome.value,
        }
        return Row(
            line,
            fields,
            {
                "round": 1,
                "interview_at": moved,
                "stage_entered_at": moved,
                "notes": _notes(value),
                "created_at": iso(self.now),
                "updated_at": iso(self.now),
            },
        )

    def _time(self, text: str | None) -> datetime | None:
        """Huntr writes ISO times or milliseconds since 1970."""
        if not text:
            return None
        try:
            if text.isdigit():
                return datetime.fromtimestamp(int(text) / (1000 if len(text) > 10 else 1), UTC)
            return as_instant(read_when(text, None))
        except (RowProblem, ValueError, OverflowError, OSError):
            raise RowProblem(f"cannot read the time {text!r}") from None


def _value(text: str | None) -> str:
    text = (text or "").strip()
    return "" if text == "-" else text


def _notes(row: dict) -> str:
    parts = [
        f"{label}: {row[key]}"
        for key, label in (
            ("url", "Job post"),
            ("location", "Location"),
            ("salary", "Salary"),
            ("boardName", "Huntr board"),
        )
        if row.get(key)
    ]
    return "\n".join(parts)
