"""Band keys made by another function: numpy's, over many signatures at once, in place
of a keyed BLAKE2b hash per band (``archive.ingest.dedupe.band_keys``).

The stored keys no longer match the ones a new text gets, so they are deleted and every
article with a signature waits in the band queue again, found as a candidate through it
meanwhile. The signatures are unchanged: no text is read again. The keys are written
afresh by the next import (at its start when more than ``BAND_BATCH`` articles wait, at
its end otherwise), by the worker's task, or by ``manage.py group_articles``.
Backwards, the same: the queue is written by whichever function the code has then.
"""

from django.db import migrations

# A run number no import draws (``CopyIndex.run`` is a random 62-bit number, never 0
# but once in 2**62): every run sees these articles as queued by another.
_MIGRATION_RUN = 0


def _requeue(apps, schema_editor):
    band = apps.get_model("archive", "CopyBand")
    queue = apps.get_model("archive", "CopyBandQueue")
    signature = apps.get_model("archive", "CopySignature")
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(band._meta.db_table)}")
        cursor.execute(f"DELETE FROM {quote(queue._meta.db_table)}")
        cursor.execute(
            f"INSERT INTO {quote(queue._meta.db_table)} ({quote('article_id')}, {quote('run')})"
            f" SELECT {quote('article_id')}, %s FROM {quote(signature._meta.db_table)}"
            f" WHERE {quote('shingles')} > 0",
            [_MIGRATION_RUN],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0062_copyband_article_unchecked"),
    ]

    operations = [migrations.RunPython(_requeue, _requeue)]
