"""What a run of the writer remembers between articles, one part per job."""

from archive.ingest.copies import CopyIndex
from archive.ingest.journal import UndoJournal
from archive.ingest.known import KnownArticles
from archive.ingest.tagrules import RuleSet
from archive.ingest.vocabulary import VocabularyCache


class RunState:
    """The vocabulary, the known articles and the candidate copies of one run, and
    the journal that undoes what a rolled-back savepoint added to them. An import's
    (``queue_bands``) leaves the band keys of its new articles to the worker, and asks
    for them (``archive.ingest.run``); an article stored on its own writes them itself."""

    def __init__(self, *, queue_bands: bool = False) -> None:
        self.journal = UndoJournal()
        self._queue_bands = queue_bands
        self._start(rules=None)

    def _start(self, *, rules: RuleSet | None) -> None:
        self.vocabulary = VocabularyCache(self.journal, rules=rules)
        self.known = KnownArticles(self.journal)
        self.near = CopyIndex(self.journal, queues=self._queue_bands)

    def reset(self) -> None:
        """Forget everything but the rules (a whole chunk was rolled back, or the
        database changed under the run): read again from the database when needed.

        The journal stays: a savepoint's mark still counts from where it was taken, and
        undoing an entry of a forgotten cache is harmless."""
        self._start(rules=self.vocabulary.loaded_rules)
