"""How fast is `followup stats` at 10,000 cards and ~40,000 contacts, and the board's stats screen?

    python bench/stats.py [--runs 15] [--cards 10000] [--contacts 2-7] [--opens 10]

1. The command line, interleaved run by run so machine noise hits all alike: `status --json`
   (the baseline), `stats --json`, `stats` (tables and plotext charts, to a pipe) and
   `NO_COLOR=1 stats` on the same database. Prints min / median / max wall time and each
   median's ratio to status --json's. Target: stats ≤ 2× status --json.
2. The stats screen (S) on the same data:
   a. in a real terminal (tmux, 160×48): from sending S until the screen's title is on screen
      (capture-pane polled every 5 ms);
   b. inside the app (Textual's Pilot, perf_counter): S until the screen is drawn and the app
      idle, minus the same round trip for a key nothing is bound to (f12).
   Target: the screen opens in < 300 ms.

Every figure is a median of several runs, timed on a regular (not editable) install of this
checkout, made for the run in a throwaway venv under bench/out/ and removed after (--venv DIR
uses one already made). The database is seeded once with bench/seed.py (--contacts 2-7: ~45,000
contacts) under bench/out/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
NOW = "2026-11-26T10:00:00+00:00"
sys.path.insert(0, str(HERE))  # seed.py, common.py; followup_tui is the installed one

from common import copy_db  # noqa: E402

ENV = {**os.environ, "FOLLOWUP_NOW": NOW, "FOLLOWUP_CONFIG": str(OUT / "no-config.toml")}
ENV.pop("NO_COLOR", None)
TITLE = "How the search is going"


def seeded(cards: int, contacts: tuple[int, int]) -> Path:
    from seed import seed

    from followup_tui.domain.clock import now
    from followup_tui.storage.dbfile import SCHEMA_VERSION

    path = OUT / f"stats-{cards}-{contacts[0]}-{contacts[1]}-v{SCHEMA_VERSION}.db"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        print(f"seeding {cards} cards…", file=sys.stderr)
        seed(path, cards, now(NOW), contacts=contacts)
    return path


def installed(venv: Path) -> Path:
    """A regular install of this checkout into `venv` (made if missing): its bin directory."""
    if not (venv / "bin" / "followup").exists():
        print(f"installing followup-tui (not editable) into {venv}…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-cache-dir"]
        done = subprocess.run([*pip, str(HERE.parent)], cwd=venv, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"pip install failed:\n{done.stderr}")
    return venv / "bin"


def wall_time(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def command_line(path: Path, runs: int, bin_dir: Path) -> None:
    base = [str(bin_dir / "followup"), "--db", str(path)]
    commands = {
        "status --json": (base + ["status", "--json"], ENV),
        "stats --json": (base + ["stats", "--json"], ENV),
        "stats (charts, to a pipe)": (base + ["stats"], ENV),
        "NO_COLOR=1 stats": (base + ["stats"], {**ENV, "NO_COLOR": "1"}),
    }
    for command, env in commands.values():
        wall_time(command, env)  # warm the page cache and .pyc files
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env) in commands.items():
            samples[name].append(wall_time(command, env))
    baseline = statistics.median(samples["status --json"])
    print(f"\nthe command line, {runs} runs each, ms")
    print(f"{'command':<28} {'min':>7} {'median':>7} {'max':>7} {'× status --json':>16}")
    for name, times in samples.items():
        median = statistics.median(times)
        print(
            f"{name:<28} {min(times) * 1000:7.1f} {median * 1000:7.1f} {max(times) * 1000:7.1f} "
            f"{median / baseline:16.2f}"
        )
    print("target: stats ≤ 2× status --json")


def remove_db(path: Path) -> None:
    for name in (path.name, *(path.name + tail for tail in ("-wal", "-shm", "-checked"))):
        path.with_name(name).unlink(missing_ok=True)


def screen_in_terminal(path: Path, opens: int, bin_dir: Path) -> None:
    if shutil.which("tmux") is None:
        print("\n(tmux not found: the terminal measurement is skipped)")
        return
    session = "bench-stats"
    copy = copy_db(path, OUT / "stats-screen.db")
    command = f"{bin_dir / 'followup'} --db {copy}"
    env = f"FOLLOWUP_NOW={NOW} FOLLOWUP_CONFIG={ENV['FOLLOWUP_CONFIG']}"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    subprocess.run(["tmux", "new", "-d", "-s", session, "-x", "160", "-y", "48", f"env {env} {command}"], check=True)
    try:
        if wait_for(session, "Thank-you (", 30) is None:
            print("\nthe board did not open")
            return
        times = []
        for _ in range(opens):
            subprocess.run(["tmux", "send-keys", "-t", session, "S"], check=True)
            seconds = wait_for(session, TITLE, 5)
            if seconds is None:
                print("\nthe stats screen did not open")
                return
            times.append(seconds)
            subprocess.run(["tmux", "send-keys", "-t", session, "Escape"], check=True)
            wait_for(session, "Thank-you (", 5)
        print(f"\nthe stats screen in tmux (160×48), {opens} opens: S until its title shows, ms")
        first, rest = times[0], times[1:] or times
        low, middle, high = (1000 * f(rest) for f in (min, statistics.median, max))
        print(f"first open {first * 1000:.0f} (its charting modules imported then)")
        print(f"then: min {low:.0f}   median {middle:.0f}   max {high:.0f}")
        print("target: < 300")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        remove_db(copy)


def wait_for(session: str, text: str, limit: float) -> float | None:
    """Seconds until `text` is on the tmux pane (polled every 5 ms), None after `limit`."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        shown = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
        if text in shown:
            return time.perf_counter() - start
        time.sleep(0.005)
    return None


