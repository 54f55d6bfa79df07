"""Bodies for POST /api/ingest/: handed to the ingest pipeline as bytes, bounded in size."""

from dataclasses import dataclass

from django.conf import settings
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

from archive.api.exceptions import PayloadTooLarge


def too_large_message() -> str:
    limit = settings.API_MAX_UPLOAD_BYTES
    return f"The upload is larger than the {limit:,} bytes allowed (API_MAX_UPLOAD_BYTES)."


@dataclass(frozen=True)
class RawUpload:
    content: bytes
    fmt: str


class RawBodyParser(BaseParser):
    """The body as bytes; reads at most one byte past the limit to know it is too large."""

    ingest_format = ""

    def parse(self, stream, media_type=None, parser_context=None) -> RawUpload:
        limit = settings.API_MAX_UPLOAD_BYTES
        content = stream.read(limit + 1) if stream is not None else b""
        if len(content) > limit:
            raise PayloadTooLarge(too_large_message())
        return RawUpload(content, self.ingest_format)


class RawJSONParser(RawBodyParser):
    media_type = "application/json"
    ingest_format = "json"


class RawNDJSONParser(RawBodyParser):
    media_type = "application/x-ndjson"
    ingest_format = "jsonl"


class RawJSONLinesParser(RawBodyParser):
    media_type = "application/jsonl"
    ingest_format = "jsonl"


class JSONLinesRenderer(JSONRenderer):
    """Lets a client ask for JSON Lines (export); errors are still one JSON object."""

    media_type = "application/x-ndjson"
    format = "jsonl"
