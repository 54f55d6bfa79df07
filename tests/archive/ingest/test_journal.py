"""The undo journal: what a rolled-back savepoint added to a run's caches is forgotten."""

from archive.ingest.dedupe import NearDuplicateIndex, NearDuplicates, sketch
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


def test_undo_takes_an_article_out_of_the_near_duplicate_index():
    journal = UndoJournal()
    near = NearDuplicates(journal, index=NearDuplicateIndex())  # nothing stored yet
    mark = journal.mark()
    near.add(7, sketch(STORY))
    assert near.twin_of(sketch(STORY)) == 7

    journal.undo(mark)

    assert near.twin_of(sketch(STORY)) is None
