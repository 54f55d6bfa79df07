"""Word positions read in bulk, and phrases decided for many documents at once.

Whoosh's phrase matching reads a word's positions one document at a time, in
Python. Here a word's posting blocks are walked once for a whole set of candidate
documents: a block holding none of them is skipped on its header alone (its maximum
document number), the positions of the candidates in the others are unpickled in one
call, and the phrase test itself (every word at its place after the first) is a few
numpy operations. The words are read rarest first, each only for the documents that
still have a place where the phrase may start.
"""

import pickle
from itertools import chain

import numpy as np
from whoosh.reading import TermNotFound

from search.backends.whoosh.postings import block_data, is_blocked, raw_blocks, unwrap

_COUNT_SIZE = 4  # ``Positions.encode``: the count of positions (4 bytes), then a pickle
_PICKLE_HEAD = b"\x80\x02"  # protocol 2, as ``Positions.encode`` writes
_STRIDE = np.int64(1) << 32  # key = candidate * _STRIDE + where the phrase starts


def phrase_found(reader, fieldname: str, words, docnums: np.ndarray) -> np.ndarray:
    """For each of ``docnums`` (global document numbers, ascending): whether ``words``
    stand one after the other in ``fieldname``."""
    found = np.zeros(len(docnums), dtype=bool)
    if not len(docnums) or not words:
        return found
    frequency = {word: reader.doc_frequency(fieldname, word) for word in words}
    order = sorted(range(len(words)), key=lambda n: (frequency[words[n]], n))
    for leaf, offset in reader.leaf_readers():
        lo, hi = np.searchsorted(docnums, [offset, offset + leaf.doc_count_all()])
        if lo < hi:
            local = np.asarray(docnums[lo:hi], dtype=np.int64) - offset
            found[lo:hi] = _leaf_phrase(leaf, fieldname, words, order, local)
    return found


def _leaf_phrase(leaf, fieldname: str, words, order, local: np.ndarray) -> np.ndarray:
    alive = np.arange(len(local))  # candidates (indexes into ``local``) still possible
    starts = None  # keys of the places where the phrase may start
    for number in order:
        owners, places = word_positions(leaf, fieldname, words[number], local[alive])
        keys = alive[owners] * _STRIDE + (places - number)
        keys = np.unique(keys[places >= number])
        starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
        alive = np.unique(starts // _STRIDE)
        if not len(alive):
            break
    found = np.zeros(len(local), dtype=bool)
    found[alive] = True
    return found


def word_positions(leaf, fieldname: str, word, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position) of every occurrence of ``word`` in ``docs`` (a segment's
    document numbers, ascending): ``owner`` indexes ``docs``."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(docs):
        return empty, empty
    try:
        matcher = leaf.postings(fieldname, word)
    except TermNotFound:
        return empty, empty
    matcher = unwrap(matcher)  # deleted documents are never among ``docs``
    owners, values = _block_values(matcher, docs) if is_blocked(matcher) else _values(matcher, docs)
    if not owners:
        return empty, empty
    deltas = _decode(values, leaf.schema[fieldname].format)
    lengths = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(lengths.sum()))
    # Positions are stored as gaps: a running sum, started again for each document.
    running = np.cumsum(flat)
    firsts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    before = np.concatenate(([0], running))[firsts]
    places = running - np.repeat(before, lengths)
    return np.repeat(np.asarray(owners, dtype=np.int64), lengths), places


def _block_values(matcher, docs: np.ndarray) -> tuple[list[int], list[bytes]]:
    """Walk the posting blocks, unpickling only those that hold some of ``docs``."""
    owners: list[int] = []
    values: list[bytes] = []
    at, count = 0, len(docs)
    raw, blocks = raw_blocks(matcher)
    for block in blocks:
        if at >= count:
            break
        end = int(np.searchsorted(docs, block.last, side="right"))
        if end == at:  # none of the candidates in this block: skip it unread
            continue
        ids, _weights, block_values = block_data(raw, block)
        wanted = docs[at:end]
        where = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
        hit = ids[where] == wanted
        owners.extend((np.flatnonzero(hit) + at).tolist())
        values.extend(block_values[i] for i in where[hit].tolist())
        at = end
    return owners, values


def _values(matcher, docs: np.ndarray) -> tuple[list[int], list[bytes]]:
    """Postings kept in the term table (a rare word): few, read one by one."""
    index = {int(d): n for n, d in enumerate(docs.tolist())}
    owners, values = [], []
    while matcher.is_active():
        owner = index.get(matcher.id())
        if owner is not None:
            owners.append(owner)
            values.append(matcher.value())
        matcher.next()
    return owners, values


def _decode(values: list[bytes], field_format) -> list[list[int]]:
    """Each value's position gaps. Every value is a count and a pickled list: their
    bodies joined inside one outer list are unpickled in one call."""
    bodies = []
    for value in values:
        if value[_COUNT_SIZE : _COUNT_SIZE + 2] != _PICKLE_HEAD or value[-1:] != b".":
            return [_gaps(field_format.decode_positions(v)) for v in values]
        bodies.append(value[_COUNT_SIZE + 2 : -1])
    return pickle.loads(_PICKLE_HEAD + b"(" + b"".join(bodies) + b"l.")


def _gaps(positions: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *positions], positions, strict=False)]
