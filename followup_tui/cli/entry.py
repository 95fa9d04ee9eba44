"""The `followup` console script.

`followup status` is meant for shell prompts and tmux status lines, so the
plain `status [--json|--short]` form is answered here without importing click
(or anything else the other verbs need); so is `list --json [--all] [--stage S]`,
which scripts read. Every other command line goes to cli.py. Both paths share
status.status_text and listing.document, so they print the same thing.
"""

from __future__ import annotations

import sys

from .errors import error

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterable

_GLOBALS = ("--db", "--config", "--now")
_STATUS_FORMS = {(): "plain", ("--json",): "json", ("--short",): "short"}


def main(argv: list[str] | None = None) -> None:
    from ..domain.textsafe import ascii_fallback

    ascii_fallback()  # before anything is printed
    args = list(sys.argv[1:] if argv is None else argv)
    quick = _quick(args)
    if quick is None:
        from .main import main as full

        full(args)
    else:
        sys.exit(_answer(*quick))


def _quick(args: list[str]) -> tuple[dict[str, str], list[str]] | None:
    """(global options, the rest) for a command line answered here, else None."""
    options: dict[str, str] = {}
    rest = list(args)
    while rest and rest[0].split("=", 1)[0] in _GLOBALS:
        name, has_value, value = rest.pop(0).partition("=")
        if not has_value:
            if not rest:
                return None
            value = rest.pop(0)
        options[name] = value
    if rest[:1] == ["status"] and tuple(rest[1:]) in _STATUS_FORMS:
        return options, rest
    if rest[:1] == ["list"] and _list_options(rest[1:]) is not None:
        return options, rest
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


def _answer(options: dict[str, str], rest: list[str]) -> int:
    from ..domain import clock, config
    from ..storage.dbfile import StoreError

    try:
        policy = config.load_policy(config.config_file(options.get("--config")))
        db_path = config.db_file(options.get("--db"))
    except config.ConfigError as exc:
        return error(str(exc), 2)
    try:
        now = clock.now(options.get("--now"))
    except clock.TimeParseError as exc:
        return error(f"--now / FOLLOWUP_NOW: {exc}", 1)
    try:
        if rest[0] == "status":
            from ..storage.status import status_text

            print(status_text(db_path, policy, now, _STATUS_FORMS[tuple(rest[1:])]))
        else:
            from ..storage.listing import document

            listed = _list_options(rest[1:]) or {}
            write_json(document(db_path, policy, now, listed.get("--stage"), "--all" in listed))
    except StoreError as exc:
        return error(str(exc), 1)
    except BrokenPipeError:
        pass
    return 0


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
