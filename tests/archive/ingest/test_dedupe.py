"""The same text again is one article; a near-duplicate is linked to its twin."""

import pickle

import pytest

from archive.ingest.dedupe import (
    NUM_PERM,
    CandidateTable,
    Signature,
    is_copy,
    keys_fill,
    signature,
    similarity,
)
from archive.ingest.run import ingest_paths
from archive.models import Article
from tests.archive.ingest.conftest import ARTICLE, jsonl

pytestmark = pytest.mark.django_db

SIGNATURE_START = (
    "e4c4c70a9c7a3700"  # datasketch 2, seed 18: a change of either changes every stored one
)
BAND_KEYS_START = (5288225050312980273, 7191411704450712386)
STORY = (
    "The central bank raised its main interest rate by half a point on Thursday, the third "
    "rise this year, saying that prices were still climbing faster than it had expected. "
    "The governor told reporters that further increases could not be ruled out if wages kept "
    "rising at the current pace, and that the bank would watch the housing market closely. "
    "Economists had expected a smaller move. Shares in banks rose after the announcement "
    "while the currency strengthened against the dollar and the euro."
)


def test_same_text_with_other_spacing_and_case_is_a_duplicate(write):
    ingest_paths([write("a.jsonl", jsonl(ARTICLE))])
    again = {**ARTICLE, "body": ARTICLE["body"].upper().replace(" ", "  ")}
    batch = ingest_paths([write("b.jsonl", jsonl(again))])
    assert (batch.created, batch.duplicates + batch.updated) == (0, 1)
    assert Article.objects.count() == 1


def test_same_article_again_with_new_metadata_is_updated(write):
    ingest_paths([write("a.jsonl", jsonl(ARTICLE))])
    batch = ingest_paths([write("b.jsonl", jsonl({**ARTICLE, "summary": "New dek."}))])
    assert (batch.created, batch.updated) == (0, 1)
    assert Article.objects.get().summary == "New dek."


def test_importing_the_same_file_twice_changes_nothing(write):
    path = write("a.jsonl", jsonl(ARTICLE))
    ingest_paths([path])
    batch = ingest_paths([path])
    assert (batch.created, batch.updated, batch.duplicates) == (0, 0, 1)


def test_near_duplicate_is_kept_and_linked_to_its_twin(write):
    first = {"title": "Bank raises rates", "body": STORY, "outlet": "Wire A"}
    edited = STORY.replace("Thursday", "Thursday afternoon").replace("smaller", "much smaller")
    second = {"title": "Central bank lifts rates again", "body": edited, "outlet": "Paper B"}
    batch = ingest_paths([write("a.jsonl", jsonl(first, second))])
    assert batch.created == 2
    original = Article.objects.get(title="Bank raises rates")
    twin = Article.objects.get(title="Central bank lifts rates again")
    assert twin.duplicate_of == original
    assert original.duplicate_of is None


def test_different_stories_are_not_linked(write):
    other = {**ARTICLE, "url": None}
    first = {"title": "Bank raises rates", "body": STORY}
    ingest_paths([write("a.jsonl", jsonl(first, other))])
    assert not Article.objects.filter(duplicate_of__isnull=False).exists()


def test_same_text_under_two_corpus_ids_is_two_linked_articles(write):
    one = {"title": "Wire story", "body": STORY, "outlet": "Wire", "external_id": "1"}
    two = {**one, "external_id": "2"}
    batch = ingest_paths([write("a.jsonl", jsonl(one, two))])
    assert batch.created == 2
    first, second = Article.objects.order_by("external_id")
    assert second.duplicate_of == first
    again = ingest_paths([write("b.jsonl", jsonl(one, two))])
    assert (again.created, again.duplicates) == (0, 2)


def test_signature_resemblance_tracks_shared_text():
    base = signature(STORY)
    assert similarity(base, base) == (1.0, 1.0)
    assert similarity(base, signature(STORY.replace("Thursday", "Friday")))[0] > 0.6
    assert similarity(base, signature(ARTICLE["body"] * 3))[0] < 0.1
    assert signature("too short to judge") is None


