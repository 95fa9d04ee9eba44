"""The product's fixed vocabulary (SPEC §2, §3) as plain constants.

Kept free of classes so `followup status` can use it without importing
dataclasses; model.py's enums are checked against it.
"""

STAGE_NAMES = ("thank-you", "waiting", "next-round", "stay-in-touch")

OVERDUE, TOO_FREQUENT, DUE, NO_REPLY = "overdue", "too-frequent", "due", "no-reply"
SEVERITY = (OVERDUE, TOO_FREQUENT, DUE, NO_REPLY)  # a card's colour is its first flag in this order
FLAG_WORDS = {OVERDUE: "OVERDUE", TOO_FREQUENT: "TOO SOON", DUE: "DUE", NO_REPLY: "NO REPLY"}
