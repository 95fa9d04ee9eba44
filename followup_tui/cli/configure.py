"""`followup config`: show, read or set config.toml (comments kept)."""

from __future__ import annotations

import shlex

import click

from ..domain import config as configuration
from ..domain.textsafe import json_text, safe
from .group import BadConfig, Env, Failure, cli, pass_env


class _ConfigCommand(click.Command):
    """`followup config policy.thank_you_hours -5` reads -5 as an option: say how to give such a value."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes its list
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            typed = next((arg for arg in given if arg.startswith(exc.option_name)), exc.option_name)
            if typed.startswith("--"):
                raise
            hint = f"a VALUE that starts with '-' goes after --: followup config KEY -- {shlex.quote(typed)}"
            raise click.UsageError(f"no such option {typed!r} ({hint})", ctx) from None


@cli.command("config", cls=_ConfigCommand)
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--unset", is_flag=True, help="Remove KEY from the file: it takes its default again.")
@pass_env
def config_(env: Env, key: str | None, value: str | None, unset: bool) -> None:
    """Show config.toml's path and every value, read KEY, or set KEY to VALUE (the file's comments are kept).

    \b
    Keys: policy.NAME (numbers above 0; plain `followup config` lists them), me.name and
    me.signature (used by drafts), theme (a Textual theme), keys.BINDING-ID (e.g. keys.undo "u,z"),
    caldav.NAME (`followup sync`: url, username, calendar, password_command…).
    Example: followup config me.name "Sam Doe"
    """
    if key is None:
        if unset or value is not None:
            raise click.UsageError("--unset needs a KEY")
        _show_config(env)
    elif value is None and not unset:
        _print_config_value(env, key)
    elif unset and value is not None:
        raise click.UsageError("give either a VALUE or --unset, not both")
    else:
        _set_config_value(env, key, None if unset else value)


def _config_key(key: str) -> tuple[str | None, str]:
    from ..domain import settings

    def binding_ids() -> set[str]:
        from ..tui.app import binding_ids

        return binding_ids()

    try:
        return settings.split_key(key, binding_ids)
    except settings.UnknownKey as exc:
        raise Failure(safe(str(exc))) from None


def _show_config(env: Env) -> None:
    from ..domain import settings
    from ..tui.preferences import default_theme

    missing = "" if env.config_path.exists() else " (not created yet: every value is the default)"
    click.echo(f"config file: {safe(env.config_path)}{missing}")
    group = None
    for key, value, is_default in settings.effective(env.config, default_theme()):
        if key.split(".")[0] != group:
            group = key.split(".")[0]
            click.echo()
        click.echo(f"{safe(key)} = {_toml_literal(value)}{'  (default)' if is_default else ''}")


def _print_config_value(env: Env, key: str) -> None:
    from ..domain import settings
    from ..tui.preferences import default_keys, default_theme

    table, name = _config_key(key)
    value = settings.value_of(env.config, table, name, default_theme(), default_keys() if table == "keys" else {})
    click.echo(safe(value) if isinstance(value, str) else _toml_literal(value))


def _set_config_value(env: Env, key: str, value: str | None) -> None:
    from ..domain import settings

    table, name = _config_key(key)
    new = None if value is None else settings.coerce(table, value, name)
    check = None
    if table == "keys" or name == "theme":  # config.py alone cannot judge these
        from ..tui import preferences

        check = preferences.check
    try:
        written = settings.change(env.config_path, table, name, new, check)
    except configuration.ConfigError as exc:
        raise BadConfig(safe(str(exc))) from None
    except OSError as exc:
        raise Failure(f"cannot write config {safe(env.config_path)}: {safe(exc.strerror or exc)}") from None
    if new is None:
        click.echo(f"{key} removed: back to its default" if written else f"{key} was not set: file unchanged")
    else:
        click.echo(f"{key} = {_toml_literal(new)}{'' if written else ' (already so; file unchanged)'}")


def _toml_literal(value: object) -> str:
    """How the value reads in the file: strings quoted and escaped (a terminal sees no control codes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json_text(value) if isinstance(value, (str, list)) else str(value)
