"""Full-text search of work records, one module for both databases.

SQLite (embedded) keeps an FTS5 table beside each searchable table, filled by
triggers. PostgreSQL (production) keeps the text-search vector of the
searched columns in a generated column, ``search_vector``, with a GIN index.

On PostgreSQL the shape of the condition depends on how many rows the words
are expected to match. A common word is met within the first rows of any
list order, so the condition stays a plain filter and the list reads its
first page off its own index. A rare word (a typo, an error code) would make
that walk the whole table, so the condition first collects the matching ids
from the GIN index and the list is built from those.

A practice makes a model searchable in two steps:

* its ``search.py`` calls ``register(Model, fields)``;
* a migration runs ``SearchIndex("Model", fields)`` (the same fields).

``matches(model, text)`` then gives a condition for ``QuerySet.filter``:
every word of ``text`` must begin a word of one of the fields ("print
queue" finds "Printer queue stuck"). Both databases split text into words
at spaces and punctuation; words are compared without case and, on SQLite,
without accents (PostgreSQL keeps accents).
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, models
from django.db.migrations.operations.base import Operation
from django.db.models.expressions import RawSQL

from servista.core.queries import planner_estimate

# Words of a query beyond this many are ignored: a search box is not a document.
MAX_WORDS = 12
MAX_WORD_LENGTH = 100
PG_CONFIG = "simple"  # no stemming, no stop words: the same words as SQLite's tokenizer
PG_COLUMN = "search_vector"
# Words expected in at least FENCE_FACTOR * sqrt(rows) rows filter in place;
# rarer ones go through the GIN index first (about where both cost the same).
FENCE_FACTOR = 7
# Lists of search results count exactly up to this many, then estimate.
EXACT_COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    fields: tuple[str, ...]


_registry: dict[type[models.Model], Searchable] = {}


def register(model, fields) -> None:
    _registry[model] = Searchable(model, tuple(fields))


def is_searchable(model) -> bool:
    return model in _registry


def words(text: str) -> list[str]:
    """The words of a query, each with at least one letter or digit."""
    found = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    return [w[:MAX_WORD_LENGTH] for w in found[:MAX_WORDS]]


def matches(model, text: str, *, using: str = "default") -> models.Q:
    """A filter condition: the record's searched fields hold every word of
    ``text`` (as the start of a word). No words, no match."""
    if model not in _registry:
        raise LookupError(f"{model.__name__} is not registered for search.")
    terms = words(text)
    if not terms:
        return models.Q(pk__in=[])
    table = model._meta.db_table
    if connections[using].vendor == "postgresql":
        return _pg_matches(model, table, terms, using)
    fts = _fts_table(table)
    query = " AND ".join('"{}"*'.format(w.replace('"', '""')) for w in terms)
    sql = f'"{table}"."id" IN (SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s)'
    return models.Q(RawSQL(sql, [query], output_field=models.BooleanField()))  # noqa: S611


def _pg_query(terms: list[str]) -> str:
    return " & ".join("'{}':*".format(w.replace("\\", "\\\\").replace("'", "''")) for w in terms)


def _pg_match(table: str, query: str, alias: str | None = None) -> RawSQL:
    # The SQL holds only the model's table name; the query is a parameter.
    return RawSQL(f'"{alias or table}"."{PG_COLUMN}" @@ to_tsquery(%s::regconfig, %s)',  # noqa: S611
                  [PG_CONFIG, query], output_field=models.BooleanField())


def _pg_matches(model, table: str, terms: list[str], using: str) -> models.Q:
    rows = model._default_manager.using(using)
    # The rarest word bounds the matches from above (the planner's estimate of
    # several words together assumes they are unrelated, and words searched
    # together are usually related).
    expected = min(planner_estimate(rows.filter(_pg_match(table, _pg_query([w])))) or 0
                   for w in terms)
    query = _pg_query(terms)
    if expected >= FENCE_FACTOR * math.sqrt(planner_estimate(rows.all()) or 0):
        return models.Q(_pg_match(table, query))
    # OFFSET 0 keeps the planner from folding the subquery back into the list's query.
    match = _pg_match(table, query, alias="search_match")
    ids = (f'"{table}"."id" IN (SELECT "search_match"."id" FROM "{table}" AS "search_match" '
           f"WHERE {match.sql} OFFSET 0)")
    return models.Q(RawSQL(ids, match.params, output_field=models.BooleanField()))  # noqa: S611


# --- the index, created by a migration ---------------------------------------


def _fts_table(table: str) -> str:
    return f"{table}_fts"


def _pg_vector(fields) -> str:
    text = " || ' ' || ".join(f"coalesce(\"{name}\", '')" for name in fields)
    return f"to_tsvector('{PG_CONFIG}'::regconfig, {text})"


def _create_sql(vendor: str, table: str, fields) -> list[str]:
    if vendor == "postgresql":
        return [f'ALTER TABLE "{table}" ADD COLUMN "{PG_COLUMN}" tsvector '
                f"GENERATED ALWAYS AS ({_pg_vector(fields)}) STORED",
                f'CREATE INDEX "{table}_search" ON "{table}" USING gin ("{PG_COLUMN}")']
    if vendor != "sqlite":
        return []
    fts = _fts_table(table)
    columns = ", ".join(f'"{f}"' for f in fields)
    new = ", ".join(f'new."{f}"' for f in fields)
    old = ", ".join(f'old."{f}"' for f in fields)
    delete_old = (f'INSERT INTO "{fts}"("{fts}", rowid, {columns}) '
                  f"VALUES ('delete', old.id, {old});")
    insert_new = f'INSERT INTO "{fts}"(rowid, {columns}) VALUES (new.id, {new});'
    return [
        f'CREATE VIRTUAL TABLE "{fts}" USING fts5({columns}, content="{table}", '
        f"content_rowid=\"id\", tokenize='unicode61 remove_diacritics 2')",
        f'CREATE TRIGGER "{fts}_insert" AFTER INSERT ON "{table}" BEGIN {insert_new} END',
        f'CREATE TRIGGER "{fts}_delete" AFTER DELETE ON "{table}" BEGIN {delete_old} END',
        f'CREATE TRIGGER "{fts}_update" AFTER UPDATE OF {columns} ON "{table}" '
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO \"{fts}\"(\"{fts}\") VALUES ('rebuild')",
    ]


def _drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{PG_COLUMN}"']
    if vendor != "sqlite":
        return []
    fts = _fts_table(table)
    return [f'DROP TRIGGER IF EXISTS "{fts}_{when}"' for when in ("insert", "delete", "update")] \
        + [f'DROP TABLE IF EXISTS "{fts}"']


@contextmanager
def index_suspended(model, *, using: str = "default"):
    """For bulk loads on PostgreSQL: the GIN index is dropped, then built
    again in one pass at the end (much faster than row by row). Searches in
    the meantime still work, without the index. Nothing to do on SQLite."""
    connection = connections[using]
    if model not in _registry or connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX IF EXISTS "{table}_search"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # Inside a caller's transaction, deferred foreign-key checks run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{table}_search" ON "{table}" '
                           f'USING gin ("{PG_COLUMN}")')


class SearchIndex(Operation):
    """Migration operation: the full-text index of ``model_name``'s
    ``fields`` (an FTS5 table on SQLite; on PostgreSQL a generated
    ``search_vector`` column, unknown to the model, with a GIN index)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, fields):
        self.model_name = model_name
        self.fields = list(fields)

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name, self.fields], {}

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, to_state)
        for sql in _create_sql(schema_editor.connection.vendor, table, self.fields):
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, from_state)
        for sql in _drop_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)

    def describe(self):
        return f"Full-text index of {self.model_name} ({', '.join(self.fields)})"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search"
