"""More like this picks the key words Whoosh's own ``key_terms_from_text`` picks."""

import pytest

from search.backends.whoosh.backend import WhooshBackend
from search.backends.whoosh.similar import key_terms

TEXTS = [
    ("Oil prices rise", "Crude oil prices rose as OPEC ministers met in Vienna. Oil, oil."),
    ("Coffee quota talks", "Brazil and Colombia discussed the coffee export quota again."),
    ("Bank rate cut", "The central bank cut its rate; the bank said rates may fall."),
    ("Wheat harvest", "The Soviet wheat harvest was poor, and wheat imports will rise."),
    ("Gold mine", "A Canadian gold mine raised output of gold by a tenth."),
]


@pytest.fixture
def searcher(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    ix = backend.store.open(backend.store.ensure())
    for part in range(2):  # two segments
        writer = ix.writer()
        for n, (title, body) in enumerate(TEXTS):
            writer.add_document(id=f"{part}-{n}", title=title, body=f"{body} {part}")
        writer.commit(merge=False)
    with backend._reading():
        yield backend, backend.searcher()
    backend.close()


@pytest.mark.parametrize("text", [f"{t}\n{b}" for t, b in TEXTS] + ["unknown words only"])
def test_key_terms_are_whooshs_with_the_same_weights(searcher, text):
    backend, found = searcher
    expected = found.key_terms_from_text("body", text, numterms=4)

    ours = key_terms(
        text,
        frequency=backend.body_frequency(found),
        documents=found.reader().doc_count_all(),
        count=4,
    )

    assert [w for w, _ in ours] == [w for w, _ in expected]
    assert [round(s, 9) for _, s in ours] == [round(s, 9) for _, s in expected]
