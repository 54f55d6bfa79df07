"""Benchmark: how well the story score tells one event from one topic, on labelled pairs.

The pairs (``story_pairs.json``) are Reuters-21578 articles judged by reading them: the
same event reported on nearby days (an offer and its answer, a strike and its end, a
figure and its correction) or the same topic but another event (two companies' results
on one day, two trade disputes in one week). The two Dalian seeds and the other seed
pairs are added. Each pair is scored as grouping scores it (``archive.stories``), with
document frequencies from its ±3-day window of Reuters, and precision, recall and F1
are printed for a range of thresholds, the chosen one marked:

    .venv/bin/python tests/benchmarks/bench_stories.py [--candidates 40]

``--candidates N`` prints N unlabelled pairs across the score range to judge instead.
It reads the corpus from ../shared (no database).
"""

import argparse
import glob
import json
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PAIRS = Path(__file__).with_name("story_pairs.json")
ENTITY = ("person", "place", "organization")


def read_corpus(shared: Path) -> dict[str, object]:
    """Reuters articles by NEWID, as profiles."""
    from archive.ingest import readers
    from archive.ingest.draft import ArticleDraft, IngestError
    from archive.ingest.pipeline import prepare
    from archive.stories.similarity import Profile

    profiles, texts = {}, {}
    for name in sorted(glob.glob(str(shared / "datasets" / "reuters21578" / "reut2-*.xml"))):
        for item in readers.read(Path(name).read_bytes(), fmt="reuters", source=name):
            if not isinstance(item, ArticleDraft) or item.published is None:
                continue
            try:
                draft = prepare(item)
            except IngestError:
                continue
            tags = [f"{t.kind}:{t.name.casefold()}" for t in draft.tags if t.kind in ENTITY]
            profiles[draft.external_id] = Profile.of(
                id=draft.external_id,
                published=draft.published,
                title=draft.title,
                body=draft.body,
                tag_ids=tags,
            )
            texts[draft.external_id] = (draft.title, draft.body)
    return profiles, texts


def seed_profiles() -> list:
    """The five seeds (as ``load_seeds`` reads them) and their ten pairs."""
    from django.conf import settings

    from archive.ingest.pipeline import prepare
    from archive.ingest.readers.text import read_text_file
    from archive.seeds import read_manifest
    from archive.stories.similarity import Profile

    directory = Path(settings.SEEDS_DIR)
    found = []
    for n, entry in enumerate(read_manifest(directory).articles.values()):
        meta = {k: v for k, v in entry.items() if v not in (None, "", [])}
        draft = prepare(read_text_file(directory / entry["file"], meta))
        tags = [f"{t.kind}:{t.name.casefold()}" for t in draft.tags if t.kind in ENTITY]
        found.append(
            Profile.of(
                id=f"seed{n}",
                published=draft.published,
                title=draft.title,
                body=draft.body,
                tag_ids=tags,
            )
        )
    return found


def pair_score(a, b, pool) -> float:
    """The score of ``a`` and ``b`` with frequencies from the originals of their window."""
    from archive.stories.similarity import WINDOW_DAYS, Frequencies, score, weights

    start = min(a.published, b.published) - timedelta(days=WINDOW_DAYS)
    end = max(a.published, b.published) + timedelta(days=WINDOW_DAYS)
    freq = Frequencies()
    for profile in pool:
        if start <= profile.published <= end:
            freq.add(profile)
    return score(a, b, weights(a, freq), weights(b, freq))


def measure(scored: list[tuple[float, bool]], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for s, same in scored if s >= threshold and same)
    fp = sum(1 for s, same in scored if s >= threshold and not same)
    fn = sum(1 for s, same in scored if s < threshold and same)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def candidates(profiles: dict, texts: dict, count: int) -> None:
    """Pairs to judge: for random articles, a neighbour within the window, across scores."""
    from archive.stories.similarity import WINDOW_DAYS

    rng = random.Random(18)
    by_day = {}
    for profile in profiles.values():
        by_day.setdefault(profile.published, []).append(profile)
    pool = list(profiles.values())
    found = []
    while len(found) < count:
        a = rng.choice(pool)
        near = [
            p
            for d in range(-WINDOW_DAYS, WINDOW_DAYS + 1)
            for p in by_day.get(a.published + timedelta(days=d), ())
            if p.id != a.id and len(set(p.tf) & set(a.tf)) > 8
        ]
        if not near:
            continue
        scored = sorted(
            ((pair_score(a, b, pool), b) for b in rng.sample(near, min(40, len(near)))),
            key=lambda x: -x[0],
        )
        s, b = scored[rng.randrange(min(3, len(scored)))]
        found.append((s, a, b))
    for s, a, b in sorted(found, key=lambda x: x[0]):
        print(f"\n=== {a.id} {a.published} | {b.id} {b.published}  score {s:.3f}")
        for p in (a, b):
            title, body = texts[p.id]
            print(f"  [{p.id}] {title}\n      {body[:300]!r}")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    from archive.stories.grouping import CLEAR, THRESHOLD

    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=0)
    options = parser.parse_args()
    profiles, texts = read_corpus(Path(settings.SHARED_DIR))
    if options.candidates:
        candidates(profiles, texts, options.candidates)
        return
    pool = list(profiles.values())
    labelled = json.loads(PAIRS.read_text())["pairs"]
    scored = []
    for a, b, same, _note in labelled:
        scored.append((pair_score(profiles[a], profiles[b], pool), same))
    seeds = seed_profiles()
    for i, a in enumerate(seeds):
        for b in seeds[i + 1 :]:
            same = {a.id, b.id} == {"seed1", "seed3"}
            scored.append((pair_score(a, b, seeds), same))
    positives = sum(1 for _, same in scored if same)
    print(f"{len(scored)} labelled pairs ({positives} one event, {len(scored) - positives} not)")
    print("threshold  precision  recall  F1")
    for t in [x / 100 for x in range(10, 70, 5)]:
        p, r, f = measure(scored, t)
        mark = " <- THRESHOLD" if abs(t - THRESHOLD) < 1e-9 else ""
        mark += " <- CLEAR (curated)" if abs(t - CLEAR) < 1e-9 else ""
        print(f"  {t:5.2f}    {p:6.3f}   {r:6.3f}  {f:5.3f}{mark}")


if __name__ == "__main__":
    main()
