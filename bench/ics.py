"""How fast is `followup export --format ics` at 10,000 cards?

    python bench/ics.py [--cards 10000] [--runs 5] [--db SEEDED.db]

Seeds a database of N cards with bench/seed.py (as of 2026-11-26 10:00 UTC) in a temporary
folder, unless --db names one already seeded; then runs, interleaved round by round, the ics
export and the json export (for scale), each writing into that folder. Prints min / median /
max wall time, peak memory (VmHWM) and the feed's events (standing and cancelled).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = "2026-11-26T10:00:00+00:00"
sys.path.insert(0, str(HERE))

from common import PEAK, peaks_mb  # noqa: E402  (peak memory measured inside the process)


def run(args: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, peak MB) of one `followup ARGS` run."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - start, peaks_mb(done.stderr)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a database seeded already (read only)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="followup-bench-ics-") as folder:
        work = Path(folder)
        db = args.db or seeded(work / "bench.db", args.cards)
        env = {**os.environ, "FOLLOWUP_NOW": NOW, "FOLLOWUP_CONFIG": str(work / "no-config.toml"), "TZ": "UTC"}
        commands = {
            form: ["--db", str(db), "export", "--format", form, "-o", str(work / f"out.{form}")]
            for form in ("ics", "json")
        }
        samples: dict[str, list[tuple[float, float]]] = {form: [] for form in commands}
        for _ in range(args.runs):
            for form, command in commands.items():
                samples[form].append(run(command, env))
        report(samples, (work / "out.ics").read_bytes())


def seeded(path: Path, cards: int) -> Path:
    from seed import seed

    from followup_tui.domain.clock import now

    print(f"seeding {cards} cards…", file=sys.stderr)
    seed(path, cards, now(NOW))
    return path


def report(samples: dict[str, list[tuple[float, float]]], feed: bytes) -> None:
    print(f"{'export':<8} {'min s':>6} {'median':>7} {'max':>6} {'peak MB':>8}")
    for form, runs in samples.items():
        times = [t for t, _ in runs]
        print(
            f"{form:<8} {min(times):6.2f} {statistics.median(times):7.2f} {max(times):6.2f} "
            f"{max(m for _, m in runs):8.1f}"
        )
    print(
        f"ics: {feed.count(b'BEGIN:VEVENT')} events, {feed.count(b'STATUS:CANCELLED')} cancelled, "
        f"{len(feed) / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
