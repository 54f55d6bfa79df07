"""Benchmark of the semantic layer (search/semantic/): five measurements.

    .venv/bin/python tests/benchmarks/bench_semantic.py rules [--sizes 150,100]
        CISI, semantic ranking alone: nDCG@10 and MAP of each way of combining an
        article's passages (first passage, mean vector, best passage), per passage size.
    .venv/bin/python tests/benchmarks/bench_semantic.py throughput [--sample 400]
            [--threads 1,2] [--batches 32] [--runs 3]
        Reuters-21578: documents encoded per second (a sample) with each number of torch
        threads and batch size, interleaved; the whole backlog's drain time from it.
    .venv/bin/python tests/benchmarks/bench_semantic.py nearest [--articles 20000]
        nearest() p50/p95, exact and approximate, at 1x and 10x (synthetic unit vectors,
        1.3 passages an article as Reuters has), and the memory the vectors take.
    DATA_DIR=... .venv/bin/python tests/benchmarks/bench_semantic.py recall [--held-out 200]
            [--connectivity 16] [--expansions 64,128,256]
        Recall@10 of the HNSW graph against the exact product on the database's real
        embeddings, for each graph setting, and the time a question takes through it.
    .venv/bin/python tests/benchmarks/bench_semantic.py rss [--articles 21000]
        The resident memory of a process with the model loaded and the vectors in memory
        (synthetic, as many as Reuters' articles).

It reads the collections from ../shared and needs no database.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _django():
    import django

    django.setup()


def _cisi():
    from django.conf import settings

    from search.evaluation.formats import collection_read

    return collection_read(Path(settings.SHARED_DIR) / "datasets" / "cisi")


def rules(sizes: list[int]) -> None:
    import ir_measures
    from ir_measures import AP, nDCG

    from search.semantic.model import encode
    from search.semantic.passages import text_passages

    collection = _cisi()
    questions = collection.judged()
    asked = encode([q.text for q in questions])
    judged = {q.id: collection.judgements[q.id] for q in questions}
    print(f"CISI: {len(collection.documents)} documents, {len(questions)} judged questions")
    print(f"{'words':>5} {'rule':<6} {'nDCG@10':>8} {'MAP':>6} {'passages':>8} {'took s':>7}")
    for size in sizes:
        start = time.perf_counter()
        owners, texts = [], []
        for number, doc in enumerate(collection.documents):
            text = "\n".join(part for part in (doc.title, doc.text) if part)
            for passage in text_passages(doc.title, text, size=size):
                owners.append(number)
                texts.append(passage)
        units = encode(texts)
        took = time.perf_counter() - start
        owners = np.asarray(owners)
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        for rule in ("first", "mean", "max"):
            scores = _rule_scores(rule, units, starts, asked)
            run = {
                q.id: {
                    collection.documents[owners[starts[i]]].id: float(scores[n, i])
                    for i in np.argsort(-scores[n])[:1000]
                }
                for n, q in enumerate(questions)
            }
            values = ir_measures.calc_aggregate([nDCG @ 10, AP @ 1000], judged, run)
            print(
                f"{size:>5} {rule:<6} {values[nDCG @ 10]:>8.3f} {values[AP @ 1000]:>6.3f} "
                f"{len(texts):>8} {took:>7.1f}",
                flush=True,
            )


def _rule_scores(rule, units, starts, asked):
    if rule == "first":
        return asked @ units[starts].T
    if rule == "mean":
        sums = np.add.reduceat(units, starts, axis=0)
        sums /= np.linalg.norm(sums, axis=1, keepdims=True)
        return asked @ sums.T
    return np.maximum.reduceat(asked @ units.T, starts, axis=1)


def throughput(sample: int, *, threads: list[int], batches: list[int], runs: int) -> None:
    """Each (threads, batch size) on the same sample, interleaved run by run, so that the
    load of a shared machine weighs on every setting alike."""
    import torch

    from search.semantic import model

    drafts = _reuters_drafts()
    chosen = drafts[:: max(1, len(drafts) // sample)][:sample]
    passages = [p for draft in chosen for p in _draft_passages(draft)]
    model.get_model()
    print(f"Reuters-21578: {len(drafts)} articles with a body; sample {len(chosen)}")
    print(f"  {len(passages)} passages ({len(passages) / len(chosen):.2f} an article)")
    _where_the_time_goes(model.get_model(), passages, batches)
    rates: dict[tuple[int, int], list[float]] = {}
    for run in range(runs):
        for count in threads:
            for batch in batches:
                torch.set_num_threads(count)
                wall, cpu = time.perf_counter(), time.process_time()
                model.encode(passages, batch_size=batch)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                rates.setdefault((count, batch), []).append(len(chosen) / wall)
                print(
                    f"  run {run + 1}: {count} thread(s), batch {batch:>3}: "
                    f"{len(chosen) / wall:5.1f} articles/s wall, {len(chosen) / cpu:5.1f} per "
                    f"CPU-second  (load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
    for (count, batch), values in rates.items():
        best = max(values)
        print(
            f"{count} thread(s), batch {batch:>3}: median {np.median(values):5.1f} articles/s, "
            f"best {best:5.1f}; Reuters' backlog drains in {len(drafts) / best / 60:.0f} min "
            "at the best rate"
        )
    print(f"  load average: {os.getloadavg()}")


def _where_the_time_goes(encoder, passages: list[str], batches: list[int]) -> None:
    """The word pieces the model reads, the padding its batches add (it sorts the texts
    by length itself), and the share of tokenizing in the time."""
    start = time.process_time()
    lengths = np.asarray([len(encoder.preprocess([p])["input_ids"][0]) for p in passages])
    tokenizing = time.process_time() - start
    print(
        f"  word pieces a passage: median {np.median(lengths):.0f}, max {lengths.max()}; "
        f"tokenizing them all: {tokenizing:.2f} CPU-s"
    )
    ordered = np.sort(lengths)[::-1]
    for batch in batches:
        padded = sum(
            ordered[i : i + batch].max() * len(ordered[i : i + batch])
            for i in range(0, len(ordered), batch)
        )
        print(f"  batch {batch:>3}: padding adds {padded / lengths.sum() - 1:.1%} to the tokens")


def _reuters_drafts() -> list:
    from django.conf import settings

    from archive.ingest import readers
    from archive.ingest.draft import ArticleDraft

    folder = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
    drafts = []
    for name in sorted(folder.glob("reut2-*.xml")):
        for item in readers.read(name.read_bytes(), fmt="reuters", source=str(name)):
            if isinstance(item, ArticleDraft) and item.body:
                drafts.append(item)
    return drafts


def _draft_passages(draft) -> list[str]:
    from search.semantic.passages import text_passages

    text = "\n".join(p for p in (draft.title, draft.summary, draft.body) if p)
    return text_passages(draft.title, text)


def nearest_timing(articles: int) -> None:
    from search.semantic import vectors as store
    from search.semantic.approximate import Approximate

    rng = np.random.default_rng(21)
    question = rng.standard_normal((50, 384)).astype(np.float32)
    question /= np.linalg.norm(question, axis=1, keepdims=True)
    for scale in (1, 10):
        n = articles * scale
        counts = rng.choice([1, 1, 1, 2], size=n)  # about 1.25 passages an article
        units = rng.standard_normal((int(counts.sum()), 384)).astype(np.float32)
        units /= np.linalg.norm(units, axis=1, keepdims=True)
        vectors = store.vectors_of(np.arange(1, n + 1), counts, units, stamp=(n, n))
        print(f"{scale:>3}x {n} articles, {len(units)} passages, {units.nbytes / 2**20:.0f} MiB")
        _time("exact", lambda q, v=vectors: store.nearest_in(v, q, 100, exact=True), question)
        built = time.perf_counter()
        approximate = Approximate()
        approximate._build(vectors, threads=2)
        print(f"     HNSW built in {time.perf_counter() - built:.0f} s (2 threads)", flush=True)
        found = [approximate.nearest(q, 100, oversample=store.OVERSAMPLE) for q in question[:20]]
        exact = [store.nearest_in(vectors, q, 100, exact=True) for q in question[:20]]
        recall = np.mean(
            [
                len({i for i, _ in f} & {i for i, _ in e}) / 100
                for f, e in zip(found, exact, strict=True)
            ]
        )
        _time(
            "approximate",
            lambda q, a=approximate: a.nearest(q, 100, oversample=store.OVERSAMPLE),
            question,
        )
        print(f"     approximate recall@100 against exact: {recall:.3f}", flush=True)
    print(f"load average: {os.getloadavg()}")


def _time(label, search, questions) -> None:
    took, cpu = [], []
    for q in questions:
        start, start_cpu = time.perf_counter(), time.thread_time()
        search(q)
        took.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    p50, p95 = np.percentile(took, [50, 95])
    print(
        f"     {label:<12} k=100 p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"(CPU of the calling thread: median {np.median(cpu):.1f} ms)",
        flush=True,
    )


def recall(*, held_out: int, connectivity: list[int], expansions: list[int]) -> None:
    """Recall@10 of the HNSW graph against the exact product, on the real embeddings of
    the configured database (DATA_DIR / DATABASE_URL); the questions are the vectors of
    ``held_out`` articles' first passages, left out of the graph."""
    from search.models import ArticleEmbedding
    from search.semantic import vectors as store
    from search.semantic.approximate import Approximate

    ids, counts, units = store._rows(ArticleEmbedding.objects.filter(passages__gt=0).order_by("id"))
    rng = np.random.default_rng(21)
    asked = np.zeros(len(ids), dtype=bool)
    asked[rng.choice(len(ids), size=min(held_out, len(ids) // 10), replace=False)] = True
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    questions = units[starts[asked]]
    kept = np.repeat(~asked, counts)
    vectors = store.vectors_of(
        np.asarray(ids)[~asked], np.asarray(counts)[~asked], units[kept], stamp=(0, 0)
    )
    print(
        f"{len(vectors.articles)} embedded articles, {len(vectors.units)} passages; "
        f"{len(questions)} questions (held-out articles' first passages)",
        flush=True,
    )
    exact = [{i for i, _ in store.nearest_in(vectors, q, 10, exact=True)} for q in questions]
    for links in connectivity:
        built = time.perf_counter()
        approximate = Approximate(connectivity=links)
        approximate._build(vectors, threads=2)
        took = time.perf_counter() - built
        for expansion in expansions:
            approximate.index.expansion_search = expansion
            start = time.perf_counter()
            found = [
                {i for i, _ in approximate.nearest(q, 10, oversample=store.OVERSAMPLE)}
                for q in questions
            ]
            each = (time.perf_counter() - start) / len(questions) * 1000
            value = np.mean([len(f & e) / 10 for f, e in zip(found, exact, strict=True)])
            print(
                f"connectivity {links:>2}, expansion_search {expansion:>3}: recall@10 "
                f"{value:.3f}, {each:.2f} ms a question (graph built in {took:.0f} s)",
                flush=True,
            )
    print(f"load average: {os.getloadavg()}")


def rss(articles: int) -> None:
    from search.semantic import vectors as store
    from search.semantic.model import encode_query

    before = _rss_mib()
    encode_query("grain exports")
    with_model = _rss_mib()
    took, cpu = [], []
    for n in range(20):
        start, start_cpu = time.perf_counter(), time.process_time()
        encode_query(f"talks on the nuclear programme {n}")
        took.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(
        f"a question encodes in {np.median(took):.1f} ms median wall, {np.median(cpu):.1f} ms CPU"
    )
    rng = np.random.default_rng(21)
    counts = rng.choice([1, 1, 1, 2], size=articles)
    units = rng.standard_normal((int(counts.sum()), 384)).astype(np.float32)
    vectors = store.vectors_of(np.arange(1, articles + 1), counts, units, stamp=(0, 0))
    store.nearest_in(vectors, units[0], 10, exact=True)
    print(
        f"RSS: Django {before:.0f} MiB, with the model {with_model:.0f} MiB, with the "
        f"vectors of {articles} articles ({len(units)} passages) {_rss_mib():.0f} MiB"
    )


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("rules").add_argument("--sizes", default="150,100,60")
    speed = sub.add_parser("throughput")
    speed.add_argument("--sample", type=int, default=400)
    speed.add_argument("--threads", default="1,2", help="torch threads, each tried in turn")
    speed.add_argument("--batches", default="32", help="encoder batch sizes, each tried")
    speed.add_argument("--runs", type=int, default=3)
    sub.add_parser("nearest").add_argument("--articles", type=int, default=20000)
    sub.add_parser("rss").add_argument("--articles", type=int, default=21000)
    graph = sub.add_parser("recall")
    graph.add_argument("--held-out", type=int, default=200)
    graph.add_argument("--connectivity", default="16")
    graph.add_argument("--expansions", default="64,128,256")
    args = parser.parse_args()
    _django()
    if args.what == "rules":
        rules([int(s) for s in args.sizes.split(",")])
    elif args.what == "throughput":
        throughput(
            args.sample,
            threads=[int(n) for n in args.threads.split(",")],
            batches=[int(n) for n in args.batches.split(",")],
            runs=args.runs,
        )
    elif args.what == "nearest":
        nearest_timing(args.articles)
    elif args.what == "recall":
        recall(
            held_out=args.held_out,
            connectivity=[int(n) for n in args.connectivity.split(",")],
            expansions=[int(n) for n in args.expansions.split(",")],
        )
    else:
        rss(args.articles)


if __name__ == "__main__":
    main()
