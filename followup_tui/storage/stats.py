"""How the search is going (`followup stats`, the board's stats screen): figures counted in SQL
over the contact log.

Plain sqlite3 and read-only, like status.py. The per-contact and per-card facts the figures count
(facts.py) are derived in SQL and saved with each card's plan; here SQL filters, groups and counts
them as of now (cards whose plan is stale get theirs derived on the spot, by the same SQL). Each
figure is defined in DEFINITIONS (the screen shows them on `?`, the README lists them). Months,
weeks and days are local, as SQLite's 'localtime' reads the zone (the C library's, as clock.py's).
Contacts dated after now are ignored: a past `--now` looks back.

Premature follow-ups are the rules' own verdicts (history.Log.verdicts), which SQL cannot express:
they are saved with the facts, and judged here in Python for cards whose plan is stale. Medians are
taken in Python from the values SQL selects (SQLite has no median, and its window functions cost
more than the rest of the figures together).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from ..domain.clock import day_start, iso, local_date
from ..domain.config import Policy
from ..domain.words import STAGE_NAMES
from . import dbfile, facts
from .facts import INBOUND, company_thread
from .rulecache import fresh_count, rules_key, stale_cards, stale_open_cards

if TYPE_CHECKING:
    from ..domain.history import Entry, Verdict
    from .dbfile import AnyPath

Params = dict[str, Any]  # a query's named parameters
WEEKS = 12  # the activity chart's span
OLDEST = 5  # the oldest waits listed
ACTION_KINDS = (
    "offer",
    "thank-you",
    "prep",
    "gracious-reply",
    "follow-up",
    "check-in",
    "referral-ask",
    "move-on",
    "wait",
)  # rules.py's next-action kinds, in the order of its rules

# What each figure means, word for word as the README says it (a test holds them together).
DEFINITIONS: dict[str, str] = {
    "Funnel": (
        "Each card is one interview process, counted in the local month of its first interview: the "
        "card's interview time while in round 1; once a later round has started (the first round's "
        "time is not kept), the earlier of when the card was added and its first contact. Only "
        "interviews that have happened count. Next rounds: those invited to another round (round 2 "
        "or later, in Next round, or an `invite` logged). Offers: those with an offer (outcome offer, "
        "or an `offer` logged). Percentages are of the interviews."
    ),
    "Response": (
        "Your follow-ups are the `follow-up` and `check-in` contacts you logged. One is answered when "
        "the card's next contact from them (reply, invite, rejection or offer) comes before your next "
        "follow-up or check-in on that card; days to reply run from your message to that contact "
        "(the median: the middle value, or halfway between the two middle ones). By the channel you used. "
        "Talk with someone linked as `network` (a friend's reply to your ask, your follow-up to them) "
        "counts as neither."
    ),
    "Thank-yous": (
        "For each card's latest interview that has happened (a card keeps only its latest round's "
        "time): on time when the first `thank-you` logged after it came within `thank_you_hours` "
        "([policy], 24 by default). An interview still inside that window without a note yet is left "
        "out. Median hours: from the interview to that first thank-you, for those that got one."
    ),
    "Premature follow-ups": (
        "Follow-ups and check-ins that the too-frequent rule (rules v2) finds were made before a new "
        "one was OK: before the day they asked for, before the end of their decision date, or sooner "
        "than `min_days_between_contacts` (`stay_in_touch_min_days` in Stay in touch) after the latest "
        "contact of the round; by the local month they were made. One that answers an offer or a "
        "rejection is an answer, not a follow-up, and is not counted."
    ),
    "Activity": (
        "Every contact logged, both ways, per local week (Monday to Sunday) over the last 12 weeks: sent "
        "by you (thank-you, follow-up, check-in, answer, referral-ask) and received from them (reply, "
        "invite, rejection, offer). The heat strip shows each day of those weeks, darker for more."
    ),
    "Pipeline now": (
        "Open cards per stage, and per next action (what the board advises for each now). Oldest "
        "waits: open cards in Waiting, longest first, with the days since they entered Waiting (the "
        "board's 'waiting 12d') and when you last heard from them."
    ),
    "--since": (
        "`--since DATE` counts only what happened from that local date on (interviews by their first "
        "one, contacts, thank-yous); the pipeline is always now. Contacts dated after now are ignored."
    ),
}

# What a figure needs before it can say anything (shown instead of an empty chart or table).
NEEDS = {
    "funnel": "add interviews to see the funnel (followup add)",
    "response": "log follow-ups to see response rates (followup log ID follow-up)",
    "reply_time": "log replies to see response times (followup log ID reply)",
    "thank_yous": "log thank-you notes after interviews to see how soon you send them",
    "premature": "log follow-ups to see whether any came too soon",
    "activity": "log contacts to see your activity",
    "pipeline": "no open cards: add an interview to see the pipeline (followup add)",
    "waits": "no card is waiting",
}


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# The figures are NamedTuples, not dataclasses: `followup stats` starts like `status`, and the
# dataclasses module costs a few milliseconds to import.


class FunnelRow(NamedTuple):
    month: str  # 'YYYY-MM', or 'all' for the total
    interviews: int
    next_rounds: int
    offers: int

    @property
    def next_round_rate(self) -> float | None:
        return rate(self.next_rounds, self.interviews)

    @property
    def offer_rate(self) -> float | None:
        return rate(self.offers, self.interviews)


class ChannelRow(NamedTuple):
    channel: str  # or 'all'
    sent: int
    answered: int
    median_days: float | None  # None: none answered

    @property
    def rate(self) -> float | None:
        return rate(self.answered, self.sent)


class ThankYous(NamedTuple):
    interviews: int  # counted: window over, or a note sent
    on_time: int
    median_hours: float | None
    window_hours: float  # the policy's thank_you_hours

    @property
    def rate(self) -> float | None:
        return rate(self.on_time, self.interviews)


class PrematureMonth(NamedTuple):
    month: str
    follow_ups: int
    premature: int


class Week(NamedTuple):
    start: date  # its Monday
    sent: int
    received: int

    @property
    def contacts(self) -> int:
        return self.sent + self.received


class Wait(NamedTuple):
    card_id: int
    company: str
    role: str
    since: datetime  # entered Waiting
    last_heard: datetime | None  # their latest contact, if any

    def days(self, now: datetime) -> int:
        return max(0, (now - self.since).days)


class Stats(NamedTuple):
    now: datetime
    since: date | None
    funnel: list[FunnelRow]  # by month, oldest first
    response: list[ChannelRow]  # by channel, most used first
    response_all: ChannelRow
    thank_yous: ThankYous
    premature: list[PrematureMonth]  # by month, oldest first
    weeks: list[Week]  # oldest first
    days: list[tuple[date, int]]  # every day of those weeks up to today
    stages: dict[str, int]
    actions: dict[str, int]  # next-action kind -> open cards
    oldest: list[Wait]

    @classmethod
    def empty(cls, now: datetime, since: date | None, window_hours: float) -> Stats:
        """Nothing to count (no database yet): zeros, and the weeks without contacts."""
        weeks, days = activity(now, since)
        no_reply = ChannelRow("all", 0, 0, None)
        stages = dict.fromkeys(STAGE_NAMES, 0)
        return cls(now, since, [], [], no_reply, ThankYous(0, 0, None, window_hours), [], weeks, days, stages, {}, [])

    @property
    def funnel_all(self) -> FunnelRow:
        return FunnelRow(
            "all",
            sum(r.interviews for r in self.funnel),
            sum(r.next_rounds for r in self.funnel),
            sum(r.offers for r in self.funnel),
        )

    @property
    def active(self) -> int:
        return sum(self.stages.values())

    @property
    def contacts(self) -> int:
        """Contacts in the activity weeks."""
        return sum(week.contacts for week in self.weeks)


# --- computing ------------------------------------------------------------------------------------


def _seconds_between(start: str, end: str) -> str:
    """SQL: whole seconds from one stored time to another (julianday, rounded: exact to the second)."""
    return f"CAST(round((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"


def median(values: Sequence[float]) -> float | None:
    """The middle value, or halfway between the two middle ones (None for none)."""
    ordered, middle = sorted(values), len(values) // 2
    if not ordered:
        return None
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _numbers(joined: str | None) -> list[int]:
    """group_concat's text of whole numbers back as numbers."""
    return [int(value) for value in joined.split(",")] if joined else []


