"""The `followup` command line (SPEC §5): every verb registered, failures as one line."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from ..domain import clock
from ..storage.dbfile import StoreError
from . import board, cards, configure, data, history, mail, reading, sync  # noqa: F401  (importing registers verbs)
from .errors import error
from .group import Env, cli
from .stats import register as register_stats

register_stats(cli)


def main(argv: list[str] | None = None) -> None:
    """Run a command line, turning every failure into one line on stderr."""
    try:
        code = cli.main(args=argv, prog_name="followup", standalone_mode=False)
    except click.ClickException as exc:
        code = error(exc.format_message(), exc.exit_code)
    except click.Abort:
        code = error("aborted, nothing changed", 1)
    except (StoreError, clock.TimeParseError) as exc:
        code = error(str(exc), 1)
    except sqlite3.Error as exc:  # a damaged file (a missing table, a bad page) met while reading
        from ..storage.dbfile import explain

        code = error(str(explain(Env.current.db_path if Env.current else Path("the database"), exc, "read")), 1)
    except UnicodeEncodeError as exc:  # an argument's bytes were not UTF-8 (Python kept them as surrogates)
        code = error(f"an argument is not UTF-8 text ({_bad_bytes(exc)}); nothing changed", 1)
    except BrokenPipeError:
        code = 0
    sys.exit(code if isinstance(code, int) else 0)


def _bad_bytes(exc: UnicodeEncodeError) -> str:
    return " ".join(f"byte 0x{ord(c) & 0xFF:02x}" for c in exc.object[exc.start : exc.end])
