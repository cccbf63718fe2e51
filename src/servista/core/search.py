"""Full-text search of work records, one module for both databases.

SQLite (embedded) keeps an FTS5 table beside each searchable table, filled by
triggers; PostgreSQL (production) keeps a GIN index over the text-search
vector of the searched columns, so a search never reads a whole table.

A practice makes a model searchable in two steps:

* its ``search.py`` calls ``register(Model, fields)``;
* a migration runs ``SearchIndex("Model", fields)`` (the same fields).

``matches(model, text)`` then gives a condition for ``QuerySet.filter``:
every word of ``text`` must begin a word of one of the fields ("print
queue" finds "Printer queue stuck"). Both databases split text into words
at spaces and punctuation; words are compared without case and, on SQLite,
without accents (PostgreSQL keeps accents).
"""

from dataclasses import dataclass

from django.db import connections, models
from django.db.migrations.operations.base import Operation
from django.db.models.expressions import RawSQL

# Words of a query beyond this many are ignored: a search box is not a document.
MAX_WORDS = 12
MAX_WORD_LENGTH = 100
PG_CONFIG = "simple"  # no stemming, no stop words: the same words as SQLite's tokenizer


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
    spec = _registry[model]
    terms = words(text)
    if not terms:
        return models.Q(pk__in=[])
    table = model._meta.db_table
    if connections[using].vendor == "postgresql":
        query = " & ".join("'{}':*".format(w.replace("\\", "\\\\").replace("'", "''"))
                           for w in terms)
        sql = f"{_pg_vector(table, spec.fields, qualified=True)} @@ to_tsquery(%s::regconfig, %s)"
        # The SQL holds only the model's table and field names; the query is a parameter.
        return models.Q(RawSQL(sql, [PG_CONFIG, query],  # noqa: S611
                               output_field=models.BooleanField()))
    fts = _fts_table(table)
    query = " AND ".join('"{}"*'.format(w.replace('"', '""')) for w in terms)
    sql = f'"{table}"."id" IN (SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s)'
    return models.Q(RawSQL(sql, [query], output_field=models.BooleanField()))  # noqa: S611


# --- the index, created by a migration ---------------------------------------


def _fts_table(table: str) -> str:
    return f"{table}_fts"


def _pg_vector(table: str, fields, *, qualified: bool) -> str:
    prefix = f'"{table}".' if qualified else ""
    text = " || ' ' || ".join(f"coalesce({prefix}\"{name}\", '')" for name in fields)
    return f"to_tsvector('{PG_CONFIG}'::regconfig, {text})"


def _create_sql(vendor: str, table: str, fields) -> list[str]:
    if vendor == "postgresql":
        return [f'CREATE INDEX IF NOT EXISTS "{table}_search" ON "{table}" '
                f"USING gin ({_pg_vector(table, fields, qualified=False)})"]
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
        return [f'DROP INDEX IF EXISTS "{table}_search"']
    if vendor != "sqlite":
        return []
    fts = _fts_table(table)
    return [f'DROP TRIGGER IF EXISTS "{fts}_{when}"' for when in ("insert", "delete", "update")] \
        + [f'DROP TABLE IF EXISTS "{fts}"']


class SearchIndex(Operation):
    """Migration operation: the full-text index of ``model_name``'s
    ``fields`` (an FTS5 table on SQLite, a GIN index on PostgreSQL)."""

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
