"""Schema changes, one small function each, applied in order (SPEC §7).

Each runs inside the opener's BEGIN IMMEDIATE transaction, together with the
bump of `PRAGMA user_version`, so a failure leaves schema and version as they
were, and two processes opening an old file cannot both apply a step.
"""

from __future__ import annotations

import re
import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("followup")


def _run(db: Database, script: str) -> None:
    """Run DDL statement by statement: executescript() would COMMIT the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            company TEXT NOT NULL CHECK (length(trim(company)) > 0),
            role TEXT NOT NULL DEFAULT '',
            stage TEXT NOT NULL
                CHECK (stage IN ('thank-you', 'waiting', 'next-round', 'stay-in-touch')),
            outcome TEXT NOT NULL DEFAULT 'open'
                CHECK (outcome IN ('open', 'offer', 'rejected', 'withdrawn')),
            round INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1),
            interview_at TEXT NOT NULL,          -- UTC ISO-8601 with offset
            stage_entered_at TEXT NOT NULL,
            follow_up_on TEXT,                   -- local YYYY-MM-DD
            follow_up_via TEXT,
            decision_by TEXT,                    -- local YYYY-MM-DD
            next_round_at TEXT,
            fit TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            closed_at TEXT,                      -- NULL while on the board
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX cards_open_stage ON cards (closed_at, stage);

        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            email TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT ''
        );

        CREATE TABLE card_people (
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
            relation TEXT NOT NULL DEFAULT 'interviewer'
                CHECK (relation IN ('interviewer', 'recruiter', 'hiring-manager', 'network')),
            PRIMARY KEY (card_id, person_id)
        );
        CREATE INDEX card_people_person ON card_people (person_id);

        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('thank-you', 'follow-up', 'check-in',
                'referral-ask', 'reply', 'invite', 'rejection', 'offer')),
            channel TEXT NOT NULL DEFAULT 'email'
                CHECK (channel IN ('email', 'phone', 'linkedin', 'in-person', 'other')),
            person_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX contacts_card_at ON contacts (card_id, at);
        CREATE INDEX contacts_person ON contacts (person_id);

        CREATE TABLE prep_items (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
        );
        CREATE INDEX prep_items_card ON prep_items (card_id, position);
        """,
    )


def latest_version() -> int:
    return len(migrations._migrations)


# Columns of cards that the rules read; changing one makes the card's saved plan stale.
_RULE_INPUTS = (
    "company",
    "role",
    "stage",
    "outcome",
    "round",
    "interview_at",
    "stage_entered_at",
    "follow_up_on",
    "follow_up_via",
    "decision_by",
    "next_round_at",
    "closed_at",
)


@migrations()
def m002_rule_plans(db: Database) -> None:
    """Save each card's flag windows so `status` can ask SQLite instead of re-reading history.

    Triggers mark a card stale (rules_key NULL) whenever anything the rules read
    changes, even from outside this program; stale cards are assessed in full.
    """
    _run(
        db,
        """
        ALTER TABLE cards ADD COLUMN rules_key TEXT;        -- policy+zone the plan was made for
        ALTER TABLE cards ADD COLUMN rules_valid_from TEXT; -- the plan holds for now >= this
        ALTER TABLE cards ADD COLUMN next_ok_base TEXT;     -- next_contact_ok = max(now, this)
        CREATE TABLE card_windows (
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            flag TEXT NOT NULL,
            opens TEXT NOT NULL,                             -- '' = since ever
            closes TEXT NOT NULL,                            -- '~' = for ever (sorts after any time)
            text TEXT NOT NULL,                              -- the reason, or a template ...
            measure TEXT,                                    -- ... with this placeholder
            anchor TEXT,                                     -- ... measured from this instant
            PRIMARY KEY (card_id, seq)
        );
        CREATE INDEX card_windows_open ON card_windows (opens, closes);
        CREATE INDEX cards_rules_fresh ON cards (rules_key, closed_at, rules_valid_from);
        """,
    )
    _stale_triggers(db, _RULE_INPUTS)


