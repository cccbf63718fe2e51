"""Full-text search and text similarity, one module for both databases.

SQLite (embedded) keeps an FTS5 table beside each searchable table, filled by
triggers, with the Porter stemmer. PostgreSQL (production) keeps the
text-search vector of the searched columns in a generated column,
``search_vector`` (English configuration: stemmed, common words left out),
with a GIN index. Either way "printing" finds "printer", the first field
(the title) weighs more than the others in the ranking, and every word of a
search must begin a word of the record ("print queue" finds "Printer queue
stuck"); words of one or two letters match whole words only, which keeps a
stray "e" or "fi" from expanding to every word that begins with it.

On PostgreSQL the shape of the condition depends on how many rows the words
are expected to match. A common word is met within the first rows of any
list order, so the condition stays a plain filter and the list reads its
first page off its own index. A rare word (a typo, an error code) would make
that walk the whole table, so the condition first collects the matching ids
from the GIN index and the list is built from those.

A practice makes a model searchable in two steps:

* its ``search.py`` calls ``register(Model, fields)``;
* a migration runs ``SearchIndex("Model", fields)`` (the same fields).

Then:

* ``matches(model, text)``: a condition for ``QuerySet.filter`` (every word);
* ``ranked(queryset, text)``: the best matches first, each with a score and a
  highlighted snippet (escaped text with ``<mark>`` around the words found);
  ``any_word=True`` ranks records holding any of the words (similarity);
* ``suggest(text, user)``: what the registered suggestion sources (known
  errors, articles, open incidents...) hold that is most like ``text``,
  re-ranked by TF-IDF cosine similarity and cut at a threshold, so that only
  what is really alike is shown.

Nothing here reaches the network: the stemmer (snowballstemmer) and the
similarity are local.
"""

import math
import re
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connections, models
from django.db.migrations.operations.base import Operation
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from servista.core.queries import planner_estimate

# Words of a query beyond this many are ignored: a search box is not a document.
MAX_WORDS = 12
MAX_WORD_LENGTH = 100
# Words shorter than this match whole words only (no prefix expansion).
PREFIX_FROM = 3
PG_CONFIG = "english"  # stemmed, common words left out
PG_COLUMN = "search_vector"
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
WEIGHTS = ("A", "B", "C", "D")  # the first field weighs most
# Words expected in at least FENCE_FACTOR * sqrt(rows) rows filter in place;
# rarer ones go through the GIN index first (about where both cost the same).
FENCE_FACTOR = 7
# Lists of search results count exactly up to this many, then estimate; a
# search the planner expects to match at least as many is not counted at all
# (counting even a thousand of them can read much of the table: the planner
# scans in order, expecting the matches spread evenly).
EXACT_COUNT_LIMIT = 1000
ESTIMATE_FROM = EXACT_COUNT_LIMIT
# A similarity search (any word) on PostgreSQL: its rarest words are kept
# while together they are expected in at most this many rows (the common
# ones tell little apart and would make every row a candidate to rank).
CANDIDATE_BUDGET = 5000
# Snippet markers: control characters no stored text uses; the text around
# them is escaped before they become <mark> elements.
_START, _STOP = "\x02", "\x03"


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    fields: tuple[str, ...]


_registry: dict[type[models.Model], Searchable] = {}


def register(model, fields) -> None:
    _registry[model] = Searchable(model, tuple(fields))


def is_searchable(model) -> bool:
    return model in _registry


def searched_fields(model) -> tuple[str, ...]:
    return _registry[model].fields


def words(text: str) -> list[str]:
    """The words of a query, each with at least one letter or digit."""
    found = [w for w in (text or "").split() if any(ch.isalnum() for ch in w)]
    return [w[:MAX_WORD_LENGTH] for w in found[:MAX_WORDS]]


def _prefixed(word: str) -> bool:
    return len(word) >= PREFIX_FROM or any(ch.isdigit() for ch in word)


# --- text analysis (the same on both databases) ------------------------------------

STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before
being below between both but by can cannot could did do does doing down during each few
for from further had has have having he her here hers him his how i if in into is it its
itself just me more most my no nor not now of off on once only or other our ours out over
own same she should so some such than that the their them then there these they this
those through to too under until up very was we were what when where which while who whom
why will with would you your yours since still also get got one every anything nothing
please hi hello thanks thank
""".split())

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def tokens(text: str) -> list[str]:
    """The stemmed words of a text that carry meaning: lower case, split at
    anything that is not a letter or digit, common words left out."""
    return [stem(w) for w in _TOKEN.findall((text or "").lower())
            if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


# --- conditions -------------------------------------------------------------------------


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
    sql = f'"{table}"."id" IN (SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s)'
    return models.Q(RawSQL(sql, [_fts_query(terms)], output_field=models.BooleanField()))  # noqa: S611


def _fts_query(terms: list[str], any_word: bool = False) -> str:
    parts = ['"{}"{}'.format(w.replace('"', '""'), "*" if _prefixed(w) else "") for w in terms]
    return (" OR " if any_word else " AND ").join(parts)


def _pg_lexemes(terms: list[str], using: str) -> list[set[str]]:
    """The lexemes the English configuration makes of each word, as the
    index holds them. A hyphenated word ("wi-fi") is kept whole; its parts
    would make a phrase query, which reads every candidate row. (The same
    words always give the same lexemes: remembered by the process.)"""
    return [set(group) for group in _lexemes_of(tuple(terms), using)]


@lru_cache(maxsize=20_000)
def _lexemes_of(terms: tuple, using: str) -> tuple:
    return tuple(frozenset(group) for group in _read_lexemes(list(terms), using))


def _read_lexemes(terms: list[str], using: str) -> list[set[str]]:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT w.i, v.lexeme FROM unnest(%s::text[]) WITH ORDINALITY AS w(word, i) "
            "CROSS JOIN LATERAL unnest(to_tsvector(%s::regconfig, w.word)) AS v",
            [terms, PG_CONFIG])
        rows = cursor.fetchall()
    per_word: dict[int, set[str]] = {}
    for index, lexeme in rows:
        per_word.setdefault(index, set()).add(lexeme)
    result = []
    for index in sorted(per_word):
        found = per_word[index]
        parts = {part for lexeme in found if "-" in lexeme.strip("-")
                 for part in lexeme.split("-")}
        result.append({lexeme for lexeme in found if lexeme not in parts})
    return result


def _pg_tsquery(lexemes: list[set[str]], any_word: bool = False) -> str:
    def term(lexeme: str) -> str:
        quoted = lexeme.replace("\\", "\\\\").replace("'", "''")
        return f"'{quoted}'" + (":*" if _prefixed(lexeme) else "")

    groups = ["(" + " & ".join(term(lex) for lex in sorted(group)) + ")"
              for group in lexemes if group]
    return (" | " if any_word else " & ").join(groups)


def _pg_match(table: str, query: str, alias: str | None = None) -> RawSQL:
    # The SQL holds only the model's table name; the query is a parameter.
    return RawSQL(f'"{alias or table}"."{PG_COLUMN}" @@ %s::tsquery',  # noqa: S611
                  [query], output_field=models.BooleanField())


# The planner's estimates of how many rows a word matches change only with
# the table's statistics: each process keeps them a few minutes.
ESTIMATE_SECONDS = 300
_estimates: dict = {}


def _estimate(queryset) -> int:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    key = (queryset.db, sql, tuple(params))
    now = time.monotonic()
    found = _estimates.get(key)
    if found is not None and found[1] > now:
        return found[0]
    if len(_estimates) > 10_000:
        _estimates.clear()
    value = planner_estimate(queryset) or 0
    _estimates[key] = (value, now + ESTIMATE_SECONDS)
    return value


def _pg_matches(model, table: str, terms: list[str], using: str) -> models.Q:
    lexemes = [group for group in _pg_lexemes(terms, using) if group]
    if not lexemes:
        return models.Q(pk__in=[])
    rows = model._default_manager.using(using)
    # The rarest word bounds the matches from above (the planner's estimate of
    # several words together assumes they are unrelated, and words searched
    # together are usually related).
    expected = min(_estimate(rows.filter(_pg_match(table, _pg_tsquery([group]))))
                   for group in lexemes)
    query = _pg_tsquery(lexemes)
    if expected >= FENCE_FACTOR * math.sqrt(_estimate(rows.all())):
        return models.Q(_pg_match(table, query))
    # OFFSET 0 keeps the planner from folding the subquery back into the list's query.
    match = _pg_match(table, query, alias="search_match")
    ids = (f'"{table}"."id" IN (SELECT "search_match"."id" FROM "{table}" AS "search_match" '
           f"WHERE {match.sql} OFFSET 0)")
    return models.Q(RawSQL(ids, match.params, output_field=models.BooleanField()))  # noqa: S611


# --- ranked results with snippets --------------------------------------------------------


@dataclass
class Hit:
    object: models.Model
    score: float
    snippet: SafeString = mark_safe("")  # noqa: S308 - empty
    similarity: float = 0.0


def highlight(raw: str) -> SafeString:
    """A snippet from the database (markers around the words found) as safe
    HTML: everything escaped, then the markers made <mark> elements."""
    text = escape(" ".join((raw or "").split()))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def ranked(queryset, text: str, *, limit: int = 10, any_word: bool = False,
           snippets: bool = True) -> list[Hit]:
    """The records of ``queryset`` that match ``text`` (every word, or with
    ``any_word`` any of them), best first, with a snippet of the text around
    the words found."""
    model = queryset.model
    if model not in _registry:
        raise LookupError(f"{model.__name__} is not registered for search.")
    terms = words(text)
    if any_word:
        terms = [w for w in terms if w.lower() not in STOP_WORDS]
    if not terms or limit < 1:
        return []
    using = queryset.db
    if connections[using].vendor == "postgresql":
        return _pg_ranked(queryset, terms, limit, any_word, snippets)
    return _sqlite_ranked(queryset, terms, limit, any_word, snippets)


def _sqlite_ranked(queryset, terms, limit, any_word, snippets) -> list[Hit]:
    model = queryset.model
    fields = _registry[model].fields
    fts = _fts_table(model._meta.db_table)
    weights = ", ".join("2.0" if i == 0 else "1.0" for i in range(len(fields)))
    inner, params = queryset.order_by().values("pk").query.sql_with_params()
    snippet = (f", snippet(\"{fts}\", -1, '{_START}', '{_STOP}', '…', 16)"
               if snippets else ", ''")
    sql = (f'SELECT rowid, -bm25("{fts}", {weights}) AS score{snippet} FROM "{fts}" '
           f'WHERE "{fts}" MATCH %s AND rowid IN ({inner}) ORDER BY score DESC, rowid DESC '
           f"LIMIT %s")
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [_fts_query(terms, any_word), *params, limit])
        rows = cursor.fetchall()
    return _hits(queryset, rows)


def _pg_ranked(queryset, terms, limit, any_word, snippets) -> list[Hit]:
    model = queryset.model
    table = model._meta.db_table
    lexemes = [group for group in _pg_lexemes(terms, queryset.db) if group]
    if not lexemes:
        return []
    if any_word:
        lexemes = _rarest(queryset, table, lexemes)
        query = _pg_tsquery(lexemes, any_word)
    else:
        query = _pg_tsquery(lexemes, any_word)
    rank = RawSQL(f'ts_rank("{table}"."{PG_COLUMN}", %s::tsquery, 1)', [query],  # noqa: S611
                  output_field=models.FloatField())
    found = list(queryset.filter(_pg_match(table, query)).annotate(search_rank=rank)
                 .order_by("-search_rank", "-pk").values_list("pk", "search_rank")[:limit])
    if not found:
        return []
    heads = {}
    if snippets:
        text = " || ' ' || ".join(f'coalesce("{name}", \'\')'
                                  for name in _registry[model].fields)
        options = (f"StartSel={_START}, StopSel={_STOP}, MaxWords=30, MinWords=12, "
                   "ShortWord=2, MaxFragments=2, FragmentDelimiter=\" … \"")
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                f'SELECT id, ts_headline(%s::regconfig, {text}, %s::tsquery, %s) '
                f'FROM "{table}" WHERE id = ANY(%s)',
                [PG_CONFIG, query, options, [pk for pk, _ in found]])
            heads = dict(cursor.fetchall())
    return _hits(queryset, [(pk, score, heads.get(pk, "")) for pk, score in found])


def _rarest(queryset, table, lexemes: list[set[str]]) -> list[set[str]]:
    """The words of a similarity search worth looking for: the rarest first,
    while the rows they are expected in stay within CANDIDATE_BUDGET (the
    rarest one always)."""
    if len(lexemes) < 2:
        return lexemes
    rated = sorted(((_estimate(queryset.filter(_pg_match(table, _pg_tsquery([group])))),
                     index, group) for index, group in enumerate(lexemes)),
                   key=lambda item: item[:2])
    chosen, expected = [], 0
    for estimate, _, group in rated:
        if chosen and expected + estimate > CANDIDATE_BUDGET:
            break
        chosen.append(group)
        expected += estimate
    return chosen


def _hits(queryset, rows) -> list[Hit]:
    objects = queryset.in_bulk([row[0] for row in rows])
    return [Hit(objects[pk], float(score or 0.0), highlight(raw))
            for pk, score, raw in rows if pk in objects]


# --- similarity: what is alike ------------------------------------------------------------


def _vector(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    vector = {term: (1 + math.log(n)) * idf.get(term, 1.0) for term, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {term: v / norm for term, v in vector.items()}


def _counts(obj, fields) -> Counter:
    counts = Counter()
    for index, name in enumerate(fields):
        terms = tokens(getattr(obj, name, "") or "")
        for term in terms:
            counts[term] += 2 if index == 0 else 1  # the title counts double
    return counts


def similarity(text: str, hits: list[Hit], fields) -> list[Hit]:
    """Re-rank ``hits`` by the cosine similarity of their TF-IDF vectors to
    ``text``'s; the inverse document frequencies come from the hits
    themselves (words all of them share tell little apart)."""
    query = Counter(tokens(text))
    if not query or not hits:
        return []
    docs = [_counts(hit.object, fields) for hit in hits]
    pool = len(docs) + 1
    frequency = Counter(term for doc in docs for term in doc)
    idf = {term: math.log(1 + pool / (1 + frequency[term])) for term in
           set(frequency) | set(query)}
    target = _vector(query, idf)
    for hit, doc in zip(hits, docs, strict=True):
        vector = _vector(doc, idf)
        hit.similarity = round(sum(w * vector.get(term, 0.0) for term, w in target.items()), 4)
    return sorted(hits, key=lambda hit: (-hit.similarity, -hit.score))


@dataclass(frozen=True)
class SuggestionSource:
    """A kind of record shown as a suggestion while someone writes (known
    errors, articles, open incidents): ``queryset(user)`` gives what the user
    may be shown (the practice's policy applied; None: searched only, never
    suggested), ``describe(obj, user)`` a dict for the templates and the API
    (title, url, a note...)."""

    key: str
    label: str
    model: type
    queryset: Callable
    describe: Callable
    visible: Callable
    weight: int = 100
    limit: int = 3
    # Below this cosine similarity a record is not shown.
    threshold: float = 0.3
    # How many full-text candidates are re-ranked.
    candidates: int = 25
    # Below this share of the best one's similarity a record is not shown
    # (a clear best match is not followed by weaker look-alikes).
    relative: float = 0.0
    fields: tuple = field(default_factory=tuple)
    # What the knowledge search looks through (resolved incidents rather
    # than open ones...); None: the source is not searched there.
    search_queryset: Callable | None = None


_sources: list[SuggestionSource] = []


def register_suggestions(key: str, label: str, model, *, queryset: Callable,
                         describe: Callable, visible: Callable, weight: int = 100,
                         limit: int = 3, threshold: float = 0.3, candidates: int = 25,
                         relative: float = 0.0, fields=None,
                         search_queryset: Callable | None = None) -> SuggestionSource:
    """Declare a source of suggestions (from an app's ``search.py``)."""
    source = SuggestionSource(key, label, model, queryset, describe, visible, weight, limit,
                              threshold, candidates, relative, tuple(fields or ()),
                              search_queryset)
    _sources[:] = [s for s in _sources if s.key != key] + [source]
    _sources.sort(key=lambda s: s.weight)
    return source


def suggestion_sources(user=None) -> list[SuggestionSource]:
    return [s for s in _sources if user is None or s.visible(user)]


def suggest(text: str, user, *, exclude=(), only=None, limit: int | None = None) -> list[dict]:
    """The records most like ``text`` from every source the user may see
    (or those named in ``only``), each source's list best first:
    ``[{"source": SuggestionSource, "items": [{"object", "score", "similarity",
    "snippet", **describe(obj)}]}]``. ``exclude``: records not to suggest
    (the incident being written)."""
    out = []
    if not tokens(text):
        return out
    for source in suggestion_sources(user):
        if source.queryset is None or (only is not None and source.key not in only):
            continue
        hits = alike(source, source.queryset(user), text, exclude=exclude)
        items = [{"object": h.object, "score": h.score, "similarity": h.similarity,
                  "snippet": h.snippet, **source.describe(h.object, user)}
                 for h in hits[:limit or source.limit]]
        out.append({"source": source, "items": items})
    return out


def alike(source: SuggestionSource, queryset, text: str, *, exclude=()) -> list[Hit]:
    """The records of ``queryset`` most like ``text`` as ``source`` ranks
    them: full-text candidates (any word), re-ranked by similarity, kept
    over the source's threshold and near the best one."""
    excluded = {(type(obj), obj.pk) for obj in exclude}
    fields = source.fields or _registry[source.model].fields
    hits = ranked(queryset, text, limit=source.candidates, any_word=True)
    hits = [h for h in similarity(text, hits, fields)
            if h.similarity >= source.threshold and (type(h.object), h.object.pk) not in excluded]
    if hits and source.relative:
        floor = hits[0].similarity * source.relative
        hits = [h for h in hits if h.similarity >= floor]
    return hits


def search_everywhere(text: str, user, *, only=None, limit: int = 10) -> list[dict]:
    """The knowledge search: every source with a ``search_queryset`` the
    user may see (or those named in ``only``), each with its ranked hits
    (every word must match): ``[{"source", "hits": [Hit], "items": [dict]}]``."""
    out = []
    for source in suggestion_sources(user):
        if source.search_queryset is None or (only and source.key not in only):
            continue
        hits = ranked(source.search_queryset(user), text, limit=limit)
        out.append({"source": source, "hits": hits,
                    "items": [{"object": h.object, "score": h.score, "snippet": h.snippet,
                               **source.describe(h.object, user)} for h in hits]})
    return out


# --- the index, created by a migration ---------------------------------------


def _fts_table(table: str) -> str:
    return f"{table}_fts"


def _pg_vector(fields) -> str:
    parts = [f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, coalesce(\"{name}\", '')), "
             f"'{WEIGHTS[min(index, len(WEIGHTS) - 1)]}')" for index, name in enumerate(fields)]
    return " || ".join(parts)


def _create_sql(vendor: str, table: str, fields) -> list[str]:
    if vendor == "postgresql":
        return [f'ALTER TABLE "{table}" ADD COLUMN "{PG_COLUMN}" tsvector '
                f"GENERATED ALWAYS AS ({_pg_vector(fields)}) STORED",
                f'CREATE INDEX "{table}_search" ON "{table}" USING gin ("{PG_COLUMN}")',
                # The planner's word statistics, which the searches' plans read.
                f'ANALYZE "{table}"']
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
        f"content_rowid=\"id\", tokenize='{SQLITE_TOKENIZER}')",
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
    ``search_vector`` column, unknown to the model, with a GIN index).
    The index is built as this module builds it now: a migration that
    changes how (the stemming of 0.2) removes the index and adds it again."""

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


class RemoveSearchIndex(SearchIndex):
    """Migration operation: the reverse of ``SearchIndex`` (to build an
    index again another way, follow it with a new ``SearchIndex``)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Remove the full-text index of {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"remove_{self.model_name.lower()}_search"
