"""The demo project: the shipped codebook and corpus, imported into a fresh project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from sqlalchemy import func, select

from testimony.codebook import load_codebook
from testimony.coding import oplog
from testimony.coding.themes import import_codebook
from testimony.coding.workbench import Workbench
from testimony.db.models import Coding
from testimony.errors import TestimonyError
from testimony.project import Project, init_project
from testimony.redact.importer import ImportReport, import_files
from testimony.settings import SETTINGS_FILE, load_settings
from testimony.vault.models import Entity, Mention

DEMO_CODEBOOK = "codebooks/domestic-violence.yaml"
DEMO_CORPUS = "corpus"
DEMO_REVIEW = "corpus/review-decisions.yaml"
TRANSCRIPT_SUFFIXES = {".txt", ".md", ".docx", ".vtt", ".srt", ".csv"}
DEMO_CODER = "morgan"
_FIRST = ["INT-001", "INT-002", "INT-003"]
_MORE = [*_FIRST, "INT-004", "INT-005", "INT-006"]
# Two coders' first pass, as text-search coding: morgan further than quinn, and the two
# disagreeing in places, which is what `V` (whose codings) in the workbench is for.
DEMO_CODING = [
    ("morgan", 'police laughed OR "no visible" OR "family matter"', "police-dismissal", _MORE),
    ("morgan", "endure OR sabyr", "endure-sabyr", _MORE),
    ("morgan", "hit OR beat OR beating", "physical-violence", _MORE),
    ("morgan", '"mother-in-law"', "in-laws-role", _MORE),
    ("morgan", "passport", "documents-withheld", _MORE),
    ("morgan", '"protection order"', "protection-order-not-informed", _FIRST),
    ("quinn", "hit OR beat OR beating", "physical-violence", _FIRST),
    ("quinn", 'police laughed OR "no visible"', "police-demand-medical-evidence", _FIRST),
    ("quinn", "shelter", "positive-support", _FIRST),
    ("quinn", "money OR fine", "fines-family-budget", _FIRST),
]


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
        _set_coder(project, DEMO_CODER)
        with project.session() as s, s.begin():
            import_codebook(s, load_codebook(material / DEMO_CODEBOOK))
    report = import_files(project, demo_files(material), actor="demo", progress=progress)
    code_demo(project)
    review_demo(project, material / DEMO_REVIEW)
    return project, report


def code_demo(project: Project) -> None:
    """Code part of the demo as two coders, once; their demo work is not on their undo logs."""
    with project.session() as s:
        if s.scalar(select(func.count()).select_from(Coding)):
            return
    for coder, query, theme, interviews in DEMO_CODING:
        Workbench(project, coder).autocode(query, theme, "sentence", interviews)
    for coder in {c for c, *_rest in DEMO_CODING}:
        bench = Workbench(project, coder)
        with project.session() as s, s.begin():
            oplog.forget(s, bench.coder_id)


def review_demo(project: Project, decisions: Path) -> None:
    """Apply the shipped reviewer's decisions (by the words entities are written with)."""
    from testimony.redact import review

    if not decisions.is_file():
        return
    wanted = {
        str(w).casefold() for w in (yaml.safe_load(decisions.read_text()) or {}).get("reject", [])
    }
    with project.vault_session() as vs:
        ids = sorted(
            {
                entity_id
                for entity_id, text, status in vs.execute(
                    select(Mention.entity_id, Mention.text, Entity.status).join(Entity)
                )
                if text.casefold() in wanted and status != "rejected"
            }
        )
    if ids:
        review.reject(project, ids, actor="demo-reviewer")


def _set_coder(project: Project, coder: str) -> None:
    """The demo opens as its first coder unless --coder or $TESTIMONY_CODER say otherwise."""
    path = project.root / SETTINGS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ncoder: null", f"\ncoder: {coder}", 1), encoding="utf-8")
    project.settings = load_settings(project.root)
