"""A thank-you to every panel member, in every round (SPEC §3.1: "one to each interviewer"): each
person link knows the round they were met in (m014), and round N's notes go to round N's people."""

from __future__ import annotations

import json
import sqlite3

import pytest
from board_fixtures import DAY, HOUR, NOW, add, make_app, press, settle, toasts
from old_files import make_old_database

from followup_tui.domain.model import Kind
from followup_tui.storage.store import Store


def at(fu, when: str, *args: str):
    return fu("--now", when, *args)


def people(fu, card_id: str) -> list[tuple[str, str, int]]:
    shown = json.loads(at(fu, "2027-02-01 12:00", "show", card_id, "--json").out)["people"]
    return [(p["name"], p["relation"], p["round"]) for p in shown]


def next_line(fu, when: str, card_id: str) -> str:
    return json.loads(at(fu, when, "show", card_id, "--json").out)["reasons"][0]


@pytest.fixture
def contoso(fu) -> str:
    """Round 1 on Dec 4 with Kim Lee, thanked; invited to round 2, Dec 16 13:00."""
    card_id = at(
        fu, "2026-12-04 15:00", "add", "Contoso", "--at", "2026-12-04 14:00", "--interviewer", "Kim Lee"
    ).out.strip()
    at(fu, "2026-12-04 20:00", "log", card_id, "thank-you")
    at(fu, "2026-12-08 10:00", "log", card_id, "invite", "--round-at", "2026-12-16 13:00")
    return card_id


def test_a_panel_in_round_2_gets_a_note_each_as_round_1_did(fu, contoso):
    """The onsite loop: three people linked while the card waits in Next round are round 2's panel."""
    linked = at(fu, "2026-12-08 10:05", "person", contoso, "Raj Patel")
    assert linked.out.strip() == "#1 Contoso: linked Raj Patel (interviewer, round 2)"
    at(fu, "2026-12-08 10:06", "person", contoso, "Ana Diaz")
    at(fu, "2026-12-08 10:07", "person", contoso, "Bo Chen", "--relation", "hiring-manager")
    shown = at(fu, "2026-12-08 10:10", "show", contoso).out
    assert "  Kim Lee (interviewer)\n  Raj Patel (interviewer, round 2)\n" in shown
    assert "  Bo Chen (hiring-manager, round 2)\n" in shown
    assert "Hi Raj," in at(fu, "2026-12-16 15:00", "draft", contoso).out  # round 2's first, not Kim

    first = at(fu, "2026-12-16 16:00", "log", contoso, "thank-you")
    assert first.out.splitlines() == [
        "#1 Contoso: logged thank-you via email (Raj Patel); round 2 started; moved to waiting",
        "  next: next contact from Dec 23; no thank-you yet to Ana Diaz and Bo Chen",
    ]
    listed = at(fu, "2026-12-16 16:05", "list").out
    assert "next contact from Dec 23; no thank-you yet to Ana Diaz and Bo Chen" in listed
    assert "nothing needs attention" in at(fu, "2026-12-16 16:05", "status").out  # a word, never a flag
    assert "\nHi Ana,\n" in at(fu, "2026-12-16 16:05", "draft", contoso, "thank-you").out

    second = at(fu, "2026-12-16 16:10", "log", contoso, "thank-you")  # to the one the line named first
    assert second.out.splitlines()[0] == "#1 Contoso: logged thank-you via email (Ana Diaz)"
    assert next_line(fu, "2026-12-16 16:11", contoso) == "next contact from Dec 23; no thank-you yet to Bo Chen"
    at(fu, "2026-12-16 16:15", "log", contoso, "thank-you")
    assert next_line(fu, "2026-12-16 16:20", contoso) == "next contact from Dec 23"  # Kim is not asked about again


def test_a_panel_named_as_the_notes_are_logged_is_that_rounds(fu, contoso):
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you", "--person", "Raj Patel")
    at(fu, "2026-12-16 16:05", "log", contoso, "thank-you", "--person", "Ana Diaz")
    assert people(fu, contoso) == [
        ("Kim Lee", "interviewer", 1),
        ("Raj Patel", "interviewer", 2),
        ("Ana Diaz", "interviewer", 2),
    ]
    assert next_line(fu, "2026-12-16 16:10", contoso) == "next contact from Dec 23"


