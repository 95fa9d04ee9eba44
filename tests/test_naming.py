"""A name typed on a contact finds the linked person it means (QA: each near-miss linked a new
person, who was then owed a thank-you note, and broke the first-name shortcut)."""

from __future__ import annotations

import json

import pytest

from followup_tui.domain.naming import matches

PANEL = [(1, "Priya Shah", "priya@northwind.com"), (2, "Lee Wong", ""), (3, "Kim Lee", "kim@x.com")]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Priya Shah", [1]),
        ("priya", [1]),
        ("shah", [1]),
        ("Ms. Shah", [1]),
        ("Priya S", [1]),
        ("priya s.", [1]),
        ("priya@northwind.com", [1]),
        ("PRIYA@northwind.com", [1]),
        ("Lee Wong <lee@contoso.com>", [2]),
        ("Someone <kim@x.com>", [3]),
        ("lee", [2]),  # a first name before a surname, as the advice names people
        ("wong", [2]),
        ("Priya Patel", []),
        ("Dr. Who", []),
        ("Priya T", []),
    ],
)
def test_a_typed_name_finds_the_person_it_means(typed, found):
    assert matches(typed, PANEL, loose=True)[0] == found


def test_without_loose_only_the_full_name_or_the_address_fits():
    assert matches("priya", PANEL, loose=False)[0] == []
    assert matches("priya shah", PANEL, loose=False)[0] == [1]
    assert matches("priya@northwind.com", PANEL, loose=False)[0] == [1]
    assert matches("Ana Silva <ana@x.com>", PANEL, loose=False) == ([], "Ana Silva", "ana@x.com")
    assert matches("<ana@x.com>", PANEL, loose=False) == ([], "ana@x.com", "ana@x.com")
    assert matches("\x85Ana ", PANEL, loose=True) == ([], "\x85Ana ", "")  # a new name is kept as typed
    assert matches("ana@x.com", PANEL, loose=True) == ([], "ana@x.com", "ana@x.com")  # on a contact: her address
    assert matches("ana@x.com", PANEL, loose=False) == ([], "ana@x.com", "")  # `person`: a name, as given
    assert matches("[@click=app.quit]x[/]!", PANEL, loose=True)[2] == ""  # an @ alone makes no address


def test_log_person_finds_who_is_on_the_card_and_links_only_someone_new(fu):
    def at(when, *args):
        return fu("--now", when, *args)

    at(
        "2026-12-01 12:00",
        "add",
        "Northwind",
        "--at",
        "2026-12-01 10:00",
        "--interviewer",
        "Priya Shah <priya@northwind.com>",
    )
    for typed in ("Priya S", "shah", "Ms. Shah", "priya@northwind.com"):
        logged = at("2026-12-01 13:00", "log", "1", "thank-you", "--person", typed)
        assert "(Priya Shah)" in logged.out and "linked" not in logged.out, typed
    new = at("2026-12-01 14:00", "log", "1", "reply", "--person", "Maya Green <maya@northwind.com>")
    assert "linked Maya Green (recruiter)" in new.out
    people = json.loads(at("2026-12-01 15:00", "show", "1", "--json").out)["people"]
    assert [(p["name"], p["email"]) for p in people] == [
        ("Priya Shah", "priya@northwind.com"),
        ("Maya Green", "maya@northwind.com"),
    ]


def test_person_with_a_near_name_updates_who_it_means_instead_of_linking_a_phantom(fu):
    """Panels QA: `person 1 Raj --round 2` linked a second "Raj", then owed a thank-you of his own."""
    fu("add", "Northwind", "--at", "yesterday 10:00", "--interviewer", "Raj Patel", "--interviewer", "Ana Diaz")
    fu("log", "1", "thank-you", "--person", "Raj")
    fu("log", "1", "invite", "--round-at", "in 2 days")
    updated = fu("person", "1", "raj", "--title", "Staff Engineer")
    assert updated.code == 0 and updated.out == "#1 Northwind: Raj Patel updated: title Staff Engineer\n"
    assert fu("person", "1", "Patel").out == "#1 Northwind: Raj Patel is already linked; nothing to change\n"
    fu("person", "1", "Raj Singh")  # someone new, by full name
    two = fu("person", "1", "Raj", "--title", "x")
    assert two.code == 1
    assert "2 people on this card are called Raj (Raj Patel, Raj Singh): give the full name" in two.err
    people = json.loads(fu("show", "1", "--json").out)["people"]
    assert [(p["name"], p["title"]) for p in people] == [
        ("Raj Patel", "Staff Engineer"),
        ("Ana Diaz", ""),
        ("Raj Singh", ""),
    ]


def test_a_name_typed_without_its_accents_finds_the_person(fu):
    """QA: `--person renee` linked a new "renee" beside Renée O'Brien, who was then owed a note of her own."""
    fu("add", "Globex", "--at", "yesterday 10:00", "--interviewer", "Renée O'Brien", "--interviewer", "José Núñez")
    assert "(Renée O'Brien)" in fu("log", "1", "thank-you", "--person", "renee").out
    logged = fu("log", "1", "thank-you", "--person", "Jose Nunez")
    assert "(José Núñez)" in logged.out and "linked" not in logged.out
    assert [p["name"] for p in json.loads(fu("show", "1", "--json").out)["people"]] == ["Renée O'Brien", "José Núñez"]
