"""Keys take turns, so a burst of them lands where a person typing slowly would have put them.

Textual forwards each key to the widget focused when the key *arrives*, and a binding
runs only once the key has bubbled back up to the app. In a burst (a paste, tmux
send-keys, fast typing over ssh) the keys after `/` therefore reached the board before
the filter had focus: `/tes` logged a thank-you and opened Edit. Here a key (or paste)
is let through only when the one before it has bubbled all the way up and what it
started (a screen opening, a focus move, a save) has settled; until then it waits, in
order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App

LOST_KEY_SECONDS = 1.0  # a key whose widget went away never reports back: go on after this
ROUNDS = 10  # a screen opening settles in two or three rounds; this bounds a busy one


class KeyHandled(Message):
    """Posted right behind a key to the same widget: it bubbles up the same queues, so when
    it reaches the app, the key has too."""


class TypeAhead:
    """The turn-taking for one app: `admit` each key or paste as it arrives."""

    def __init__(self, app: App, forward: Callable, saving: Callable[[], asyncio.Event | None]) -> None:
        """`forward(event)` delivers an event as Textual would (awaitable); `saving()` gives an
        event that is set once pending writes are done (None when there are none)."""
        self.app, self.forward, self.saving = app, forward, saving
        self.held: deque[events.Event] = deque()
        self.busy = False
        self._reached = asyncio.Event()
        self._turn: asyncio.Task | None = None

    async def admit(self, event: events.Key | events.Paste) -> None:
        """Deliver `event` now if nothing is in flight, else queue it behind the others."""
        if self.busy:
            self.held.append(event)
            return
        self.busy = True
        await self._deliver(event)

    async def _deliver(self, event: events.Event) -> None:
        self._reached.clear()
        await self.forward(event)
        try:
            target = self.app.focused or self.app.screen
        except Exception:  # no screen (the app is closing)
            target = None
        if target is None or not target.post_message(KeyHandled()):
            self._reached.set()
        self._turn = asyncio.create_task(self._settle())

    def reached_app(self) -> None:
        """The KeyHandled behind the key arrived at the app."""
        self._reached.set()

    async def _settle(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._reached.wait(), LOST_KEY_SECONDS)
        await self._quiet()
        saved = self.saving()
        if saved is not None:  # a write a key made: the next key should see its result (focus follows the card)
            with contextlib.suppress(TimeoutError):  # a busy database must not hold the keys for long
                await asyncio.wait_for(saved.wait(), 0.5)
            await self._quiet()
        self.app.call_later(self._next)

    async def _next(self) -> None:
        if self.held:
            await self._deliver(self.held.popleft())
        else:
            self.busy = False

    async def _quiet(self) -> None:
        """Until the screen and focus stop changing: each round lets every widget of the
        current screen work through what is queued for it (a new screen composes, mounts,
        focuses its first field)."""
        seen = None
        for _ in range(ROUNDS):
            await self._round()
            try:
                state = (self.app.screen, self.app.focused, len(self.app.screen_stack))
            except Exception:
                return
            if state == seen:
                return
            seen = state

    async def _round(self) -> None:
        try:
            pumps = [self.app, *self.app.screen.walk_children(with_self=True)]
        except Exception:
            return
        left = 0
        done = asyncio.Event()

        def one_more() -> None:
            nonlocal left
            left -= 1
            if left == 0:
                done.set()

        for pump in pumps:
            if pump.call_later(one_more):
                left += 1
        if left:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), LOST_KEY_SECONDS)
