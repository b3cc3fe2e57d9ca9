"""The footer, rebuilt only when what it shows changes and only on the screen in front.

Textual's Footer recomposes (removes and mounts a key widget per binding) every time
its screen publishes "bindings updated": on every focus change and after every
coding action that refreshes the footer hints. Two costs follow:

- A screen that is covered (the coding screen under search or retrieval) still
  rebuilds its footer when a refresh asked for before it was covered comes due;
  that work then lands in the next screen's first frames. Here a covered screen's
  footer waits: the screen publishes again when it is back in front
  (``Screen._on_screen_resume`` bumps ``stack_updates``, which refreshes bindings).
- Most refreshes change nothing the footer shows (moving to the next excerpt keeps
  the same keys). Here the footer compares what it would show with what it shows
  and rebuilds only on a difference.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def _signature(self) -> tuple:
        """What compose would show: keys, their labels, whether enabled, in order."""
        rows = tuple(
            (binding.key, binding.description, binding.group, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return (rows, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and screen.is_current:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached or not self.screen.is_current:
            return  # covered meanwhile: the screen refreshes its bindings when resumed
        signature = self._signature()
        if signature == self._shown:
            return
        self._shown = signature
        await self.recompose()
