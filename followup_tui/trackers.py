"""Importing a job tracker's CSV (SPEC §5): ours, Huntr's, Simplify's, a Notion table, a spreadsheet.

Columns are known by their header, whatever the case, spacing or punctuation
("Company Name", "company_name", "COMPANY NAME"), through the aliases below;
`--map COLUMN=FIELD` names any other. Each row's status word picks the stage
(STATUS_WORDS, plus `--stage-map`); rows not interviewed yet (applied, saved…) and
unknown statuses are skipped and counted. A row that cannot become a card is
listed with its line and the reason, and the others are imported, unless
`--strict`. Rows are read and written a batch at a time (flat memory).
"""

from __future__ import annotations

import csv
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Iterator, TextIO

from .clock import iso
from .csvexport import COMPUTED, uncell
from .exchange import BATCH, BadImport, Report, stable_uid, upsert_many
from .model import Channel, Outcome, Relation, Stage, name_and_email

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
_WAITING, _OFFER, _REJECTED = (Stage.WAITING, Outcome.OPEN), (Stage.WAITING, Outcome.OFFER), (
    Stage.STAY_IN_TOUCH, Outcome.REJECTED)
STATUS_WORDS = {
    **dict.fromkeys(["interview", "interviewing", "interviewed", "phonescreen", "screen", "screening",
                     "phoneinterview", "onsite", "onsiteinterview", "technical", "technicalinterview", "techscreen",
                     "finalround", "finalinterview"], _WAITING),
    **dict.fromkeys(["offer", "offered", "offerreceived"], _OFFER),
    **dict.fromkeys(["rejected", "rejection", "declined", "nooffer", "notselected"], _REJECTED),
    **dict.fromkeys(["applied", "submitted", "wishlist", "saved", "bookmarked", "toapply", "researching",
                     "interested"], SKIP),
    # our own stages, as `export --format csv` writes them
    **{stage.value.replace("-", ""): (stage, Outcome.OPEN) for stage in Stage},
}
STAGE_TARGETS = (*(s.value for s in Stage), "offer", "rejected", SKIP)
_EMPTY = {"", "-", "—", "n/a", "na", "none", "null"}


def normal(text: str) -> str:
    """'📞 Phone Screen' -> 'phonescreen': what a header or status word is known by."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass
class Options:
    maps: dict[str, str] = field(default_factory=dict)  # normalised column -> field (or IGNORE)
    stages: dict = field(default_factory=dict)  # normalised status -> (stage, outcome) or SKIP (parse_stage_maps)
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
            raise ValueError(f"--stage-map {value!r}: write STATUS=TARGET, the target one of "
                             f"{', '.join(STAGE_TARGETS)}")
        stages[normal(status)] = (SKIP if target == SKIP else _OFFER if target == "offer"
                                  else _REJECTED if target == "rejected" else (Stage(target), Outcome.OPEN))
    return stages


def status_target(text: str, stages: dict) -> tuple[Stage, Outcome] | str:
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
    """(line the row starts on, cells) for every row, the header first; blank lines are passed over."""
    reader = csv.reader(stream, strict=True)
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield start, cells
    except csv.Error as exc:
        raise BadImport(f"line {reader.line_num}: not valid CSV ({exc})") from None
    except UnicodeDecodeError as exc:
        raise BadImport(f"after line {reader.line_num}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
                        "save the file as UTF-8") from None


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
            raise BadImport(f"line 1: --map names a column the header does not have ({', '.join(sorted(unknown))}); "
                            f"the columns are: {', '.join(h.strip() for h in header)}")
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


# --- dates as trackers write them --------------------------------------------------------------

_MONTHS = {m: n for n, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], 1) for m in names}
_TIME = r"(?:[ ,T@]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?m?\.?)?"
_NAMED_MDY = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})" + _TIME)
_NAMED_DMY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})" + _TIME)
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})" + _TIME)
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})" + _TIME)


class RowProblem(ValueError):
    """This row cannot become a card (it is skipped and listed)."""


class DateError(RowProblem):
    """A date that is not one (the row is skipped)."""


class AmbiguousDate(ValueError):
    """11/05/2026 without --date-order: nothing is imported until the user says which."""


def read_when(text: str, date_order: str | None) -> date | datetime:
    """A tracker's date or time: ISO forms, 'Nov 5, 2026 3:00 PM' (Notion), '5 Nov 2026',
    2026/11/05, and 11/05/2026 (or 11/05/26, 11.05.2026) with a --date-order."""
    cleaned = " ".join(text.replace("\u202f", " ").split()).split(" → ")[0]  # Notion writes ranges 'A → B'
    try:
        parsed = datetime.fromisoformat(cleaned.replace(" ", "T", 1) if len(cleaned) > 10 else cleaned)
        return parsed.date() if len(cleaned) <= 10 else parsed
    except ValueError:
        pass
    lowered = cleaned.lower()
    if match := _NAMED_MDY.fullmatch(lowered):
        month, day, year, *clock = match.groups()
        return _made(text, int(year), _MONTHS.get(month), int(day), clock)
    if match := _NAMED_DMY.fullmatch(lowered):
        day, month, year, *clock = match.groups()
        return _made(text, int(year), _MONTHS.get(month), int(day), clock)
    if match := _YMD_SLASH.fullmatch(lowered):
        year, month, day, *clock = match.groups()
        return _made(text, int(year), int(month), int(day), clock)
    if match := _NUMERIC.fullmatch(lowered):
        first, second, year, *clock = match.groups()
        if date_order is None:
            raise AmbiguousDate(f"{text!r} could be month/day or day/month: say --date-order mdy "
                                f"(11/05 = Nov 5) or --date-order dmy (11/05 = 11 May)")
        month, day = (first, second) if date_order == "mdy" else (second, first)
        year = int(year) + (2000 if len(year) == 2 else 0)
        return _made(text, year, int(month), int(day), clock)
    raise DateError(f"{text!r} is not a date (try 2026-11-05, Nov 5, 2026 or 5 Nov 2026)")


def _made(text: str, year: int, month: int | None, day: int, clock: list) -> date | datetime:
    hour, minute, second, half = clock
    try:
        if month is None:
            raise ValueError("unknown month")
        if hour is None:
            return date(year, month, day)
        hour = int(hour) % 12 + (12 if half == "p" else 0) if half else int(hour)
        return datetime(year, month, day, hour, int(minute), int(second or 0))
    except ValueError:
        raise DateError(f"{text!r} is not a date") from None


def as_instant(value: date | datetime) -> datetime:
    """A date is its local midnight; a time without an offset is local (SPEC §7)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    try:
        return value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise DateError(f"{value} is out of range") from None


