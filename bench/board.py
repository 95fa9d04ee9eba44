"""How fast is the board at 100, 1,000 and 10,000 cards, and against kanban-tui?

    python bench/board.py [--runs 5] [--sizes 100,1000,10000] [--no-peer]

1. Board ready: from launch in a real terminal (tmux, 160×48) until the first
   cards are on screen (capture-pane polled every 5 ms), for followup and for
   kanban-tui (`pip install kanban-tui` into bench/out/ktui, its SQLite seeded
   with the same number of tasks through its own functions), interleaved run by run.
2. Key latency inside the app at the largest size (Textual's Pilot,
   perf_counter around each key until the app is idle again): j/k (focus down and up a
   column) and L/H (move the card to the next stage and back, a database write each,
   the focus following the card).
3. Memory: the board's resident size (VmRSS) once ready at each size, and its growth over
   200 card open/close pairs at the largest size; the once-a-minute tick's duration there.
4. Opening a card whose notes are 10 MB.

Databases are seeded once with bench/seed.py and kept under bench/out/.
Prints min / median / max and the ratios the targets speak of.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
NOW = "2026-11-26T10:00:00+00:00"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def followup_db(cards: int) -> Path:
    from seed import seed

    from followup_tui.domain.clock import now

    path = OUT / f"status-{cards}.db"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        print(f"seeding {cards} cards…", file=sys.stderr)
        seed(path, cards, now(NOW))
    return path


def copy_db(source: Path, target: Path) -> Path:
    """A private copy through the project's own backup (a file copy could miss the WAL, or meet a stale one)."""
    from followup_tui.storage.backup import copy
    from followup_tui.storage.dbfile import connect_readonly

    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    reader = connect_readonly(source)
    try:
        copy(reader, target)
    finally:
        reader.close()
    return target


def ktui_home(tasks: int) -> Path | None:
    """An XDG home holding a kanban-tui database of `tasks` tasks (None if kanban-tui cannot be installed)."""
    venv = OUT / "ktui"
    if not (venv / "bin" / "ktui").exists():
        print("installing kanban-tui…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "kanban-tui"], capture_output=True)
        if done.returncode != 0:
            return None
    home = OUT / f"ktui-{tasks}"
    if not (home / "data" / "kanban_tui" / "kanban_tui.db").exists():
        print(f"seeding kanban-tui with {tasks} tasks…", file=sys.stderr)
        seed_code = f"""
from kanban_tui.backends.sqlite.database import (
    init_new_db, init_first_board, create_new_task_db, get_all_columns_on_board_db)
from kanban_tui.constants import DATABASE_FILE
db = DATABASE_FILE.as_posix()
init_new_db(db)
init_first_board(db)
columns = [c.column_id for c in get_all_columns_on_board_db(board_id=1, database=db)][:3]
for n in range({tasks}):
    create_new_task_db(title=f"task {{n:05d}}", column=columns[n % len(columns)],
                       description="interview follow-up", database=db)
"""
        subprocess.run([str(venv / "bin" / "python"), "-c", seed_code], env=ktui_env(home), check=True)
    return home


def ktui_env(home: Path) -> dict:
    return {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}


LIMIT = 30.0  # kanban-tui at 10,000 tasks showed nothing within 90 s when tried by hand


def ready_time(command: str, env: dict, marker: str) -> float:
    """Seconds from launching `command` in tmux until `marker` is on the screen (inf after LIMIT)."""
    subprocess.run(["tmux", "kill-session", "-t", "bench"], capture_output=True)
    exports = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith(("FOLLOWUP_", "XDG_")))
    start = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", "bench", "-x", "160", "-y", "48", f"env {exports} {command}"], check=True
    )
    try:
        while time.perf_counter() - start < LIMIT:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", "bench"], capture_output=True, text=True
            ).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        return float("inf")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", "bench"], capture_output=True)


def stats(values: list[float]) -> str:
    def ms(value: float) -> str:
        return f"{value * 1000:7.0f}" if value != float("inf") else f">{LIMIT * 1000:6.0f}"

    return f"{ms(min(values))} {ms(statistics.median(values))} {ms(max(values))}"


