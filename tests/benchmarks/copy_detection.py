"""Benchmark: copy detection on Reuters-21578, the new method beside the old sketch.

    .venv/bin/python tests/benchmarks/copy_detection.py [--sources 1000] [--seed 18]

Reads Reuters-21578 (../shared/datasets/reuters21578) with the project's reader and
cleaner, picks ``--sources`` articles of at least 40 words (seeded) and makes one copy
of each with every edit of ``EDITS`` (``edit``; the copy with site chrome is cleaned as
an import cleans a scraped page), mixes the copies with all the other articles, and
groups the lot in a shuffled order: each text joins the group of the most alike stored
text it is a copy of, as an import does.

- precision: of the pairs of articles put in one group, the share that are one
  article's copies (or genuine Reuters near-duplicates, judged as below);
- recall: of the pairs of one article's copies (the source and its six copies), the
  share put in one group;
- false merges, on the Reuters articles alone: links from an article to one that is
  not a genuine near-duplicate of it, per article.

Reuters repeats itself (corrections, a story sent twice, a table re-sent with one
figure changed): a link between two Reuters articles is genuine when their word
sequences align (``difflib``) over at least half their length, an exact measure
independent of shingles and sketches. The links judged false are printed.

The old hand-written sketch (bottom-k, 32 values of word 5-shingles, resemblance >= 0.6,
only originals indexed) is kept below for the comparison only.
"""

import argparse
import difflib
import glob
import heapq
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from zlib import crc32

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

EDITS = ("headline", "trimmed", "added", "reordered", "chrome", "words")
MIN_SOURCE_WORDS = 40
GENUINE = 0.5
TRIMMED = 0.8

CHROME_TOP = (
    "Home | World | Business | Markets | Politics | Tech | Sport\n\n"
    "Share this article: Facebook Twitter LinkedIn Email Print\n\n"
)
CHROME_BOTTOM = (
    "\n\nCopyright {year} {outlet}. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed.\n\nSubscribe to our newsletter "
    "for the latest headlines delivered to your inbox every morning.\n\nRelated: "
    "{related}"
)
OUTLETS = ("Daily Ledger", "Market Wire Online", "City Herald", "Business Post", "Yonhap")
SWAPS = ("said", "reported", "told", "stated", "added", "noted", "announced", "according")


# -- corpus and edits -----------------------------------------------------------------


def reuters_articles() -> list[dict]:
    from django.conf import settings

    from archive.ingest import readers
    from archive.ingest.draft import ArticleDraft, IngestError
    from archive.ingest.normalize import content_hash
    from archive.ingest.pipeline import prepare

    corpus = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
    files = sorted(glob.glob(str(corpus / "reut2-*.xml")) + glob.glob(str(corpus / "reut2-*.sgm")))
    if not files:
        sys.exit(f"Reuters-21578 not found in {corpus}")
    articles, bodies = [], set()
    for name in files:
        for item in readers.read(Path(name).read_bytes(), fmt="reuters", source=name):
            if not isinstance(item, ArticleDraft):
                continue
            try:
                draft = prepare(item)
            except IngestError:
                continue
            digest = content_hash(draft.body)
            if digest in bodies:  # the same words twice are one article in the archive
                continue
            bodies.add(digest)
            articles.append(
                {"id": f"r{draft.external_id}", "title": draft.title, "body": draft.body}
            )
    return articles


def paragraphs(body: str) -> list[str]:
    parts = [p for p in body.split("\n\n") if p.strip()]
    if len(parts) >= 3:
        return parts
    return [s for s in re.split(r"(?<=[.!?])\s+", body) if s.strip()]  # sentences instead


