"""Importing a job tracker's CSV (SPEC §5): ours, Huntr's, Simplify's, a Notion table, a spreadsheet.

Columns are known by their header, whatever the case, spacing or punctuation
("Company Name", "company_name", "COMPANY NAME"), through the aliases below;
`--map COLUMN=FIELD` names any other. Each row's status word picks the stage
(STATUS_WORDS, plus `--stage-map`); rows not interviewed yet (applied, saved…) and
unknown statuses are skipped and counted. Rows are read a batch at a time and
written by cardrows.py; dates are read by filedates.py.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import TextIO

from ..domain.clock import iso
from ..domain.model import Channel, Outcome, Relation, Stage, name_and_email
from .cardrows import Row, import_rows
from .csvexport import COMPUTED, uncell
from .filedates import AmbiguousDate, DateError, RowProblem, as_day, as_instant, read_when
from .records import BadImport, Report, stable_uid

# field: header aliases, normalised (letters and digits only, lower case); the first is preferred
# when two columns give the same field (our export's ISO `interview_at` over its local `interview`)
FIELDS = {
    "uid": ["uid"],
    "company": ["company", "companyname", "employer", "organization", "organisation"],
    "role": ["role", "position", "jobtitle", "title", "positiontitle", "job"],
    "status": ["status", "applicationstatus", "stage", "currentstage", "liststatus"],
    "outcome": ["outcome"],
    "round": ["round", "currentround", "interviewround"],
    "interview_at": ["interviewat", "interviewdate", "interview", "interviewtime", "dateofinterview"],
    "applied_on": ["dateapplied", "applieddate", "applicationdate", "appliedon", "applied", "dateofapplication"],
    "status_date": ["statusdate", "lastupdated", "dateupdated", "lastmovedat", "updated"],
    "next_round_at": ["nextroundat", "nextround", "nextinterview", "nextinterviewdate"],
    "follow_up_on": ["followupon", "followupdate", "followup", "followupby", "nextstepdate", "nextactiondate"],
    "follow_up_via": ["followupvia"],
    "decision_by": ["decisionby", "decisiondate", "expecteddecision"],
    "closed_at": ["closedat", "closed"],
    "contact": ["contactperson", "contact", "contactname", "interviewer"],
    "recruiter": ["recruiter", "recruitername"],
    "email": ["email", "contactemail", "emailaddress", "recruiteremail"],
    "people": ["people"],
    "url": ["url", "joburl", "link", "joblink", "jobposting", "jobpostingurl", "posting"],
    "topic": ["topic"],
    "fit": ["fit", "whyifit"],
    "notes": ["notes", "note", "comments", "comment", "details"],
}
IGNORE = "ignore"  # --map COLUMN=ignore drops a column without listing it

# A status word (normalised, singular) -> (stage, outcome), or SKIP: not interviewed yet.
SKIP = "skip"
_WAITING, _OFFER, _REJECTED = (
    (Stage.WAITING, Outcome.OPEN),
    (Stage.WAITING, Outcome.OFFER),
    (Stage.STAY_IN_TOUCH, Outcome.REJECTED),
)
STATUS_WORDS: dict[str, tuple[Stage, Outcome] | str] = {
    **dict.fromkeys(
        [
            "interview",
            "interviewing",
            "interviewed",
            "phonescreen",
            "screen",
            "screening",
            "phoneinterview",
            "onsite",
            "onsiteinterview",
            "technical",
            "technicalinterview",
            "techscreen",
            "finalround",
            "finalinterview",
        ],
        _WAITING,
    ),
    **dict.fromkeys(["offer", "offered", "offerreceived"], _OFFER),
    **dict.fromkeys(["rejected", "rejection", "declined", "nooffer", "notselected"], _REJECTED),
    **dict.fromkeys(
        ["applied", "submitted", "wishlist", "saved", "bookmarked", "toapply", "researching", "interested"], SKIP
    ),
    # our own stages, as `export --format csv` writes them
    **{stage.value.replace("-", ""): (stage, Outcome.OPEN) for stage in Stage},
}
STAGE_TARGETS = (*(s.value for s in Stage), "offer", "rejected", SKIP)
_EMPTY = {"", "-", "—", "n/a", "na", "none", "null"}
# one person of csvexport.people_text (a name may hold '; ' or '(')
_PERSON = re.compile(r"(?P<name>.+?)(?: <(?P<email>[^<>]*)>)? \((?P<relation>{})\)(?:; |$)".format("|".join(Relation)))


def normal(text: str) -> str:
    """'📞 Phone Screen' -> 'phonescreen': what a header or status word is known by."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass
