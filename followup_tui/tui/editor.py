"""E on the card screen: the card's notes in the user's own editor ($VISUAL, else $EDITOR, else vi).

The board hands the terminal over (Textual's suspend) while the editor runs; the notes
travel through a private file beside the database that is removed afterwards.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from ..domain.textsafe import safe

if TYPE_CHECKING:
    from .app import FollowupApp


def editor_command() -> list[str]:
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def edit_notes(app: FollowupApp, card_id: int) -> None:
    bundle = app.bundle(card_id)
    if bundle is None:
        return
    notes = bundle.card.notes
    folder = Path(app.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"followup-notes-{card_id}-", suffix=".md", dir=folder)  # mode 0600
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(notes)
        code = _run(app, [*editor_command(), str(path)])
        if code is None:
            return
        if code != 0:
            app.notify(f"notes not saved: the editor exited with {code}", severity="error", markup=False)
            return
        edited = path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError) as exc:
        app.notify(f"notes not saved: {safe(exc)}", severity="error", markup=False)
        return
    finally:
        path.unlink(missing_ok=True)
    if edited.endswith("\n") and not notes.endswith("\n"):
        edited = edited[:-1]  # editors end the file with a newline; that is no change to the notes
    app.save_notes(card_id, edited)


def _run(app: FollowupApp, command: list[str]) -> int | None:
    """Run the editor with the terminal to itself; its exit code, or None if it could not run."""
    try:
        if app.is_headless:  # no terminal to hand over (tests)
            return subprocess.run(command).returncode
        with app.suspend():
            return subprocess.run(command).returncode
    except SuspendNotSupported:
        app.notify("this terminal cannot hand the screen to an editor", severity="error", markup=False)
    except OSError as exc:
        app.notify(f"cannot run the editor {safe(command[0])}: {exc.strerror}", severity="error", markup=False)
    return None
