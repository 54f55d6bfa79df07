"""What the search migrations share (the loader skips modules named with ``_``)."""


def on_postgres(sql):
    """A ``RunPython`` function that executes ``sql`` on PostgreSQL and does nothing on
    SQLite, where the PostgreSQL backend has nothing to create."""

    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return operation