class Options:
    maps: dict[str, str] = field(default_factory=dict)  # normalised column -> field (or IGNORE)
    # normalised status -> (stage, outcome) or SKIP (parse_stage_maps)
    stages: dict[str, tuple[Stage, Outcome] | str] = field(default_factory=dict)
    date_order: str | None = None  # 'mdy' or 'dmy' for 11/05/2026
    strict: bool = False


def parse_maps(values: tuple[str, ...]) -> dict[str, str]:
    """--map COLUMN=FIELD options; ValueError (a usage error) names a bad one."""
    maps = {}
    for value in values:
        column, sep, target = value.rpartition("=")
        target = target.strip().lower().replace("-", "_")
        if not sep or not normal(column):
            raise ValueError(f"--map {value!r}: write COLUMN=FIELD, e.g. --map 'Hiring Manager=contact'")
        if target not in FIELDS and target != IGNORE:
            raise ValueError(f"--map {value!r}: {target!r} is not a field ({', '.join(FIELDS)}, {IGNORE})")
        maps[normal(column)] = target
    return maps


def parse_stage_maps(values: tuple[str, ...]) -> dict[str, tuple[Stage, Outcome] | str]:
    """--stage-map STATUS=TARGET options (an empty STATUS names rows without one)."""
    stages = {}
    for value in values:
        status, sep, target = value.rpartition("=")
        target = target.strip().lower()
        if not sep or target not in STAGE_TARGETS:
            raise ValueError(
                f"--stage-map {value!r}: write STATUS=TARGET, the target one of {', '.join(STAGE_TARGETS)}"
            )
        stages[normal(status)] = (
            SKIP
            if target == SKIP
            else _OFFER
            if target == "offer"
            else _REJECTED
            if target == "rejected"
            else (Stage(target), Outcome.OPEN)
        )
    return stages


def status_target(text: str, stages: dict[str, tuple[Stage, Outcome] | str]) -> tuple[Stage, Outcome] | str:
    """The (stage, outcome) a status word means (--stage-map first, then STATUS_WORDS, singular or
    plural), or why the row is skipped."""
    key = normal(text)
    words = (key, key[:-1]) if key.endswith("s") else (key,)
    shown = re.sub(r"^\W+", "", text.strip())  # '✉️ Applied' -> 'Applied'
    for table, why in ((stages, "skipped by --stage-map"), (STATUS_WORDS, "not interviewed yet")):
        for word in words:
            if word in table:
                return f"{shown.lower()} ({why})" if table[word] == SKIP else table[word]
    return "with no status (--stage-map '=waiting' imports them)" if not key else f"with unknown status {shown!r}"


# --- reading rows --------------------------------------------------------------------------


def rows(stream: TextIO) -> Iterator[tuple[int, list[str]]]:
    """(line the row starts on, cells) for every row, the header first; blank lines are passed over.
    The cells are split by what the header line is split by: commas, or semicolons (spreadsheets in
    locales where the comma is the decimal mark) or tabs."""
    ahead: list[str] = []  # up to the header line, read to see how it is split
    reader = None
    try:
        for line in stream:
            ahead.append(line)
            if line.strip():
                break
        reader = csv.reader(chain(ahead, stream), delimiter=_delimiter(ahead[-1] if ahead else ""), strict=True)
        last = 0
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield start, cells
    except csv.Error as exc:
        raise BadImport(f"line {reader.line_num if reader else 1}: not valid CSV ({exc})") from None
    except UnicodeDecodeError as exc:
        raise BadImport(_not_utf8(stream, exc)) from None


