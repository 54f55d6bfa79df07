"""The model loads from its package with the network refused: nothing is downloaded."""

import subprocess
import sys
import textwrap

from tests.conftest import ROOT


def test_the_model_loads_and_encodes_without_the_network():
    # A fresh process, so the load is not one already done by another test.
    script = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise OSError("network refused by the test")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        import django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from search.semantic.model import encode_query
        print(encode_query("talks on the nuclear programme").shape)
        print(os.environ["HF_HUB_OFFLINE"], os.environ["TRANSFORMERS_OFFLINE"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "SEARCH_SEMANTIC": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["(384,)", "1 1"]


def test_nothing_of_torch_is_imported_with_semantic_off():
    script = (
        "import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "django.setup(); import search.semantic, search.tasks, search.outbox; "
        "print(any(m.split('.')[0] in ('torch', 'sentence_transformers', 'usearch') "
        "for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


def test_encoding_nothing_does_not_load_the_model(monkeypatch):
    from search.semantic import model

    monkeypatch.setattr(model, "_model", None)
    assert model.encode([]).shape == (0, model.DIMENSIONS)
    assert model._model is None
