"""Hostile and broken .qdpx files: each refused with one clear line, exit 2, project unchanged."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from testimony.db.models import Coding, Interview
from testimony.project import init_project
from testimony.vault.models import Source
from tests.conftest import dump_databases

FIXTURE = Path(__file__).parent / "data" / "refi" / "qualcoder"
QDE = (FIXTURE / "project.qde").read_text(encoding="utf-8")
SOURCE_NAME = next((FIXTURE / "sources").iterdir()).name
SOURCE = (FIXTURE / "sources" / SOURCE_NAME).read_bytes()
SECRET = "Marat"  # a name in the fixture's text: must never be printed


def qdpx(path: Path, entries: dict[str, bytes | str], symlinks: dict[str, str] | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def good_entries(qde: str = QDE) -> dict[str, bytes | str]:
    return {"project.qde": qde, f"sources/{SOURCE_NAME}": SOURCE}


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>'
).replace("&lol0;", "&lol;")
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
)


def _long_line(size: int = 2_100_000) -> bytes:
    """One line of made-up words, long past import.max_line_kb, that does not compress
    like a zip bomb."""
    import random

    rng = random.Random(7)
    words = (
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9)))
        for _ in range(size // 5)
    )
    return b"\n" + " ".join(words).encode()[:size]


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _past_end() -> str:
    return QDE.replace('endPosition="', 'endPosition="9', 1)


def _unknown_code() -> str:
    return QDE.replace(
        '<CodeRef targetGUID="c0de0001-0000-4000-8000-000000000002"/>',
        '<CodeRef targetGUID="c0de0001-0000-4000-8000-0000000000ff"/>',
    )


CASES = {
    "path traversal entry": (
        lambda p: qdpx(p, {**good_entries(), "../../evil.txt": "x"}),
        "path traversal",
    ),
    "absolute path entry": (
        lambda p: qdpx(p, {**good_entries(), "/tmp/evil.txt": "x"}),
        "absolute path",
    ),
    "symlink entry": (
        lambda p: qdpx(p, good_entries(), symlinks={"sources/link.txt": "/etc/passwd"}),
        "symbolic link",
    ),
    "zip bomb": (
        lambda p: qdpx(p, {**good_entries(), "sources/bomb.txt": b"\0" * (40 << 20)}),
        "zip bomb",
    ),
    "billion laughs in project.qde": (
        lambda p: qdpx(p, {"project.qde": BILLION_LAUGHS}),
        "DTD or entities",
    ),
    "external entity in project.qde": (lambda p: qdpx(p, {"project.qde": XXE}), "DTD or entities"),
    "not a zip": (lambda p: _written(p, "Q: hello\nA: " + SECRET), "not a zip"),
    "no project.qde": (lambda p: qdpx(p, {f"sources/{SOURCE_NAME}": SOURCE}), "no project.qde"),
    "invalid XML": (
        lambda p: qdpx(p, {**good_entries(), "project.qde": QDE[: len(QDE) // 2]}),
        "not well-formed XML",
    ),
    "XML off the schema": (
        lambda p: qdpx(
            p, good_entries(QDE.replace('startPosition="', 'startPosition="x' + SECRET, 1))
        ),
        "does not follow the REFI-QDA schema: line",
    ),
    "selection past the end of its source": (
        lambda p: qdpx(p, good_entries(_past_end())),
        "outside its source",
    ),
    "source missing from the zip": (
        lambda p: qdpx(p, {"project.qde": QDE}),
        "its text file is not in the .qdpx",
    ),
    "coding with a code not in the codebook": (
        lambda p: qdpx(p, good_entries(_unknown_code())),
        "not a code of the codebook",
    ),
    "source that is not text": (
        lambda p: qdpx(p, {"project.qde": QDE, f"sources/{SOURCE_NAME}": b"\x00\x01\x02" * 400}),
        "not text",
    ),
    "a source with a 2 MB line": (
        lambda p: qdpx(p, {**good_entries(), f"sources/{SOURCE_NAME}": SOURCE + _long_line()}),
        "max_line_kb",
    ),
}


@pytest.fixture(scope="module")
def seeded_dir(tmp_path_factory):
    """A project holding one imported .qdpx already, so 'unchanged' means something."""
    folder = tmp_path_factory.mktemp("seeded") / "proj"
    project = init_project(folder)
    from testimony.refi.importer import import_qdpx

    import_qdpx(project, qdpx(folder.parent / "first.qdpx", good_entries()))
    project.close()
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_or_broken_qdpx_is_refused_and_changes_nothing(case, seeded_dir, tmp_path, run):
    import shutil

    folder = tmp_path / "proj"
    shutil.copytree(seeded_dir, folder)
    build, reason = CASES[case]
    path = build(tmp_path / "hostile.qdpx")
    before = dump_databases(folder)
    result = run("--project", folder, "import-qdpx", path)
    assert result.exit_code == 2, (case, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0], (case, result.stderr)
    assert lines[0].startswith("testimony: hostile.qdpx: ")
    assert SECRET not in result.stderr + result.stdout
    assert dump_databases(folder) == before
    assert not list(tmp_path.glob("evil*")) and not (Path("/tmp") / "evil.txt").exists()


def test_a_folder_a_missing_file_and_an_empty_file_are_refused(tmp_path, run):
    project = init_project(tmp_path / "proj")
    project.close()
    empty = tmp_path / "empty.qdpx"
    empty.write_bytes(b"")
    for path, reason in (
        (tmp_path, "is a folder"),
        (tmp_path / "nope.qdpx", "no such file"),
        (empty, "the file is empty"),
    ):
        result = run("--project", project.root, "import-qdpx", path)
        assert result.exit_code == 2 and reason in result.stderr


CRASH_SCRIPT = """
import os, signal, sys
from pathlib import Path
import testimony.redact.importer as importer
import testimony.refi.importer as refi
from testimony.project import Project

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[2] == "codings":
    refi._Writer.__call__ = die  # inside the project transaction, before it commits
else:
    setattr(importer, sys.argv[2], die)
refi.import_qdpx(Project.open(Path(sys.argv[1])), Path(sys.argv[3]))
"""


@pytest.mark.parametrize("crash_at", ["codings", "_mark_done"])
def test_a_killed_qdpx_import_is_completed_by_running_it_again(tmp_path, run, crash_at):
    """SIGKILL inside the project transaction (rolled back) or after it (rolled forward)."""
    project = init_project(tmp_path / "proj")
    path = qdpx(tmp_path / "study.qdpx", good_entries())
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(CRASH_SCRIPT),
            str(project.root),
            crash_at,
            str(path),
        ],
        capture_output=True,
        env={**os.environ},
    )
    assert killed.returncode == -signal.SIGKILL
    with project.vault_session() as vs:
        assert [s.status for s in vs.scalars(select(Source))] == ["pending"]
    result = run("--project", project.root, "import-qdpx", path)
    assert result.exit_code == 0, result.stderr
    with project.session() as s:
        assert list(s.scalars(select(Interview.code))) == ["INT-001"]
        assert s.scalar(select(func.count(Coding.id))) == 2
    with project.vault_session() as vs:
        assert [s.status for s in vs.scalars(select(Source))] == ["done"]
    again = run("--project", project.root, "import-qdpx", path)
    assert "imported already" in again.stdout
    project.close()
