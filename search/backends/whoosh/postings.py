"""A term's posting blocks read straight from the postings file.

Whoosh's matcher reads a block with a seek, a read and an unpickling for its header,
another for its data, then turns the document numbers from gaps into a tuple in a
Python loop. Here a term's postings are fetched in one read and walked with one
unpickler; gaps become numbers with numpy. The file layout is whoosh3's
(``W3PostingsWriter``): a magic tag, then per block a signed length (negative for
the last block), a pickled header (count, last document number, ...) and the
pickled (gaps, weights, values) data, zlib-compressed when the header says so.
A matcher of any other kind is read through its own interface.
"""

import io
import pickle
import struct
import zlib
from dataclasses import dataclass

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

_LENGTH = struct.Struct("!i")
_MAGIC_SIZE = 4
_PROTOCOL_2 = b"\x80\x02"
# How protocol 2 pickles a bytes value (the global, once per block; then memo gets).
_CODECS_ENCODE = b"c_codecs\nencode\n"
# The same call through ``str.encode``'s fast path for latin-1 (a dotted name needs
# the unpickler told protocol 4, which reads every protocol 2 opcode alike).
_STR_ENCODE = b"cbuiltins\nstr.encode\n"
_PROTOCOL_4 = b"\x80\x04"
_NO_VALUES = b"N\x87."  # None in place of the values, then the (gaps, weights, values) tuple


@dataclass
class Block:
    """One posting block: its last document number and where its data lies."""

    last: int
    count: int
    compressed: bool
    start: int
    end: int


