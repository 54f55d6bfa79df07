import json

import pytest


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path (bytes or text) and return its path."""

    def _write(name: str, content) -> "object":
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


def jsonl(*objects) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


ARTICLE = {
    "title": "Port strike ends after ten days",
    "body": "Dock workers in the port returned to work on Monday after a ten-day strike over "
    "pay ended with an agreement, the union said.\n\nShipping lines said the backlog of "
    "containers would take two weeks to clear.",
    "outlet": "Harbour Times",
    "published": "2020-03-04",
    "authors": ["Ana Silva", "Tom Berg"],
    "tags": ["Labour", {"name": "Rotterdam", "kind": "place", "aliases": ["Rotterdam port"]}],
    "url": "https://example.org/port-strike",
    "summary": "The strike is over.",
    "language": "en",
}
