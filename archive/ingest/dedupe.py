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

import hashlib
from dataclasses import dataclass, field
from functools import cache
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
    """A body's MinHash (``NUM_PERM`` little-endian uint32), its shingle count, and its
    band keys (worked out once, by the process that reads the file)."""

    values: bytes
    shingles: int
    keys: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.keys:
            object.__setattr__(self, "keys", _band_keys(self.values))

    def minhash(self) -> LeanMinHash:
        values = np.frombuffer(self.values, dtype=_DTYPE)
        return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def _band_keys(values: bytes) -> tuple[int, ...]:
    """One signed 64-bit key per band (the band's number is part of what is hashed)."""
    width = ROWS * _DTYPE.itemsize
    return tuple(
        int.from_bytes(
            hashlib.blake2b(
                values[band * width : (band + 1) * width],
                digest_size=8,
                salt=band.to_bytes(2, "little"),
            ).digest(),
            "little",
            signed=True,
        )
        for band in range(BANDS)
    )


@cache
def _permutations():
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _hash(shingle: bytes) -> int:
    # CRC-32: the same in every process and run, and a sixth of the cost of datasketch's
    # default SHA-1; the affine32 scheme mixes it (MurmurHash3's finalizer) before permuting.
    return crc32(shingle)


def shingles(text: str) -> set[bytes]:
    tokens = words(text)
    return {" ".join(tokens[i : i + SHINGLE]).encode() for i in range(len(tokens) - SHINGLE + 1)}


def signature(text: str) -> Signature | None:
    """The text's signature; None when it is too short to judge."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    minhash = MinHash(seed=SEED, permutations=_permutations(), scheme=SCHEME, hashfunc=_hash)
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
