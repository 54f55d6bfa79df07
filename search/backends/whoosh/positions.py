"""Word positions read in bulk, and phrases decided for many documents at once.

Whoosh's phrase matching reads a word's positions one document at a time, in
Python. Here a word's decoded posting blocks (kept from reading its postings for
the match) are walked once for a whole set of candidate documents: a block holding
none of them is passed over on its last document number, the positions of the
candidates in the others are read from their pickled bytes with numpy (unpickled in
one call when a gap needs more than a byte), and the phrase test itself
(every word at its place after the first) is a few numpy operations. The words are
read rarest first, each only for the documents that still have a place where the
phrase may start.
"""

import pickle
from itertools import chain

import numpy as np
from whoosh.reading import TermNotFound

from search.backends.whoosh.postings import (
    Decoded,
    ascending_intersection,
    ascending_unique,
    blocks_among,
    decoded_blocks,
)

_COUNT_SIZE = 4  # ``Positions.encode``: the count of positions (4 bytes), then a pickle
_PICKLE_HEAD = b"\x80\x02"  # protocol 2, as ``Positions.encode`` writes
_STRIDE = np.int64(1) << 32  # key = candidate * _STRIDE + where the phrase starts
_LIST_HEAD = b"\x80\x02]q\x00"  # protocol 2, an empty list, kept in the memo
# opcodes: a mark, a one-byte int, append one, append those since the mark, stop
_MARK, _ONE_BYTE, _APPEND, _APPENDS, _STOP = b"(Kae."
# the count, the list's head, one one-byte int, append(s), stop
_SHORTEST = _COUNT_SIZE + len(_LIST_HEAD) + 2 + 1 + 1


def phrase_found(reader, fieldname: str, words, docnums: np.ndarray, blocks=None) -> np.ndarray:
    """For each of ``docnums`` (global document numbers, ascending): whether ``words``
    stand one after the other in ``fieldname``. ``blocks(leaf_number, word)`` gives a
    word's decoded posting blocks in a segment when they were read already."""
    found = np.zeros(len(docnums), dtype=bool)
    if not len(docnums) or not words:
        return found
    frequency = {word: reader.doc_frequency(fieldname, word) for word in words}
    order = sorted(range(len(words)), key=lambda n: (frequency[words[n]], n))
    field_format = reader.schema[fieldname].format
    for number, (leaf, offset) in enumerate(reader.leaf_readers()):
        lo, hi = np.searchsorted(docnums, [offset, offset + leaf.doc_count_all()])
        if lo >= hi:
            continue
        local = np.asarray(docnums[lo:hi], dtype=np.int64) - offset

        def positions(word, docs, number=number, leaf=leaf):
            known = blocks(number, word) if blocks is not None else None
            if known is None:  # only the blocks that may hold one of the documents
                known = leaf_postings_among(leaf, fieldname, word, docs)
            return word_positions(known, docs, field_format)

        found[lo:hi] = _leaf_phrase(positions, words, order, local)
    return found


def leaf_blocks(leaf, fieldname: str, word) -> list[Decoded]:
    try:
        return decoded_blocks(leaf.postings(fieldname, word))
    except TermNotFound:
        return []


def leaf_postings_among(leaf, fieldname: str, word, docs: np.ndarray) -> list[Decoded]:
    """A word's decoded posting blocks in a segment that may hold one of ``docs``."""
    try:
        return blocks_among(leaf.postings(fieldname, word), docs)
    except TermNotFound:
        return []


