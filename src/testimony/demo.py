"""The demo project: the shipped codebook and corpus, imported into a fresh project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from testimony.codebook import load_codebook
from testimony.coding.themes import import_codebook
from testimony.errors import TestimonyError
from testimony.project import Project, init_project
from testimony.redact.importer import ImportReport, import_files
from testimony.settings import SETTINGS_FILE

DEMO_CODEBOOK = "codebooks/domestic-violence.yaml"
DEMO_CORPUS = "corpus"
TRANSCRIPT_SUFFIXES = {".txt", ".md", ".docx", ".vtt", ".srt", ".csv"}


def shipped_material() -> Path:
    """The folder holding codebooks/ and corpus/: the source checkout this package runs from."""
    here = Path(__file__).resolve()
    for folder in (Path.cwd(), *here.parents):
        if (folder / DEMO_CODEBOOK).is_file() and (folder / DEMO_CORPUS).is_dir():
            return folder
    raise TestimonyError(
        "cannot find the shipped codebooks/ and corpus/ folders; run the demo from a clone "
        "of the testimony repository"
    )


def demo_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in (root / DEMO_CORPUS).iterdir()
        if p.suffix.lower() in TRANSCRIPT_SUFFIXES and not p.name.startswith(".")
    )


def build_demo(
    folder: Path, progress: Callable[[int, int], None] | None = None
) -> tuple[Project, ImportReport]:
    """Make (or reuse) the demo project in folder and import the shipped corpus into it."""
    material = shipped_material()
    if (folder / SETTINGS_FILE).is_file():
        project = Project.open(folder)
    else:
        project = init_project(folder, name="testimony demo")
        with project.session() as s, s.begin():
            import_codebook(s, load_codebook(material / DEMO_CODEBOOK))
    report = import_files(project, demo_files(material), actor="demo", progress=progress)
    return project, report
