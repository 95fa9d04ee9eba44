"""The board's side of config.toml: which themes and keys it accepts, and remembering the theme.

config.py checks what it can without Textual; what needs Textual's names (themes,
keys, binding ids) is checked here before the board opens and before
`followup config` writes a theme or a key.
"""

from __future__ import annotations

import contextlib
import threading
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App
from textual.keys import REPLACED_KEYS, Keys, _normalize_key_list, key_to_character
from textual.theme import BUILTIN_THEMES, Theme

from ..domain.config import Config, ConfigError
from ..domain.textsafe import safe

if TYPE_CHECKING:
    from pathlib import Path

    from .app import FollowupApp

# Keys that always do what the footer promises, whatever [keys] says.
KEPT = {"q": "quit", "question_mark": "help"}
PALETTE_KEY = App.COMMAND_PALETTE_BINDING  # ctrl+p: its binding has no id, so [keys] can only steal it
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_NAMED_KEYS = {key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")}


def default_theme() -> str:
    from textual.constants import DEFAULT_THEME

    return DEFAULT_THEME


def default_keys() -> dict[str, str]:
    from .app import default_keys

    return default_keys()


def check(config: Config) -> None:
    """Raise ConfigError (one line naming the key) for a theme or a [keys] entry the board cannot use."""
    problem = theme_problem(config.theme) or keys_problem(config.keys)
    if problem:
        raise ConfigError(f"config {config.path}: {problem}")


def theme_problem(theme: str | None) -> str | None:
    if theme is None or theme in BUILTIN_THEMES:
        return None
    return f"theme {safe(theme)!r} is not a theme (known: {', '.join(sorted(BUILTIN_THEMES))})"


def keys_problem(keymap: dict[str, str]) -> str | None:
    if not keymap:
        return None  # (the bindings are collected from every screen: only when there is something to check)
    defaults = default_keys()
    for binding_id, text in keymap.items():
        if binding_id not in defaults:
            return f"keys.{safe(binding_id)} is not a key binding (see the ? screen or the README for the ids)"
        problem = _binding_problem(binding_id, text, _normalized(defaults[binding_id]))
        if problem:
            return problem
    return _clash(keymap, defaults)


def _clash(keymap: dict[str, str], defaults: dict[str, str]) -> str | None:
    """A key given to a binding that another one holds where both work (the other would win, or
    neither would be sure): one line naming both."""
    from .app import key_scopes

    keys = {binding_id: _normalized(keymap.get(binding_id, default)) for binding_id, default in defaults.items()}
    for where, bindings in key_scopes().items():
        ids = [binding.id for binding in bindings if binding.id]
        for binding_id in (i for i in ids if i in keymap):
            for key in sorted(keys[binding_id] - _normalized(defaults[binding_id])):
                other = next((i for i in ids if i != binding_id and key in keys[i]), None)
                if other is not None:
                    shown = "?" if key == "question_mark" else key
                    return f"keys.{binding_id} takes {shown!r} from {other} on {where}: give one of them another key"
    return None


def _binding_problem(binding_id: str, text: str, default: set[str]) -> str | None:
    keys = [key.strip() for key in text.split(",")]
    for key in keys:
        if not is_key(key):
            return (
                f'keys.{binding_id}: {safe(key)!r} is not a key (such as "t", "T", "ctrl+t", "f5", '
                f'"question_mark"; several with commas: "t,ctrl+t")'
            )
    given = _normalized(text)
    for key, owner in KEPT.items():
        shown = "?" if key == "question_mark" else key
        if key in given and key not in default:
            return f"keys.{binding_id} takes {shown!r} from {owner}: q quits, ? shows the keys, whatever [keys] says"
        if binding_id == owner and key not in given:
            return f'keys.{binding_id} must keep {shown!r} (add keys after it: "{shown},f10")'
    if PALETTE_KEY in given:
        return f"keys.{binding_id} takes {PALETTE_KEY!r} from the command palette"
    return None


def _normalized(text: str) -> set[str]:
    """Key names as Textual matches them ('?' is 'question_mark'), as App.set_keymap makes them."""
    return set(_normalize_key_list(text).split(","))


def is_key(key: str) -> bool:
    """A key Textual can deliver: 't', 'T', '?', 'f5', 'ctrl+t', 'shift+left', 'question_mark'."""
    *modifiers, base = key.split("+")
    if not base or any(modifier not in _MODIFIERS for modifier in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace() and (base.isalnum() or not modifiers)
    return base in _NAMED_KEYS or key_to_character(REPLACED_KEYS.get(base, base)) is not None


# --- the theme picked in the palette ------------------------------------------------------

_saving = threading.Lock()  # one save at a time, so the last theme picked is the one that stays


def remember_theme(app: FollowupApp) -> None:
    """From now on, a theme picked in the palette is saved to config.toml (off the UI thread)."""
    path = app.config.path
    if path is None:
        return
    saved = {"theme": app.config.theme or app.theme}

    def changed(theme: Theme) -> None:
        if theme.name != saved["theme"]:
            app.run_worker(partial(_save_theme, app, path, saved), thread=True, group="save-theme")

    app.theme_changed_signal.subscribe(app, changed)


def _save_theme(app: FollowupApp, path: Path, saved: dict[str, str]) -> None:
    from ..domain import settings  # tomlkit: only once a theme is picked

    with _saving:
        theme = app.theme  # the latest pick, even if an earlier save was still running
        try:
            written = settings.change(path, None, "theme", theme)
        except (ConfigError, OSError) as exc:
            _tell(app, f"theme not saved: {exc}", "error")
            return
        saved["theme"] = theme
    if written:
        _tell(app, f"theme {theme} saved in {path}", "information")


def _tell(app: App, message: str, severity: str) -> None:
    with contextlib.suppress(RuntimeError):  # the app has closed meanwhile: nobody to tell
        app.call_from_thread(app.notify, safe(message), severity=severity, markup=False)
