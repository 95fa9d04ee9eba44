"""At scale: the board's summaries agree with the full rules, and a 10,000-card column scrolls in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from board_fixtures import press

from followup_tui.domain.config import Config, Policy
from followup_tui.domain.model import Kind, Stage
from followup_tui.domain.present import assess_all
from followup_tui.storage.store import NewCard, Store
from followup_tui.storage.summaries import load

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


@pytest.mark.parametrize("offset_days", [0, 2, 30, -20])
def test_board_summaries_match_the_full_rules(seeded, offset_days):
    now = NOW + timedelta(days=offset_days)
    with Store.open_readonly(seeded) as store:
        full = assess_all(store.bundles(), Policy(), now)
        summaries = load(store.conn, Policy(), now)
    assert [(s.card_id, s.assessment) for s in summaries] == [(r.card.id, r.assessment) for r in full]
    last = {r.card.id: max((c.at for c in r.bundle.contacts if c.at <= now), default=None) for r in full}
    prep = {r.card.id: (sum(p.done for p in r.bundle.prep), len(r.bundle.prep)) for r in full}
    assert {s.card_id: s.last_contact_at for s in summaries} == last
    assert {s.card_id: (s.prep_done, s.prep_total) for s in summaries} == prep


@pytest.mark.slow
async def test_a_ten_thousand_card_column_shows_every_card_in_order(tmp_path):
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.cardlist import CARD_HEIGHT, CardList

    store = Store.open(tmp_path / "big.db")
    with store.transaction():
        for n in range(10_000):
            at = NOW - timedelta(days=30, minutes=10_000 - n)
            card_id = store.add_card(NewCard(company=f"Company {n:05d}", interview_at=at), at)
            store.log_contact(card_id, Kind.THANK_YOU, NOW - timedelta(days=1), NOW)
    app = FollowupApp(store, Config())
    async with app.run_test(size=(80, 24)) as pilot:
        cards = app.focused  # Waiting: the first column with cards
        assert isinstance(cards, CardList) and len(cards.ids) == 10_000
        titles: dict[int, str] = {}
        height = cards.scrollable_content_region.height
        while True:
            top = int(cards.scroll_y)
            for y in range(height):
                line = cards.render_line(y).text
                if "Company" in line:  # a card's first line ends with its id, however narrow the column
                    titles[(top + y) // CARD_HEIGHT] = int(line.rsplit("#", 1)[1])
            if top >= cards.max_scroll_y:
                break
            cards.scroll_to(y=top + height, animate=False)
        assert [titles[n] for n in range(10_000)] == list(range(1, 10_001))  # Company n is card n + 1
        await pilot.press("G")
        assert cards.current_id == cards.ids[-1] and "Company 09999" in cards.item(cards.cursor).title


async def test_a_long_column_keeps_its_scroll_extent_right_as_cards_leave_and_arrive(tmp_path):
    """A long column changes its scroll extent without a screen layout (CardList._set_height)."""
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.cardlist import CARD_HEIGHT

    store = Store.open(tmp_path / "long.db")
    with store.transaction():  # 30 cards waiting, 30 in next round: both columns scroll
        for n in range(60):
            card_id = store.add_card(
                NewCard(company=f"Company {n:02d}", interview_at=NOW - timedelta(days=9, minutes=n)),
                NOW - timedelta(days=9),
            )
            store.log_contact(card_id, Kind.THANK_YOU, NOW - timedelta(days=8), NOW)
            if n >= 30:
                store.move(card_id, Stage.NEXT_ROUND, NOW)
    app = FollowupApp(store, Config())
    async with app.run_test(size=(160, 48)) as pilot:
        waiting, next_round = app.screen.query_one("#list-waiting"), app.screen.query_one("#list-next-round")
        assert app.focused is waiting and len(waiting.ids) == 30
        view = waiting.scrollable_content_region.height
        for place, keys in (("top", ("g", "L", "h", "L", "u", "u")), ("bottom", ("G", "L", "h", "G", "L", "u", "u"))):
            await press(pilot, keys[0])
            for key in keys[1:]:
                await press(pilot, key)  # L moves a card on (focus follows it), u brings it back
                for cards in (waiting, next_round):
                    count = len(cards.ids)
                    assert cards.max_scroll_y == count * CARD_HEIGHT - view, place
                    assert cards.vertical_scrollbar.window_virtual_size == count * CARD_HEIGHT, place
                cards = app.focused
                shown = "".join(cards.render_line(y).text for y in range(view))
                assert f"#{cards.current_id}" in shown, place  # the highlighted card stays in view
            assert (len(waiting.ids), len(next_round.ids)) == (30, 30), place
