"""Import throughput against bare spaCy NER over the same text, in the same run.

    python scripts/bench/import.py [--words 200000]

Generates transcripts (scripts/make_corpus.py), then times:
  * baseline: the packaged English model with only NER, nlp.pipe over the
    excerpt texts the importer will redact (nothing else: no reading, no
    database);
  * testimony import: read, decode, segment, detect (NER + patterns +
    propagation), link, pseudonymize, write vault.db and project.db.
Prints words per second for each and the ratio import / baseline.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_corpus import excerpt_texts, write_files  # noqa: E402
from testimony.project import init_project  # noqa: E402
from testimony.redact.importer import import_files  # noqa: E402
from testimony.redact.nlp import load_nlp  # noqa: E402
from testimony.redact.pipeline import BATCH_SIZE  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=210_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_files(folder / "files", words=args.words)
        per_file = excerpt_texts(paths)
        words = sum(len(t.split()) for texts in per_file for t in texts)
        nlp = load_nlp()  # loaded once, outside both timings
        started = time.perf_counter()
        for texts in per_file:  # one pipe per file, as import does
            for _doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
                pass
        baseline = time.perf_counter() - started

        project = init_project(folder / "project")
        started = time.perf_counter()
        report = import_files(project, paths)
        imported = time.perf_counter() - started
        project.close()
        assert not report.failed, report.failed
    rows = [("bare spaCy NER (baseline)", baseline), ("testimony import", imported)]
    print(f"{len(paths)} files, {words:,} words")
    print(f"{'run':<28}{'seconds':>10}{'words/s':>12}{'ratio':>8}")
    for name, seconds in rows:
        print(f"{name:<28}{seconds:>10.2f}{words / seconds:>12,.0f}{baseline / seconds:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