def _stale_triggers(db: Database, rule_inputs: tuple[str, ...]) -> None:
    """Mark a card's plan stale whenever something the rules read changes (the card's own
    `rule_inputs`, its contacts, prep items, people links, people's names)."""
    for table, key in (("contacts", "card_id"), ("prep_items", "card_id"), ("card_people", "card_id")):
        for event, which in (
            ("INSERT", f"id = NEW.{key}"),
            ("DELETE", f"id = OLD.{key}"),
            ("UPDATE", f"id IN (OLD.{key}, NEW.{key})"),
        ):
            _stale_trigger(db, f"{table}_{event.lower()}_stale", f"AFTER {event} ON {table}", which)
    _stale_trigger(
        db,
        "people_renamed_stale",
        "AFTER UPDATE OF name ON people",
        "id IN (SELECT card_id FROM card_people WHERE person_id = NEW.id)",
    )
    _stale_trigger(db, "cards_changed_stale", f"AFTER UPDATE OF {', '.join(rule_inputs)} ON cards", "id = NEW.id")


def _stale_trigger(db: Database, name: str, when: str, which: str) -> None:
    db.execute(
        f"CREATE TRIGGER {name} {when} BEGIN "
        f"UPDATE cards SET rules_key = NULL WHERE ({which}) AND rules_key IS NOT NULL; END"
    )


@migrations()
def m003_status_ready_windows(db: Database) -> None:
    """Windows laid out for `status` at 10,000 cards (a cache: dropped and made anew).

    Stored in `opens` order (WITHOUT ROWID), so the windows open now are one
    range of neighbouring pages; each carries what status prints and sorts by
    (the card's item head as JSON, interview_at, next_ok_base) and its reason as
    JSON text around the measure, so status neither joins `cards` nor encodes
    text. A card going stale loses its windows (trigger), so they never outlive
    the data they were made from.
    """
    _run(
        db,
        """
        DROP TABLE card_windows;
        CREATE TABLE card_windows (
            opens TEXT NOT NULL,                        -- '' = since ever
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            closes TEXT NOT NULL,                       -- '~' = for ever (sorts after any time)
            severity INTEGER NOT NULL,                  -- 0 = most severe (words.SEVERITY)
            flag TEXT NOT NULL,
            before TEXT NOT NULL,                       -- the reason, as JSON string content, ...
            measure TEXT,                               -- ... then this placeholder (reasons.py) ...
            anchor INTEGER,                             -- ... measured from this instant (Unix seconds) ...
            after TEXT NOT NULL,                        -- ... then the rest
            interview_at TEXT NOT NULL,                 -- the card's, copied: status sorts by it
            next_ok_base TEXT,                          -- the card's next_contact_ok = max(now, this)
            item TEXT NOT NULL,                         -- the card's status item as JSON, up to its flags
            PRIMARY KEY (opens, card_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX card_windows_card ON card_windows (card_id);
        UPDATE cards SET rules_key = NULL;                  -- every plan is made anew
        """,
    )
    db.execute(
        "CREATE TRIGGER cards_stale_windows AFTER UPDATE OF rules_key ON cards WHEN NEW.rules_key IS NULL "
        "BEGIN DELETE FROM card_windows WHERE card_id = NEW.id; END"
    )


