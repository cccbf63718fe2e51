"""Record numbers: prefix + zero-padded sequence (INC0001001), taken from a
counter row locked with an UPDATE, portable to every database.

On PostgreSQL the number is taken on a connection of its own ("numbering"),
by one UPDATE that commits by itself (autocommit), so that concurrent
creations wait on the counter row for microseconds rather than for the whole
creating transaction and its commit. That connection does not wait for its
commits to reach disk (synchronous_commit=off): the record that carries the
number commits afterwards, durably, and PostgreSQL flushes its write-ahead
log in order, so a number held by a durable record is durable too. A crash
can only forget increments whose records never committed (a gap, as after
any failed creation).

On SQLite, which has a single writer anyway, the number is taken inside the
creating transaction.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from servista.core.models import Counter

FIRST_VALUE = 1000  # the first number handed out is FIRST_VALUE + 1
WIDTH = 7
NUMBERING_ALIAS = "numbering"

_INCREMENT = "UPDATE core_counter SET value = value + %s WHERE name = %s RETURNING value"


def numbering_alias() -> str:
    if (settings.SERVISTA.get("SEPARATE_NUMBERING") and NUMBERING_ALIAS in settings.DATABASES
            and connection.vendor == "postgresql"):
        return NUMBERING_ALIAS
    return DEFAULT_DB_ALIAS


def _increment(alias: str, name: str, by: int) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(_INCREMENT, [by, name])
        row = cursor.fetchone()
        if row is None:
            Counter.objects.using(alias).bulk_create(
                [Counter(name=name, value=FIRST_VALUE)], ignore_conflicts=True)
            cursor.execute(_INCREMENT, [by, name])
            row = cursor.fetchone()
    return int(row[0])


def _take(name: str, by: int) -> int:
    # On "default" this joins the caller's transaction; on "numbering",
    # which is never inside a transaction, the UPDATE commits by itself.
    return _increment(numbering_alias(), name, by)


def next_value(name: str) -> int:
    return _take(name, 1)


def format_number(prefix: str, value: int) -> str:
    return f"{prefix}{value:0{WIDTH}d}"


def next_number(prefix: str) -> str:
    return format_number(prefix, next_value(prefix))


def reserve_block(name: str, count: int) -> int:
    """Take ``count`` consecutive values at once (bulk loads); returns the first."""
    return _take(name, count) - count + 1
