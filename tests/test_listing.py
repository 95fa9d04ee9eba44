"""`followup list --json`, written as SQLite reads it (storage/listing.py), prints what it printed when it
assessed every card in Python: `json_text([card_json(...) for each card, most urgent first])`, byte for byte."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from old_files import make_old_database

from followup_tui.domain import textsafe
from followup_tui.domain.clock import iso
from followup_tui.domain.config import Policy
from followup_tui.domain.model import Channel, Kind, Relation, Stage
from followup_tui.domain.present import assess_all, card_json
from followup_tui.storage import rulecache
from followup_tui.storage.listing import VOUCH_FROM
from followup_tui.storage.rulecache import rules_key
from followup_tui.storage.store import NewCard, Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


DEFAULT = Policy()


def as_before(path: Path, now: datetime, policy: Policy = DEFAULT, closed: bool = False, stage: Stage | None = None):
    """What `list --json` printed before it streamed: every card read and assessed in Python."""
    with Store.open_readonly(path) as store:
        rows = assess_all(store.bundles(include_closed=closed, stage=stage), policy, now)
    return textsafe.json_text([card_json(row, now) for row in rows]) + "\n"


def copy_of(seeded: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.db"
    with sqlite3.connect(seeded) as source, sqlite3.connect(path) as target:
        source.backup(target)
    return path


@pytest.mark.parametrize("offset_days", [0, 0.5, 3, 45, -2, -40])
@pytest.mark.parametrize(("options", "closed", "stage"), [((), False, None), (("--all",), True, None)])
def test_list_json_is_what_the_full_rules_print(fu, seeded, offset_days, options, closed, stage):
    """Plans hold now (and, at a past --now, do not: those cards go the full way); the order mixes both."""
    now = NOW + timedelta(days=offset_days)
    result = fu("--db", seeded, "--now", iso(now), "list", "--json", *options)
    assert result.code == 0 and result.out.count('"uid"') > 100
    assert result.out == as_before(seeded, now, closed=closed, stage=stage)


@pytest.mark.parametrize("stage", list(Stage))
def test_list_json_of_one_stage(fu, seeded, stage):
    for options, closed in (((), False), (("--all",), True)):
        result = fu("--db", seeded, "list", "--json", "--stage", stage.value, *options)
        assert result.out == as_before(seeded, NOW, closed=closed, stage=stage)


def test_list_json_under_another_policy_and_after_edits_by_hand(fu, seeded, tmp_path):
    path = copy_of(seeded, tmp_path)
    (tmp_path / "strict.toml").write_text("[policy]\nthank_you_hours = 2\nunanswered_limit = 1\n")
    strict = fu("--config", tmp_path / "strict.toml", "--db", path, "list", "--json", "--all")
    policy = Policy(thank_you_hours=2, unanswered_limit=1)
    assert strict.code == 0 and strict.out == as_before(path, NOW, policy, closed=True)
    with sqlite3.connect(path) as conn:  # another tool, and the triggers mark those cards stale
        conn.execute("DELETE FROM contacts WHERE id IN (SELECT id FROM contacts ORDER BY id DESC LIMIT 200)")
    assert fu("--db", path, "list", "--json", "--all").out == as_before(path, NOW, closed=True)


def hostile_board(path: Path) -> None:
    """Cards whose text needs every escape, and values another tool wrote in forms read.py rewrites."""
    odd = 'Ac"me\\ 😀 \u202eevil\u202c \x85 \x7f \x1b[31m\ttab\nline — Zoë'
    with Store.open(path) as store:
        first = store.add_card(
            NewCard(company=odd, role="Ingeniería", interview_at=NOW - timedelta(days=3), notes=odd, topic="∑"),
            NOW - timedelta(days=3),
        )
        store.add_person(first, "José Ñúñez 😀", Relation.INTERVIEWER)  # the thank-you note is theirs
        store.log_contact(first, Kind.REFERRAL_ASK, NOW - timedelta(days=2), NOW, person="Zoë", note=odd)
        second = store.add_card(
            NewCard(company="Plain", interview_at=NOW - timedelta(days=20), interviewers=[("Åsa Öberg", "")]),
            NOW - timedelta(days=20),
        )
        store.log_contact(second, Kind.THANK_YOU, NOW - timedelta(days=19), NOW, channel=Channel.LINKEDIN)
        store.prep_changes(second, ["research", "questions"], done=[1])
        asked = NewCard(
            company="Ünïcode",
            interview_at=NOW - timedelta(days=9),
            interviewers=[("Łukasz Żółw 😀", "")],
            follow_up_on=(NOW - timedelta(days=2)).date(),
            follow_up_via=Channel.PHONE,
        )
        third = store.add_card(asked, NOW - timedelta(days=9))
        store.log_contact(third, Kind.THANK_YOU, NOW - timedelta(days=8), NOW)
        for n in range(6):
            other = store.add_card(NewCard(company=f"Other {n}", interview_at=NOW - timedelta(days=n + 1)), NOW)
            store.log_contact(other, Kind.THANK_YOU, NOW - timedelta(days=n + 1, hours=-3), NOW)
    with sqlite3.connect(path) as conn:  # values no trigger watches, in forms the app reads otherwise
        conn.execute("UPDATE cards SET updated_at = '2026-11-20 08:00:00' WHERE company = 'Other 0'")
        conn.execute("UPDATE cards SET topic = 42 WHERE company = 'Other 1'")
        conn.execute("UPDATE cards SET notes = CAST('bytes' AS BLOB) WHERE company = 'Other 2'")
        conn.execute("UPDATE cards SET created_at = '2026-02-30T10:00:00+00:00' WHERE company = 'Other 3'")
        conn.execute("UPDATE people SET note = CAST('x' AS BLOB) WHERE name = 'Åsa Öberg'")
        # values the rules read, readable in forms read.py rewrites: the next writer plans them anew
        conn.execute("UPDATE cards SET interview_at = '2026-11-20 08:00:00' WHERE company = 'Other 4'")
        conn.execute("UPDATE cards SET follow_up_on = '2026-11-29T10:00:00+00:00' WHERE company = 'Other 5'")
    Store.open(path).close()  # the triggers marked those cards: their plans are made anew
    with sqlite3.connect(path) as conn:  # and are never cached where a value reads otherwise than stored
        unplanned = {row[0] for row in conn.execute("SELECT company FROM cards WHERE rules_key IS NULL")}
    assert unplanned == {"Plain", "Other 0", "Other 2", "Other 3", "Other 4", "Other 5"}


def test_list_json_writes_user_text_as_json_text_does(fu, tmp_path):
    path = tmp_path / "hostile.db"
    hostile_board(path)
    result = fu("--db", path, "list", "--json", "--all")
    assert result.code == 0 and "José Ñúñez" in result.out and "\\u202e" in result.out
    assert result.out == as_before(path, NOW, closed=True)
    assert '"problems": [\n      "cards.created_at of' in result.out  # the full rules' problem lines too


def test_list_json_on_a_terminal_without_unicode(proc, tmp_path, monkeypatch):
    """ensure_ascii when stdout cannot take Unicode: a surrogate pair for the emoji, as before."""
    path = tmp_path / "hostile.db"
    hostile_board(path)
    result = proc("--db", path, "list", "--json", "--all", env={"PYTHONIOENCODING": "ascii"})
    monkeypatch.setattr(textsafe, "_unicode_stdout", lambda: False)
    assert result.code == 0 and "\\ud83d\\ude00" in result.out and result.out.isascii()
    assert result.out == as_before(path, NOW, closed=True)


def test_a_plan_from_before_the_upgrade_vouches_only_for_what_triggers_watched(fu, tmp_path):
    """Before m011 no trigger watched created_at or updated_at: an upgrade drops plans of cards another
    tool changed there, and list --json shows what the full rules show."""
    path = tmp_path / "old.db"
    make_old_database(path, VOUCH_FROM - 1)
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("INSERT INTO meta (name, value) VALUES ('plans_key', ?)", (rules_key(DEFAULT),))
        rulecache.save(conn, [1], DEFAULT)
        assert conn.execute("SELECT rules_key IS NOT NULL FROM cards").fetchone() == (1,)
        conn.execute("UPDATE cards SET updated_at = '2026-11-25 12:00:00', notes = CAST('x' AS BLOB)")
        assert conn.execute("SELECT rules_key IS NOT NULL FROM cards").fetchone() == (1,)  # no trigger
    Store.open(path).close()
    result = fu("--db", path, "list", "--json")
    assert '"updated_at": "2026-11-25T12:00:00+00:00"' in result.out and "cards.notes of #1" in result.out
    assert result.out == as_before(path, NOW)


def test_list_json_of_an_older_file_and_of_none(fu, tmp_path):
    path = tmp_path / "v2.db"
    make_old_database(path, 2)
    result = fu("--db", path, "list", "--json", "--all")
    assert result.code == 0 and '"company": "Acme"' in result.out
    assert result.out == as_before(path, NOW, closed=True)
    assert fu("--db", tmp_path / "none.db", "list", "--json").out == "[]\n"
    assert not (tmp_path / "none.db").exists()


def test_list_json_reads_without_click_and_the_full_command_line_prints_the_same(seeded, capsys):
    code = (
        "import sys; from followup_tui.cli.entry import main\n"
        "try: main(['--db', sys.argv[1], 'list', '--json', '--stage', 'waiting', '--all'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('textual', 'click', 'sqlite_utils', 'arrow') if m in sys.modules))"
    )
    env = {**os.environ, "FOLLOWUP_NOW": iso(NOW)}
    done = subprocess.run([sys.executable, "-c", code, str(seeded)], capture_output=True, text=True, env=env)
    assert done.stdout.splitlines()[-1] == "[]" and '"stage": "waiting"' in done.stdout
    from followup_tui.cli.main import main as full

    with pytest.raises(SystemExit):  # click's path (a form entry.py leaves to it) prints the same
        full(["--db", str(seeded), "list", "--stage=waiting", "--json", "--all"])
    assert capsys.readouterr().out == done.stdout.removesuffix("[]\n")


def test_a_damaged_file_is_one_line_and_nothing_on_stdout(fu, tmp_path):
    path = tmp_path / "broken.db"
    with Store.open(path) as store:
        store.add_card(NewCard(company="Acme", interview_at=NOW), NOW)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE card_plans")
    result = fu("--db", path, "list", "--json")
    assert (result.code, result.out) == (1, "") and "run `followup doctor`" in result.err


def test_utf8_json_is_made_safe_as_json_text_makes_it(monkeypatch):
    """Every character json_text escapes after json.dumps (DEL, C1, bidi marks), and its neighbours it keeps."""
    monkeypatch.setattr(textsafe, "_unicode_stdout", lambda: True)
    escaped = ["\x7f", *map(chr, range(0x80, 0xA0)), "\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F))]
    escaped += [chr(c) for c in range(0x2066, 0x206A)]
    kept = ["\xa0", "©", "\u061b", "\u200d", "\u2014", "\u2029", "\u202f", "\u2065", "\u206a", "Zoë 😀"]
    for char in escaped + kept:
        value = [f"a{char}b — {char}"]
        plain = json.dumps(value, ensure_ascii=False, indent=2).encode()
        assert textsafe.json_printable_utf8(plain) == textsafe.json_text(value).encode(), repr(char)
        assert (textsafe.json_printable_utf8(plain) == plain) == (char in kept), repr(char)


def test_list_says_the_time_of_an_interview_on_its_day(fu):
    """QA: Feb 22 "(round 1, interview in 2d)", but on Feb 24 (the interview at 15:00) only "(round 1)"."""
    fu("--now", "2026-02-20 10:00", "add", "Acme", "--at", "2026-02-24 15:00")
    assert "(round 1, interview in 2d)  interview in 2 days;" in fu("--now", "2026-02-22 10:00", "list").out
    assert "(round 1, interview today 15:00)  interview in 5h;" in fu("--now", "2026-02-24 10:00", "list").out
