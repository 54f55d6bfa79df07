"""Reading test collections: SMART (CISI and its kin) and TREC-style folders."""

import json

import pytest

from search.evaluation.collections import CollectionError, Document, Question
from search.evaluation.formats import collection_read


def test_smart_documents_keep_title_authors_and_text_and_drop_other_fields(smart_collection):
    collection = collection_read(smart_collection)

    assert collection.name == "tiny"
    assert len(collection.documents) == 6
    assert collection.documents[0] == Document(
        id="1",
        title="Dewey Decimal Classification",
        text="The history of the Dewey decimal classification and its eighteen editions.",
        authors=("Comaromi, J.P.", "Satija, M.P."),
    )
    assert collection.documents[3].text == "Online catalogues change how readers search a library."


def test_smart_question_is_its_text_as_typed_not_its_title(smart_collection):
    collection = collection_read(smart_collection)

    assert collection.questions[:2] == [
        Question("1", "Dewey decimal classification"),
        Question("2", "technical libraries"),
    ]


def test_smart_judged_questions_are_those_with_judgements_in_file_order(smart_collection):
    collection = collection_read(smart_collection)

    assert [q.id for q in collection.judged()] == ["1", "2", "3"]
    assert [q.id for q in collection.judged(limit=2)] == ["1", "2"]
    assert collection.judgements["2"] == {"2": 1, "4": 1}


def _trec_folder(tmp_path, topics_name: str, topics: str):
    folder = tmp_path / "trec"
    folder.mkdir()
    docs = [
        {"id": "d1", "title": "Port strike", "text": "Dock workers struck."},
        {"_id": "d2", "text": "No title here.", "authors": "A. Writer"},
    ]
    (folder / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    (folder / topics_name).write_text(topics)
    (folder / "qrels.txt").write_text("401 0 d1 2\n401 0 d2 0\n402 0 d2 1\n")
    return folder


def test_trec_folder_with_classic_topics(tmp_path):
    topics = (
        "<top>\n<num> Number: 401\n<title> port   strike\n\n<desc> Description:\nLong.\n</top>\n"
        "<top>\n<num> Number: 402 \n<title> Topic: untitled documents\n</top>\n"
    )
    collection = collection_read(_trec_folder(tmp_path, "topics.401-402", topics))

    assert collection.questions == [
        Question("401", "port strike"),
        Question("402", "untitled documents"),
    ]
    assert collection.documents[1] == Document("d2", "", "No title here.", ("A. Writer",))
    assert collection.judgements == {"401": {"d1": 2, "d2": 0}, "402": {"d2": 1}}
    assert [q.id for q in collection.judged()] == ["401", "402"]


def test_trec_folder_with_tab_separated_queries(tmp_path):
    collection = collection_read(_trec_folder(tmp_path, "queries.tsv", "401\tport strike\n"))

    assert collection.questions == [Question("401", "port strike")]


def test_a_folder_without_a_collection_says_what_it_looks_for(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing")

    with pytest.raises(CollectionError, match=r"\*\.ALL"):
        collection_read(tmp_path)


def test_a_smart_folder_without_judgements_names_the_missing_file(smart_collection):
    (smart_collection / "TINY.REL").unlink()

    with pytest.raises(CollectionError, match=r"no file matching \*\.rel"):
        collection_read(smart_collection)
