"""Bodies for POST /api/ingest/: handed to the ingest pipeline as bytes, bounded in size."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

from archive.api.exceptions import PayloadTooLarge


def too_large_message() -> str:
    limit = settings.API_MAX_UPLOAD_BYTES
    return f"The upload is larger than the {limit:,} bytes allowed (API_MAX_UPLOAD_BYTES)."


def accepted_uploads() -> str:
    """What POST /api/ingest/ reads, for the messages that refuse something else."""
    from archive.ingest.readers import EXTENSIONS

    return (
        "Send a JSON array (application/json), JSON Lines (application/x-ndjson or "
        "application/jsonl), or one file in the 'file' field of multipart/form-data named "
        + ", ".join(sorted(EXTENSIONS))
        + "."
    )


def declared_length(request) -> int:
    """The body size the client announces (0 when it says nothing or nonsense)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def max_upload_body() -> int:
    """The largest multipart body any page reads (the admin's or the API's limit)."""
    return max(settings.API_MAX_UPLOAD_BYTES, settings.INGEST_MAX_FILE_BYTES)


class BoundedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: refuses a multipart body declared larger than any
    upload may be (the larger of the API's and the admin's limits) before a byte of it
    is read, even when a CSRF check is the first to look at the form (the API answers
    413; elsewhere Django answers 400). A session upload to the API between its own
    limit and that one is read by the CSRF check, then refused by the view."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = max_upload_body()
        if content_length > limit:
            raise RequestDataTooBig(f"The upload is larger than the {limit:,} bytes allowed.")

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # the next handler keeps it

    def file_complete(self, file_size):
        return None


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


class CSVRenderer(JSONRenderer):
    """Lets a client ask for CSV (export); errors are still one JSON object."""

    media_type = "text/csv"
    format = "csv"
