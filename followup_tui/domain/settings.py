"""Read and change config.toml one key at a time (`followup config`, the theme picked on the board).

tomlkit edits the document in place, so the user's comments, order and spacing
survive a change. A change is checked with config.py's own rules before it is
written, and written atomically: the file is either the old one or the new one.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from .config import CALDAV_DEFAULTS, POLICY_DEFAULTS, Config, ConfigError, parse_config, refuse_special

FIXED_KEYS = [
    *(f"policy.{name}" for name in POLICY_DEFAULTS),
    "me.name",
    "me.signature",
    "me.email",
    "theme",
    *(f"caldav.{name}" for name in CALDAV_DEFAULTS),
]
KEYS_HINT = "keys.BINDING-ID"  # any binding id of the board (the ? screen and the README list them)


class UnknownKey(Exception):
    """Not a key config.toml has (exit 1)."""


def split_key(key: str, binding_ids: Callable[[], set[str]]) -> tuple[str | None, str]:
    """'me.name' -> ('me', 'name'); 'theme' -> (None, 'theme'). binding_ids is asked only for keys.*."""
    table, _, name = key.rpartition(".")
    if key in FIXED_KEYS:
        return (table or None), name
    if table == "keys":
        ids = binding_ids()
        if name in ids:
            return table, name
        raise UnknownKey(f"unknown key {key!r}: {name!r} is not a key binding (known: {', '.join(sorted(ids))})")
    raise UnknownKey(f"unknown key {key!r} (known: {', '.join(FIXED_KEYS)}, {KEYS_HINT})")


def coerce(table: str | None, text: str, name: str = "") -> object:
    """A value as typed on the command line -> what it means in TOML: policy values are numbers, and
    so are caldav's numbers; its switches are true or false."""
    default = CALDAV_DEFAULTS.get(name) if table == "caldav" else None
    if isinstance(default, bool):
        return {"true": True, "false": False}.get(text.strip().lower(), text)
    if table != "policy" and type(default) is not int:
        return text
    for kind in (int, float):
        try:
            number = kind(text)
        except ValueError:
            continue
        if math.isfinite(number):
            return number
    return text  # not a number: the config rules say so, naming the key


# --- reading ---------------------------------------------------------------------


def effective(config: Config, default_theme: str) -> list[tuple[str, object, bool]]:
    """(key, value, is_default) for every key, grouped as the file is; [keys] only where set."""
    written = _written(config.path)
    rows = [
        (f"policy.{name}", getattr(config.policy, name), f"policy.{name}" not in written) for name in POLICY_DEFAULTS
    ]
    rows += [
        (f"me.{name}", getattr(config.me, name), f"me.{name}" not in written) for name in ("name", "signature", "email")
    ]
    rows.append(("theme", config.theme or default_theme, config.theme is None))
    rows += [(f"keys.{binding_id}", keys, False) for binding_id, keys in config.keys.items()]
    rows += [
        (f"caldav.{name}", getattr(config.caldav, name), f"caldav.{name}" not in written) for name in CALDAV_DEFAULTS
    ]
    return rows


def _written(path: Path | None) -> set[str]:
    """The keys the file itself sets, as 'table.name' (load_config has already checked it)."""
    if path is None or not path.exists():
        return set()
    import tomllib

    document = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f"{table}.{name}" for table, names in document.items() if isinstance(names, dict) for name in names}


def value_of(config: Config, table: str | None, name: str, default_theme: str, default_keys: dict[str, str]) -> object:
    if table == "policy":
        return getattr(config.policy, name)
    if table == "me":
        return getattr(config.me, name)
    if table == "caldav":
        return getattr(config.caldav, name)
    if table == "keys":
        return config.keys.get(name, default_keys.get(name, ""))
    return config.theme or default_theme


# --- changing ---------------------------------------------------------------------


def change(
    path: Path, table: str | None, name: str, value: object | None, check: Callable[[Config], None] | None = None
) -> bool:
    """Set table.name to value (None removes it) in the file at path, keeping the rest as it is.

    The new document must pass config.py's rules and `check` (ConfigError otherwise), else
    nothing is written. Returns False when the file already said exactly that.
    """
    old_text = _read(path)
    document = _parse(old_text, path)
    _edit(document, table, name, value, path)
    new_text = tomlkit.dumps(document)
    config = parse_config(new_text, path)
    if check is not None:
        check(config)
    if new_text == old_text:
        return False
    write_atomically(path, new_text)
    return True


def _read(path: Path) -> str:
    refuse_special(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None


def _parse(text: str, path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None


def _edit(document: tomlkit.TOMLDocument, table: str | None, name: str, value: object | None, path: Path) -> None:
    if table is None:
        holder = document
    else:
        if table not in document:
            if value is None:
                return
            document[table] = tomlkit.table()
        holder = document[table]
        if not isinstance(holder, dict):
            raise ConfigError(f"config {path}: [{table}] must be a table")
    if value is not None:
        holder[name] = value
    elif name in holder:
        del holder[name]


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step (a temp file beside it, then rename), readable by its owner only.

    A symlinked config.toml (dotfiles) stays a symlink: the file it points to is replaced.
    """
    target = path.resolve()
    if not target.parent.exists():
        target.parent.mkdir(mode=0o700, parents=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
