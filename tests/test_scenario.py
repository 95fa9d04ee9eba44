"""A three-week search in New York, walked day by day with --now (../shared/scenarios/three-week-search.md).

Every step runs the real command line and checks what status, list, show, the
board's read model and draft say; at every step they must agree, and nothing
the user did as asked may ever show as TOO SOON.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from followup_tui.domain.clock import parse_instant
from followup_tui.domain.config import Policy
from followup_tui.storage import summaries
from followup_tui.storage.store import Store

NORTHWIND, CONTOSO, FABRIKAM, TAILSPIN, LITWARE = "1", "2", "3", "4", "5"


class Search:
    """The user's shell: every command at a given local time."""

    def __init__(self, fu, db_path):
        self.fu, self.db_path, self.now = fu, db_path, None

    def at(self, when: str) -> Search:
        self.now = when
        return self

    def run(self, *args, code: int = 0):
        result = self.fu("--now", self.now, *args)
        assert result.code == code, (self.now, args, result.err)
        return result

    def quietly(self, *args):
        """A command the user had every reason to run: no warning."""
        result = self.run(*args)
        assert result.err == "", (self.now, args, result.err)
        return result

    def status(self) -> dict:
        return {str(item["id"]): item for item in json.loads(self.run("status", "--json").out)["attention"]}

    def card(self, card_id: str) -> dict:
        return json.loads(self.run("show", card_id, "--json").out)

    def line(self, card_id: str) -> str:
        return self.card(card_id)["reasons"][0]

    def flags(self, card_id: str) -> list[str]:
        return self.card(card_id)["flags"]

    def agree(self, too_soon_allowed: set[str] = frozenset()) -> None:
        """status, list, show and the board's read model say the same about every card."""
        listed = {str(c["id"]): c for c in json.loads(self.run("list", "--json").out)}
        glance = self.status()
        now = parse_instant(self.now, datetime.now(UTC))
        with Store.open_readonly(self.db_path) as store:
            board = {str(s.card_id): s.assessment for s in summaries.load(store.conn, Policy(), now)}
        for card_id, card in listed.items():
            shown = self.card(card_id)
            assert (shown["flags"], shown["reasons"], shown["next_action"]) == (
                card["flags"],
                card["reasons"],
                card["next_action"],
            ), (self.now, card_id)
            assert (list(board[card_id].flags), list(board[card_id].reasons)) == (card["flags"], card["reasons"])
            if card["flags"]:
                item = glance[card_id]
                assert (item["flags"], item["reasons"], item["next_action"]) == (
                    card["flags"],
                    card["reasons"],
                    card["next_action"],
                ), (self.now, card_id)
            else:
                assert card_id not in glance
            if card_id not in too_soon_allowed:
                assert "too-frequent" not in card["flags"], (self.now, card["company"], card["reasons"])
        short = self.run("status", "--short").out.strip()
        attention = sum(1 for c in listed.values() if c["flags"])
        assert short.endswith(f"{len(listed)} active") and (attention > 0) == (short != f"{len(listed)} active")


@pytest.fixture
def search(fu, db_path, zone):
    zone("America/New_York")
    return Search(fu, db_path)