def board_ready(sizes: list[int], runs: int, peer: bool) -> None:
    followup = shutil.which("followup", path=str(Path(sys.executable).parent)) or "followup"
    env = {**os.environ, "FOLLOWUP_NOW": NOW, "FOLLOWUP_CONFIG": str(OUT / "no-config.toml")}
    commands = {}
    for size in sizes:
        commands[f"followup, {size} cards"] = (f"{followup} --db {followup_db(size)}", env, "▶")
        home = ktui_home(size) if peer else None
        if home is not None:
            commands[f"kanban-tui, {size} tasks"] = (str(OUT / "ktui" / "bin" / "ktui"), ktui_env(home), "task 0")
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, run_env, marker) in commands.items():
            samples[name].append(ready_time(command, run_env, marker))
    print("\nboard ready (ms, launch to first cards on screen, tmux 160×48)")
    print(f"{'':32} {'min':>7} {'median':>7} {'max':>7}")
    for name, values in samples.items():
        print(f"{name:<32} {stats(values)}")
    medians = {name: statistics.median(values) for name, values in samples.items()}
    small, large = f"followup, {sizes[0]} cards", f"followup, {sizes[-1]} cards"
    print(f"followup {sizes[-1]} / {sizes[0]} cards: {medians[large] / medians[small]:.2f}× (target ≤ 1.5×)")
    peer_large = f"kanban-tui, {sizes[-1]} tasks"
    if peer_large in medians:
        ratio = medians[large] / medians[peer_large]
        shown = (
            f"< {medians[large] / LIMIT:.3f}× (kanban-tui showed nothing in {LIMIT:.0f} s)"
            if medians[peer_large] == float("inf")
            else f"{ratio:.2f}×"
        )
        print(f"followup / kanban-tui at {sizes[-1]}: {shown} (target < 1)")


