"""The importing connection's page cache on SQLite.

SQLite keeps 2 MB of pages per connection by default. An import writes the band keys of
copy detection (42 an article, random 64-bit keys) into an index spread over the whole
table, so each chunk touches pages all over it: past a few thousand articles most of
them have been evicted since the last chunk and are read and parsed again. A larger
cache for the run keeps them; the connection gets its former size back afterwards.
"""

import contextlib
from collections.abc import Iterator

from django.db import connection

# KiB (a negative cache_size is a size, not a page count): the band index of all of
# Reuters-21578 (876,000 keys) fits in it.
IMPORT_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def import_page_cache() -> Iterator[None]:
    """A larger SQLite page cache while the block runs (nothing on other databases)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