class _Sources(NamedTuple):
    """Where the queries read the facts (facts.py): the saved rows, with those of cards whose plan
    is stale derived on the spot by the same SQL (every card's, in a file of an older schema)."""

    days: str
    follow_ups: str
    cards: str
    stale: list[int] | None  # cards whose follow-ups the rules judge here (None: every card)

    @classmethod
    def of(cls, conn: sqlite3.Connection, policy: Policy) -> _Sources:
        derived = (
            ("contact_days", facts.DAY_COLUMNS, facts.day_rows),
            ("follow_up_facts", facts.FOLLOW_UP_COLUMNS, facts.follow_up_rows),
            ("card_facts", facts.CARD_COLUMNS, facts.card_rows),
        )
        if dbfile.version(conn) < facts.FACTS_FROM:  # no saved rows to read
            days, follow_ups, cards = (f"({rows('SELECT id FROM cards')})" for _, _, rows in derived)
            return cls(days, follow_ups, cards, None)
        (fresh,) = conn.execute("SELECT count(*) FROM cards WHERE rules_key = ?", (rules_key(policy),)).fetchone()
        if fresh == conn.execute("SELECT count(*) FROM cards").fetchone()[0]:  # on indexes alone
            return cls("contact_days", "follow_up_facts", "card_facts", [])
        out = "SELECT id FROM cards WHERE rules_key IS NOT :key"
        days, follow_ups, cards = (
            f"(SELECT {columns} FROM {table} WHERE card_id NOT IN ({out}) UNION ALL {rows(out)})"
            for table, columns, rows in derived
        )
        return cls(days, follow_ups, cards, stale_cards(conn, policy))


