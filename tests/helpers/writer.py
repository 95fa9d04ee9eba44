"""A stand-in for the board: many small user actions, each reported once committed.

    python writer.py DB PREFIX COUNT

Prints `add ID`, `log ID`, `move ID` on stdout (flushed) right after each
action's transaction has committed, so a parent that kills this process knows
exactly which actions must have survived.
"""

import sys
from datetime import UTC, datetime

from followup_tui.domain.model import Kind, Stage
from followup_tui.storage.store import NewCard, Store


def main() -> None:
    path, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    now = datetime(2026, 11, 26, 10, tzinfo=UTC)
    with Store.open(path) as store:
        for n in range(count):
            card_id = store.add_card(
                NewCard(
                    company=f"{prefix}{n}",
                    interview_at=now,
                    interviewers=[(f"Person {prefix}{n}", "")],
                    notes="x" * 300,
                ),
                now,
            )
            print(f"add {card_id}", flush=True)
            store.log_contact(card_id, Kind.THANK_YOU, now, now)
            print(f"log {card_id}", flush=True)
            store.move(card_id, Stage.NEXT_ROUND, now)
            print(f"move {card_id}", flush=True)


if __name__ == "__main__":
    main()
