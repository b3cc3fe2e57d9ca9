"""Identifiers typed by hand into a coder's memo, found by their keyed fingerprints.

Fingerprints in project.db are keyed hashes: checking a text against them needs
the key, and whoever may check may confirm a guessed name. So the coding
workbench checks memos only when it was given a key file (as an editor is);
without one, the leak gate still refuses any export that holds the name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from testimony.project import Project
from testimony.redact.keys import load_key
from testimony.redact.leak import FingerprintSet, find_leaks


@dataclass
class MemoCheck:
    """Finds fingerprinted identifiers in short texts (memos, descriptions)."""

    prints: FingerprintSet

    @classmethod
    def from_key_file(cls, project: Project, key_file: Path) -> MemoCheck:
        """Load the project's fingerprints; the key comes from the file, never the vault."""
        key = load_key(project, key_file)
        with project.session() as s:
            return cls(FingerprintSet.load(s, key))

    def identifiers_in(self, text: str) -> Counter[str]:
        """How many known identifiers of each type the text holds (never which)."""
        found: Counter[str] = Counter()
        end = -1
        for start, stop, label, _digest in sorted(find_leaks(text, self.prints)):
            if start >= end:  # "Yerlan Bekov" is one name, not also "Bekov"
                found[label] += 1
            end = max(end, stop)
        return found


def warning_for(found: Counter[str], what: str = "memo") -> str | None:
    """What a coder is told when a text names someone; None when it names no one known."""
    if not found:
        return None
    kinds = ", ".join(f"{n} {label}" for label, n in sorted(found.items()))
    return (
        f"This {what} holds a known identifier ({kinds}). It was saved, but write the "
        "pseudonym instead: an export that holds the identifier is refused."
    )
