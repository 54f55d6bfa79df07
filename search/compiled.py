"""Querysets compiled by the ORM once and run again with other ids.

Every search loads its page of articles with their outlet and story. Building that
queryset and compiling it cost about 1 ms a search, four times the query itself; the
statement only changes with the number of ids, so it is compiled once per connection
(and thread) and the rows are made into models as the ORM makes them (its converters and
``select_related`` populators).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

PLACEHOLDER = -1  # the one id the statement is compiled with
# Per thread, as Django's connections are: a statement holds its connection (the ORM's
# converters read it), so a thread's statements go with the thread.
_kept = threading.local()


@dataclass(frozen=True)
class _Statement:
    """A queryset's SQL with ``IN (%s)`` for its ids, and what turns its rows into models."""

    sql: str
    compiler: object
    converters: dict
    init_list: list[str]
    width: int  # the main model's columns, first in each row
    populators: list

    @classmethod
    def of(cls, queryset: QuerySet, alias: str) -> "_Statement":
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if tuple(params) != (PLACEHOLDER,) or sql.count("IN (%s)") != 1:
            raise ValueError(f"not a statement filtered by one list of ids: {sql}")
        info, select = compiler.klass_info, compiler.select
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        if start != 0:
            raise ValueError("the model's own columns must come first")
        return cls(
            sql=sql,
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
            init_list=[column[0].target.attname for column in select[start:end]],
            width=end,
            populators=get_related_populators(info, select, alias),
        )

    def models(self, ids: list[int], alias: str) -> list:
        placeholders = ", ".join(["%s"] * len(ids))
        with connections[alias].cursor() as cursor:
            cursor.execute(self.sql.replace("IN (%s)", f"IN ({placeholders})"), ids)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        model, found = self.compiler.query.model, []
        for row in rows:
            obj = model.from_db(alias, self.init_list, row[: self.width])
            for populator in self.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found


def models_with_ids(name: str, queryset: Callable[[list[int]], QuerySet], ids, alias: str):
    """The models ``queryset(ids)`` finds, its statement compiled once per connection and
    ``name``: ``queryset`` must filter by one list of ids and select no annotations."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    statements = _kept.__dict__.setdefault("statements", {})
    statement = statements.get((alias, name))
    if statement is None or statement.compiler.connection is not connections[alias]:
        statement = statements[alias, name] = _Statement.of(queryset([PLACEHOLDER]), alias)
    return statement.models(ids, alias)
