"""The stats screen (S): how the search is going, as charts and tables (issue 17).

The figures are storage/stats.py's, read from the board's own connection when the screen opens
and again when the data changes. The charts are Plotext plots (textual-plotext) in the theme's
colours (the plot's background and text follow the theme by themselves; each series takes one of
its colours); under NO_COLOR the charts are left out and the tables say it all. `?` shows what
each figure means, as the README defines it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from ..domain.clock import relative
from ..domain.textsafe import safe_title
from ..storage import stats as figures
from ..storage.stats import Stats, month_name, number, percent
from .keybar import KeyBar

if TYPE_CHECKING:
    from .app import FollowupApp

MONTHS_CHARTED = 6  # the funnel's bars: the latest months (the table's total counts them all)
SHADES = ("··", "░░", "▒▒", "▓▓", "██")  # the heat strip: no contact, then up to the busiest day
FUNNEL_SERIES = ("interviews", "next rounds", "offers")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class StatsScreen(Screen):
    """Funnel, activity, response, habits and the pipeline, two panels a row when wide."""

    BINDINGS = [
        Binding("escape,S,q", "app.pop_screen", "Back", id="stats-back"),
        Binding("question_mark", "definitions", "What they mean", id="stats-definitions"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def compose(self) -> ComposeResult:
        yield Static(id="stats-title", markup=False)
        with VerticalScroll(id="stats-panels"):
            with Horizontal(classes="stats-row"):
                yield _panel("Funnel: interviews → next rounds → offers", "funnel", chart=True)
                yield _panel("Activity: contacts per week", "activity", chart=True)
            with Horizontal(classes="stats-row"):
                yield _panel("Response to your follow-ups", "response")
                yield _panel("Habits", "habits")
            yield _panel("Pipeline now", "pipeline")
        yield KeyBar()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh_stats())
        self.refresh_stats()
        self.query_one("#stats-panels").focus()  # arrows and PgUp/PgDn scroll at once

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)

    def refresh_stats(self) -> None:
        """Count again (the app calls this when the data changed) and draw it all."""
        app = cast("FollowupApp", self.app)
        found = figures.compute(app.store.conn, app.config.policy, app.now())
        self.query_one("#stats-title", Static).update(
            f"How the search is going — {found.now.astimezone():%a %b %d %Y %H:%M} ({figures.since_words(found)})"
        )
        charts = not app.no_color
        self._chart("funnel", _funnel_chart if charts and found.funnel else None, found)
        self._chart("activity", _activity_chart if charts and found.contacts else None, found)
        self._text("funnel", _funnel_table(found))
        self._text("activity", _heat_strip(found, self._shade_colour()) if charts else _activity_tables(found))
        self._text("response", _response_table(found))
        self._text("habits", _habits_text(found))
        self._text("pipeline", _pipeline_text(found))

    def _text(self, name: str, text: Text) -> None:
        self.query_one(f"#{name}-text", Static).update(text)

    def _chart(self, name: str, draw, found: Stats) -> None:
        """Draw the panel's chart in the theme's colours, or leave it out (NO_COLOR, nothing to draw)."""
        plot = self.query_one(f"#{name}-chart", PlotextPlot)
        plot.display = draw is not None
        if draw is not None:
            plot.plt.clear_data()
            plot.plt.clear_figure()
            draw(plot.plt, found, self._series_colours())
            plot.refresh()

    def _series_colours(self) -> list[tuple[int, int, int]]:
        variables = self.app.theme_variables
        return [Color.parse(variables.get(name, "#808080")).rgb for name in ("primary", "accent", "success")]

    def _shade_colour(self) -> str:
        return self.app.theme_variables.get("primary", "green")

    def action_definitions(self) -> None:
        self.app.push_screen(DefinitionsScreen())


class DefinitionsScreen(ModalScreen):
    """What each figure counts, word for word as the README says it."""

    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close", id="definitions-close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form help"):
            yield Static("What the figures mean", classes="form-title", markup=False)
            text = Text()
            for name, definition in figures.DEFINITIONS.items():
                text.append(f"{name}\n", "bold underline")
                for n, part in enumerate(" ".join(definition.split()).split("`")):
                    text.append(part, "bold" if n % 2 else "")  # `code` in the README
                text.append("\n\n")
            yield Static(text, id="definitions", markup=False)
        yield KeyBar()  # its own: the board's, left showing below, offered keys that do nothing here


def _panel(title: str, name: str, chart: bool = False) -> Vertical:
    panel = Vertical(
        *([PlotextPlot(id=f"{name}-chart", classes="stats-chart")] if chart else []),
        Static(id=f"{name}-text", markup=False),
        id=f"{name}-panel",
        classes="stats-panel",
    )
    panel.border_title = title
    return panel


# --- charts -----------------------------------------------------------------------------------------


def _funnel_chart(plt, found: Stats, colours: list[tuple[int, int, int]]) -> None:
    shown = found.funnel[-MONTHS_CHARTED:]
    months = [month_name(row.month) for row in shown]
    series = [[row.interviews for row in shown], [row.next_rounds for row in shown], [row.offers for row in shown]]
    # a series of zeros is left out: plotext would list it with a blank swatch (the table says 0)
    drawn = [(s, label, colour) for s, label, colour in zip(series, FUNNEL_SERIES, colours, strict=True) if any(s)]
    values, labels, shades = (list(part) for part in zip(*drawn, strict=True))
    plt.multiple_bar(months, values, labels=labels, color=shades)
    plt.yticks(_whole(max(max(s) for s in values)))


def _activity_chart(plt, found: Stats, colours: list[tuple[int, int, int]]) -> None:
    xs = list(range(1, len(found.weeks) + 1))
    plt.plot(xs, [week.sent for week in found.weeks], label="sent", color=colours[0], marker="braille")
    plt.plot(xs, [week.received for week in found.weeks], label="received", color=colours[1], marker="braille")
    step = max(1, len(xs) // 4)
    plt.xticks(xs[::step], [f"{week.start:%b %d}" for week in found.weeks][::step])
    plt.yticks(_whole(max(max(week.sent, week.received) for week in found.weeks)))


def _whole(top: int) -> list[int]:
    """Whole-number ticks from 0 to at least `top` (counts have no fractions)."""
    step = max(1, -(-top // 5))
    return list(range(0, top + step, step))


# --- tables -----------------------------------------------------------------------------------------


def _row(cells: tuple[str, ...], widths: tuple[int, ...]) -> str:
    first, *rest = cells
    return f"{first:<{widths[0]}}" + "".join(f"{cell:>{width}}" for cell, width in zip(rest, widths[1:], strict=True))


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[int, ...]) -> Text:
    text = Text(_row(header, widths), "bold")
    for row in rows:
        text.append("\n" + _row(row, widths))
    return text


def _needs(what: str) -> Text:
    return Text(figures.NEEDS[what], "italic")


def _funnel_table(found: Stats) -> Text:
    if not found.funnel:
        return _needs("funnel")
    rows = [
        (
            "all" if row.month == "all" else month_name(row.month),
            str(row.interviews),
            f"{row.next_rounds} {percent(row.next_round_rate):>4}",
            f"{row.offers} {percent(row.offer_rate):>4}",
        )
        for row in [*found.funnel[-MONTHS_CHARTED:], found.funnel_all]
    ]
    text = _table(("month", "interviews", "next rounds", "offers"), rows, (10, 11, 13, 11))
    if len(found.funnel) > MONTHS_CHARTED:
        text.append(f"\n({len(found.funnel) - MONTHS_CHARTED} earlier months in the total)", "dim")
    return text


def _heat_strip(found: Stats, colour: str | None) -> Text:
    """Each day of the weeks shown: weekdays down, weeks across, darker (and stronger) for more."""
    if not found.contacts:
        return _needs("activity")
    busiest = max(count for _, count in found.days)
    text = Text()
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]} ", "dim")
        for day, count in found.days:
            if day.weekday() == weekday:
                level = -(-count * 4 // busiest)  # 0, then 1 to 4 quarters of the busiest day
                style = f"{colour} {'bold' if level > 2 else ''}" if colour and level else "dim"
                text.append(SHADES[level] + " ", style)
        text.append("\n")
    text.append(f"{found.contacts} contacts; the busiest day had {busiest}", "dim")
    return text


def _activity_tables(found: Stats) -> Text:
    """Without charts (NO_COLOR): the weeks as a table, then the heat strip in shades alone."""
    if not found.contacts:
        return _needs("activity")
    rows = [(f"{week.start:%b %d}", str(week.sent), str(week.received)) for week in found.weeks]
    text = _table(("week of", "sent", "received"), rows, (10, 6, 10))
    text.append("\n\n")
    text.append_text(_heat_strip(found, None))
    return text


def _response_table(found: Stats) -> Text:
    if not found.response:
        return _needs("response")
    rows = [
        (row.channel, str(row.sent), str(row.answered), percent(row.rate), number(row.median_days, "d"))
        for row in [*found.response, found.response_all]
    ]
    text = _table(("channel", "sent", "answered", "rate", "median reply"), rows, (10, 6, 10, 6, 14))
    if not found.response_all.answered:
        text.append("\n")
        text.append_text(_needs("reply_time"))
    return text


def _habits_text(found: Stats) -> Text:
    thanks = found.thank_yous
    text = Text()
    if thanks.interviews:
        text.append(f"Thank-yous within {thanks.window_hours:g}h: ", "bold")
        text.append(f"{thanks.on_time} of {thanks.interviews} ({percent(thanks.rate)})")
        if thanks.median_hours is not None:
            text.append(f"; median {number(thanks.median_hours, 'h')} after the interview")
        text.append("\n\n")
    else:
        text.append_text(_needs("thank_yous"))
        text.append("\n\n")
    text.append("Premature follow-ups (too soon by the rules)\n", "bold")
    if not found.premature:
        text.append_text(_needs("premature"))
        return text
    rows = [
        (month_name(m.month), str(m.follow_ups), f"{m.premature} {percent(figures.rate(m.premature, m.follow_ups)):>4}")
        for m in found.premature[-MONTHS_CHARTED:]
    ]
    text.append_text(_table(("month", "follow-ups", "premature"), rows, (10, 11, 12)))
    return text


def _pipeline_text(found: Stats) -> Text:
    if not found.active:
        return _needs("pipeline")
    text = Text()
    text.append("Stages: ", "bold")
    text.append(" · ".join(f"{stage} {n}" for stage, n in found.stages.items()) + f"  ({found.active} active)\n")
    text.append("Next actions: ", "bold")
    text.append(" · ".join(f"{kind} {n}" for kind, n in found.actions.items()) + "\n")
    text.append("Oldest waits:", "bold")
    if not found.oldest:
        text.append(f" {figures.NEEDS['waits']}")
    for wait in found.oldest:
        heard = f"last heard {relative(wait.last_heard, found.now)}" if wait.last_heard else "no word from them yet"
        text.append(f"\n  #{wait.card_id:<5}")
        text.append(safe_title(wait.company, wait.role))  # user text: a Text, never markup
        text.append(f"  waiting {wait.days(found.now)}d, {heard}", "dim")
    return text
