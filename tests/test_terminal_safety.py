"""No control character from user data ever reaches the terminal, on any screen or form (SPEC §6, §7).

Every screen and form is opened on a card whose every field is hostile (ESC/OSC/CSI/C1/bidi/markup),
through a driver that keeps what the board writes to the terminal. Two checks:
- the bytes written carry no escape sequence but Textual's own CSI and our OSC 52, no C1, no bidi;
- each full frame is byte-for-byte the frame of the same card with every field already made
  visible (`visible_twin`), so nothing of the user's text went out raw.
"""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path

from board_fixtures import DAY, HOUR, NOW, settle
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.drivers.headless_driver import HeadlessDriver

from followup_tui.domain.config import Config
from followup_tui.domain.model import Kind, Outcome, Relation, Stage
from followup_tui.domain.textsafe import safe_block
from followup_tui.storage.store import NewCard, Store

PWNED = "Acme\x1b]52;c;UFdORUQ=\x1b\\"  # put "PWNED" on the tmux clipboard through the old edit form
HOSTILE = [
    PWNED,
    "\x1b[31mred\x1b[0m",
    "\x1b[2J\x1b[H",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x9b2J",
    "\x85\x90\x9d\x9f",
    "\u202eevil\u202c",
    "\u2066iso\u2069",
    "[@click=app.quit]x[/]",
    "[bold]b[/",
    "\x07\x08\x7f",
    "tab\there",
    "two\nlines",
    "\x1bP1$r\x1b\\",
    "\x1b_apc\x1b\\",
]
hostile = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), min_size=1, max_size=3).map("".join)
# a name SQLite takes: its CHECK (length(trim(name)) > 0) reads text up to a NUL, and trims spaces only
named = hostile.filter(lambda text: text.strip() and text.lstrip(" ")[:1] != "\x00")

# Textual's own: CSI, the pointer shape (OSC 22); ours: OSC 52 with base64 (the clipboard)
OURS = re.compile(r"\x1b\[[0-9;:?<=>]*[ -/]*[@-~]|\x1b\]22;[a-z-]*\x07|\x1b\]52;c;[A-Za-z0-9+/=]*\x07")
FORBIDDEN = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Terminal(HeadlessDriver):
    """A headless driver that keeps what the app writes, as a terminal would receive it."""

    written: list[str]

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.written.append(data)


def fill(path: Path, texts: dict[str, str]) -> dict[str, int]:
    store = Store.open(path)
    with store.transaction():
        evil = store.add_card(
            NewCard(
                texts["company"],
                NOW - 2 * HOUR,
                role=texts["role"],
                fit=texts["fit"],
                topic=texts["topic"],
                notes=texts["notes"],
                interviewers=[(texts["person"], texts["email"])],
            ),
            NOW - 2 * HOUR,
        )
        store.add_person(
            evil,
            texts["person"] + "!",
            Relation.NETWORK,
            email=texts["email"],
            title=texts["title"],
            note=texts["note"],
        )
        store.log_contact(evil, Kind.FOLLOW_UP, NOW - HOUR, NOW, person=texts["person"], note=texts["note"])
        store.prep_changes(evil, [texts["prep"]])
        closed = store.add_card(NewCard(texts["company"], NOW - 9 * DAY, role=texts["role"]), NOW - 9 * DAY)
        store.close_card(closed, NOW, Outcome.WITHDRAWN)
        rounds = store.add_card(NewCard(texts["company"], NOW - 9 * DAY, role=texts["role"]), NOW - 9 * DAY)
        store.move(rounds, Stage.NEXT_ROUND, NOW)
    store.close()
    return {"evil": evil, "rounds": rounds}


# every screen and form that shows or edits user text, reached by keys from the board
VISITS = [
    ("board", []),
    ("card screen", ["enter"]),
    ("person form", ["tab", "e"]),
    ("prep form", ["escape", "tab", "e"]),
    ("contact form", ["escape", "tab", "e"]),
    ("edit form", ["escape", "escape", "e"]),
    ("contact log form", ["escape", "c"]),
    ("draft", ["escape", "w"]),
    ("delete question", ["escape", "d"]),
    ("close question", ["n", "x"]),
    ("archive", ["escape", "A"]),
    ("round question", ["escape", "jump:rounds", "H"]),
    ("help", ["escape", "question_mark"]),
]


