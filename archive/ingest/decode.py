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


_LATIN_GUESSES = {
    "cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4",
    "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "mac_latin2", "mac_roman", "mac_iceland", "mac_turkish", "cp850", "cp437",
}  # fmt: skip


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
    if best.encoding in _LATIN_GUESSES:
        # Detection cannot tell one Latin code page from another on a short text; like
        # browsers, prefer Windows-1252 (a superset of Latin-1) when it fits.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(best)