def edit(kind: str, body: str, rng: random.Random, filler: str) -> str:
    parts = paragraphs(body)
    if kind == "headline":
        return body  # only the title changes (the benchmark's copy gets a new one)
    if kind == "trimmed":
        keep = max(1, round(len(parts) * rng.uniform(0.6, 0.8)))
        return "\n\n".join(parts[:keep])
    if kind == "added":
        added = paragraphs(filler)[:2]
        at = rng.randint(1, len(parts))
        return "\n\n".join(parts[:at] + added + parts[at:])
    if kind == "reordered":
        moved = parts[:]
        while len(moved) > 1 and moved == parts:
            rng.shuffle(moved)
        return "\n\n".join(moved)
    if kind == "chrome":
        related = " | ".join(paragraphs(filler)[:1])[:200]
        bottom = CHROME_BOTTOM.format(
            year=rng.randint(1987, 2026), outlet=rng.choice(OUTLETS), related=related
        )
        return CHROME_TOP + body + bottom
    if kind == "words":
        tokens = body.split(" ")
        for i in rng.sample(range(len(tokens)), k=max(3, len(tokens) // 25)):
            tokens[i] = rng.choice(SWAPS)
        return " ".join(tokens)
    raise ValueError(kind)


def cleaned(kind: str, body: str) -> str:
    """The body as an import stores it: a copy with site chrome comes from a scraped
    page, cleaned as one (``clean="full"``); the others as Reuters' own (``"light"``)."""
    from archive.ingest.draft import ArticleDraft
    from archive.ingest.pipeline import prepare

    mode = "full" if kind == "chrome" else "light"
    return prepare(ArticleDraft(body=body, title="copy", clean=mode)).body


def with_copies(articles: list[dict], *, sources: int, seed: int) -> tuple[list[dict], set[str]]:
    """The articles and a copy of ``sources`` of them with each edit (family = source id)."""
    rng = random.Random(seed)
    long_enough = [a for a in articles if len(a["body"].split()) >= MIN_SOURCE_WORDS]
    chosen = rng.sample(long_enough, sources)
    chosen_ids = {a["id"] for a in chosen}
    fillers = [a for a in long_enough if a["id"] not in chosen_ids]
    mixed = [{**a, "family": a["id"]} for a in articles]
    for source in chosen:
        for kind in EDITS:
            body = cleaned(kind, edit(kind, source["body"], rng, rng.choice(fillers)["body"]))
            mixed.append(
                {
                    "id": f"{source['id']}-{kind}",
                    "title": f"{kind}: {source['title']}",
                    "body": body,
                    "family": source["id"],
                    "kind": kind,
                }
            )
    rng.shuffle(mixed)
    return mixed, chosen_ids


# -- the two methods --------------------------------------------------------------------


class NewMethod:
    """``archive.ingest.dedupe``, its candidate table filled as ``CopyBand`` is."""

    name = "datasketch MinHash + LSH"

    def __init__(self):
        from archive.ingest import dedupe

        self.signature = dedupe.signature
        self.table = dedupe.CandidateTable()
        self.keys: list[str] = []  # the table knows articles by number, as ids are

    def link(self, key: str, body: str) -> str | None:
        signature = self.signature(body)
        if signature is None:
            return None
        best = self.table.best(signature)
        self.table.add(len(self.keys), signature)
        self.keys.append(key)
        return None if best is None else self.keys[best]


class OldMethod:
    """The hand-written bottom-k sketch that ``dedupe.py`` had until issue 18."""

    name = "old bottom-k sketch"
    SHINGLE, SKETCH_SIZE, MIN_SHINGLES, THRESHOLD, MAX_POSTINGS = 5, 32, 12, 0.6, 200

    def __init__(self):
        from archive.ingest.normalize import words

        self.words = words
        self.sketches = {}
        self.postings = defaultdict(list)

    def sketch(self, text):
        tokens = self.words(text)
        if len(tokens) < self.SHINGLE + self.MIN_SHINGLES - 1:
            return ()
        n = self.SHINGLE
        found = {crc32(" ".join(tokens[i : i + n]).encode()) for i in range(len(tokens) - n + 1)}
        return tuple(sorted(heapq.nsmallest(self.SKETCH_SIZE, found)))

    def resemblance(self, a, b):
        union = heapq.nsmallest(self.SKETCH_SIZE, set(a) | set(b))
        both = set(a) & set(b)
        return sum(1 for value in union if value in both) / len(union)

    def link(self, key: str, body: str) -> str | None:
        signature = self.sketch(body)
        if not signature:
            return None
        shared = Counter()
        for value in signature:
            ids = self.postings.get(value)
            if ids and len(ids) <= self.MAX_POSTINGS:
                shared.update(ids)
        best, best_score = None, self.THRESHOLD
        for candidate, count in shared.most_common(20):
            if count < 2:
                break
            score = self.resemblance(signature, self.sketches[candidate])
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:  # only originals were indexed
            self.sketches[key] = signature
            for value in signature:
                self.postings[value].append(key)
        return best


# -- grouping and judging ---------------------------------------------------------------


def group(method, items: list[dict]) -> tuple[dict[str, str], list[tuple[str, str]], float]:
    """Each item's group (its root's id) and the links made, in the items' order."""
    root, links = {}, []
    started = time.process_time()
    for item in items:
        twin = method.link(item["id"], item["body"])
        root[item["id"]] = root[twin] if twin is not None else item["id"]
        if twin is not None:
            links.append((item["id"], twin))
    return root, links, time.process_time() - started


class Judge:
    """Whether two Reuters articles are genuinely near-duplicates (cached)."""

    def __init__(self, bodies: dict[str, str]):
        from archive.ingest.normalize import words

        self.words = {k: words(v) for k, v in bodies.items()}
        self.cache = {}

    def genuine(self, a: str, b: str) -> bool:
        if a == b:
            return True
        key = (a, b) if a < b else (b, a)
        if key not in self.cache:
            x, y = self.words[a], self.words[b]
            matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
            aligned = sum(block.size for block in matcher.get_matching_blocks())
            shorter, longer = sorted((len(x), len(y)))
            # Most of the longer text, or nearly all of the shorter one (a trimmed version).
            self.cache[key] = aligned >= GENUINE * longer or aligned >= TRIMMED * shorter
        return self.cache[key]


def pair_scores(root: dict[str, str], items: list[dict], judge: Judge) -> tuple[float, float]:
    family = {item["id"]: item["family"] for item in items}
    groups = defaultdict(list)
    for key, group_id in root.items():
        groups[group_id].append(key)
    predicted = correct = 0
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                predicted += 1
                correct += family[a] == family[b] or judge.genuine(family[a], family[b])
    families = defaultdict(list)
    for item in items:
        families[item["family"]].append(item["id"])
    wanted = found = 0
    for members in families.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                wanted += 1
                found += root[a] == root[b]
    return correct / max(predicted, 1), found / max(wanted, 1)


def by_edit(root: dict[str, str], items: list[dict]) -> dict[str, float]:
    recall = {}
    for kind in EDITS:
        copies = [item for item in items if item.get("kind") == kind]
        recall[kind] = sum(root[c["id"]] == root[c["family"]] for c in copies) / len(copies)
    return recall


def false_links(links, judge: Judge) -> list[tuple[str, str]]:
    return [(a, b) for a, b in links if not judge.genuine(a, b)]


def main() -> None:
    import django

    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--show", type=int, default=10, help="False links to print.")
    args = parser.parse_args()

    articles = reuters_articles()
    mixed, _ = with_copies(articles, sources=args.sources, seed=args.seed)
    order = random.Random(args.seed + 1)
    distinct = articles[:]
    order.shuffle(distinct)
    judge = Judge({a["id"]: a["body"] for a in articles})
    print(
        f"{len(articles):,} Reuters articles (distinct bodies); {args.sources:,} sources x "
        f"{len(EDITS)} edits = {len(mixed) - len(articles):,} copies; seed {args.seed}"
    )
    for method_class in (OldMethod, NewMethod):
        root, _, seconds = group(method_class(), mixed)
        precision, recall = pair_scores(root, mixed, judge)
        edits = ", ".join(f"{k} {v:.3f}" for k, v in by_edit(root, mixed).items())
        _, plain_links, _ = group(method_class(), distinct)
        wrong = false_links(plain_links, judge)
        print(f"\n{method_class.name}: {seconds:.1f} s CPU for {len(mixed):,} texts")
        print(f"  copies: precision {precision:.4f}, recall {recall:.4f}")
        print(f"  recall by edit: {edits}")
        print(
            f"  Reuters alone: {len(plain_links):,} links, {len(wrong)} not genuine: false-merge "
            f"rate {len(wrong) / len(distinct):.4%} of {len(distinct):,} articles"
        )
        for a, b in wrong[: args.show]:
            print(f"    {a} -> {b}: {judge.words[a][:12]} | {judge.words[b][:12]}")


if __name__ == "__main__":
    main()
