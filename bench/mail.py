"""How fast is `followup mail scan` over a 50,000-message Maildir, the first time and again?

    python bench/mail.py [--messages 50000] [--cards 200]

Builds (once, under bench/out/) a Maildir of N messages in INBOX and Sent (1 in 100 from or to
a card's interviewer, the rest from strangers) and a database of `--cards` cards, each with an
interviewer at its company's domain; then, on a copy of that database, runs the first scan, a
re-scan with nothing new, and a re-scan after 10 new messages. Prints wall time, peak memory
(VmHWM) and what each scan read and proposed.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
NOW = "2026-11-26T10:00:00+00:00"

from common import PEAK, peaks_mb  # noqa: E402  (peak memory measured inside the process)

WORDS = [
    "thanks",
    "unfortunately",
    "schedule",
    "next",
    "round",
    "offer",
    "update",
    "quick",
    "question",
    "coffee",
    "lunch",
    "report",
]


def message(frm: str, to: str, subject: str, at: datetime, number: int, body: str) -> bytes:
    return (
        f"From: {frm}\nTo: {to}\nSubject: {subject}\nDate: {format_datetime(at)}\n"
        f"Message-ID: <m{number}@bench.example>\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    ).encode()


def build(folder: Path, messages: int, cards: int) -> None:
    from followup_tui.storage.store import NewCard, Store

    rng = random.Random(7)
    start = datetime.fromisoformat(NOW) - timedelta(days=60)
    with Store.open(folder / "seed.db") as store:
        for n in range(cards):
            at = start + timedelta(hours=6 * n % 1200)
            people = [(f"Person {n}", f"p{n}@company{n}.example")]
            store.add_card(NewCard(company=f"Company {n}", interview_at=at, interviewers=people), at)
    (folder / "Mail").mkdir()
    inbox = mailbox.Maildir(folder / "Mail" / "INBOX", create=True)
    sent = mailbox.Maildir(folder / "Mail" / "Sent", create=True)
    for number in range(messages):
        at = start + timedelta(seconds=rng.randrange(60 * 86400))
        card = rng.randrange(cards)
        ours = rng.random() < 0.01
        other = f"p{card}@company{card}.example" if ours else f"x{rng.randrange(5000)}@else{rng.randrange(900)}.example"
        body = " ".join(rng.choice(WORDS) for _ in range(40))
        if rng.random() < 0.3:
            sent.add(message("me@example.org", other, "Re: " + rng.choice(WORDS), at, number, body))
        else:
            inbox.add(message(other, "me@example.org", rng.choice(WORDS), at, number, body))
    (folder / "config.toml").write_text(f'[me]\nemail = "me@example.org"\n[mail]\nmaildir = "{folder / "Mail"}"\n')


def scan(folder: Path) -> tuple[float, float, str]:
    env = {
        **os.environ,
        "FOLLOWUP_DB": str(folder / "bench.db"),
        "FOLLOWUP_CONFIG": str(folder / "config.toml"),
        "FOLLOWUP_NOW": NOW,
    }
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, "mail", "scan"], capture_output=True, text=True, env=env)
    took = time.perf_counter() - began
    if done.returncode:
        raise SystemExit(done.stderr)
    said = " / ".join(line for line in done.stdout.splitlines() if not line.startswith(" "))
    return took, peaks_mb(done.stderr)[0], said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--cards", type=int, default=200)
    args = parser.parse_args()
    folder = HERE / "out" / f"mail-{args.messages}-{args.cards}"
    if not (folder / "config.toml").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        began = time.perf_counter()
        build(folder, args.messages, args.cards)
        print(f"built {args.messages:,} messages, {args.cards} cards in {time.perf_counter() - began:.0f} s")
    shutil.copy(folder / "seed.db", folder / "bench.db")
    for suffix in ("-wal", "-shm"):
        (folder / f"bench.db{suffix}").unlink(missing_ok=True)
    for label in ("first scan", "re-scan, nothing new"):
        took, peak, said = scan(folder)
        print(f"{label:<24} {took:6.2f} s  {peak:6.1f} MB  {said}")
    inbox = mailbox.Maildir(folder / "Mail" / "INBOX", create=False)
    at = datetime.fromisoformat(NOW) - timedelta(hours=1)
    added = [
        inbox.add(message(f"p{n}@company{n}.example", "me@example.org", "Re: next round", at, 10_000_000 + n, "ok"))
        for n in range(10)
    ]
    took, peak, said = scan(folder)
    print(f"{'re-scan, 10 new':<24} {took:6.2f} s  {peak:6.1f} MB  {said}")
    for key in added:
        inbox.remove(key)  # the cached Maildir stays as it was built
    print(f"(at {datetime.now(UTC):%Y-%m-%d}, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
