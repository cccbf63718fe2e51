"""The service desk's figures (the dashboard and its API): open incidents by
priority and by group, their age, created and resolved per day, the
first-contact resolution and reassignment rates, and the major incidents
still open. Each figure is one aggregate query in the database, whatever the
number of incidents; each names the incident list that shows its rows."""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from servista.core import clock
from servista.core.choices import Priority
from servista.core.permissions import restrict

from .choices import IncidentState
from .models import Incident

State = IncidentState
DAYS_DEFAULT = 14
DAYS_MAX = 90
GROUPS_SHOWN = 10
MAJOR_SHOWN = 10
DONE = (State.RESOLVED, State.CLOSED)
# Resolved at first contact: by the group that first had it, never
# escalated, never reopened.
FIRST_CONTACT = Q(reassignment_count=0, escalated=False, reopen_count=0)
AGE_BUCKETS = (  # (key, label, from days, to days)
    ("under_1d", "Under 1 day", 0, 1),
    ("1_to_3d", "1–3 days", 1, 3),
    ("3_to_7d", "3–7 days", 3, 7),
    ("7_to_30d", "7–30 days", 7, 30),
    ("over_30d", "Over 30 days", 30, None),
)


def list_url(**filters) -> str:
    pairs = []
    for name, value in filters.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((name, item.isoformat(timespec="minutes")
                          if hasattr(item, "isoformat") else item))
    return f"{reverse('incidents:list')}?{urlencode(pairs)}"


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def desk_figures(user, days: int = DAYS_DEFAULT) -> dict:
    """The figures over the incidents ``user`` may see; the trend and the
    rates over the last ``days`` days (1 to 90), today included."""
    days = max(1, min(DAYS_MAX, int(days)))
    now = clock.now()
    today = timezone.localdate(now)
    start_day = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(start_day, time.min))
    visible = restrict(Incident.objects.all(), user)
    open_rows = visible.filter(state__in=State.OPEN)

    by_priority = dict(open_rows.order_by().values_list("priority").annotate(n=Count("id")))
    priorities = [{"priority": value, "label": label, "count": by_priority.get(value, 0),
                   "url": list_url(open="true", priority=value)}
                  for value, label in Priority.choices]

    group_rows = list(open_rows.order_by().values("assignment_group", "assignment_group__name")
                      .annotate(n=Count("id")).order_by("-n", "assignment_group__name")
                      [:GROUPS_SHOWN + 1])
    groups = [{"id": row["assignment_group"],
               "name": row["assignment_group__name"] or "No group",
               "count": row["n"],
               "url": list_url(open="true", assignment_group=row["assignment_group"] or "none")}
              for row in group_rows[:GROUPS_SHOWN]]

    ages = open_rows.aggregate(**{
        key: Count("id", filter=Q(opened_at__lte=now - timedelta(days=low))
                   & (Q(opened_at__gt=now - timedelta(days=high)) if high else Q()))
        for key, _, low, high in AGE_BUCKETS})
    aging = []
    for key, label, low, high in AGE_BUCKETS:
        bounds = {"opened_before": now - timedelta(days=low)} if low else {}
        if high:
            bounds["opened_after"] = now - timedelta(days=high)
        aging.append({"bucket": key, "label": label, "count": ages[key],
                      "url": list_url(open="true", **bounds)})

    created = dict(visible.filter(opened_at__gte=start).order_by()
                   .annotate(day=TruncDate("opened_at")).values_list("day")
                   .annotate(n=Count("id")))
    resolved_rows = visible.filter(state__in=DONE, resolved_at__gte=start)
    resolved = dict(resolved_rows.order_by().annotate(day=TruncDate("resolved_at"))
                    .values_list("day").annotate(n=Count("id")))
    trend = []
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        low = timezone.make_aware(datetime.combine(day, time.min))
        high = low + timedelta(days=1)
        trend.append({"day": day.isoformat(), "created": created.get(day, 0),
                      "resolved": resolved.get(day, 0),
                      "created_url": list_url(opened_after=low, opened_before=high),
                      "resolved_url": list_url(state=list(DONE), resolved_after=low,
                                               resolved_before=high)})

    totals = resolved_rows.aggregate(
        resolved=Count("id"), first_contact=Count("id", filter=FIRST_CONTACT),
        reassigned=Count("id", filter=Q(reassignment_count__gt=0)))
    period = {"state": list(DONE), "resolved_after": start}
    majors = open_rows.filter(is_major=True)
    major_rows = list(majors.select_related("assigned_to", "major_incident_manager")
                      .order_by("priority", "opened_at", "id")[:MAJOR_SHOWN])
    return {
        "days": days,
        "since": start,
        "open_total": sum(by_priority.values()),
        "open_by_priority": priorities,
        "open_by_group": groups,
        "more_groups": len(group_rows) > GROUPS_SHOWN,
        "aging": aging,
        "trend": trend,
        "first_contact_resolution": {
            "resolved": totals["resolved"], "count": totals["first_contact"],
            "rate": _rate(totals["first_contact"], totals["resolved"]),
            "url": list_url(**period, first_contact="true")},
        "reassignment": {
            "resolved": totals["resolved"], "count": totals["reassigned"],
            "rate": _rate(totals["reassigned"], totals["resolved"]),
            "url": list_url(**period, reassigned="true")},
        "major_backlog": {
            "count": majors.count(), "url": list_url(open="true", is_major="true"),
            "incidents": major_rows},
    }
