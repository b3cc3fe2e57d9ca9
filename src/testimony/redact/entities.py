"""Linking mentions to entities, and one consistent pseudonym per entity, kept in the vault."""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from testimony.redact.detectors.names import lexicon
from testimony.redact.forms import is_name_word, normalise
from testimony.vault.models import Entity, EntityForm

_NUMBERED = re.compile(r"^\[(?P<label>[A-Z]+)-(?P<n>\d+)\]$")


def pseudonym_for(label: str, number: int) -> str:
    return f"[{label}-{number}]"


class EntityResolver:
    """Resolves (surface, label) to an entity id and pseudonym inside one vault transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.forms: dict[str, int] = {}
        self.entities: dict[int, tuple[str, str]] = {}
        self.counters: dict[str, int] = defaultdict(int)
        self.next_id = (session.scalar(select(func.max(Entity.id))) or 0) + 1
        for entity in session.scalars(select(Entity)):
            self.entities[entity.id] = (entity.label, entity.pseudonym)
            numbered = _NUMBERED.match(entity.pseudonym)
            if numbered:
                label = numbered.group("label")
                self.counters[label] = max(self.counters[label], int(numbered.group("n")))
        for form in session.scalars(select(EntityForm)):
            self.forms.setdefault(form.form, form.entity_id)

    def known_forms(self) -> list[tuple[str, str]]:
        """Every (form, label) the vault knows, to seed propagation."""
        return [(form, self.entities[eid][0]) for form, eid in self.forms.items()]

    def resolve(self, surface: str, label: str) -> tuple[int, str]:
        """The entity this surface form names, made if new; returns (id, pseudonym)."""
        form = normalise(surface, label)
        entity_id = self.forms.get(form)
        if entity_id is None and label == "PERSON" and " " not in form:
            entity_id = self._same_name(form)
            if entity_id is not None:
                self._add_form(form, entity_id, label)
        if entity_id is None:
            entity_id = self._new_entity(surface, label)
            self._add_form(form, entity_id, label)
            if label == "PERSON":
                for word in form.split():
                    if is_name_word(word) and word not in self.forms:
                        self._add_form(word, entity_id, label)
        return entity_id, self.entities[entity_id][1]

    def _same_name(self, word: str) -> int | None:
        """The person a one-word name stands for when it is another form of a known name:
        a diminutive (Dina, Dinka -> Dinara; Sasha -> Aleksandr), another spelling
        (Alexander, Erlan), or a one-letter slip (Dinarra, Gaukar)."""
        lex = lexicon()
        candidates = [*lex.diminutives.get(word, ()), *lex.spellings.get(word, ())]
        candidates += [short for short, fulls in lex.diminutives.items() if word in fulls]
        for candidate in candidates:
            entity_id = self.forms.get(candidate)
            if entity_id is not None and self.entities[entity_id][0] == "PERSON":
                return entity_id
        if len(word) >= 5:
            for variant in _one_edit(word):
                entity_id = self.forms.get(variant)
                if entity_id is not None and self.entities[entity_id][0] == "PERSON":
                    return entity_id
        return None

    def _new_entity(self, surface: str, label: str) -> int:
        self.counters[label] += 1
        pseudonym = pseudonym_for(label, self.counters[label])
        entity_id, self.next_id = self.next_id, self.next_id + 1
        # Ids are assigned here, not by a flush per entity: one insert batch at commit.
        self.session.add(
            Entity(
                id=entity_id, label=label, pseudonym=pseudonym, canonical=" ".join(surface.split())
            )
        )
        self.entities[entity_id] = (label, pseudonym)
        return entity_id

    def _add_form(self, form: str, entity_id: int, label: str) -> None:
        self.forms[form] = entity_id
        self.session.add(EntityForm(entity_id=entity_id, label=label, form=form))


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, substitution or adjacent swap away (letters of the word)."""
    letters = set(word)
    variants = {word[:i] + word[i + 1 :] for i in range(len(word))}
    variants |= {word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in letters}
    variants |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    variants |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
    variants.discard(word)
    return variants