def _not_utf8(stream: TextIO, exc: UnicodeDecodeError) -> str:
    """Where the file stops being UTF-8 (text is decoded a block ahead of the rows read: the line is
    found in the bytes), or that it is UTF-16, as Excel's "Unicode text" saves it."""
    how = 'save it as "CSV UTF-8"'
    try:
        raw = stream.buffer  # a file (a test's StringIO has none)
        raw.seek(0)
        data = raw.read()
    except (AttributeError, OSError, ValueError):
        return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); {how}"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return f'the file is UTF-16 text (Excel\'s "Unicode text"), not UTF-8; {how}'
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data.count(b"\n", 0, bad.start) + 1
        return f"line {line}: not UTF-8 text (byte 0x{data[bad.start]:02x}); {how}"
    return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); {how}"


def _delimiter(header: str) -> str:
    """The one of , ; and tab that the header line has most of outside quotes (a comma if none)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    return max((",", ";", "\t"), key=unquoted.count)  # max keeps the first of equals: the comma


class Columns:
    """Which column gives which field."""

    def __init__(self, header: list[str], maps: dict[str, str], report: Report):
        self.index: dict[str, list[int]] = {}
        ranked: dict[str, list[tuple[int, int]]] = {}
        for position, name in enumerate(header):
            key = normal(name)
            target = maps.get(key) or next((f for f, aliases in FIELDS.items() if key in aliases), None)
            if target == IGNORE or (target is None and (not key or name.strip() in COMPUTED)):
                continue
            if target is None:
                report.ignored_columns.append(name.strip())
                continue
            rank = 0 if key in maps else FIELDS[target].index(key) + 1
            ranked.setdefault(target, []).append((rank, position))
        for target, found in ranked.items():
            self.index[target] = [position for _, position in sorted(found)]
        unknown = set(maps) - {normal(name) for name in header}
        if unknown:
            raise BadImport(
                f"line 1: --map names a column the header does not have ({', '.join(sorted(unknown))}); "
                f"the columns are: {', '.join(h.strip() for h in header)}"
            )
        self.header = header

    def __contains__(self, target: str) -> bool:
        return target in self.index

    def get(self, cells: list[str], target: str) -> str:
        """The field's value in this row: the first column that has one ('' when none)."""
        for position in self.index.get(target, ()):
            if position < len(cells):
                value = uncell(cells[position].strip())
                if value.casefold() not in _EMPTY:
                    return value
        return ""

    def name(self, target: str) -> str:
        return self.header[self.index[target][0]].strip() if target in self.index else target


# --- one row, one card ----------------------------------------------------------------------------


