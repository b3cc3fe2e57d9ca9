"""Per-text detection in worker processes, for large imports.

spaCy's NER and the pure-function detectors look at one text at a time and
depend on nothing learnt from other texts (`RedactionPipeline.find_each`), so
they can run anywhere. Learning, propagation within a file and to later files,
and overlap resolution stay in the parent, in file order: the detections are
exactly those of one process.

Workers are started with `spawn`, never `fork`: an import may run in a thread
of the coding tool, and forking a process with threads can deadlock the child.
Each worker loads its own pipeline once; a pool lives for one import.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.connection import wait

from testimony.redact.detectors.base import Detection
from testimony.redact.pipeline import BATCH_SIZE, RedactionPipeline

# Below this many words a second process costs more to start (about 2 s to load
# spaCy and the name lists) than it saves.
PARALLEL_FROM_WORDS = 60_000
BYTES_PER_WORD = 6  # of plain-text transcripts, to estimate words from file sizes
# How far ahead of the file being written its successors are sent to the workers.
TEXTS_AHEAD_PER_WORKER = 4 * BATCH_SIZE


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def processes_for(setting: int | None, words: int) -> int:
    """How many detection processes an input of about this many words should use.

    setting is `redaction.processes` (None: one per usable CPU). Small inputs
    always use one, the calling process, with no start-up cost.
    """
    if words < PARALLEL_FROM_WORDS:
        return 1
    return max(1, setting if setting is not None else usable_cpus())


class PendingDetections:
    """find_each's result for one batch of texts, which may still be computing."""

    def __init__(self, parts: list[Future] | None = None, compute=None) -> None:  # noqa: ANN001
        self._parts = parts or []
        self._compute = compute

    def result(self) -> list[list[Detection]]:
        if self._compute is not None:
            return self._compute()
        return [spans for part in self._parts for spans in part.result()]


class InProcessDetection:
    """Detection in the calling process, when it is asked for: nothing to start."""

    processes = 1

    def __init__(self, pipeline: RedactionPipeline) -> None:
        self.pipeline = pipeline

    def submit(self, texts: Sequence[str], separate: bool = False) -> PendingDetections:
        texts = list(texts)
        return PendingDetections(compute=lambda: self.pipeline.find_each(texts, separate))

    def close(self) -> None:
        pass


class DetectionPool:
    """Worker processes, each holding a pipeline made with the parent's arguments."""

    def __init__(self, pipeline: RedactionPipeline, processes: int) -> None:
        self.processes = processes
        arguments = (
            sorted(pipeline.labels),
            pipeline.deny_list,
            pipeline.allow_list,
            pipeline.use_ner,
        )
        self._executor = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=arguments,
        )

    def submit(self, texts: Sequence[str], separate: bool = False) -> PendingDetections:
        """Send texts to the workers in spaCy-batch-sized parts (the batches one process
        would make), each with the text before it, which some detectors read."""
        texts = list(texts)
        parts = [
            self._executor.submit(
                _find_each,
                texts[start : start + BATCH_SIZE],
                separate,
                texts[start - 1] if start else "",
            )
            for start in range(0, len(texts), BATCH_SIZE)
        ]
        return PendingDetections(parts)

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (for measuring their memory)."""
        return list(self._executor._processes or {})

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> DetectionPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def detection_for(pipeline: RedactionPipeline, processes: int):  # noqa: ANN201
    """A pool of workers for processes > 1, detection in this process otherwise."""
    if processes > 1:
        return DetectionPool(pipeline, processes)
    return InProcessDetection(pipeline)


def detect_batches(
    pipeline: RedactionPipeline,
    batches: Iterable[Sequence[str]],
    processes: int,
    remember: bool = True,
) -> Iterator[list[list[Detection]]]:
    """pipeline.detect over each batch in order, with per-text detection running ahead
    in workers; yields what pipeline.detect(batch) would return, batch by batch."""
    detection = detection_for(pipeline, processes)
    try:
        ahead: list[tuple[Sequence[str], PendingDetections]] = []
        queued = 0
        batches = iter(batches)
        exhausted = False
        while True:
            while not exhausted and queued < TEXTS_AHEAD_PER_WORKER * detection.processes:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                    break
                ahead.append((batch, detection.submit(batch)))
                queued += len(batch)
            if not ahead:
                return
            batch, pending = ahead.pop(0)
            queued -= len(batch)
            yield pipeline.detect(batch, remember=remember, found=pending.result())
    finally:
        detection.close()


_WORKER_PIPELINE: RedactionPipeline | None = None


def _start_worker(
    labels: list[str], deny_list: tuple[str, ...], allow_list: tuple[str, ...], use_ner: bool
) -> None:
    global _WORKER_PIPELINE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _exit_with_parent()
    _WORKER_PIPELINE = RedactionPipeline(labels, deny_list, allow_list, use_ner=use_ner)
    _WORKER_PIPELINE.nlp  # noqa: B018 - load the model now, not inside the first task


def _find_each(texts: list[str], separate: bool, previous: str) -> list[list[Detection]]:
    assert _WORKER_PIPELINE is not None
    return _WORKER_PIPELINE.find_each(texts, separate, previous)


def _exit_with_parent() -> None:
    """A killed import must not leave workers behind waiting for work forever."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
