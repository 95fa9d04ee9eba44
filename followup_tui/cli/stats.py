"""`followup stats`: how the search is going, as text tables (charts where they help) or JSON.

The figures come from storage/stats.py. Like `status`, the plain forms (`stats [--json] [--since
DATE]`) are answered by entry.py without importing click; main.py registers the click command
(`register`) for --help and usage errors, and both print `stats_text`. Charts are drawn with
plotext (imported only then) and left out under NO_COLOR, with --json, or when the terminal
cannot show their characters: the tables always carry the exact numbers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..domain import clock
from ..domain.config import Policy
from ..domain.textsafe import safe_title
from ..storage import stats as figures
from ..storage.stats import Stats, month_name, number, percent

if TYPE_CHECKING:
    import click

    from ..storage.dbfile import AnyPath

MONTHS_SHOWN = 6  # the funnel and premature tables show the latest months; --json has them all
SHADES = "·░▒▓█"  # the heat strip: no contact, then a quarter, half, three quarters, all of the busiest day
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def register(group: click.Group) -> None:
    """The `stats` verb on the click group (main.py)."""
    import click

    from .group import Env, Failure, pass_env

    @group.command()
    @click.option("--json", "as_json", is_flag=True, help="Every figure as JSON (README: followup stats --json).")
    @click.option("--since", metavar="DATE", help="Count only what happened from DATE on. " + clock.DATE_HELP)
    @pass_env
    def stats(env: Env, as_json: bool, since: str | None) -> None:
        """How the search is going: funnel, response to follow-ups, habits, activity, pipeline.
        The board shows the same as charts (S); the README defines every figure."""
        try:
            click.echo(stats_text(env.db_path, env.config.policy, env.now, since, as_json))
        except clock.TimeParseError as exc:
            raise Failure(f"--since: {exc}") from None


def stats_text(db_path: AnyPath, policy: Policy, now: datetime, since: str | None, as_json: bool) -> str:
    """What `followup stats` prints. A --since that does not parse raises clock.TimeParseError."""
    found = figures.load(db_path, policy, now, since_day(since, now))
    if as_json:
        from ..domain.textsafe import json_text

        return json_text(figures.as_json(found))
    return "\n".join(text_lines(found, charts=charts_wanted()))


def since_day(text: str | None, now: datetime) -> date | None:
    """--since: a day that looks back ('Dec 3' is this year's)."""
    return None if text is None else clock.parse_date(text, now)


def charts_wanted() -> bool:
    """Charts unless NO_COLOR is set (https://no-color.org) or stdout cannot show their characters."""
    from ..domain.textsafe import _unicode_stdout

    return not os.environ.get("NO_COLOR") and _unicode_stdout()


def text_lines(found: Stats, charts: bool) -> list[str]:
    lines = [f"followup stats — as of {found.now.astimezone():%a %b %d %Y %H:%M} ({figures.since_words(found)})"]
    for section in (_funnel, _response, _habits, _activity, _pipeline):
        lines += ["", *section(found, charts)]
    return lines


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[int, ...]) -> list[str]:
    """Left-aligned first column, the others right-aligned."""

    def line(cells: tuple[str, ...]) -> str:
        first, *rest = cells
        others = "".join(f"{cell:>{w}}" for cell, w in zip(rest, widths[1:], strict=True))
        return f"  {first:<{widths[0]}}{others}".rstrip()

    return [line(header), *map(line, rows)]


def _funnel(found: Stats, charts: bool) -> list[str]:
    lines = ["FUNNEL  interviews → next rounds → offers, by month of the first interview"]
    if not found.funnel:
        return [*lines, f"  {figures.NEEDS['funnel']}"]
    shown = found.funnel[-MONTHS_SHOWN:]
    rows = [
        (
            month_name(r.month) if r.month != "all" else "all",
            str(r.interviews),
            str(r.next_rounds),
            percent(r.next_round_rate),
            str(r.offers),
            percent(r.offer_rate),
        )
        for r in [*shown, found.funnel_all]
    ]
    lines += _table(("month", "interviews", "next rounds", "", "offers", ""), rows, (10, 11, 13, 6, 8, 6))
    if len(found.funnel) > len(shown):
        lines.append(f"  ({len(found.funnel) - len(shown)} earlier months in the total; --json lists them)")
    if charts:
        total = found.funnel_all
        lines += _bars(["interviews", "next rounds", "offers"], [total.interviews, total.next_rounds, total.offers])
    return lines


def _response(found: Stats, charts: bool) -> list[str]:
    lines = ["RESPONSE  your follow-ups and check-ins that got an answer before your next one"]
    if not found.response:
        return [*lines, f"  {figures.NEEDS['response']}"]
    rows = [
        (r.channel, str(r.sent), str(r.answered), percent(r.rate), number(r.median_days))
        for r in [*found.response, found.response_all]
    ]
    lines += _table(("channel", "sent", "answered", "rate", "median days to reply"), rows, (11, 6, 10, 7, 22))
    if not found.response_all.answered:
        lines.append(f"  {figures.NEEDS['reply_time']}")
    return lines


