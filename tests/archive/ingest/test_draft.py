"""The frozen draft the pipeline passes along."""

from archive.ingest.articletext import measure
from archive.ingest.draft import ArticleDraft


def test_a_draft_given_a_new_body_forgets_the_old_bodys_measures():
    draft = ArticleDraft(body="Old body.")
    draft = draft.replace(measured=measure(draft.body))
    assert draft.replace(title="T").measured == measure("Old body.")
    assert draft.replace(body="New body.").measured is None
