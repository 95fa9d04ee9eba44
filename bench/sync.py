"""How long do a first sync and a sync with nothing changed take, at 1,000 open cards?

    python bench/sync.py [--open 1000] [--runs 3] [--events]

Seeds a database with bench/seed.py (as of 2026-11-26 10:00 UTC) in a temporary folder, enough
cards for `--open` of them to be open, and starts Radicale there (as the tests do:
tests/caldav_fixtures.py, 127.0.0.1, htpasswd, no delay after a 401) behind the tests' counting
proxy. Each run, on a fresh copy of that database and a calendar of its own, runs `followup` as a
user would (a subprocess each):

- the baseline: `followup export --format ics` to a file, the one-shot calendar the sync
  replaces (the same cards' actions, no server);
- the first sync, a sync with nothing changed, and one after a thank-you was logged on a card
  whose to-do was that note.

Prints each one's median wall time over the runs and its ratio to the baseline's median, and the
requests each sync sent (the same every run). The sync with nothing changed must send no write:
the script fails if it does.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
NOW = "2026-11-26T10:00:00+00:00"
BASELINE = "export --format ics"
SYNCS = ("first sync", "nothing changed", "one thank-you logged")
OPEN_SHARE = 0.85  # bench/seed.py closes about 15% of its cards

from caldav_fixtures import Proxy, config_text, start_proxy, start_radicale, stop  # noqa: E402
from seed import seed  # noqa: E402


def followup(env: dict[str, str], *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "followup_tui", *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"followup {' '.join(args)} failed: {done.stderr.strip()}")
    return time.perf_counter() - start, done.stdout


def seeded(folder: Path, open_cards: int) -> tuple[Path, int]:
    """A database with at least `open_cards` open cards; (its path, how many are open)."""
    path = folder / "seed.db"
    seed(path, math.ceil(open_cards / OPEN_SHARE), datetime(2026, 11, 26, 10, tzinfo=UTC))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one file to copy
        found = conn.execute("SELECT count(*) FROM cards WHERE closed_at IS NULL").fetchone()[0]
    return path, found


def thanked_card(db: Path) -> int:
    """A card whose to-do on the calendar is its thank-you note."""
    with sqlite3.connect(db) as conn:
        found: int = conn.execute(
            "SELECT c.id FROM caldav_items i JOIN cards c ON c.uid = i.card_uid "
            "WHERE i.logs = 'thank-you' AND i.status = 'NEEDS-ACTION' ORDER BY c.id LIMIT 1"
        ).fetchone()[0]
    return found


def one_run(work: Path, seed_db: Path, proxy: Proxy, number: int, events: bool) -> dict[str, tuple[float, str, str]]:
    """(seconds, requests, the sync's counts) of the baseline and each sync, on a fresh database and calendar."""
    db = work / f"run{number}.db"
    shutil.copy(seed_db, db)
    config = work / f"run{number}.toml"
    config.write_text(config_text(proxy.url, f"bench-{number}", events=events), encoding="utf-8")
    env = {**os.environ, "FOLLOWUP_DB": str(db), "FOLLOWUP_CONFIG": str(config), "FOLLOWUP_NOW": NOW, "TZ": "UTC"}
    found = {BASELINE: (followup(env, "export", "--format", "ics", "-o", str(work / f"run{number}.ics"))[0], "", "")}
    for label in SYNCS:
        if label == "one thank-you logged":
            followup(env, "log", str(thanked_card(db)), "thank-you")
        proxy.clear()
        seconds, out = followup(env, "sync")
        if label == "nothing changed" and proxy.writes():
            raise SystemExit(f"a sync with nothing changed sent {len(proxy.writes())} writes")
        methods = Counter(seen.method for seen in proxy.seen)
        requests = f"{len(proxy.seen)} ({', '.join(f'{m} {n}' for m, n in sorted(methods.items()))})"
        found[label] = (seconds, requests, out.splitlines()[1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--open", type=int, default=1000, help="open cards (default 1000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", action="store_true", help="interviews as events too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="followup-bench-sync-") as folder:
        work = Path(folder)
        seed_db, open_cards = seeded(work, args.open)
        radicale = start_radicale(work / "radicale")
        proxy = start_proxy(radicale.port)
        try:
            runs = [one_run(work, seed_db, proxy, number, args.events) for number in range(args.runs)]
        finally:
            proxy.close()
            stop(radicale.process)
    medians = {label: statistics.median(run[label][0] for run in runs) for label in (BASELINE, *SYNCS)}
    print(
        f"{open_cards:,} open cards, Radicale on 127.0.0.1{' (events too)' if args.events else ''}; "
        f"median of {args.runs} runs, each on a fresh database and calendar"
    )
    print(f"{'':<22} {'median':>8} {'× baseline':>11}  requests")
    for label in (BASELINE, *SYNCS):
        seconds, requests, counts = runs[-1][label]
        ratio = medians[label] / medians[BASELINE]
        print(f"{label:<22} {medians[label]:7.2f}s {ratio:10.2f}×  {requests}{'  → ' + counts if counts else ''}")
    print(f"baseline: followup {BASELINE} of the same database (no server). Writes in 'nothing changed': 0")


if __name__ == "__main__":
    main()
