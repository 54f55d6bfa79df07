"""A tiny SMART collection written by the test (six documents, four questions, three
judged), and the real CISI collection when it is beside the project."""

from pathlib import Path

import pytest
from django.conf import settings

ALL = """\
.I 1
.T
Dewey Decimal
Classification
.A
Comaromi, J.P.
.A
Satija, M.P.
.W
   The history of the Dewey decimal classification
and its eighteen editions.
.X
1	5	1
.I 2
.T
Use made of technical libraries
.A
Slater, M.
.W
An analysis of acts of use in technical libraries in the United Kingdom.
.I 3
.T
Citation indexing
.W
Citation indexes for science link papers through their references.
.I 4
.T
Library catalogues online
.W
Online catalogues change how readers search a library.
.B
(JASIS, 1980)
.I 5
.T
Information retrieval evaluation
.W
Precision and recall measure the retrieval of relevant documents.
.I 6
.T
Indexing languages
.W
Controlled vocabularies and thesauri for indexing documents.
"""

QRY = """\
.I 1
.W
Dewey decimal
   classification
.I 2
.T
A paper's title, not the question
.A
Someone, A.
.W
technical libraries
.B
(a source)
.I 3
.W
citation indexes in science
.I 4
.W
a question nobody judged
"""

REL = """\
     1      1	0	0.000000
     2      2	0	0.000000
     2      4	0	0.000000
     3      3	0	0.000000
     3      6	0	0.000000
"""


@pytest.fixture
def smart_collection(tmp_path) -> Path:
    folder = tmp_path / "tiny"
    folder.mkdir()
    for name, text in (("TINY.ALL", ALL), ("TINY.QRY", QRY), ("TINY.REL", REL)):
        (folder / name).write_text(text)
    return folder


@pytest.fixture
def cisi_dir() -> Path:
    path = Path(settings.SHARED_DIR) / "datasets" / "cisi"
    if not path.is_dir():
        pytest.skip("CISI is not beside the project (../shared/datasets/cisi)")
    return path
