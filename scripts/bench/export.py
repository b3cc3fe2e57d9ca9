"""Export speed for every format against a plain json.dump of the same rows, in one run.

    python scripts/bench/export.py [--project DIR] [--excerpts 100000] [--codings 100000]

Builds a project with scripts/make_corpus.py (or reuses --project DIR, built
there on the first run), then exports every coding in each format through
the whole service: query, render, leak gate, write, audit. The baseline is
`json.dump` of the same quote rows (already in memory) to a file: what any
export must at least pay to put the words on disk. Targets (issue 7):
≤ 10 s for CSV, JSON and Markdown, ≤ 60 s for DOCX.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_corpus import build_project  # noqa: E402
from testimony.export.gate import LeakRefused  # noqa: E402
from testimony.export.quotes import collect_report  # noqa: E402
from testimony.export.rows import quote_row  # noqa: E402
from testimony.export.service import ExportOptions, export  # noqa: E402
from testimony.project import Project  # noqa: E402

TARGETS = {"csv": 10.0, "json": 10.0, "md": 10.0, "docx": 60.0}
FORMATS = ("csv", "json", "md", "html", "docx", "qdpx", "qdc")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, help="Reuse (or build once) the project here.")
    parser.add_argument("--excerpts", type=int, default=100_000)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--context", action="store_true", help="Export with --context.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.project or Path(tmp) / "project"
        if not (folder / "testimony.yaml").exists():
            started = time.perf_counter()
            build_project(folder, args.excerpts, args.codings, seed=7)
            print(f"built {folder} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        project = Project.open(folder)
        try:
            rows = run(project, Path(tmp), args.formats.split(","), args.context)
        finally:
            project.close()
    print_table(*rows)
    return 0


def run(project: Project, out: Path, formats: list[str], context: bool):  # noqa: ANN201
    started = time.perf_counter()
    with project.session() as s:
        report = collect_report(s, with_context=context)
    query = time.perf_counter() - started
    rows = [quote_row(q, section, report) for section in report.sections for q in section.quotes]
    started, cpu = time.perf_counter(), time.process_time()
    with open(out / "baseline.json", "w", encoding="utf-8") as handle:
        json.dump(rows, handle, ensure_ascii=False)
    baseline = time.perf_counter() - started
    baseline_cpu = time.process_time() - cpu
    baseline_size = (out / "baseline.json").stat().st_size
    results = []
    for fmt in formats:
        timings: dict[str, float] = {}
        target = out / f"export.{fmt}"
        started, cpu = time.perf_counter(), time.process_time()
        try:
            export(project, ExportOptions(fmt=fmt, with_context=context), target, timings=timings)
            status = "written"
        except LeakRefused as refused:  # the whole path ran; only the write was skipped
            status = f"refused: {len(refused.findings)} identifiers"
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = target.stat().st_size if target.exists() else 0
        results.append((fmt, total, cpu, timings, size, status))
    return len(rows), query, (baseline, baseline_cpu), baseline_size, results


def print_table(quotes, query, baseline, baseline_size, results) -> None:  # noqa: ANN001
    """Wall seconds and CPU seconds (which a busy machine does not inflate) per export and
    per phase (build: query and render; gate: the leak check; write: file and audit)."""
    wall, cpu = baseline
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"{quotes:,} quotes; collecting them (query) alone: {query:.2f} s; load {load}")
    print(
        f"{'export':<24}{'wall s':>8}{'cpu s':>8}{'build':>13}{'gate':>13}{'write':>8}{'MB':>7}"
        f"{'x base':>8}{'target':>8}"
    )
    print(f"{'':<40}{'wall/cpu':>13}{'wall/cpu':>13}")
    print(
        f"{'json.dump (baseline)':<24}{wall:>8.2f}{cpu:>8.2f}{'':>13}{'':>13}{wall:>8.2f}"
        f"{baseline_size / 1e6:>7.1f}{1:>8.1f}"
    )
    for fmt, total, cpu_s, t, size, status in results:
        target = TARGETS.get(fmt)
        verdict = "" if target is None else ("  ok" if total <= target else "  over")
        verdict += f"  ({status})" if status != "written" else ""
        build = f"{t.get('build', 0):.2f}/{t.get('build cpu', 0):.2f}"
        gate = f"{t.get('gate', 0):.2f}/{t.get('gate cpu', 0):.2f}"
        print(
            f"{'testimony export ' + fmt:<24}{total:>8.2f}{cpu_s:>8.2f}{build:>13}{gate:>13}"
            f"{t.get('write', 0):>8.2f}{size / 1e6:>7.1f}"
            f"{total / wall:>8.1f}{'' if target is None else f'{target:.0f} s':>8}{verdict}"
        )


if __name__ == "__main__":
    sys.exit(main())