def rebuild(db: Database, table: str, create_sql: str) -> None:
    """Make `table` anew from `create_sql` (a CREATE TABLE for `{table}__new`), keeping its rows,
    indexes and triggers: SQLite cannot ALTER a CHECK constraint or a default.

    Triggers and views elsewhere that name the table are dropped and made again too (renaming the
    new table fails while one names a table that is gone), and so are triggers that name such a view
    (the search triggers read the view search_source). The opener runs migrations with foreign
    keys off (Store._migrate): dropping a parent table with them on deletes its children. (The undo
    journal's triggers name the columns: a rebuild that changes them calls journal.install after.)"""
    keep = [
        (kind, name, sql)
        for kind, name, sql in db.execute(
            "WITH views AS (SELECT name FROM sqlite_master WHERE type = 'view' AND sql LIKE '%' || :t || '%') "
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND (type IN ('index', 'trigger') "
            "AND tbl_name = :t OR type IN ('trigger', 'view') AND sql LIKE '%' || :t || '%' "
            "OR type = 'trigger' AND EXISTS (SELECT 1 FROM views v WHERE sql LIKE '%' || v.name || '%'))",
            {"t": table},
        ).fetchall()
    ]
    for kind, name, _ in keep:
        if kind in ("trigger", "view"):
            db.execute(f'DROP {kind.upper()} "{name}"')
    db.execute(create_sql)
    columns = ", ".join(f'"{c.name}"' for c in db[table].columns)
    db.execute(f"INSERT INTO {table}__new ({columns}) SELECT {columns} FROM {table}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {table}__new RENAME TO {table}")
    for _, _, sql in sorted(keep, key=lambda k: k[0] == "view"):  # views last: they may read the triggers' tables
        db.execute(sql)


@migrations()
def m004_rules_v2(db: Database) -> None:
    """Rules v2 (SPEC §3): the kind `answer`, the `topic` a thank-you may mention, and when each
    instruction was recorded (a contact made before it is judged without it). Every plan is made anew."""
    _run(
        db,
        """
        ALTER TABLE cards ADD COLUMN topic TEXT NOT NULL DEFAULT '';
        ALTER TABLE cards ADD COLUMN follow_up_set_at TEXT;     -- when follow_up_on was recorded
        ALTER TABLE cards ADD COLUMN decision_set_at TEXT;      -- when decision_by was recorded
        UPDATE cards SET follow_up_set_at = interview_at WHERE follow_up_on IS NOT NULL;
        UPDATE cards SET decision_set_at = interview_at WHERE decision_by IS NOT NULL
        """,
    )
    rebuild(
        db,
        "contacts",
        """
        CREATE TABLE contacts__new (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('thank-you', 'follow-up', 'check-in', 'answer',
                'referral-ask', 'reply', 'invite', 'rejection', 'offer')),
            channel TEXT NOT NULL DEFAULT 'email'
                CHECK (channel IN ('email', 'phone', 'linkedin', 'in-person', 'other')),
            person_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
            note TEXT NOT NULL DEFAULT ''
        )""",
    )
    # the stale triggers anew: v2 inputs, and a card already stale is not written again (imports)
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_stale' ESCAPE '\\'"
    ).fetchall():
        db.execute(f"DROP TRIGGER {name}")
    _stale_triggers(db, _RULE_INPUTS + _RULE_INPUTS_V2)
    # v2 plans: the card's advice cut into segments, each one next action and its warnings, laid out
    # as status prints it; `attention` first in the key, so status reads only the segments with a flag
    _run(
        db,
        """
        DROP TABLE card_windows;
        CREATE TABLE card_plans (
            attention INTEGER NOT NULL,                 -- 1: the card has a flag while this holds
            opens TEXT NOT NULL,                        -- '' = since ever
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            closes TEXT NOT NULL,                       -- '~' = for ever (sorts after any time)
            severity INTEGER NOT NULL,                  -- the top flag's place in words.SEVERITY (4: none)
            flags TEXT NOT NULL,                        -- JSON array content: '"too-frequent","no-reply"'
            reason_flags TEXT NOT NULL,                 -- each reason's flag: 'due,too-frequent' ('' for none)
            b1 TEXT NOT NULL, m1 TEXT, a1 INTEGER, e1 TEXT NOT NULL,   -- the next action's line, as JSON
                                                        -- string content before / measure / anchor / after
            b2 TEXT, m2 TEXT, a2 INTEGER, e2 TEXT,      -- a warning's line, if any
            b3 TEXT, m3 TEXT, a3 INTEGER, e3 TEXT,      -- another
            action TEXT NOT NULL,                       -- the next action as JSON, up to its text
            next_ok TEXT,                               -- next_contact_ok = max(now, this)
            interview_at TEXT NOT NULL,                 -- the card's, copied: status sorts by it
            item TEXT NOT NULL,                         -- the card's status item as JSON, up to its flags
            PRIMARY KEY (attention, opens, card_id)
        ) WITHOUT ROWID;
        CREATE INDEX card_plans_card ON card_plans (card_id);
        DROP TRIGGER cards_stale_windows;
        ALTER TABLE cards DROP COLUMN next_ok_base
        """,
    )
    db.execute(
        "CREATE TRIGGER cards_stale_plans AFTER UPDATE OF rules_key ON cards WHEN NEW.rules_key IS NULL "
        "BEGIN DELETE FROM card_plans WHERE card_id = NEW.id; END"
    )
    db.execute("UPDATE cards SET rules_key = NULL")  # every plan is made anew by the v2 rules


