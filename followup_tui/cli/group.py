"""The click group and what every verb shares: the global options (Env), card ids, errors."""

from __future__ import annotations

from datetime import date, datetime

import click

from ..domain import clock
from ..domain import config as configuration
from ..domain.textsafe import safe


class Failure(click.ClickException):
    """The command could not do what was asked (exit 1)."""

    exit_code = 1


class BadConfig(click.ClickException):
    exit_code = 2


class Env:
    """What every verb needs, resolved lazily from the global options."""

    current: Env | None = None  # this command line's, for main() to name the file in an error

    def __init__(self, db: str | None, config: str | None, now_text: str | None):
        try:
            self.db_path = configuration.db_path(db)
        except configuration.ConfigError as exc:
            raise BadConfig(str(exc)) from None
        self.config_path = configuration.config_path(config)
        self.now_text = now_text
        self._now: datetime | None = None
        self._config: configuration.Config | None = None

    @property
    def now(self) -> datetime:
        if self._now is None:
            try:
                self._now = clock.now(self.now_text)
            except clock.TimeParseError as exc:
                raise Failure(f"--now / FOLLOWUP_NOW: {exc}") from None
        return self._now

    @property
    def config(self) -> configuration.Config:
        if self._config is None:
            try:
                self._config = configuration.load_config(self.config_path)
            except configuration.ConfigError as exc:
                raise BadConfig(str(exc)) from None
        return self._config

    def store(self):
        from ..storage.store import Store

        _ = self.config  # a bad config stops us before the database is touched
        return Store.open(self.db_path, self.config.policy)

    def reader(self):
        from ..storage.store import Store

        _ = self.config  # as for store(): a bad config stops us first
        return Store.open_readonly(self.db_path)

    def when(self, text: str, what: str, future: bool = False) -> datetime:
        """An instant the user wrote (`future`: a field that only looks ahead, such as a next round)."""
        try:
            return clock.parse_instant(text, self.now, future=future)
        except clock.TimeParseError as exc:
            raise Failure(f"{what}: {exc}") from None

    def day(self, text: str, what: str) -> date:
        """A calendar date the user wrote: every one we ask for looks ahead (a follow-up, a decision)."""
        try:
            return clock.parse_date(text, self.now, future=True)
        except clock.TimeParseError as exc:
            raise Failure(f"{what}: {exc}") from None


class CardId(click.ParamType):
    """A card's id: a whole number; one no card can have (0, or beyond SQLite's integers) is simply
    not found (exit 1), not an overflow."""

    name = "ID"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        try:
            number = int(value)
        except ValueError:
            self.fail(f"{value!r} is not a card id (a whole number)", param, ctx)
        if not 0 < number < 2**63:
            raise Failure(f"no card #{safe(value)}")
        return number


CARD_ID = CardId()


def warn(message: str) -> None:
    click.echo(f"followup: warning: {message}", err=True)


def choice(enum) -> click.Choice:
    return click.Choice([member.value for member in enum])


pass_env = click.make_pass_decorator(Env)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH", help="Database file (env FOLLOWUP_DB).")
@click.option("--config", metavar="PATH", help="config.toml (env FOLLOWUP_CONFIG).")
@click.option("--now", "now_text", metavar="WHEN", help="Pretend it is WHEN (env FOLLOWUP_NOW). " + clock.WHEN_HELP)
@click.version_option(package_name="followup-tui")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None, now_text: str | None) -> None:
    """Follow up on job interviews: thank-you notes, follow-ups, next rounds, staying in touch.

    `followup` alone opens the board. `--now` plans ahead or looks back; looking back shows
    the contacts known then, with today's stages.
    """
    ctx.obj = Env.current = Env(db, config, now_text)
    if ctx.invoked_subcommand is None:
        from .board import board  # lazily: it registers on this group

        ctx.invoke(board)


def _read(env: Env, action):
    """Run `action(store)` on a read-only store; a missing database is an error here."""
    store = env.reader()
    if store is None:
        raise Failure(f"no database yet at {env.db_path} (add an interview with `followup add`)")
    with store:
        return action(store)
