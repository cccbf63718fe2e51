"""Record numbers: prefix + zero-padded sequence (INC0001001), taken from a
counter row that stays locked until the creating transaction commits."""

from django.db import connection

from servista.core.models import Counter

FIRST_VALUE = 1000  # the first number handed out is FIRST_VALUE + 1
WIDTH = 7

_INCREMENT = "UPDATE core_counter SET value = value + 1 WHERE name = %s RETURNING value"


def next_value(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_INCREMENT, [name])
        row = cursor.fetchone()
        if row is None:
            Counter.objects.bulk_create([Counter(name=name, value=FIRST_VALUE)],
                                        ignore_conflicts=True)
            cursor.execute(_INCREMENT, [name])
            row = cursor.fetchone()
    return int(row[0])


def format_number(prefix: str, value: int) -> str:
    return f"{prefix}{value:0{WIDTH}d}"


def next_number(prefix: str) -> str:
    return format_number(prefix, next_value(prefix))


def reserve_block(name: str, count: int) -> int:
    """Take ``count`` consecutive values at once (bulk loads); returns the first."""
    with connection.cursor() as cursor:
        Counter.objects.bulk_create([Counter(name=name, value=FIRST_VALUE)],
                                    ignore_conflicts=True)
        cursor.execute(
            "UPDATE core_counter SET value = value + %s WHERE name = %s RETURNING value",
            [count, name],
        )
        last = int(cursor.fetchone()[0])
    return last - count + 1
