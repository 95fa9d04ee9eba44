"""The `followup` console script.

`followup status` is meant for shell prompts and tmux status lines, so the
plain `status [--json|--short]` form is answered here without importing click
(or anything else the other verbs need); so are the plain forms of `stats`
(`[--json] [--since DATE]`), and `followup` alone opens the board the same way
(launch.py), and so is `list --json [--all] [--stage S]`, which scripts read.
Every other command line goes to main.py. Both paths share status.status_text,
stats.stats_text and listing.document, so they print the same thing.
"""

from __future__ import annotations

import sys

from .errors import error

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the status path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from ..domain.config import Policy

_GLOBALS = ("--db", "--config", "--now")
_STATUS_FORMS = {(): "plain", ("--json",): "json", ("--short",): "short"}


def main(argv: list[str] | None = None) -> None:
    from ..domain.textsafe import ascii_fallback

    ascii_fallback()  # before anything is printed
    args = list(sys.argv[1:] if argv is None else argv)
    options, rest = _global_options(args)
    if options is not None and not rest:  # `followup` alone: the board, without click
        from .launch import board

        sys.exit(board(options))
    quick = _quick(options, rest) if options is not None else None
    if quick is None:
        from .main import main as full

        full(args)
    else:
        sys.exit(quick())


def _global_options(args: list[str]) -> tuple[dict[str, str] | None, list[str]]:
    """(the global options in front, what follows them); None for the options when one lacks its value."""
    options: dict[str, str] = {}
    rest = list(args)
    while rest and rest[0].split("=", 1)[0] in _GLOBALS:
        name, has_value, value = rest.pop(0).partition("=")
        if not has_value:
            if not rest:
                return None, rest
            value = rest.pop(0)
        options[name] = value
    return options, rest


def _quick(options: dict[str, str], rest: list[str]) -> Callable[[], int] | None:
    """How to answer a plain `status` or `stats` command line here, else None (click answers it)."""
    if rest[:1] == ["status"] and tuple(rest[1:]) in _STATUS_FORMS:
        form = _STATUS_FORMS[tuple(rest[1:])]
        return lambda: _status(options, form)
    found = _stats_options(rest[1:]) if rest[:1] == ["stats"] else None
    if found is not None:
        as_json, since = found
        return lambda: _stats(options, as_json, since)
    listed = _list_options(rest[1:]) if rest[:1] == ["list"] else None
    if listed is not None:
        return lambda: _list(options, listed)
    return None


def _list_options(args: list[str]) -> dict[str, str] | None:
    """{'--json': '', '--all': '', '--stage': STAGE} for a `list --json` click would read the same, else None."""
    from ..domain.words import STAGE_NAMES

    found: dict[str, str] = {}
    rest = list(args)
    while rest:
        name, has_value, value = rest.pop(0).partition("=")
        if name == "--stage" and not has_value and rest:
            value, has_value = rest.pop(0), "="
        if name in found or (name == "--stage") != bool(has_value) or name not in ("--json", "--all", "--stage"):
            return None
        if name == "--stage" and value not in STAGE_NAMES:
            return None  # click says what the choices are
        found[name] = value
    return found if "--json" in found else None


def _list(options: dict[str, str], listed: dict[str, str]) -> int:
    from ..storage.listing import document

    stage, closed = listed.get("--stage"), "--all" in listed
    return _answer(options, lambda db_path, policy, now: write_json(document(db_path, policy, now, stage, closed)))


def _stats_options(args: list[str]) -> tuple[bool, str | None] | None:
    """(--json, --since's value) for the plain forms of `stats`, else None."""
    as_json, since, rest = False, None, list(args)
    while rest:
        word = rest.pop(0)
        if word == "--json" and not as_json:
            as_json = True
        elif word.startswith("--since=") and since is None:
            since = word.partition("=")[2]
        elif word == "--since" and since is None and rest:
            since = rest.pop(0)
        else:
            return None
    return as_json, since


def _settings(options: dict) -> tuple | int:
    """(database path, policy, now) from the global options, or the exit code of a one-line error."""
    from ..domain import clock, config

    try:
        policy = config.load_policy(config.config_file(options.get("--config")))
        db_path = config.db_file(options.get("--db"))
    except config.ConfigError as exc:
        return error(str(exc), 2)
    try:
        return db_path, policy, clock.now(options.get("--now"))
    except clock.TimeParseError as exc:
        return error(f"--now / FOLLOWUP_NOW: {exc}", 1)


def _answer(options: dict, write: Callable[[str, Policy, datetime], int | None]) -> int:
    """Exit code of `write(database path, policy, now)` with the global options' settings: a
    database error is one line (exit 1); a reader that has had enough (`| head`) is not one."""
    from ..storage.dbfile import StoreError

    settings = _settings(options)
    if isinstance(settings, int):
        return settings
    try:
        return write(*settings) or 0
    except StoreError as exc:
        return error(str(exc), 1)
    except BrokenPipeError:
        return 0


def _stats(options: dict, as_json: bool, since: str | None) -> int:
    from ..domain.clock import TimeParseError
    from .stats import stats_text

    def write(db_path: str, policy: Policy, now: datetime) -> int | None:
        try:
            print(stats_text(db_path, policy, now, since, as_json))
        except TimeParseError as exc:
            return error(f"--since: {exc}", 1)
        return None

    return _answer(options, write)


def _status(options: dict, form: str) -> int:
    from ..storage.status import status_text

    return _answer(options, lambda db_path, policy, now: print(status_text(db_path, policy, now, form)))


def write_json(pieces: Iterable[bytes]) -> None:
    """UTF-8 JSON (made safe as textsafe.json_printable_utf8 does) to stdout as it comes: as it is to a
    UTF-8 stdout, else as json_text would print it there (\\u escapes where it cannot take Unicode)."""
    from ..domain.textsafe import json_printable

    stream = sys.stdout
    binary = getattr(stream, "buffer", None)
    utf8 = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "") == "utf8"
    stream.flush()
    try:
        for piece in pieces:
            if binary is not None and utf8:
                binary.write(piece)
            else:
                stream.write(json_printable(piece.decode()))
        stream.flush() if binary is None else binary.flush()
    except BrokenPipeError:  # the reader has had enough (`| head`): stop quietly, exit 0
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # so the exit's flush fails no more
