"""How long do a first sync and a sync with nothing changed take, at 1,000 open cards?

    python bench/sync.py [--cards 1000] [--events]

Seeds a database of N cards with bench/seed.py (as of 2026-11-26 10:00 UTC) in a temporary
folder, starts Radicale there (as the tests do: tests/caldav_fixtures.py, 127.0.0.1, htpasswd,
no delay after a 401) behind the tests' counting proxy, then runs `followup sync` three times as
a user would (a subprocess): the first sync, a sync with nothing changed, and one more after a
thank-you was logged on a card whose to-do was that note. Prints wall time, requests by method, and the items. The sync
with nothing changed must send no write: the script fails if it does.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
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

from caldav_fixtures import config_text, start_proxy, start_radicale, stop  # noqa: E402
from seed import seed  # noqa: E402


def followup(env: dict, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "followup_tui", *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"followup {' '.join(args)} failed: {done.stderr.strip()}")
    return time.perf_counter() - start, done.stdout


def thanked_card(db: Path) -> int:
    """A card whose to-do on the calendar is its thank-you note."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT c.id FROM caldav_items i JOIN cards c ON c.uid = i.card_uid "
            "WHERE i.logs = 'thank-you' AND i.status = 'NEEDS-ACTION' ORDER BY c.id LIMIT 1"
        ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--events", action="store_true", help="interviews as events too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="followup-bench-sync-") as folder:
        work = Path(folder)
        seed(work / "bench.db", args.cards, datetime(2026, 11, 26, 10, tzinfo=UTC))
        radicale = start_radicale(work / "radicale")
        proxy = start_proxy(radicale.port)
        try:
            (work / "config.toml").write_text(config_text(proxy.url, "bench", events=args.events), encoding="utf-8")
            env = {
                **os.environ,
                "FOLLOWUP_DB": str(work / "bench.db"),
                "FOLLOWUP_CONFIG": str(work / "config.toml"),
                "FOLLOWUP_NOW": NOW,
                "TZ": "UTC",
            }
            print(f"{args.cards} cards, Radicale on 127.0.0.1{' (events too)' if args.events else ''}")
            for label in ("first sync", "nothing changed", "one thank-you logged"):
                if label == "one thank-you logged":
                    followup(env, "log", str(thanked_card(work / "bench.db")), "thank-you")
                proxy.clear()
                seconds, out = followup(env, "sync")
                methods = Counter(seen.method for seen in proxy.seen)
                counts = out.splitlines()[1]
                print(f"{label:<20} {seconds:6.2f} s  {len(proxy.seen):5} requests ({dict(methods)})  {counts}")
                if label == "nothing changed" and proxy.writes():
                    raise SystemExit(f"a sync with nothing changed sent {len(proxy.writes())} writes")
        finally:
            proxy.close()
            stop(radicale.process)


if __name__ == "__main__":
    main()
