"""Reason texts whose numbers depend on now.

A rule's reason is a str.format template (user text in it has its braces
doubled by `literal`) with at most one placeholder, measured against the
rule's anchor instant when shown: {left} (time until, '5h'),
{left_days} (time until, '2 days'), {ago} (time since, '3h'), {days} (whole
days since) or {on} (the anchor's date, 'Dec 3').
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .clock import days, short_date, span


def days_words(delta: timedelta) -> str:
    """'2 days', '1 day', or '5h' under a day."""
    whole = days(delta)
    if whole < 1:
        return f"{max(1, int(delta.total_seconds() // 3600))}h"
    return f"{whole} day" if whole == 1 else f"{whole} days"


PLACEHOLDERS = ("left", "left_days", "ago", "days", "on")


def measure(name: str, anchor: datetime, now: datetime) -> str:
    """The text a placeholder stands for, as of now."""
    if name == "left":
        return span(anchor - now)
    if name == "left_days":
        return days_words(anchor - now)
    if name == "ago":
        return span(now - anchor)
    if name == "days":
        return str(days(now - anchor))
    if name == "on":
        return short_date(anchor, now)
    raise KeyError(name)


def placeholders(text: str) -> list[str]:
    """The placeholders a template holds ('{{' and '}}' are literal braces)."""
    from string import Formatter

    return [name for _, name, _, _ in Formatter().parse(text) if name]


def render(text: str, anchor: datetime | None, now: datetime) -> str:
    return text.format_map({name: measure(name, anchor, now) for name in placeholders(text)})


def literal(user_text: str) -> str:
    """User text placed in a reason template: braces are not placeholders."""
    return user_text.replace("{", "{{").replace("}", "}}")
