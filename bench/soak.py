"""Leave the board open while another process makes thousands of CLI writes.

    python bench/soak.py [--writes 5000]

The board runs headless (Textual's run_test) on a fresh database; another
process runs `followup add` / `followup log … thank-you` through the real entry
point, WRITES times in all. Every second the board's memory (VmRSS) and the
WAL file's size are sampled. Prints memory at start, peak and end, the WAL's
largest size, and checks that the board ends up showing every card.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from followup_tui.domain.config import Config  # noqa: E402
from followup_tui.storage.store import Store  # noqa: E402
from followup_tui.tui.app import FollowupApp  # noqa: E402
from followup_tui.tui.cardlist import CardList  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def soak(writes: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="followup-soak-"))
    path = folder / "soak.db"
    app = FollowupApp(Store.open(path), Config())
    wal = path.with_name(path.name + "-wal")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(1)
        start = rss_mb()
        samples, wal_sizes = [start], [0]
        writer = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "helpers" / "cli_loop.py"), str(path), "soak-", str(writes // 2)],
            stderr=subprocess.PIPE,
            text=True,
        )
        while writer.poll() is None:
            await pilot.pause(1)
            samples.append(rss_mb())
            wal_sizes.append(wal.stat().st_size if wal.exists() else 0)
        await pilot.pause(2.5)
        shown = len(app.screen.query_one("#list-waiting", CardList).ids)
        end = rss_mb()
    if writer.returncode != 0:
        raise SystemExit(f"the writer failed: {writer.stderr.read()}")
    print(f"writes: {writes} from another process, {len(samples) - 1} s")
    print(
        f"board memory: start {start:.1f} MB, peak {max(samples):.1f} MB, end {end:.1f} MB "
        f"(growth {end - start:+.1f} MB)"
    )
    print(f"WAL: largest {max(wal_sizes) / 1024:.0f} KiB over {len(wal_sizes)} samples")
    print(f"board shows {shown} of {writes // 2} cards in Waiting: {'ok' if shown == writes // 2 else 'MISSING'}")
    shutil.rmtree(folder, ignore_errors=True)  # its database: nothing of the run stays behind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=5000)
    asyncio.run(soak(parser.parse_args().writes))


if __name__ == "__main__":
    main()
