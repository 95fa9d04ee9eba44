"""Most urgent first, within one flag too (SPEC §3.3): the top flag, then the next action's rule
(1 offer … 9 wait), then the interview time, then the id — the same in `status`, `list`,
`list --json` and the board, whether the saved plans are read or the cards are assessed in full."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from board_fixtures import NOW

from followup_tui.domain.config import Policy
from followup_tui.domain.words import NO_ACTION
from followup_tui.storage import summaries
from followup_tui.storage.rulecache import RULES_VERSION
from followup_tui.storage.store import Store

# The order a user should see: the overdue thank-you, then the DUE cards by their rule.
MOST_URGENT_FIRST = ["Echo", "Cora", "Dune", "Bolt", "Acme"]
# Interview times and ids run the other way (Acme first), as the old order (flag, time, id) had them.


def seed(fu) -> dict[str, int]:
    """Five cards needing attention at NOW (2026-11-26 10:00 UTC), each by another rule."""
    ids: dict[str, int] = {}

    def add(company: str, at: str) -> int:
        result = fu("add", company, "--at", at, "--interviewer", f"Lee Park <lee@{company.lower()}.com>")
        assert result.code == 0, result.err
        ids[company] = int(result.out.split()[0])
        return ids[company]

    def run(*args: str) -> None:
        result = fu(*args)
        assert result.code == 0, result.err

    acme = add("Acme", "2026-11-10 10:00")  # rule 7: ask your network for a recommendation
    run("log", acme, "thank-you", "--at", "2026-11-10 15:00")
    run("person", acme, "Dana Kim", "--relation", "network")
    bolt = add("Bolt", "2026-11-12 10:00")  # rule 5: they asked to hear from you today
    run("log", bolt, "thank-you", "--at", "2026-11-12 15:00")
    run("log", bolt, "reply", "--at", "2026-11-20 09:00", "--follow-up-on", "2026-11-26")
    cora = add("Cora", "2026-11-14 10:00")  # rule 1: respond to the offer
    run("log", cora, "thank-you", "--at", "2026-11-14 15:00")
    run("log", cora, "offer", "--at", "2026-11-25 09:00")
    add("Dune", "2026-11-26 05:00")  # rule 2: a thank-you due within 24h
    add("Echo", "2026-11-24 10:00")  # rule 2, overdue: a worse flag comes first whatever its rule
    return ids


@pytest.fixture(params=["saved plans", "assessed in full"])
def cards(request, fu, tmp_path) -> dict[str, int]:
    """The cards, read from their saved plans, or (another policy in config.toml, which no writer
    has planned for yet) by the full rules."""
    ids = seed(fu)
    if request.param == "assessed in full":
        Path(tmp_path / "config.toml").write_text("[policy]\nunanswered_limit = 4\n")
    return ids


def companies(text: str) -> list[str]:
    return re.findall(r"\b(Acme|Bolt|Cora|Dune|Echo)\b", text)


def test_status_and_list_put_a_due_offer_before_a_due_referral_ask(fu, cards):
    status = fu("status")
    assert companies(status.out) == MOST_URGENT_FIRST
    assert "DUE       #3    Cora: respond to the offer" in status.out
    assert status.out.index("respond to the offer") < status.out.index("ask Dana Kim for a recommendation")
    as_json = json.loads(fu("status", "--json").out)
    assert [item["company"] for item in as_json["attention"]] == MOST_URGENT_FIRST
    assert companies(fu("list").out) == MOST_URGENT_FIRST
    assert [card["company"] for card in json.loads(fu("list", "--json").out)] == MOST_URGENT_FIRST


def test_the_board_columns_follow_the_same_order(cards, db_path, tmp_path):
    """The board's read model, from saved plans or (another policy) reading every card in full."""
    ids = cards
    order = _board_order(db_path, Policy())
    expected = {
        "thank-you": [ids["Echo"], ids["Dune"]],
        "waiting": [ids["Cora"], ids["Bolt"], ids["Acme"]],
        "next-round": [],
        "stay-in-touch": [],
    }
    assert order == expected
    assert _board_order(db_path, Policy(unanswered_limit=4)) == expected


def _board_order(path: Path, policy: Policy) -> dict[str, list[int]]:
    with Store.open_readonly(path) as store:
        assert store is not None
        board = summaries.Board(store.conn, policy, NOW)
        board.load()
        return board.order


async def test_the_board_on_screen_leads_each_column_with_the_most_urgent(fu, db_path):
    from followup_tui.domain.config import Config
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.cardlist import CardList

    ids = seed(fu)
    app = FollowupApp(Store.open(db_path), Config())
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        shown = {cards.stage: cards.ids for cards in app.screen.query(CardList)}
        assert shown["waiting"] == [ids["Cora"], ids["Bolt"], ids["Acme"]]
        assert shown["thank-you"] == [ids["Echo"], ids["Dune"]]


def test_plans_saved_by_the_previous_rules_version_are_never_read_and_the_next_writer_replans(fu, db_path):
    """An upgrade: plans saved by v2.1 ordered by flag alone. Readers go by the full rules until a
    writer opens the file and plans every card for this version."""
    ids = seed(fu)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.create_function("older", 1, lambda key: key.replace(RULES_VERSION, "v2.1", 1))
        conn.execute("UPDATE cards SET rules_key = older(rules_key) WHERE rules_key IS NOT NULL")
        conn.execute("UPDATE meta SET value = older(value) WHERE name = 'plans_key'")
        conn.execute("UPDATE card_plans SET severity = severity / ?", (NO_ACTION + 1,))  # the flag alone
    conn.close()
    assert companies(fu("status").out) == MOST_URGENT_FIRST
    assert fu("edit", ids["Acme"], "--topic", "the payments API").code == 0  # a writer opens the file
    conn = sqlite3.connect(db_path)
    (key,) = conn.execute("SELECT value FROM meta WHERE name = 'plans_key'").fetchone()
    (old,) = conn.execute("SELECT count(*) FROM cards WHERE rules_key NOT LIKE ?", (f"{RULES_VERSION}|%",)).fetchone()
    conn.close()
    assert key.startswith(f"{RULES_VERSION}|") and old == 0
    assert companies(fu("status").out) == MOST_URGENT_FIRST
    assert [card["company"] for card in json.loads(fu("list", "--json").out)] == MOST_URGENT_FIRST
