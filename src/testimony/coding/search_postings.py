"""Ranking the common queries from compact posting lists, with FTS5's bm25 to the last bit.

FTS5 works out bm25 for every excerpt a query matches, about a microsecond each
in SQL: a word held by a fifth of a 100,000-excerpt project took 20 ms before
its first page, and the time grew with the project. Most searches are words,
prefixes and phrases that must all occur, maybe with some left out. For those,
this module ranks from lists kept beside the FTS5 index (migration 0009): for
each term the excerpts holding it (sorted ids), how often and where (token
offsets, for phrases), and each excerpt's length in tokens. numpy intersects
and scores them at a few nanoseconds a hit, with FTS5's
own formula, constants and statistics, so the hits, their order and their
scores are the ones FTS5 gives. Anything else (phrases ending in a prefix, NEAR,
OR, words outside ASCII letters and digits, whose tokens only FTS5's tokenizer
knows) is left to FTS5: `rank` returns None.

Each term's list is stored in blocks of ids (BLOCK_BITS: 16,384 ids a block, one
row each), as are the lengths, so a change to a few excerpts rewrites the blocks
holding them, not a frequent word's whole list.

The lists are derived data. Triggers queue every excerpt whose text was added,
changed or deleted, with the text the lists hold for it; `refresh` brings the
lists up to date before any project transaction commits (project.py), using
FTS5's own tokenizer on a temporary table. A database written by other means
keeps a queue, and search uses FTS5 until the next commit empties it.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from testimony.coding.search_query import Item, ParsedQuery, Term

# FTS5's bm25 (fts5_aux.c): k1, b, and the floor put under a word in most excerpts.
K1 = 1.2
B = 0.75
IDF_FLOOR = 1e-6
TOKENIZER = "unicode61 remove_diacritics 2"  # as excerpts_fts (migration 0002)
# The largest excerpt id the lists keep: arrays by id (lengths, a prefix's counts) stay
# under 256 MB. A project with larger ids (written by something else) keeps its queue,
# and search keeps to FTS5: commits are never refused over the lists.
MAX_ID = 2**26 - 1
BLOCK_BITS = 14  # ids id >> BLOCK_BITS share a block: 16,384 of them
_PLAIN = re.compile(r"[A-Za-z0-9]+")  # one token, which unicode61 only lower-cases


def covered(parsed: ParsedQuery) -> bool:
    """Whether ranking from the posting lists gives exactly what FTS5 gives for the query."""
    if len(parsed.alternatives) != 1:
        return False
    return all(_plain(item) for item in [*parsed.alternatives[0], *parsed.excluded])


def _plain(item: Item) -> bool:
    """A word, a prefix, or a phrase of words (no prefix in a phrase), in ASCII letters and
    digits: tokens that unicode61 only lower-cases."""
    if not isinstance(item, Term):
        return False
    words = item.phrase.split(" ")
    if len(words) > 1 and (item.prefix or len(words) > MAX_PHRASE):
        return False
    return all(_PLAIN.fullmatch(w) for w in words)


# --- ranking ---------------------------------------------------------------------------------

OFFSET_BITS = 21  # an instance of a word is keyed excerpt id << 21 | its token offset
MAX_PHRASE = 64  # words in a phrase the lists answer


def rank(session: Session, parsed: ParsedQuery, limit: int) -> list[tuple[int, float]] | None:
    """The best `limit` (excerpt id, bm25 score) pairs, best first, as FTS5 ranks them;
    None when the query is not one the lists answer or the lists are not up to date."""
    if not covered(parsed) or session.get_bind().dialect.name != "sqlite":
        return None
    found = [item for item in parsed.alternatives[0] if isinstance(item, Term)]
    left_out = [item for item in parsed.excluded if isinstance(item, Term)]
    terms = [*found, *left_out]
    # One statement, so one snapshot: the queue, FTS5's totals, the lengths and the lists.
    # A list is asked for as (term number, word number in its phrase); offsets only for
    # the words of phrases.
    parts = [
        "SELECT -1, NULL, NULL, (SELECT count(*) FROM search_postings_pending),"
        " (SELECT block FROM excerpts_fts_data WHERE id = 1), NULL, NULL",
        "SELECT -2, NULL, NULL, block, lengths, NULL, NULL FROM search_postings_lengths",
    ]
    params: dict[str, object] = {}
    for i, term in enumerate(terms):
        words = term.phrase.lower().split(" ")
        for k, word in enumerate(words):
            params[f"w{i}_{k}"] = word
            if term.prefix:
                params[f"h{i}"] = word[:-1] + chr(ord(word[-1]) + 1)
                where = f"term >= :w{i}_{k} AND term < :h{i}"
            else:
                where = f"term = :w{i}_{k}"
            pos = "pos" if len(words) > 1 else "NULL"
            parts.append(
                f"SELECT {i}, {k}, term, block, ids, tfs, {pos} FROM search_postings WHERE {where}"
            )
    rows = session.execute(text(" UNION ALL ".join(parts)), params).all()
    head = next(row for row in rows if row[0] == -1)
    if head[3]:
        return None  # texts changed since the lists were brought up to date
    blocks: dict[tuple[int, int], dict[str, list[tuple]]] = {}
    length_blocks: list[tuple[int, bytes]] = []
    for row in rows:
        if row[0] >= 0:
            blocks.setdefault((row[0], row[1]), {}).setdefault(row[2], []).append(row[3:])
        elif row[0] == -2:
            length_blocks.append((row[3], row[4]))
    postings = []
    for i, term in enumerate(terms):
        size = len(term.phrase.split(" "))
        if size == 1:
            by_term = blocks.get((i, 0), {})
            postings.append(_Postings([_joined(b) for b in by_term.values()]))
            continue
        instances = [_word_instances(blocks.get((i, k), {})) for k in range(size)]
        known = [w for w in instances if w is not None]
        if len(known) < size:
            return None  # an offset beyond what a key holds: FTS5 answers
        postings.append(_Postings([_phrase(known)]))
    n_rows, n_tokens = _totals(head[4])
    lengths = _lengths(length_blocks)
    return _ranked(postings[: len(found)], postings[len(found) :], lengths, n_rows, n_tokens, limit)


def _word_instances(by_term: dict[str, list[tuple]]) -> np.ndarray | None:
    """Every instance of one word (a phrase's words are no prefixes: one term), keyed
    id << OFFSET_BITS | offset, sorted."""
    keys = []
    for _block, ids, tfs, pos in sorted(next(iter(by_term.values()), []), key=lambda b: b[0]):
        id_array, counts, offsets = _decoded_with_offsets(ids, tfs, pos)
        if len(offsets) and int(offsets.max()) >= (1 << OFFSET_BITS) - MAX_PHRASE:
            return None
        keys.append((np.repeat(id_array.astype(np.int64), counts) << OFFSET_BITS) | offsets)
    return np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)


def _phrase(words: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The excerpts holding the words one after another, and how often: where every word
    k stands at the first word's offset + k (FTS5's phrase). The rarest word leads."""
    lead = min(range(len(words)), key=lambda k: len(words[k]))
    starts = words[lead] - lead  # where the phrase would begin
    for k, instances in enumerate(words):
        if k != lead and len(starts):
            starts = starts[_member(starts + k, instances)]
    if len(starts) == 0:
        return _EMPTY, _EMPTY
    # A lead word too near an excerpt's start puts the phrase's start in the excerpt
    # before, at an offset no word has (offsets stay MAX_PHRASE below 2**OFFSET_BITS):
    # the words before the lead are looked for there and not found.
    ids, counts = np.unique(starts >> OFFSET_BITS, return_counts=True)
    return ids, counts


def _member(wanted: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, wanted), len(sorted_keys) - 1)
    return sorted_keys[at] == wanted


