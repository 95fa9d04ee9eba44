"""The product's fixed vocabulary (SPEC §2, §3) as plain constants.

Kept free of classes so `followup status` can use it without importing
dataclasses; model.py's enums are checked against it.
"""

STAGE_NAMES = ("thank-you", "waiting", "next-round", "stay-in-touch")

OVERDUE, TOO_FREQUENT, DUE, NO_REPLY = "overdue", "too-frequent", "due", "no-reply"
SEVERITY = (OVERDUE, TOO_FREQUENT, DUE, NO_REPLY)  # a card's colour is its first flag in this order
FLAG_WORDS = {OVERDUE: "OVERDUE", TOO_FREQUENT: "TOO SOON", DUE: "DUE", NO_REPLY: "NO REPLY"}

# Most urgent first (SPEC §3.3): the top flag, then the next action's rule, as one integer so that
# the saved plans sort by one column (card_plans.severity holds it: rulecache.py).
RULES_IN_ORDER = (
    9  # 1 offer, 2 thank-you, 3 prep, 4 gracious reply, 5 instructed, 6 decision, 7 network, 8 stay, 9 wait
)
NO_ACTION = RULES_IN_ORDER + 1  # a closed card's: after every rule


def urgency(severity: int, rule: int) -> int:
    """Where a card stands, lower first: its top flag's place in SEVERITY (len(SEVERITY): none), then
    its next action's rule (1 offer … 9 wait), so a DUE offer comes before a DUE referral ask."""
    return severity * (NO_ACTION + 1) + rule


CALM = urgency(len(SEVERITY), NO_ACTION)  # no flag, no next action: a closed card, or one without a plan


def line_flag(own: str | None, flags: list[str] | tuple[str, ...], action_kind: str | None) -> str | None:
    """The flag a next action's line is said with: its own (due, overdue), or NO REPLY for the move-on
    line, which is the no-reply reason (SPEC §3.3); none for the rest."""
    if own:
        return own
    return NO_REPLY if action_kind == "move-on" and NO_REPLY in flags else None


def said_in_order(
    reasons: list[str], flags: list[str | None], top: str | None, led: bool
) -> list[tuple[str | None, str]]:
    """(the flag word's flag or None, reason) in the order a line says a card's reasons: the one its
    top flag stands for first, as a card is shown under that word, then the rest as the rules gave
    them (SPEC §3.3), each after its own flag word. `flags`: each reason's, the first as line_flag
    says it; `led`: the line begins with the top flag's word already (status, list), so its reason
    goes without it."""
    flags = [*flags[: len(reasons)], *[None] * (len(reasons) - len(flags))]
    first = next((n for n, flag in enumerate(flags) if flag and flag == top), 0)
    order = [first, *(n for n in range(len(reasons)) if n != first)]
    return [(None if led and n == first and flags[n] == top else flags[n], reasons[n]) for n in order]


def reasons_line(said: list[tuple[str | None, str]]) -> str:
    """'followed up 1 day after your last message; hold off until Mar 28 · NO REPLY 3 messages …'."""
    return " · ".join(f"{FLAG_WORDS[flag]} {reason}" if flag else reason for flag, reason in said)


def spoken_list(names: list[str]) -> str:
    """'Ann', 'Ann and Ben', 'Ann, Ben and Cara'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