_RULE_INPUTS_V2 = ("follow_up_set_at", "decision_set_at")


@migrations()
def m005_undo_journal(db: Database) -> None:
    """The undo journal (journal.py): actions, the row images they recorded, and the triggers that
    record them. A later migration that adds or rebuilds a user table's columns calls journal.install."""
    from . import journal

    journal.create(db.conn)


# --- m006: for people who use SQL (README "Using SQL") -------------------------------------------

NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"  # our canonical UTC form, from SQLite's clock
# a random (version 4) UUID, as the app makes them
UUID_SQL = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' "
    "|| substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)
# (table, column, what it starts with in CREATE TABLE, the default it gets)
_DEFAULTS = [
    *(
        (table, "uid", "uid TEXT NOT NULL UNIQUE", f"({UUID_SQL})")
        for table in ("cards", "people", "contacts", "prep_items")
    ),
    ("cards", "stage", "stage TEXT NOT NULL", "'thank-you'"),
    *(
        ("cards", column, f"{column} TEXT NOT NULL", f"({NOW_SQL})")
        for column in ("interview_at", "stage_entered_at", "created_at", "updated_at")
    ),
    ("contacts", "at", "at TEXT NOT NULL", f"({NOW_SQL})"),
]


@migrations()
def m006_sql_friendly(db: Database) -> None:
    """A row inserted with SQL gets a uid, timestamps and a stage by itself; a card's updated_at moves
    when a tool changes its contacts, people or prep; views v_cards and v_contacts read like the app."""
    import re

    for table in ("cards", "people", "contacts", "prep_items"):
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
        sql, renamed = re.subn(rf'^CREATE TABLE "?{table}"?', f"CREATE TABLE {table}__new", sql)
        for _, column, start, default in (d for d in _DEFAULTS if d[0] == table):

            def declared(match: re.Match[str], default: str = default) -> str:
                return f"{match.group(0)} DEFAULT {default}"

            sql, found = re.subn(rf"\b{re.escape(start)}(?=[,\s])", declared, sql, count=1)
            if renamed != 1 or found != 1:
                raise RuntimeError(f"m006: {table}.{column} is not declared as it expects")
        rebuild(db, table, sql)
    for statement in _touch_triggers() + _views():
        db.execute(statement)
    from . import journal

    journal.install(db.conn)  # its triggers, made anew for the rebuilt tables (journal.py asks it)


def _touch_triggers() -> list[str]:
    """cards.updated_at follows a change to a card's contacts, prep or people made by another tool.

    The app sets updated_at itself, with its own clock (--now): while a Store transaction runs,
    the journal's `journal_now` holds its action (m005), so these stay quiet for it."""
    touch = f"UPDATE cards SET updated_at = {NOW_SQL} WHERE id IN ({{which}}) AND updated_at IS NOT {NOW_SQL}"
    quiet = "WHEN NOT EXISTS (SELECT 1 FROM journal_now)"
    found = []
    for table in ("contacts", "prep_items", "card_people"):
        for event, which in (
            ("INSERT", "NEW.card_id"),
            ("DELETE", "OLD.card_id"),
            ("UPDATE", "OLD.card_id, NEW.card_id"),
        ):
            found.append(
                f"CREATE TRIGGER {table}_{event.lower()}_touch AFTER {event} ON {table} {quiet} "
                f"BEGIN {touch.format(which=which)}; END"
            )
    found.append(
        f"CREATE TRIGGER people_update_touch AFTER UPDATE ON people {quiet} BEGIN "
        f"{touch.format(which='SELECT card_id FROM card_people WHERE person_id = NEW.id')}; END"
    )
    return found