def as_day(value: date | datetime) -> date:
    return value.astimezone().date() if isinstance(value, datetime) else value


# --- one row, one card ----------------------------------------------------------------------------


@dataclass
class Row:
    """A card to write: `fields` are set on every import, `initial` only on a new card."""

    line: int
    fields: dict
    initial: dict
    # (name, email, relation, whether the relation is the file's to set on a person already linked)
    people: list[tuple[str, str, Relation, bool]] = field(default_factory=list)


class Tracker:
    """A generic tracker's rows as cards."""

    def __init__(self, columns: Columns, options: Options, now: datetime):
        self.columns, self.options, self.now = columns, options, now
        if "company" not in columns:
            raise BadImport("line 1: no company column (Company, Company Name, Employer…); "
                            "name yours with --map COLUMN=company")

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
        dates = {name: self._when(value(name), name) for name in
                 ("interview_at", "applied_on", "status_date", "next_round_at", "closed_at", "follow_up_on",
                  "decision_by")}
        instants = {k: as_instant(v) if v else None for k, v in dates.items() if k not in ("follow_up_on", "decision_by")}
        role = value("role")
        fields = {"uid": value("uid") or stable_uid("csv", company.casefold(), role.casefold(),
                                                      dates["applied_on"].isoformat() if dates["applied_on"] else ""),
                  "company": company, "role": role, "stage": stage.value,
                  "outcome": self._outcome(value("outcome")) or outcome.value}
        interview = instants["interview_at"] or instants["status_date"] or instants["applied_on"]
        initial = {"round": 1, "stage_entered_at": iso(instants["status_date"] or interview or self.now),
                   "created_at": iso(self.now), "updated_at": iso(self.now)}
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
                raise RowProblem(f"{self.columns.name('follow_up_via')} {via!r} is not a channel "
                                 f"({', '.join(Channel)})")
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
            return read_when(text, self.options.date_order)
        except DateError as exc:
            raise RowProblem(f"{self.columns.name(name)}: {exc}") from None
        except AmbiguousDate as exc:
            raise AmbiguousDate(f"{self.columns.name(name)}: {exc}") from None

    def _people(self, value) -> list[tuple[str, str, Relation, bool]]:
        found = []
        if value("people"):
            for part in value("people").split("; "):
                match = re.fullmatch(r"(.+?)(?: <([^<>]*)>)? \(([a-z-]+)\)", part.strip())
                if not match or match.group(3) not in Relation._value2member_map_:
                    raise RowProblem(f"{self.columns.name('people')}: cannot read {part.strip()!r} "
                                     "(write 'Name <email> (relation)')")
                found.append((match.group(1).strip(), match.group(2) or "", Relation(match.group(3)), True))
        email = value("email")
        for name, relation in (("contact", Relation.INTERVIEWER), ("recruiter", Relation.RECRUITER)):
            if value(name):
                person, address = name_and_email(value(name))
                found.append((person, address or email, relation, False))
                email = ""  # one Email column goes with the first person
        return found


