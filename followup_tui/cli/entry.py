"""The `followup` console script.

`followup status` is meant for shell prompts and tmux status lines, so the
plain `status [--json|--short]` form is answered here without importing click
(or anything else the other verbs need); every other command line goes to
cli.py. Both paths share status.status_text, so they print the same thing.
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
    quick = _quick_status(args)
    if quick is None:
        from .main import main as full

        full(args)
    else:
        sys.exit(_status(*quick))


def _quick_status(args: list[str]) -> tuple[dict, str] | None:
    """(global options, form) for a plain `status` command line, else None."""
    options: dict[str, str] = {}
    rest = list(args)
    while rest and rest[0].split("=", 1)[0] in _GLOBALS:
        name, has_value, value = rest.pop(0).partition("=")
        if not has_value:
            if not rest:
                return None
            value = rest.pop(0)
        options[name] = value
    if not rest or rest[0] != "status" or tuple(rest[1:]) not in _STATUS_FORMS:
        return None
    return options, _STATUS_FORMS[tuple(rest[1:])]


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
