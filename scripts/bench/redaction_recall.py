"""How many of the corpus's gold identifiers survive redaction, per label.

Imports corpus/ into a fresh project and, for each file, checks every gold
identifier of corpus/identifiers.yaml: is it still present (as a whole word,
same case, within its `context` if it has one) anywhere in the pseudonymized
text that reached project.db (titles, attributes, speaker labels, excerpts;
our own tags such as "[AGE-29]" left out)? Recall = share of gold entries that
no longer appear. Also prints the share of words replaced by pseudonyms, a
rough check that the engine does not black out everything.

    python scripts/bench/redaction_recall.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml
from sqlalchemy import select

from testimony.db.models import Excerpt, Interview, InterviewAttribute, Speaker
from testimony.demo import demo_files, shipped_material
from testimony.project import init_project
from testimony.redact.importer import import_files
from testimony.vault.models import Source

PSEUDONYM = re.compile(r"\[[A-Z]+-\d+\]")


def project_text(session, codes: list[str]) -> str:
    parts: list[str] = []
    for interview in session.scalars(select(Interview).where(Interview.code.in_(codes))):
        parts.append(interview.title)
        parts += session.scalars(
            select(InterviewAttribute.value).where(InterviewAttribute.interview_id == interview.id)
        )
        parts += session.scalars(select(Speaker.label).where(Speaker.interview_id == interview.id))
        parts += session.scalars(select(Excerpt.text).where(Excerpt.interview_id == interview.id))
    return "\n".join(parts)


def character_scores(project, gold: dict) -> tuple[float, float]:  # noqa: ANN001
    """Share of redacted characters that belong to a gold identifier, and the reverse."""
    from testimony.vault.models import Mention, RawSegment

    predicted_total = gold_total = both = 0
    with project.vault_session() as vs:
        sources = {s.id: s.file_name for s in vs.scalars(select(Source))}
        segments = list(vs.scalars(select(RawSegment)))
        mentions: dict[tuple[int, str], list[tuple[int, int]]] = {}
        # Flagged mentions (types the policy proposes to reviewers) stay in the text.
        for m in vs.scalars(select(Mention).where(Mention.status != "flagged")):
            mentions.setdefault((m.source_id, m.field), []).append((m.start, m.end))
    for segment in segments:
        text = segment.text
        predicted = bytearray(len(text))
        for start, end in mentions.get((segment.source_id, f"text:{segment.position}"), []):
            predicted[start:end] = b"\x01" * (end - start)
        truth = bytearray(len(text))
        for entry in gold.get(sources[segment.source_id], []):
            pattern = r"(?<!\w)" + re.escape(entry["text"]) + r"(?!\w)"
            for said in re.finditer(re.escape(entry.get("context", entry["text"])), text):
                for match in re.compile(pattern).finditer(text, said.start(), said.end()):
                    truth[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
        for p, t, ch in zip(predicted, truth, text, strict=True):
            if ch.isspace():
                continue
            predicted_total += p
            gold_total += t
            both += p and t
    return both / max(predicted_total, 1), both / max(gold_total, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="build the project here and keep it")
    args = parser.parse_args()
    root = shipped_material()
    gold = yaml.safe_load((root / "corpus" / "identifiers.yaml").read_text(encoding="utf-8"))
    folder = args.keep or Path(tempfile.mkdtemp()) / "recall"
    project = init_project(folder)
    report = import_files(project, demo_files(root))
    if report.failed:
        print("refused:", [(r.path.name, r.reason) for r in report.failed], file=sys.stderr)
    with project.vault_session() as vs:
        codes_by_file: dict[str, list[str]] = {}
        for name, code in vs.execute(select(Source.file_name, Source.interview_code)):
            codes_by_file.setdefault(name, []).append(code)
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    leaked: list[tuple[str, str]] = []
    words = replaced = 0
    with project.session() as s:
        for file_name, entries in gold.items():
            text = project_text(s, codes_by_file.get(file_name, []))
            words += len(text.split())
            replaced += len(PSEUDONYM.findall(text))
            text = PSEUDONYM.sub(" ", text)
            for entry in entries:
                label = entry["label"]
                total[label] += 1
                # An entry that is also an ordinary word is looked for where it identifies.
                said = entry.get("context", entry["text"])
                pattern = r"(?<!\w)" + re.escape(said) + r"(?!\w)"
                if re.search(pattern, text):
                    leaked.append((file_name, label))
                else:
                    found[label] += 1
    print(f"{'label':<10}{'gold':>6}{'redacted':>10}{'recall':>8}")
    for label in sorted(total, key=lambda k: -total[k]):
        print(f"{label:<10}{total[label]:>6}{found[label]:>10}{found[label] / total[label]:>8.1%}")
    all_total, all_found = sum(total.values()), sum(found.values())
    print(f"{'all':<10}{all_total:>6}{all_found:>10}{all_found / all_total:>8.1%}")
    print(f"pseudonyms per 100 words of output: {100 * replaced / max(words, 1):.1f}")
    precision, char_recall = character_scores(project, gold)
    print(
        f"character precision {precision:.3f}, character recall {char_recall:.3f} "
        "(gold: every whole-word occurrence of a gold string in the raw excerpts)"
    )
    project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
