"""Do `add` and `log` cost the same at 10,000 cards as at 100, now that each one is journaled?

    python bench/journal.py [--runs 15] [--sizes 100,10000]

Seeds (once, cached under bench/out/) databases of each size with bench/seed.py and
works on a copy of each. Measures, interleaved round by round so machine noise hits all
sizes alike:

- the command line: `followup add` then `followup log ID thank-you` (process start,
  open, one journaled transaction, close), wall time;
- the Store alone: one `add_card` and one `log_contact` on an open Store (the journaled
  transaction itself, where work that grows with the cards would show first).

Prints each one's median per size and its ratio to the smallest size. Target (issue 19):
`add`/`log` at 10,000 cards ≤ 1.1× their time at 100.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import ENV, NOW, followup, seeded  # noqa: E402

from followup_tui.domain.clock import now as clock_now  # noqa: E402
from followup_tui.domain.model import Kind  # noqa: E402
from followup_tui.storage.store import NewCard, Store  # noqa: E402


def cli_pair(db: Path, n: int) -> tuple[float, float]:
    """Wall times of `followup add` and of `followup log NEW thank-you`."""
    base = [*followup(), "--db", str(db)]
    start = time.perf_counter()
    card_id = subprocess.run(
        [*base, "add", f"Bench {n}", "--at", "2 hours ago"], capture_output=True, text=True, env=ENV, check=True
    ).stdout.strip()
    middle = time.perf_counter()
    subprocess.run([*base, "log", card_id, "thank-you"], capture_output=True, env=ENV, check=True)
    return middle - start, time.perf_counter() - middle


def store_pair(store: Store, n: int) -> tuple[float, float]:
    """Times of one add_card and one log_contact on an open Store."""
    now = clock_now(NOW)
    start = time.perf_counter()
    card_id = store.add_card(NewCard(company=f"Store bench {n}", interview_at=now, interviewers=[("Ann Lee", "")]), now)
    middle = time.perf_counter()
    store.log_contact(card_id, Kind.THANK_YOU, now, now)
    return middle - start, time.perf_counter() - middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="100,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = ("cli add", "cli log", "Store.add_card", "Store.log_contact")
    samples = {(name, size): [] for name in names for size in sizes}
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as folder:
        copies = {size: Path(shutil.copy(seeded(size), Path(folder) / f"{size}.db")) for size in sizes}
        stores = {size: Store.open(copies[size]) for size in sizes}  # migrates an older cached file once
        for size in sizes:
            cli_pair(copies[size], -1), store_pair(stores[size], -1)  # warm the page cache and .pyc files
        for n in range(args.runs):
            for size in sizes:
                pairs = (*cli_pair(copies[size], n), *store_pair(stores[size], n))
                for name, seconds in zip(names, pairs, strict=True):
                    samples[name, size].append(seconds)
        journal_rows = {size: stores[size].conn.execute("SELECT count(*) FROM actions").fetchone()[0] for size in sizes}
        for store in stores.values():
            store.close()
    print(f"{'':<20}" + "".join(f"{f'{size:,} cards':>16}" for size in sizes) + f"{'ratio':>10}")
    for name in names:
        medians = [statistics.median(samples[name, size]) * 1000 for size in sizes]
        print(f"{name:<20}" + "".join(f"{m:>13.1f} ms" for m in medians) + f"{medians[-1] / medians[0]:>9.2f}x")
    print(
        f"median of {args.runs} runs each; journal at the end: "
        + ", ".join(f"{rows} actions at {size:,} cards" for size, rows in journal_rows.items())
    )


if __name__ == "__main__":
    main()
