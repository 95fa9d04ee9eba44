"""Database files as earlier releases of followup-tui left them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from followup_tui.storage.dbfile import APPLICATION_ID
from followup_tui.storage.migrations import migrations

# the first migration a file of each schema version lacks
_STOP_BEFORE = {
    1: "m002_rule_plans",
    2: "m003_status_ready_windows",
    3: "m004_rules_v2",
    4: "m005_undo_journal",
    5: "m006_sql_friendly",
    6: "m007_mail",
    7: "m008_search_index",
    8: "m009_caldav_sync",
    9: "m010_stats_facts",
    10: "m011_plans_vouch_for_what_cards_show",
    11: "m012_checks_without_in_lists",
    12: "m013_views_measure_a_later_rounds_thank_you",
    13: "m014_the_round_a_person_was_met_in",
    14: "m015_uids_unique_by_a_named_index",
}


def make_old_database(path: Path, version: int, cards: bool = True) -> None:
    """A file of schema `version`; with `cards`, Acme interviewed Nov 25 10:00 UTC, no thank-you yet."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before=_STOP_BEFORE[version])
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={version}")
    if cards:
        conn.execute(
            "INSERT INTO cards (uid, company, stage, interview_at, stage_entered_at, created_at, updated_at) "
            "VALUES ('u1', 'Acme', 'thank-you', '2026-11-25T10:00:00+00:00', '2026-11-25T10:00:00+00:00', "
            "'2026-11-25T10:00:00+00:00', '2026-11-25T10:00:00+00:00')"
        )
    conn.close()