def _views() -> list[str]:
    """v_cards: each card with its flags, first reason and next action as of SQLite's now, from the
    rule plans the app saved (card_plans, m004: the segment holding now); v_contacts: each contact
    with its card and person. A card changed outside the app has no plan until the app next writes
    (planned = 0). The reason's measure is reasons.measure_sql as it was when this ran: a migration
    that changes it makes the view anew."""
    from ..domain.reasons import measure_sql

    measured = measure_sql("p.m1", "p.a1").replace(":now_s", "t.now_s").replace(":year", "t.year")
    return [
        f"""CREATE VIEW v_cards AS
        WITH t AS (SELECT {NOW_SQL} AS now, CAST(strftime('%s', 'now') AS INTEGER) AS now_s,
                          strftime('%Y', 'now', 'localtime') AS year),
        held AS (SELECT p.card_id, p.flags, p.action,
                        json_extract('"' || p.b1 || {measured} || p.e1 || '"', '$') AS reason
                 FROM card_plans p, t WHERE p.opens <= t.now AND t.now < p.closes)
        SELECT c.id, c.uid, c.company, c.role, c.stage, c.outcome, c.closed_at IS NOT NULL AS closed, c.round,
               c.interview_at, coalesce(replace(h.flags, '"', ''), '') AS flags, h.reason,
               json_extract(h.action || '""}}', '$.kind') AS next_action, c.rules_key IS NOT NULL AS planned
        FROM cards c LEFT JOIN held h ON h.card_id = c.id""",
        """CREATE VIEW v_contacts AS
        SELECT t.id, t.uid, t.card_id, c.company, c.role, t.at, t.kind, t.channel, p.name AS person, t.note
        FROM contacts t JOIN cards c ON c.id = t.card_id LEFT JOIN people p ON p.id = t.person_id""",
    ]


@migrations()
def m007_mail(db: Database) -> None:
    """What `followup mail scan` found (integrations/mail, storage/inbox.py): one row per message
    matched to a card, proposed once (its Message-ID is unique), holding only its date, addresses,
    subject and the words that decided its kind, never a body; where each folder's last scan
    ended; senders the user chose to skip. And a card's company mail domain (`edit --domain`),
    which mail matching also learns from its people's addresses."""
    _run(
        db,
        """
        ALTER TABLE cards ADD COLUMN domain TEXT NOT NULL DEFAULT '';
        CREATE TABLE mail_messages (
            id INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL UNIQUE,
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            at TEXT NOT NULL,                      -- the message's Date, UTC ISO-8601
            outbound INTEGER NOT NULL CHECK (outbound IN (0, 1)),
            sender TEXT NOT NULL,                  -- 'Name <address>'
            recipients TEXT NOT NULL,              -- addresses, comma-separated
            subject TEXT NOT NULL,
            person TEXT,                           -- the linked person it matched by address
            kind TEXT NOT NULL,                    -- the kind proposed (or logged)
            matched TEXT NOT NULL,                 -- JSON array: the words or facts that decided it
            match TEXT NOT NULL,                   -- how it found its card: address, thread or domain
            confidence REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'proposed'
                CHECK (state IN ('proposed', 'accepted', 'rejected', 'ignored')),
            contact_uid TEXT,                      -- the contact that accepting it logged (or found)
            source TEXT NOT NULL,                  -- the folder it came from
            found_at TEXT NOT NULL
        );
        CREATE INDEX mail_messages_card ON mail_messages (card_id, at);
        CREATE INDEX mail_messages_state ON mail_messages (state, at);
        CREATE TABLE mail_folders (
            source TEXT PRIMARY KEY,               -- 'maildir:/path' or 'imap:user@host/INBOX'
            mark TEXT NOT NULL,                    -- JSON: where the last scan ended
            scanned_at TEXT NOT NULL
        );
        CREATE TABLE mail_skipped (
            address TEXT PRIMARY KEY,              -- a sender the user skips (lower case)
            at TEXT NOT NULL
        )
        """,
    )
    from . import journal

    journal.install(db.conn)  # its triggers, made anew for the new column


# --- m008: steady at any size (issue 19) -----------------------------------------------------------


