"""Copy detection: the same text with edits (another headline, paragraphs trimmed, added
or moved, site chrome, a few words changed), often in another outlet.

A body becomes the set of its word shingles, and the set a MinHash signature
(``datasketch``, a fixed seed, so the same text has the same signature in every
process and run). The signature is cut into LSH bands; each band hashes to a key, and
two texts whose signatures agree on a whole band share that key. Keys are stored with
the article (``archive.models.CopyBand``), so finding a new text's candidates is an
indexed look-up of its keys, and a candidate is a copy when its estimated resemblance,
or the estimated share of the shorter text found in the longer (a trimmed copy), passes
the thresholds the copy-detection benchmark measured (``tests/benchmarks/copy_detection.py``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from zlib import crc32

import numpy as np
from datasketch import LeanMinHash, MinHash

from archive.ingest.normalize import words

SHINGLE = 3  # words: a changed word spoils 3 shingles, not 5, and stock phrases stay rare
MIN_SHINGLES = 12  # fewer: too short to judge (a one-line item, an earnings table)
NUM_PERM = 128
SEED = 18
SCHEME = "affine32"  # datasketch 2's default: uint32 values, a bijective permutation
# 42 bands of 3 values (126 of the 128): a pair at resemblance 0.3 shares a key 68 % of
# the time, at 0.5 all but never; two unrelated wire stories (0.02) one time in 3,000.
BANDS, ROWS = 42, 3
# A candidate is a copy when the resemblance of the two shingle sets, or the share of
# the smaller set found in the larger, passes these (measured: see the module docstring).
RESEMBLANCE = 0.5
CONTAINMENT = 0.8
MIN_RESEMBLANCE = 0.2  # a containment match still shares this much of the union
_DTYPE = np.dtype("<u4")


@dataclass(frozen=True)
class Signature:
    """A body's MinHash (``NUM_PERM`` little-endian uint32) and its shingle count."""

    values: bytes
    shingles: int

    @cached_property
    def keys(self) -> tuple[int, ...]:
        """Its band keys (many signatures' at once: ``keys_fill``)."""
        return tuple(band_keys([self])[0].tolist())

    def minhash(self) -> LeanMinHash:
        values = np.frombuffer(self.values, dtype=_DTYPE)
        return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def keys_fill(signatures: Iterable[Signature | None]) -> None:
    """Work out the band keys of these signatures in one pass (numpy's cost is per call,
    not per value: one signature alone costs as much as a hundred)."""
    missing = [sig for sig in signatures if sig is not None and "keys" not in vars(sig)]
    if not missing:
        return
    keys = band_keys(missing).tolist()
    for sig, mine in zip(missing, keys, strict=True):
        vars(sig)["keys"] = tuple(mine)  # where ``cached_property`` keeps its value


# MurmurHash3's 64-bit finalizer (a bijection that spreads every input bit over the
# output) and a different start for each band, so equal values in two bands give two keys.
_FMIX = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_BAND_STARTS = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)


def _fmix64(h: np.ndarray) -> np.ndarray:
    shift, first, second = _FMIX
    h = (h ^ (h >> shift)) * first
    h = (h ^ (h >> shift)) * second
    return h ^ (h >> shift)


def band_keys(signatures: Iterable[Signature]) -> np.ndarray:
    """The band keys of these signatures, an (n, ``BANDS``) matrix of signed 64-bit keys:
    each band's ``ROWS`` values folded in one after another, for all of them at once (the
    wraparound of uint64 arithmetic is the same on every machine)."""
    joined = b"".join(sig.values for sig in signatures)
    values = np.frombuffer(joined, dtype=_DTYPE).reshape(-1, NUM_PERM)
    bands = values[:, : BANDS * ROWS].astype(np.uint64).reshape(len(values), BANDS, ROWS)
    key = np.broadcast_to(_BAND_STARTS, bands.shape[:2])
    for row in range(ROWS):
        key = _fmix64(key ^ bands[:, :, row])
    return key.view(np.int64)


@cache
def _permutations():
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def shingles_of(tokens: list[str]) -> set[bytes]:
    """The text's runs of ``SHINGLE`` words (its words from ``normalize.words``)."""
    encoded = [token.encode() for token in tokens]  # once a word, not once a shingle
    # Each word with the next SHINGLE - 1: the shifted lists end the zip at the last run.
    runs = zip(*(encoded[i:] for i in range(SHINGLE)), strict=False)
    return {b" ".join(run) for run in runs}


def signature(text: str) -> Signature | None:
    """The text's signature; None when it is too short to judge."""
    return signature_of(words(text))


