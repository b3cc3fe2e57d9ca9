"""The first redaction pipeline: spaCy NER, e-mail and phone patterns, and propagation.

It proposes spans; linking and pseudonyms are the resolver's job. The redaction
engine issue replaces the detectors behind this same interface (`detect`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from testimony.ingest.labels import is_role_word
from testimony.redact.forms import is_name_word
from testimony.redact.known import KnownForms
from testimony.redact.nlp import load_nlp
from testimony.redact.patterns import find_emails, find_handles, find_phones

NER_LABELS = {"PERSON", "GPE", "LOC", "FAC", "ORG"}
# Longer spans win an overlap; at equal length, the more certain detector.
DETECTOR_RANK = {"pattern": 3, "list": 2, "known": 1, "ner": 0}
BATCH_SIZE = 256


@dataclass(frozen=True)
class Detection:
    """A proposed identifier: code-point offsets into the text, a type and who found it."""

    start: int
    end: int
    label: str
    detector: str
    score: float = 1.0


class RedactionPipeline:
    """Detects identifiers in batches of texts; forms it is told about are found everywhere."""

    def __init__(
        self,
        labels: Iterable[str] = (*NER_LABELS, "EMAIL", "PHONE"),
        deny_list: Iterable[str] = (),
        allow_list: Iterable[str] = (),
        use_ner: bool = True,
    ) -> None:
        self.nlp = load_nlp() if use_ner else None
        self.labels = set(labels)
        self.allow = KnownForms()
        for entry in allow_list:
            self.allow.add(entry, "ALLOW")
        self.known = KnownForms()
        for entry in deny_list:
            self.known.add(entry, "MISC", detector="list")

    def add_known(self, surface: str, label: str, detector: str = "known") -> None:
        """Find this identifier wherever it occurs from now on (case-insensitively)."""
        if surface not in self.allow and not is_role_word(surface.strip()):
            self.known.add(surface, label, detector)

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        """Identifiers in each text, non-overlapping and in order.

        A batch is one file: what NER finds anywhere in it is found everywhere
        in it; only confident finds are remembered for later files.
        """
        found: list[list[Detection]] = []
        local = KnownForms()
        docs = self.nlp.pipe(texts, batch_size=BATCH_SIZE) if self.nlp else [None] * len(texts)
        for text, doc in zip(texts, docs, strict=True):
            spans = [
                span
                for ent in (doc.ents if doc is not None else ())
                if ent.label_ in self.labels
                for span in [_trimmed(text, ent.start_char, ent.end_char, ent.label_)]
                if span is not None
            ]
            spans += [Detection(a, b, "EMAIL", "pattern") for a, b in find_emails(text)]
            spans += [Detection(a, b, "PHONE", "pattern") for a, b in find_phones(text)]
            spans += [Detection(a, b, label, "pattern") for a, b, label in find_handles(text)]
            for span in spans:
                if span.detector == "ner":
                    self._learn(text, span, local)
            found.append(spans)
        for text, spans in zip(texts, found, strict=True):
            for forms in (self.known, local):
                spans += [Detection(m.start, m.end, m.label, m.detector) for m in forms.find(text)]
        return [self._resolve(text, spans) for text, spans in zip(texts, found, strict=True)]

    def _learn(self, text: str, span: Detection, local: KnownForms) -> None:
        """Spread an NER find: through this batch always, to later batches when confident."""
        surface = text[span.start : span.end]
        if surface in self.allow or is_role_word(surface):
            return
        local.add(surface, span.label)
        confident = _propagates(text, span)
        if confident:
            self.add_known(surface, span.label)
        if span.label != "PERSON" or " " not in surface.strip():
            return
        for word in surface.split()[0 if confident else 1 :]:
            word = word.strip(".,'’")
            if word[:1].isupper() and is_name_word(word):
                local.add(word, "PERSON")
                self.add_known(word, "PERSON")

    def _resolve(self, text: str, spans: list[Detection]) -> list[Detection]:
        spans = [
            s
            for s in spans
            if not self.allow.find(text[s.start : s.end])
            and not is_role_word(text[s.start : s.end])
        ]
        spans.sort(key=lambda s: (-(s.end - s.start), -DETECTOR_RANK.get(s.detector, 0), s.start))
        taken: list[Detection] = []
        for span in spans:
            if all(span.end <= t.start or span.start >= t.end for t in taken):
                taken.append(span)
        return sorted(taken, key=lambda s: s.start)


def _propagates(text: str, span: Detection) -> bool:
    """Whether an NER find is sure enough to be redacted everywhere else too.

    A lone capitalised word at the start of a sentence ("Stupid of me.", "Time
    limits...") is where the small model errs most; spreading such a guess would
    black out ordinary words across the project. Lowercase finds are not spread.
    """
    surface = text[span.start : span.end]
    if not surface[:1].isupper():
        return False
    if " " in surface.strip():
        return True
    before = text[: span.start].rstrip(" \t\"'«“(—-")
    return bool(before) and before[-1] not in ".!?:\n"


_CODE_WORD = re.compile(r"^\S*\d\S*\s+|\s+\S*\d\S*$")


def _trimmed(text: str, start: int, end: int, label: str) -> Detection | None:
    """An NER span without the words it should not hold; None if nothing is left.

    The small model glues file codes and numbers to names ("int02 olga");
    a person's name has no digits.
    """
    if label == "PERSON":
        surface = text[start:end]
        while (cut := _CODE_WORD.search(surface)) and cut.group().strip() != surface.strip():
            if cut.start() == 0:
                start += cut.end()
            else:
                end -= len(surface) - cut.start()
            surface = text[start:end]
    if not _worth_redacting(text[start:end]):
        return None
    return Detection(start, end, label, "ner", 0.8)


def _worth_redacting(text: str) -> bool:
    """NER sometimes tags bare numbers or single letters; those are not names."""
    stripped = text.strip()
    return len(stripped) >= 2 and any(ch.isalpha() for ch in stripped)