def test_the_same_interviewer_again_is_in_the_later_rounds_panel(fu, contoso):
    """Round 3 with Raj again (`person --round 3` says so): round 3's thank-you goes to him, and the wait
    line then names Eve, met in round 3 too; nobody of round 2 is asked about again."""
    at(fu, "2026-12-08 10:05", "person", contoso, "Raj Patel")
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you")  # Raj, round 2
    at(fu, "2026-12-20 10:00", "log", contoso, "invite", "--round-at", "2027-01-05 10:00")
    at(fu, "2026-12-20 10:05", "person", contoso, "Eve Park")
    moved = at(fu, "2026-12-20 10:06", "person", contoso, "Raj Patel", "--round", "3")
    assert moved.out.strip() == "#1 Contoso: Raj Patel updated: round 3"
    assert "\nHi Raj,\n" in at(fu, "2027-01-05 12:00", "draft", contoso).out  # round 3's, first linked
    logged = at(fu, "2027-01-05 12:10", "log", contoso, "thank-you")
    assert logged.out.splitlines()[1] == "  next: next contact from Jan 12; no thank-you yet to Eve Park"
    at(fu, "2027-01-05 12:20", "log", contoso, "thank-you")
    assert next_line(fu, "2027-01-05 12:30", contoso) == "next contact from Jan 12"
    assert ("Raj Patel", "interviewer", 3) in people(fu, contoso)


def test_a_note_to_someone_met_before_puts_them_in_its_round(fu, contoso):
    at(fu, "2026-12-08 10:05", "person", contoso, "Raj Patel")
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you", "--person", "Kim")  # Kim again, in round 2
    assert people(fu, contoso)[0] == ("Kim Lee", "interviewer", 2)
    assert next_line(fu, "2026-12-16 16:05", contoso) == "next contact from Dec 23; no thank-you yet to Raj Patel"


def test_a_round_2_thank_you_gets_the_next_panel_member_by_default(fu, contoso):
    """QA: the second note of round 2 was logged to nobody (the panel was round 1's only)."""
    at(fu, "2026-12-08 10:05", "person", contoso, "Raj Patel")
    at(fu, "2026-12-08 10:06", "person", contoso, "Ana Diaz")
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you")
    at(fu, "2026-12-16 16:05", "log", contoso, "thank-you")
    contacts = json.loads(at(fu, "2026-12-16 16:10", "show", contoso, "--json").out)["contacts"]
    assert [c["person"] for c in contacts if c["kind"] == "thank-you"] == ["Kim Lee", "Raj Patel", "Ana Diaz"]


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("0", "--round 0: #1 is in round 1; give a round from 1 to 2 (its next)"),
        ("3", "--round 3: #1 is in round 1; give a round from 1 to 2 (its next)"),
        ("x", "Invalid value for '--round': 'x' is not a valid integer."),
    ],
)
def test_a_round_that_cannot_be_is_refused_and_changes_nothing(fu, contoso, given, said):
    before = at(fu, "2026-12-09 10:00", "show", contoso, "--json").out
    for args in (("Kim Lee", "--round", given), ("Raj Patel", "--round", given)):  # a correction, a new link
        refused = at(fu, "2026-12-09 10:00", "person", contoso, *args)
        assert (refused.code, refused.out, refused.err.strip()) == (2, "", f"followup: error: {said}")
    assert at(fu, "2026-12-09 10:00", "show", contoso, "--json").out == before