def test_three_week_search(search):
    s = search
    # Mon Dec 7: Northwind, and the interviews of the week before
    s.at("2026-12-07 12:00").quietly(
        "add",
        "Northwind",
        "--role",
        "Backend Engineer",
        "--at",
        "2026-12-07 10:00",
        "--interviewer",
        "Priya Shah <priya@northwind.com>",
        "--follow-up-on",
        "2026-12-11",
        "--via",
        "email",
        "--decision-by",
        "2026-12-11",
        "--fit",
        "I moved a payments monolith to services",
        "--topic",
        "their move off the monolith",
        "--note",
        "Priya said: never call me on Mondays",
    )
    assert s.flags(NORTHWIND) == ["due"] and s.line(NORTHWIND) == "send a thank-you within 22h"
    note = s.run("draft", NORTHWIND).out
    assert note.startswith("Subject: Thank you") and "Hi Priya," in note
    assert "their move off the monolith" in note and "payments monolith" in note and "Mondays" not in note
    s.quietly("add", "Contoso", "--role", "SRE", "--at", "2026-12-04 14:00", "--interviewer", "Lee Wong")
    s.quietly("log", CONTOSO, "thank-you", "--at", "2026-12-04 20:00")
    s.agree()

    s.at("2026-12-07 19:00")
    logged = s.quietly("log", NORTHWIND, "thank-you").out
    assert "moved to waiting" in logged and "next: next contact from Dec 11" in logged
    assert s.flags(NORTHWIND) == []

    s.at("2026-12-09 12:00").quietly("add", "Fabrikam", "--role", "Data Engineer", "--at", "2026-12-09 11:00")
    s.at("2026-12-09 18:00").quietly(
        "add", "Tailspin", "--at", "2026-12-09 15:00", "--follow-up-on", "2026-12-21", "--via", "phone"
    )
    s.quietly("person", TAILSPIN, "Ana Silva", "--relation", "hiring-manager")
    s.at("2026-12-09 20:00").quietly("log", TAILSPIN, "thank-you")
    s.at("2026-12-10 09:00").quietly("add", "Litware", "--at", "2026-12-10 08:00")
    s.at("2026-12-10 12:00").quietly("log", LITWARE, "thank-you")

    # Thu Dec 10: Contoso invites to round 2; by the evening Fabrikam's note is late
    s.quietly("log", CONTOSO, "invite", "--round-at", "2026-12-16 13:00")
    s.quietly("prep", CONTOSO, "--add", "the SLO questions", "--add", "ask about on-call")
    assert s.flags(CONTOSO) == [] and s.line(CONTOSO) == "round 2 in 6d"
    s.at("2026-12-10 18:00")
    assert s.status()[FABRIKAM]["reasons"] == ["thank-you note overdue by 7h"]
    assert s.status()[FABRIKAM]["flags"] == ["overdue"]
    s.agree()

    # Fri Dec 11: the day Priya asked for
    s.at("2026-12-11 09:00")
    assert s.flags(NORTHWIND) == ["due"]
    assert s.line(NORTHWIND) == "they asked to hear from you today by email — write to Priya"
    assert s.card(NORTHWIND)["next_action"]["person"] == "Priya Shah"
    follow_up = s.run("draft", NORTHWIND).out
    assert follow_up.startswith("Subject: Following up") and "Hi Priya," in follow_up
    s.agree()
    s.at("2026-12-11 16:00")
    assert "next: next contact from Dec 18" in s.quietly("log", NORTHWIND, "follow-up").out
    assert s.flags(NORTHWIND) == []
    for day in range(12, 18):
        s.at(f"2026-12-{day} 12:00")
        assert s.flags(NORTHWIND) == [] and "polite check-in" not in s.line(NORTHWIND)

    # Mon Dec 14: a premature email to Tailspin, a recommendation from Dana, Contoso's prep
    s.at("2026-12-14 12:00")
    premature = s.run("log", TAILSPIN, "follow-up", "--via", "email")
    assert "too soon: they asked you to wait until Dec 21 (and they asked for a phone call)" in premature.err
    assert s.flags(TAILSPIN) == ["too-frequent"]
    assert s.card(TAILSPIN)["reasons"][1] == "they asked you to wait until Dec 21 (and they asked for a phone call)"
    s.quietly("person", LITWARE, "Dana Kim", "--relation", "network")
    assert s.flags(LITWARE) == ["due"] and s.line(LITWARE) == "ask Dana Kim for a recommendation"
    ask = s.run("draft", LITWARE).out
    assert ask.startswith("Subject: A favour: Litware") and "Hi Dana," in ask
    assert s.flags(CONTOSO) == ["due"] and s.line(CONTOSO) == "round 2 in 2 days; prep 0/7"
    s.agree(too_soon_allowed={TAILSPIN})

    # Tue Dec 15: Fabrikam says no; the gracious reply goes out, logged as the obvious kind
    s.at("2026-12-15 10:30")
    told = s.quietly("log", FABRIKAM, "rejection").out
    assert "moved to stay-in-touch; outcome rejected" in told and f"followup log {FABRIKAM} answer" in told
    assert s.flags(FABRIKAM) == ["due"] and s.line(FABRIKAM) == "a gracious reply keeps the door open"
    assert "Thank you for letting me know" in s.run("draft", FABRIKAM).out
    s.at("2026-12-15 12:00")
    assert "next: next contact from Feb 13" in s.quietly("log", FABRIKAM, "follow-up", "--note", "gracious reply").out
    assert s.flags(FABRIKAM) == []

    # Wed Dec 16: Contoso's round 2 happened; the thank-you starts it, no move needed
    s.at("2026-12-16 15:00")
    assert s.flags(CONTOSO) == ["due"]
    assert s.line(CONTOSO) == "round 2 was 2h ago — send a thank-you within 22h"
    s.agree(too_soon_allowed={TAILSPIN})
    s.at("2026-12-16 19:00")
    assert "round 2 started; moved to waiting" in s.quietly("log", CONTOSO, "thank-you").out
    contoso = s.card(CONTOSO)
    assert (contoso["round"], contoso["stage"], contoso["flags"]) == (2, "waiting", [])

    s.at("2026-12-18 11:00").quietly("log", NORTHWIND, "check-in")  # the seventh day counts whole

    # Mon Dec 21: the call Ana asked for
    s.at("2026-12-21 09:00")
    assert s.flags(TAILSPIN) == ["due"]
    assert s.line(TAILSPIN) == "they asked to hear from you today by phone — call Ana"
    points = s.run("draft", TAILSPIN).out
    assert "talking points" in points and "Ana Silva" in points and "Subject:" not in points
    s.agree()
    s.at("2026-12-21 10:00")
    s.quietly("log", TAILSPIN, "follow-up", "--via", "phone")
    assert "next: next contact from Dec 28" in s.quietly("log", TAILSPIN, "reply", "--via", "phone").out
    assert s.flags(TAILSPIN) == []

    # Tue Dec 22: an offer from Contoso; a third unanswered nudge to Northwind
    s.at("2026-12-22 15:00")
    s.quietly("log", CONTOSO, "offer")
    assert s.flags(CONTOSO) == ["due"] and s.line(CONTOSO) == "respond to the offer"
    assert CONTOSO in s.status() and "respond to the offer" in s.run("list").out
    assert s.run("draft", CONTOSO).out.startswith("Subject: Your offer for the SRE role")
    third = s.run("log", NORTHWIND, "follow-up")
    assert "too soon: followed up 4 days after your last message; hold off until Dec 29" in third.err
    assert s.flags(NORTHWIND) == ["too-frequent", "no-reply"]
    assert s.line(NORTHWIND) == "3 messages without reply — consider moving on"
    refused = s.run("draft", NORTHWIND, code=1)
    assert "nothing to send now: hold off until Dec 29; 3 messages without reply — consider moving on" in refused.err
    s.agree(too_soon_allowed={NORTHWIND})

    # Tue Mar 16 2027: three months on, Fabrikam is due a check-in
    s.at("2027-03-16 09:00")
    assert s.flags(FABRIKAM) == ["due"] and s.line(FABRIKAM) == "last contact 90 days ago — time to check in"
    assert s.run("draft", FABRIKAM).out.startswith("Subject: Keeping in touch")
    s.agree()