def _joined(blocks: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """One term's (ids, counts) from its blocks, (block, ids, counts, offsets or None)."""
    arrays = [_decoded(ids, tfs) for _block, ids, tfs, _pos in sorted(blocks, key=lambda b: b[0])]
    if len(arrays) == 1:
        return arrays[0]
    return np.concatenate([a for a, _ in arrays]), np.concatenate([t for _, t in arrays])


def _lengths(blocks: list[tuple[int, bytes]]) -> np.ndarray:
    """Every excerpt's length in tokens, by id (0 for ids with no text)."""
    if not blocks:
        return np.zeros(0, dtype="<u4")
    top = (max(block for block, _ in blocks) + 1) << BLOCK_BITS
    lengths = np.zeros(top, dtype="<u4")
    for block, data in blocks:
        values = np.frombuffer(data, dtype="<u4")
        lengths[block << BLOCK_BITS : (block << BLOCK_BITS) + len(values)] = values
    return lengths


class _Postings:
    """The excerpts holding one term, or any term a prefix begins (their counts added)."""

    def __init__(self, parts: list[tuple[np.ndarray, np.ndarray]]) -> None:
        arrays = [(ids, tfs) for ids, tfs in parts if len(ids)]
        self.dense: np.ndarray | None = None  # counts by excerpt id, for a prefix's many terms
        self.ids: np.ndarray
        self.tfs: np.ndarray
        if len(arrays) <= 1:
            self.ids, self.tfs = arrays[0] if arrays else (_EMPTY, _EMPTY)
            self.df = len(self.ids)
            return
        top = max(int(ids[-1]) for ids, _tfs in arrays) + 1
        if top <= 4 * sum(len(ids) for ids, _tfs in arrays) + 1_000_000:
            # Dense enough to count by id without sorting (th* is 9 terms, 150,000 ids).
            self.dense = np.zeros(top, dtype=np.int64)
            for ids, tfs in arrays:
                self.dense[ids] += tfs  # a term lists an excerpt once
            self.df = int(np.count_nonzero(self.dense))
            self.ids, self.tfs = _EMPTY, _EMPTY
            return
        ids = np.concatenate([a for a, _ in arrays])
        tfs = np.concatenate([t for _, t in arrays])
        order = np.argsort(ids, kind="stable")
        ids, tfs = ids[order], tfs[order]
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        self.ids, self.tfs = ids[starts], np.add.reduceat(tfs, starts)
        self.df = len(self.ids)

    def sorted_ids(self) -> np.ndarray:
        return np.flatnonzero(self.dense) if self.dense is not None else self.ids

    def _by_id(self, wanted: np.ndarray) -> bool:
        """Whether to look ids up in a dense array of counts (made now if need be): for a
        long list, scattering it once and gathering beats a binary search per id."""
        if self.dense is None and len(self.ids) >= DENSE_FROM and len(wanted) >= 64:
            top = int(self.ids[-1]) + 1
            if top <= 4 * len(self.ids) + 1_000_000:
                self.dense = np.zeros(top, dtype=np.int64)
                self.dense[self.ids] = self.tfs
        return self.dense is not None

    def holds(self, wanted: np.ndarray) -> np.ndarray:
        """Which of the sorted ids `wanted` hold the term."""
        if self._by_id(wanted):
            assert self.dense is not None
            inside = wanted < len(self.dense)
            found = np.zeros(len(wanted), dtype=bool)
            found[inside] = self.dense[wanted[inside]] > 0
            return found
        return _member(wanted, self.ids)

    def counts(self, hits: np.ndarray) -> np.ndarray:
        """How often each hit (all holding the term) holds it."""
        if self.dense is None and len(self.ids) == len(hits):
            return self.tfs  # the term is in every hit: the counts line up already
        if self._by_id(hits):
            assert self.dense is not None
            return self.dense[hits]
        return self.tfs[np.searchsorted(self.ids, hits)]


DENSE_FROM = 1024  # ids in a list from which lookups go through a dense array
_EMPTY = np.empty(0, dtype=np.int64)


def _ranked(
    found: list[_Postings],
    left_out: list[_Postings],
    lengths: np.ndarray,
    n_rows: int,
    n_tokens: int,
    limit: int,
) -> list[tuple[int, float]]:
    if not found or n_rows == 0 or limit == 0:
        return []
    rarest = min(found, key=lambda p: p.df)
    hits = rarest.sorted_ids()
    for term in found:
        if term is not rarest:
            hits = hits[term.holds(hits)]
    for term in left_out:
        hits = hits[~term.holds(hits)]
    if len(hits) == 0:
        return []
    if limit < 0:  # SQLite's LIMIT -1: no limit (the FTS5 path gives every hit)
        limit = len(hits)
    # fts5Bm25Function, operation for operation (the phrases left out occur 0 times in
    # a hit and add exactly 0.0).
    avgdl = float(n_tokens) / float(n_rows)
    size = lengths[hits].astype(np.float64)
    score = np.zeros(len(hits), dtype=np.float64)
    for term in found:
        idf = math.log((n_rows - term.df + 0.5) / (term.df + 0.5))
        if idf <= 0.0:
            idf = IDF_FLOOR
        freq = term.counts(hits).astype(np.float64)
        score += idf * ((freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * size / avgdl)))
    bm25 = -1.0 * score
    # ORDER BY bm25, rowid, LIMIT: a partition finds the limit's score, then the few
    # at or above it are sorted (ties on the boundary included).
    if len(hits) > limit:
        bound = np.partition(bm25, limit - 1)[limit - 1]
        keep = np.flatnonzero(bm25 <= bound)
        hits, bm25 = hits[keep], bm25[keep]
    order = np.lexsort((hits, bm25))[:limit]
    return [(int(hits[i]), float(-bm25[i])) for i in order]