def test_undo_and_redo_put_the_round_back_exactly(fu, contoso, db_path):
    def links() -> list[tuple]:
        with sqlite3.connect(db_path) as conn:
            return conn.execute("SELECT card_id, person_id, relation, round FROM card_people ORDER BY 2").fetchall()

    at(fu, "2026-12-08 10:05", "person", contoso, "Raj Patel")
    linked = links()
    assert linked == [(1, 1, "interviewer", 1), (1, 2, "interviewer", 2)]
    at(fu, "2026-12-08 10:06", "person", contoso, "Raj Patel", "--round", "1")
    assert links()[1] == (1, 2, "interviewer", 1)
    assert at(fu, "2026-12-08 10:07", "undo").code == 0
    assert links() == linked
    assert at(fu, "2026-12-08 10:08", "redo").code == 0
    assert links()[1] == (1, 2, "interviewer", 1)
    at(fu, "2026-12-08 10:09", "undo")  # the --round edit
    undone = at(fu, "2026-12-08 10:10", "undo")  # the link itself
    assert undone.out.startswith("undone #4: link Raj Patel to #1 Contoso"), undone
    assert links() == [(1, 1, "interviewer", 1)]
    at(fu, "2026-12-08 10:11", "redo")
    assert links() == linked


def test_a_round_changed_by_another_tool_makes_the_plan_anew(fu, contoso, db_path):
    at(fu, "2026-12-08 10:05", "person", contoso, "Raj Patel")
    at(fu, "2026-12-08 10:06", "person", contoso, "Ana Diaz")
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you")  # Raj
    assert "no thank-you yet to Ana Diaz" in at(fu, "2026-12-16 16:05", "list").out
    with sqlite3.connect(db_path) as conn:  # Ana was in round 1 after all
        conn.execute("UPDATE card_people SET round = 1 WHERE person_id = 3")
        assert conn.execute("SELECT rules_key FROM cards").fetchone() == (None,)
    assert at(fu, "2026-12-16 16:05", "list").out.rstrip().endswith("next contact from Dec 23")


def test_an_old_database_reads_its_links_as_round_1_as_before(fu, tmp_path):
    """Links made before m014 have no round: read as round 1, the rules behave as they did."""
    path = tmp_path / "old.db"
    make_old_database(path, 13)  # Acme, interviewed Nov 25 10:00 UTC, round 1
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        """
        INSERT INTO people (uid, name) VALUES ('p1', 'Jane Doe'), ('p2', 'Raj Patel');
        INSERT INTO card_people (card_id, person_id) VALUES (1, 1), (1, 2);
        INSERT INTO contacts (uid, card_id, at, kind, person_id)
            VALUES ('k1', 1, '2026-11-25T15:00:00+00:00', 'thank-you', 1);
        UPDATE cards SET stage = 'waiting' WHERE id = 1;
        """
    )
    conn.close()
    read = at(fu, "2026-11-26 10:00", "--db", path, "show", "1")  # a reader reads the old file as it is
    assert read.code == 0, read.err
    assert "next: next contact from Dec 2; no thank-you yet to Raj Patel" in read.out
    assert "  Raj Patel (interviewer)\n" in read.out
    exported = json.loads(at(fu, "2026-11-26 10:00", "--db", path, "export").out)
    assert [link["round"] for link in exported["cards"][0]["people"]] == [None, None]
    at(fu, "2026-11-26 10:00", "--db", path, "person", "1", "Sue Mills", "--relation", "recruiter")  # migrates
    assert sqlite3.connect(path).execute("SELECT round FROM card_people ORDER BY person_id").fetchall() == [
        (None,),
        (None,),
        (1,),
    ]
    assert "no thank-you yet to Raj Patel" in at(fu, "2026-11-26 10:00", "--db", path, "list").out


