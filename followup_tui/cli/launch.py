"""Opening the board, without click: `followup` alone (entry.py) and the `board` and `demo` verbs (board.py).

`followup` with nothing but global options opens the board straight from entry.py, so the board's
start pays for neither click nor the other verbs' modules.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

    from ..domain.config import Config
    from ..integrations.calsync import BoardSync
    from ..storage.store import Store


def check_config(config: Config) -> None:
    """Raise ConfigError for a theme or [keys] entry the board cannot use: it stops before anything opens."""
    from ..tui.preferences import check  # Textual: only the board needs it

    check(config)


def calendar_sync(db_path: Path, config: Config, now_text: str | None) -> BoardSync | None:
    """What syncs the board with [caldav]'s calendar (S, and every caldav.every_minutes); None without one."""
    if not config.caldav.url:
        return None
    from ..domain import clock
    from ..integrations.calsync import BoardSync

    return BoardSync(db_path, config, lambda: clock.now(now_text))


def run_board(
    store: Store,
    config: Config,
    now_text: str | None,
    data_dir: Path,
    calendar: BoardSync | None = None,
    scratch: Path | None = None,
) -> int:
    """Run the board on `store`; its exit code (non-zero: it stopped on an error, already shown).
    `scratch`: a folder of the board's own (the demo's), removed if the terminal closes."""
    from ..tui.app import FollowupApp
    from ..tui.pastes import install

    install()  # a paste is text, never keys, whatever escape codes it holds (pastes.py)
    app = FollowupApp(store, config, now_text, data_dir=data_dir, calendar=calendar, scratch=scratch)
    app.run()
    return app.return_code or 0


def board(options: dict[str, str]) -> int:
    """`followup [--db PATH] [--config PATH] [--now WHEN]`: the board, failures as one line (exit 2: the
    configuration, 1: the file or --now), as the click command line says them."""
    import sqlite3

    from ..domain import clock, config
    from ..storage.dbfile import StoreError, explain
    from .errors import error

    try:
        db_path = config.db_path(options.get("--db"))
        settings = config.load_config(config.config_path(options.get("--config")))
        check_config(settings)
    except config.ConfigError as exc:
        return error(str(exc), 2)
    try:
        clock.now(options.get("--now"))  # out of range: said before the file is touched
    except clock.TimeParseError as exc:
        return error(f"--now / FOLLOWUP_NOW: {exc}", 1)
    from ..storage.store import Store

    try:
        with Store.open(db_path, settings.policy) as store:
            # a draft with no clipboard tool is saved beside the user's database
            now_text = options.get("--now")
            return run_board(store, settings, now_text, db_path.parent, calendar_sync(db_path, settings, now_text))
    except StoreError as exc:
        return error(str(exc), 1)
    except sqlite3.Error as exc:  # a damaged file met while reading
        return error(str(explain(db_path, exc, "read")), 1)