async def key_latency(size: int, presses: int) -> None:
    """Each key timed with Pilot until the app is idle again (and, for a move, until the write is
    saved and the focus has followed the card), minus the same for an unbound key.

    Pilot's own round trip (posting the key, waiting for idle and the next frame) is
    measured with f12, which nothing is bound to, in the same run; the difference is
    what our code and the repaint it causes add. L and H move the same card from
    Thank-you to Waiting and back: the focus follows it, so each press moves it again.
    """
    from followup_tui.domain.config import Config
    from followup_tui.storage.store import Store
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.cardlist import CardList

    path = copy_db(followup_db(size), OUT / "latency.db")
    app = FollowupApp(Store.open(path), Config(), NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        thank_you = app.screen.query_one("#list-thank-you", CardList)
        thank_you.focus()
        await pilot.press("j")
        moved = thank_you.current_id
        await press_and_save(pilot, "L")  # the first write saves any stale rule plans: not part of a key's cost
        await press_and_save(pilot, "H")
        samples: dict[str, list[float]] = {
            "f12 (nothing bound)": [],
            "j (focus down)": [],
            "k (focus up)": [],
            "L (move card on, a write)": [],
            "H (and back, a write)": [],
        }
        for _ in range(presses):
            for name in samples:
                start = time.perf_counter()
                await press_and_save(pilot, name.split()[0])
                samples[name].append(time.perf_counter() - start)
                if name.startswith(("L", "H")):
                    assert app.focused.current_id == moved, "the focus did not follow the card"
        floor = statistics.median(samples["f12 (nothing bound)"])
        print(f"\nkey latency at {size} cards ({len(thank_you.rows)} in Thank-you), ms")
        print(f"{'':32} {'min':>7} {'median':>7} {'max':>7} {'net':>7}")
        for name, values in samples.items():
            print(f"{name:<32} {stats(values)} {(statistics.median(values) - floor) * 1000:7.0f}")
        print("net = median minus the f12 median; target: net median < 50")
    path.unlink()


async def press_and_save(pilot, key: str) -> None:
    """Press `key` and wait until what it started is saved and on screen."""
    app = pilot.app
    await pilot.press(key)
    while app.writing:
        await asyncio.sleep(0.001)
    await pilot._wait_for_screen()


async def steady(size: int, pairs: int) -> None:
    """Memory over `pairs` card opens and closes (enter, escape) and the once-a-minute tick's cost."""
    import gc

    from followup_tui.domain.config import Config
    from followup_tui.storage.store import Store
    from followup_tui.tui.app import FollowupApp

    path = copy_db(followup_db(size), OUT / "steady.db")
    app = FollowupApp(Store.open(path), Config(), NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "escape")  # the first card screen loads what later ones reuse
        gc.collect()
        before = rss_mb()
        for n in range(pairs):
            await pilot.press("enter", "escape")
            if n % 2:
                await pilot.press("j")
        gc.collect()
        after = rss_mb()
        print(
            f"\nRSS over {pairs} open/close pairs at {size} cards: {before:.0f} -> {after:.0f} MB "
            f"(+{after - before:.1f}; target < 10)"
        )
        ticks = []
        for _ in range(7):
            start = time.perf_counter()
            app._tick()
            ticks.append(time.perf_counter() - start)
            await pilot.pause()
        print(f"the tick (flags re-checked once a minute) at {size} cards, ms: {stats(ticks)} (min median max)")
    path.unlink()


async def big_note(size: int, megabytes: int = 10) -> None:
    """Opening a card whose notes are `megabytes` MB: enter until the card screen is drawn, minus f12."""
    from followup_tui.domain.config import Config
    from followup_tui.storage.store import Store
    from followup_tui.tui.app import FollowupApp

    path = copy_db(followup_db(size), OUT / "note.db")
    store = Store.open(path)
    app = FollowupApp(store, Config(), NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        card_id = app.focused.current_id
        store.update_card(card_id, {"notes": ("notes " * 16 + "\n") * (megabytes * 10_000)}, app.now())
        app.card_changed(card_id)
        await pilot.pause()
        opened, floor = [], []
        for _ in range(5):
            start = time.perf_counter()
            await pilot.press("f12")
            floor.append(time.perf_counter() - start)
            start = time.perf_counter()
            await pilot.press("enter")
            opened.append(time.perf_counter() - start)
            assert "more characters" in str(app.screen.query_one("#card-notes").render())
            await pilot.press("escape")
        net = (statistics.median(opened) - statistics.median(floor)) * 1000
        print(
            f"\nopening a card with a {megabytes} MB note, ms: {stats(opened)} (min median max), "
            f"net of f12 {net:.0f} (target < 200)"
        )
    path.unlink()


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def memory(sizes: list[int]) -> None:
    print("\nboard memory once ready (VmRSS, MB; target < 150 at 10,000)")
    code = """
import asyncio, sys
from pathlib import Path
from followup_tui.domain.config import Config
from followup_tui.storage.store import Store
from followup_tui.tui.app import FollowupApp
async def main():
    app = FollowupApp(Store.open(sys.argv[1]), Config(), sys.argv[2])
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.5)
        status = Path("/proc/self/status").read_text()
        print(int(status.split("VmRSS:")[1].split()[0]) / 1024)
asyncio.run(main())
"""
    for size in sizes:
        copy = copy_db(followup_db(size), OUT / "memory.db")
        done = subprocess.run([sys.executable, "-c", code, str(copy), NOW], capture_output=True, text=True, check=True)
        print(f"followup, {size} cards: {float(done.stdout.split()[-1]):.0f} MB")
        copy.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--no-peer", action="store_true", help="skip kanban-tui")
    parser.add_argument("--pairs", type=int, default=200, help="card open/close pairs for the memory figure")
    parser.add_argument("--parts", default="ready,latency,memory,steady,note", help="which measurements to run")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    parts = args.parts.split(",")
    if "ready" in parts:
        board_ready(sizes, args.runs, not args.no_peer)
    if "latency" in parts:
        asyncio.run(key_latency(sizes[-1], args.presses))
    if "memory" in parts:
        memory(sizes)
    if "steady" in parts:
        asyncio.run(steady(sizes[-1], args.pairs))
    if "note" in parts:
        asyncio.run(big_note(sizes[-1]))


if __name__ == "__main__":
    main()
