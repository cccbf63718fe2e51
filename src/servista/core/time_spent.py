"""Time spent on work records: minutes given with a comment or work note
(``JournalEntry.time_spent``), summed per record and per agent over a
period, always in the database (one query, whatever the number of
entries)."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from servista.core.exceptions import Forbidden, ValidationFailed
from servista.core.models import JournalEntry

MAX_MINUTES = 24 * 60


def check(minutes, field: str = "time_spent"):
    """Whole minutes, more than 0 and at most a day; None: not given."""
    if minutes is None or minutes == "":
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) \
            or int(minutes) != minutes:
        raise ValidationFailed.field(field, "Give the time spent in whole minutes.")
    if not 0 < minutes <= MAX_MINUTES:
        raise ValidationFailed.field(field, f"Time spent must be between 1 and {MAX_MINUTES} "
                                            "minutes.")
    return int(minutes)


def total(record) -> int:
    """The minutes logged on ``record`` (0 when none)."""
    ct = ContentType.objects.get_for_model(record)
    found = JournalEntry.objects.filter(content_type=ct, object_id=record.pk) \
        .aggregate(minutes=Sum("time_spent"))["minutes"]
    return found or 0


def annotate(queryset, name: str = "time_spent_total"):
    """``queryset`` of work records with each one's minutes logged as
    ``name`` (a sub-query: no query per record)."""
    ct = ContentType.objects.get_for_model(queryset.model)
    minutes = JournalEntry.objects.filter(content_type=ct, object_id=OuterRef("pk")) \
        .order_by().values("object_id").annotate(s=Sum("time_spent")).values("s")
    return queryset.annotate(**{name: Coalesce(Subquery(minutes, output_field=IntegerField()),
                                               Value(0))})


def of_record(record) -> int:
    """The minutes of a record read through ``annotate`` or, else, counted."""
    found = getattr(record, "time_spent_total", None)
    return found if found is not None else total(record)


def per_agent(viewer, *, since=None, until=None, agent=None) -> list[dict]:
    """Minutes and entries per agent from ``since`` (included) to ``until``
    (excluded). Managers see everyone's (or ``agent``'s); an agent sees
    only their own; nobody else any."""
    if not getattr(viewer, "is_agent", False):
        raise Forbidden("Only support staff see time spent.")
    if not viewer.has_role("manager"):
        if agent is not None and agent.pk != viewer.pk:
            raise Forbidden("Agents see only their own time spent.")
        agent = viewer
    if since is not None and until is not None and until <= since:
        raise ValidationFailed.field("until", "The end must come after the start.")
    rows = JournalEntry.objects.filter(time_spent__isnull=False).exclude(actor=None)
    if agent is not None:
        rows = rows.filter(actor=agent)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    totals = rows.order_by().values("actor").annotate(minutes=Sum("time_spent"),
                                                      entries=Count("id"))
    by_actor = {row["actor"]: row for row in totals}
    people = get_user_model().objects.in_bulk(list(by_actor))
    out = [{"agent": people[pk], "minutes": row["minutes"], "entries": row["entries"]}
           for pk, row in by_actor.items() if pk in people]
    return sorted(out, key=lambda r: (-r["minutes"], r["agent"].username))
