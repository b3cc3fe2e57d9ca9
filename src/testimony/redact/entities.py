"""Linking mentions to entities, and one consistent pseudonym per entity, kept in the vault."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from testimony.redact.common import is_common
from testimony.redact.detectors.names import latin, lexicon
from testimony.redact.forms import is_name_word, normalise
from testimony.redact.pseudonyms import (
    NameParts,
    choose_person,
    effective_strategy,
    name_parts,
    pseudonym_words,
    render_mention,
)
from testimony.redact.words import corpus_word_form
from testimony.vault.models import CorpusWord, Entity, EntityForm, ScopedForm

# Types that identify only where they are said of someone ("one" as an age, "March" as a
# date, "nurse"): the pipeline never spreads them to other texts, and neither does the vault.
IN_CONTEXT_ONLY = {"AGE", "DATE", "QUANTITY", "OCCUPATION"}
NAME_WORD_AT = 3.5  # Zipf frequency from which a word the name lists lack is no name alone
_NUMBERED = re.compile(r"^\[(?P<label>[A-Z]+)-(?P<n>\d+)\]$")


def pseudonym_for(label: str, number: int) -> str:
    return f"[{label}-{number}]"


@dataclass
class EntityInfo:
    label: str
    tag: str  # the stable pseudonym, [PERSON-3]
    strategy: str = "tag"
    details: dict = field(default_factory=dict)
    status: str = "proposed"  # a reviewer's decision on the whole entity


class EntityResolver:
    """Resolves (surface, label) to an entity and its rendering, inside one vault transaction.

    scope is the source (interview) a mention is in. A given name alone links
    to a person only within its interview; full names, surnames and every other
    type link across the project. With no scope, everything is one document.
    strategies maps a type to tag | realistic | generalise (default tag).
    """

    def __init__(self, session: Session, strategies: dict[str, str] | None = None) -> None:
        self.session = session
        self.strategies = strategies or {}
        self.forms: dict[str, int] = {}
        self.scoped: dict[tuple[int, str], int] = {}
        self.loaded_scopes: set[int] = set()
        self.entities: dict[int, EntityInfo] = {}
        self.counters: dict[str, int] = defaultdict(int)
        self.used_words: set[str] = set()
        self.added_forms: list[tuple[str, str]] = []  # (form, label) new in this transaction
        self.scoped_seen: set[tuple[int, str]] = set()  # scoped forms known_forms read
        self._corpus_words: set[str | bytes] | None = None  # as stored (maybe keyed hashes)
        self._stored: Callable[[str], str | bytes] | None = None
        self._parts: dict[str, list[tuple[int, NameParts]]] | None = None
        self.next_id = (session.scalar(select(func.max(Entity.id))) or 0) + 1
        for entity in session.scalars(select(Entity)):
            self.entities[entity.id] = EntityInfo(
                entity.label,
                entity.pseudonym,
                entity.strategy,
                dict(entity.details or {}),
                entity.status,
            )
            self.used_words |= {w.casefold() for w in pseudonym_words(entity.details or {})}
            numbered = _NUMBERED.match(entity.pseudonym)
            if numbered:
                label = numbered.group("label")
                self.counters[label] = max(self.counters[label], int(numbered.group("n")))
        for form in session.scalars(select(EntityForm)):
            self.forms.setdefault(form.form, form.entity_id)

    def known_forms_of(self, forms: list[tuple[str, int]]) -> list[tuple[str, str]]:
        """Of these (form, entity) pairs, the ones known_forms gives, with their labels."""
        return [
            (form, self.entities[eid].label)
            for form, eid in forms
            if self.entities[eid].status != "rejected"
            and self.entities[eid].label not in IN_CONTEXT_ONLY
        ]

    def known_scoped_of(self, forms: list[tuple[str, int]]) -> list[tuple[str, str]]:
        """Of these interview-scoped (form, entity) pairs, the names to look for in other
        interviews: a given name found with confidence in one interview is found in the
        next too (and gets an entity of that interview's own), unless it is also a common
        word no name list knows ("Stupid"), or a reviewer rejected it."""
        known = []
        for form, eid in forms:
            info = self.entities.get(eid)
            if info is None or info.status == "rejected" or info.label in IN_CONTEXT_ONLY:
                continue
            wordlike = is_common(form) and not lexicon().is_safe_name(form)
            if info.status == "accepted" or not wordlike:
                known.append((form, info.label))
        return known

    def known_forms(self) -> list[tuple[str, str]]:
        """Every (form, label) the vault knows, to seed propagation: project-wide forms, and
        given names said alone (known_scoped_of); not the forms of entities a reviewer said
        are no identifiers, nor ages, dates and the like. The scoped forms read are kept in
        scoped_seen."""
        known = self.known_forms_of(list(self.forms.items()))
        rows = [
            (scope, form, eid)
            for scope, form, eid in self.session.execute(
                select(ScopedForm.scope, ScopedForm.form, ScopedForm.entity_id).order_by(
                    ScopedForm.id
                )
            )
        ]
        self.scoped_seen = {(scope, form) for scope, form, _eid in rows}
        seen = {form for form, _label in known}
        for form, label in self.known_scoped_of([(form, eid) for _s, form, eid in rows]):
            if form not in seen:
                seen.add(form)
                known.append((form, label))
        return known

    def resolve(self, surface: str, label: str, scope: int | None = None) -> tuple[int, str]:
        """The entity this surface form names, made if new; returns (id, rendering)."""
        entity_id = self.entity_for(surface, label, scope)
        return entity_id, self.render(entity_id, surface)

    def render(self, entity_id: int, surface: str, sentence_start: bool = False) -> str:
        """What this mention of the entity becomes in pseudonymized text."""
        info = self.entities[entity_id]
        return render_mention(
            info.strategy, info.label, info.tag, info.details, surface, sentence_start
        )

    def entity_for(self, surface: str, label: str, scope: int | None = None) -> int:
        form = normalise(surface, label)
        if scope is not None and label == "PERSON" and _is_given_alone(form):
            self._load_scope(scope)
            entity_id = self.scoped.get((scope, form))
            if entity_id is None:
                entity_id = self._same_name(form, lambda f: self.scoped.get((scope, f)))
            if entity_id is None and form in self.forms:
                entity_id = self.forms[form]  # a project made before names were scoped
            if entity_id is None:
                entity_id = self._new_entity(surface, label)
            if (scope, form) not in self.scoped:
                self._add_scoped(scope, form, entity_id, label)
            return entity_id
        entity_id = self.forms.get(form)
        if entity_id is None and label == "PERSON" and not form.isascii():
            entity_id = self.forms.get(latin(form))
        if entity_id is None and label == "PERSON" and " " not in form:
            entity_id = self._same_name(form, self.forms.get)
        if entity_id is None and label == "PERSON":
            entity_id = self._same_person(surface)
        if entity_id is None:
            entity_id = self._new_entity(surface, label)
        if form not in self.forms:
            self._add_form(form, entity_id, label)
        if label == "PERSON":
            self._remember_parts(entity_id, surface)
        if label == "PERSON" and " " in form:
            for word in form.split():
                if not _may_stand_alone(word):
                    continue
                if scope is not None and _is_given_alone(word):
                    self._load_scope(scope)
                    if (scope, word) not in self.scoped:
                        self._add_scoped(scope, word, entity_id, label)
                elif word not in self.forms:
                    self._add_form(word, entity_id, label)
        return entity_id

    def set_strategy(self, entity_id: int, strategy: str) -> bool:
        """Give an entity another strategy (choosing a realistic name if it needs one).

        Returns True if its rendering may have changed.
        """
        info = self.entities[entity_id]
        strategy = effective_strategy(strategy, info.label)
        if strategy == info.strategy and (strategy != "realistic" or info.details.get("given")):
            return False
        info.strategy = strategy
        if strategy == "realistic" and not info.details.get("given"):
            entity = self.session.get(Entity, entity_id)
            info.details = self._choose_name(entity_id, entity.canonical if entity else "")
        self._store(entity_id)
        return True

    def rename(self, entity_id: int, surface_hint: str = "") -> None:
        """Choose the entity another realistic name (its old one turned up in the corpus)."""
        info = self.entities[entity_id]
        self.used_words -= {w.casefold() for w in pseudonym_words(info.details)}
        entity = self.session.get_one(Entity, entity_id)
        info.details = self._choose_name(entity_id, surface_hint or entity.canonical, salt=1)
        self._store(entity_id)

    def as_if_made_now(self) -> None:
        """Know what a resolver made from the vault now would, and no more: the words of
        every realistic name (a rename takes its old words out even where another entity
        still uses one), and people's names as their canonical forms (not every way a
        mention said them), read again on first need. Reused from file to file, the
        resolver then links and names as a new command's would."""
        self.used_words = {
            w.casefold() for info in self.entities.values() for w in pseudonym_words(info.details)
        }
        self._parts = None

    def forget_corpus_words(self) -> None:
        """Words were added to the corpus: read them again before the next choice."""
        self._corpus_words = None

    def note_corpus_words(self, words: set[str]) -> None:
        """Words just added to the corpus (cheaper than reading them all again)."""
        if self._corpus_words is not None:
            stored = corpus_word_form(self.session)
            self._corpus_words |= {stored(w) for w in words}

    def _store(self, entity_id: int) -> None:
        info = self.entities[entity_id]
        entity = self.session.get_one(Entity, entity_id)
        entity.strategy = info.strategy
        entity.details = dict(info.details)

    def _load_scope(self, scope: int) -> None:
        if scope in self.loaded_scopes:
            return
        self.loaded_scopes.add(scope)
        for row in self.session.scalars(select(ScopedForm).where(ScopedForm.scope == scope)):
            self.scoped.setdefault((scope, row.form), row.entity_id)

    def _same_name(self, word: str, lookup) -> int | None:  # noqa: ANN001
        """The person a one-word name stands for when it is another form of a known name:
        a diminutive (Dina, Dinka -> Dinara; Sasha -> Aleksandr), another spelling
        (Alexander, Erlan), or a one-letter slip (Dinarra, Gaukar)."""
        lex = lexicon()
        if not word.isascii():  # Дина said in Russian is the Dina of the English text
            word = latin(word)
        candidates = [word, *lex.diminutives.get(word, ()), *lex.spellings.get(word, ())]
        candidates += [short for short, fulls in lex.diminutives.items() if word in fulls]
        if len(word) >= 5:
            candidates += sorted(_one_edit(word))
        for candidate in candidates:
            entity_id = lookup(candidate)
            if entity_id is not None and self.entities[entity_id].label == "PERSON":
                return entity_id
        return None

    def _same_person(self, surface: str) -> int | None:
        """The one known person whose name this mention fits, in another order or with
        initials ("Dzhaksylykov Y. B." is Yerlan Bekovich Dzhaksylykov); None if none
        or several fit."""
        parts = name_parts(surface)
        if not parts.surname and not (parts.given and parts.patronymic):
            return None
        index = self._people()
        keys = {parts.surname} if parts.surname else {parts.given}
        candidates = {
            entity_id
            for key in keys
            for entity_id, known in index.get(key, [])
            if parts.fits(known) and self.entities[entity_id].label == "PERSON"
        }
        return candidates.pop() if len(candidates) == 1 else None

    def _people(self) -> dict[str, list[tuple[int, NameParts]]]:
        """Known people's name parts, by surname and by given name."""
        if self._parts is None:
            self._parts = {}
            rows = self.session.execute(
                select(Entity.id, Entity.canonical).where(Entity.label == "PERSON")
            )
            for entity_id, canonical in rows:
                self._remember_parts(entity_id, canonical)
        return self._parts

    def _remember_parts(self, entity_id: int, surface: str) -> None:
        if self._parts is None:
            return  # read from the vault on first need, this one included
        parts = name_parts(surface)
        for key in {parts.surname, parts.given} - {""}:
            entries = self._parts.setdefault(key, [])
            if (entity_id, parts) not in entries:
                entries.append((entity_id, parts))

    def _new_entity(self, surface: str, label: str) -> int:
        self.counters[label] += 1
        tag = pseudonym_for(label, self.counters[label])
        entity_id, self.next_id = self.next_id, self.next_id + 1
        strategy = effective_strategy(self.strategies.get(label, "tag"), label)
        details = self._choose_name(entity_id, surface) if strategy == "realistic" else {}
        # Ids are assigned here, not by a flush per entity: one insert batch at commit.
        self.session.add(
            Entity(
                id=entity_id,
                label=label,
                pseudonym=tag,
                canonical=" ".join(surface.split()),
                strategy=strategy,
                details=details,
            )
        )
        self.entities[entity_id] = EntityInfo(label, tag, strategy, details)
        return entity_id

    def _choose_name(self, entity_id: int, surface: str, salt: int = 0) -> dict:
        def is_free(word: str) -> bool:
            key = word.casefold()
            return key not in self.used_words and not self.in_corpus(key)

        details = choose_person(entity_id * 2 + salt, surface, is_free, self.used_words)
        self.used_words |= {w.casefold() for w in pseudonym_words(details)}
        return details

    def in_corpus(self, word: str) -> bool:
        """Whether this (case-folded) word occurs in an imported text."""
        corpus = self._corpus()
        if self._stored is None:
            self._stored = corpus_word_form(self.session)
        return self._stored(word) in corpus

    def _corpus(self) -> set[str | bytes]:
        if self._corpus_words is None:
            self.session.flush()
            self._corpus_words = set(self.session.scalars(select(CorpusWord.word)))
        return self._corpus_words

    def _add_form(self, form: str, entity_id: int, label: str) -> None:
        for each in _spellings(form, label):
            if each not in self.forms:
                self.forms[each] = entity_id
                self.added_forms.append((each, label))
                self.session.add(EntityForm(entity_id=entity_id, label=label, form=each))

    def _add_scoped(self, scope: int, form: str, entity_id: int, label: str) -> None:
        for each in _spellings(form, label):
            if (scope, each) not in self.scoped:
                self.scoped[(scope, each)] = entity_id
                self.added_forms.append((each, label))
                self.session.add(
                    ScopedForm(entity_id=entity_id, scope=scope, label=label, form=each)
                )


def _spellings(form: str, label: str) -> list[str]:
    """A form, and for a name in Cyrillic its Latin spelling too (Дина is Dina)."""
    if label == "PERSON" and not form.isascii() and latin(form) != form:
        return [form, latin(form)]
    return [form]


def _may_stand_alone(word: str) -> bool:
    """A word of a full name that names the person on its own: not a title, and a name
    the lists know or no common English word ("Aygul centre" must not make "centre" a
    name everywhere)."""
    return is_name_word(word) and (lexicon().is_name(word) or not is_common(word, NAME_WORD_AT))


def _is_given_alone(form: str) -> bool:
    """A one-word person form that is (or may be) a given name, not a surname."""
    return " " not in form and not lexicon().looks_like_surname(form)


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, substitution or adjacent swap away (letters of the word)."""
    letters = set(word)
    variants = {word[:i] + word[i + 1 :] for i in range(len(word))}
    variants |= {word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in letters}
    variants |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    variants |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
    variants.discard(word)
    return variants
