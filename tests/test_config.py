"""`followup config` and the board's side of config.toml: comments kept, bad values refused, theme remembered."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib

import pytest

from followup_tui.domain.config import CALDAV_DEFAULTS, POLICY_DEFAULTS, Config, load_config

COMMENTED = """\
# followup-tui settings (mine)
theme = "nord"  # dark, calm

[policy]
# be quicker with thank-yous
thank_you_hours = 12
unanswered_limit = 3   # then move on

[me]
name = "Sam Doe"
signature = "Sam\\n555-0100"

[keys]
undo = "u,z"
"""


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    return path


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


# --- show and get ------------------------------------------------------------------


def test_show_without_a_file_lists_every_default_and_creates_nothing(fu, tmp_path):
    result = fu("config")
    assert result.code == 0
    shown = lines(result.out)
    assert shown[0] == f"config file: {tmp_path / 'config.toml'} (not created yet: every value is the default)"
    assert shown[1:] == [
        *(f"policy.{key} = {value}  (default)" for key, value in POLICY_DEFAULTS.items()),
        'me.name = ""  (default)',
        'me.signature = ""  (default)',
        'me.email = ""  (default)',
        'theme = "textual-dark"  (default)',
        'caldav.url = ""  (default)',
        'caldav.username = ""  (default)',
        'caldav.calendar = "Interview follow-ups"  (default)',
        'caldav.password_command = ""  (default)',
        "caldav.events = false  (default)",
        "caldav.private = false  (default)",
        "caldav.every_minutes = 0  (default)",
        "caldav.timeout = 30  (default)",
        'caldav.ca_file = ""  (default)',
    ]
    assert not (tmp_path / "config.toml").exists()


def test_show_marks_only_what_the_file_leaves_out_as_default(fu, config_file):
    shown = lines(fu("config").out)
    assert shown[0] == f"config file: {config_file}"
    assert "policy.thank_you_hours = 12" in shown
    assert "policy.unanswered_limit = 3" in shown  # set in the file, though equal to the default
    assert "policy.min_days_between_contacts = 7  (default)" in shown
    caldav = len(CALDAV_DEFAULTS)
    assert shown[-5 - caldav : -caldav] == [
        'me.name = "Sam Doe"',
        'me.signature = "Sam\\n555-0100"',
        'me.email = ""  (default)',
        'theme = "nord"',
        'keys.undo = "u,z"',
    ]
    assert [line.split(" = ")[0] for line in shown[-caldav:]] == [f"caldav.{name}" for name in CALDAV_DEFAULTS]
    assert all(line.endswith("(default)") for line in shown[-caldav:])


def test_get_prints_the_effective_value(fu, config_file):
    assert fu("config", "policy.thank_you_hours").out == "12\n"
    assert fu("config", "policy.prep_warn_days").out == "3\n"
    assert fu("config", "me.name").out == "Sam Doe\n"
    assert fu("config", "theme").out == "nord\n"
    assert fu("config", "keys.undo").out == "u,z\n"
    assert fu("config", "keys.quit").out == "q\n"  # not set: the board's own key


def test_get_shows_control_characters_as_text(fu, tmp_path):
    (tmp_path / "config.toml").write_text('[me]\nname = "Sam\\u001b]52;c;UFdORUQ=\\u0007"\n')
    result = fu("config", "me.name")
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "\x1b" not in fu("config").out


@pytest.mark.parametrize("key", ["nope", "policy.nope", "me.phone", "keys.nope", "policy", "keys"])
def test_an_unknown_key_exits_1_listing_the_known_ones(fu, config_file, key):
    for args in (("config", key), ("config", key, "5"), ("config", key, "--unset")):
        result = fu(*args)
        assert result.code == 1 and result.out == ""
        assert result.err.count("\n") == 1 and f"unknown key {key!r}" in result.err
        assert ("undo" if key.startswith("keys.") else "policy.thank_you_hours, ") in result.err
    assert config_file.read_text() == COMMENTED


# --- set ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, value, old_line, new_line",
    [
        ("policy.thank_you_hours", "6", "thank_you_hours = 12", "thank_you_hours = 6"),
        (
            "policy.unanswered_limit",
            "5",
            "unanswered_limit = 3   # then move on",
            "unanswered_limit = 5   # then move on",
        ),
        ("me.name", "Alex Roe", 'name = "Sam Doe"', 'name = "Alex Roe"'),
        ("theme", "gruvbox", 'theme = "nord"  # dark, calm', 'theme = "gruvbox"  # dark, calm'),
        ("keys.undo", "ctrl+z", 'undo = "u,z"', 'undo = "ctrl+z"'),
    ],
)
def test_set_changes_that_line_and_nothing_else(fu, config_file, key, value, old_line, new_line):
    result = fu("config", key, value)
    assert (result.code, result.err) == (0, "")
    assert config_file.read_text() == COMMENTED.replace(old_line, new_line)
    assert fu("config", key).out == f"{value}\n"


def test_set_adds_a_missing_key_to_its_table_and_a_missing_table(fu, config_file):
    fu("config", "policy.prep_warn_days", "5")
    fu("config", "keys.filter", "slash,f")
    text = config_file.read_text()
    assert text == COMMENTED.replace("# then move on\n", "# then move on\nprep_warn_days = 5\n").replace(
        'undo = "u,z"\n', 'undo = "u,z"\nfilter = "slash,f"\n'
    )
    config_file.write_text("# only a comment\n")
    fu("config", "me.signature", "Sam")
    assert config_file.read_text() == '# only a comment\n\n[me]\nsignature = "Sam"\n'
    assert load_config(config_file).me.signature == "Sam"


def test_policy_values_are_numbers_and_me_values_strings(fu, config_file):
    fu("config", "policy.thank_you_hours", "1.5")
    fu("config", "policy.unanswered_limit", "4")
    fu("config", "me.name", "42")
    data = tomllib.loads(config_file.read_text())
    assert data["policy"] == {"thank_you_hours": 1.5, "unanswered_limit": 4}
    assert data["me"]["name"] == "42"
    assert load_config(config_file).policy.thank_you_hours == 1.5
    config_file.write_text("[policy]\nmin_days_between_contacts = 10.0\n")  # whole, written as TOML floats are
    assert load_config(config_file).policy.min_days_between_contacts == 10


@pytest.mark.parametrize(
    "key, value, says",
    [
        (
            "policy.thank_you_hours",
            "abc",
            "policy.thank_you_hours must be a number above 0 and at most 8760, not 'abc'",
        ),
        # beyond, the rules' dates leave the calendar: every command, status too, crashed (QA: a typo of 1e9)
        (
            "policy.thank_you_hours",
            "1e9",
            "policy.thank_you_hours must be a number above 0 and at most 8760, not 1000000000.0",
        ),
        (
            "policy.gracious_reply_days",
            "100000000",
            "policy.gracious_reply_days must be a number above 0 and at most 3650",
        ),
        ("policy.thank_you_hours", "-4", "policy.thank_you_hours must be a number above 0"),
        ("policy.min_days_between_contacts", "0", "policy.min_days_between_contacts must be a number above 0"),
        ("policy.prep_warn_days", "nan", "policy.prep_warn_days must be a number above 0"),
        ("policy.stay_in_touch_every_days", "inf", "policy.stay_in_touch_every_days must be a number above 0"),
        ("policy.unanswered_limit", "2.5", "policy.unanswered_limit must be a whole number above 0"),
        # gaps count in calendar days: half a day has no meaning there (QA: 0.5 was taken)
        (
            "policy.min_days_between_contacts",
            "0.5",
            "policy.min_days_between_contacts must be a whole number above 0, not 0.5 (gaps count in calendar days)",
        ),
        ("policy.stay_in_touch_every_days", "89.5", "policy.stay_in_touch_every_days must be a whole number above 0"),
        # a check-in the app asks for (every 90 days) would then be "too soon" (QA: it scolded for it)
        ("policy.stay_in_touch_min_days", "120", "policy.stay_in_touch_min_days (120) must not be more than"),
        ("policy.stay_in_touch_every_days", "30", "policy.stay_in_touch_every_days (30): the check-in asked for"),
        ("theme", "nope", "theme 'nope' is not a theme (known: "),
        ("theme", "", "theme '' is not a theme"),
        ("keys.filter", "q", "keys.filter takes 'q' from quit"),
        ("keys.undo", "?", "keys.undo takes '?' from help"),
        ("keys.undo", "question_mark,u", "keys.undo takes '?' from help"),
        ("keys.undo", "ctrl+p", "keys.undo takes 'ctrl+p' from the command palette"),
        ("keys.quit", "ctrl+q", "keys.quit must keep 'q'"),
        ("keys.help", "f1", "keys.help must keep '?'"),
        ("keys.undo", "", "keys.undo must be a string such as"),
        ("keys.undo", "u,,z", "keys.undo: '' is not a key"),
        ("keys.undo", "ctrl+?", "keys.undo: 'ctrl+?' is not a key"),
        ("keys.undo", "hyper+nothing", "keys.undo: 'hyper+nothing' is not a key"),
        # j moves down on the board: the thank-you key would never fire (QA)
        ("keys.log-thank-you", "j", "keys.log-thank-you takes 'j' from card-down on the board"),
        ("keys.undo", "t,u", "keys.undo takes 't' from log-thank-you on the board"),
    ],
)
def test_an_invalid_value_exits_2_and_leaves_the_file_byte_for_byte(fu, config_file, key, value, says):
    before = config_file.read_bytes()
    result = fu("config", "--", key, value)  # -- lets a value start with a dash
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and says in result.err and str(config_file) in result.err
    assert config_file.read_bytes() == before
    assert [p.name for p in config_file.parent.iterdir() if p.name.startswith(".config")] == []  # no temp left


@pytest.mark.parametrize("value", ["-5", "-Sam Doe"])
def test_a_value_starting_with_a_dash_without_the_separator_says_how_to_give_it(fu, config_file, value):
    before = config_file.read_bytes()
    result = fu("config", "me.name", value)
    assert result.code == 2 and result.out == "" and result.err.count("\n") == 1
    assert f"no such option {value!r}" in result.err and "followup config KEY -- " in result.err
    assert config_file.read_bytes() == before


def test_keys_that_keep_q_and_question_mark_where_they_belong_are_fine(fu, config_file):
    assert fu("config", "keys.quit", "q,f10").code == 0
    assert fu("config", "keys.help", "?,f1").code == 0
    assert fu("config", "keys.card-back", "escape,q,backspace").code == 0  # q already goes back there
    assert tomllib.loads(config_file.read_text())["keys"] == {
        "undo": "u,z",
        "quit": "q,f10",
        "help": "?,f1",
        "card-back": "escape,q,backspace",
    }


def test_a_file_that_is_not_toml_is_refused_unchanged(fu, tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"[policy\nthank_you_hours = 12\n")
    result = fu("config", "me.name", "Sam")
    assert result.code == 2 and "is not valid TOML" in result.err
    assert path.read_bytes() == b"[policy\nthank_you_hours = 12\n"


def test_a_value_can_fix_the_key_that_made_the_file_invalid(fu, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[policy]\nthank_you_hours = -4  # oops\n")
    assert fu("config", "me.name", "Sam").code == 2  # the file stays invalid: nothing written
    assert path.read_text() == "[policy]\nthank_you_hours = -4  # oops\n"
    assert fu("config", "policy.thank_you_hours", "24").code == 0
    assert path.read_text() == "[policy]\nthank_you_hours = 24  # oops\n"


def test_a_missing_file_and_folder_are_created_private(fu, tmp_path):
    path = tmp_path / "new" / "folder" / "config.toml"
    result = fu("--config", path, "config", "me.name", "Sam Doe")
    assert (result.code, result.out) == (0, 'me.name = "Sam Doe"\n')
    assert path.read_text() == '[me]\nname = "Sam Doe"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_existing_file_ends_up_private(fu, config_file):
    os.chmod(config_file, 0o644)
    fu("config", "me.name", "Alex")
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600


def test_setting_the_same_value_again_writes_nothing(fu, config_file):
    os.chmod(config_file, 0o644)
    result = fu("config", "policy.thank_you_hours", "12")
    assert result.out == "policy.thank_you_hours = 12 (already so; file unchanged)\n"
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o644


def test_a_symlinked_config_stays_a_symlink(fu, tmp_path):
    real = tmp_path / "dotfiles" / "followup.toml"
    real.parent.mkdir()
    real.write_text("# from my dotfiles\n")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert fu("config", "theme", "dracula").code == 0
    assert link.is_symlink() and real.read_text() == '# from my dotfiles\ntheme = "dracula"\n'


@pytest.mark.parametrize("key", ["thank_you_hours", "min_days_between_contacts", "prep_warn_days"])
def test_a_file_with_a_value_too_big_for_the_calendar_is_named_not_a_traceback(fu, tmp_path, key):
    (tmp_path / "config.toml").write_text(f"[policy]\n{key} = 100000000\n")
    fu("add", "Acme", "--at", "2026-11-25 10:00")
    for args in (("status",), ("list",), ("log", "1", "reply")):
        result = fu(*args)
        assert result.code == 2 and result.out == "" and result.err.count("\n") == 1
        assert f"policy.{key} must be a number above 0 and at most" in result.err


def test_unset_removes_the_key_and_its_default_returns(fu, config_file):
    result = fu("config", "policy.thank_you_hours", "--unset")
    assert result.out == "policy.thank_you_hours removed: back to its default\n"
    assert config_file.read_text() == COMMENTED.replace("thank_you_hours = 12\n", "")
    assert fu("config", "policy.thank_you_hours").out == "24\n"
    again = fu("config", "policy.thank_you_hours", "--unset")
    assert again.out == "policy.thank_you_hours was not set: file unchanged\n"


@pytest.mark.parametrize("args", [("config", "--unset"), ("config", "me.name", "Sam", "--unset")])
def test_unset_needs_a_key_and_no_value(fu, config_file, args):
    assert fu(*args).code == 2
    assert config_file.read_text() == COMMENTED


def test_status_reads_the_config_without_tomlkit_or_textual(tmp_path, config_file):
    code = (
        "import sys; from followup_tui.cli.entry import main\n"
        "try: main(['--db', sys.argv[1], '--config', sys.argv[2], 'status'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('textual', 'tomlkit') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.db"), str(config_file)], capture_output=True, text=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --- the board refuses what it cannot use --------------------------------------------------


@pytest.fixture
def board_runs(monkeypatch):
    """Opening the board records itself instead of taking over the terminal."""
    from followup_tui.tui.app import FollowupApp

    opened = []
    monkeypatch.setattr(FollowupApp, "run", lambda app, *a, **kw: opened.append(app))
    return opened


@pytest.mark.parametrize(
    "text, says",
    [
        ('theme = "nope"\n', "theme 'nope' is not a theme (known: ansi-dark, "),
        ('[keys]\nfilter = "q"\n', "keys.filter takes 'q' from quit"),
        ('[keys]\nhelp = "h"\n', "keys.help must keep '?'"),
        ('[keys]\nundo = "ctrl+p"\n', "keys.undo takes 'ctrl+p' from the command palette"),
        ('[keys]\nundo = "ctrl+"\n', "keys.undo: 'ctrl+' is not a key"),
        ('[keys]\nno_such_binding = "z"\n', "keys.no_such_binding is not a key binding"),
    ],
)
@pytest.mark.parametrize("verb", [(), ("demo",)])
def test_the_board_refuses_a_bad_theme_or_binding_with_one_line(fu, tmp_path, board_runs, text, says, verb):
    (tmp_path / "config.toml").write_text(text)
    result = fu(*verb)
    assert result.code == 2 and board_runs == []
    assert result.err == f"followup: error: config {tmp_path / 'config.toml'}: {says}" + result.err.split(says)[1]
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert not (tmp_path / "followup.db").exists()  # stopped before the database was opened


@pytest.mark.parametrize("verb", [(), ("board",)])  # `followup` alone opens it without click (cli/launch.py)
def test_the_board_refuses_a_bad_now_or_a_damaged_file_with_one_line(fu, tmp_path, board_runs, verb):
    result = fu("--now", "someday", *verb)
    assert result.code == 1 and result.err.startswith("followup: error: --now / FOLLOWUP_NOW: ")
    (tmp_path / "followup.db").write_bytes(b"not a database, " * 512)
    damaged = fu(*verb)
    assert damaged.code == 1 and "followup.db" in damaged.err and board_runs == []
    for said in (result.err, damaged.err):
        assert said.count("\n") == 1 and "Traceback" not in said


def test_the_board_opens_with_a_good_theme_and_keys(fu, tmp_path, board_runs):
    (tmp_path / "config.toml").write_text('theme = "nord"\n[keys]\nquit = "q,f10"\nhelp = "?,f1"\nundo = "z"\n')
    assert fu().code == 0
    [app] = board_runs
    assert app.theme == "nord"


# --- the theme picked in the palette is remembered ------------------------------------------


async def palette_pick(pilot, text: str) -> None:
    """Type into the open command palette, wait for its search to leave one hit, pick it."""
    from textual.command import CommandList, CommandPalette

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette) and pilot.app.screen.is_mounted)
    await pilot.press(*text)
    await wait_for(pilot, lambda: pilot.app.screen.query_one(CommandList).option_count == 1)  # searched
    await pilot.press("enter")


async def wait_for(pilot, condition) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("waited 5 s in vain")


async def test_a_theme_picked_in_the_palette_is_saved_with_the_comments(db_path, config_file):
    from board_fixtures import make_app

    from followup_tui.tui.board import BoardScreen

    app, _ = make_app(db_path, config=load_config(config_file))
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.theme == "nord"
        await pilot.press("ctrl+p")
        await palette_pick(pilot, "theme")
        await palette_pick(pilot, "gruvbox")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.theme == "gruvbox" and isinstance(app.screen, BoardScreen)
        assert config_file.read_text() == COMMENTED.replace('theme = "nord"', 'theme = "gruvbox"')
        assert any(f"theme gruvbox saved in {config_file}" in n.message for n in app._notifications)


async def test_a_theme_that_cannot_be_saved_is_a_toast(db_path, tmp_path):
    from board_fixtures import make_app

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the config folder should be")
    app, _ = make_app(db_path, config=Config(path=blocked / "config.toml"))
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "dracula"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and app.theme == "dracula"
        [toast] = [n for n in app._notifications if "theme not saved" in n.message]
        assert toast.severity == "error"
    assert blocked.read_text() == "a file where the config folder should be"


async def test_opening_the_board_writes_nothing(db_path, config_file):
    from board_fixtures import make_app

    app, _ = make_app(db_path, config=load_config(config_file))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert config_file.read_text() == COMMENTED


@pytest.mark.parametrize("xdg", [None, "", "  ", "/tmp/xdg-elsewhere"])
def test_default_paths_are_platformdirs_own(monkeypatch, xdg):
    import platformdirs

    from followup_tui.domain import config

    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        if xdg is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, xdg)
    assert config.default_db_path() == platformdirs.user_data_path("followup-tui") / "followup.db"
    assert config.config_dir() == platformdirs.user_config_path("followup-tui")


def test_a_default_that_no_longer_fits_is_named_as_the_default_with_the_command_that_fixes_it(fu, config_file):
    """QA: `stay_in_touch_every_days = 30` alone gave "policy.stay_in_touch_min_days (60) must not be more
    than …": a 60 the user never wrote."""
    config_file.write_text("[policy]\nstay_in_touch_every_days = 30\n", encoding="utf-8")
    refused = fu("status")
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "policy.stay_in_touch_min_days (60, the default: not set in the file) must not be more than" in refused.err
    assert refused.err.endswith(
        "set policy.stay_in_touch_min_days to 30 or less (followup config policy.stay_in_touch_min_days 30)\n"
    )
    assert fu("config", "policy.stay_in_touch_min_days", "30").code == 0  # as it says
    assert fu("status").code == 0
