"""Keys the coding screen keeps for itself, so no theme's shortcut can take them."""

from __future__ import annotations

RESERVED_KEYS = frozenset("gjkmnqsu" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "!:/[]{}()?")
