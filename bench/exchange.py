"""How fast and how lean are `export --format json` and `import` at 10,000 and 100,000 cards?

    python bench/exchange.py [--runs 3] [--sizes 10000,100000]

Seeds each size once with bench/seed.py (cached under bench/out/). Each round, per size, runs
`sqlite3 DB .dump` (the floor), `followup export --format json -o FILE`, `followup import FILE`
into a fresh database (in a temporary folder) and `followup list --json --all`, then checks that the
imported database exports the same bytes. Prints medians, the export's ratio to the dump (target ≤ 3),
the import time (target < 30 s at 100,000 cards) and the peak memory of each (VmHWM, target < 200 MB;
the import's planner process apart: it is forked, and shares the pages it did not change). Measures
a regular install of this tree (common.py).
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

from common import ENV, peak_command, peaks_mb, seeded  # noqa: E402


def followup(*args: str) -> tuple[float, float, float]:
    """(seconds, peak MB, its child's peak MB) of one `followup ARGS` run."""
    start = time.perf_counter()
    done = subprocess.run(peak_command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    took = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"followup {' '.join(args)} failed: {done.stderr.strip()}")
    return took, *peaks_mb(done.stderr)


def dump(db: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["sqlite3", str(db), ".dump"], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(cards: int, runs: int, folder: Path) -> dict[str, list[float]]:
    db, exported = seeded(cards), folder / f"export-{cards}.json"
    names = ("dump", "export", "export MB", "import", "import MB", "planner MB", "list", "list MB")
    samples: dict[str, list[float]] = {name: [] for name in names}
    for run in range(runs):
        samples["dump"].append(dump(db))
        took, peak, _ = followup("--db", str(db), "export", "--format", "json", "-o", str(exported))
        samples["export"].append(took)
        samples["export MB"].append(peak)
        fresh = folder / f"import-{cards}-{run}.db"
        took, peak, child = followup("--db", str(fresh), "import", str(exported))
        samples["import"].append(took)
        samples["import MB"].append(peak)
        samples["planner MB"].append(child)
        took, peak, _ = followup("--db", str(db), "list", "--json", "--all")
        samples["list"].append(took)
        samples["list MB"].append(peak)
        again = folder / "again.json"
        followup("--db", str(fresh), "export", "-o", str(again))
        if again.read_bytes() != exported.read_bytes():
            sys.exit(f"round trip at {cards} cards: the imported database exports other bytes")
        for path in folder.glob(f"import-{cards}-{run}.db*"):
            path.unlink()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        sys.exit("the sqlite3 command-line shell is needed for the .dump floor")
    with tempfile.TemporaryDirectory(prefix="followup-bench-exchange-") as folder:
        for cards in (int(size) for size in args.sizes.split(",")):
            found = {
                name: statistics.median(values) for name, values in measure(cards, args.runs, Path(folder)).items()
            }
            print(
                f"{cards:>7} cards  dump {found['dump']:6.2f}s  export {found['export']:6.2f}s "
                f"({found['export'] / found['dump']:.1f}x dump, {found['export MB']:.0f} MB)  "
                f"import {found['import']:6.2f}s ({found['import MB']:.0f} MB, its planner process "
                f"{found['planner MB']:.0f} MB)  list --json --all {found['list']:6.2f}s ({found['list MB']:.0f} MB)  "
                f"[median of {args.runs}, round trip byte-identical]"
            )


if __name__ == "__main__":
    main()
