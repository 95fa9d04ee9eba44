"""The command line as a contract (SPEC §5): output, exit codes, nothing written on error."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC

import pytest

ESC = "\x1b"


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_card(fu, *args) -> int:
    result = fu("add", "Acme", "--role", "Backend Engineer", "--at", "yesterday 14:00", *args)
    assert result.code == 0, result.err
    return int(result.out)


def test_the_first_session_end_to_end(proc, db_path):
    added = proc("add", "Acme", "--role", "Backend Engineer", "--at", "yesterday 14:00", "--interviewer", "Jane Doe")
    assert added.code == 0 and added.out.strip().isdigit(), added.err
    card_id = added.out.strip()
    shown = json.loads(proc("show", card_id, "--json").out)
    assert (shown["stage"], shown["round"], shown["company"]) == ("thank-you", 1, "Acme")
    assert [(p["name"], p["relation"]) for p in shown["people"]] == [("Jane Doe", "interviewer")]
    assert shown["flags"] == ["due"] and shown["reasons"] == ["send a thank-you within 4h"]
    logged = proc("log", card_id, "thank-you")
    assert logged.code == 0 and "moved to waiting" in logged.out
    listed = json.loads(proc("list", "--json").out)
    assert [(c["id"], c["stage"]) for c in listed] == [(int(card_id), "waiting")]
    assert proc("move", card_id, "next-round", "--at", "in 3 days").code == 0
    assert proc("close", card_id, "--outcome", "withdrawn").code == 0
    assert json.loads(proc("list", "--json").out) == []
    assert [c["outcome"] for c in json.loads(proc("list", "--all", "--json").out)] == ["withdrawn"]
    assert proc("reopen", card_id).code == 0
    assert proc("delete", card_id, "--yes").code == 0
    assert json.loads(proc("list", "--all", "--json").out) == []
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM cards").fetchone()[0] == 0


def test_list_json_carries_the_documented_fields(fu):
    card_id = new_card(fu, "--follow-up-on", "2026-12-03", "--via", "phone", "--decision-by", "2026-12-10")
    (card,) = json.loads(fu("list", "--json").out)
    assert card["id"] == card_id
    assert card["interview_at"] == "2026-11-25T14:00:00+00:00"
    assert (card["follow_up_on"], card["follow_up_via"], card["decision_by"]) == ("2026-12-03", "phone", "2026-12-10")
    assert set(card) >= {"uid", "outcome", "round", "next_contact_ok", "flags", "reasons", "closed"}


def test_logging_a_rejection_moves_to_stay_in_touch_at_its_time(fu):
    card_id = new_card(fu)
    assert fu("log", card_id, "rejection", "--at", "2026-08-01").code == 0
    card = json.loads(fu("show", card_id, "--json").out)
    assert (card["stage"], card["outcome"], card["stage_entered_at"]) == (
        "stay-in-touch",
        "rejected",
        "2026-08-01T00:00:00+00:00",
    )
    assert card["flags"] == ["due"]  # more than 90 days in the stage without contact


def test_invite_sets_the_next_round(fu):
    card_id = new_card(fu)
    fu("log", card_id, "thank-you")
    result = fu(
        "log", card_id, "invite", "--round-at", "2026-12-01 15:00", "--via", "phone", "--person", "Sam Recruiter"
    )
    assert "moved to next-round" in result.out
    card = json.loads(fu("show", card_id, "--json").out)
    assert (card["stage"], card["next_round_at"]) == ("next-round", "2026-12-01T15:00:00+00:00")
    assert card["contacts"][-1]["person"] == "Sam Recruiter"


def test_too_frequent_contact_is_logged_with_a_warning(fu):
    card_id = new_card(fu)
    assert fu("log", card_id, "thank-you", "--at", "yesterday 18:00").code == 0
    result = fu("log", card_id, "follow-up")
    assert result.code == 0
    assert "warning: too soon" in result.err
    assert len(json.loads(fu("show", card_id, "--json").out)["contacts"]) == 2


def test_an_interview_added_ahead_of_time_waits_for_it(fu):
    result = fu("add", "Acme", "--at", "in 30 days")
    assert result.code == 0 and result.err == ""
    assert "interview in 30d" in fu("list").out


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["show", "99"], 1, "no card #99"),
        (["log", "99", "thank-you"], 1, "no card #99"),
        (["move", "1", "limbo"], 2, "'limbo' is not one of"),
        (["log", "1", "smoke-signal"], 2, "'smoke-signal' is not one of"),
        (["log", "1", "follow-up", "--at", "someday"], 1, "cannot read time 'someday'"),
        (["add", "   "], 1, "company must not be empty"),
        (["add", "Acme", "--at", "next blue moon"], 1, "cannot read time"),
        (["frobnicate"], 2, "No such command"),
        (["list", "--bogus"], 2, "No such option"),
        (["--now", "whenever", "list"], 1, "cannot read time 'whenever'"),
        (["move", "1", "waiting"], 1, "already in waiting"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(fu, db_path, args, code, message):
    new_card(fu)
    fu("log", "1", "thank-you")
    before = sha(db_path)
    result = fu(*args)
    assert result.code == code
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert message in result.err
    assert sha(db_path) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["log", "1", "reply", "--follow-up-on", ""], "--follow-up-on is empty"),
        (["log", "1", "offer", "--decision-by", " "], "--decision-by is empty"),
        (["log", "1", "invite", "--round-at", ""], "--round-at is empty"),
        (["add", "Globex", "--follow-up-on", ""], "--follow-up-on is empty"),
        (["move", "1", "next-round", "--at", ""], "--at: empty time"),
    ],
)
def test_an_empty_date_is_refused_not_dropped_in_silence(fu, db_path, args, message):
    """Only edit clears a date with ''; elsewhere the contact or card was written without what was typed."""
    new_card(fu)
    fu("log", "1", "thank-you")
    before = sha(db_path)
    result = fu(*args)
    assert (result.code, result.err.count("\n"), result.out) == (1, 1, "")
    assert message in result.err
    assert sha(db_path) == before
    assert len(json.loads(fu("list", "--json").out)) == 1


@pytest.mark.parametrize("args", [["add", b"\xff\xfeCo"], ["person", "1", b"Zo\xeb", "--relation", "network"]])
def test_arguments_that_are_not_utf8_are_one_line_and_change_nothing(proc, fu, db_path, args):
    new_card(fu)
    before = sha(db_path)
    result = proc(*args)
    assert (result.code, result.err.count("\n"), "Traceback" in result.err) == (1, 1, False)
    assert "not UTF-8 text (byte 0x" in result.err
    assert sha(db_path) == before


def test_show_finds_a_card_by_its_uid_too(fu, tmp_path):
    card_id = new_card(fu)
    uid = json.loads(fu("show", card_id, "--json").out)["uid"]
    assert fu("show", uid).out.splitlines()[0] == f"#{card_id} Acme — Backend Engineer"
    assert json.loads(fu("show", f"#{card_id}", "--json").out)["uid"] == uid
    exported = tmp_path / "export.json"
    exported.write_text(fu("export").out)
    other = tmp_path / "other.db"
    fu("--db", other, "add", "Globex")  # takes id 1 there: Acme gets another id
    assert fu("--db", other, "import", exported).code == 0
    moved = fu("--db", other, "show", uid)
    assert moved.out.splitlines()[0] == f"#{card_id + 1} Acme — Backend Engineer"
    for ref in ("not-a-uid", uid[:-1], "99999999999999999999999", "²"):
        missing = fu("show", ref)
        assert (missing.code, missing.err.count("\n")) == (1, 1) and "no card" in missing.err


def test_delete_asks_first(fu, db_path):
    card_id = new_card(fu)
    refused = fu("delete", card_id, stdin="n\n")
    assert refused.code == 1 and "nothing deleted" in refused.err
    deleted = fu("delete", card_id, stdin="y\n")
    assert deleted.code == 0 and deleted.out.endswith(f"#{card_id} Acme deleted (followup undo brings it back)\n")
    assert fu("show", card_id).code == 1


def test_hostile_text_is_stored_exactly_and_printed_harmlessly(fu):
    evil = "[bold]Acme[/] \x1b]0;pwned\x07 \x1b[31mred\x9b2J \u202eevil 🦊 \"q\" 'q' שלום"
    card_id = int(fu("add", evil, "--note", evil, "--interviewer", evil).out)
    plain = fu("show", card_id).out + fu("list").out + fu("status").out
    assert ESC not in plain and "\x9b" not in plain and "\u202e" not in plain
    assert "[bold]Acme[/]" in plain and "\\x1b" in plain
    raw = fu("show", card_id, "--json").out
    assert ESC not in raw and "\x9b" not in raw
    card = json.loads(raw)
    assert card["company"] == evil and card["notes"] == evil and card["people"][0]["name"] == evil


def test_a_100kb_note_is_stored_intact(fu):
    note = "line of notes\n" * 7500
    card_id = new_card(fu, "--note", note)
    assert json.loads(fu("show", card_id, "--json").out)["notes"] == note


def test_directory_as_db_is_refused(fu, tmp_path):
    result = fu("--db", str(tmp_path), "add", "Acme")
    assert result.code == 1 and "is a directory" in result.err


def test_refused_files_stay_byte_for_byte(proc, tmp_path):
    import os

    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    newer = tmp_path / "newer.db"
    assert proc("--db", newer, "add", "Acme").code == 0
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version=99")
    conn.commit()
    conn.close()
    for path in (junk, newer):
        before = sha(path)
        for args in (
            ["list"],
            ["show", "1"],
            ["add", "X"],
            ["log", "1", "reply"],
            ["status"],
            ["delete", "1", "--yes"],
        ):
            result = proc("--db", path, *args)
            assert result.code == 1, (path, args, result.err)
            assert len(result.err.strip().splitlines()) == 1
        assert sha(path) == before


def test_missing_database_reads_as_empty_and_is_not_created(fu, db_path):
    assert fu("list", "--json").out.strip() == "[]"
    assert "0 cards" in fu("list").out
    assert not db_path.exists()


def test_invalid_config_names_the_key_and_exits_2(fu, tmp_path):
    (tmp_path / "config.toml").write_text("[policy]\nthank_you_hours = -4\n")
    result = fu("list")
    assert result.code == 2 and "policy.thank_you_hours" in result.err
    (tmp_path / "config.toml").write_text("[policy]\nthank_you_hour = 4\n")
    assert "unknown key policy.thank_you_hour" in fu("list").err


def test_config_policy_changes_the_flags(fu, tmp_path):
    new_card(fu)  # interviewed 20h ago
    assert json.loads(fu("list", "--json").out)[0]["flags"] == ["due"]
    (tmp_path / "config.toml").write_text("[policy]\nthank_you_hours = 12\n")
    assert json.loads(fu("list", "--json").out)[0]["flags"] == ["overdue"]


def test_prep_checklist(fu):
    card_id = new_card(fu)
    fu("prep", card_id, "--add", "research the team", "--add", "questions to ask")
    result = fu("prep", card_id, "--done", "2")
    assert result.out.splitlines() == [" 1. [ ] research the team", " 2. [x] questions to ask"]
    assert fu("prep", card_id, "--done", "3").code == 1


def test_person_links_a_network_contact(fu):
    card_id = new_card(fu)
    fu("log", card_id, "thank-you")
    assert fu("person", card_id, "Dana Lee", "--relation", "network", "--note", "ex-colleague").code == 0
    card = json.loads(fu("show", card_id, "--json").out)
    assert ("Dana Lee", "network") in [(p["name"], p["relation"]) for p in card["people"]]
    assert "ask Dana Lee for a recommendation" in card["reasons"]
    fu("log", card_id, "referral-ask", "--person", "dana lee")
    assert "ask Dana Lee for a recommendation" not in json.loads(fu("show", card_id, "--json").out)["reasons"]


def test_next_round_fills_the_default_prep_checklist(fu):
    card_id = new_card(fu)
    fu("log", card_id, "thank-you")
    fu("log", card_id, "invite", "--round-at", "in 2 days")
    card = json.loads(fu("show", card_id, "--json").out)
    assert [p["text"] for p in card["prep"]][:2] == ["research the team and recent news", "re-read the job description"]
    assert len(card["prep"]) == 5 and card["prep_done"] == 0
    assert "round 2 in 2 days; prep 0/5" in card["reasons"]
    fu("prep", card_id, *sum((["--done", str(n)] for n in range(1, 6)), []))
    assert "round 2 in 2 days; prep 0/5" not in json.loads(fu("show", card_id, "--json").out)["reasons"]


def test_logging_a_rejection_points_to_the_gracious_reply(fu):
    card_id = new_card(fu)
    result = fu("log", card_id, "rejection")
    assert (
        f"a gracious reply keeps the door open (followup draft {card_id}, then followup log {card_id} answer)"
        in result.out
    )
    assert "Thank you for letting me know" in fu("draft", card_id).out


def test_the_demo_shows_every_flag_and_every_next_action_kind(tmp_path):
    from datetime import datetime

    from followup_tui.domain.config import Policy
    from followup_tui.domain.present import assess_all
    from followup_tui.exchange.demo import fill
    from followup_tui.storage.store import Store

    now = datetime(2026, 11, 26, 10, tzinfo=UTC)
    with Store.open(tmp_path / "demo.db") as store:
        fill(store, now)
        rows = assess_all(store.bundles(), Policy(), now)
    assert {row.assessment.action.kind for row in rows} == {
        "offer",
        "thank-you",
        "prep",
        "gracious-reply",
        "follow-up",
        "check-in",
        "referral-ask",
        "move-on",
        "wait",
    }
    assert {flag for row in rows for flag in row.assessment.flags} == {"overdue", "too-frequent", "due", "no-reply"}


def test_a_name_empty_up_to_a_nul_is_one_line_not_a_traceback(fu, db_path):
    """SQLite's length() stops at NUL, so the schema's CHECK refuses what Python's strip() let by."""
    result = fu("add", "\x00Acme")
    assert result.code == 1 and result.err.startswith("followup: error: the database refused the change")
    assert "Traceback" not in result.err and fu("list").out.strip() in (
        "no cards",
        f"no database yet at {db_path}: 0 cards",
    )