def signature_of(tokens: list[str]) -> Signature | None:
    """The signature of a text given as its words (``normalize.words``)."""
    found = shingles_of(tokens)
    if len(found) < MIN_SHINGLES:
        return None
    # CRC-32 hashes each shingle: the same in every process and run, and a sixth of the
    # cost of datasketch's default SHA-1 (given as the C function itself, not wrapped:
    # a Python call per shingle cost a third as much again); the affine32 scheme mixes
    # it (MurmurHash3's finalizer) before permuting.
    minhash = MinHash(seed=SEED, permutations=_permutations(), scheme=SCHEME, hashfunc=crc32)
    minhash.update_batch(found)
    return Signature(minhash.hashvalues.astype(_DTYPE).tobytes(), len(found))


def similarity(a: Signature, b: Signature) -> tuple[float, float]:
    """(resemblance, containment): the estimated Jaccard similarity of the two shingle
    sets, and the estimated share of the smaller set that the larger holds."""
    resemblance = a.minhash().jaccard(b.minhash())
    return resemblance, _containment(resemblance, a, b)


def _containment(resemblance: float, a: Signature, b: Signature) -> float:
    shared = resemblance * (a.shingles + b.shingles) / (1 + resemblance)
    return min(1.0, shared / min(a.shingles, b.shingles))


def _passes(resemblance: float, a: Signature, b: Signature) -> bool:
    if resemblance >= RESEMBLANCE:
        return True
    return resemblance >= MIN_RESEMBLANCE and _containment(resemblance, a, b) >= CONTAINMENT


def is_copy(a: Signature, b: Signature) -> float | None:
    """How alike the two texts are (their resemblance) when one is a copy of the other;
    None when they are not copies."""
    resemblance = a.minhash().jaccard(b.minhash())
    return resemblance if _passes(resemblance, a, b) else None


def _id_order(pk: int) -> tuple[bool, int]:
    """Stored articles by id, then an import's pending ones (negative keys, counting
    down) in the order they will be inserted: the order of the ids they will get."""
    return (pk < 0, abs(pk))


class CandidateTable:
    """Signatures by article and the articles by band key: where a text's copies are
    looked for. An import fills it from the database, a key at a time; regrouping and
    the benchmark from everything.

    Each article added gets a slot, and the key table holds slots: a pending article
    renamed to its id (``rename``) changes one slot, not a key per band. A band key
    nearly always belongs to one article, so the key table holds that slot and makes a
    list only for a key shared: a list per key (about 900,000 for Reuters) cost more in
    the garbage collector's walks than in building them."""

    def __init__(self) -> None:
        self.signatures: dict[int, Signature] = {}
        self._bands: dict[int, int | list[int]] = {}
        self._ids: list[int | None] = []  # by slot (None: discarded)
        self._slots: dict[int, int] = {}

    def __contains__(self, article_id: int) -> bool:
        return article_id in self.signatures

    def __len__(self) -> int:
        return len(self.signatures)

    def add(self, article_id: int, signature: Signature) -> None:
        if article_id in self.signatures:
            return
        slot = self._slots[article_id] = len(self._ids)
        self._ids.append(article_id)
        self.signatures[article_id] = signature
        bands = self._bands
        for key in signature.keys:
            held = bands.setdefault(key, slot)
            if held == slot:
                continue
            if type(held) is int:
                bands[key] = [held, slot]
            else:
                held.append(slot)

    def rename(self, old: int, new: int) -> None:
        """Keep ``old``'s signature under ``new`` (cheaper than discarding and adding it)."""
        if new in self.signatures:
            self.discard(old)
            return
        slot = self._slots.pop(old, None)
        if slot is None:
            return
        self._ids[slot], self._slots[new] = new, slot
        self.signatures[new] = self.signatures.pop(old)

    def discard(self, article_id: int) -> None:
        self.signatures.pop(article_id, None)
        slot = self._slots.pop(article_id, None)
        if slot is not None:
            self._ids[slot] = None  # its keys stay, and lead nowhere

    def best(self, signature: Signature) -> int | None:
        """The article most like ``signature`` among those it is a copy of, if any."""
        slots: set[int] = set()
        for key in signature.keys:
            held = self._bands.get(key)
            if held is None:
                continue
            if type(held) is int:
                slots.add(held)
            else:
                slots.update(held)
        if not slots:
            return None
        ids = (self._ids[slot] for slot in slots)
        found = sorted((pk for pk in ids if pk is not None), key=_id_order)
        if not found:
            return None
        # The estimate datasketch's ``jaccard`` makes (the share of equal values), for all
        # candidates at once: a common text has dozens, and a LeanMinHash each costs more.
        candidates = [self.signatures[pk] for pk in found]
        values = np.frombuffer(b"".join(c.values for c in candidates), dtype=_DTYPE)
        mine = np.frombuffer(signature.values, dtype=_DTYPE)
        equal = (values.reshape(len(found), NUM_PERM) == mine).sum(axis=1) / NUM_PERM
        best, best_score = None, -1.0
        for pk, candidate, resemblance in zip(found, candidates, equal.tolist(), strict=True):
            if resemblance > best_score and _passes(resemblance, signature, candidate):
                best, best_score = pk, resemblance
        return best
