"""Copying a draft so that it arrives (SPEC §6, §7).

OSC 52 asks the terminal to set its clipboard (and works over ssh), but tmux and many
terminals ignore it by default, so the system's clipboard tool is used as well when there
is one; with neither known to work, the draft is also saved to a private file. The toast
says which. What is copied has its control characters made visible, as on screen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.textsafe import safe, safe_block
from ..storage.dbfile import StoreError
from ..storage.outfile import make_folder

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.app import App

# (command, the environment variable its display needs, or None)
TOOLS = (
    (("wl-copy",), "WAYLAND_DISPLAY"),
    (("xclip", "-selection", "clipboard"), "DISPLAY"),
    (("xsel", "--clipboard", "--input"), "DISPLAY"),
    (("pbcopy",), None),
    (("clip.exe",), None),
)
SAVED_NAME = "draft.txt"


def find_tool(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The first clipboard tool on PATH that can reach a display here."""
    env = os.environ if environ is None else environ
    for command, display in TOOLS:
        if (display is None or env.get(display)) and shutil.which(command[0], path=env.get("PATH")):
            return list(command)
    return None


def run_tool(command: list[str], text: str) -> bool:
    """Hand `text` to the tool; True if it took it."""
    data = text.encode("utf-16" if command[0] == "clip.exe" else "utf-8")  # clip.exe reads UTF-16 with a BOM
    try:
        done = subprocess.run(command, input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def save(folder: Path, text: str) -> Path:
    """Into `folder`/draft.txt, readable by its owner only (a folder made for it too)."""
    make_folder(folder)
    path = folder / SAVED_NAME
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    return path


def copy(app: App[None], text: str, folder: Path, what: str = "the draft") -> None:
    """Copy `text` by OSC 52 and the system's tool (off the UI thread), then say how; when neither
    is known to work, it is saved to `folder`."""
    text = safe_block(text)
    app.copy_to_clipboard(text)  # OSC 52: the terminal decides whether it listens
    tool = find_tool()

    def work() -> None:
        if tool is not None and run_tool(tool, text):
            message = f"{what} is on the clipboard ({tool[0]}, and OSC 52 for the terminal)"
        else:
            problem = (
                f"{tool[0]} failed" if tool else "no clipboard tool found (wl-copy, xclip, xsel, pbcopy, clip.exe)"
            )
            try:
                where = f"saved to {safe(save(folder, text))}"
            except OSError as exc:
                where = f"could not save it either ({exc.strerror})"
            except StoreError as exc:  # the folder could not be made
                where = f"could not save it either ({safe(str(exc))})"
            message = f"{what} went to the terminal by OSC 52 (if it allows that); {problem}: {where}"
        app.call_from_thread(app.notify, message, markup=False, timeout=8)

    app.run_worker(work, thread=True, group="clipboard")
