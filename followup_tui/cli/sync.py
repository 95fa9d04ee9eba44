"""`followup sync [--dry-run]`: the cards' next actions to and from the CalDAV calendar of [caldav]."""

from __future__ import annotations

import click

from ..domain.config import ConfigError
from ..domain.textsafe import safe
from .group import BadConfig, Env, Failure, _read, cli, pass_env


@cli.command("sync")
@click.option("--dry-run", is_flag=True, help="Say what would change, here and on the server; write nothing.")
@pass_env
def sync_(env: Env, dry_run: bool) -> None:
    """Sync each open card's next action with your CalDAV calendar, both ways.

    \b
    Out: each next action becomes a to-do with its due time, a reminder and the draft; done and
    dropped ones are ticked or cancelled, then deleted a week later (interviews as events too,
    with caldav.events). Back: a to-do ticked in the calendar logs its contact (followup undo
    takes it back); a due date moved there is put back, and said.
    Set up: followup config caldav.url URL, caldav.username NAME, caldav.password_command CMD
    (or the system keyring); README: Calendar sync.
    """
    from ..integrations import calsync
    from ..integrations.password import PasswordError

    config, now = env.config, env.now
    if not config.caldav.url:
        raise BadConfig(
            'caldav.url is not set: followup config caldav.url "https://dav.example.com/…" (README: Calendar sync)'
        )
    try:
        if dry_run:
            report = _read(env, lambda store: calsync.sync(store, config, now, calsync.password_for(config), True))
        else:
            with env.store() as store:
                report = calsync.sync(store, config, now, calsync.password_for(config))
    except (calsync.SyncError, PasswordError, ConfigError) as exc:
        line, code = calsync.failure_line(exc)
        if not dry_run:
            calsync.remember(env.db_path, calsync.Outcome(now, False, line))
        raise (BadConfig if code == 2 else Failure)(safe(line)) from None
    if not dry_run:
        calsync.remember(env.db_path, calsync.Outcome(now, not report.failures, report.summary()))
    for line in report.lines():
        click.echo(line)
    if report.failures:
        raise Failure(f"{len(report.failures)} item(s) could not be synced (above); nothing else was lost")
