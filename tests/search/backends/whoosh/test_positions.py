"""Postings and positions read in bulk are those Whoosh reads, and phrases decided
from them find exactly the documents that Whoosh's own phrase matching and a plain
reading of the texts find."""

import random

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec

from search.analysis import analyze
from search.backends.whoosh.backend import WhooshBackend
from search.backends.whoosh.matching import Reading, match_mask
from search.backends.whoosh.positions import leaf_blocks, phrase_found, word_positions
from search.backends.whoosh.postings import raw_blocks, read_postings, unwrap
from search.backends.whoosh.store import postings_codec
from search.budget import Budget

WORDS = [
    "the",
    "bank",
    "of",
    "new",
    "york",
    "said",
    "the",
    "bank",
    "rate",
    "rose",
    "and",
    "oil",
    "fell",
]
PHRASES = [
    "the bank",
    "bank rate",
    "new york",
    "the the",  # a repeated word, a stop word
    "bank bank bank",
    "new york said the bank",
    "of the",
    "oil rose",
    "said nothing",  # a word no document has
]


def _texts(count: int) -> list[tuple[str, str]]:
    """Titles and bodies drawn from a few words: every phrase stands in some of them,
    and every pair of its words stands apart in others."""
    randomly = random.Random(7)
    texts = []
    for n in range(count):
        title = " ".join(randomly.choices(WORDS, k=randomly.randint(1, 6)))
        body = " ".join(randomly.choices(WORDS, k=randomly.randint(1, 400)))
        if n % 97 == 0:
            body = "bank " * 2500 + body  # more positions than one pickle batch holds
        if n % 53 == 0:
            body = body + "\n\n" + " ".join(randomly.choices(WORDS, k=30))  # a gap
        texts.append((title, body))
    return texts


@pytest.fixture
def index(tmp_path):
    """An index in three segments (one with deletions), postings over many blocks: the
    first written by Whoosh's default codec (blocks zlib-compressed, as indexes made
    before ``postings_codec`` are), the others as the backend writes them."""
    backend = WhooshBackend(tmp_path / "index")
    ix = backend.store.open(backend.store.ensure())
    texts = _texts(900)
    for part in range(3):
        writer = ix.writer(codec=W3Codec() if part == 0 else postings_codec())
        for n in range(part * 300, part * 300 + 300):
            title, body = texts[n]
            writer.add_document(id=str(n), title=title, body=body)
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 900, 11):
        writer.delete_by_term("id", str(n))
    writer.commit(merge=False)
    yield backend, texts
    backend.close()


def _stands(words: list[str], text: str) -> bool:
    """A plain reading: the words one after the other in the analysed text, no gap."""
    tokens = _positions(text)
    standing = set(tokens)
    return any(
        word == words[0] and all((position + k, w) in standing for k, w in enumerate(words))
        for position, word in tokens
    )