def test_the_same_text_has_the_same_signature_in_every_run():
    assert signature(STORY).values.hex()[:16] == SIGNATURE_START
    assert len(signature(STORY).keys) == 42
    # Stored keys must match the keys of texts read later: the function may not drift.
    assert signature(STORY).keys[:2] == BAND_KEYS_START


def test_band_keys_worked_out_together_are_those_worked_out_alone():
    texts = [STORY, ARTICLE["body"], STORY.replace("Thursday", "Friday")]
    alone = [signature(text).keys for text in texts]
    together = [signature(text) for text in texts]
    keys_fill([None, *together])
    assert [sig.keys for sig in together] == alone
    assert len(set(alone[0])) == 42
    # Equal values in two bands still make two keys: the band is part of its key.
    same = Signature(bytes(4 * NUM_PERM), 20)
    assert len(set(same.keys)) == 42
    # Sent to another process without its keys, which are worked out there.
    assert "keys" not in vars(pickle.loads(pickle.dumps(signature(STORY))))


def test_table_only_compares_candidates_sharing_band_keys():
    table = CandidateTable()
    table.add(1, signature(STORY))
    assert table.best(signature(STORY + " One more sentence.")) == 1
    assert table.best(signature(ARTICLE["body"] * 3)) is None
    assert is_copy(signature(STORY), signature(ARTICLE["body"] * 3)) is None


def test_a_renamed_candidate_is_found_under_its_new_id_only():
    table = CandidateTable()
    table.add(-1, signature(STORY))  # pending in an import, known by a key
    table.rename(-1, 7)  # inserted: id 7
    assert -1 not in table and 7 in table
    assert table.best(signature(STORY + " One more sentence.")) == 7
    table.discard(7)
    assert table.best(signature(STORY)) is None


def test_candidates_sharing_every_key_are_all_compared():
    """Two articles on the same band keys (a copy and its original): the closer wins,
    and it stays findable when the other is discarded or renamed."""
    table = CandidateTable()
    close, far = STORY + " One more sentence.", STORY.replace("Thursday", "Friday")
    table.add(1, signature(STORY))
    table.add(2, signature(far))
    table.add(-3, signature(close))
    assert table.best(signature(close)) == -3
    table.rename(-3, 3)
    assert table.best(signature(close)) == 3
    table.discard(3)
    assert table.best(signature(close)) == 1
    table.add(3, signature(close))  # added again after a rolled-back savepoint
    assert table.best(signature(close)) == 3 and len(table) == 3


def test_twins_are_found_when_files_are_read_in_a_second_process(write):
    first = {"title": "Bank raises rates", "body": STORY}
    edited = {"title": "Rates up again", "body": STORY.replace("Thursday", "Friday")}
    fillers = [
        {"title": f"Filler {n}", "body": f"Short filler story number {n} about nothing."}
        for n in range(3)
    ]
    paths = [write("0.jsonl", jsonl(first))]
    paths += [write(f"{n + 1}.jsonl", jsonl(f)) for n, f in enumerate(fillers)]
    paths.append(write("9.jsonl", jsonl(edited)))
    batch = ingest_paths(paths)  # five files: read ahead by a worker process
    assert (batch.created, batch.failed) == (5, 0)
    assert Article.objects.get(title="Rates up again").duplicate_of.title == "Bank raises rates"


@pytest.mark.parametrize(("stated", "linked"), [(False, True), (True, False)])
def test_one_by_one_a_stated_link_also_replaces_detection(stated, linked):
    """The path a chunk falls back to (one savepoint per article) honours a source that
    states "not a duplicate" just as the bulk path does."""
    from archive.ingest.draft import ArticleDraft
    from archive.ingest.state import RunState
    from archive.ingest.store import article_store

    state = RunState()
    first = article_store(draft=ArticleDraft(body=STORY, title="Rates up"), state=state)
    edited = STORY.replace("Thursday", "Friday")
    draft = ArticleDraft(body=edited, title="Rates up again", duplicate_stated=stated)
    second = article_store(draft=draft, state=state)
    assert (second.article.duplicate_of_id == first.article.pk) is linked
