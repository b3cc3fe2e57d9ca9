"""The figures of `testimony stats` and `testimony agree` for a whole project, one read each.

The analysis screen of the coding workbench calls these from a worker thread:
each opens its own short session and returns plain data, so nothing bound to a
session crosses into the interface.
"""

from __future__ import annotations

from testimony.analysis.agreement import AgreementReport, compare_coders
from testimony.analysis.frequencies import Frequencies, theme_frequencies
from testimony.project import Project


def project_frequencies(
    project: Project, coders: tuple[str, ...] = (), interviews: tuple[str, ...] = ()
) -> Frequencies:
    """What `testimony stats` shows: codings per theme, interview and coder; co-occurrence."""
    with project.session() as session:
        return theme_frequencies(session, coders, interviews)


def project_agreement(
    project: Project, coder_a: str, coder_b: str, themes: tuple[str, ...] = ()
) -> AgreementReport:
    """What `testimony agree --coders A B` shows; AgreementError when they cannot be compared."""
    with project.session() as session:
        return compare_coders(session, coder_a, coder_b, themes)