def test_the_export_carries_each_links_round_and_an_older_export_still_imports(fu, contoso, tmp_path):
    at(fu, "2026-12-08 10:05", "person", contoso, "Raj Patel")
    exported = at(fu, "2026-12-08 10:10", "export").out
    links = json.loads(exported)["cards"][0]["people"]
    assert sorted((link["relation"], link["round"]) for link in links) == [("interviewer", 1), ("interviewer", 2)]
    assert '"relation": "interviewer",\n          "round": 2\n' in exported

    older = json.loads(exported)
    for link in older["cards"][0]["people"]:
        del link["round"]  # as a release before m014 wrote it
    (tmp_path / "older.json").write_text(json.dumps(older))
    fresh = tmp_path / "fresh.db"
    imported = at(fu, "2026-12-08 10:10", "--db", fresh, "import", tmp_path / "older.json")
    assert imported.code == 0, imported.err
    assert sqlite3.connect(fresh).execute("SELECT round FROM card_people").fetchall() == [(None,), (None,)]
    assert '"round": null' in at(fu, "2026-12-08 10:10", "--db", fresh, "export").out

    again = tmp_path / "again.db"
    (tmp_path / "now.json").write_text(exported)
    at(fu, "2026-12-08 10:10", "--db", again, "import", tmp_path / "now.json")
    assert at(fu, "2026-12-08 10:10", "--db", again, "export").out == exported

    bad = json.loads(exported)
    bad["cards"][0]["people"][0]["round"] = 0
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    refused = at(fu, "2026-12-08 10:10", "--db", tmp_path / "bad.db", "import", tmp_path / "bad.json")
    assert refused.code != 0 and "person link round: must be a whole number from 1 or null, not 0" in refused.err


async def test_the_boards_person_form_has_a_round(db_path):
    from textual.widgets import OptionList

    from followup_tui.tui.card import CardScreen
    from followup_tui.tui.forms import PersonForm

    app, _ = make_app(db_path)
    card_id = add(app.store, "Contoso", 3 * HOUR, interviewers=[("Kim Lee", "")])
    app.store.log_contact(card_id, Kind.THANK_YOU, NOW - 2 * HOUR, NOW)
    app.store.log_contact(card_id, Kind.INVITE, NOW - HOUR, NOW, round_at=NOW + 4 * DAY)
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(card_id)
        await press(pilot, "enter")
        assert isinstance(app.screen, CardScreen)
        for name, met_in in (("Raj Patel", ""), ("Ana Diaz", "9"), ("Ana Diaz", "1")):
            if not isinstance(app.screen, PersonForm):
                await press(pilot, "P")
            form = app.screen
            assert isinstance(form, PersonForm)
            form.query_one("#name").value = name
            form.query_one("#relation").value = "interviewer"
            form.query_one("#round").value = met_in
            await press(pilot, "ctrl+s")
            if met_in == "9":
                error = str(form.query_one("#form-error").render())
                assert error == "Round 9: #7 is in round 1; give a round from 1 to 2 (its next)"
        assert isinstance(app.screen, CardScreen)
        listed = app.screen.query_one("#card-people", OptionList)
        shown = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
    assert shown == ["Kim Lee (interviewer)", "Raj Patel (interviewer, round 2)", "Ana Diaz (interviewer)"]
    with Store.open_readonly(db_path) as reader:
        assert [(p.name, p.round) for p in reader.get(card_id).people] == [
            ("Kim Lee", 1),
            ("Raj Patel", 2),
            ("Ana Diaz", 1),
        ]


async def test_the_link_form_with_a_near_name_links_nobody_new(db_path):
    """ "Raj" typed in P for Raj Patel, linked already, made a phantom Raj who was owed a note."""
    from followup_tui.tui.forms import PersonForm

    app, _ = make_app(db_path)
    card_id = add(app.store, "Contoso", 3 * HOUR, interviewers=[("Raj Patel", "")])
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(card_id)
        await press(pilot, "enter", "P")
        form = app.screen
        assert isinstance(form, PersonForm)
        form.query_one("#name").value = "raj"
        await press(pilot, "ctrl+s")
        said = toasts(app)[-1]
        assert said == f"#{card_id} Contoso: Raj Patel is linked already (enter on them edits); nobody new linked"
    with Store.open_readonly(db_path) as reader:
        assert [p.name for p in reader.get(card_id).people] == ["Raj Patel"]


def test_the_panel_still_owed_is_named_after_the_next_contacts_date_too(fu, contoso):
    """QA: "no thank-you yet to Hal Ng" went once the date for a follow-up passed ("waiting 6d")."""
    for name in ("Raj Patel", "Ana Diaz"):
        at(fu, "2026-12-08 10:05", "person", contoso, name)
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you")  # to Raj
    assert next_line(fu, "2026-12-20 10:00", contoso) == "next contact from Dec 23; no thank-you yet to Ana Diaz"
    assert next_line(fu, "2026-12-24 10:00", contoso) == "waiting 7d; no thank-you yet to Ana Diaz"
    at(fu, "2026-12-24 11:00", "log", contoso, "thank-you", "--person", "ana")
    assert next_line(fu, "2026-12-24 12:00", contoso) == "next contact from Dec 31"  # the panel thanked


