"""The JSON import (SPEC §5, §7): one uid one record, checked types, canonical instants, real line numbers."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from followup_tui.domain.textsafe import json_text
from followup_tui.exchange import jsonimport
from followup_tui.storage import bulk, dbfile, journal, planner, rulecache
from followup_tui.storage.store import Store


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def document(fu) -> dict:
    """Two cards with people, contacts and prep items, exported (then the database is emptied)."""
    acme = fu("add", "Acme", "--at", "2026-11-20 10:00", "--interviewer", "Jane Doe").out.strip()
    fu("log", acme, "thank-you", "--at", "2026-11-20 18:00", "--person", "Jane Doe")
    fu("log", acme, "invite", "--at", "2026-11-22 09:00", "--round-at", "2026-12-01 15:00")  # adds prep items
    globex = fu("add", "Globex", "--at", "2026-11-21 10:00").out.strip()
    fu("log", globex, "follow-up", "--at", "2026-11-24 10:00")
    exported = json.loads(fu("export").out)
    fu("delete", acme, "--yes"), fu("delete", globex, "--yes")
    return exported


def card(document: dict, company: str) -> dict:
    return next(c for c in document["cards"] if c["company"] == company)


def save(tmp_path: Path, document: dict, name: str = "export.json") -> Path:
    """The document as `export` lays it out (so lines are as a user sees them)."""
    path = tmp_path / name
    path.write_text(json_text(document) + "\n", encoding="utf-8")
    return path


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    """The line where `text` appears (the n-th time) in the file."""
    content, at = path.read_text(), -1
    for _ in range(occurrence):
        at = content.index(text, at + 1)
    return content.count("\n", 0, at) + 1


def test_a_contact_uid_in_two_cards_names_both_and_imports_nothing(fu, document, tmp_path, db_path):
    acme, globex = card(document, "Acme"), card(document, "Globex")
    globex["contacts"].append(dict(acme["contacts"][0]))
    path = save(tmp_path, document)
    uid = acme["contacts"][0]["uid"]
    result = fu("import", path)
    assert result.code == 1 and "nothing was imported" in result.err
    first, second = sorted((acme, globex), key=lambda c: line_of(path, c["uid"]))  # in file order
    again = line_of(path, '"uid": "' + uid + '"', 2)
    assert (
        f"line {again}: card '{second['uid']}' contact '{uid}' is already on card '{first['uid']}' "
        f"({first['company']}, line {line_of(path, first['uid']) - 1} of this file)"
    ) in result.err
    assert json.loads(fu("list", "--all", "--json").out) == []


@pytest.mark.parametrize("what", ["contact", "prep item"])
@pytest.mark.parametrize("cards_before", [0, 1])
def test_a_uid_in_two_cards_of_different_batches_names_both(fu, document, tmp_path, monkeypatch, what, cards_before):
    """Into tables that were empty, contact and prep item uids are made unique at the end
    (bulk.uids_unique_at_the_end), not batch by batch: a uid repeated in a later batch is still an
    error naming both cards, and nothing is imported."""
    monkeypatch.setattr(jsonimport, "BATCH", 1)  # a batch a card
    if cards_before:
        fu("add", "Already here")
    acme, globex = card(document, "Acme"), card(document, "Globex")
    records = "contacts" if what == "contact" else "prep"
    globex[records].append(dict(acme[records][0]))
    path = save(tmp_path, document)
    uid = acme[records][0]["uid"]
    result = fu("import", path)
    assert result.code == 1 and "nothing was imported" in result.err
    first, second = sorted((acme, globex), key=lambda c: line_of(path, c["uid"]))  # in file order
    assert (
        f"card '{second['uid']}' {what} '{uid}' is already on card '{first['uid']}' "
        f"({first['company']}, line {line_of(path, first['uid']) - 1} of this file); one uid is one record"
    ) in result.err
    if not cards_before:  # found at the end: named at the line of the card that repeats it
        assert f"line {line_of(path, second['uid']) - 1}: card '{second['uid']}'" in result.err
    assert [c["company"] for c in json.loads(fu("list", "--all", "--json").out)] == ["Already here"] * cards_before


def test_a_failed_first_import_leaves_no_database_behind(fu, document, tmp_path):
    """QA: a refused import into a new path left a 300 KB empty database and its -checked file."""
    card(document, "Globex")["contacts"].append(dict(card(document, "Acme")["contacts"][0]))
    path, new = save(tmp_path, document), tmp_path / "fresh" / "new.db"
    new.parent.mkdir()
    result = fu("--db", new, "import", path)
    assert result.code == 1 and "nothing was imported" in result.err
    assert list(new.parent.iterdir()) == []


def test_a_contact_the_database_holds_under_another_card_is_never_moved(fu, document, tmp_path, db_path):
    acme, globex = card(document, "Acme"), card(document, "Globex")
    assert fu("import", save(tmp_path, document)).code == 0
    moved = json.loads(json.dumps(document))
    card(moved, "Globex")["contacts"].append(card(moved, "Acme")["contacts"].pop(0))
    moved["cards"] = [card(moved, "Globex")]  # the file no longer has Acme at all
    path = save(tmp_path, moved, "moved.json")
    before = sha(db_path)
    result = fu("import", path)
    uid = acme["contacts"][0]["uid"]
    assert result.code == 1
    assert (
        f"line {line_of(path, uid)}: card '{globex['uid']}' contact '{uid}' is already on card "
        f"'{acme['uid']}' (Acme, in the database)"
    ) in result.err
    assert sha(db_path) == before
    acme_id = next(c["id"] for c in json.loads(fu("list", "--json").out) if c["company"] == "Acme")
    assert uid in {
        c["uid"] for c in json.loads(fu("show", acme_id, "--json").out)["contacts"]
    }  # it keeps its thank-you


@pytest.mark.parametrize("batch", [jsonimport.BATCH, 1])  # in one batch, or found by the key of those read
@pytest.mark.parametrize("where", ["cards", "people"])
def test_a_repeated_card_or_person_names_both_lines(fu, document, tmp_path, monkeypatch, where, batch):
    monkeypatch.setattr(jsonimport, "BATCH", batch)
    document[where].append(dict(document[where][0]))
    path = save(tmp_path, document)
    uid = document[where][0]["uid"]
    first, second = (line_of(path, f'"uid": "{uid}"', n) - 1 for n in (1, 2))  # the record opens a line above
    kind = "card" if where == "cards" else "person"
    result = fu("import", path)
    assert result.code == 1
    assert f"line {second}: {kind} '{uid}' comes twice (first at line {first})" in result.err


def test_a_prep_item_twice_in_one_card(fu, document, tmp_path):
    acme = card(document, "Acme")
    acme["prep"].append(dict(acme["prep"][0]))
    path = save(tmp_path, document)
    uid = acme["prep"][0]["uid"]
    result = fu("import", path)
    assert (
        f"line {line_of(path, uid, 2)}: card '{acme['uid']}' prep item '{uid}' comes twice in this card" in result.err
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: card(d, "Globex").update(round="2"),
            "card '{card}' round: must be a whole number from 1, not \"2\"",
        ),
        (lambda d: card(d, "Globex").update(round=True), "round: must be a whole number from 1, not true"),
        (lambda d: card(d, "Globex").update(round=10**30), "round: must be a whole number from 1"),
        (lambda d: card(d, "Globex").update(company=5), "company: must be a string, not 5"),
        (lambda d: card(d, "Globex").update(company="  "), "company: must not be empty"),
        (lambda d: card(d, "Globex").update(notes=None), "notes: must be a string, not null"),
        (
            lambda d: card(d, "Globex").update(follow_up_on="12/03/2026"),
            'follow_up_on: "12/03/2026" is not a YYYY-MM-DD date (or null)',
        ),
        (
            lambda d: card(d, "Globex").update(interview_at="2026-11-21 10:00"),
            'interview_at: "2026-11-21 10:00" is not an ISO-8601 time with an offset',
        ),
        (
            lambda d: card(d, "Globex").update(closed_at="9999-12-31T23:00:00-05:00"),
            'closed_at: "9999-12-31T23:00:00-05:00" is not an ISO-8601 time',
        ),
        (lambda d: card(d, "Globex").update(contacts={}), "contacts: must be a list, not {{}}"),
        (
            lambda d: card(d, "Globex")["contacts"][0].update(kind="email"),
            "contact '{contact}' kind: \"email\" is not a kind",
        ),
        (lambda d: card(d, "Globex")["contacts"][0].update(person=7), "person: must be a string or null"),
        (lambda d: card(d, "Acme")["prep"][0].update(done="yes"), 'done: must be true or false, not "yes"'),
        (
            lambda d: card(d, "Globex")["people"].append({"person": "nobody", "relation": "network"}),
            "links person 'nobody', who is not in the file's people",
        ),
        (lambda d: d["people"][0].update(email=None), "person '{person}' email: must be a string, not null"),
        (lambda d: card(d, "Globex").pop("stage"), "card '{card}': missing stage"),
    ],
)
def test_wrong_types_are_one_clear_line(fu, document, tmp_path, db_path, change, message):
    fu("add", "Already here")
    before = sha(db_path)
    globex = card(document, "Globex")
    change(document)
    path = save(tmp_path, document)
    result = fu("import", path)
    expected = message.format(
        card=globex["uid"], contact=(globex["contacts"] or [{}])[0].get("uid"), person=document["people"][0]["uid"]
    )
    assert result.code == 1 and expected in result.err, result.err
    assert result.err.count("\n") == 1 and "nothing was imported" in result.err
    assert sha(db_path) == before


def test_errors_name_the_line_of_the_record(fu, document, tmp_path):
    globex = card(document, "Globex")
    contact = globex["contacts"][0]
    contact["channel"] = "pigeon"
    path = save(tmp_path, document)
    result = fu("import", path)
    assert f"line {line_of(path, contact['uid'])}: card '{globex['uid']}' contact" in result.err


def test_instants_are_stored_in_canonical_utc(fu, document, tmp_path, db_path):
    acme = card(document, "Acme")
    acme["interview_at"] = "2026-11-20T15:30:00+05:30"
    acme["contacts"][0]["at"] = "2026-11-20T18:00:00Z"
    acme["contacts"][1]["at"] = "2026-11-20T17:00:00-02:00"
    assert fu("import", save(tmp_path, document)).code == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT interview_at FROM cards WHERE company = 'Acme'").fetchone() == (
        "2026-11-20T10:00:00+00:00",
    )
    ordered = [at for (at,) in conn.execute("SELECT at FROM contacts ORDER BY at")]
    assert ordered[:2] == ["2026-11-20T18:00:00+00:00", "2026-11-20T19:00:00+00:00"]  # SQL orders them as times


def test_summary_counts_what_changed(fu, document, tmp_path):
    path = save(tmp_path, document)
    assert fu("import", path).out.splitlines() == [
        "created: 1 person, 2 cards, 1 link, 3 contacts, 5 prep items",
        "updated: nothing",
    ]
    card(document, "Globex")["role"] = "SRE"
    card(document, "Acme")["contacts"][0]["note"] = "sent from the train"
    assert fu("import", save(tmp_path, document)).out.splitlines() == ["created: nothing", "updated: 1 card, 1 contact"]


def test_members_in_any_order_import_the_same(fu, document, tmp_path, db_path):
    shuffled = {"cards": document["cards"], "people": document["people"], "version": 1, "format": document["format"]}
    path = tmp_path / "shuffled.json"
    path.write_text(json.dumps(shuffled), encoding="utf-8")  # one long line, keys in another order
    result = fu("import", path)
    assert result.code == 0, result.err
    assert result.out.startswith("created: 1 person, 2 cards")
    assert json.loads(fu("export").out) == document


def test_an_older_file_without_the_newer_fields_imports(fu, document, tmp_path):
    for card in document["cards"]:
        del card["topic"], card["follow_up_set_at"], card["decision_set_at"]
    assert fu("import", save(tmp_path, document)).code == 0


def test_the_export_is_laid_out_as_json_dumps_would(proc, seeded):
    """Streamed piece by piece, it is still exactly json.dumps(indent=2) of the same data."""
    out = proc("--db", seeded, "export").out
    assert out == json_text(json.loads(out)) + "\n"


@pytest.mark.parametrize("layout", ["pretty", "compact"])
def test_a_file_read_in_tiny_pieces_imports_the_same(fu, document, tmp_path, monkeypatch, layout):
    """Pieces of the file end inside strings, numbers and words (true, null): each record is read whole."""
    from followup_tui.exchange import jsonstream

    monkeypatch.setattr(jsonstream, "_CHUNK", 7)
    for n, item in enumerate(card(document, "Acme")["prep"]):
        item["position"] = 1234567 + n * 1111  # long numbers, cut somewhere by the pieces
    path = save(tmp_path, document) if layout == "pretty" else tmp_path / "compact.json"
    if layout == "compact":
        path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    result = fu("import", path)
    assert result.code == 0, result.err
    assert json.loads(fu("export").out) == document


def test_a_number_cut_by_a_piece_is_read_whole(fu, tmp_path, monkeypatch):
    from followup_tui.exchange import jsonstream

    monkeypatch.setattr(jsonstream, "_CHUNK", 7)
    path = tmp_path / "future.json"
    path.write_text('{"format": "followup-tui export", "version": 123456789, "people": [], "cards": []}')
    assert "export version 123456789 is not one this version reads" in fu("import", path).err


_TEST_PROCESS = os.getpid()


def _plans_dying_in_the_planner(rows, policy):
    """rulecache.plans_of, except in the planner process, which dies (killed, out of memory)."""
    if os.getpid() != _TEST_PROCESS:
        os._exit(3)
    return _PLANS_OF(rows, policy)


def _plans_slowly_in_the_planner(rows, policy):
    """rulecache.plans_of, slowly in the planner process: the import waits for plans (spare time)."""
    if os.getpid() != _TEST_PROCESS:
        time.sleep(0.3)
    return _PLANS_OF(rows, policy)


_PLANS_OF = rulecache.plans_of
_TABLES = (
    *("cards", "people", "card_people", "contacts", "prep_items", "card_plans", "search_docs", "row_changes"),
    *("contact_days", "follow_up_facts", "card_facts"),  # what the stats count, saved with the plans
)


def everything(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as conn:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}"), key=repr) for table in _TABLES}


@pytest.mark.parametrize("planner_dies", [False, True])
def test_new_cards_planned_aside_get_the_plans_the_commit_makes(fu, proc, seeded, tmp_path, monkeypatch, planner_dies):
    """A big import plans its new cards in a second process as it goes (storage/planner.py): the
    database is the same as when the commit plans them, and the same if that process dies. While
    it waits for plans, it saves stats facts and catches up the new cards' journal images and search
    documents, a piece at a time: the same rows as at the end."""
    exported = tmp_path / "export.json"
    assert fu("--db", seeded, "export", "-o", exported).code == 0
    monkeypatch.setattr(planner, "available", lambda: False)
    assert fu("--db", tmp_path / "committed.db", "import", exported).code == 0
    monkeypatch.setattr(planner, "available", lambda: True)
    monkeypatch.setattr(jsonimport, "PLAN_ASIDE_BYTES", 0)
    monkeypatch.setattr(jsonimport, "BATCH", 40)  # 150 cards: 4 batches
    monkeypatch.setattr(planner, "AHEAD", 1)  # plans written as the import goes, not all at the end
    monkeypatch.setattr(planner, "FACTS_CHUNK", 30)
    monkeypatch.setattr(bulk, "_CHUNK", 25)
    pieces = []  # the spare-time work done, in order
    catch_up_some, save_facts = bulk.NewCards.catch_up_some, planner.Planner._save_facts

    def catching_up(self):
        if done := catch_up_some(self):
            pieces.append("catch up")
        return done

    def saving_facts(self):
        pieces.append("facts")
        save_facts(self)

    monkeypatch.setattr(bulk.NewCards, "catch_up_some", catching_up)
    monkeypatch.setattr(planner.Planner, "_save_facts", saving_facts)
    handed = []
    monkeypatch.setattr(
        planner.Planner, "add", lambda self, rows, add=planner.Planner.add: handed.append(rows) or add(self, rows)
    )
    by_the_commit, saved = [], rulecache.save

    def save(conn, ids, policy):
        by_the_commit.extend(ids := list(ids))
        saved(conn, ids, policy)

    monkeypatch.setattr(rulecache, "save", save)
    monkeypatch.setattr(
        rulecache, "plans_of", _plans_dying_in_the_planner if planner_dies else _plans_slowly_in_the_planner
    )
    assert fu("--db", tmp_path / "aside.db", "import", exported).code == 0
    if not planner_dies:
        assert pieces.count("facts") >= 2 and "catch up" in pieces  # facts once more at the end
    assert sum(len(rows[0]) for rows in handed) == 150
    assert by_the_commit == []  # every card was planned as the import went (aside, or here once it died)
    assert everything(tmp_path / "aside.db") == everything(tmp_path / "committed.db")
    assert everything(tmp_path / "aside.db")["card_plans"]


def test_a_new_file_is_filled_with_a_rollback_journal_then_is_wal(fu, seeded, tmp_path, monkeypatch):
    """An import that makes the database writes its pages once, with a rollback journal (in WAL they
    are written to the log, then again at the checkpoint), then leaves the file in WAL like any
    other; an import into a file that exists stays in WAL (readers go on reading meanwhile)."""
    exported = tmp_path / "export.json"
    assert fu("--db", seeded, "export", "-o", exported).code == 0
    modes, finish = [], journal.finish

    def finish_seeing_the_mode(conn, action):
        modes.append(conn.execute("PRAGMA journal_mode").fetchone()[0])
        return finish(conn, action)

    monkeypatch.setattr(journal, "finish", finish_seeing_the_mode)
    fresh = tmp_path / "new.db"
    assert fu("--db", fresh, "import", exported).code == 0
    assert fu("--db", fresh, "import", exported).out.startswith("created: nothing")
    assert modes == ["delete", "wal"]
    with sqlite3.connect(fresh) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert not fresh.with_name("new.db-journal").exists()
    assert fu("--db", fresh, "export", "-o", tmp_path / "again.json").code == 0
    assert sha(tmp_path / "again.json") == sha(exported)


def schema(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_a_new_file_ends_as_an_import_into_one_that_existed(fu, seeded, tmp_path):
    """A new file is filled with its foreign keys checked once at the end, and some of its indexes
    made at the end (bulk.filled_new): it ends with the same rows, indexes and triggers as a file
    that existed, and its writers check foreign keys again."""
    exported, made, existed = tmp_path / "export.json", tmp_path / "made.db", tmp_path / "existed.db"
    assert fu("--db", seeded, "export", "-o", exported).code == 0
    Store.open(existed).close()
    for path in (made, existed):
        assert fu("--db", path, "import", exported).code == 0
    assert schema(made) == schema(existed)
    assert "contacts_person" in {name for _, name, _ in schema(made)}
    assert everything(made) == everything(existed)
    with Store.open(made) as store:
        assert store.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            store.conn.execute(
                "INSERT INTO contacts (uid, card_id, at, kind, channel) VALUES ('x', 99999, '', 'reply', 'email')"
            )


def test_a_row_naming_nothing_stops_a_new_files_fill(tmp_path):
    """The foreign keys a new file's fill did not check row by row are checked before it commits:
    one broken row, and nothing is written (the indexes it dropped come back with the rollback)."""
    path = tmp_path / "new.db"
    Store.open(path).close()
    before = schema(path)
    conn = sqlite3.connect(path, isolation_level=None)
    with dbfile.written_once(conn):
        conn.execute("BEGIN")
        broken = "INSERT INTO contacts (uid, card_id, at, kind, channel) VALUES ('x', 7, '', 'reply', 'email')"
        with pytest.raises(sqlite3.IntegrityError, match="contacts row 1 names no cards row"), bulk.filled_new(conn):
            conn.execute(broken)
        conn.execute("ROLLBACK")
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    conn.close()
    assert schema(path) == before
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM contacts").fetchone() == (0,)


def test_new_rows_written_without_their_triggers_end_as_with_them(fu, seeded, tmp_path, monkeypatch):
    """bulk.py suspends the per-row triggers while an import writes new people and cards, then does
    their work a few thousand rows per statement: the database is the same as with a trigger run
    per row, and undo and redo take the whole import."""
    from followup_tui.storage import bulk

    exported = tmp_path / "export.json"
    assert fu("--db", seeded, "export", "-o", exported).code == 0
    with monkeypatch.context() as per_row:
        per_row.setattr(bulk._Suspension, "suspend", lambda self: None)
        assert fu("--db", tmp_path / "per-row.db", "import", exported).code == 0
    monkeypatch.setattr(bulk, "_CHUNK", 7)  # 150 cards: 22 chunks
    assert fu("--db", tmp_path / "chunks.db", "import", exported).code == 0
    assert everything(tmp_path / "chunks.db") == everything(tmp_path / "per-row.db")
    with sqlite3.connect(tmp_path / "chunks.db") as conn:
        assert conn.execute("SELECT count(*) FROM cards WHERE last_action = 1").fetchone() == (150,)
    assert fu("--db", tmp_path / "chunks.db", "undo").code == 0
    assert json.loads(fu("--db", tmp_path / "chunks.db", "list", "--all", "--json").out) == []
    assert fu("--db", tmp_path / "chunks.db", "redo").code == 0
    assert len(json.loads(fu("--db", tmp_path / "chunks.db", "list", "--all", "--json").out)) == 150
