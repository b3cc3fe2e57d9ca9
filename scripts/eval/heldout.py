"""Score redaction on the held-out set: texts the engine was never tuned on.

    python scripts/eval/heldout.py [--set heldout|heldout2] [--misses] [--only FILE...]

scripts/eval/heldout/texts/ holds invented documents in styles unlike corpus/
(automatic transcripts with no punctuation, interpreter-mediated interviews,
case notes and intake forms, court judgments, a police report, message logs,
letters and e-mails, a diary, social-media posts), with people from many
naming cultures. scripts/eval/heldout/identifiers.yaml holds their gold
identifiers in corpus/identifiers.yaml's format.

Each text goes through `testimony redact-text`'s engine with the default
settings (types the defaults propose to reviewers are left in the text, as
there). Plain spaCy NER from the same model is scored in the same run.

Scores:
  * recall per label: a gold entry counts as redacted when, at every
    whole-word occurrence (within its `context`, if it has one), every word
    is covered by a redacted span (little words such as "the", "of" may stay);
  * character precision: the share of redacted non-space characters that lie
    inside some occurrence of a gold entry; character recall the reverse.

scripts/eval/heldout2/ is a second set in yet other styles (subtitles, a
prosecutor's resolution, a helpline chat, field notes, a discharge summary, an
asylum interview, a school report, hearing minutes), written after the engine
was tuned on the first and scored once before any further change.

--misses lists the entries left in the text and the redacted strings that
are in no gold entry (all invented data). Never tune the engine on a single
file of this set: the point is to measure text we have not designed for.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

EVAL = Path(__file__).resolve().parent
TOKEN = re.compile(r"\w+")
MAY_STAY = {"the", "a", "an", "of", "in", "on", "at", "to", "and", "no", "apt", "number"}

Spans = list[tuple[int, int]]


def gold_occurrences(text: str, entry: dict) -> Spans:
    """Every whole-word occurrence of a gold entry, within its context if it has one."""
    pattern = re.compile(r"(?<!\w)" + re.escape(entry["text"]) + r"(?!\w)")
    found: Spans = []
    for said in re.finditer(re.escape(entry.get("context", entry["text"])), text):
        found += [(m.start(), m.end()) for m in pattern.finditer(text, said.start(), said.end())]
    return found


def covered(text: str, start: int, end: int, mask: bytearray) -> bool:
    """Is every word of text[start:end] (bar little words) inside a redacted span?"""
    for token in TOKEN.finditer(text, start, end):
        if token.group().lower() in MAY_STAY:
            continue
        if not all(mask[token.start() : token.end()]):
            return False
    return True


def score(texts: dict[str, str], gold: dict, predicted: dict[str, Spans], misses: bool) -> dict:
    """Recall per label and character precision/recall of one system."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    both = predicted_chars = gold_chars = 0
    missed: list[str] = []
    extra: Counter[str] = Counter()
    for name, text in texts.items():
        mask = bytearray(len(text))
        for start, end in predicted[name]:
            mask[start:end] = b"\x01" * (end - start)
        truth = bytearray(len(text))
        for entry in gold.get(name, []):
            occurrences = gold_occurrences(text, entry)
            if not occurrences:
                raise SystemExit(f"{name}: gold entry {entry['text']!r} is not in the text")
            total[entry["label"]] += 1
            if all(covered(text, s, e, mask) for s, e in occurrences):
                found[entry["label"]] += 1
            else:
                missed.append(f"{name}: {entry['label']} {entry['text']!r}")
            for s, e in occurrences:
                truth[s:e] = b"\x01" * (e - s)
        for p, t, ch in zip(mask, truth, text, strict=True):
            if not ch.isspace():
                predicted_chars += p
                gold_chars += t
                both += p and t
        if misses:
            for start, end in predicted[name]:
                if not any(truth[start:end]):
                    extra[f"{name}: {text[start:end]!r}"] += 1
    return {
        "found": found,
        "total": total,
        "precision": both / max(predicted_chars, 1),
        "char_recall": both / max(gold_chars, 1),
        "missed": missed,
        "extra": extra,
    }


def testimony_spans(texts: dict[str, str]) -> dict[str, Spans]:
    """The spans `testimony redact-text` redacts with the default settings."""
    from testimony.redact.engine import pipeline_for
    from testimony.redact.text import redact_texts, scratch_vault
    from testimony.settings import Settings

    settings = Settings()
    pipeline = pipeline_for(settings)
    with scratch_vault() as session:
        results = redact_texts(
            pipeline, list(texts.values()), session, proposed=settings.proposed_labels()
        )
        return {
            name: [(s.start, s.end) for s in result.spans]
            for name, result in zip(texts, results, strict=True)
        }


def spacy_spans(texts: dict[str, str]) -> dict[str, Spans]:
    """Plain spaCy NER from the same model: every entity it finds."""
    from testimony.redact.nlp import load_nlp

    nlp = load_nlp()
    docs = nlp.pipe(texts.values())
    return {
        name: [(e.start_char, e.end_char) for e in doc.ents]
        for name, doc in zip(texts, docs, strict=True)
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list misses and extra spans")
    parser.add_argument("--only", nargs="*", help="score only these files of texts/")
    parser.add_argument(
        "--set", default="heldout", choices=["heldout", "heldout2"], help="which held-out set"
    )
    args = parser.parse_args()
    here = EVAL / args.set
    gold = yaml.safe_load((here / "identifiers.yaml").read_text(encoding="utf-8"))
    names = args.only or sorted(gold)
    texts = {name: (here / "texts" / name).read_text(encoding="utf-8") for name in names}
    words = sum(len(t.split()) for t in texts.values())
    systems = {"testimony": testimony_spans(texts), "spaCy NER": spacy_spans(texts)}
    scores = {name: score(texts, gold, spans, args.misses) for name, spans in systems.items()}
    ours = scores["testimony"]
    print(f"{len(texts)} documents, {words} words, {sum(ours['total'].values())} gold entries\n")
    print(f"{'label':<10}{'gold':>6}" + "".join(f"{name:>12}" for name in systems))
    for label in sorted(ours["total"], key=lambda k: -ours["total"][k]):
        row = "".join(f"{s['found'][label] / s['total'][label]:>12.3f}" for s in scores.values())
        print(f"{label:<10}{ours['total'][label]:>6}{row}")
    row = "".join(
        f"{sum(s['found'].values()) / sum(s['total'].values()):>12.3f}" for s in scores.values()
    )
    print(f"{'all':<10}{sum(ours['total'].values()):>6}{row}")
    print(f"{'char prec':<16}" + "".join(f"{s['precision']:>12.3f}" for s in scores.values()))
    print(f"{'char recall':<16}" + "".join(f"{s['char_recall']:>12.3f}" for s in scores.values()))
    if args.misses:
        print("\nmissed by testimony:")
        print("\n".join(f"  {m}" for m in ours["missed"]) or "  none")
        print("\nredacted, in no gold entry:")
        print("\n".join(f"  {k} x{n}" for k, n in sorted(ours["extra"].items())) or "  none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
