"""Writing many rows at once.

``update_rows`` is a set-based ``bulk_update`` and ``insert_rows`` a
``bulk_create`` whose cost does not grow with the SQL text. Django's
``bulk_update`` builds a ``CASE WHEN id = ... THEN ...`` expression per
field, whose construction grows with rows times fields (minutes for a few
hundred thousand rows), and any statement with a parameter per value
spends its time in the driver's parsing of the SQL text. Here, on
PostgreSQL, the rows stream through COPY (into the table, or into a
temporary table that one ``UPDATE ... FROM`` joins on the primary key);
on SQLite, which runs in the process, through ``UPDATE ... FROM (VALUES
...)`` batches and ``bulk_create``. Values go through each field's own
conversion (``get_db_prep_save``), so durations, JSON and foreign keys
are stored exactly as ``save()`` stores them. Signals are not sent, as
with ``bulk_update`` and ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connections, router, transaction

# Field types whose Python value psycopg writes as the column wants:
# no conversion needed on PostgreSQL.
_PLAIN = {"AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "IntegerField",
          "SmallIntegerField", "PositiveBigIntegerField", "PositiveIntegerField",
          "PositiveSmallIntegerField", "CharField", "TextField", "SlugField",
          "BooleanField", "DurationField", "DateField", "FloatField", "UUIDField"}


def _same(value):
    return value


def _converter(field, connection) -> Callable:
    target = field.target_field if field.is_relation else field
    if connection.vendor == "postgresql" and target.get_internal_type() in _PLAIN:
        return _same
    if connection.vendor == "postgresql" and target.get_internal_type() == "DateTimeField":
        # An aware instant is written as it is; a naive one as save() would.
        return lambda value: value if value is None or value.tzinfo is not None else \
            field.get_db_prep_save(value, connection)
    return lambda value: field.get_db_prep_save(value, connection)


def _check_fields(meta, fields) -> list:
    columns = [meta.get_field(name) for name in fields]
    if any(not f.concrete or f.many_to_many or f.primary_key for f in columns):
        raise ValueError("update_rows writes concrete, non-key fields only.")
    return columns


def update_rows(objs: Sequence, fields: Sequence[str], *, batch_size: int | None = None) -> int:
    """Write ``fields`` of ``objs`` (instances of one model, already saved)
    to the database; returns how many rows were written."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    columns = _check_fields(meta, fields)
    if connection.vendor == "postgresql":
        return _update_by_copy(connection, meta, objs, columns)
    return _update_by_values(connection, meta, objs, columns, batch_size or 1000)


def _update_by_copy(connection, meta, objs, columns) -> int:
    quote = connection.ops.quote_name
    pk = meta.pk
    names = ["pk", *(f"c{i}" for i in range(len(columns)))]
    # A key's column type as a foreign key to it sees it (bigint, not identity).
    types = [pk.rel_db_type(connection), *(f.rel_db_type(connection) if f.is_relation
                                           else f.db_type(connection) for f in columns)]
    temporary = quote(f"servista_rows_{meta.db_table}")
    table = quote(meta.db_table)
    convert = [_converter(f, connection) for f in [pk, *columns]]
    attnames = [pk.attname, *(f.attname for f in columns)]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temporary} ("  # noqa: S608 (names only)
                       + ", ".join(f"{n} {t}" for n, t in zip(names, types, strict=True))
                       + ") ON COMMIT DROP")
        with cursor.copy(f"COPY {temporary} FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([c(getattr(obj, a)) for c, a in zip(convert, attnames,
                                                                   strict=True)])
        assignments = ", ".join(f"{quote(f.column)} = v.{n}"
                                for f, n in zip(columns, names[1:], strict=True))
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {temporary} AS v "  # noqa: S608
                       f"WHERE {table}.{quote(pk.column)} = v.pk")
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {temporary}")
    return written


def _update_by_values(connection, meta, objs, columns, size) -> int:
    quote = connection.ops.quote_name
    pk = meta.pk
    names = ["pk", *(f"c{i}" for i in range(len(columns)))]
    row_sql = "(" + ", ".join(["%s"] * len(names)) + ")"
    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = v.{n}"
                            for f, n in zip(columns, names[1:], strict=True))
    # VALUES names its columns column1, column2...
    select = ", ".join(f"column{i} AS {name}" for i, name in enumerate(names, start=1))
    # SQLite refuses a statement with more parameters than its limit.
    limit = getattr(connection.features, "max_query_params", None)
    if limit:
        size = max(1, min(size, limit // len(names)))
    convert = [_converter(f, connection) for f in [pk, *columns]]
    attnames = [pk.attname, *(f.attname for f in columns)]
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start:start + size]
            params = [c(getattr(obj, a)) for obj in chunk
                      for c, a in zip(convert, attnames, strict=True)]
            values = ", ".join([row_sql] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (SELECT {select} "  # noqa: S608
                f"FROM (VALUES {values}) AS x) AS v "
                f"WHERE {table}.{quote(pk.column)} = v.pk", params)
            written += cursor.rowcount
    return written


def insert_rows(objs: Sequence) -> Sequence:
    """Insert ``objs`` (new instances of one model) and set their primary
    keys, as ``bulk_create`` does. On PostgreSQL the rows go through COPY,
    with keys drawn beforehand from the table's own sequence. Elsewhere it
    is ``bulk_create``."""
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql":
        return model._default_manager.db_manager(db).bulk_create(objs)
    quote = connection.ops.quote_name
    pk = meta.pk
    fields = list(meta.concrete_fields)
    convert = [_converter(f, connection) for f in fields]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
    with connection.cursor() as cursor:
        missing = [obj for obj in objs if obj.pk is None]
        if missing:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [meta.db_table, pk.column, len(missing)])
            for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
                obj.pk = value
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([c(f.pre_save(obj, True)) for c, f in zip(convert, fields,
                                                                         strict=True)])
    for obj in objs:
        obj._state.adding, obj._state.db = False, db
    return objs
