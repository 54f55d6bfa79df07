"""Bytes to text: BOMs first, then UTF-8, then a detected encoding."""

import codecs

from charset_normalizer import from_bytes

from archive.ingest.draft import IngestError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_bytes(data: bytes) -> str:
    """Decode text of unknown encoding; binary junk raises IngestError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise IngestError("binary data, not text")
    best = from_bytes(data).best()
    if best is None:
        raise IngestError("not text in any known encoding")
    return str(best)
