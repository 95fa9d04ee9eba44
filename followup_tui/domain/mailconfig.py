"""What config.toml's [mail] and [mail.imap] may say (README "Mail"): where your mail is, read-only.

Checked by the same rules as the rest of the file (an unknown key or a bad value names the key,
exit 2). The password itself is never here: `password_command` runs a program that prints it,
or `keyring` names the keyring service that holds it.
"""

from __future__ import annotations

import shlex
from collections import namedtuple
from pathlib import Path
from typing import Any

from .config import ConfigError

SENT_NAMES = ("sent", "sent items", "sent mail", "sent messages", "[gmail]/sent mail", "[gmail].sent mail")
TLS_MODES = ("tls", "starttls", "none")
LOOPBACK = ("127.0.0.1", "localhost", "::1")

Imap = namedtuple(
    "Imap",
    ["host", "port", "username", "password_command", "keyring", "folders", "sent", "tls", "cafile", "timeout"],
    defaults=["", 0, "", (), "", ("INBOX", "Sent"), SENT_NAMES, "tls", "", 30.0],
)
Mail = namedtuple("Mail", ["maildirs", "sent", "apply_above", "imap"], defaults=[(), SENT_NAMES, 0.8, None])

_MAIL_KEYS = ("maildir", "sent", "apply_above", "imap")
_IMAP_KEYS = ("host", "port", "username", "password_command", "keyring", "folders", "sent", "tls", "cafile", "timeout")


def parse_mail(table: dict[str, Any], path: Path) -> Mail:
    _known(table, _MAIL_KEYS, "mail", path)
    maildirs = _strings(table.get("maildir", []), "mail.maildir", path, one_allowed=True)
    apply_above = table.get("apply_above", 0.8)
    if isinstance(apply_above, bool) or not isinstance(apply_above, int | float) or not 0 <= apply_above <= 1:
        raise ConfigError(f"config {path}: mail.apply_above must be a number from 0 to 1, not {apply_above!r}")
    imap = table.get("imap")
    if imap is not None and not isinstance(imap, dict):
        raise ConfigError(f"config {path}: [mail.imap] must be a table")
    return Mail(
        maildirs=tuple(str(Path(m).expanduser()) for m in maildirs),
        sent=_sent(table, "mail", path),
        apply_above=float(apply_above),
        imap=None if imap is None else _imap(imap, path),
    )


def _imap(table: dict[str, Any], path: Path) -> Imap:
    _known(table, _IMAP_KEYS, "mail.imap", path)
    for key in ("host", "username", "keyring", "tls", "cafile"):
        if not isinstance(table.get(key, ""), str):
            raise ConfigError(f"config {path}: mail.imap.{key} must be a string")
    host, username = table.get("host", "").strip(), table.get("username", "")
    if not host or not username:
        raise ConfigError(f"config {path}: [mail.imap] needs host and username")
    tls = table.get("tls", "tls")
    if tls not in TLS_MODES:
        raise ConfigError(f"config {path}: mail.imap.tls must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    if tls == "none" and host not in LOOPBACK:
        raise ConfigError(f"config {path}: mail.imap.tls = 'none' only for a server on this machine (not {host})")
    port = table.get("port", 993 if tls == "tls" else 143)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError(f"config {path}: mail.imap.port must be a port number (1-65535), not {port!r}")
    timeout = table.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 600:
        raise ConfigError(f"config {path}: mail.imap.timeout must be seconds above 0 (at most 600), not {timeout!r}")
    command = _command(table.get("password_command", ""), path)
    if bool(command) == bool(table.get("keyring")):
        raise ConfigError(f"config {path}: [mail.imap] needs one of password_command or keyring (never a password)")
    folders = _strings(table.get("folders", ["INBOX", "Sent"]), "mail.imap.folders", path)
    return Imap(
        host=host,
        port=port,
        username=username,
        password_command=command,
        keyring=table.get("keyring", ""),
        folders=tuple(folders),
        sent=_sent(table, "mail.imap", path),
        tls=tls,
        cafile=str(Path(table["cafile"]).expanduser()) if table.get("cafile") else "",
        timeout=float(timeout),
    )


def _known(table: dict[str, Any], known: tuple[str, ...], name: str, path: Path) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"config {path}: unknown key {name}.{key} (known: {', '.join(known)})")


def _strings(value: object, key: str, path: Path, one_allowed: bool = False) -> list[str]:
    if one_allowed and isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        kind = "a string or a list of strings" if one_allowed else "a list of strings"
        raise ConfigError(f"config {path}: {key} must be {kind} (none of them empty)")
    return value


def _sent(table: dict[str, Any], name: str, path: Path) -> tuple[str, ...]:
    """Folder names whose messages are yours (compared in any case)."""
    if "sent" not in table:
        return SENT_NAMES
    return tuple(s.casefold() for s in _strings(table["sent"], f"{name}.sent", path))


def _command(value: object, path: Path) -> tuple[str, ...]:
    """A program and its arguments, run without a shell: a list, or a string split as a shell would."""
    if isinstance(value, str):
        try:
            value = shlex.split(value)
        except ValueError as exc:
            raise ConfigError(f"config {path}: mail.imap.password_command: {exc}") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"config {path}: mail.imap.password_command must be a string or a list of strings")
    return tuple(value)