def import_csv(conn: sqlite3.Connection, stream: TextIO, now: datetime, report: Report, options: Options,
               huntr: bool | None = None) -> None:
    """Import a tracker's CSV (a Huntr export is recognised by its header, or forced with `huntr`)."""
    from .huntr import Huntr, is_huntr

    source = rows(stream)
    _, header = next(source, (1, None))
    if header is None:
        raise BadImport("line 1: the file is empty (a CSV needs a header line)")
    if huntr or (huntr is None and is_huntr(header)):
        maker = Huntr(header, options, now)
    else:
        maker = Tracker(Columns(header, options.maps, report), options, now)
    import_rows(conn, source, maker.row, report, options.strict)


# --- writing ----------------------------------------------------------------------------------------


def import_rows(conn: sqlite3.Connection, source: Iterator[tuple[int, list[str]]], make, report: Report,
                strict: bool) -> None:
    """Write the cards `make(line, cells)` gives, a batch at a time; count and list the rest."""
    batch: list[Row] = []
    seen: dict[str, int] = {}
    for line, cells in source:
        try:
            made = make(line, cells)
        except RowProblem as exc:
            _problem(report, line, str(exc), strict)
            continue
        except AmbiguousDate as exc:
            raise BadImport(f"line {line}: {exc}") from None
        if isinstance(made, str):
            report.skip(made)
            continue
        uid = made.fields["uid"]
        if uid in seen:
            _problem(report, line, f"the same card as line {seen[uid]} (same company, role and date applied, "
                                   "or the same uid)", strict)
            continue
        seen[uid] = line
        batch.append(made)
        if len(batch) == BATCH:
            write(conn, batch, report)
            batch = []
    write(conn, batch, report)


def _problem(report: Report, line: int, why: str, strict: bool) -> None:
    if strict:
        raise BadImport(f"line {line}: {why} (--strict)")
    report.problem(line, why)


def write(conn: sqlite3.Connection, batch: list[Row], report: Report) -> None:
    """Upsert the batch's cards (rows of the same shape together), then link their people."""
    shapes: dict[tuple, list[dict]] = {}
    for row in batch:
        initial = {k: v for k, v in row.initial.items() if k not in row.fields}
        shapes.setdefault((tuple(row.fields), tuple(initial)), []).append({**row.fields, **initial})
    ids: dict[str, int] = {}
    for (_, initial), records in shapes.items():
        ids.update(upsert_many(conn, "cards", "card", records, report, insert_only=initial))
    _instructions_recorded(conn, list(ids.values()))
    _link_people(conn, [(ids[r.fields["uid"]], r.fields["uid"], person) for r in batch for person in r.people],
                 report)


def _instructions_recorded(conn: sqlite3.Connection, ids: list[int]) -> None:
    """A follow-up or decision date from a file counts as recorded at the interview (as `add` does);
    a cleared one is recorded nowhere."""
    import json

    chosen = json.dumps(ids)
    for day, recorded in (("follow_up_on", "follow_up_set_at"), ("decision_by", "decision_set_at")):
        conn.execute(f"UPDATE cards SET {recorded} = CASE WHEN {day} IS NULL THEN NULL ELSE interview_at END "
                     f"WHERE id IN (SELECT value FROM json_each(?)) AND ({day} IS NULL) != ({recorded} IS NULL)",
                     (chosen,))


def _link_people(conn: sqlite3.Connection, wanted: list[tuple[int, str, tuple[str, str, Relation, bool]]],
                 report: Report) -> None:
    """Link each named person to their card: matched by name on that card, else added."""
    if not wanted:
        return
    import json

    known = {(card, name.strip().casefold()): (person, email, relation) for card, person, name, email, relation in
             conn.execute("SELECT l.card_id, p.id, p.name, p.email, l.relation FROM card_people l "
                          "JOIN people p ON p.id = l.person_id WHERE l.card_id IN (SELECT value FROM json_each(?))",
                          (json.dumps(sorted({card for card, _, _ in wanted})),))}
    fresh, links = [], []
    for card, card_uid, (name, email, relation, sets_relation) in wanted:
        found = known.get((card, name.casefold()))
        if found is None:
            uid = stable_uid("csv-person", card_uid, name.casefold())
            fresh.append({"uid": uid, "name": name, "email": email, "title": "", "note": ""})
            links.append((card, uid, relation))
            known[card, name.casefold()] = (None, email, relation)
            continue
        person, known_email, known_relation = found
        if person is None:  # named twice in this batch
            continue
        if email and email != known_email:
            conn.execute("UPDATE people SET email = ? WHERE id = ?", (email, person))
            report.count("updated", "person")
        if sets_relation and relation != known_relation:
            conn.execute("UPDATE card_people SET relation = ? WHERE card_id = ? AND person_id = ?",
                         (relation.value, card, person))
            report.count("updated", "link")
    people = upsert_many(conn, "people", "person", fresh, report, insert_only=("title", "note"))
    conn.executemany("INSERT OR IGNORE INTO card_people (card_id, person_id, relation) VALUES (?, ?, ?)",
                     [(card, people[uid], relation.value) for card, uid, relation in links])
    if links:
        report.count("created", "link", len(links))
