"""The search index (storage/search.py, m008): it finds what the board's substring search found,
by word prefix, and triggers keep it in step with every change, from the app or from plain SQL."""

from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from followup_tui.domain.model import Kind, Relation
from followup_tui.storage import search
from followup_tui.storage.store import NewCard, Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
NOTES = ["asked about pagers", "Priya wants a García reference", "call back re: on-call rota", "sent the portfolio"]


def substring_search(conn: sqlite3.Connection, needle: str) -> set[int]:
    """The board's search before the index (0.x): open cards whose company, role, notes, fit, topic,
    people, contact notes or prep items contain `needle`, in any case."""
    needle = needle.casefold()
    texts = conn.execute(
        "SELECT id, company || char(31) || role || char(31) || notes || char(31) || fit || char(31) || topic "
        "FROM cards WHERE closed_at IS NULL "
        "UNION ALL SELECT l.card_id, p.name FROM card_people l JOIN people p ON p.id = l.person_id "
        "UNION ALL SELECT card_id, note FROM contacts WHERE note != '' "
        "UNION ALL SELECT card_id, text FROM prep_items"
    )
    open_ids = {row[0] for row in conn.execute("SELECT id FROM cards WHERE closed_at IS NULL")}
    return {card_id for card_id, text in texts if needle in text.casefold()} & open_ids


@pytest.fixture
def varied(seeded, tmp_path):
    """The seeded board, with notes on some contacts (the seed logs none) and a few unusual names."""
    path = tmp_path / "varied.db"
    shutil.copy(seeded, path)
    with Store.open(path) as store:
        ids = [row[0] for row in store.conn.execute("SELECT id FROM cards WHERE closed_at IS NULL ORDER BY id")]
        for n, card_id in enumerate(ids[:40]):
            store.log_contact(card_id, Kind.REPLY, NOW - timedelta(hours=n + 1), NOW, note=NOTES[n % len(NOTES)])
        store.add_person(ids[3], "Zoë O'Brien", Relation.NETWORK)
        store.update_card(ids[5], {"topic": "their move off the monolith"}, NOW)
    return path


def test_word_prefixes_find_what_the_substring_search_found(varied):
    conn = sqlite3.connect(varied)
    texts = [
        text
        for (text,) in conn.execute(
            "SELECT company || ' ' || role || ' ' || notes || ' ' || fit || ' ' || topic FROM cards "
            "UNION ALL SELECT name FROM people UNION ALL SELECT note FROM contacts "
            "UNION ALL SELECT text FROM prep_items"
        )
    ]
    every_word = {word for text in texts for word in search.words(text)}
    needles = sorted({word[:n] for word in every_word for n in (1, 2, 3, len(word))})
    # a needle inside a word ("cme" in Acme) is found only by the substring search: by design
    inside = re.compile(r"[^\W_]")
    compared = [
        needle
        for needle in needles
        if not any(inside.match(text[at - 1 : at]) for text in texts for at in _places(text.casefold(), needle) if at)
    ]
    assert len(compared) > 100 and {"acm", "acme", "ada", "garcía", "pagers", "portfolio"} <= set(compared)
    for needle in compared:
        assert search.matching(conn, needle) == substring_search(conn, needle), needle
    # the first key typed finds every card with a word that starts with it
    for needle in ("a", "p", "ja", "o"):
        assert search.matching(conn, needle) == {
            card_id for card_id in substring_search(conn, needle) if _has_word_from(conn, card_id, needle)
        }
    # several words: each is a prefix somewhere in the card (the substring search wanted them adjacent)
    assert search.matching(conn, "acme backend") == search.matching(conn, "acme") & search.matching(conn, "backend")
    assert search.matching(conn, "zoë o'b") == substring_search(conn, "zoë o'brien") != set()
    assert search.matching(conn, "   ") == set() and search.matching(conn, '"*)') == set()


def _has_word_from(conn: sqlite3.Connection, card_id: int, start: str) -> bool:
    (text,) = conn.execute("SELECT body FROM search_source WHERE card_id = ?", (card_id,)).fetchone()
    return any(word.startswith(start) for word in search.words(text))