def unwrap(matcher):
    """The matcher under Whoosh's filter of deleted documents (callers mask those)."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def is_blocked(matcher) -> bool:
    return hasattr(matcher, "_postfile") and hasattr(matcher, "_startoffset")


def raw_blocks(matcher) -> tuple[bytes, list[Block]]:
    """The postings' bytes and their blocks' headers (the data left unread)."""
    length = matcher._length
    if isinstance(length, tuple):  # a term table read from disk gives it as a 1-tuple
        (length,) = length
    raw = matcher._postfile.get(matcher._startoffset, length)
    stream = io.BytesIO(raw)
    blocks, at = [], _MAGIC_SIZE
    while at < len(raw):
        (length,) = _LENGTH.unpack_from(raw, at)
        stream.seek(at + _LENGTH.size)
        count, last, _weight, compression, _lo, _hi = pickle.load(stream)
        end = at + _LENGTH.size + abs(length)
        blocks.append(Block(last, count, bool(compression), stream.tell(), end))
        at = end
        if length < 0:
            break
    return raw, blocks


def block_data(raw: bytes, block: Block) -> tuple:
    """(document numbers as an array, weights, the ``Values`` of the block)."""
    data = raw[block.start : block.end]
    if block.compressed:
        data = zlib.decompress(data)
    gaps, weights, values = _up_to_values(data, block.count)
    return np.cumsum(np.asarray(gaps, dtype=np.int64)), weights, values


def _up_to_values(data: bytes, count: int) -> tuple:
    """(gaps, weights, values): the values left pickled (``Values``) when the block
    holds them as protocol 2 writes bytes; otherwise everything unpickled at once.
    Gaps and weights are ints and floats only (every opcode's argument shorter than
    the global's name): the first global is where the values begin."""
    at = data.find(_CODECS_ENCODE) if data.startswith(_PROTOCOL_2) else -1
    if count > 3:  # a tuple of more than 3 opens with a mark; shorter ones do not
        at = at - 1 if at > 0 and data[at - 1 : at] == b"(" else -1
    if at <= 0:
        return pickle.loads(data)
    try:
        gaps, weights, _none = pickle.loads(data[:at] + _NO_VALUES)
    except (pickle.UnpicklingError, ValueError):  # not the layout above: read it all
        return pickle.loads(data)
    return gaps, weights, Values(data)


class Values:
    """A block's values, still pickled: ``unpickled()`` gives them (a tuple of bytes)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def unpickled(self) -> tuple:
        fast = _PROTOCOL_4 + self.data[len(_PROTOCOL_2) :].replace(_CODECS_ENCODE, _STR_ENCODE, 1)
        try:
            return pickle.loads(fast)[2]
        except (pickle.UnpicklingError, AttributeError):  # an unpickler of another Python
            return pickle.loads(self.data)[2]


def ascending_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` of values that come in ascending order, without sorting
    them again (numpy's unique hashes and sorts: 15 ms for 100,000 numbers against
    0.1); values out of order are sorted after all."""
    if len(values) < 2:
        return values
    if (values[1:] < values[:-1]).any():
        return np.unique(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def ascending_union(*arrays: np.ndarray) -> np.ndarray:
    """The distinct values of ascending arrays, ascending: a stable sort of sorted runs
    merges them (where ``np.union1d`` sorts everything afresh)."""
    together = np.concatenate(arrays)
    together.sort(kind="stable")
    return ascending_unique(together)


def ascending_intersection(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The values in both ascending arrays of distinct values, merged likewise."""
    together = np.concatenate((first, second))
    together.sort(kind="stable")
    return together[:-1][together[1:] == together[:-1]]


def weights_array(weights, count: int) -> np.ndarray:
    if weights is None:
        return np.ones(count, dtype=np.float32)
    if isinstance(weights, float | int):
        return np.full(count, weights, dtype=np.float32)
    return np.asarray(weights, dtype=np.float32)


class Decoded:
    """One block's postings: document numbers, weights and values (positions), the
    values unpickled the first time they are asked for."""

    __slots__ = ("_values", "ids", "weights")

    def __init__(self, ids: np.ndarray, weights: np.ndarray, values):
        self.ids, self.weights, self._values = ids, weights, values

    @property
    def values(self) -> tuple:
        if isinstance(self._values, Values):
            self._values = self._values.unpickled()
        return self._values


def decoded_blocks(matcher) -> list[Decoded]:
    """Every posting block of a term, decoded (postings kept in the term table, for a
    rare word, come as one block)."""
    matcher = unwrap(matcher)
    if not is_blocked(matcher):
        ids, weights, values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value())
            matcher.next()
        if not ids:
            return []
        return [Decoded(np.array(ids, np.int64), np.array(weights, np.float32), tuple(values))]
    raw, blocks = raw_blocks(matcher)
    out = []
    for block in blocks:
        ids, weights, values = block_data(raw, block)
        out.append(Decoded(ids, weights_array(weights, block.count), values))
    return out


def read_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """(segment document numbers, weights) of every posting of a term."""
    blocks = decoded_blocks(matcher)
    if not blocks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate([b.ids for b in blocks]), np.concatenate([b.weights for b in blocks])


def blocks_among(matcher, docs: np.ndarray) -> list[Decoded]:
    """The decoded posting blocks of a term that may hold one of ``docs`` (segment
    document numbers, ascending): the others are passed over on their headers."""
    matcher = unwrap(matcher)
    if not is_blocked(matcher):
        return decoded_blocks(matcher)
    raw, blocks = raw_blocks(matcher)
    lasts = np.fromiter((b.last for b in blocks), dtype=np.int64, count=len(blocks))
    wanted = ascending_unique(np.searchsorted(lasts, docs))
    out = []
    for number in wanted[wanted < len(blocks)].tolist():
        ids, weights, values = block_data(raw, blocks[number])
        out.append(Decoded(ids, weights_array(weights, blocks[number].count), values))
    return out


def block_table(matcher) -> tuple[np.ndarray, np.ndarray, bytes]:
    """(each block's last document number, its [start, end, compressed, count]) of a
    blocked matcher: where each block lies from the postings' start; and the postings'
    bytes, read to find that out."""
    raw, blocks = raw_blocks(matcher)
    lasts = np.fromiter((b.last for b in blocks), dtype=np.int64, count=len(blocks))
    spans = np.array([[b.start, b.end, b.compressed, b.count] for b in blocks], dtype=np.int64)
    return lasts, spans.reshape(-1, 4), raw


def read_block(matcher, span: np.ndarray, raw: bytes | None = None) -> Decoded:
    """One block of a blocked matcher by ``block_table``'s span: from the postings'
    bytes ``raw`` when in hand, else its own bytes read alone."""
    start, end, compressed, count = (int(v) for v in span)
    if raw is None:
        raw = matcher._postfile.get(matcher._startoffset + start, end - start)
        start, end = 0, end - start
    ids, weights, values = block_data(raw, Block(0, count, bool(compressed), start, end))
    return Decoded(ids, weights_array(weights, count), values)