@migrations()
def m008_search_index(db: Database) -> None:
    """What keeps work proportional to what changed at 100,000 cards:

    - `search` (FTS5): one document per card (search.py), external content kept in `search_docs`
      by triggers, so the board's filter asks SQLite for cards by word prefix;
    - `card_plans.stage` and the index `card_plans_board`: the board reads each column's cards in
      order of urgency, a screenful at a time;
    - `meta`: one row that tells a writer in O(1) whether every plan was made for its policy
      (rulecache.plans_key);
    - `journal_now.fresh_from`: an import's new cards own their contacts, prep and links in the
      undo journal (journal.new_cards_own_rows), instead of an image of every row."""
    from . import search

    _run(
        db,
        """
        ALTER TABLE card_plans ADD COLUMN stage TEXT NOT NULL DEFAULT '';
        UPDATE card_plans SET stage = coalesce((SELECT c.stage FROM cards c WHERE c.id = card_id), '');
        CREATE INDEX card_plans_board ON card_plans (stage, severity, interview_at, card_id, closes);
        CREATE TABLE meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID
        """,
    )
    for statement in search.SCHEMA:
        db.execute(statement)
    search.build(db.conn)
    from . import journal

    db.execute("ALTER TABLE journal_now ADD COLUMN fresh_from INTEGER")  # journal.new_cards_own_rows
    journal.install(db.conn)


# --- m009: calendar sync (integrations/calsync) ----------------------------------------------------


@migrations()
def m009_caldav_sync(db: Database) -> None:
    """What `followup sync` knows of the calendar it fills: one row per item it put there (where, its
    ETag and SEQUENCE, a hash of what was pushed) and the calendar found for the configured name.
    Not user data: the undo journal leaves it alone, and export does not carry it."""
    _run(
        db,
        """
        CREATE TABLE caldav_items (
            uid TEXT PRIMARY KEY,                -- the item's iCalendar UID: the card's uid and the action
            card_uid TEXT NOT NULL,              -- its card (no foreign key: a deleted card's items go next sync)
            component TEXT NOT NULL CHECK (component IN ('VTODO', 'VEVENT')),
            what TEXT NOT NULL DEFAULT '',       -- 'Thank-you note', for the sync's report
            href TEXT NOT NULL,                  -- where it is on the server
            etag TEXT,                           -- the server's, as last seen (NULL: not known)
            sequence INTEGER NOT NULL DEFAULT 0,
            hash TEXT NOT NULL,                  -- of what was last pushed, without its timestamps
            status TEXT NOT NULL,                -- NEEDS-ACTION, COMPLETED, CANCELLED (events: CONFIRMED...)
            closed_by TEXT,                      -- 'sync' (done or dropped here) or 'calendar' (done there)
            due TEXT,                            -- DUE as pushed (UTC ISO): a server that moved it is told
            logs TEXT,                           -- the contact kind that doing it logs (NULL: none)
            channel TEXT,                        -- and that contact's channel and person
            person TEXT,
            seen_contact INTEGER NOT NULL DEFAULT 0,  -- the card's latest contact id when pushed
            pushed_at TEXT NOT NULL,             -- when it was last written (or found there)
            retired_at TEXT                      -- done or dropped then: deleted from the server a grace later
        );
        CREATE INDEX caldav_items_card ON caldav_items (card_uid);
        CREATE TABLE caldav_calendar (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            server TEXT NOT NULL,                -- caldav.url and caldav.calendar when it was found
            wanted TEXT NOT NULL,
            url TEXT NOT NULL                    -- the collection's URL
        )
        """,
    )


# --- m010: what `followup stats` counts (storage/facts.py) -----------------------------------------


