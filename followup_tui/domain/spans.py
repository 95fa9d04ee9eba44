"""Half-open time spans [start, end), None meaning unbounded on that side.

The rule plan (rules.py) is made of such spans; this is the little algebra it
needs to clip a rule to a round and to let an earlier rule win over a later one.
"""

from __future__ import annotations

from datetime import UTC, datetime

Span = tuple[datetime | None, datetime | None]

_FIRST = datetime.min.replace(tzinfo=UTC)
_LAST = datetime.max.replace(tzinfo=UTC)


def _lo(moment: datetime | None) -> datetime:
    return _FIRST if moment is None else moment


def _hi(moment: datetime | None) -> datetime:
    return _LAST if moment is None else moment


def _span(lo: datetime, hi: datetime) -> Span:
    return (None if lo == _FIRST else lo, None if hi == _LAST else hi)


def clip(span: Span, within: Span) -> Span | None:
    """The part of `span` inside `within`, or None when they do not overlap."""
    lo, hi = max(_lo(span[0]), _lo(within[0])), min(_hi(span[1]), _hi(within[1]))
    return _span(lo, hi) if lo < hi else None


def subtract(span: Span, covered: list[Span]) -> list[Span]:
    """The parts of `span` outside every span of `covered` (sorted, disjoint: see `union`)."""
    pieces, lo, hi = [], _lo(span[0]), _hi(span[1])
    for start, end in covered:
        if _hi(end) <= lo or _lo(start) >= hi:
            continue
        if _lo(start) > lo:
            pieces.append(_span(lo, _lo(start)))
        lo = max(lo, _hi(end))
    if lo < hi:
        pieces.append(_span(lo, hi))
    return pieces


def union(spans: list[Span]) -> list[Span]:
    """The same instants as sorted, disjoint spans."""
    merged: list[list[datetime]] = []
    for start, end in sorted(((_lo(s), _hi(e)) for s, e in spans if _lo(s) < _hi(e))):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [_span(lo, hi) for lo, hi in merged]


def add(covered: list[Span], span: Span) -> list[Span]:
    """union([*covered, span]) for `covered` sorted and disjoint (as union makes them), in one pass."""
    lo, hi = _lo(span[0]), _hi(span[1])
    if not lo < hi:
        return covered
    before, after = [], []
    for start, end in covered:
        if _hi(end) < lo:
            before.append((start, end))
        elif _lo(start) > hi:
            after.append((start, end))
        else:  # overlapping or touching: merged, as union merges them
            lo, hi = min(lo, _lo(start)), max(hi, _hi(end))
    return [*before, _span(lo, hi), *after]


def contains(span: Span, moment: datetime) -> bool:
    return _lo(span[0]) <= moment < _hi(span[1])


def bounds(span: Span) -> tuple[datetime, datetime]:
    """The span's ends as instants (unbounded: the first or last one): `contains` is lo <= moment < hi."""
    return _lo(span[0]), _hi(span[1])
