"""Peak memory of a process and all its descendants (workers), sampled from /proc.

    with PeakMemory() as peak:        # this process and its children
        ...
    print(peak.megabytes)

Resident set sizes are summed, so pages a parent shares with a forked child
count twice: the figure errs on the high side. Linux only; elsewhere it is 0.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


def _rss_kb(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss_kb(root: int) -> int:
    """Resident memory of root and every process below it, in kB."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo.extend(tree.get(pid, []))
    return total


class PeakMemory:
    """Samples the process tree under root (default: this process) until the block ends."""

    def __init__(self, root: int | None = None, interval: float = 0.1) -> None:
        self.root = root or os.getpid()
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.root))
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakMemory:
        if PROC.is_dir():
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def megabytes(self) -> float:
        return self.peak_kb / 1024
