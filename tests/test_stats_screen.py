"""The board's stats screen (S): pinned at two sizes, its definitions, the palette, NO_COLOR, live data."""

from __future__ import annotations

from board_fixtures import EVIL, settle
from stats_fixtures import NOW, at, fill
from textual.widgets import Static
from textual_plotext import PlotextPlot

from followup_tui.domain.config import Config
from followup_tui.domain.model import Kind
from followup_tui.storage import stats
from followup_tui.storage.store import NewCard, Store


def stats_app(path, filled: bool = True):
    from followup_tui.tui.app import FollowupApp

    store = Store.open(path)
    if filled:
        fill(store)
    return FollowupApp(store, Config())


def shown(app, name: str) -> str:
    return str(app.screen.query_one(f"#{name}-text", Static).render())


def test_stats_screen_160x48(snap_compare, db_path):
    assert snap_compare(stats_app(db_path), press=["S"], terminal_size=(160, 48))


def test_stats_screen_80x24(snap_compare, db_path):
    assert snap_compare(stats_app(db_path), press=["S"], terminal_size=(80, 24))


async def test_s_opens_the_figures_and_esc_goes_back(db_path):
    from followup_tui.tui.board import BoardScreen
    from followup_tui.tui.stats import StatsScreen

    app = stats_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("S")
        assert isinstance(app.screen, StatsScreen)
        assert "3 of 5 (60%); median 3.5h" in shown(app, "habits")
        assert "all            6         3   50%          3.1d" in shown(app, "response")
        assert "Oldest waits:" in shown(app, "pipeline") and "#2" in shown(app, "pipeline")
        assert all(plot.display for plot in app.screen.query(PlotextPlot))
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_question_mark_says_what_each_figure_means(db_path):
    from followup_tui.tui.stats import DefinitionsScreen

    app = stats_app(db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("S", "question_mark")
        assert isinstance(app.screen, DefinitionsScreen)
        text = " ".join(str(app.screen.query_one("#definitions", Static).render()).split())
        for name, definition in stats.DEFINITIONS.items():
            assert name in text
            assert " ".join(definition.replace("`", "").split()) in text
        await pilot.press("escape")
        assert not isinstance(app.screen, DefinitionsScreen)


async def test_the_palette_offers_the_stats(db_path):
    app = stats_app(db_path, filled=False)
    async with app.run_test(size=(100, 30)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Stats: how the search is going" in titles


async def test_no_color_leaves_the_charts_out_and_keeps_the_numbers(db_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = stats_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("S")
        assert not any(plot.display for plot in app.screen.query(PlotextPlot))
        assert "all                 6       1  17%     1  17%" in shown(app, "funnel")
        activity = shown(app, "activity")
        assert "week of     sent  received" in activity  # the weeks the line chart would draw, as a table
        assert "Nov 02         2         2" in activity
        assert "15 contacts" in activity


async def test_the_funnel_shows_six_months_and_counts_the_earlier_ones(db_path):
    app = stats_app(db_path)  # September to November
    for month in ("01", "02", "03", "04"):
        app.store.add_card(NewCard(f"Earlier {month}", at(f"{month}-10 10:00")), at(f"{month}-10 10:00"))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("S")
        funnel = shown(app, "funnel")
        assert "Jan 2026" not in funnel and "Feb 2026" in funnel and "Nov 2026" in funnel
        assert "all                10" in funnel
        assert "(1 earlier months in the total)" in funnel


async def test_an_empty_search_says_what_each_figure_needs(db_path):
    app = stats_app(db_path, filled=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("S")
        assert shown(app, "funnel") == stats.NEEDS["funnel"]
        assert shown(app, "response") == stats.NEEDS["response"]
        assert shown(app, "activity") == stats.NEEDS["activity"]
        assert shown(app, "pipeline") == stats.NEEDS["pipeline"]
        assert not any(plot.display for plot in app.screen.query(PlotextPlot))


async def test_follow_ups_without_replies_ask_for_replies(db_path):
    app = stats_app(db_path, filled=False)
    card = app.store.add_card(NewCard("Acme", at("11-02 10:00")), at("11-02 10:00"))
    app.store.log_contact(card, Kind.FOLLOW_UP, at("11-12 10:00"), NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("S")
        assert stats.NEEDS["reply_time"] in shown(app, "response")


async def test_the_figures_follow_a_change_made_from_a_shell(db_path):
    app = stats_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("S")
        assert "all            6         3" in shown(app, "response")
        with Store.open(db_path) as shell:  # Initech's follow-up gets its answer
            shell.log_contact(4, Kind.REPLY, at("11-20 10:00"), NOW)
        await pilot.pause(1.3)  # the board looks for other writers every second
        await settle(pilot)
        assert "all            6         4" in shown(app, "response")


async def test_company_names_are_text_not_markup(db_path):
    app = stats_app(db_path)
    card = app.store.add_card(NewCard(EVIL, at("08-01 10:00"), role="[red]x[/]"), at("08-01 10:00"))
    app.store.log_contact(card, Kind.THANK_YOU, at("08-01 12:00"), NOW)  # Waiting since then: the oldest
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("S")
        assert f"#{card:<5}{EVIL} — [red]x[/]" in shown(app, "pipeline")
        assert app.is_running  # [@click=app.quit] did nothing
