"""`followup stats` on the command line: the JSON the README documents, tables, charts only where
colour is allowed, --since, errors, and the fast path that answers it without click."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from stats_fixtures import filled

from followup_tui.storage import stats

README = Path(__file__).resolve().parent.parent / "README.md"
# box drawing, block elements and braille: what plotext and the heat strip draw with
CHART = re.compile("[\u2500-\u257f\u2580-\u259f\u2800-\u28ff]")


@pytest.fixture
def search(db_path):
    filled(db_path)
    return db_path


def documented() -> dict:
    """The `followup stats --json` example in the README."""
    section = README.read_text(encoding="utf-8").split("### `followup stats --json`", 1)[1]
    return json.loads(section.split("```json", 1)[1].split("```", 1)[0])


def shape(value: object) -> object:
    """Keys and value types, lists by their first item (an empty list: any item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


def test_json_has_the_shape_the_readme_documents(fu, search):
    done = fu("--db", search, "stats", "--json")
    assert done.code == 0 and done.err == ""
    found = json.loads(done.out)
    assert shape(found) == shape(documented())
    assert found["response"]["all"] == {"channel": "all", "sent": 6, "answered": 3, "rate": 0.5, "median_days": 3.08}
    assert found["habits"]["thank_yous"]["median_hours"] == 3.5
    assert [m["premature"] for m in found["habits"]["premature"]] == [1, 2, 0]
    assert len(found["activity"]["days"]) == 81 and sum(d["contacts"] for d in found["activity"]["days"]) == 15


def test_the_readme_example_is_this_search(fu, search):
    """Each item the README shows is the real one (its lists are cut down to one item)."""
    found, example = json.loads(fu("--db", search, "stats", "--json").out), documented()
    assert example["funnel"]["all"] == found["funnel"]["all"]
    assert example["funnel"]["months"][0] in found["funnel"]["months"]
    assert example["habits"] == {**found["habits"], "premature": example["habits"]["premature"]}
    assert example["habits"]["premature"][0] in found["habits"]["premature"]
    assert example["pipeline"]["oldest_waits"][0] == found["pipeline"]["oldest_waits"][0]


def test_tables_carry_the_numbers(fu, search, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = fu("--db", search, "stats").out
    assert "  all                 6            1   17%       1   17%" in out
    assert "  linkedin        2         1    50%                   5.0" in out
    assert "thank-yous within 24h: 3 of 5 (60%); median 3.5h after the interview" in out
    assert "  Oct 2026            3          2   67%" in out
    assert "  Nov 02         2         2" in out  # the week of Nov 2: sent, received
    assert "  Tue  0  0  0  0  0  0  2  0  1  0  0  0" in out  # Oct 20 (Globex, Acme), Nov 3 (rejection)
    assert "#2    Acme — Engineer: waiting 36d, last heard 20d ago" in out


def test_no_color_and_json_draw_no_charts(fu, search, monkeypatch):
    charted = fu("--db", search, "stats").out
    assert CHART.search(charted)  # by default: plotext's bars and line, the heat strip
    assert "Thu ▒ · · · ▒ ▒ · ▒ ▒ ▒ · ·" in charted
    assert not CHART.search(fu("--db", search, "stats", "--json").out)
    monkeypatch.setenv("NO_COLOR", "1")
    plain = fu("--db", search, "stats").out
    assert not CHART.search(plain)
    assert "per day (a column per week):" in plain


def test_no_escape_codes_when_not_a_terminal(fu, search):
    assert "\x1b" not in fu("--db", search, "stats").out


def test_since(fu, search):
    done = fu("--db", search, "stats", "--since", "Oct 15")
    assert done.code == 0
    assert "(since Oct 15 2026)" in done.out
    assert json.loads(fu("--db", search, "stats", "--json", "--since=2026-10-15").out)["since"] == "2026-10-15"


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["stats", "--since", "12/03"], 1, "--since: "),
        (["stats", "--since", "in -3 days"], 1, "--since: "),
        (["stats", "--since"], 2, "--since"),
        (["stats", "--week"], 2, "No such option"),
        (["--now", "someday", "stats"], 1, "--now / FOLLOWUP_NOW"),
    ],
)
def test_bad_input_is_one_line(fu, search, args, code, says):
    done = fu("--db", search, *args)
    assert (done.code, done.out) == (code, "")
    assert done.err.startswith("followup: error: ") and says in done.err and done.err.count("\n") == 1


def test_a_missing_database_has_nothing_to_count_and_stays_missing(fu, tmp_path):
    path = tmp_path / "none.db"
    done = fu("--db", path, "stats")
    assert done.code == 0
    for need in ("funnel", "response", "thank_yous", "premature", "activity", "pipeline"):
        assert stats.NEEDS[need] in done.out
    assert not path.exists()


def test_follow_ups_without_replies_ask_for_replies(fu, db_path):
    fu("--db", db_path, "add", "Acme", "--at", "2026-11-02 10:00")
    fu("--db", db_path, "log", "1", "follow-up", "--at", "2026-11-12 10:00")
    assert stats.NEEDS["reply_time"] in fu("--db", db_path, "stats").out


def test_the_quick_path_and_click_print_the_same(fu, search, capsys):
    from followup_tui.cli.main import main as full

    quick = fu("--db", search, "stats", "--since", "Sep 1")
    with pytest.raises(SystemExit):
        full(["--db", str(search), "stats", "--since", "Sep 1"])
    assert capsys.readouterr().out == quick.out


def test_stats_answers_without_click_or_textual(search):
    code = (
        "import sys\nfrom followup_tui.cli.entry import main\n"
        "try:\n    main(['--db', sys.argv[1], 'stats', '--json'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('textual', 'click', 'sqlite_utils', 'tomlkit', 'plotext', 'dataclasses') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(search)], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_stats_never_writes(fu, search):
    before = search.read_bytes()
    assert fu("--db", search, "stats").code == 0
    assert search.read_bytes() == before


def test_talk_with_your_network_is_neither_a_follow_up_nor_their_answer(fu):
    """As in the rules (v2.12): a friend linked as `network` replying to your ask is not the company
    answering your follow-up, and a follow-up to that friend is not one to the company."""

    def at(when: str, *args: str):
        return fu("--now", when, *args)

    def response() -> dict:
        return json.loads(at("2026-12-30 12:00", "stats", "--json").out)["response"]["all"]

    card_id = at("2026-12-10 09:00", "add", "Litware", "--at", "2026-12-10 08:00", "--interviewer", "Omar").out.strip()
    at("2026-12-10 12:00", "log", card_id, "thank-you")
    at("2026-12-14 12:00", "person", card_id, "Dana Kim", "--relation", "network")
    at("2026-12-14 13:00", "log", card_id, "referral-ask")
    at("2026-12-17 09:00", "log", card_id, "follow-up", "--person", "omar")
    at("2026-12-18 09:00", "log", card_id, "reply", "--person", "dana", "--note", "put in a word")
    at("2026-12-19 09:00", "log", card_id, "follow-up", "--person", "dana", "--note", "thanks!")
    assert (response()["sent"], response()["answered"]) == (1, 0)
    waits = json.loads(at("2026-12-20 12:00", "stats", "--json").out)["pipeline"]["oldest_waits"]
    assert [w["last_heard"] for w in waits] == [None]  # nothing from Litware yet: Dana is not them
    at("2026-12-21 09:00", "log", card_id, "reply", "--person", "omar")
    assert (response()["sent"], response()["answered"]) == (1, 1)
