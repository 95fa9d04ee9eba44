"""Letting go of what Textual drew.

Textual 8.2.8 memoises `StylesCache.get_inner_outer` with `functools.lru_cache(1024)`
on the widget's own StylesCache, so the caches of the last 1,024 widgets, with every
line they drew, outlive the screens that held them: 200 card screens opened and closed
kept ~10 MB. A closing screen clears that memo (it is rebuilt at once for the widgets
still shown; only two styles per widget).

It also makes reference cycles of the lines it draws: `Strip.divide` caches its result in the
strip, and when the one cut is the strip's end that result is `[strip]`. A line redrawn (a card's
focus moving, an undo) then goes only when a full garbage collection finds it: some 6,500 objects
for six h/l keys at 10,000 cards, which made each full collection of the board pause it 50-60 ms
(bench/board.py keys). `keep_lines_acyclic` returns that one piece without caching it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def drop_closed_screens_lines() -> None:
    from textual._styles_cache import StylesCache

    clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if clear is not None:  # a later Textual may not memoise it
        clear()


def keep_lines_acyclic() -> None:
    """Strip.divide at the strip's end alone returns [strip] uncached (what Textual returns then,
    without the strip holding itself). Once per process."""
    from textual.strip import Strip

    divide = Strip.divide
    if getattr(divide, "acyclic", False):
        return

    def acyclic(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
        cuts = list(cuts)
        if [cut for cut in cuts if cut <= self.cell_length] == [self.cell_length]:
            return [self]
        return divide(self, cuts)

    acyclic.acyclic = True  # type: ignore[attr-defined]
    Strip.divide = acyclic  # type: ignore[method-assign]
