"""The first redaction pipeline: spaCy NER, e-mail and phone patterns, and propagation.

It proposes spans; linking and pseudonyms are the resolver's job. The redaction
engine issue replaces the detectors behind this same interface (`detect`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher

from testimony.redact.forms import is_name_word, normalise
from testimony.redact.nlp import load_nlp
from testimony.redact.patterns import find_emails, find_phones

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
    ) -> None:
        self.nlp = load_nlp()
        self.labels = set(labels)
        self.allow = {normalise(a) for a in allow_list}
        self.known: dict[str, str] = {}  # normalised form -> label
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for entry in deny_list:
            self.add_known(entry, "MISC", detector="list")

    def add_known(self, surface: str, label: str, detector: str = "known") -> None:
        """Find this identifier wherever it occurs from now on (case-insensitively)."""
        form = normalise(surface, label)
        if len(form) < 2 or form in self.known or form in self.allow:
            return
        self.known[form] = label
        self.matcher.add(f"{detector}|{label}", [self.nlp.make_doc(surface.strip())])

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        """Identifiers in each text, non-overlapping and in order."""
        docs = list(self.nlp.pipe(texts, batch_size=BATCH_SIZE))
        found: list[list[Detection]] = []
        for text, doc in zip(texts, docs, strict=True):
            spans = [
                Detection(ent.start_char, ent.end_char, ent.label_, "ner", 0.8)
                for ent in doc.ents
                if ent.label_ in self.labels
                and _worth_redacting(text[ent.start_char : ent.end_char])
            ]
            for start, end in find_emails(text):
                spans.append(Detection(start, end, "EMAIL", "pattern"))
            for start, end in find_phones(text):
                spans.append(Detection(start, end, "PHONE", "pattern"))
            found.append(spans)
        # Names found anywhere in this batch are found everywhere in it (propagation).
        for text, doc, spans in zip(texts, docs, found, strict=True):
            for span in spans:
                if span.label == "PERSON":
                    self._learn_person(text, doc, span)
                elif span.detector == "ner":
                    self.add_known(text[span.start : span.end], span.label)
        for doc, spans in zip(docs, found, strict=True):
            for match_id, start, end in self.matcher(doc):
                detector, label = self.nlp.vocab.strings[match_id].split("|", 1)
                span = doc[start:end]
                spans.append(Detection(span.start_char, span.end_char, label, detector))
        return [self._resolve(text, spans) for text, spans in zip(texts, found, strict=True)]

    def _learn_person(self, text: str, doc, span: Detection) -> None:  # noqa: ANN001
        """A full name and each of its name words become known forms."""
        self.add_known(text[span.start : span.end], "PERSON")
        tokens = [t for t in doc.char_span(span.start, span.end, alignment_mode="expand") or []]
        for index, token in enumerate(tokens):
            sentence_start = token.i == 0 or doc[token.i - 1].text in {".", "!", "?", '"', "«", ":"}
            if index == 0 and sentence_start and len(tokens) > 1:
                continue  # "Call Olga Sidorenko": the first word may be an ordinary word
            if token.text[:1].isupper() and is_name_word(token.text):
                self.add_known(token.text, "PERSON")

    def _resolve(self, text: str, spans: list[Detection]) -> list[Detection]:
        spans = [s for s in spans if normalise(text[s.start : s.end], s.label) not in self.allow]
        spans.sort(key=lambda s: (-(s.end - s.start), -DETECTOR_RANK.get(s.detector, 0), s.start))
        taken: list[Detection] = []
        for span in spans:
            if all(span.end <= t.start or span.start >= t.end for t in taken):
                taken.append(span)
        return sorted(taken, key=lambda s: s.start)


def _worth_redacting(text: str) -> bool:
    """NER sometimes tags bare numbers or single letters; those are not names."""
    stripped = text.strip()
    return len(stripped) >= 2 and any(ch.isalpha() for ch in stripped)
