"""The planner: what to store for a draft, decided without the database."""

import datetime as dt

from archive.ingest.articletext import measure, salted_hash
from archive.ingest.draft import ArticleDraft
from archive.ingest.plan import (
    Columns,
    Outcome,
    Refs,
    Stored,
    draft_digest,
    identify,
    plan_create,
    plan_stored,
)
from archive.ingest.tagrules import RuleSet
from archive.models import Article, Tag
from tests.archive.ingest.test_dedupe import STORY

NO_RULES = RuleSet([])
REFS = Refs(outlet_id=3, author_ids=(5, 6), tag_ids=frozenset({9}))


def _create(draft: ArticleDraft, *, twin_of=lambda signature: None, **kwargs):
    measures = measure(draft.body)
    return plan_create(
        draft,
        digest=measures.digest,
        measures=measures,
        refs=kwargs.pop("refs", REFS),
        rules=kwargs.pop("rules", NO_RULES),
        twin_of=twin_of,
        **kwargs,
    )


def test_a_new_article_is_planned_with_its_byline_tags_and_the_rules_tags():
    ruled = Tag(pk=11, name="Rates", match_mode="any", match_pattern="interest")
    plan = _create(ArticleDraft(body=STORY, title=" Rates up "), rules=RuleSet([ruled]))
    assert plan.outcome == Outcome.CREATED
    assert (plan.columns.title, plan.columns.outlet_id) == ("Rates up", 3)
    assert plan.author_ids == (5, 6)
    assert plan.tag_ids == {9, 11}
    assert plan.signature and plan.twin_id is None


def test_a_copy_is_linked_to_its_groups_original_and_keeps_its_signature():
    plan = _create(ArticleDraft(body=STORY, title="Rates up"), twin_of=lambda signature: 4)
    assert (plan.twin_id, plan.candidate) == (4, True)
    assert plan.signature == measure(STORY).signature


def test_a_stated_link_replaces_detection():
    def never(signature):
        raise AssertionError("detection asked")

    stated_original = _create(
        ArticleDraft(body=STORY, title="T", duplicate_stated=True), twin_of=never
    )
    stated_copy = ArticleDraft(body=STORY, title="T", duplicate_stated=True, duplicate_of="abc")
    assert (stated_original.twin_id, stated_original.candidate) == (None, True)
    # Stored with its signature, but no candidate of the run until its link is made.
    stated = _create(stated_copy, twin_of=never)
    assert (bool(stated.signature), stated.candidate) == (True, False)


def _stored(**columns) -> Stored:
    base = Columns().merged(
        ArticleDraft(body=STORY, title="Rates up", summary="Dek."),
        digest=measure(STORY).digest,
        words=measure(STORY).word_count,
        outlet_id=3,
    )
    return Stored(
        id=1,
        columns=Columns(**{**vars(base), **columns}),
        author_ids=(5, 6),
        tag_ids=frozenset({9}),
    )


def _again(draft: ArticleDraft, stored: Stored, refs: Refs = REFS):
    measures = measure(draft.body)
    return plan_stored(draft, stored=stored, digest=measures.digest, measures=measures, refs=refs)


def test_the_same_article_again_is_a_duplicate():
    plan = _again(ArticleDraft(body=STORY, title="Rates up", authors=("A", "B")), _stored())
    assert (plan.outcome, plan.save, plan.author_ids, plan.tag_ids) == (
        Outcome.DUPLICATE,
        False,
        None,
        frozenset(),
    )


def test_new_metadata_is_an_update_and_empty_fields_keep_what_is_stored():
    draft = ArticleDraft(body=STORY, title="Rates up", published=dt.date(2020, 1, 2))
    plan = _again(draft, _stored())
    assert (plan.outcome, plan.save) == (Outcome.UPDATED, True)
    assert (plan.columns.summary, plan.columns.published) == ("Dek.", dt.date(2020, 1, 2))


def test_a_new_byline_or_a_missing_tag_is_an_update_without_saving_the_columns():
    byline = Refs(outlet_id=3, author_ids=(6,), tag_ids=frozenset())
    plan = _again(ArticleDraft(body=STORY, title="Rates up", authors=("B",)), _stored(), byline)
    assert (plan.outcome, plan.save, plan.author_ids) == (Outcome.UPDATED, False, (6,))
    tagged = Refs(outlet_id=None, author_ids=(), tag_ids=frozenset({9, 10}))
    plan = _again(ArticleDraft(body=STORY, title="Rates up"), _stored(), tagged)
    assert (plan.outcome, plan.tag_ids, plan.author_ids) == (Outcome.UPDATED, {10}, None)


def test_a_change_of_source_alone_is_no_update():
    plan = _again(ArticleDraft(body=STORY, title="Rates up", source="other.jsonl"), _stored())
    assert plan.outcome == Outcome.DUPLICATE


def test_the_same_text_under_another_id_is_salted_and_names_its_twin():
    article = Article(pk=1, body=STORY, external_id="1", content_hash=measure(STORY).digest)
    draft = ArticleDraft(body=STORY, title="T", external_id="2")
    identity = identify(draft, measure(STORY).digest, article)
    assert identity.digest == salted_hash(measure(STORY).digest, "id:2")
    assert identity.twin_id == 1


def test_a_salted_article_keeps_its_salt_when_its_text_changes():
    old = measure("Old words of the story.").digest
    article = Article(pk=2, body="Old words of the story.", external_id="2")
    article.content_hash = salted_hash(old, "id:2")
    draft = ArticleDraft(body=STORY, title="T", external_id="2")
    assert identify(draft, measure(STORY).digest, article).digest == salted_hash(
        measure(STORY).digest, "id:2"
    )


def test_a_declared_hash_is_kept_only_when_it_is_this_texts_salt():
    measures = measure(STORY)
    salted = salted_hash(measures.digest, "id:2")
    draft = ArticleDraft(body=STORY, external_id="2", declared_hash=salted)
    assert draft_digest(draft, measures) == salted
    assert draft_digest(draft.replace(declared_hash="f" * 64), measures) == measures.digest