def _leaf_phrase(positions, words, order, local: np.ndarray) -> np.ndarray:
    alive = np.arange(len(local))  # candidates (indexes into ``local``) still possible
    starts = None  # keys of the places where the phrase may start
    for number in order:
        owners, places = positions(words[number], local[alive])
        keys = alive[owners] * _STRIDE + (places - number)
        keys = ascending_unique(keys[places >= number])
        starts = keys if starts is None else ascending_intersection(starts, keys)
        alive = ascending_unique(starts // _STRIDE)
        if not len(alive):
            break
    found = np.zeros(len(local), dtype=bool)
    found[alive] = True
    return found


def word_positions(blocks: list[Decoded], docs: np.ndarray, field_format):
    """(owner, position) of every occurrence of a word in ``docs`` (a segment's
    document numbers, ascending), from its decoded posting ``blocks``: ``owner``
    indexes ``docs``."""
    owners, values = _candidate_values(blocks, docs)
    if not owners:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    lengths, flat = _gaps_read(values, field_format)
    # Positions are stored as gaps: a running sum, started again for each document.
    running = np.cumsum(flat)
    firsts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    before = np.concatenate(([0], running))[firsts]
    places = running - np.repeat(before, lengths)
    return np.repeat(np.asarray(owners, dtype=np.int64), lengths), places


def _gaps_read(values: list[bytes], field_format) -> tuple[np.ndarray, np.ndarray]:
    """(how many positions each value holds, all their gaps one after the other).

    A value is the count of its positions (4 bytes, big-endian), then the pickled
    list of gaps. When every gap is below 256 (nearly always) each is one ``K`` opcode
    and its byte: the value's size says so, and the gaps are read at their places in
    all the values joined, with numpy, no Python list made. The others are unpickled."""
    joined = np.frombuffer(b"".join(values), dtype=np.uint8)
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    starts = np.cumsum(sizes) - sizes
    if sizes.min() < _SHORTEST:
        return _gaps_unpickled(values, field_format)
    head = joined[starts[:, None] + np.arange(_COUNT_SIZE)].astype(np.int64)
    counts = head @ np.array([1 << 24, 1 << 16, 1 << 8, 1], dtype=np.int64)
    several = counts > 1  # a list of more than one opens with a mark
    bytewise = (sizes == _SHORTEST - 2 + several + 2 * counts) & (counts > 0)
    for offset, expected in enumerate(_LIST_HEAD):
        bytewise &= joined[starts + _COUNT_SIZE + offset] == expected
    bytewise &= ~several | (joined[starts + _COUNT_SIZE + len(_LIST_HEAD)] == _MARK)
    bytewise &= joined[starts + sizes - 1] == _STOP
    bytewise &= joined[starts + sizes - 2] == np.where(several, _APPENDS, _APPEND)
    counts = np.where(bytewise, counts, 0)
    owner = np.repeat(np.arange(len(values)), counts)
    opcodes = np.repeat(starts + _COUNT_SIZE + len(_LIST_HEAD) + several, counts)
    opcodes += 2 * (np.arange(len(opcodes)) - np.repeat(np.cumsum(counts) - counts, counts))
    bytewise[owner[joined[opcodes] != _ONE_BYTE]] = False
    gaps = joined[opcodes[bytewise[owner]] + 1].astype(np.int64)
    if bytewise.all():
        return counts, gaps
    others = np.flatnonzero(~bytewise)
    other_lengths, other_gaps = _gaps_unpickled([values[i] for i in others], field_format)
    lengths = np.where(bytewise, counts, 0)
    lengths[others] = other_lengths
    from_bytes = np.repeat(bytewise, lengths)
    flat = np.empty(len(from_bytes), dtype=np.int64)
    flat[from_bytes], flat[~from_bytes] = gaps, other_gaps
    return lengths, flat


def _gaps_unpickled(values: list[bytes], field_format) -> tuple[np.ndarray, np.ndarray]:
    deltas = _decode(values, field_format)
    lengths = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(lengths.sum()))
    return lengths, flat


def _candidate_values(blocks: list[Decoded], docs: np.ndarray) -> tuple[list[int], list[bytes]]:
    """The values of ``docs`` in the blocks (both ascending), each block searched once."""
    owners: list[int] = []
    values: list[bytes] = []
    at, count = 0, len(docs)
    for block in blocks:
        if at >= count:
            break
        end = int(np.searchsorted(docs, block.ids[-1], side="right"))
        if end == at:  # none of the candidates in this block
            continue
        wanted = docs[at:end]
        where = np.minimum(np.searchsorted(block.ids, wanted), len(block.ids) - 1)
        hit = block.ids[where] == wanted
        owners.extend((np.flatnonzero(hit) + at).tolist())
        values.extend(map(block.values.__getitem__, where[hit].tolist()))
        at = end
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
