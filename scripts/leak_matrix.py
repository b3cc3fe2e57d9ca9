"""Print, for every field that can reach an export and every export format, what happens to
identifiers planted in that field: refused by the leak gate, absent from the file, or LEAK.

    python scripts/leak_matrix.py

The same planting and byte scan as tests/test_leaks_every_field.py (real import, real
spaCy, real SQLite), shown as a table with the counts the security review asks for.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.leak_fields import (  # noqa: E402
    FIELDS,
    FORMATS,
    IDENTIFIERS_PER_FIELD,
    build_base,
    export_args,
    identifiers_in,
    identifiers_said,
    prepare,
)

from testimony.cli import cli  # noqa: E402


def outcome(base: Path, scratch: Path, field, fmt: str) -> str:  # noqa: ANN001
    folder, extra = prepare(base, scratch / "proj", field)
    out = scratch / "out" / f"report.{fmt}"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, export_args(folder, fmt, out, extra))
    if identifiers_said(result.stdout + result.stderr):
        return "LEAK (message)"
    if result.exit_code == 1:
        return "refused"
    if result.exit_code != 0:
        return f"exit {result.exit_code}"
    return "LEAK" if identifiers_in(out.read_bytes(), out.name) else "clean"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = build_base(Path(tmp) / "base" / "proj")
        rows = []
        for n, field in enumerate(FIELDS):
            cells = []
            for m, fmt in enumerate(FORMATS):
                scratch = Path(tmp) / f"case-{n}-{m}"
                scratch.mkdir()
                cells.append(outcome(base, scratch, field, fmt))
            rows.append((field.name, cells))
    width = max(len(name) for name, _ in rows)
    print(f"{'field':<{width}}  " + "  ".join(f"{fmt:<8}" for fmt in FORMATS))
    for name, cells in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{cell:<8}" for cell in cells))
    every = [cell for _name, cells in rows for cell in cells]
    print()
    print(f"fields: {len(FIELDS)}, formats: {len(FORMATS)}, cases: {len(every)}")
    print(f"identifiers planted: {len(FIELDS) * IDENTIFIERS_PER_FIELD} (3 per field)")
    print(f"refused by the gate: {every.count('refused')}, written clean: {every.count('clean')}")
    print(f"leaks: {sum(cell.startswith('LEAK') for cell in every)}")


if __name__ == "__main__":
    main()
