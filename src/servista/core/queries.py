"""Questions to the database about a query rather than its rows."""

import json

from django.db import connections


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's row estimate for a query (no rows are read); None on
    databases that give none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
