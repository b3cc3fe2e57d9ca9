"""import-qdpx against `testimony import` of the same transcripts, in the same run.

    python scripts/bench/import_qdpx.py [--words 50000] [--codings 5000]

Generates transcripts (scripts/make_corpus.py), then:
  * baseline: `testimony import FILE...` of the transcripts into a fresh project
    (one process, as import-qdpx detects in one process);
  * that project is coded at random (make_corpus.add_codings) and exported as a
    .qdpx (`testimony export --format qdpx`, timed but not compared);
  * testimony import-qdpx: that .qdpx into another fresh project, end to end
    (interpreter start, zip and XML checks, schema, the same redaction and
    writes as import, codings re-anchored through the replacement map).
Prints seconds, CPU seconds, words per second, the ratio of import-qdpx's
throughput to the baseline's, and how many codings arrived.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_corpus import add_codings, excerpt_texts, write_files  # noqa: E402
from testimony.codebook import load_codebook  # noqa: E402
from testimony.coding.themes import import_codebook  # noqa: E402
from testimony.project import Project, init_project  # noqa: E402

TESTIMONY = Path(sys.executable).with_name("testimony")
CODEBOOK = Path(__file__).resolve().parents[2] / "codebooks" / "domestic-violence.yaml"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(*args: str) -> tuple[float, float]:
    """Wall and CPU seconds of one testimony command."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run([str(TESTIMONY), *args], capture_output=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"testimony {args[2]} failed: {done.stderr.decode()[-2000:]}")
    return seconds, children_cpu() - cpu


def fresh(folder: Path, codebook: bool) -> Path:
    project = init_project(folder)
    if codebook:
        with project.session() as s, s.begin():
            import_codebook(s, load_codebook(CODEBOOK))
    project.close()
    settings = folder / "testimony.yaml"
    settings.write_text(settings.read_text().replace("processes: auto", "processes: 1"))
    return folder


def codings(folder: Path) -> int:
    with sqlite3.connect(folder / "project.db") as db:
        return db.execute("SELECT count(*) FROM codings").fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--codings", type=int, default=5_000)
    args = parser.parse_args()
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths = write_files(tmp / "files", words=args.words)
        words = sum(len(t.split()) for texts in excerpt_texts(paths) for t in texts)
        first = fresh(tmp / "first", codebook=True)
        baseline = timed("--project", str(first), "import", *map(str, paths))
        load.append(os.getloadavg()[0])
        project = Project.open(first)
        add_codings(project, args.codings, seed=7)
        project.close()
        qdpx = tmp / "study.qdpx"
        exported = timed("--project", str(first), "export", "--format", "qdpx", "-o", str(qdpx))
        second = fresh(tmp / "second", codebook=False)
        brought = timed("--project", str(second), "import-qdpx", str(qdpx))
        load.append(os.getloadavg()[0])
        sent, arrived = codings(first), codings(second)
        size = qdpx.stat().st_size
    print(f"{len(paths)} files, {words:,} words; {sent:,} codings; .qdpx {size / 1e6:.1f} MB")
    print(f"1-minute load average during the run: {min(load):.1f}-{max(load):.1f}")
    print(f"{'run':<24}{'seconds':>9}{'CPU s':>8}{'words/s':>10}{'ratio':>7}{'codings':>9}")
    for name, (seconds, cpu), count in (
        ("testimony import (base)", baseline, 0),
        ("export --format qdpx", exported, sent),
        ("testimony import-qdpx", brought, arrived),
    ):
        ratio = f"{baseline[0] / seconds:>7.2f}" if name != "export --format qdpx" else f"{'':>7}"
        print(f"{name:<24}{seconds:>9.2f}{cpu:>8.1f}{words / seconds:>10,.0f}{ratio}{count:>9,}")
    print("ratio: throughput over `testimony import` of the same transcripts (1 process)")
    print("codings: in the exported project, and arrived in the importing one (exact duplicates")
    print("  of one coder, theme and span are kept once)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