class Tracker:
    """A generic tracker's rows as cards."""

    def __init__(self, columns: Columns, options: Options, now: datetime):
        self.columns, self.options, self.now = columns, options, now
        if "company" not in columns:
            raise BadImport(
                "line 1: no company column (Company, Company Name, Employer…); name yours with --map COLUMN=company"
            )

    def row(self, line: int, cells: list[str]) -> Row | str:
        """The card this row makes, or why it is skipped (a count, not a problem)."""
        value = lambda name: self.columns.get(cells, name)  # noqa: E731
        target = status_target(value("status"), self.options.stages)
        if isinstance(target, str):
            return target
        company = value("company")
        if not company:
            raise RowProblem("the company is empty")
        stage, outcome = target
        dates = {
            name: self._when(value(name), name)
            for name in (
                "interview_at",
                "applied_on",
                "status_date",
                "next_round_at",
                "closed_at",
                "follow_up_on",
                "decision_by",
            )
        }
        instants = {
            k: as_instant(v) if v else None for k, v in dates.items() if k not in ("follow_up_on", "decision_by")
        }
        role = value("role")
        fields = {
            "uid": value("uid")
            or stable_uid(
                "csv",
                company.casefold(),
                role.casefold(),
                dates["applied_on"].isoformat() if dates["applied_on"] else "",
            ),
            "company": company,
            "role": role,
            "stage": stage.value,
            "outcome": self._outcome(value("outcome")) or outcome.value,
        }
        interview = instants["interview_at"] or instants["status_date"] or instants["applied_on"]
        # Stay in touch counts from the import (SPEC §3.3 rule 8): an old tracker's rejections are not
        # all due for a check-in the day they come in
        entered = self.now if stage == Stage.STAY_IN_TOUCH else instants["status_date"] or interview or self.now
        initial = {
            "round": 1,
            "stage_entered_at": iso(entered),
            "created_at": iso(self.now),
            "updated_at": iso(self.now),
        }
        (fields if instants["interview_at"] else initial)["interview_at"] = iso(interview or self.now)
        self._optional(fields, value, dates, instants)
        return Row(line, fields, initial, self._people(value))

    def _optional(self, fields: dict, value, dates: dict, instants: dict) -> None:
        """Fields whose column the file has: set (or cleared) by every import."""
        has = self.columns.__contains__
        if has("round"):
            text = value("round") or "1"
            if not text.isdigit() or not 1 <= int(text) <= 999:
                raise RowProblem(f"{self.columns.name('round')} {text!r} is not a round number (1, 2, 3…)")
            fields["round"] = int(text)
        for name in ("next_round_at", "closed_at"):
            if has(name):
                fields[name] = iso(instants[name])
        for name in ("follow_up_on", "decision_by"):
            if has(name):
                fields[name] = as_day(dates[name]).isoformat() if dates[name] else None
        if has("follow_up_via"):
            via = value("follow_up_via").lower()
            if via and via not in Channel._value2member_map_:
                raise RowProblem(
                    f"{self.columns.name('follow_up_via')} {via!r} is not a channel ({', '.join(Channel)})"
                )
            fields["follow_up_via"] = via or None
        for name in ("topic", "fit"):
            if has(name):
                fields[name] = value(name)
        if has("notes") or has("url"):
            url = value("url")
            fields["notes"] = "\n".join(part for part in (value("notes"), url and f"Job post: {url}") if part)

    def _outcome(self, text: str) -> str:
        if text and text.lower() not in Outcome._value2member_map_:
            raise RowProblem(f"{self.columns.name('outcome')} {text!r} is not an outcome ({', '.join(Outcome)})")
        return text.lower()

    def _when(self, text: str, name: str) -> date | datetime | None:
        if not text:
            return None
        try:
            return read_when(text, self.options.date_order, self.now)
        except DateError as exc:
            raise RowProblem(f"{self.columns.name(name)}: {exc}") from None
        except AmbiguousDate as exc:
            raise AmbiguousDate(f"{self.columns.name(name)}: {exc}") from None

    def _people(self, value) -> list[tuple[str, str, Relation, bool]]:
        found, text, at = [], value("people"), 0
        while at < len(text):  # 'Jane Doe <jane@acme.example> (interviewer); Dana Kim (network)'
            match = _PERSON.match(text, at)
            if not match:
                raise RowProblem(
                    f"{self.columns.name('people')}: cannot read {text[at:]!r} (write 'Name <email> (relation); …')"
                )
            found.append((match["name"].strip(), match["email"] or "", Relation(match["relation"]), True))
            at = match.end()
        email = value("email")
        for name, relation in (("contact", Relation.INTERVIEWER), ("recruiter", Relation.RECRUITER)):
            if value(name):
                person, address = name_and_email(value(name))
                found.append((person, address or email, relation, False))
                email = ""  # one Email column goes with the first person
        return found


def import_csv(
    conn: sqlite3.Connection, stream: TextIO, now: datetime, report: Report, options: Options, huntr: bool | None = None
) -> None:
    """Import a tracker's CSV (a Huntr export is recognised by its header, or forced with `huntr`)."""
    from .huntr import Huntr, is_huntr

    source = rows(stream)
    _, header = next(source, (1, None))
    if header is None:
        raise BadImport("line 1: the file is empty (a CSV needs a header line)")
    maker: Huntr | Tracker
    if huntr or (huntr is None and is_huntr(header)):
        maker = Huntr(header, options, now)
    else:
        maker = Tracker(Columns(header, options.maps, report), options, now)
    first = next(source, None)
    if first is None:
        raise BadImport("the file has a header line and no rows under it: nothing to import")
    import_rows(conn, chain([first], source), maker.row, report, options.strict)
    if set(COMPUTED) <= {name.strip() for name in header}:  # followup's own CSV export
        report.notes.append("a CSV carries no contacts or prep items: restore from `followup export` (JSON) for those")