def test_a_note_to_the_recruiter_for_everyone_leaves_the_next_draft_to_this_rounds_panel(fu, contoso):
    """QA: after a round-2 note to the recruiter, `draft thank-you` wrote "Hi Kim" (round 1's interviewer)."""
    at(fu, "2026-12-08 10:01", "person", contoso, "Pep Potts", "--relation", "recruiter")
    for name in ("Bo Bat", "Cy Cat"):
        at(fu, "2026-12-08 10:05", "person", contoso, name)
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you", "--person", "pep", "--note", "thank everyone for me")
    assert "\nHi Bo,\n" in at(fu, "2026-12-16 16:05", "draft", contoso, "thank-you").out


async def test_the_link_form_links_an_interviewer_unless_told_otherwise(db_path):
    """QA: P defaulted to network, so "Jo Kay" of the final panel turned the card to "ask Jo Kay for a
    recommendation"; `followup person` links an interviewer."""
    from followup_tui.tui.forms import PersonForm

    app, _ = make_app(db_path)
    card_id = add(app.store, "Contoso", 3 * HOUR, interviewers=[("Raj Patel", "")])
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(card_id)
        await press(pilot, "enter", "P")
        assert isinstance(app.screen, PersonForm)
        app.screen.query_one("#name").value = "Jo Kay"
        await press(pilot, "ctrl+s")
        assert toasts(app)[-1] == f"#{card_id} Contoso: Jo Kay linked (interviewer)"


def test_removing_a_note_logged_to_the_wrong_person_puts_them_back_in_their_round(fu, contoso):
    """QA: a round-2 note to Kim (round 1) by mistake, removed, left Kim in round 2, owed a note."""
    for name in ("Gil Moss", "Hal Ng"):
        at(fu, "2026-12-08 10:05", "person", contoso, name)
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you", "--person", "gil")
    at(fu, "2026-12-16 17:00", "log", contoso, "thank-you", "--person", "kim")  # meant for Hal
    assert ("Kim Lee", "interviewer", 2) in people(fu, contoso)
    removed = at(fu, "2026-12-16 17:05", "contact", contoso, "--remove", "4")
    assert removed.code == 0, removed.err
    assert people(fu, contoso) == [
        ("Kim Lee", "interviewer", 1),
        ("Gil Moss", "interviewer", 2),
        ("Hal Ng", "interviewer", 2),
    ]
    assert next_line(fu, "2026-12-17 10:00", contoso) == "next contact from Dec 23; no thank-you yet to Hal Ng"


async def test_a_card_says_waiting_once_above_the_notes_still_owed(db_path):
    """The card read "waiting 8d" over "waiting 8d; no thank-you …", cut off at the panel's names."""
    app, _ = make_app(db_path)
    card_id = add(app.store, "Contoso", 10 * DAY, interviewers=[("Kim Lee", ""), ("Raj Patel", "")])
    app.store.log_contact(card_id, Kind.THANK_YOU, NOW - 9 * DAY, NOW, person="Kim Lee")
    async with app.run_test(size=(160, 48)) as pilot:
        app.follow(card_id)
        await settle(pilot)
        shown = app.focused.item(app.focused.cursor)
        assert (shown.when, shown.note) == ("waiting 9d", "no thank-you yet to Raj Patel")


def test_a_thank_you_draft_once_the_whole_panel_is_thanked_stays_with_this_round(fu, contoso):
    """QA: with round 2's panel all thanked, `draft thank-you` was addressed to Kim, of round 1."""
    at(fu, "2026-12-08 10:05", "person", contoso, "Raj Patel")
    at(fu, "2026-12-16 16:00", "log", contoso, "thank-you")  # to Raj: the whole of round 2
    assert "\nHi Raj,\n" in at(fu, "2026-12-16 16:05", "draft", contoso, "thank-you").out