def compute(conn: sqlite3.Connection, policy: Policy, now: datetime, since: date | None = None) -> Stats:
    """Every figure, as of `now`, counting history from `since` (a local date) on."""
    source = _Sources.of(conn, policy)
    params = {
        "now": iso(now),
        "since": iso(day_start(since)) if since else "",
        "window": policy.thank_you_hours,
        "window_closed": iso(now - timedelta(hours=policy.thank_you_hours)),
        "key": rules_key(policy),
    }
    weeks, days = activity(now, since, _per_day(conn, params, source.days))
    stages = _stages(conn)
    *response, response_all = _response(conn, params, source.follow_ups)
    return Stats(
        now=now,
        since=since,
        funnel=_funnel(conn, params, source.cards),
        response=response,
        response_all=response_all,
        thank_yous=_thank_yous(conn, params, source.cards, policy.thank_you_hours),
        premature=_premature(conn, policy, now, since, params, source),
        weeks=weeks,
        days=days,
        stages=stages,
        actions=_actions(conn, policy, now, sum(stages.values()), source.stale is not None),
        oldest=_oldest(conn, params),
    )


def _funnel(conn: sqlite3.Connection, params: Params, cards: str) -> list[FunnelRow]:
    rows = conn.execute(
        f"""SELECT month, count(*), sum(next_round OR coalesce(invited_at <= :now, 0)),
                   sum(offer OR coalesce(offered_at <= :now, 0))
            FROM {cards} WHERE first_at <= :now AND first_at >= :since AND month IS NOT NULL
            GROUP BY month ORDER BY month""",
        params,
    )
    return [FunnelRow(*row) for row in rows]


def _response(conn: sqlite3.Connection, params: Params, follow_ups: str) -> list[ChannelRow]:
    """Per channel, then for all ('all'): follow-ups sent, answered, median days to the answer
    (SQL counts; the medians are taken from the answered ones' days: SQLite has no median)."""
    rows = conn.execute(
        f"""SELECT channel, count(*),
                   group_concat(CASE WHEN answer_at <= :now AND answer_at < coalesce(again_at, '~')
                                     THEN {_seconds_between("at", "answer_at")} END)
            FROM {follow_ups} WHERE at <= :now AND at >= :since GROUP BY channel""",
        params,
    ).fetchall()
    found, every = [], []
    for channel, sent, joined in rows:
        waits = _numbers(joined)
        every += waits
        found.append(ChannelRow(channel, sent, len(waits), _days(median(waits))))
    found.sort(key=lambda row: (-row.sent, row.channel))
    return [*found, ChannelRow("all", sum(row.sent for row in found), len(every), _days(median(every)))]


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 86400


def _thank_yous(conn: sqlite3.Connection, params: Params, cards: str, window_hours: float) -> ThankYous:
    """Each card's latest interview that has happened, and the first thank-you after it; those whose
    window is still open without one are left out."""
    interviews, on_time, joined = conn.execute(
        f"""SELECT count(*), coalesce(sum(seconds <= :window * 3600), 0), group_concat(seconds)
            FROM (SELECT held, CASE WHEN thanked_at <= :now THEN {_seconds_between("held", "thanked_at")} END
                               AS seconds
                  FROM {cards} WHERE held <= :now AND held >= :since)
            WHERE seconds IS NOT NULL OR held < :window_closed""",
        params,
    ).fetchone()
    hours = median(_numbers(joined))
    return ThankYous(interviews, on_time, None if hours is None else hours / 3600, window_hours)


