"""Import throughput against bare spaCy NER over the same text, in the same run.

    python scripts/bench/import.py [--words 210000] [--processes 1,2]
    python scripts/bench/import.py --words 1000000 --processes 2    # the 90 s target
    python scripts/bench/import.py --processes 1 --encrypted         # cost of a passphrase

Generates transcripts (scripts/make_corpus.py), then times, for each number of
processes:
  * baseline: the packaged English model with only NER, nlp.pipe over the
    excerpt texts the importer will redact (nothing else: no reading, no
    database); one pipe per file in one process, or spaCy's n_process over all
    texts at once;
  * testimony import: the `testimony import FILE...` command into a fresh
    project, end to end (interpreter start, read, decode, segment, detect,
    link, pseudonymize, write vault.db and project.db), with
    redaction.processes set to that number.
With --encrypted, the same import into a project whose vault has a passphrase
(AES-GCM text columns, keyed-hash corpus words, one scrypt unlock per command)
is timed too, and its cost over the plain import is printed.
Prints words per second, the ratio import / baseline with as many processes,
and the peak memory of the import command and its workers.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.peak_memory import PeakMemory  # noqa: E402
from make_corpus import excerpt_texts, write_files  # noqa: E402
from testimony.project import init_project  # noqa: E402
from testimony.redact.nlp import load_nlp  # noqa: E402
from testimony.redact.pipeline import BATCH_SIZE  # noqa: E402
from testimony.vault.crypto import ENV_PASSPHRASE  # noqa: E402

TESTIMONY = Path(sys.executable).with_name("testimony")


def cpu_seconds() -> float:
    """CPU time of this process and of every finished child and grandchild (workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def corpus(folder: Path, words: int) -> tuple[list[Path], list[list[str]]]:
    """Transcripts whose excerpts (what is redacted) hold at least this many words."""
    target = words
    while True:
        paths = write_files(folder, words=target)
        per_file = excerpt_texts(paths)
        found = sum(len(t.split()) for texts in per_file for t in texts)
        if found >= words:
            return paths, per_file
        for path in paths:  # speaker labels count in the files, not in the excerpts
            path.unlink()
        target = target * words // found + 5000


def bare_ner(per_file: list[list[str]], processes: int) -> float:
    nlp = load_nlp()  # loaded once, outside the timing
    started = time.perf_counter()
    if processes == 1:
        for texts in per_file:  # one pipe per file, as import does
            for _doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
                pass
    else:
        texts = [text for batch in per_file for text in batch]
        for _doc in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=processes):
            pass
    return time.perf_counter() - started


PASSPHRASE = "a passphrase for the benchmark"


def testimony_import(
    folder: Path, paths: list[Path], processes: int, encrypted: bool = False
) -> tuple[float, float]:
    """Seconds and peak megabytes of `testimony import` into a fresh project."""
    project = init_project(folder, passphrase=PASSPHRASE if encrypted else None)
    project.close()
    settings = folder / "testimony.yaml"
    settings.write_text(settings.read_text().replace("processes: auto", f"processes: {processes}"))
    command = [str(TESTIMONY), "--project", str(folder), "import", *map(str, paths)]
    started = time.perf_counter()
    env = {**os.environ, ENV_PASSPHRASE: PASSPHRASE}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    with PeakMemory(process.pid) as peak:
        _out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"testimony import failed: {err.decode()[-2000:]}")
    return seconds, peak.megabytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=210_000)
    parser.add_argument("--processes", default="1,2", help="comma-separated, e.g. 1,2")
    parser.add_argument(
        "--encrypted", action="store_true", help="also import into a passphrase-protected vault"
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    rows = []
    load = []
    costs: list[tuple[int, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths, per_file = corpus(folder / "files", args.words)
        words = sum(len(t.split()) for texts in per_file for t in texts)
        for processes in counts:
            load.append(os.getloadavg()[0])
            cpu = cpu_seconds()
            with PeakMemory() as peak:
                baseline = bare_ner(per_file, processes)
            cpu = cpu_seconds() - cpu
            rows.append(("bare spaCy NER", processes, baseline, cpu, baseline, peak.megabytes))
            load.append(os.getloadavg()[0])
            cpu = cpu_seconds()
            seconds, megabytes = testimony_import(folder / f"project-{processes}", paths, processes)
            cpu = cpu_seconds() - cpu
            rows.append(("testimony import", processes, seconds, cpu, baseline, megabytes))
            plain_cpu = cpu
            if args.encrypted:
                load.append(os.getloadavg()[0])
                cpu = cpu_seconds()
                enc_seconds, megabytes = testimony_import(
                    folder / f"encrypted-{processes}", paths, processes, encrypted=True
                )
                cpu = cpu_seconds() - cpu
                row = ("  encrypted vault", processes, enc_seconds, cpu, baseline, megabytes)
                rows.append(row)
                costs.append((processes, enc_seconds / seconds - 1, cpu / plain_cpu - 1))
    print(f"{len(paths)} files, {words:,} words")
    print(f"1-minute load average during the run: {min(load):.1f}-{max(load):.1f}")
    print(
        f"{'run':<18}{'procs':>6}{'seconds':>9}{'CPU s':>8}{'words/s':>10}{'ratio':>7}"
        f"{'peak MB':>9}"
    )
    for name, processes, seconds, cpu, baseline, megabytes in rows:
        print(
            f"{name:<18}{processes:>6}{seconds:>9.2f}{cpu:>8.1f}{words / seconds:>10,.0f}"
            f"{baseline / seconds:>7.2f}{megabytes:>9,.0f}"
        )
    print("ratio: throughput over bare spaCy NER with as many processes")
    for processes, wall, cpu in costs:
        print(
            f"encrypted vault, {processes} process(es): {wall:+.1%} wall time, {cpu:+.1%} CPU "
            "time over the plain import (CPU time is the steadier figure on a loaded machine)"
        )
    print("CPU s: user + system time of the run and its worker processes")
    print("peak MB: resident memory of the process and its workers, summed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
