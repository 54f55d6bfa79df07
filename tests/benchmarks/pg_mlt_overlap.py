"""PostgreSQL more-like-this: every article with one of the 25 key stems ranked (as
before) against only those with one of the rarest (``similar.MLT_CANDIDATES``): the
overlap of their top 10 and the wall time of each, alternated per article (not a test).

The article's copies (the same title: ``--scale`` copies of Reuters) are left out of
both, so the overlap measures the rest of the list. On a database the PostgreSQL
backend has indexed:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pg10 DATA_DIR=/tmp/x \\
        PYTHONPATH=. .venv/bin/python tests/benchmarks/pg_mlt_overlap.py 100 [candidates]
"""

import os
import random
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402

from archive.models import Article  # noqa: E402
from search.backends.pg import similar  # noqa: E402
from search.bench import percentiles  # noqa: E402

LIMIT = 10


def top(article_id: int, exclude: list[int], candidates: int) -> tuple[list[int], float]:
    similar.MLT_CANDIDATES = candidates
    started = time.perf_counter()
    with connection.cursor() as cursor:
        hits = similar.more_like_this(cursor, article_id, LIMIT, exclude=exclude)
    return [h.id for h in hits], (time.perf_counter() - started) * 1000


def main(count: int, bounded: int) -> None:
    ids = list(Article.objects.values_list("pk", flat=True))
    sample = random.Random(3).sample(ids, min(count, len(ids)))
    overlaps, old_ms, new_ms = [], [], []
    print("load average before:", os.getloadavg())
    for article_id in sample:
        title = Article.objects.get(pk=article_id).title
        exclude = list(Article.objects.filter(title=title).values_list("pk", flat=True))
        old, old_time = top(article_id, exclude, 10**12)
        new, new_time = top(article_id, exclude, bounded)
        old_ms.append(old_time)
        new_ms.append(new_time)
        if old:
            overlaps.append(len(set(old) & set(new)) / len(old))
    print("load average after:", os.getloadavg())
    print(f"{len(sample)} articles, top {LIMIT}, copies left out")
    print(
        f"overlap of top {LIMIT}: mean {statistics.mean(overlaps):.3f},"
        f" median {statistics.median(overlaps):.3f}, min {min(overlaps):.3f}"
    )
    for name, times in (("every match", old_ms), (f"candidates <= {bounded}", new_ms)):
        p50, p95 = percentiles(times)
        print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 100,
        int(sys.argv[2]) if len(sys.argv) > 2 else similar.MLT_CANDIDATES,
    )
