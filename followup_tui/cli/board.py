"""The board's verbs: `followup board` (what `followup` alone opens, launch.py) and `followup demo`."""

from __future__ import annotations

from pathlib import Path

import click

from ..domain import config as configuration
from .group import BadConfig, Env, Failure, cli, pass_env
from .launch import calendar_sync, check_config, run_board


def _check_board_config(env: Env) -> None:
    """A theme or [keys] entry the board cannot use stops it before anything opens (exit 2)."""
    try:
        check_config(env.config)
    except configuration.ConfigError as exc:
        raise BadConfig(str(exc)) from None


def _run_board(env: Env, store, demo: bool = False) -> None:
    with store:
        _ = env.now  # a --now out of range stops us here, not inside the board
        # sample cards never go to the user's calendar; a draft with no clipboard tool is saved beside
        # the user's database (not the demo's)
        calendar = None if demo else calendar_sync(env.db_path, env.config, env.now_text)
        scratch = store.path.parent if demo else None  # the demo's folder goes with a closed terminal too
        code = run_board(store, env.config, env.now_text, env.db_path.parent, calendar, scratch)
    if code:  # the board stopped on an error (already shown): not a success
        raise click.exceptions.Exit(code)


@cli.command(hidden=True)
@pass_env
def board(env: Env) -> None:
    """Open the board (the default)."""
    _check_board_config(env)
    _run_board(env, env.store())


@cli.command()
@click.option(
    "--screenshot",
    metavar="FILE.svg",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save an SVG of the demo board (160×48) instead of opening it.",
)
@pass_env
def demo(env: Env, screenshot: Path | None) -> None:
    """Open the board on a throwaway database of sample interviews."""
    import tempfile

    from ..exchange.demo import fill
    from ..storage.store import Store

    _check_board_config(env)
    if screenshot is not None:
        _check_screenshot(screenshot)
    with tempfile.TemporaryDirectory(prefix="followup-demo-") as folder:
        store = Store.open(Path(folder) / "demo.db", env.config.policy)
        fill(store, env.now)
        if screenshot is None:
            _run_board(env, store, demo=True)  # sample cards never go to the user's calendar
        else:
            _save_screenshot(env, store, screenshot)
            click.echo(f"saved {screenshot}")


def _check_screenshot(target: Path) -> None:
    """The screenshot is SVG, and goes where an export may (a new private file: outfile.py)."""
    from ..storage.outfile import check_output

    if target.suffix.lower() != ".svg":
        raise click.UsageError(f"--screenshot saves SVG: name the file {target.stem or 'board'}.svg, not {target}")
    check_output(target)
    if not target.parent.is_dir():
        raise Failure(f"cannot write {target}: folder {target.parent} does not exist")


def _save_screenshot(env: Env, store, target: Path) -> None:
    import asyncio

    from ..storage.outfile import write_private
    from ..tui.app import FollowupApp

    shot = []

    async def shoot() -> None:
        app = FollowupApp(store, env.config, env.now_text)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            shot.append(app.export_screenshot(title="followup demo"))

    with store:
        asyncio.run(shoot())
    write_private(target, shot[0].encode("utf-8"))
