"""Where files live and what config.toml may say (SPEC §8).

Paths are resolved in functions, never at import time, so tests and the
`--db`/`--config` options always win. platformdirs is imported only when a
default path is actually needed.
"""

from __future__ import annotations

import os
from collections import namedtuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of `followup status`)
if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "followup-tui"
DB_ENV = "FOLLOWUP_DB"
CONFIG_ENV = "FOLLOWUP_CONFIG"


class ConfigError(Exception):
    """config.toml is unreadable or says something we cannot use (exit 2)."""


def default_db_path() -> Path:
    return _path(_default_db_file())


def default_config_path() -> Path:
    return _path(_default_config_file())


def config_dir() -> Path:
    return _path(_config_dir())


def _default_db_file() -> str:
    return _joined(_user_dir("XDG_DATA_HOME", "~/.local/share", "user_data_path"), "followup.db")


def _default_config_file() -> str:
    return _joined(_config_dir(), "config.toml")


def _config_dir() -> str:
    return _user_dir("XDG_CONFIG_HOME", "~/.config", "user_config_path")


def _user_dir(xdg: str, fallback: str, platformdirs_function: str) -> str:
    """platformdirs' answer; on Linux worked out as it does (the XDG variable, else the fallback)
    without importing it: `followup status` runs in shell prompts, and platformdirs costs ~5 ms."""
    import sys

    if sys.platform.startswith("linux"):
        base = os.environ.get(xdg, "").strip() or os.path.expanduser(fallback)
        return _joined(base, APP_NAME)
    import platformdirs

    return str(getattr(platformdirs, platformdirs_function)(APP_NAME))


def db_path(option: str | os.PathLike[str] | None) -> Path:
    return _path(db_file(option))


def config_path(option: str | os.PathLike[str] | None) -> Path:
    return _path(config_file(option))


def db_file(option: str | os.PathLike[str] | None) -> str:
    """db_path as text, as str(Path) writes it: the fast commands (cli/entry.py) leave pathlib unloaded."""
    value = os.environ.get(DB_ENV) if option is None else os.fspath(option)
    if value == "":  # an unset variable in a script must not silently pick the default database
        raise ConfigError(
            f"the database path is empty ({'--db' if option is not None else DB_ENV} ''); "
            f"give a file, or leave it out for the default"
        )
    return _path_text(os.path.expanduser(value)) if value else _default_db_file()


def config_file(option: str | os.PathLike[str] | None) -> str:
    """config_path as text (see db_file)."""
    value = option or os.environ.get(CONFIG_ENV)
    return _path_text(os.path.expanduser(os.fspath(value))) if value else _default_config_file()


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def _joined(folder: str, name: str) -> str:
    return _path_text(os.path.join(folder, name))


def _path_text(value: str) -> str:
    """str(Path(value)) without importing pathlib (~3 ms with what it imports, of every `followup
    status`): empty and '.' parts dropped, a leading '//' kept as POSIX says."""
    if os.name != "posix":
        return str(_path(value))
    root = "//" if value[:2] == "//" and value[2:3] != "/" else "/" if value[:1] == "/" else ""
    return root + "/".join(part for part in value.split("/") if part not in ("", ".")) or "."


# Plain named tuples, not dataclasses: `followup status` loads this module, and
# importing dataclasses (which imports inspect) would cost it ~15 ms, typing ~2 ms.
# Type checkers read the typing.NamedTuple twins below; the running code builds them from the same names.

POLICY_DEFAULTS: dict[str, float] = {  # the pacing rules' numbers (SPEC §3); every one can be set in [policy]
    "thank_you_hours": 24,
    "min_days_between_contacts": 7,
    "stay_in_touch_every_days": 90,
    "stay_in_touch_min_days": 60,
    "unanswered_limit": 3,
    "prep_warn_days": 3,
    "gracious_reply_days": 7,
}

# The policy numbers that are whole: a count, and the gaps counted in calendar days (SPEC §3.2: a
# nudge on the seventh day is never "too soon by five hours"); why, as the error says it
WHOLE_POLICY = {
    "unanswered_limit": "",
    "min_days_between_contacts": " (gaps count in calendar days)",
    "stay_in_touch_every_days": " (a check-in falls due on a calendar day)",
    "stay_in_touch_min_days": " (gaps count in calendar days)",
}

# The most each may be (a year of hours, ten years of days): beyond, the dates the rules work out
# leave the calendar (a thank_you_hours of 1e9 broke every command, `status` too)
POLICY_MOST: dict[str, float] = {
    "thank_you_hours": 8760,
    "min_days_between_contacts": 3650,
    "stay_in_touch_every_days": 3650,
    "stay_in_touch_min_days": 3650,
    "unanswered_limit": 1000,
    "prep_warn_days": 3650,
    "gracious_reply_days": 3650,
}

