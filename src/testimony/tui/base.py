"""What every testimony app does differently from Textual's defaults, and why."""

from __future__ import annotations

import gc
import sys
from typing import TypeVar

from textual.app import App
from textual.screen import Screen

SWITCH_INTERVAL = 0.001  # seconds

ReturnType = TypeVar("ReturnType")


def responsive_threads() -> None:
    """Let worker threads have the interpreter back within a millisecond.

    Database work runs in threads so the screen stays live, and SQLite lets go of
    the GIL on every row it steps to. With Python's default switch interval (5 ms)
    each of those rows can wait 5 ms for the interface thread, busy drawing, to
    give the GIL back: a 20-row search page that takes 8 ms alone took 30 to 60 ms
    while the search screen was being laid out. Process-wide, as the setting is.
    """
    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)


class TestimonyApp(App[ReturnType]):
    """An app whose covered screens rest.

    Textual counts the screen just below the top one as visible even when the top
    screen is opaque (it stops looking only at the first opaque screen *below*), so
    the coding screen under search or retrieval went on laying itself out, rebuilding
    its footer and marking regions of the screen above it dirty, all in the new
    screen's first frames. Here a screen under an opaque one is not visible: it
    catches up when it is back in front (Textual lays out a resumed screen again).
    Screens that let the one below show through (dialogs) keep Textual's behaviour.
    """

    def __init__(self) -> None:
        super().__init__()
        responsive_threads()
        self._heap_frozen = False

    def on_ready(self) -> None:
        self.settle_heap()

    def settle_heap(self) -> None:
        """Leave what the app has built so far out of Python's full collections.

        A full (oldest-generation) collection walks every object alive: 125 ms on a
        100,000-excerpt project, 71 ms on a small one, and it comes due every few
        thousand allocations, so now and then a key press waited for one. The widgets,
        styles and caches the app builds at start live until it quits; frozen, they
        are skipped, and a full collection takes well under a millisecond. Called once
        the first screen is drawn and again once the coding screen's lists are in.
        Nothing is collected first (that is the pause avoided): what was garbage then
        waits for on_unmount, which gives everything back to the collector.
        """
        gc.freeze()
        self._heap_frozen = True

    def on_unmount(self) -> None:
        if self._heap_frozen:
            gc.unfreeze()
            self._heap_frozen = False

    @property
    def _background_screens(self) -> list[Screen]:
        stack = self._screen_stack
        if stack and stack[-1].styles.background.a == 1:
            return []
        return super()._background_screens
