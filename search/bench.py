"""The search benchmark: load Reuters-21578 fast, rebuild, time the query service.

Used by ``manage.py benchmark_search``; figures are p50/p95 in milliseconds.
"""

import os
import random
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from archive.ingest.normalize import content_hash
from archive.models import Article, Outlet, Tag, unique_slug
from archive.statistics import article_tables, statistics_note, tables_analyze

SOURCE = "benchmark:reuters"

_ONE_TERM = "oil trade bank dollar profit wheat coffee gold shares japan loss dividend tax sugar"
ONE_TERM = _ONE_TERM.split()
TWO_TERMS = [
    "oil prices",
    "bank rate",
    "trade deficit",
    "coffee quota",
    "gold mine",
    "wheat export",
    "profit rose",
    "dollar yen",
    "crude output",
    "share offer",
    "tax cut",
    "sugar crop",
]
PHRASES = [
    '"interest rates"',
    '"trade deficit"',
    '"net profit"',
    '"stock exchange"',
    '"crude oil"',
    '"central bank"',
    '"money supply"',
    '"record date"',
]
# Questions as a person types them (best match, feedback and all).
QUESTIONS = [
    "what did opec ministers say about oil prices",
    "why did the central bank raise interest rates",
    "how much coffee did brazil export last year",
    "which companies reported record profits this quarter",
    "is the dollar falling against the yen",
    "who will buy the shares of the steel company",
    "what is the outlook for the wheat harvest in the soviet union",
    "did japan agree to cut its trade surplus with the united states",
]
MISSPELT = [
    "petrolium",
    "goverment",
    "expots",
    "bankng",
    "currancy",
    "dividnd",
    "cofee",
    "inflaton",
]
PREFIXES = ["oi", "ba", "tra", "ja", "wh", "co", "go", "pe"]