@migrations()
def m010_stats_facts(db: Database) -> None:
    """What `followup stats` counts, saved with each card's plan (facts.py, rulecache.py): each
    contact's local day and direction; each follow-up's answer and the rules' verdict on it; each
    card's first interview, next round, offer and thank-you times. A cache like card_plans: a card
    going stale loses its rows; every card is planned anew (closed ones too: Store._replan_stale)."""
    _run(
        db,
        """
        CREATE TABLE contact_days (
            at TEXT NOT NULL,                           -- the contact's time, copied
            contact_id INTEGER NOT NULL,
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            day TEXT,                                   -- its local date (NULL: a time SQLite cannot read)
            inbound INTEGER NOT NULL,                   -- 1: from them
            PRIMARY KEY (at, contact_id)                -- in time order: the last weeks are one range
        ) WITHOUT ROWID;
        CREATE INDEX contact_days_card ON contact_days (card_id);
        CREATE TABLE follow_up_facts (
            contact_id INTEGER PRIMARY KEY,             -- a follow-up or check-in
            card_id INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            month TEXT,                                 -- its local month, YYYY-MM
            channel TEXT NOT NULL,
            answer_at TEXT,                             -- the card's next contact from them
            again_at TEXT,                              -- your next follow-up or check-in on the card
            premature INTEGER                           -- the too-frequent rule's verdict (NULL: not judged)
        );
        CREATE INDEX follow_up_facts_card ON follow_up_facts (card_id);
        CREATE TABLE card_facts (
            card_id INTEGER PRIMARY KEY REFERENCES cards (id) ON DELETE CASCADE,
            first_at TEXT,                              -- the first interview (the funnel's cohort)
            month TEXT,                                 -- its local month, YYYY-MM
            next_round INTEGER NOT NULL,                -- round 2 or later, or in Next round
            offer INTEGER NOT NULL,                     -- outcome offer
            invited_at TEXT,                            -- the first invite logged
            offered_at TEXT,                            -- the first offer logged
            held TEXT NOT NULL,                         -- the latest interview
            thanked_at TEXT                             -- the first thank-you at or after it
        )
        """,
    )
    db.execute(
        "CREATE TRIGGER cards_stale_facts AFTER UPDATE OF rules_key ON cards WHEN NEW.rules_key IS NULL BEGIN "
        "DELETE FROM contact_days WHERE card_id = NEW.id; DELETE FROM follow_up_facts WHERE card_id = NEW.id; "
        "DELETE FROM card_facts WHERE card_id = NEW.id; END"
    )
    db.execute("UPDATE cards SET rules_key = NULL")  # every card planned, and counted, anew


# --- m011: a plan vouches for every value its card shows (issue 19: list --json) ----------------------

# Every column of cards that a reader shows (list --json, from a saved plan: rulecache.STORED_AS_READ):
# changing one makes the card's plan stale, not only the columns the rules read.
SHOWN = (*_RULE_INPUTS, *_RULE_INPUTS_V2, "uid", "fit", "notes", "topic", "created_at", "updated_at", "domain")


@migrations()
def m011_plans_vouch_for_what_cards_show(db: Database) -> None:
    """A saved plan now vouches that the card's stored values read as they are (rulecache.STORED_AS_READ):
    `list --json` pastes them into its JSON without reading each card. The stale triggers watch every
    column a card shows, and people's every column (a value that is bytes makes a problem line);
    plans of cards that another tool changed meanwhile where no trigger watched are dropped
    (their cards are planned anew by the writer that migrates)."""
    from ..domain.clock import FIRST_YEAR, LAST_YEAR
    from .rulecache import STORED_AS_READ, TIMES

    db.execute("DROP TRIGGER IF EXISTS cards_changed_stale")
    _stale_trigger(db, "cards_changed_stale", f"AFTER UPDATE OF {', '.join(SHOWN)} ON cards", "id = NEW.id")
    db.execute("DROP TRIGGER IF EXISTS people_renamed_stale")
    _stale_trigger(
        db,
        "people_renamed_stale",
        "AFTER UPDATE OF uid, name, email, title, note ON people",
        "id IN (SELECT card_id FROM card_people WHERE person_id = NEW.id)",
    )
    # what no trigger watched until now: times in a form or a range read.py does not take as they are,
    # text that is bytes, on the card or on its people
    readable = " AND ".join(
        f"(c.{column} IS NULL OR strftime('%Y-%m-%dT%H:%M:%S+00:00', c.{column}, '+0 days') IS c.{column} "
        f"AND c.{column} BETWEEN '{FIRST_YEAR:04d}' AND '{LAST_YEAR + 1:04d}')"
        for column in TIMES
    )
    texts = " AND ".join(
        f"typeof(c.{column}) != 'blob'" for column in ("uid", "company", "role", "fit", "notes", "topic", "domain")
    )
    people = " OR ".join(f"typeof(p.{column}) = 'blob'" for column in ("uid", "name", "email", "title", "note"))
    db.execute(
        f"""UPDATE cards SET rules_key = NULL WHERE rules_key IS NOT NULL AND id IN (
            SELECT c.id FROM cards c WHERE NOT ({STORED_AS_READ} AND {readable} AND {texts})
            UNION SELECT l.card_id FROM card_people l JOIN people p ON p.id = l.person_id WHERE {people})"""
    )


# --- m012: CHECK constraints without IN lists (issue 19: an import of 100,000 cards) ------------------