def test_a_panel_can_be_named_in_one_interviewer_option_as_in_the_board_form(fu):
    """`--interviewer "Priya Shah <p@c.com>, Omar Haddad <o@c.com>"` is two people, as the board's
    form reads it (it was one person called 'Priya Shah <p@c.com>, Omar Haddad')."""
    card_id = int(fu("add", "Contoso", "--interviewer", "Priya Shah <p@c.com>, Omar Haddad <o@c.com>").out)
    people = json.loads(fu("show", card_id, "--json").out)["people"]
    assert [(p["name"], p["email"]) for p in people] == [("Priya Shah", "p@c.com"), ("Omar Haddad", "o@c.com")]
    empty = fu("add", "Globex", "--interviewer", " , ")
    assert empty.code == 1 and "--interviewer must not be empty" in empty.err


@pytest.mark.parametrize(
    "name, says, code",
    [
        ("board.png", "--screenshot saves SVG: name the file board.svg, not ", 2),  # it wrote SVG into board.png
        ("missing/board.svg", "folder ", 1),
        ("link.svg", "is a symbolic link (refusing to write through it", 1),
    ],
)
def test_a_demo_screenshot_it_cannot_save_is_one_line_before_the_board_runs(fu, tmp_path, name, says, code):
    (tmp_path / "link.svg").symlink_to(tmp_path / "elsewhere.svg")
    result = fu("demo", "--screenshot", tmp_path / name)
    assert result.code == code and says in result.err and result.err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".png", ".svg")) == ["link.svg"]


def test_a_demo_screenshot_is_a_new_private_svg_of_the_board(fu, tmp_path):
    target = tmp_path / "board.svg"
    result = fu("demo", "--screenshot", target)
    assert result.code == 0 and result.out == f"saved {target}\n"
    assert target.read_text(encoding="utf-8").startswith("<svg") and "Thank-you" in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_next_round_that_has_begun_shows_as_the_card_s_round(fu):
    """QA: the card read "round 1" while its line said "round 2 was 20h ago — send a thank-you"."""
    card_id = new_card(fu)
    fu("log", card_id, "thank-you")
    fu("log", card_id, "invite", "--round-at", "in 2 hours")
    assert "(round 1, round 2 today 12:00)" in fu("list").out  # round 2 is ahead
    later = fu("--now", "2026-11-27 06:00", "list").out  # round 2 was at 12:00 the day before
    assert f"#{card_id}" in later and "(round 2)" in later and "round 2 was 18h ago" in later
    assert "next-round · round 2 · round 2 was 18h ago" in fu("--now", "2026-11-27 06:00", "show", card_id).out