def _decoded(ids: bytes, tfs: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Views of the stored arrays, not copies: int32 ids, uint16 counts (uint32 if needed)."""
    id_array = np.frombuffer(ids, dtype="<i4")
    width = "<u2" if len(tfs) == 2 * len(id_array) else "<u4"
    return id_array, np.frombuffer(tfs, dtype=width)


def _encoded(ids: np.ndarray, tfs: np.ndarray) -> tuple[bytes, bytes]:
    return ids.astype("<i4").tobytes(), _narrow(tfs)


def _narrow(values: np.ndarray) -> bytes:
    """Counts or offsets as uint16, or uint32 when one needs it (read back by length)."""
    width = "<u2" if len(values) == 0 or int(values.max()) <= 0xFFFF else "<u4"
    return values.astype(width).tobytes()


def _varints(data: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 writes its records."""
    values, value, shift_count = [], 0, 0
    for byte in data:
        if shift_count == 8:  # the ninth byte carries 8 bits
            values.append((value << 8) | byte)
            value, shift_count = 0, 0
            continue
        value = (value << 7) | (byte & 0x7F)
        shift_count += 1
        if not byte & 0x80:
            values.append(value)
            value, shift_count = 0, 0
    return values


def _totals(record: bytes | None) -> tuple[int, int]:
    """FTS5's row count and token count (its "averages" record), as bm25 reads them."""
    if not record:
        return 0, 0
    values = _varints(record)
    return values[0], sum(values[1:])


# --- keeping the lists up to date -------------------------------------------------------------


def refresh(session: Session) -> int:
    """Bring the lists up to date with the queued excerpts, in the session's transaction.

    Returns how many excerpts were queued. The queued excerpts' current and former
    texts are tokenized by FTS5 in a temporary table; every term either holds is
    rewritten: the queued ids taken out, the current counts put in.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return 0
    # SQLAlchemy runs before_commit hooks before the commit's own flush: excerpts added
    # or edited since the last flush would reach the queue after this ran, and stay
    # queued (search falling back to FTS5) until some later commit.
    session.flush()
    queued, largest = connection.exec_driver_sql(
        "SELECT count(*), max(excerpt_id) FROM search_postings_pending"
    ).one()
    if not queued or largest > MAX_ID:
        return 0
    connection.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_tokens "
        f"USING fts5(text, tokenize='{TOKENIZER}')"
    )
    connection.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_token_instances "
        "USING fts5vocab(temp, search_tokens, instance)"
    )
    connection.exec_driver_sql("DELETE FROM temp.search_tokens")
    # Current texts under their ids, former ones under minus their ids.
    connection.exec_driver_sql(
        "INSERT INTO temp.search_tokens (rowid, text) SELECT id, text FROM excerpts"
        " WHERE id IN (SELECT excerpt_id FROM search_postings_pending)"
    )
    connection.exec_driver_sql(
        "INSERT INTO temp.search_tokens (rowid, text) SELECT -excerpt_id, old_text"
        " FROM search_postings_pending WHERE old_text IS NOT NULL"
    )
    changed = np.array(
        [
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT excerpt_id FROM search_postings_pending ORDER BY excerpt_id"
            )
        ],
        dtype=np.int64,
    )
    # For each term: where it stands in the queued texts (ids, counts, token offsets),
    # and every block a queued text held it in before or holds it in now (to rewrite).
    fresh: dict[str, _Fresh] = {}
    for term, pairs in connection.exec_driver_sql(
        "SELECT term, group_concat(doc || ' ' || \"offset\", ' ')"
        " FROM temp.search_token_instances GROUP BY term"
    ):
        numbers = np.array(pairs.split(" "), dtype=np.int64)
        docs, offsets = numbers[0::2], numbers[1::2]
        now = docs > 0
        docs, offsets = docs[now], offsets[now]
        order = np.lexsort((offsets, docs))
        docs, offsets = docs[order], offsets[order]
        ids, counts = np.unique(docs, return_counts=True)
        touched = np.unique(np.abs(numbers[0::2]) >> BLOCK_BITS)
        fresh[term] = _Fresh(ids, counts, offsets, touched)
    _rewrite(connection, fresh, changed)
    _update_lengths(connection, changed)
    connection.exec_driver_sql("DELETE FROM search_postings_pending")
    connection.exec_driver_sql("DELETE FROM temp.search_tokens")
    return int(queued)


class _Fresh(NamedTuple):
    ids: np.ndarray  # queued excerpts holding the term now, sorted
    counts: np.ndarray  # how often each holds it
    offsets: np.ndarray  # where (token offsets), excerpt by excerpt, each ascending
    touched: np.ndarray  # the blocks to write again


def _rewrite(connection, fresh: dict[str, _Fresh], changed: np.ndarray) -> None:  # noqa: ANN001
    """Write again each (term, block) a queued text touched: the queued ids out, the
    current counts and offsets in."""
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS search_touched (term TEXT, block INTEGER)"
    )
    connection.exec_driver_sql("DELETE FROM temp.search_touched")
    touched_rows = [(term, int(block)) for term, f in fresh.items() for block in f.touched]
    if touched_rows:  # queued texts may hold no word at all
        connection.exec_driver_sql("INSERT INTO temp.search_touched VALUES (?, ?)", touched_rows)
    stored: dict[tuple[str, int], tuple[bytes, bytes, bytes]] = {
        (term, block): (ids, tfs, pos)
        for term, block, ids, tfs, pos in connection.exec_driver_sql(
            "SELECT p.term, p.block, p.ids, p.tfs, p.pos FROM search_postings AS p"
            " JOIN temp.search_touched AS t ON p.term = t.term AND p.block = t.block"
        )
    }
    connection.exec_driver_sql("DELETE FROM temp.search_touched")
    gone = np.zeros(int(changed[-1]) + 1 if len(changed) else 0, dtype=bool)
    gone[changed] = True
    upserts, deletes = [], []
    for term, f in fresh.items():
        # ids are sorted: each block's slice of them (and of their offsets), by binary search
        edges = np.searchsorted(f.ids, np.r_[f.touched, f.touched[-1] + 1] << BLOCK_BITS)
        starts = np.r_[0, np.cumsum(f.counts)]
        for k, block in enumerate(f.touched.tolist()):
            a, b = edges[k], edges[k + 1]
            add = (f.ids[a:b], f.counts[a:b], f.offsets[starts[a] : starts[b]])
            if (term, block) in stored:
                ids, tfs, pos = _decoded_with_offsets(*stored[term, block])
                keep = ~gone[np.minimum(ids, len(gone) - 1)] | (ids >= len(gone))
                pos = np.concatenate([pos[np.repeat(keep, tfs)], add[2]])
                ids = np.concatenate([ids[keep], add[0]])
                tfs = np.concatenate([tfs[keep], add[1]])
                if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):
                    # an excerpt changed in the middle of the block: order by id, then offset
                    owners = np.repeat(ids, tfs)
                    pos = pos[np.lexsort((pos, owners))]
                    order = np.argsort(ids, kind="stable")
                    ids, tfs = ids[order], tfs[order]
            else:
                ids, tfs, pos = add
            if len(ids):
                upserts.append((term, block, *_encoded(ids, tfs), _narrow(pos)))
            elif (term, block) in stored:
                deletes.append((term, block))
    if upserts:
        connection.exec_driver_sql(
            "INSERT OR REPLACE INTO search_postings (term, block, ids, tfs, pos)"
            " VALUES (?, ?, ?, ?, ?)",
            upserts,
        )
    if deletes:
        connection.exec_driver_sql(
            "DELETE FROM search_postings WHERE term = ? AND block = ?", deletes
        )


def _decoded_with_offsets(
    ids: bytes, tfs: bytes, pos: bytes
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    id_array, counts = _decoded(ids, tfs)
    total = int(counts.sum())
    return id_array, counts, np.frombuffer(pos, dtype="<u2" if len(pos) == 2 * total else "<u4")


def _update_lengths(connection, changed: np.ndarray) -> None:  # noqa: ANN001
    """Each queued excerpt's length in tokens, from FTS5's own record of it (0 when gone),
    written back block by block."""
    sizes = dict(
        connection.exec_driver_sql(
            "SELECT id, sz FROM excerpts_fts_docsize"
            " WHERE id IN (SELECT excerpt_id FROM search_postings_pending)"
        ).all()
    )
    blocks = np.unique(changed >> BLOCK_BITS).tolist()
    stored = {
        block: data
        for block, data in connection.exec_driver_sql(
            "SELECT block, lengths FROM search_postings_lengths WHERE block IN "
            "(SELECT DISTINCT excerpt_id >> ? FROM search_postings_pending)",
            (BLOCK_BITS,),
        )
    }
    rows = []
    edges = np.searchsorted(changed, np.r_[blocks, blocks[-1] + 1] << BLOCK_BITS)
    for k, block in enumerate(blocks):
        lengths = np.zeros(1 << BLOCK_BITS, dtype="<u4")
        old = np.frombuffer(stored.get(block, b""), dtype="<u4")
        lengths[: len(old)] = old
        first = block << BLOCK_BITS
        for excerpt_id in changed[edges[k] : edges[k + 1]].tolist():  # changed is sorted
            size = sizes.get(excerpt_id)
            lengths[excerpt_id - first] = _varints(size)[0] if size else 0
        used = np.flatnonzero(lengths)
        rows.append((block, lengths[: int(used[-1]) + 1 if len(used) else 0].tobytes()))
    connection.exec_driver_sql(
        "INSERT OR REPLACE INTO search_postings_lengths (block, lengths) VALUES (?, ?)", rows
    )
