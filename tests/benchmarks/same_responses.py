"""Writes the responses of many searches and pages to a directory (not a test), to compare
two versions of the code byte for byte: timings and CSRF tokens masked.

    DATA_DIR=/tmp/bench .venv/bin/python tests/benchmarks/same_responses.py /tmp/after
    cd /path/to/main && DATA_DIR=/tmp/bench .venv/bin/python \\
        /path/to/this/tests/benchmarks/same_responses.py --code . /tmp/before
    diff -r /tmp/before /tmp/after && echo same

Uses the archive api_load.py ``--setup`` made; ``--code`` imports the project from another
checkout (its own venv runs the script). ``SEARCH_ANSWERS_KEPT=0`` is set: every
response is computed, none replayed.
"""

import argparse
import hashlib
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MASKS = [
    (re.compile(rb'"took_ms":\s*[0-9.e-]+'), b'"took_ms":0'),
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken"'),
    (re.compile(rb"\d+(\.\d+)? ?ms\b"), b"N ms"),
]
EXTRA = [
    "q=oil&explain=1",
    "q=oil&collapse=none",
    "q=oil&collapse=stories",
    "q=oil&facets=year,topic,place,organization,person,outlet,author,language,month",
    "q=oil&page=3",
    "q=gold&page=2&page_size=5",
    "q=oil+prices&explain=1&facets=topic",
    "q=oil&page_size=50",
    "q=oil&page_size=1",
    "q=petrolium+prices",
    "q=what+did+opec+decide+about+oil+output",
    "q=what+did+opec+decide+about+oil+output&explain=1",
    "q=%22crude+oil%22+OR+brent+OR+petrol*&explain=1",
    "q=tokyo+stock+exchange&sort=newest&facets=outlet",
    "q=bank+AND+NOT+rates",
    "q=%22crude+oil%22+OR+brent",
    "q=sugar&tag=place:brazil&facets=topic",
    "q=",
    "q=&tag=topic:gold",
    "q=&outlet=reuters&sort=oldest",
]


def paths() -> list[str]:
    from tests.benchmarks.api_load import QUERIES, page_paths

    api = [f"/api/search/?{q}" for q in QUERIES + EXTRA]
    page_queries = [p.split("?", 1)[1] for p in page_paths()]
    extra_pages = [q.replace("page_size=", "size=") for q in EXTRA]
    pages = [f"/?{q}" for q in page_queries + extra_pages]
    others = [
        "/api/articles/1/similar/",
        "/api/articles/500/similar/",
        "/api/articles/12345/similar/",
        "/articles/1/",
        "/articles/500/?q=oil",
        "/articles/12345/",
        "/tags/topic/crude/",
        "/tags/place/usa/",
        "/outlets/reuters/",
        "/api/suggest/?q=oi",
        "/suggest?q=ban",
    ]
    return api + pages + others


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the responses into")
    parser.add_argument("--code", type=Path, help="the checkout to import (default: this one)")
    args = parser.parse_args()
    root = (args.code or HERE.parents[1]).resolve()
    sys.path.insert(0, str(root))
    sys.path.insert(1, str(HERE.parents[1]))  # tests.benchmarks of this checkout
    os.chdir(root)
    os.environ["SEARCH_ANSWERS_KEPT"] = "0"
    from tests.benchmarks.request_cost import configure

    configure()
    from django.test import Client

    client = Client()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths():
        response = client.get(path, follow=True)
        body = response.content
        for pattern, replacement in MASKS:
            body = pattern.sub(replacement, body)
        name = re.sub(r"[^\w]+", "_", path)[:80] + "_" + hashlib.sha1(path.encode()).hexdigest()[:6]
        (args.out / name).write_bytes(f"{response.status_code}\n".encode() + body)
    print(f"{len(paths())} responses written to {args.out}")


if __name__ == "__main__":
    main()
