"""Trend and Pareto analysis of incidents, and repeat-incident detection
(problem identification from trends, seed §13.4). Reads incidents; changes
them only through ``incidents.services`` (via ``problems.services``)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from servista.accounts.models import Group
from servista.catalog.models import Service
from servista.cmdb.models import ConfigurationItem
from servista.core import clock
from servista.core.exceptions import InvalidTransition, ValidationFailed
from servista.core.models import Link
from servista.incidents.models import Category, Incident

from . import services
from .choices import CandidateStatus, Dimension, Source
from .models import ProblemCandidate, RepeatRule

FIELDS = {
    Dimension.CATEGORY: Category,
    Dimension.SUBCATEGORY: Category,
    Dimension.CI: ConfigurationItem,
    Dimension.SERVICE: Service,
    Dimension.GROUP: Group,
}
INTERVALS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
VITAL_SHARE = 80  # the "vital few": the values that make the first 80 %
MAX_DAYS = 366


def period(since=None, until=None, days: int = 90):
    """(since, until), checked: until after since, at most a year apart."""
    until = until or clock.now()
    since = since or until - timedelta(days=days)
    if since >= until:
        raise ValidationFailed.field("since", "The period starts before it ends.")
    if until - since > timedelta(days=MAX_DAYS):
        raise ValidationFailed.field("since", f"The period is at most {MAX_DAYS} days.")
    return since, until


def _dimension(dimension: str) -> str:
    if dimension not in FIELDS:
        raise ValidationFailed.field("dimension", f"Use one of {', '.join(FIELDS)}.")
    return dimension


def _labels(dimension, ids) -> dict:
    return {obj.pk: str(obj) for obj in FIELDS[dimension].objects.filter(pk__in=ids)}


def _opened(since, until):
    return Incident.objects.filter(opened_at__gte=since, opened_at__lt=until)


def pareto(dimension: str, since=None, until=None, *, limit: int = 20) -> dict:
    """Incidents of the period by ``dimension`` value, most first, with each
    one's share and the cumulative share; the values within the first 80 %
    are the vital few. Incidents without a value are counted apart."""
    field = _dimension(dimension)
    since, until = period(since, until)
    rows = list(_opened(since, until).exclude(**{f"{field}__isnull": True})
                .values(field).annotate(n=Count("pk")).order_by("-n", field))
    total = sum(row["n"] for row in rows)
    unset = _opened(since, until).filter(**{f"{field}__isnull": True}).count()
    labels = _labels(dimension, [row[field] for row in rows[:limit]])
    out, running = [], 0
    for row in rows[:limit]:
        before = running
        running += row["n"]
        out.append({"id": row[field], "label": labels.get(row[field], str(row[field])),
                    "count": row["n"], "share": round(100 * row["n"] / total, 1),
                    "cumulative": round(100 * running / total, 1),
                    "vital": 100 * before / total < VITAL_SHARE})
    others = total - running
    return {"dimension": dimension, "since": since, "until": until, "total": total,
            "without_value": unset, "others": others, "rows": out}


def trend(dimension: str, since=None, until=None, *, interval: str = "week",
          top: int = 5) -> dict:
    """Incidents per period (day, week, month) for the ``top`` values of
    ``dimension`` and all the others together."""
    field = _dimension(dimension)
    if interval not in INTERVALS:
        raise ValidationFailed.field("interval", f"Use one of {', '.join(INTERVALS)}.")
    since, until = period(since, until)
    opened = _opened(since, until)
    leaders = [row[field] for row in opened.exclude(**{f"{field}__isnull": True})
               .values(field).annotate(n=Count("pk")).order_by("-n", field)[:top]]
    bucket = INTERVALS[interval]("opened_at")
    counts = opened.annotate(bucket=bucket).values("bucket", field).annotate(n=Count("pk"))
    periods = sorted({row["bucket"] for row in counts})
    index = {when: i for i, when in enumerate(periods)}
    labels = _labels(dimension, leaders)
    series = {value: [0] * len(periods) for value in [*leaders, None]}
    for row in counts:
        key = row[field] if row[field] in series else None
        series[key][index[row["bucket"]]] += row["n"]
    return {"dimension": dimension, "interval": interval, "since": since, "until": until,
            "periods": [when.date().isoformat() for when in periods],
            "series": [{"id": value, "label": labels.get(value, "Others") if value else
                        "Others (and none)", "data": data} for value, data in series.items()]}


# --- repeat-incident detection ------------------------------------------------------------


def _linked_incident_ids():
    incident_type = ContentType.objects.get_for_model(Incident)
    return Link.objects.filter(kind=services.CAUSES, source_type=incident_type) \
        .values("source_id")


def detect_repeats(now=None) -> list[ProblemCandidate]:
    """Apply every active rule: values (a CI, a category...) with at least
    the rule's number of incidents in its window, not yet linked to a problem,
    become problem candidates. New incidents update a proposed candidate; a
    decided one (accepted or dismissed) counts only incidents after it."""
    now = now or clock.now()
    found = []
    for rule in RepeatRule.objects.filter(active=True).order_by("pk"):
        field = rule.dimension
        recent = Incident.objects.filter(opened_at__gte=now - timedelta(days=rule.window_days),
                                         opened_at__lte=now) \
            .exclude(**{f"{field}__isnull": True}).exclude(pk__in=_linked_incident_ids())
        groups = recent.values(field).annotate(n=Count("pk")).filter(n__gte=rule.threshold)
        for group in groups:
            candidate = _propose(rule, group[field], recent.filter(**{field: group[field]}))
            if candidate is not None:
                found.append(candidate)
    return found


@transaction.atomic
def _propose(rule: RepeatRule, value, incidents):
    field = rule.dimension
    known = ProblemCandidate.objects.select_for_update().filter(dimension=field,
                                                                object_id=value)
    decided = known.exclude(status=CandidateStatus.PROPOSED).aggregate(
        last=Max("decided_at"))["last"]
    if decided is not None:
        incidents = incidents.filter(opened_at__gt=decided)
    summary = incidents.aggregate(n=Count("pk"), first=Min("opened_at"), last=Max("opened_at"))
    if summary["n"] < rule.threshold:
        return None
    ids = sorted(incidents.values_list("pk", flat=True))
    label = _labels(field, [value]).get(value, str(value))
    candidate = known.filter(status=CandidateStatus.PROPOSED).first()
    if candidate is None:
        return ProblemCandidate.objects.create(
            rule=rule, dimension=field, object_id=value, label=label, incident_ids=ids,
            incident_count=len(ids), first_opened_at=summary["first"],
            last_opened_at=summary["last"])
    if candidate.incident_ids != ids:
        ProblemCandidate.objects.filter(pk=candidate.pk).update(
            incident_ids=ids, incident_count=len(ids), first_opened_at=summary["first"],
            last_opened_at=summary["last"], label=label)
    return candidate


def _require_decision(candidate, actor):
    from servista.core.permissions import policy_for

    policy_for(ProblemCandidate).require(actor, "decide", candidate)
    if candidate.status != CandidateStatus.PROPOSED:
        raise InvalidTransition(f"This candidate was {candidate.get_status_display().lower()} "
                                "already.", field="status")


@transaction.atomic
def accept_candidate(candidate: ProblemCandidate, actor, *, short_description: str = "",
                     assignment_group=None, hold: bool = False):
    """A problem manager accepts: a problem (identified by trend analysis)
    is logged with the candidate's incidents."""
    candidate = ProblemCandidate.objects.select_for_update().get(pk=candidate.pk)
    _require_decision(candidate, actor)
    title = (short_description or "").strip() or \
        f"Repeated incidents: {candidate.incident_count} on {candidate.label}"
    data = {"short_description": title[:200], "source": Source.TREND,
            "description": f"Proposed by the rule '{candidate.rule}' from "
                           f"{candidate.incident_count} incidents between "
                           f"{candidate.first_opened_at:%Y-%m-%d} and "
                           f"{candidate.last_opened_at:%Y-%m-%d}."}
    target = FIELDS[candidate.dimension].objects.filter(pk=candidate.object_id).first()
    if candidate.dimension == Dimension.CATEGORY:
        data["category"] = target
    elif candidate.dimension == Dimension.CI:
        data["configuration_item"] = target
    elif candidate.dimension == Dimension.SERVICE:
        data["service"] = target
    if assignment_group is not None:
        data["assignment_group"] = assignment_group
    incidents = list(Incident.objects.filter(pk__in=candidate.incident_ids).order_by("pk"))
    problem = services.create_problem(actor, data, incidents_=incidents, hold=hold)
    ProblemCandidate.objects.filter(pk=candidate.pk).update(
        status=CandidateStatus.ACCEPTED, decided_by=actor, decided_at=clock.now(),
        problem=problem)
    return problem


@transaction.atomic
def dismiss_candidate(candidate: ProblemCandidate, actor, *, reason: str) -> ProblemCandidate:
    """A problem manager dismisses: no common cause (the reason is kept);
    only incidents after this decision can propose the value again."""
    candidate = ProblemCandidate.objects.select_for_update().get(pk=candidate.pk)
    _require_decision(candidate, actor)
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", "Say why these incidents share no cause.")
    candidate.status = CandidateStatus.DISMISSED
    candidate.decided_by, candidate.decided_at = actor, clock.now()
    candidate.reason = reason.strip()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return candidate


def proposed_count() -> int:
    return ProblemCandidate.objects.filter(status=CandidateStatus.PROPOSED).count()
