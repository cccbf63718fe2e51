"""REST resources of problem management: /api/v1/problems (the kit's
resource, configured, with the incidents it causes), /api/v1/known-errors
(the known error database), /api/v1/incident-trends and
/api/v1/incident-pareto (trend and Pareto analysis), and
/api/v1/problem-candidates (repeat-incident detection). Every change goes
through services.py (and trends.py for the candidates)."""

from typing import Literal

from ninja import Field, Query, Router, Status
from ninja.decorators import decorate_view

from servista.accounts.models import Group
from servista.core import lookup
from servista.core.api import get_object, idempotent, paginate, refuse_unknown_params
from servista.core.model_api import ERRORS, LIMIT, OFFSET, errors
from servista.core.permissions import policy_for, restrict
from servista.core.records.api import RecordAPI
from servista.core.schemas import DateTimeIn, InputSchema, Page
from servista.incidents.models import Incident

from . import services, trends
from .actions import ACTIONS
from .choices import CandidateStatus, Dimension
from .filtersets import ProblemFilterSet
from .models import Problem, ProblemCandidate
from .schemas import (
    AcceptIn,
    CandidateOut,
    DismissIn,
    ParetoOut,
    ProblemIn,
    ProblemOut,
    ProblemPatch,
    TrendOut,
)


class ProblemAPI(RecordAPI):
    model = Problem
    name = "problems"
    service = services.rules
    actions = ACTIONS
    out_schema = ProblemOut
    create_schema = ProblemIn
    update_schema = ProblemPatch
    filterset = ProblemFilterSet
    joined = ("assignment_group", "assigned_to", "opened_by", "category", "resolved_by")

    def create(self, request, data):
        incidents = data.pop("incidents", [])
        hold = data.pop("hold", False)
        refs = self.resolve({"incidents": incidents}, extra={"incidents": Incident})
        visible = restrict(Incident.objects.all(), request.auth)
        for incident in refs["incidents"]:
            if not visible.filter(pk=incident.pk).exists():
                from servista.core.exceptions import ValidationFailed

                raise ValidationFailed.field("incidents", f"No incident '{incident.pk}'.")
        return services.create_problem(request.auth, self.resolve(data),
                                       incidents_=refs["incidents"], hold=hold)

    def update(self, request, obj, data, version):
        if "contributing_causes" in data:
            data["contributing_causes"] = [dict(c) for c in data["contributing_causes"]]
        return super().update(request, obj, data, version)


resource = ProblemAPI()
router = resource.router()


@router.get("/{ident}/incidents", response={200: list[dict], **errors(401, 404)},
            operation_id="incidents_problems", summary="The incidents this problem causes")
def problem_incidents(request, ident: str):
    problem = resource.get_object(request, ident)
    rows = services.linked_incidents(problem).order_by("-id")[:500]
    return [{"number": inc.number, "short_description": inc.short_description,
             "state": inc.state} for inc in rows]


known = Router(tags=["known-errors"])


class KnownErrorQuery(InputSchema):
    q: str = Field("", description="Words of the symptoms, root cause or workaround")


@known.get("", response={200: Page[ProblemOut], **errors(401, 422)},
           operation_id="list_known_errors",
           summary="The known error database: unresolved known errors, with symptoms, root "
                   "cause and workaround (q= searches them)")
def known_errors(request, filters: Query[KnownErrorQuery], limit: int | None = LIMIT,
                 offset: int = OFFSET):
    refuse_unknown_params(request, {"q", "limit", "offset"})
    q = filters.q
    rows = restrict(resource.get_queryset(request), request.auth) \
        .filter(pk__in=services.known_errors().values("pk"))
    if q.strip():
        from servista.core import search

        rows = rows.filter(search.matches(Problem, q, using=rows.db))
    return resource.respond_page(paginate(rows.order_by("priority", "-id"), limit, offset),
                                 request.auth)


analysis = Router(tags=["problem analysis"])