async def frames(texts: dict[str, str], folder: Path) -> tuple[list[str], list[str]]:
    """(full frame per visit, everything written) for a board whose hostile card has these texts."""
    from followup_tui.tui import clipboard
    from followup_tui.tui.app import FollowupApp

    folder.mkdir()
    ids = fill(folder / "f.db", texts)
    app = FollowupApp(Store.open(folder / "f.db"), Config(), data_dir=folder.parent)
    Terminal.written = []
    app.driver_class = Terminal
    find_tool, clipboard.find_tool = clipboard.find_tool, lambda environ=None: None  # the draft: OSC 52 and a file
    try:
        return await _visit(app, ids)
    finally:
        clipboard.find_tool = find_tool


async def _visit(app, ids: dict[str, int]) -> tuple[list[str], list[str]]:
    shots = []
    async with app.run_test(size=(120, 40), headless=False) as pilot:
        await settle(pilot)
        app.follow(ids["evil"])
        for name, keys in VISITS:
            for key in keys:
                if key == "jump:rounds":
                    app.follow(ids["rounds"])
                else:
                    await pilot.press(key)
            await settle(pilot)
            app.clear_notifications()  # they come and go on timers; their text is checked below
            for field in app.screen.query("Input, TextArea"):
                field.cursor_blink = False
            await pilot.pause()
            update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
            shots.append(f"{name}:\n{update.render_segments(app.console)}")
        said = [n.message for n in app._notifications]
    return shots, [*Terminal.written, *said]


KEYS = ("company", "role", "fit", "topic", "notes", "person", "email", "title", "note", "prep")


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.fixed_dictionaries({key: named if key in ("company", "person", "prep") else hostile for key in KEYS}))
@example(texts={key: PWNED for key in KEYS})
@example(texts=dict(zip(KEYS, HOSTILE, strict=False)))
async def test_no_control_character_from_user_data_reaches_the_terminal(texts):
    with tempfile.TemporaryDirectory(prefix="terminal-safety-") as name:
        await _shown_harmlessly(texts, Path(name))


async def _shown_harmlessly(texts: dict[str, str], folder: Path) -> None:
    shown, written = await frames(texts, folder / "hostile")
    for chunk in written:
        rest = OURS.sub("", chunk)
        assert not FORBIDDEN.search(rest.replace("\x1b", "\x00")), repr(FORBIDDEN.search(rest.replace("\x1b", "\x00")))
        for payload in re.findall(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", chunk):  # the clipboard gets visible text
            assert not FORBIDDEN.search(base64.b64decode(payload).decode().replace("\n", "").replace("\t", ""))
    visible, _ = await frames({key: visible_twin(value) for key, value in texts.items()}, folder / "visible")
    assert shown == visible


def visible_twin(text: str) -> str:
    """The same text with its dangerous characters already made visible. Characters Python counts as
    whitespace (\\x85, \\x1c…) stay: they decide how a draft splits a first name, and they are
    caught by the check on the bytes written."""
    return re.sub(r"\S+", lambda match: safe_block(match.group()), text)


async def test_what_is_pasted_into_a_field_arrives_visible(db_path):
    """A paste holding escape sequences (into the filter, a form's field, the notes) is made visible as it
    arrives: drawn harmlessly, and saved as the visible text."""
    from board_fixtures import make_app, press
    from textual import events

    app, _ = make_app(db_path)
    pasted = "Evil\x1b]52;c;UFdORUQ=\x07\x9b2J\u202e"
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "slash")
        app.post_message(events.Paste(pasted))
        await settle(pilot)
        assert app.screen.query_one("#filter").value == safe_block(pasted)
        await press(pilot, "escape", "n")
        app.post_message(events.Paste(pasted))
        await settle(pilot)
        app.screen.query_one("#notes").focus()
        await settle(pilot)
        app.post_message(events.Paste(f"line one\r{pasted}\r\nline three"))  # a terminal's line breaks: CR
        await settle(pilot)
        await press(pilot, "ctrl+s")
        card_id = app.focused.current_id
    with Store.open_readonly(db_path) as reader:
        card = reader.get(card_id).card
    assert (card.company, card.notes) == (safe_block(pasted), f"line one\n{safe_block(pasted)}\nline three")