async def screen_in_app(path: Path, opens: int) -> None:
    from followup_tui.domain.config import Config
    from followup_tui.storage.store import Store
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.stats import StatsScreen

    copy = copy_db(path, OUT / "stats-pilot.db")
    app = FollowupApp(Store.open(copy), Config(), NOW)
    samples: dict[str, list[float]] = {"f12 (nothing bound)": [], "S (the stats screen)": []}
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for _ in range(opens):
            for name in samples:
                start = time.perf_counter()
                await pilot.press(name.split()[0])
                await pilot._wait_for_screen()
                samples[name].append(time.perf_counter() - start)
                if name.startswith("S"):
                    assert isinstance(app.screen, StatsScreen)
                    await pilot.press("escape")
                    await pilot._wait_for_screen()
    remove_db(copy)
    floor = statistics.median(samples["f12 (nothing bound)"])
    import followup_tui

    print(f"\nthe stats screen inside the app (Pilot, {Path(followup_tui.__file__).parent}), {opens} opens, ms")
    print(f"{'':24} {'min':>7} {'median':>7} {'max':>7} {'net':>7}")
    for name, values in samples.items():
        print(
            f"{name:<24} {min(values) * 1000:7.1f} {statistics.median(values) * 1000:7.1f} "
            f"{max(values) * 1000:7.1f} {(statistics.median(values) - floor) * 1000:7.1f}"
        )
    print("net = median minus the f12 median; target: < 300")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--contacts", default="2-7", help="contacts per card, at least-at most")
    parser.add_argument("--opens", type=int, default=10)
    parser.add_argument("--venv", type=Path, help="time the install in this venv (made if missing, kept)")
    parser.add_argument("--in-app", type=Path, help=argparse.SUPPRESS)  # part 2b, run by the installed python
    args = parser.parse_args()
    if args.in_app:
        asyncio.run(screen_in_app(args.in_app, args.opens))
        return
    OUT.mkdir(exist_ok=True)
    throwaway = None if args.venv else Path(tempfile.mkdtemp(prefix="venv-", dir=OUT))
    try:
        bin_dir = installed(args.venv or throwaway)
        low, _, high = args.contacts.partition("-")
        path = seeded(args.cards, (int(low), int(high or low)))
        import sqlite3

        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        cards, contacts = (
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("cards", "contacts")
        )
        conn.close()
        print(f"{cards:,} cards, {contacts:,} contacts ({path.name}); followup from {bin_dir.parent}")
        command_line(path, args.runs, bin_dir)
        screen_in_terminal(path, args.opens, bin_dir)
        in_app = [str(bin_dir / "python"), __file__, "--in-app", str(path), "--opens", str(args.opens)]
        subprocess.run(in_app, check=True, env=ENV)
    finally:
        if throwaway is not None:
            shutil.rmtree(throwaway, ignore_errors=True)


if __name__ == "__main__":
    main()