def _places(text: str, needle: str):
    at = text.find(needle)
    while at != -1:
        yield at
        at = text.find(needle, at + 1)


def test_column_counts_come_from_the_index(varied):
    conn = sqlite3.connect(varied)
    stages = dict(conn.execute("SELECT id, stage FROM cards WHERE closed_at IS NULL"))
    for needle in ("a", "acme", "jane", "pagers", "nothing-like-it"):
        found = substring_search(conn, needle)
        expected = {stage: sum(1 for i in found if stages[i] == stage) for stage in search.STAGE_WORDS}
        assert search.counts(conn, needle) == expected, needle


def every_change(store: Store) -> dict[str, int]:
    """Each kind of write the index must follow, made through the Store."""
    acme = store.add_card(NewCard("Acme", NOW - timedelta(days=2), role="SRE", notes="payments"), NOW)
    globex = store.add_card(NewCard("Globex", NOW - timedelta(days=2), interviewers=[("Jane Doe", "")]), NOW)
    store.log_contact(acme, Kind.THANK_YOU, NOW - timedelta(days=1), NOW, note="pagers")
    store.prep_changes(acme, ["kubernetes deep dive"])
    store.update_card(acme, {"notes": "billing", "company": "Acme Corp"}, NOW)
    person = store.linked_person(globex, "Jane Doe")
    store.update_person(globex, person, {"name": "Janet Roe"})
    store.add_person(acme, "Dana Kim", Relation.NETWORK)
    store.close_card(globex, NOW)
    return {"acme": acme, "globex": globex}


def test_triggers_keep_the_index_in_step_with_every_change(db_path):
    with Store.open(db_path) as store:
        ids = every_change(store)
        conn = store.conn
        assert search.in_step(conn)
        assert search.matching(conn, "billing corp kube pagers dana") == {ids["acme"]}
        assert search.matching(conn, "payments") == search.matching(conn, "jane") == set()
        assert search.matching(conn, "janet") == set()  # Globex is closed: not on the board
        store.reopen(ids["globex"], NOW)
        assert search.matching(conn, "janet") == {ids["globex"]}
        store.remove_prep(ids["acme"], [conn.execute("SELECT id FROM prep_items").fetchone()[0]])
        store.undo()
        assert search.matching(conn, "kube") == {ids["acme"]}
        store.delete(ids["acme"])
        assert search.matching(conn, "billing") == set() and search.in_step(conn)
        store.undo()  # the card, its contacts, people and prep come back, and so does its document
        assert search.matching(conn, "billing dana pagers") == {ids["acme"]} and search.in_step(conn)
        counted = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
        assert counted == conn.execute("SELECT count(*) FROM cards").fetchone()[0]


def test_writes_from_another_tool_keep_it_in_step_too(db_path):
    with Store.open(db_path) as store:
        ids = every_change(store)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("UPDATE people SET name = 'Dana Smith' WHERE name = 'Dana Kim'")
    conn.execute("INSERT INTO contacts (card_id, kind, note) VALUES (?, 'reply', 'offsite in Lisbon')", (ids["acme"],))
    conn.execute("UPDATE cards SET stage = 'waiting' WHERE id = ?", (ids["acme"],))
    conn.execute("DELETE FROM people WHERE name = 'Janet Roe'")  # its link goes with it
    assert search.in_step(conn)
    assert search.matching(conn, "smith lisbon") == {ids["acme"]} and search.counts(conn, "lisbon")["waiting"] == 1


def test_doctor_sees_an_index_out_of_step_and_fix_makes_it_anew(fu, db_path):
    with Store.open(db_path) as store:
        ids = every_change(store)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER cards_update_search")  # another tool's doing
    conn.execute("UPDATE cards SET notes = 'quarterly planning' WHERE id = ?", (ids["acme"],))
    conn.close()
    doctor = fu("doctor")
    assert doctor.code == 1 and "trigger cards_update_search is missing" in doctor.out
    fixed = fu("doctor", "--fix")
    assert "made the search index anew" in fixed.out
    assert fu("doctor").code == 0
    with Store.open(db_path) as store:
        assert search.matching(store.conn, "quarterly") == {ids["acme"]} and search.in_step(store.conn)
