"""Hostile text at every field: stored exactly, exported exactly, printed harmlessly, shown literally."""

from __future__ import annotations

import io
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_tui.cli.entry import main
from followup_tui.domain.model import Channel, Kind, Relation
from followup_tui.domain.textsafe import json_text, safe
from followup_tui.exchange.jsonexport import export_json
from followup_tui.exchange.jsonimport import import_json
from followup_tui.exchange.records import Report
from followup_tui.storage.store import NewCard, Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
HOSTILE = [
    "[bold]x[/]",
    "[/",
    "[@click=app.quit]x[/]",
    "[link=https://evil.example]click[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x9b2J",
    "\x85\x90\x9d",
    "\u202eevil\u202c",
    "\u2066iso\u2069",
    "{left}",
    "{{",
    "%s %d",
    "'; DROP TABLE cards; --",
    "🦊",
    "שלום",
    "\r\n",
]
hostile = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), min_size=1, max_size=4).map("".join)
argv_safe = hostile.map(lambda text: text.replace("\x00", ""))  # argv cannot carry NUL
# a name must not be blank, for SQLite too: its length() stops at a NUL, so '\x00x' is blank to the schema's CHECK
named = hostile.filter(lambda text: text.strip() and text.lstrip(" ")[:1] != "\x00")
RAW_CONTROL = ("\x1b", "\x9b", "\x90", "\x9d", "\x07", "\u202e")


@contextmanager
def fresh_db() -> Iterator[Path]:
    """A database path in a folder of its own, removed after the example (hypothesis runs dozens)."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        yield Path(folder) / "f.db"


@settings(max_examples=40, deadline=None)
@given(company=named, role=hostile, note=hostile, fit=hostile, person=named, contact_note=hostile, prep=named)
def test_every_field_round_trips_through_the_database_and_export(company, role, note, fit, person, contact_note, prep):
    with fresh_db() as path, Store.open(path) as store:
        card_id = store.add_card(
            NewCard(company=company, role=role, notes=note, fit=fit, interview_at=NOW, interviewers=[(person, "")]), NOW
        )
        store.add_person(card_id, person + "!", Relation.NETWORK, email=note, title=role, note=fit)
        store.log_contact(card_id, Kind.FOLLOW_UP, NOW, NOW, channel=Channel.OTHER, person=person, note=contact_note)
        store.prep_changes(card_id, [prep])
        bundle = store.get(card_id)
        exported = export_json(store)
    assert (bundle.card.company, bundle.card.role, bundle.card.notes, bundle.card.fit) == (company, role, note, fit)
    assert [p.name for p in bundle.people] == [person, person + "!"]
    assert bundle.people[1].email == note and bundle.contacts[0].note == contact_note and bundle.prep[0].text == prep
    assert exported == json_text(json.loads(exported)) + "\n"  # streamed, yet exactly json.dumps' layout
    with fresh_db() as copy, Store.open(copy) as other:
        with other.transaction():
            import_json(other.conn, io.StringIO(exported), Report())
        assert export_json(other) == exported


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code or 0
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(company=argv_safe.filter(lambda t: t.strip()), note=argv_safe, person=argv_safe.filter(lambda t: t.strip()))
def test_cli_output_never_carries_control_characters(company, note, person, monkeypatch):
    with fresh_db() as path:
        _print_everything(str(path), company, note, person, monkeypatch)


def _print_everything(db: str, company: str, note: str, person: str, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(
        "--db",
        db,
        "--now",
        "2026-11-26T10:00:00+00:00",
        "add",
        "--role",
        note,
        "--note",
        note,
        "--fit",
        note,
        "--interviewer",
        person,
        "--",
        company,
    )  # '--': a company may start with '-'
    assert code == 0, err
    card_id = out.strip()
    printed = [
        run("--db", db, *args)[1:]
        for args in (
            ["show", card_id],
            ["list"],
            ["status"],
            ["list", "--all"],
            ["draft", card_id],
            ["prep", card_id],
            ["show", card_id, "--json"],
            ["status", "--json"],
            ["export"],
            ["export", "--format", "csv"],
        )
    ]
    for out_text, err_text in printed:
        assert not any(c in out_text + err_text for c in RAW_CONTROL)
    shown = json.loads(run("--db", db, "show", card_id, "--json")[1])
    assert (shown["company"], shown["notes"]) == (company, note)


def test_safe_makes_every_control_character_visible():
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x202E, 0x2066]:
        text = safe(f"a{chr(code)}b")
        assert chr(code) not in text and text.startswith("a\\") and text.endswith("b")
    assert safe("[bold]x[/] 🦊 שלום") == "[bold]x[/] 🦊 שלום"


async def test_the_board_shows_hostile_names_literally(tmp_path):
    from followup_tui.domain.config import Config
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.cardlist import CardList

    store = Store.open(tmp_path / "f.db")
    for n, text in enumerate(HOSTILE):
        store.add_card(NewCard(company=f"{n} {text}", role=text, notes=text, interview_at=NOW), NOW)
    app = FollowupApp(store, Config())
    async with app.run_test(size=(200, 60)) as pilot:
        cards = app.screen.query_one("#list-thank-you", CardList)
        shown = [cards.item(n).title for n in range(len(cards.ids))]
        assert sorted(shown) == sorted(safe(f"{n} {text}") for n, text in enumerate(HOSTILE))
        lines = [cards.render_line(y).text for y in range(60)]
        assert not any(c in "".join(lines) for c in RAW_CONTROL)
        assert any("[@click=app.quit]x[/]" in line for line in lines)
        await pilot.press("enter", "escape", "slash", *"click", "enter")
        assert app.is_running
