"""w copies the draft where it arrives: OSC 52 and the system's clipboard tool, else a private file (SPEC §6)."""

from __future__ import annotations

import stat
import sys

import pytest
from board_fixtures import make_app, press, toasts

from followup_tui.tui.clipboard import find_tool

FIT = "I ran the \x1b]52;c;UFdORUQ=\x07 migration"  # hostile text that the draft quotes


@pytest.fixture
def tools(tmp_path, monkeypatch):
    """A PATH holding only the tools a test puts there."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)

    def tool(name: str, code: int = 0):
        received = tmp_path / f"{name}.received"
        script = folder / name
        script.write_text(
            f"#!{sys.executable}\nimport sys\nopen({str(received)!r}, 'wb').write(sys.stdin.buffer.read())\n"
            f"sys.exit({code})\n"
        )
        script.chmod(0o755)
        return received

    return tool


def test_the_first_tool_that_can_reach_a_display_is_chosen(tools, monkeypatch):
    assert find_tool() is None
    tools("wl-copy")
    assert find_tool() is None  # wl-copy needs Wayland
    tools("xsel")
    assert find_tool() == ["xsel", "--clipboard", "--input"]
    tools("xclip")
    assert find_tool() == ["xclip", "-selection", "clipboard"]
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert find_tool() == ["wl-copy"]


async def test_w_copies_with_the_system_tool_and_osc_52(tools, db_path):
    received = tools("xclip")
    app, ids = make_app(db_path, data_dir=db_path.parent / "data")
    app.store.update_card(ids["acme"], {"fit": FIT}, app.now())
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "w")
        copied = received.read_text()
        assert "I ran the \\x1b]52;c;UFdORUQ=\\x07 migration" in copied and "\x1b" not in copied
        assert app._clipboard == copied  # what OSC 52 sent: the same visible text
        assert toasts(app)[-1] == "the draft is on the clipboard (xclip, and OSC 52 for the terminal)"
    assert not (db_path.parent / "data").exists()


@pytest.mark.parametrize("broken", [False, True])
async def test_without_a_working_tool_the_draft_is_saved_to_a_private_file(tools, db_path, broken):
    if broken:
        tools("xclip", code=1)
    data = db_path.parent / "data"
    app, ids = make_app(db_path, data_dir=data)
    app.store.update_card(ids["acme"], {"fit": FIT}, app.now())
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "w")
        saved = data / "draft.txt"
        assert saved.read_text() == app._clipboard and "\x1b" not in saved.read_text()
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        problem = "xclip failed" if broken else "no clipboard tool found (wl-copy, xclip, xsel, pbcopy, clip.exe)"
        assert (
            toasts(app)[-1]
            == f"the draft went to the terminal by OSC 52 (if it allows that); {problem}: saved to {saved}"
        )
        await press(pilot, "y")  # copy again from the draft screen: the same way
        assert toasts(app)[-1].endswith(f"saved to {saved}")
