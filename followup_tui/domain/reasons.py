"""Reason texts whose numbers depend on now.

A rule's reason is a str.format template (user text in it has its braces
doubled by `literal`) with at most one placeholder, measured against the
rule's anchor instant when shown: {left} (time until, '5h'),
{left_days} (time until, '2 days'), {left_d} (the same, short: '2d'), {ago}
(time since, '3h'), {days} (whole days since, by the local clock), {on} (the anchor's date, 'Dec 3'),
{on_at} (its date and local time, 'Dec 3 14:00': a moment within the day, as a check-in falls due)
or {was_within:SECONDS} (a later round's thank-you: the time since, then until SECONDS after).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .clock import local_date, short_date, short_datetime, span, weekday_date, weekday_datetime


def days_words(start: datetime, end: datetime) -> str:
    """'2 days', '1 day' in calendar days (Monday evening to Wednesday is 2 days, as §3.2 counts a
    gap), or '5h', '30m' within one day."""
    whole = (local_date(end) - local_date(start)).days
    if whole < 1:
        return span(end - start)
    return f"{whole} day" if whole == 1 else f"{whole} days"


def wall_days(start: datetime, end: datetime) -> int:
    """Whole days from start to end by the local clock (a day across a clock change is a day)."""
    return (end.astimezone().replace(tzinfo=None) - start.astimezone().replace(tzinfo=None)).days


def days_short(start: datetime, end: datetime) -> str:
    """days_words, short: '2d' in calendar days, or '5h' within one day."""
    whole = (local_date(end) - local_date(start)).days
    return span(end - start) if whole < 1 else f"{whole}d"


PLACEHOLDERS = ("left", "left_days", "left_d", "ago", "days", "on", "on_at", "was_within")
# {was_within:SECONDS}: a later round's thank-you ("round 2 was {was_within:86400}": '2h ago — send a
# thank-you within 22h'), measured from the round's time, with the deadline SECONDS after it
WAS_WITHIN = "was_within:"


def measure(name: str, anchor: datetime, now: datetime) -> str:
    """The text a placeholder stands for, as of now."""
    if name == "left":
        return span(anchor - now)
    if name == "left_days":
        return days_words(now, anchor)
    if name == "left_d":
        return days_short(now, anchor)
    if name == "ago":
        return span(now - anchor)
    if name == "days":  # by the local clock, as the check-in falls due (the same local time N days on)
        return str(wall_days(anchor, now))
    if name == "on":
        return short_date(anchor, now)
    if name == "on_at":
        return short_datetime(anchor, now)
    if name.startswith(WAS_WITHIN):
        deadline = anchor + timedelta(seconds=int(name[len(WAS_WITHIN) :]))
        # at the round's own minute it was "just now", not "1m ago" (QA walk 14, F8)
        ago = "just now" if now - anchor < timedelta(minutes=1) else f"{span(now - anchor)} ago"
        return f"{ago} — send a thank-you within {span(deadline - now)}"
    raise KeyError(name)


def render(text: str, anchor: datetime | None, now: datetime) -> str:
    before, name, after = split(text)
    if name is None:
        return before + after
    if anchor is None:
        raise ValueError(f"the reason {text!r} measures {{{name}}} from no anchor")  # a rule's mistake
    return before + measure(name, anchor, now) + after


def dated(text: str, anchor: datetime | None, moment: datetime) -> str:
    """The reason with dates for times from now ('send a thank-you by Sun Mar 14 18:00', 'last contact
    on Feb 10', 'they asked to hear from you on Mon Mar 16'): a calendar entry reads the same whenever
    it is seen. `moment` is when the entry begins, as `render`'s now."""
    before, name, after = split(text)
    if name is None:  # the instructed day's own line: "they asked to hear from you today"
        return (before + after).replace(" today", f" on {weekday_date(moment, moment)}", 1)
    if anchor is None:
        return render(text, anchor, moment)  # its mistake, said as render says it
    at = weekday_datetime(anchor, moment)
    if name in ("left", "left_days", "left_d"):  # "within 5h" -> "by …", "in 2 days" -> "on …"
        return _reword(before, ("within ", "by "), ("in ", "on ")) + at + after
    if name == "ago" and after.startswith(" ago"):  # "round 2 was 1m ago — …"
        return before + at + after.removeprefix(" ago")
    if name == "ago":  # "overdue by 3h"
        return _reword(before, ("overdue by ", "overdue since ")) + at + after
    if name == "days":  # "last contact 30 days ago", "in touch list for 30 days"
        day = weekday_date(anchor, moment)
        if after.startswith(" days ago"):
            return f"{before}on {day}{after.removeprefix(' days ago')}"
        return _reword(before, ("for ", "since ")) + day + after.removeprefix(" days")
    if name.startswith(WAS_WITHIN):  # a later round's: when it was, and the deadline
        deadline = anchor + timedelta(seconds=int(name[len(WAS_WITHIN) :]))
        return f"{before}{at} — send a thank-you by {weekday_datetime(deadline, moment)}{after}"
    return render(text, anchor, moment)  # {on}, {on_at}: dates already


def _reword(before: str, *swaps: tuple[str, str]) -> str:
    """`before` with the words that end it (and lead into the placeholder) swapped, the first that fits."""
    for old, new in swaps:
        if before.endswith(old):
            return before.removesuffix(old) + new
    return before


def literal(user_text: str) -> str:
    """User text placed in a reason template: braces are not placeholders."""
    return user_text.replace("{", "{{").replace("}", "}}")


def split(template: str) -> tuple[str, str | None, str]:
    """(text before the placeholder, its name (with its parameter: 'was_within:86400') or None, text
    after), literal braces undoubled."""
    from string import Formatter

    before: list[str] = []
    after: list[str] = []
    name: str | None = None
    for text, field, spec, _ in Formatter().parse(template):
        (after if name else before).append(text)
        name = name or (f"{field}:{spec}" if field and spec else field) or None
    return "".join(before), name, "".join(after)


# `measure` again, as SQL over a column holding the placeholder's name and one holding its
# anchor in Unix seconds, with :now_s (now, Unix seconds) and :year (now's local year) bound:
# status renders thousands of reasons, and SQLite does it without a Python call each.
# 'localtime' is the C library's, as datetime.astimezone() uses. A test holds the two
# to the same text.
def _span(seconds: str) -> str:
    s = f"abs({seconds})"
    return (
        f"CASE WHEN {s} < 3600 THEN max(1, {s} / 60) || 'm' WHEN {s} < 172800 THEN ({s} / 3600) || 'h' "
        f"ELSE ({s} / 86400) || 'd' END"
    )


def _wall_days(anchor: str) -> str:
    """wall_days(anchor, now): whole days between the two local wall-clock times, rounded down."""

    def wall(instant: str) -> str:  # the local wall-clock time, counted as if it were UTC
        return f"CAST(strftime('%s', {instant}, 'unixepoch', 'localtime') AS INTEGER)"

    seconds = f"({wall(':now_s')} - {wall(anchor)})"
    return f"(CASE WHEN {seconds} >= 0 THEN {seconds} / 86400 ELSE -((86399 - {seconds}) / 86400) END)"


def _whole_days(anchor: str) -> str:
    """Calendar days from now's local date to the anchor's."""
    return (
        f"CAST(julianday(date({anchor}, 'unixepoch', 'localtime')) - julianday(date(:now_s, 'unixepoch', 'localtime'))"
        " AS INTEGER)"
    )


def _days_words(anchor: str) -> str:
    """days_words(now, anchor): calendar days between the local dates, or a span within a day."""
    whole = _whole_days(anchor)
    return (
        f"CASE WHEN {whole} < 1 THEN {_span(f'{anchor} - :now_s')} WHEN {whole} = 1 THEN '1 day' "
        f"ELSE {whole} || ' days' END"
    )


def _days_short(anchor: str) -> str:
    """days_short(now, anchor)."""
    whole = _whole_days(anchor)
    return f"CASE WHEN {whole} < 1 THEN {_span(f'{anchor} - :now_s')} ELSE {whole} || 'd' END"


def _short_date(anchor: str) -> str:
    def local(part: str) -> str:
        return f"strftime('{part}', {anchor}, 'unixepoch', 'localtime')"

    return (
        f"substr('JanFebMarAprMayJunJulAugSepOctNovDec', 3 * {local('%m')} - 2, 3) || ' ' || "
        f"CAST({local('%d')} AS INTEGER) || CASE {local('%Y')} WHEN :year THEN '' ELSE ' ' || {local('%Y')} END"
    )


def measure_sql(name: str, anchor: str) -> str:
    """SQL for `measure(name, anchor, now)`: columns `name` (the placeholder) and `anchor` (Unix seconds)."""
    return (
        f"CASE {name} WHEN 'left' THEN {_span(f'{anchor} - :now_s')} "
        f"WHEN 'left_days' THEN {_days_words(anchor)} "
        f"WHEN 'left_d' THEN {_days_short(anchor)} "
        f"WHEN 'ago' THEN {_span(f':now_s - {anchor}')} "
        f"WHEN 'days' THEN CAST({_wall_days(anchor)} AS TEXT) "
        f"WHEN 'on' THEN {_short_date(anchor)} "
        f"WHEN 'on_at' THEN {_short_date(anchor)} || strftime(' %H:%M', {anchor}, 'unixepoch', 'localtime') "
        f"ELSE CASE WHEN {name} GLOB '{WAS_WITHIN}*' THEN {_was_within(name, anchor)} ELSE '' END END"
    )


def _was_within(name: str, anchor: str) -> str:
    deadline = f"{anchor} + CAST(substr({name}, {len(WAS_WITHIN) + 1}) AS INTEGER)"
    ago = f"CASE WHEN :now_s - {anchor} < 60 THEN 'just now' ELSE {_span(f':now_s - {anchor}')} || ' ago' END"
    return f"{ago} || ' — send a thank-you within ' || {_span(f'{deadline} - :now_s')}"