CALDAV_DEFAULTS = {  # [caldav]: `followup sync` (integrations/calsync); the password is never one of them
    "url": "",  # the server's CalDAV address, http(s)://…
    "username": "",
    "calendar": "Interview follow-ups",  # a collection's name (made when missing) or its URL
    "password_command": "",  # a command that prints the password ("pass show dav"); else the system keyring
    "events": False,  # interviews as events too
    "private": False,  # send "Follow-up action" only: no company, role, names or drafts
    "every_minutes": 0,  # the board syncs in the background this often (0: only on its key)
    "timeout": 30,  # seconds to wait for the server
    "ca_file": "",  # a CA bundle (PEM) to trust, for a server with its own certificate
}
CALDAV_MOST = {"every_minutes": 1440, "timeout": 600}  # a day; as [mail.imap] timeout (nan was taken)

if TYPE_CHECKING:
    from typing import NamedTuple

    from .mailconfig import Mail

    class Policy(NamedTuple):  # the keys of POLICY_DEFAULTS, in its order
        thank_you_hours: float = 24
        min_days_between_contacts: float = 7
        stay_in_touch_every_days: float = 90
        stay_in_touch_min_days: float = 60
        unanswered_limit: int = 3
        prep_warn_days: float = 3
        gracious_reply_days: float = 7

    class Me(NamedTuple):
        name: str = ""
        signature: str = ""
        email: str = ""  # your address: mail from it is yours (followup mail)

    class CalDav(NamedTuple):  # the keys of CALDAV_DEFAULTS, in its order
        url: str = ""
        username: str = ""
        calendar: str = "Interview follow-ups"
        password_command: str | list[str] = ""
        events: bool = False
        private: bool = False
        every_minutes: float = 0
        timeout: float = 30
        ca_file: str = ""

    class _ConfigTuple(NamedTuple):
        policy: Policy = Policy()
        keys: dict[str, str] = {}
        theme: str | None = None
        me: Me = Me()
        path: Path | None = None
        mail: Mail | None = None  # [mail], when the file has it (mailconfig.py)
        caldav: CalDav = CalDav()  # [caldav] (integrations/calsync)

else:
    Policy = namedtuple("Policy", POLICY_DEFAULTS, defaults=POLICY_DEFAULTS.values())
    Me = namedtuple("Me", ["name", "signature", "email"], defaults=["", "", ""])
    CalDav = namedtuple("CalDav", CALDAV_DEFAULTS, defaults=CALDAV_DEFAULTS.values())
    _ConfigTuple = namedtuple(
        "Config",
        ["policy", "keys", "theme", "me", "path", "mail", "caldav"],
        defaults=[Policy(), {}, None, Me(), None, None, CalDav()],
    )


class Config(_ConfigTuple):
    """Everything config.toml can say, plus where it was read from."""

    @property
    def templates_dir(self) -> Path | None:
        return None if self.path is None else self.path.parent / "templates"


_TOP_KEYS = {"policy", "keys", "theme", "me", "mail", "caldav"}


def load_policy(path: str) -> Policy:
    """The [policy] of the config file at `path` (config_file), for the fast commands: pathlib and
    tomllib are loaded only when there is a file."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return Policy()
    except OSError:
        pass  # load_config says what is wrong
    return load_config(_path(path)).policy


def load_config(path: Path) -> Config:
    """Read config.toml; a missing file is the defaults. Raises ConfigError."""
    if not path.exists():
        return Config(path=path)
    refuse_special(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
    return parse_config(text, path)


def refuse_special(path: Path) -> None:
    """A config path that is a FIFO, socket or device is refused before it is read (a FIFO would wait for ever)."""
    from .files import special_kind

    try:
        kind = special_kind(path.stat().st_mode)
    except OSError:
        return  # missing: the caller says so
    if kind:
        raise ConfigError(f"config {path} is {kind}, not a file")


def parse_config(text: str, path: Path) -> Config:
    """The rules of load_config for a document not yet on disk (`followup config KEY VALUE` checks first)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"config {path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    return Config(
        policy=_policy(data.get("policy", {}), path),
        keys=_keys(data.get("keys", {}), path),
        theme=_theme(data.get("theme"), path),
        me=_me(data.get("me", {}), path),
        path=path,
        mail=_mail(data["mail"], path) if "mail" in data else None,
        caldav=_caldav(data.get("caldav", {}), path),
    )


def _table(value: object, name: str, path: Path) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ConfigError(f"config {path}: [{name}] must be a table")
    return value