def _habits(found: Stats, charts: bool) -> list[str]:
    thanks = found.thank_yous
    lines = ["HABITS"]
    if thanks.interviews:
        median = f"; median {number(thanks.median_hours, 'h')} after the interview" if thanks.median_hours else ""
        lines.append(
            f"  thank-yous within {thanks.window_hours:g}h: {thanks.on_time} of {thanks.interviews} "
            f"({percent(thanks.rate)}){median}"
        )
    else:
        lines.append(f"  {figures.NEEDS['thank_yous']}")
    lines.append("  premature follow-ups (too soon by the rules), by month")
    if not found.premature:
        return [*lines, f"  {figures.NEEDS['premature']}"]
    shown = found.premature[-MONTHS_SHOWN:]
    rows = [
        (month_name(m.month), str(m.follow_ups), str(m.premature), percent(figures.rate(m.premature, m.follow_ups)))
        for m in shown
    ]
    return lines + _table(("month", "follow-ups", "premature", ""), rows, (10, 11, 11, 6))


def _activity(found: Stats, charts: bool) -> list[str]:
    lines = [f"ACTIVITY  contacts per week, the last {len(found.weeks)} weeks"]
    if not found.contacts:
        return [*lines, f"  {figures.NEEDS['activity']}"]
    if charts:
        labels = [f"{w.start:%b %d}" for w in found.weeks]
        return lines + _line(labels, [w.contacts for w in found.weeks]) + _heat_strip(found)
    rows = [(f"{w.start:%b %d}", str(w.sent), str(w.received)) for w in found.weeks]
    return lines + _table(("week of", "sent", "received"), rows, (10, 6, 10)) + _day_grid(found)


def _pipeline(found: Stats, charts: bool) -> list[str]:
    lines = [f"PIPELINE NOW  {found.active} active"]
    if not found.active:
        return [*lines, f"  {figures.NEEDS['pipeline']}"]
    lines.append("  stages: " + " · ".join(f"{stage} {n}" for stage, n in found.stages.items()))
    lines.append("  next actions: " + " · ".join(f"{kind} {n}" for kind, n in found.actions.items()))
    lines.append("  oldest waits:" if found.oldest else f"  oldest waits: {figures.NEEDS['waits']}")
    for wait in found.oldest:
        heard = (
            f"last heard {clock.relative(wait.last_heard, found.now)}" if wait.last_heard else "no word from them yet"
        )
        lines.append(
            f"    #{wait.card_id:<4} {safe_title(wait.company, wait.role)}: waiting {wait.days(found.now)}d, {heard}"
        )
    return lines


# --- charts (plotext) ------------------------------------------------------------------------------


def _plotext():
    import plotext as plt  # only when a chart is drawn: it costs ~25 ms to import

    plt.clear_figure()
    plt.theme("clear")  # the terminal's own colours
    return plt


def _built(plt, height: int) -> list[str]:
    import shutil
    import sys

    plt.plotsize(min(shutil.get_terminal_size((80, 24)).columns, 100) - 2, height)
    text = plt.build()
    if not sys.stdout.isatty():
        text = plt.uncolorize(text)
    return ["  " + line.rstrip() for line in text.splitlines()]


def _whole(top: int) -> list[int]:
    """Whole-number ticks from 0 to at least `top` (counts have no fractions)."""
    step = max(1, -(-top // 6))
    return list(range(0, top + step, step))


def _bars(labels: list[str], values: list[int]) -> list[str]:
    """One horizontal bar per label, the first on top."""
    plt = _plotext()
    plt.bar(labels[::-1], values[::-1], orientation="horizontal", width=0.5)
    plt.xticks(_whole(max(values)))
    return _built(plt, len(labels) + 3)


def _line(labels: list[str], values: list[int]) -> list[str]:
    plt = _plotext()
    xs = list(range(1, len(values) + 1))
    plt.plot(xs, values, marker="braille")
    step = max(1, len(xs) // 4)
    plt.xticks(xs[::step], labels[::step])
    plt.yticks(_whole(max(values)))
    return _built(plt, min(max(values) + 1, 8) + 3)  # a row per contact while that fits


def _heat_strip(found: Stats) -> list[str]:
    """Each day of the weeks shown, Monday to Sunday down, weeks across: darker for more contacts."""
    busiest = max((count for _, count in found.days), default=0)

    def shade(count: int) -> str:
        return SHADES[-(-count * 4 // busiest)]  # 1 to 4 quarters of the busiest day

    lines = []
    for weekday in range(7):
        cells = [shade(count) for day, count in found.days if day.weekday() == weekday]
        lines.append(f"  {WEEKDAYS[weekday]} " + " ".join(cells))
    return [*lines, f"      {SHADES[0]} none   {SHADES[1]} fewest … {SHADES[4]} most ({busiest} on the busiest day)"]


def _day_grid(found: Stats) -> list[str]:
    """The heat strip as numbers: contacts per day, a row per weekday, a column per week."""
    lines = ["  per day (a column per week):"]
    for weekday in range(7):
        cells = [f"{count:>2}" for day, count in found.days if day.weekday() == weekday]
        lines.append(f"  {WEEKDAYS[weekday]} " + " ".join(cells))
    return lines
