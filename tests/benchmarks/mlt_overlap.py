"""More like this, scoring every posting of the key words (as before MaxScore) against
``maxscore.best_of_words``: the overlap of their top 5 and the CPU each used (not a test).

Both read every posting cold (no postings kept by the process), on an index that
``benchmark_search`` built:

    DATA_DIR=/tmp/b10 PYTHONPATH=. .venv/bin/python tests/benchmarks/mlt_overlap.py 200
"""

import os
import random
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import numpy as np  # noqa: E402
from whoosh import query as wq  # noqa: E402

from archive.models import Article  # noqa: E402
from search import selectors  # noqa: E402
from search.backends.whoosh.matching import Reading, score_array, top_scored  # noqa: E402
from search.backends.whoosh.maxscore import best_of_words  # noqa: E402
from search.backends.whoosh.similar import key_terms  # noqa: E402
from search.bench import percentiles  # noqa: E402
from search.budget import Budget  # noqa: E402
from search.service import PageArticles, get_backend  # noqa: E402

LIMIT = 5


def main(count: int) -> None:
    backend = get_backend()
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    frequency = backend.body_frequency(searcher)
    documents = searcher.reader().doc_count_all()
    ids = list(Article.objects.values_list("pk", flat=True))
    sample = random.Random(3).sample(ids, min(count, len(ids)))
    old_cpu, new_cpu, overlaps, same_order = [], [], [], 0
    print("load average before:", os.getloadavg())
    for article_id in sample:
        title, body = PageArticles().texts([article_id])[article_id]
        keys = key_terms(f"{title}\n{body}", frequency=frequency, documents=documents)
        allowed = data.live.copy()
        exclude = {article_id, *selectors.article_duplicate_ids(article_id)}
        allowed[data.docnums_for_ids(exclude)] = False
        started = time.process_time()
        query = wq.Or([wq.Term("body", term, boost=weight) for term, weight in keys])
        scores = score_array(searcher, query, data, Reading(Budget.unlimited()))
        old = top_scored(scores, np.flatnonzero(allowed & (scores > 0)), LIMIT)
        old_cpu.append((time.process_time() - started) * 1000)
        started = time.process_time()
        reading = Reading(Budget.unlimited())
        new = best_of_words(
            searcher, data, "body", keys, allowed=allowed, limit=LIMIT, reading=reading
        )
        new_cpu.append((time.process_time() - started) * 1000)
        overlaps.append(len({d for d, _ in old} & {d for d, _ in new}) / max(len(old), 1))
        same_order += [d for d, _ in old] == [d for d, _ in new]
    print(f"{len(sample)} articles, top {LIMIT}")
    print(f"mean overlap {statistics.mean(overlaps):.3f}, same list in the same order {same_order}")
    for name, cpu in (("every posting", old_cpu), ("MaxScore", new_cpu)):
        p50, p95 = percentiles(cpu)
        print(f"{name:14} CPU ms p50 / p95: {p50:.1f} / {p95:.1f}")
    print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
