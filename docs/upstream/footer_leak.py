"""Textual's Footer leaves FooterKey widgets alive after every focus change (8.2.8)."""

import asyncio
import gc

from textual.app import App
from textual.binding import Binding
from textual.widgets import Button, Footer
from textual.widgets._footer import FooterKey


class Leaky(App):
    BINDINGS = [Binding(key, "bell", f"Key {key}") for key in "abcdefghijklmnop"]

    def compose(self):
        yield Button("one")
        yield Button("two")
        yield Footer()


def footer_keys() -> int:
    gc.collect()
    return sum(isinstance(o, FooterKey) for o in gc.get_objects())


async def main() -> None:
    app = Leaky()
    async with app.run_test() as pilot:
        await pilot.pause()
        before = footer_keys()
        for _ in range(50):
            await pilot.press("tab")
            await pilot.pause()
        print(f"FooterKey widgets alive: {before} -> {footer_keys()} after 50 focus changes")


asyncio.run(main())
