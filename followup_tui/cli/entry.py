"""The `followup` console script.

`followup status` is meant for shell prompts and tmux status lines, so the
plain `status [--json|--short]` form is answered here without importing click
(or anything else the other verbs need); `followup` alone opens the board the
same way (launch.py); every other command line goes to cli.py. Both paths
share status.status_text, so they print the same thing.
"""

from __future__ import annotations

import sys

from .errors import error

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
    if options is not None and rest[0] == "status" and tuple(rest[1:]) in _STATUS_FORMS:
        sys.exit(_status(options, _STATUS_FORMS[tuple(rest[1:])]))
    from .main import main as full

    full(args)


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


def _status(options: dict, form: str) -> int:
    from ..domain import clock, config
    from ..storage.dbfile import StoreError
    from ..storage.status import status_text

    try:
        policy = config.load_config(config.config_path(options.get("--config"))).policy
        db_path = config.db_path(options.get("--db"))
    except config.ConfigError as exc:
        return error(str(exc), 2)
    try:
        now = clock.now(options.get("--now"))
    except clock.TimeParseError as exc:
        return error(f"--now / FOLLOWUP_NOW: {exc}", 1)
    try:
        print(status_text(db_path, policy, now, form))
    except StoreError as exc:
        return error(str(exc), 1)
    except BrokenPipeError:
        pass
    return 0
