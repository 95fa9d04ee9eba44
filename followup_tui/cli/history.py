"""The undo journal from the shell: undo, redo, history."""

from __future__ import annotations

import click

from ..domain.textsafe import safe
from ..storage.journal import KEEP as JOURNAL_KEEP
from .group import Env, cli, pass_env


@cli.command()
@pass_env
def undo(env: Env) -> None:
    """Undo the latest change, made here or on the board (refused if a later change touched the same records)."""
    with env.store() as store:
        done = store.undo()
    click.echo(f"undone #{done.target.id}: {safe(done.label)}")


@cli.command()
@pass_env
def redo(env: Env) -> None:
    """Redo the latest undone change (refused if a later change touched the same records)."""
    with env.store() as store:
        done = store.redo()
    click.echo(f"redone #{done.target.undo_of}: {safe(done.label)}")


@cli.command()
@click.option(
    "-n",
    "count",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help=f"How many (the journal keeps the last {JOURNAL_KEEP:,}).",
)
@pass_env
def history(env: Env, count) -> None:
    """Recent changes, newest first: id, when, from where, what (and whether undone or redone)."""
    from ..storage.dbfile import version

    store = env.reader()
    actions = []
    if store is not None:
        with store:
            if version(store.conn) >= 5:  # the journal came with schema 5
                actions = store.history(min(count, JOURNAL_KEEP))  # more would not fit SQLite's integers
    if not actions:
        click.echo("no changes recorded yet")
    for action in actions:
        click.echo(_history_line(action))


def _history_line(action) -> str:
    state = (
        f"  (undone by #{action.undone_by})"
        if action.undone_by
        else f"  (redone by #{action.redone_by})"
        if action.redone_by
        else ""
    )
    return f"#{action.id:<5} {action.when():<9} {action.origin:<6} {safe(action.label)}{state}"