def database_migrate(*, log: Callable = print) -> bool:
    """Apply the migrations a new (or older) database lacks, and say so: a benchmark on a
    fresh DATA_DIR loads into it without a separate ``migrate``. True when it migrated."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return False
    log(f"database {connection.settings_dict['NAME']}: applying {len(plan)} migrations first")
    call_command("migrate", interactive=False, verbosity=0)
    return True


def _drafts(corpus: Path):
    from archive.ingest.draft import ArticleDraft
    from archive.ingest.readers import reuters

    for path in sorted(corpus.glob("reut2-*")):
        for item in reuters.read(path.read_bytes(), source=path.name):
            if isinstance(item, ArticleDraft) and (item.body or item.title):
                yield item


def corpus_load(corpus: Path, *, copies: range, log: Callable = print) -> int:
    """Bulk-load ``copies`` of Reuters (copy n: other ids, dates n years later).
    Skips copies already loaded; bypasses signals, so rebuild the index after."""
    drafts = list(_drafts(corpus))
    outlet, _ = Outlet.objects.get_or_create(name="Reuters", defaults={"slug": "reuters"})
    refs = {(t.kind, unique_slug(t.name)): t for d in drafts for t in d.tags}
    existing = set(Tag.objects.values_list("kind", "slug"))
    Tag.objects.bulk_create(
        [Tag(name=r.name, kind=k, slug=s) for (k, s), r in refs.items() if (k, s) not in existing],
        ignore_conflicts=True,
    )
    tag_ids = {(k, s): pk for pk, k, s in Tag.objects.values_list("pk", "kind", "slug")}
    loaded = 0
    for copy in copies:
        source = f"{SOURCE}:{copy}"
        if Article.objects.filter(source=source).exists():
            continue
        with transaction.atomic():
            articles, tag_sets = [], []
            for draft in drafts:
                published = (
                    draft.published.replace(year=draft.published.year + copy)
                    if draft.published
                    else None
                )
                body = draft.body or draft.title
                articles.append(
                    Article(
                        title=draft.title or body[:80],
                        body=body,
                        outlet=outlet,
                        published=published,
                        language="en",
                        source=source,
                        external_id=f"{draft.external_id}-{copy}",
                        word_count=len(body.split()),
                        content_hash=content_hash(f"{body} {copy} {draft.external_id}"),
                    )
                )
                tag_sets.append({tag_ids[(t.kind, unique_slug(t.name))] for t in draft.tags})
            Article.objects.bulk_create(articles, batch_size=2000)
            links = [
                Article.tags.through(article_id=a.pk, tag_id=t)
                for a, tags in zip(articles, tag_sets, strict=True)
                for t in tags
            ]
            Article.tags.through.objects.bulk_create(links, batch_size=5000)
        loaded += len(articles)
        log(f"loaded copy {copy}: {len(articles)} articles")
    if loaded:
        log(statistics_note(tables_analyze(article_tables())))
    return loaded


def copies_loaded() -> int:
    """How many copies of Reuters the database holds."""
    sources = Article.objects.filter(source__startswith=f"{SOURCE}:").values("source")
    return sources.distinct().count()


def copies_link() -> int:
    """Link articles with the same headline and date as copies of the first of them
    (a stand-in for copy detection, so that searches have copy groups to fold).
    Bypasses signals, like the load: rebuild the index after. Returns the copies linked."""
    first: dict[tuple, int] = {}
    copies: list[Article] = []
    rows = Article.objects.filter(duplicate_of=None).order_by("published", "pk")
    for pk, title, published in rows.values_list("pk", "title", "published"):
        key = (title.casefold().strip(), published)
        if key in first:
            copies.append(Article(pk=pk, duplicate_of_id=first[key]))
        else:
            first[key] = pk
    Article.objects.bulk_update(copies, ["duplicate_of"], batch_size=2000)
    if copies:
        tables_analyze([Article._meta.db_table])
    return len(copies)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(function: Callable, arguments: list, *, repeat: int) -> tuple[float, float, float]:
    """(p50, p95) of wall-clock milliseconds and the p50 of CPU milliseconds: on a
    machine shared with other work the CPU time is what the search itself costs."""
    samples, cpu = [], []
    for i in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function(arguments[i % len(arguments)])
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (*percentiles(samples), statistics.median(cpu))


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rebuild_rate() -> tuple[int, float, float]:
    """(articles, articles per wall second, articles per CPU second of all processes)."""
    from search.documents import articles_for_index
    from search.service import get_backend

    started, started_cpu = time.perf_counter(), _cpu_seconds()
    count = get_backend().rebuild(articles_for_index(), total=Article.objects.count())
    wall, cpu = time.perf_counter() - started, _cpu_seconds() - started_cpu
    return count, count / wall, count / max(cpu, 1e-9)


def embed_rate(*, limit: int | None = None) -> tuple[int, float, int]:
    """Embed the backlog (at most ``limit`` articles): (articles encoded, per second,
    articles with vectors now)."""
    from search.semantic import embed_pending

    started = time.perf_counter()
    encoded = embed_pending(limit=limit)
    rate = encoded / max(time.perf_counter() - started, 1e-9)
    return encoded, rate, embedded_count()


# --- scaled copies' vectors: a stand-in for latency only ------------------------------

# Noise added to each number of a reused unit vector (then made unit again): a copy stays
# about 0.995 in cosine from its original, and no two passages are the same point, which
# would crowd the approximate index's graph with neighbours at distance 0.
REUSE_NOISE = 0.005


def vectors_reuse(*, noise: float = REUSE_NOISE, seed: int = 21, batch: int = 2000) -> int:
    """Give each later copy of a Reuters article (``corpus_load``'s copy n > 0) that has
    no vectors the stored vectors of its copy 0, with seeded ``noise``; returns how many
    copies got them. A stand-in to time searches at scale (embedding 10x Reuters takes
    about 5 hours here), not the model's vectors: a copy's text is its original's (the
    same text hash), so they are marked current and never embedded after."""
    import numpy as np

    from search.models import ArticleEmbedding
    from search.semantic.model import DIMENSIONS

    originals = {}
    rows = ArticleEmbedding.objects.filter(article__source=f"{SOURCE}:0", passages__gt=0)
    for external_id, digest, passages, blob in rows.values_list(
        "article__external_id", "text_hash", "passages", "vectors"
    ):
        units = np.frombuffer(bytes(blob), dtype=np.float32).reshape(passages, DIMENSIONS)
        originals[external_id.rsplit("-", 1)[0]] = (digest, units)
    copies = list(
        Article.objects.filter(source__startswith=f"{SOURCE}:", embedding__isnull=True)
        .exclude(source=f"{SOURCE}:0")
        .order_by("pk")
        .values_list("pk", "external_id")
    )
    randomly, made = np.random.default_rng(seed), 0
    for start in range(0, len(copies), batch):
        rows = []
        for pk, external_id in copies[start : start + batch]:
            original = originals.get(external_id.rsplit("-", 1)[0])
            if original is None:
                continue  # its original has no vectors yet: the copy waits in the backlog
            digest, units = original
            noisy = units + randomly.normal(0.0, noise, units.shape).astype(np.float32)
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            rows.append(
                ArticleEmbedding(
                    article_id=pk, text_hash=digest, vectors=noisy.tobytes(), passages=len(noisy)
                )
            )
        ArticleEmbedding.objects.bulk_create(rows)
        made += len(rows)
    return made


def embedded_count() -> int:
    from search.models import ArticleEmbedding

    return ArticleEmbedding.objects.count()


def originals_pending() -> int:
    """Articles of copy 0 without vectors (the first in id order: loaded first)."""
    return Article.objects.filter(source=f"{SOURCE}:0", embedding__isnull=True).count()


def vectors_ready(*, wait: float = 3600.0) -> tuple[int, float | None]:
    """The process's copy of the vectors loaded and, when it is large enough for the
    approximate index, that index built (waited for, at most ``wait`` seconds): the
    passages and the seconds the index took (None: exact search, no index)."""
    from search.semantic.vectors import current_vectors

    started = time.perf_counter()
    vectors = current_vectors()
    if vectors.approximate is None:
        return len(vectors.units), None
    while not vectors.approximate.ready and time.perf_counter() - started < wait:
        time.sleep(1)
    return len(vectors.units), time.perf_counter() - started


def query_figures(*, repeat: int = 60, **request) -> dict[str, tuple[float, float, float]]:
    """Timings of each kind of query; ``request``: more ``SearchRequest`` fields
    (``collapse="none"``)."""
    from django.conf import settings

    from search import service
    from search.types import SearchRequest

    # The benchmarks repeat a handful of searches: with answers kept (both engines keep
    # them, SEARCH_ANSWERS_KEPT) every repeat would be read from memory, timing a
    # dictionary, not a search. The backend is made afresh so that none is held either.
    settings.SEARCH_ANSWERS_KEPT = 0
    service.reset_backends()
    facets = ("outlet", "year", "topic", "place")
    randomly = random.Random(4)
    years = sorted({d.year for d in Article.objects.dates("published", "year")})

    def search(q="", **fields):
        return service.search(SearchRequest(q=q, facets=facets, page_size=20, **request, **fields))

    def filtered(q):
        year = randomly.choice(years) if years else None
        return search(q, years=(year,) if year else (), tags=("topic:earn", "topic:acq"))

    def dated(q):
        year = randomly.choice(years) if years else 1987
        return search(f"{q} published:[{year}-03-01 TO {year}-03-31]")

    ids = list(Article.objects.values_list("pk", flat=True)[:500])
    figures = {}
    search("warm up")
    figures["one term"] = timed(search, ONE_TERM, repeat=repeat)
    figures["two terms"] = timed(search, TWO_TERMS, repeat=repeat)
    figures["phrase"] = timed(search, PHRASES, repeat=repeat)
    figures["question (plain words)"] = timed(search, QUESTIONS, repeat=repeat)
    figures["question, every hit explained"] = timed(
        lambda q: search(q, explain=True), QUESTIONS, repeat=repeat
    )
    figures["filters (year, topics)"] = timed(filtered, ONE_TERM, repeat=repeat)
    figures["date range in query"] = timed(dated, ONE_TERM, repeat=repeat)
    figures["browse all (empty query)"] = timed(lambda _: search(), [None], repeat=repeat)
    figures["browse newest, page 50"] = timed(
        lambda _: search(sort="newest", page=50), [None], repeat=repeat
    )
    figures["did you mean (misspelt)"] = timed(search, MISSPELT, repeat=repeat)
    figures["more like this"] = timed(lambda i: service.more_like_this(i), ids, repeat=repeat)
    figures["autocomplete"] = timed(lambda p: service.suggest(p), PREFIXES, repeat=repeat)
    return figures


# --- alerts: matching new articles against saved searches ------------------------------

BENCH_USER = "benchmark-alerts"


def saved_searches_make(count: int, *, seed: int = 19) -> int:
    """``count`` saved searches of the benchmark user, a mix of words, phrases, questions
    and filters (topic, year, date range, outlet); returns how many differ in parameters."""
    from django.contrib.auth import get_user_model

    from archive.alerts.models import SavedSearch

    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    SavedSearch.objects.filter(user=user).delete()
    randomly = random.Random(seed)
    topics = list(Tag.objects.filter(kind="topic").values_list("slug", flat=True)) or ["earn"]
    years = [str(d.year) for d in Article.objects.dates("published", "year")] or ["1987"]
    words = ONE_TERM + TWO_TERMS + PHRASES + QUESTIONS + [t.replace("-", " ") for t in topics]
    searches = []
    for n in range(count):
        params = {"q": [randomly.choice(words)]}
        kind = randomly.random()
        if kind < 0.25:
            params["tag"] = [f"topic:{randomly.choice(topics)}"]
        elif kind < 0.4:
            params["year"] = [randomly.choice(years)]
        elif kind < 0.5:
            params["from"] = [f"{randomly.choice(years)}-03-01"]
        elif kind < 0.6:
            params["outlet"] = ["reuters"]
        elif kind < 0.7:
            params = {"tag": [f"topic:{randomly.choice(topics)}"]}  # filters alone
        searches.append(SavedSearch(user=user, name=f"bench {n}", params=params))
    SavedSearch.objects.bulk_create(searches)
    return len({repr(sorted(s.params.items())) for s in searches})


def matching_figures(new_ids: list[int], *, repeat: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU seconds (this process and its PostgreSQL server process) of each
    matching of ``new_ids`` against every saved search (the matches one run made are
    removed before the next), and the matches of the last. On a shared machine the CPU
    time is what matching costs; the wall time also counts the waits for a core."""
    from archive.alerts.models import AlertMatch
    from search.alerts import alerts_match

    samples, cpu, made = [], [], 0
    for _ in range(repeat):
        AlertMatch.objects.filter(article_id__in=new_ids).delete()
        started, started_cpu = time.perf_counter(), time.process_time() + database_cpu_seconds()
        made = len(alerts_match(article_ids=new_ids))
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() + database_cpu_seconds() - started_cpu)
    return samples, cpu, made


def database_cpu_seconds() -> float:
    """CPU seconds of this connection's PostgreSQL server process, when it runs on this
    machine (0 otherwise, and for SQLite, whose work is in this process already)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return process_cpu_seconds(pid)


def machine_cpu_seconds() -> float:
    """CPU seconds every process on this machine has used since it started (user, nice,
    system and interrupts; not idle, waiting or stolen by the host), from ``/proc/stat``:
    the work a benchmark made, wherever it ran (database servers and their parallel
    workers included)."""
    try:
        ticks = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = map(int, ticks[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) of a process on this machine, from ``/proc``; 0 when
    it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