def _positions(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for paragraph_number, paragraph in enumerate(text.split("\n\n")):
        at += 100 if paragraph_number else 0
        for word in analyze(paragraph, stem=False):
            out.append((at, word))
            at += 1
    return out


def _ids(searcher, docnums) -> set[int]:
    return {int(searcher.stored_fields(int(d))["id"]) for d in docnums}


def test_the_index_has_several_segments_and_deletions(index):
    backend, _texts = index
    reader = backend.searcher().reader()
    assert len(reader.leaf_readers()) == 3
    assert reader.doc_count() < reader.doc_count_all()
    assert _compressed(backend) == [{True}, {False}, {False}]


def _compressed(backend, word: str = "bank") -> list[set[bool]]:
    """Per segment, whether the word's posting blocks are zlib-compressed."""
    reader = backend.searcher().reader()
    return [
        {block.compressed for block in raw_blocks(unwrap(leaf.postings("body", word)))[1]}
        for leaf, _offset in reader.leaf_readers()
    ]


def test_an_update_writes_posting_blocks_uncompressed(tmp_path):
    """Inflating blocks was most of the cost of reading a common word."""
    backend = WhooshBackend(tmp_path / "index")
    try:
        with backend.store.writer() as writer:
            for n in range(400):
                writer.add_document(id=str(n), title="bank", body="the bank rate rose " * 40)
        assert _compressed(backend) == [{False}]
    finally:
        backend.close()


@pytest.mark.django_db
@pytest.mark.parametrize("procs", [1, 2])
def test_a_rebuild_writes_posting_blocks_uncompressed(tmp_path, procs):
    """In one process, and in the sub-processes of a multiprocess rebuild."""
    from search.documents import articles_for_index
    from tests.factories import make_article

    for n in range(400):
        make_article(f"Bank report {n}", body=f"The bank rate rose {n} points. " * 20)
    backend = WhooshBackend(tmp_path / "index", procs=procs)
    try:
        assert backend.rebuild(articles_for_index()) == 400
        segments = _compressed(backend)
        assert segments and all(flags == {False} for flags in segments)
    finally:
        backend.close()


@pytest.mark.parametrize("phrase", PHRASES)
@pytest.mark.parametrize("field", ["title", "body"])
def test_a_phrase_finds_what_whoosh_and_the_text_find(index, phrase, field):
    backend, texts = index
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    words = analyze(phrase, stem=False)
    query = wq.Phrase(field, words)

    ours = match_mask(searcher, query, data, Reading())

    whoosh = set(searcher.docs_for_query(query))
    assert set(np.flatnonzero(ours).tolist()) == whoosh
    number = 0 if field == "title" else 1
    expected = {n for n, text in enumerate(texts) if n % 11 and _stands(words, text[number])}
    assert _ids(searcher, np.flatnonzero(ours)) == expected


def test_queries_with_phrases_across_fields_match_as_whoosh_matches(index):
    backend, _texts = index
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    either = wq.Or([wq.Phrase("title", ["the", "bank"]), wq.Phrase("body", ["the", "bank"])])
    queries = [
        either,
        wq.And([either, wq.Not(wq.Phrase("body", ["bank", "rate"]))]),
        wq.And([wq.Term("body", "oil"), wq.Phrase("body", ["new", "york"])]),
        wq.Or([wq.Phrase("body", ["oil", "fell"]), wq.Phrase("title", ["bank", "rate"])]),
        # A word's forms in each field: terms set in one mask, the other parts ORed.
        wq.Or([wq.Term("title", "oil"), wq.Term("body", "oil"), wq.Term("body", "oils")]),
        wq.Or([wq.Term("body", "oil"), wq.Phrase("body", ["bank", "rate"])]),
        wq.Or([wq.Term("title", "bank"), wq.Not(wq.Term("body", "oil"))]),
    ]
    for query in queries:
        ours = set(np.flatnonzero(match_mask(searcher, query, data, Reading())).tolist())
        assert ours == set(searcher.docs_for_query(query)), query


def test_positions_of_a_word_are_those_whoosh_decodes(index):
    backend, _texts = index
    searcher = backend.searcher()
    leaf, _offset = searcher.reader().leaf_readers()[1]
    docs = np.array([d for d in range(0, leaf.doc_count_all(), 3) if not leaf.is_deleted(d)])

    fmt = leaf.schema["body"].format
    owners, places = word_positions(leaf_blocks(leaf, "body", "bank"), docs, fmt)

    expected = []
    matcher = leaf.postings("body", "bank")
    wanted = set(docs.tolist())
    while matcher.is_active():
        if matcher.id() in wanted:
            expected += [(matcher.id(), p) for p in fmt.decode_positions(matcher.value())]
        matcher.next()
    assert list(zip(docs[owners].tolist(), places.tolist(), strict=True)) == expected


def test_a_phrase_checked_in_part_of_its_candidates_says_nothing_of_the_rest(index):
    backend, _texts = index
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    query = wq.Phrase("body", ["bank", "rate"])
    everything = match_mask(searcher, query, data, Reading())

    cut = Reading(Budget(units=4_000, seconds=60))
    part = match_mask(searcher, query, data, cut)

    assert cut.budget.cut
    assert 0 < part.sum() < everything.sum()
    assert not (part & ~everything).any()  # never a false hit
    assert part[: np.flatnonzero(part)[-1]].sum() == everything[: np.flatnonzero(part)[-1]].sum()


def test_no_candidates_and_no_words_find_nothing(index):
    backend, _texts = index
    reader = backend.searcher().reader()
    assert not phrase_found(reader, "body", ["the", "bank"], np.zeros(0, np.int64)).any()
    assert not phrase_found(reader, "body", [], np.arange(5)).any()


@pytest.mark.parametrize("word", ["bank", "york", "fell", "nowhere"])
def test_postings_read_from_the_file_are_those_whoosh_reads(index, word):
    backend, _texts = index
    for leaf, _offset in backend.searcher().reader().leaf_readers():
        if (("body", word)) not in leaf:
            continue
        docs, weights = read_postings(leaf.postings("body", word))

        expected = list(leaf.postings("body", word).items_as("weight"))  # live ones
        read = zip(docs.tolist(), weights.tolist(), strict=True)
        assert [(d, w) for d, w in read if not leaf.is_deleted(d)] == expected
        assert len(docs) > 128  # several blocks


def test_positions_far_apart_and_near_read_as_whoosh_reads_them(tmp_path):
    """Gaps of 256 words and more are pickled other than the small ones (read bytewise):
    both kinds in one block, and in one document, give Whoosh's positions and phrases."""
    backend = WhooshBackend(tmp_path / "index")
    ix = backend.store.open(backend.store.ensure())
    writer = ix.writer()
    far = " ".join(["oil"] * 300)
    bodies = [
        f"bank rate {far} bank {far} {far} bank rate" if n % 3 else "bank rate rose"
        for n in range(200)
    ]
    for n, body in enumerate(bodies):
        writer.add_document(id=str(n), title="", body=body)
    writer.commit()
    searcher = backend.searcher()
    leaf, _offset = searcher.reader().leaf_readers()[0]
    docs = np.arange(leaf.doc_count_all())
    fmt = leaf.schema["body"].format

    owners, places = word_positions(leaf_blocks(leaf, "body", "bank"), docs, fmt)

    expected, matcher = [], leaf.postings("body", "bank")
    while matcher.is_active():
        expected += [(matcher.id(), p) for p in fmt.decode_positions(matcher.value())]
        matcher.next()
    assert list(zip(docs[owners].tolist(), places.tolist(), strict=True)) == expected
    assert max(places) > 600
    query = wq.Phrase("body", ["bank", "rate"])
    found = match_mask(searcher, query, backend.facet_data(searcher), Reading())
    assert set(np.flatnonzero(found).tolist()) == set(searcher.docs_for_query(query))
    assert found.sum() == 200
    backend.close()


@pytest.mark.parametrize("word", ["bank", "york", "fell"])
def test_values_unpickled_when_asked_are_those_whoosh_reads(index, word):
    """Blocks are unpickled up to their values; the values, asked for, are Whoosh's."""
    backend, _texts = index
    for leaf, _offset in backend.searcher().reader().leaf_readers():
        blocks = leaf_blocks(leaf, "body", word)
        values = [
            value
            for block in blocks
            for docnum, value in zip(block.ids.tolist(), block.values, strict=True)
            if not leaf.is_deleted(docnum)  # Whoosh's matcher passes over those
        ]

        matcher = leaf.postings("body", word)
        expected = []
        while matcher.is_active():
            expected.append(matcher.value())
            matcher.next()
        assert values == expected


def test_blocks_of_a_few_postings_keep_their_values(tmp_path):
    """A block of 3 or fewer postings pickles its values as a short tuple (no mark)."""
    backend = WhooshBackend(tmp_path / "index")
    ix = backend.store.open(backend.store.ensure())
    writer = ix.writer()
    for n in range(130):  # 128 in a first block, then 2; "rare" in 2 documents, 3 times
        body = "some words" + (" rare some rare" if n in (5, 77) else "")
        writer.add_document(id=str(n), title="", body=body)
    writer.commit()
    leaf, _offset = backend.searcher().reader().leaf_readers()[0]
    fmt = leaf.schema["body"].format
    for word, sizes in [("some", [128, 2]), ("rare", [2])]:
        blocks = leaf_blocks(leaf, "body", word)
        assert [len(block.ids) for block in blocks] == sizes
        positions = [fmt.decode_positions(v) for block in blocks for v in block.values]
        if word == "rare":
            assert positions == [[2, 4], [2, 4]]
        else:
            assert positions[4:6] == [[0], [0, 3]] and positions[-1] == [0]
    backend.close()


def test_a_process_keeps_a_phrase_words_blocks_for_its_next_searches(index, monkeypatch):
    from search.backends.whoosh import matching, positions
    from search.backends.whoosh.postings_cache import PostingsCache

    backend, _texts = index
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    process = PostingsCache()
    decoded = []
    for module in (matching, positions):  # every way a word's blocks are read
        for name in ("leaf_blocks", "leaf_postings_among"):
            if hasattr(module, name):
                real = getattr(module, name)
                monkeypatch.setattr(
                    module, name, lambda *a, real=real: decoded.append(a[2]) or real(*a)
                )
    queries = [wq.Phrase("body", ["the", "bank"]), wq.Phrase("title", ["bank", "rate"])]
    for number in range(3):
        decoded.clear()
        for query in queries:
            ours = match_mask(searcher, query, data, Reading(Budget.unlimited(), process))
            assert set(np.flatnonzero(ours).tolist()) == set(searcher.docs_for_query(query))
        if number:  # asked again: every word's blocks come from the process, positions too
            assert decoded == []
    assert process.get(("blocks", "body", "bank")) is not None


def test_a_word_too_common_to_keep_is_not_kept_though_this_search_read_it(index, monkeypatch):
    from search.backends.whoosh import matching
    from search.backends.whoosh.postings_cache import PostingsCache

    backend, _texts = index
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    monkeypatch.setattr(matching, "KEPT_BLOCKS_MAX", 0)
    process = PostingsCache()
    query = wq.Phrase("body", ["the", "bank"])
    ours = match_mask(searcher, query, data, Reading(Budget.unlimited(), process))
    assert set(np.flatnonzero(ours).tolist()) == set(searcher.docs_for_query(query))
    assert process.get(("blocks", "body", "the")) is None
    assert process.get(("body", "the")) is not None  # its postings are kept as ever