def _premature(
    conn: sqlite3.Connection, policy: Policy, now: datetime, since: date | None, params: Params, source: _Sources
) -> list[PrematureMonth]:
    """The rules' verdicts saved with the cards, counted in SQL; cards whose plan is stale judged here."""
    counts: Counter[tuple[str, int]] = Counter()
    for month, made, premature in conn.execute(
        f"""SELECT month, count(*), sum(premature) FROM {source.follow_ups}
            WHERE premature IS NOT NULL AND at <= :now AND at >= :since AND month IS NOT NULL GROUP BY month""",
        params,
    ):
        counts[month, 0] += made
        counts[month, 1] += premature
    start = day_start(since) if since else None
    for entry, verdict in _judged(conn, policy, source.stale):
        if entry.at <= now and (start is None or entry.at >= start):
            month = f"{local_date(entry.at):%Y-%m}"
            counts[month, 0] += 1
            counts[month, 1] += int(verdict.premature)
    months = sorted({month for month, _ in counts})
    return [PrematureMonth(month, counts[month, 0], counts[month, 1]) for month in months]


def _judged(conn: sqlite3.Connection, policy: Policy, ids: list[int] | None) -> list[tuple[Entry, Verdict]]:
    """(entry, verdict) for the follow-ups and check-ins of these cards (None: every card), by the rules."""
    if ids == []:
        return []
    from ..domain.history import Log
    from .read import load_bundles, load_bundles_by_id

    bundles = load_bundles(conn, "1") if ids is None else load_bundles_by_id(conn, ids)
    return [found for bundle in bundles for found in Log(bundle, policy).verdicts()]


def activity(
    now: datetime, since: date | None, counted: Callable[[datetime], dict[date, tuple[int, int]]] | None = None
) -> tuple[list[Week], list[tuple[date, int]]]:
    """Contacts per local week (the last WEEKS, not before the week of `since`) and per day, from
    `counted(start)`: (sent, received) per local day from that moment on (None: no contacts)."""
    today = local_date(now)
    first = today - timedelta(days=today.weekday(), weeks=WEEKS - 1)
    if since is not None and since > first:
        first = min(since, today) - timedelta(days=min(since, today).weekday())
    per_day = counted(day_start(first if since is None or since < first else since)) if counted else {}
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    weeks = []
    for monday in days[::7]:
        week = [per_day.get(monday + timedelta(days=n), (0, 0)) for n in range(7)]
        weeks.append(Week(monday, sum(s for s, _ in week), sum(r for _, r in week)))
    return weeks, [(day, sum(per_day.get(day, (0, 0)))) for day in days]


def _per_day(conn: sqlite3.Connection, params: Params, days: str) -> Callable[[datetime], dict[date, tuple[int, int]]]:
    def counted(start: datetime) -> dict[date, tuple[int, int]]:
        rows = conn.execute(
            f"SELECT day, count(*), sum(inbound) FROM {days} "
            "WHERE at >= :start AND at <= :now AND day IS NOT NULL GROUP BY day",
            {**params, "start": iso(start)},
        )
        return {date.fromisoformat(day): (total - received, received) for day, total, received in rows}

    return counted


def _stages(conn: sqlite3.Connection) -> dict[str, int]:
    counts = dict.fromkeys(STAGE_NAMES, 0)
    for stage, count in conn.execute("SELECT stage, count(*) FROM cards WHERE closed_at IS NULL GROUP BY stage"):
        counts[stage if stage in counts else "waiting"] += count  # as read.py reads an unknown stage
    return counts


def _actions(conn: sqlite3.Connection, policy: Policy, now: datetime, active: int, plans: bool) -> dict[str, int]:
    """Open cards per next-action kind: the saved segment holding now, else the full rules."""
    counts: Counter[str] = Counter()
    stale = None
    if plans:  # as status does: a count on an index says when every open card's plan applies
        stale = [] if fresh_count(conn, policy, now) == active else stale_open_cards(conn, policy, now)
    if plans:
        fresh = (  # the segment of a card whose plan does not apply is left out (the rules say)
            "JOIN cards c ON c.id = p.card_id AND c.rules_key = :key "
            "AND (c.rules_valid_from IS NULL OR c.rules_valid_from <= :now)"
            if stale
            else ""
        )
        for kind, count in conn.execute(
            f"""SELECT substr(p.action, 10, instr(substr(p.action, 10), '"') - 1) AS kind, count(*)
                FROM card_plans p {fresh}
                WHERE p.attention IN (0, 1) AND p.opens <= :now AND :now < p.closes GROUP BY kind""",
            {"key": rules_key(policy), "now": iso(now)},
        ):
            counts[kind] += count
    if stale != []:
        from ..domain.rules import assess
        from .read import load_bundles, load_bundles_by_id

        bundles = load_bundles(conn) if stale is None else load_bundles_by_id(conn, stale)
        for bundle in bundles:
            action = assess(bundle, policy, now).action
            if action is not None:
                counts[action.kind] += 1
    return {kind: counts[kind] for kind in (*ACTION_KINDS, *sorted(set(counts) - set(ACTION_KINDS))) if counts[kind]}