class Period(InputSchema):
    dimension: Literal[tuple(Dimension.values)] = Dimension.CATEGORY
    since: DateTimeIn | None = None
    until: DateTimeIn | None = None


class TrendPeriod(Period):
    interval: Literal[tuple(trends.INTERVALS)] = "week"


class CandidateQuery(InputSchema):
    status: Literal[tuple(CandidateStatus.values)] = CandidateStatus.PROPOSED


def _require_staff(request):
    from servista.core.exceptions import Forbidden

    if not policy_for(Problem).can(request.auth, "view"):
        raise Forbidden("Trend analysis is for the support staff.")


@analysis.get("/incident-pareto", response={200: ParetoOut, **errors(401, 403, 422)},
              operation_id="incident_pareto",
              summary="Pareto analysis: incidents of a period by category, CI, service...")
def incident_pareto(request, filters: Query[Period]):
    _require_staff(request)
    return trends.pareto(filters.dimension, filters.since, filters.until)


@analysis.get("/incident-trends", response={200: TrendOut, **errors(401, 403, 422)},
              operation_id="incident_trends",
              summary="Incidents per day, week or month for the leading values of a dimension")
def incident_trends(request, filters: Query[TrendPeriod]):
    _require_staff(request)
    return trends.trend(filters.dimension, filters.since, filters.until,
                        interval=filters.interval)


candidates = Router(tags=["problem-candidates"])


def candidate_out(candidate) -> dict:
    numbers = dict(Incident.objects.filter(pk__in=candidate.incident_ids)
                   .values_list("pk", "number"))
    return {"id": candidate.pk, "dimension": candidate.dimension, "label": candidate.label,
            "incident_count": candidate.incident_count,
            "incidents": [numbers[pk] for pk in candidate.incident_ids if pk in numbers],
            "first_opened_at": candidate.first_opened_at,
            "last_opened_at": candidate.last_opened_at, "status": candidate.status,
            "rule": str(candidate.rule) if candidate.rule_id else None,
            "detected_at": candidate.detected_at, "decided_by": candidate.decided_by,
            "decided_at": candidate.decided_at, "reason": candidate.reason,
            "problem": candidate.problem.number if candidate.problem_id else None}


def _candidates(request):
    return restrict(ProblemCandidate.objects.select_related("rule", "decided_by", "problem"),
                    request.auth)


@candidates.get("", response={200: list[CandidateOut], **errors(401, 422)},
                operation_id="list_problem_candidates",
                summary="Problem candidates from repeated incidents (proposed first)")
def list_candidates(request, filters: Query[CandidateQuery]):
    rows = _candidates(request).filter(status=filters.status)[:200]
    return [candidate_out(c) for c in rows]


@candidates.post("/{ident}/accept", response={201: ProblemOut, **ERRORS},
                 operation_id="accept_problem_candidates",
                 summary="Accept: a problem is logged with the incidents (problem managers)")
@decorate_view(idempotent)
def accept(request, ident: str, payload: AcceptIn):
    candidate = get_object(request, _candidates(request), ident)
    group = lookup.resolve(Group, payload.assignment_group, "assignment_group")
    problem = trends.accept_candidate(candidate, request.auth,
                                      short_description=payload.short_description,
                                      assignment_group=group, hold=payload.hold)
    return Status(201, resource.reload(request, problem))


@candidates.post("/{ident}/dismiss", response={200: CandidateOut, **ERRORS},
                 operation_id="dismiss_problem_candidates",
                 summary="Dismiss: no common cause (problem managers; reason required)")
@decorate_view(idempotent)
def dismiss(request, ident: str, payload: DismissIn):
    candidate = get_object(request, _candidates(request), ident)
    return candidate_out(trends.dismiss_candidate(candidate, request.auth,
                                                  reason=payload.reason))


ROUTES = [("/problems", router), ("/known-errors", known), ("", analysis),
          ("/problem-candidates", candidates)]
