"""Reading a collection folder in whichever format it is written."""

from pathlib import Path

from search.evaluation import smart, trec
from search.evaluation.collections import Collection, CollectionError, matching


def collection_read(path: Path) -> Collection:
    """Read the collection in folder ``path``: SMART (``*.ALL``) or TREC (``*.jsonl``)."""
    if not path.is_dir():
        raise CollectionError(f"{path} is not a folder")
    if matching(path, "*.all"):
        return smart.read(path)
    if matching(path, "*.jsonl"):
        return trec.read(path)
    raise CollectionError(
        f"{path} holds neither a SMART collection (*.ALL, *.QRY, *.REL) nor a TREC one "
        "(documents *.jsonl, topics, qrels)"
    )
