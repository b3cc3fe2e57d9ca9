"""Detectors: small pure functions from text (or a spaCy Doc) to proposed identifier spans.

Each module holds one kind: patterns for contact details and numbers, dates
and ages, street addresses, names in context, and spaCy's NER. The pipeline
runs them all, then propagates and resolves overlaps.
"""

from testimony.redact.detectors.base import Detection

__all__ = ["Detection"]
