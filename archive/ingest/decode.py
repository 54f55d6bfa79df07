"""Bytes to text: BOMs first, then UTF-8, then a detected encoding; archives refused."""

import codecs
from pathlib import PurePath

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


# Archives and compressed files are not read (no zip bombs, no paths inside archives):
# by their first bytes, whatever their name, or by their name.
_ARCHIVE_MAGIC = [
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
]
_ARCHIVE_SUFFIXES = {
    ".zip": "zip", ".gz": "gzip", ".tgz": "gzip", ".tar": "tar", ".bz2": "bzip2",
    ".tbz2": "bzip2", ".xz": "xz", ".txz": "xz", ".7z": "7z", ".rar": "rar", ".zst": "zstd",
}  # fmt: skip
ARCHIVE_REFUSAL = "archives and compressed files are not accepted; unpack them and send the files"


def archive_kind(data: bytes, name: str = "") -> str | None:
    """'zip', 'gzip', 'tar', … when ``data`` (or the file ``name``) is an archive, else None."""
    for magic, kind in _ARCHIVE_MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
        return "bzip2"
    if data[257:262] == b"ustar":
        return "tar"
    return _ARCHIVE_SUFFIXES.get(PurePath(name).suffix.lower())


def decode_bytes(data: bytes) -> str:
    """Decode text of unknown encoding; binary junk and archives raise IngestError."""
    kind = archive_kind(data)
    if kind:
        raise IngestError(f"a {kind} archive, not text: {ARCHIVE_REFUSAL}")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _text(data.decode(encoding))
    try:
        return _text(data.decode("utf-8"))
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
            return _text(data.decode("cp1252"))
        except UnicodeDecodeError:
            pass
    return _text(str(best))


def _text(text: str) -> str:
    # NUL is no character of any text (and PostgreSQL cannot store it).
    if "\x00" in text:
        raise IngestError("binary data, not text (it contains NUL bytes)")
    return text