def _oldest(conn: sqlite3.Connection, params: Params) -> list[Wait]:
    from ..domain.lenient import EPOCH, Problems

    rows = conn.execute(
        f"""SELECT c.id, c.company, c.role, c.stage_entered_at,
                   (SELECT max(t.at) FROM contacts t WHERE t.card_id = c.id AND t.kind IN {INBOUND}
                      AND t.at <= :now AND {company_thread("t")})
            FROM cards c WHERE c.closed_at IS NULL AND c.stage = 'waiting'
            ORDER BY c.stage_entered_at, c.id LIMIT {OLDEST}""",
        params,
    )
    found = []
    for card_id, company, role, since, heard in rows:
        read = Problems("cards", f"#{card_id}")  # another tool's values, read as the board reads them
        found.append(
            Wait(
                card_id,
                read.text("company", company),
                read.text("role", role),
                read.instant("stage_entered_at", since) or EPOCH,
                read.instant("at", heard),
            )
        )
    return found


def load(db_path: AnyPath, policy: Policy, now: datetime, since: date | None = None) -> Stats:
    """The figures for the file at `db_path` (never written; a missing file has none)."""
    conn = dbfile.open_reader(db_path)
    if conn is None:
        return Stats.empty(now, since, policy.thank_you_hours)
    try:
        return compute(conn, policy, now, since)
    except sqlite3.DatabaseError as exc:
        raise dbfile.corrupt(db_path, exc) from None
    finally:
        conn.close()


# --- as JSON (README "followup stats --json") -------------------------------------------------------


def _rounded(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def as_json(stats: Stats) -> dict[str, Any]:
    """The stable JSON document (README): numbers only, rates as fractions (null: nothing to divide)."""

    def funnel(row: FunnelRow) -> dict[str, Any]:
        return {
            "month": row.month,
            "interviews": row.interviews,
            "next_rounds": row.next_rounds,
            "offers": row.offers,
            "next_round_rate": _rounded(row.next_round_rate),
            "offer_rate": _rounded(row.offer_rate),
        }

    def channel(row: ChannelRow) -> dict[str, Any]:
        return {
            "channel": row.channel,
            "sent": row.sent,
            "answered": row.answered,
            "rate": _rounded(row.rate),
            "median_days": _rounded(row.median_days, 2),
        }

    thanks = stats.thank_yous
    return {
        "now": iso(stats.now),
        "since": stats.since.isoformat() if stats.since else None,
        "funnel": {"months": [funnel(r) for r in stats.funnel], "all": funnel(stats.funnel_all)},
        "response": {"channels": [channel(r) for r in stats.response], "all": channel(stats.response_all)},
        "habits": {
            "thank_yous": {
                "interviews": thanks.interviews,
                "on_time": thanks.on_time,
                "rate": _rounded(thanks.rate),
                "median_hours": _rounded(thanks.median_hours, 2),
                "window_hours": thanks.window_hours,
            },
            "premature": [
                {"month": m.month, "follow_ups": m.follow_ups, "premature": m.premature} for m in stats.premature
            ],
        },
        "activity": {
            "weeks": [
                {"week": w.start.isoformat(), "contacts": w.contacts, "sent": w.sent, "received": w.received}
                for w in stats.weeks
            ],
            "days": [{"day": day.isoformat(), "contacts": count} for day, count in stats.days],
        },
        "pipeline": {
            "stages": stats.stages,
            "active": stats.active,
            "next_actions": stats.actions,
            "oldest_waits": [
                {
                    "id": w.card_id,
                    "company": w.company,
                    "role": w.role,
                    "waiting_since": iso(w.since),
                    "days": w.days(stats.now),
                    "last_heard": iso(w.last_heard),
                }
                for w in stats.oldest
            ],
        },
    }


# --- as text (the command line's tables and the screen's share these) --------------------------------


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def number(value: float | None, unit: str = "") -> str:
    """'3.1' (one decimal), with a unit ('3.5h'); '—' for none."""
    return "—" if value is None else f"{value:.1f}{unit}"


def month_name(month: str) -> str:
    """'2026-09' -> 'Sep 2026'."""
    return f"{date.fromisoformat(month + '-01'):%b %Y}"


def since_words(stats: Stats) -> str:
    return f"since {stats.since:%b %d %Y}" if stats.since else "all history"