_IN_CHECK = re.compile(r"CHECK \((\w+) IN \(([^()]*)\)\)")
_OLD_SEVERITY = "-- the top flag's place in words.SEVERITY (4: none)"
_SEVERITY = "-- words.urgency: the top flag's place, then the next action's rule"


def _or_chain(match: re.Match[str]) -> str:
    column, values = match.group(1), [value.strip() for value in match.group(2).split(",")]
    return f"CHECK ({' OR '.join(f'{column} = {value}' for value in values)})"


@migrations()
def m012_checks_without_in_lists(db: Database) -> None:
    """`CHECK (kind IN ('thank-you', ...))` becomes `CHECK (kind = 'thank-you' OR ...)`, the same test.

    SQLite builds a temporary b-tree for an IN list of more than two values each time a statement
    runs, and a CHECK runs with every row written: 3 µs a row, a third of the time of writing an
    import's million contacts. The rows on disk do not change, so the tables' SQL text is edited in
    place, as SQLite's ALTER TABLE documentation describes for changing a CHECK constraint (a rebuild
    would copy every row): the schema version is bumped, and every connection reads the schema anew.
    The comment on card_plans.severity, which a user reading the schema sees, now says what it holds."""
    conn = db.conn
    ours = "'cards', 'card_people', 'contacts', 'prep_items', 'mail_messages', 'caldav_items'"  # not another tool's
    tables = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ({ours})")
    changed = {name: _IN_CHECK.sub(_or_chain, sql) for name, sql in tables.fetchall()}
    plans = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'card_plans'").fetchone()[0]
    changed["card_plans"] = plans.replace(_OLD_SEVERITY, _SEVERITY)  # what the column holds since rules v2.2
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.executemany(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
            [(sql, name) for name, sql in changed.items()],
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    except sqlite3.OperationalError:  # an SQLite built defensive refuses: the checks stay as they were (slower)
        return
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the edited schema now: fails here if wrong


@migrations()
def m013_views_measure_a_later_rounds_thank_you(db: Database) -> None:
    """v_cards made anew, with reasons.measure_sql as it is now: it measures {was_within:SECONDS}
    (rules v2.5: "round 2 was 2h ago — send a thank-you within 22h"), which the view made before
    left blank."""
    for view in ("v_cards", "v_contacts"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    for statement in _views():
        db.execute(statement)


@migrations()
def m014_the_round_a_person_was_met_in(db: Database) -> None:
    """Each person link says which round they were met in (history.round_panel: a panel in every round
    gets one thank-you each). NULL for the links made before: read as round 1, as the rules did then.
    The stale triggers on card_people fire on any column, so a round changed marks the plan stale."""
    db.execute("ALTER TABLE card_people ADD COLUMN round INTEGER CHECK (round IS NULL OR round >= 1)")
    from . import journal

    journal.install(db.conn)  # its images carry the new column: undo puts a round back


# --- m015: contact and prep item uids unique by a named index (issue 19: import) ----------------------


@migrations()
def m015_uids_unique_by_a_named_index(db: Database) -> None:
    """contacts.uid and prep_items.uid: unique by an index of their own (`contacts_uid`,
    `prep_items_uid`) instead of the column's UNIQUE, the same rule. SQLite cannot drop the index a
    UNIQUE column makes; a named one an import into empty tables drops and makes again at its end
    (bulk.uids_unique_at_the_end): a million random uids kept in order row by row took 2 s of it.

    The views are made anew too, with reasons.measure_sql as it is now ("was just now" at a later
    round's own minute, rules v2.12)."""
    from .bulk import UID_INDEXED

    for table in UID_INDEXED:
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
        sql, renamed = re.subn(rf'^CREATE TABLE "?{table}"?', f"CREATE TABLE {table}__new", sql)
        sql, found = re.subn(r"\buid TEXT NOT NULL UNIQUE(?=[,\s])", "uid TEXT NOT NULL", sql, count=1)
        if renamed != 1 or found != 1:
            raise RuntimeError(f"m015: {table}.uid is not declared as it expects")
        rebuild(db, table, sql)
        db.execute(f"CREATE UNIQUE INDEX {table}_uid ON {table} (uid)")
    m013_views_measure_a_later_rounds_thank_you(db)