def _policy(value: object, path: Path) -> Policy:
    table = _table(value, "policy", path)
    numbers: dict[str, float] = {}
    limit = Policy().unanswered_limit  # the one count: it indexes a list of contacts
    for key, raw in table.items():
        if key not in POLICY_DEFAULTS:
            raise ConfigError(f"config {path}: unknown key policy.{key} (known: {', '.join(POLICY_DEFAULTS)})")
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 < raw <= POLICY_MOST[key]:
            raise ConfigError(
                f"config {path}: policy.{key} must be a number above 0 and at most {POLICY_MOST[key]:g}, not {raw!r}"
            )
        if key in WHOLE_POLICY and raw != int(raw):
            raise ConfigError(
                f"config {path}: policy.{key} must be a whole number above 0, not {raw!r}{WHOLE_POLICY[key]}"
            )
        if key == "unanswered_limit":
            limit = int(raw)
        else:
            numbers[key] = int(raw) if key in WHOLE_POLICY else raw
    policy = Policy(**numbers, unanswered_limit=limit)
    if policy.stay_in_touch_min_days > policy.stay_in_touch_every_days:  # the check-in it asks for would be too soon
        raise ConfigError(_min_above_every(policy, set(table), path))
    return policy


def _min_above_every(policy: Policy, given: set[str], path: Path) -> str:
    """The two numbers that disagree, saying which one is the default the user never set, and what to set."""
    least, every = policy.stay_in_touch_min_days, policy.stay_in_touch_every_days

    def said(key: str, value: float) -> str:
        return f"policy.{key} ({value:g}{'' if key in given else ', the default: not set in the file'})"

    key, value, way = (  # the other one than the user chose, or the lower one when both were set
        ("stay_in_touch_min_days", every, "or less")
        if "stay_in_touch_every_days" in given or "stay_in_touch_min_days" not in given
        else ("stay_in_touch_every_days", least, "or more")
    )
    fix = f"set policy.{key} to {value:g} {way} (followup config policy.{key} {value:g})"
    return (
        f"config {path}: {said('stay_in_touch_min_days', least)} must not be more than "
        f"{said('stay_in_touch_every_days', every)}: the check-in asked for would be too soon; {fix}"
    )


def _keys(value: object, path: Path) -> dict[str, str]:
    keys: dict[str, str] = {}
    for binding_id, raw in _table(value, "keys", path).items():
        if not isinstance(raw, str) or not raw.strip():
            raise ConfigError(f'config {path}: keys.{binding_id} must be a string such as "ctrl+t" or "t,T"')
        keys[binding_id] = raw
    return keys


def _theme(value: object, path: Path) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"config {path}: theme must be a string")
    return value


def _me(value: object, path: Path) -> Me:
    fields: dict[str, str] = {}
    for key, raw in _table(value, "me", path).items():
        if key not in Me._fields:
            raise ConfigError(f"config {path}: unknown key me.{key} (known: {', '.join(Me._fields)})")
        if not isinstance(raw, str):
            raise ConfigError(f"config {path}: me.{key} must be a string")
        fields[key] = raw
    return Me(**fields)


def _mail(value: object, path: Path) -> Mail:
    """[mail] and [mail.imap] (mailconfig.py: checked only when the file has them)."""
    from .mailconfig import parse_mail

    return parse_mail(_table(value, "mail", path), path)


def _caldav(value: object, path: Path) -> CalDav:
    table = _table(value, "caldav", path)
    if "password" in table:
        raise ConfigError(
            f"config {path}: caldav.password: a password is never kept in config.toml; set "
            'caldav.password_command (e.g. "pass show dav") or put it in the system keyring'
        )
    for key, raw in table.items():
        if key not in CALDAV_DEFAULTS:
            raise ConfigError(f"config {path}: unknown key caldav.{key} (known: {', '.join(CALDAV_DEFAULTS)})")
        default = CALDAV_DEFAULTS[key]
        if isinstance(default, bool) and not isinstance(raw, bool):
            raise ConfigError(f"config {path}: caldav.{key} must be true or false, not {raw!r}")
        most = CALDAV_MOST.get(key, 0)
        if type(default) is int and (
            isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 <= raw <= most
        ):
            raise ConfigError(f"config {path}: caldav.{key} must be a number from 0 to {most}, not {raw!r}")
        if key == "password_command" and _command_problem(raw):
            raise ConfigError(f"config {path}: caldav.password_command {_command_problem(raw)}")
        if key == "password_command":
            continue
        if isinstance(default, str) and not isinstance(raw, str):
            raise ConfigError(f"config {path}: caldav.{key} must be a string")
    if table.get("timeout") == 0:
        raise ConfigError(f"config {path}: caldav.timeout must be above 0 seconds")
    url = str(table.get("url", ""))  # a string, or absent: checked above
    if url and not _web_address(url):
        raise ConfigError(f"config {path}: caldav.url must be an http:// or https:// address, not {url!r}")
    return CalDav(**table)  # type: ignore[arg-type]  # each value checked above


def _web_address(text: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in text)


def _command_problem(value: object) -> str:
    """Why a password command cannot be run as written ('' when it can): a string is split as a shell
    would split it (never run by one), a list is taken word for word."""
    import shlex

    if isinstance(value, list):
        return "" if value and all(isinstance(part, str) and part for part in value) else "must list words"
    if not isinstance(value, str):
        return 'must be a string such as "pass show dav"'
    try:
        shlex.split(value)
    except ValueError as exc:
        return f"cannot be read: {exc}"
    return ""
