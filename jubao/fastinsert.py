"""Inserting new rows on the hottest write path with SQL built once per model.

Registering a report writes half a dozen rows; the ORM compiles an INSERT statement for each one
on every call, which costs more CPU than the database spends on the row. This writes a model
instance exactly as `save(force_insert=True)` would (defaults and `pre_save` values such as
`auto_now_add`, the same database conversions, the primary key read back), from a statement
cached per model. Models with their own `save`, save signal receivers, parents or database defaults
go through the ORM instead, so nothing that relies on them is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import NOT_PROVIDED, Model, signals

M = TypeVar("M", bound=Model)


@cache
def _plan(model: type[Model]) -> tuple[list[Any], Any] | None:
    """The fields to write and the primary key, or None when the ORM must do it."""
    meta = model._meta
    if meta.parents or meta.proxy or model.save is not Model.save:
        return None
    pk = meta.pk
    auto_pk = pk is not None and pk.db_returning
    fields = [f for f in meta.local_concrete_fields if not (auto_pk and f.primary_key)]
    if any(getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED or f.generated for f in fields):
        return None
    return fields, pk if auto_pk else None


@lru_cache(maxsize=256)
def _statement(model: type[Model], vendor_alias: str, rows: int) -> str:
    connection = connections[vendor_alias]
    plan = _plan(model)
    assert plan is not None
    fields, returning = plan
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * rows)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608 - names only
    if returning is not None:
        sql += f" RETURNING {quote(returning.column)}"
    return sql


def insert(instances: Sequence[M]) -> Sequence[M]:
    """Insert new instances of one model in one statement and set their primary keys."""
    if not instances:
        return instances
    model = type(instances[0])
    plan = _plan(model)
    if (plan is None or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)):
        if len(instances) == 1:
            instances[0].save(force_insert=True)
        else:
            model._default_manager.bulk_create(instances)
        return instances
    fields, returning = plan
    alias = router.db_for_write(model)
    connection = connections[alias]
    params = [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection)
        for instance in instances for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, alias, len(instances)), params)
        keys = cursor.fetchall() if returning is not None else []
    for instance, key in zip(instances, keys, strict=False):
        setattr(instance, returning.attname, returning.to_python(key[0]))
    for instance in instances:
        instance._state.adding = False
        instance._state.db = alias
    return instances


def insert_one(instance: M) -> M:
    insert([instance])
    return instance
