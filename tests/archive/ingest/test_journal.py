"""The undo journal: what a rolled-back savepoint added to a run's caches is forgotten."""

import pytest

from archive.ingest.copies import CopyIndex
from archive.ingest.dedupe import signature
from archive.ingest.journal import UndoJournal
from tests.archive.ingest.test_dedupe import STORY


def test_undo_forgets_what_was_added_since_the_mark_newest_first():
    journal, cache = UndoJournal(), {"kept": 1}
    journal.put(cache, "before", 2)
    mark = journal.mark()
    journal.put(cache, "after", 3)
    journal.put(cache, "later", 4)

    journal.undo(mark)

    assert cache == {"kept": 1, "before": 2}
    assert journal.mark() == mark


@pytest.mark.django_db
def test_undo_takes_an_article_out_of_the_candidate_copies():
    journal = UndoJournal()
    near = CopyIndex(journal)  # nothing stored yet
    mark = journal.mark()
    near.add(7, signature(STORY))
    assert near.twin_of(signature(STORY)) == 7

    journal.undo(mark)

    assert near.twin_of(signature(STORY)) is None
