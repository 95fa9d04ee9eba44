"""The spreadsheet export (SPEC §5 csv): a BOM, local times, every field a person tracks, and a round trip."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime

from followup_tui.exchange.csvexport import COLUMNS
from followup_tui.storage.store import Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_file_starts_with_a_bom_that_csv_readers_skip(fu, tmp_path):
    fu("add", "Zürich Versicherung", "--role", "Backend Engineer, Payments", "--at", "2026-11-20 10:00")
    path = tmp_path / "jobs.csv"
    assert fu("export", "-o", path).code == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfuid,company,role,stage,outcome,closed,")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["company"], row["role"]) == ("Zürich Versicherung", "Backend Engineer, Payments")
    assert list(row) == list(COLUMNS)


def test_times_are_local_and_iso_utc_for_importers(fu, zone):
    zone("Europe/Zurich")
    card = fu("add", "Acme", "--at", "2026-11-20T10:00:00+00:00").out.strip()
    fu("log", card, "invite", "--at", "2026-11-21T09:00:00+00:00", "--round-at", "2026-12-01T15:00:00+00:00")
    (row,) = rows(fu("export", "--format", "csv").out.lstrip("\ufeff"))
    assert (row["interview"], row["interview_at"]) == ("2026-11-20 11:00", "2026-11-20T10:00:00+00:00")
    assert (row["next_round"], row["next_round_at"]) == ("2026-12-01 16:00", "2026-12-01T15:00:00+00:00")
    assert row["last_contact"] == "2026-11-21 10:00" and row["stage"] == "next-round"


def test_a_formula_is_not_run_by_a_spreadsheet(fu):
    fu("add", '=HYPERLINK("http://evil")', "--role", "@SUM(1)")
    (row,) = rows(fu("export", "--format", "csv").out.lstrip("\ufeff"))
    assert (row["company"], row["role"]) == ('\'=HYPERLINK("http://evil")', "'@SUM(1)")


def test_round_trip_keeps_closed_cards_closed_and_every_field(fu, tmp_path, db_path):
    acme = fu(
        "add",
        "Acme",
        "--role",
        "SRE",
        "--at",
        "2026-11-10 10:00",
        "--follow-up-on",
        "2026-12-03",
        "--via",
        "phone",
        "--decision-by",
        "2026-12-10",
        "--fit",
        "ran this stack",
        "--note",
        "asked about on-call\nsecond line",
        "--interviewer",
        "Jane Doe <jane@acme.example>",
    ).out.strip()
    with Store.open(db_path) as store:
        store.update_card(int(acme), {"topic": "the queueing rewrite"}, NOW)
    fu("person", acme, "Dana Kim", "--relation", "network")
    fu("person", acme, "O'Brien; Lee (ex-Globex)", "--relation", "recruiter", "--email", "ob@example.com")
    globex = fu("add", "=Globex", "--at", "2026-11-01 09:00").out.strip()
    fu("log", globex, "rejection", "--at", "2026-11-05 12:00")
    fu("close", globex)
    initech = fu("add", "Initech", "--at", "2026-11-02 09:00").out.strip()
    fu("log", initech, "invite", "--round-at", "2026-12-01 15:00")
    path = tmp_path / "jobs.csv"
    fu("export", "-o", path)
    other = tmp_path / "other.db"
    result = fu("--db", other, "import", path)
    assert result.code == 0 and result.out.startswith("created: 3 people, 3 cards, 3 links"), result.out
    assert fu("--db", other, "import", path).out.startswith("created: nothing\nupdated: nothing")

    def shown(db=None) -> dict:
        prefix = ["--db", db] if db else []
        listed = json.loads(fu(*prefix, "list", "--all", "--json").out)
        keep = (
            "uid",
            "company",
            "role",
            "stage",
            "outcome",
            "closed",
            "round",
            "interview_at",
            "follow_up_on",
            "follow_up_via",
            "decision_by",
            "next_round_at",
            "fit",
            "notes",
            "closed_at",
        )
        found = {}
        for card in listed:
            detail = json.loads(fu(*prefix, "show", card["id"], "--json").out)
            found[card["uid"]] = (
                {k: detail[k] for k in keep},
                sorted((p["name"], p["email"], p["relation"]) for p in detail["people"]),
            )
        return found

    def topics(db) -> set:
        return set(sqlite3.connect(db).execute("SELECT uid, topic FROM cards"))

    assert shown(other) == shown()
    assert topics(other) == topics(db_path) and "the queueing rewrite" in {topic for _, topic in topics(other)}
    closed = [c for c in json.loads(fu("--db", other, "list", "--all", "--json").out) if c["company"] == "=Globex"]
    assert closed[0]["closed"] and closed[0]["outcome"] == "rejected"
    assert len(json.loads(fu("--db", other, "list", "--json").out)) == 2  # the closed card stays off the board
