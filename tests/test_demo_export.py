"""A new user's first report: the demo, coded and reviewed, exports through the leak gate."""

from __future__ import annotations

from testimony.demo import DEMO_REVIEW, code_demo, review_demo, shipped_material
from testimony.redact.engine import codebook_words
from testimony.redact.pipeline import RedactionPipeline

from .conftest import CODEBOOK


def test_the_demo_report_passes_the_leak_gate(corpus_project, run, tmp_path):
    root = corpus_project.root
    assert run("--project", root, "codebook", "import", CODEBOOK).exit_code == 0
    code_demo(corpus_project)
    review_demo(corpus_project, shipped_material() / DEMO_REVIEW)
    for fmt in ("md", "csv", "docx"):
        out = tmp_path / f"report.{fmt}"
        result = run("--project", root, "export", "--format", fmt, "-o", out)
        assert result.exit_code == 0, result.stderr
        assert run("--project", root, "leak-check", out).exit_code == 0


def test_codebook_words_are_allowed_alone_but_not_inside_a_name(project):
    with project.session() as s:
        words = codebook_words(s)
    assert "sabyr" in {w.casefold() for w in words}  # a theme of the shipped codebook
    pipeline = RedactionPipeline(allow_list=words)
    text = "She said sabyr, daughter. My husband Sabyr Nurlanov hit me."
    found = [text[d.start : d.end] for d in pipeline.detect([text])[0]]
    assert "Sabyr Nurlanov" in found and "sabyr" not in found
