"""Questions to the database about a query rather than its rows."""

import json

from django.core.exceptions import EmptyResultSet
from django.db import connections


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's row estimate for a query (no rows are read); None on
    databases that give none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (a search of no word)
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
