"""REST resources of service level management: /api/v1/calendars,
/api/v1/slas (agreements with their targets), /api/v1/record-timers/{number}
(the timers of any work record, each explained) and /api/v1/sla-compliance
(by service, customer, priority or month; as CSV on its page and
from the command line) and /api/v1/sla-watermelon."""

from ninja import Query, Router

from servista.core.api import get_object, refuse_unknown_params
from servista.core.exceptions import Forbidden, NotFound
from servista.core.model_api import ModelAPI, errors
from servista.core.permissions import policy_for

from . import services
from .models import Agreement, Calendar
from .schemas import (
    AgreementOut,
    CalendarOut,
    ComplianceOut,
    ComplianceQuery,
    RecordTimersOut,
    WatermelonQuery,
    WatermelonRowOut,
)


class CalendarAPI(ModelAPI):
    model = Calendar
    name = "calendars"
    out_schema = CalendarOut

    def get_queryset(self, request):
        return Calendar.objects.prefetch_related("hours", "holidays", "exceptions")


class AgreementAPI(ModelAPI):
    model = Agreement
    name = "slas"
    out_schema = AgreementOut
    tags = ["service levels"]

    def get_queryset(self, request):
        return Agreement.objects.select_related(
            "customer", "service", "group", "supplier", "calendar").prefetch_related(
            "targets__calendar")


calendars = CalendarAPI().router()
agreements = AgreementAPI().router()
timers = Router(tags=["service levels"])


def minutes(delta) -> float:
    return round(delta.total_seconds() / 60, 2)


def timer_out(timer) -> dict:
    result = services.explain(timer)
    return {
        "id": timer.pk, "agreement": timer.agreement, "agreement_kind": timer.agreement.kind,
        "kind": timer.kind, "status": timer.status, "cycle": timer.cycle,
        "target_minutes": minutes(timer.target_duration),
        "elapsed_minutes": minutes(result.elapsed), "paused_minutes": minutes(result.paused),
        "remaining_minutes": minutes(result.remaining), "percent": round(result.percent, 1),
        "started_at": result.started_at, "stopped_at": result.stopped_at,
        "due_at": result.due_at, "breached_at": result.breached_at,
        "warnings": {str(p): at for p, at in result.warnings.items()},
        "explanation": [{"start": p.start, "end": p.end, "kind": p.kind,
                         "business_minutes": minutes(p.business), "why": p.why}
                        for p in result.parts],
    }


@timers.get("/record-timers/{ident}", response={200: RecordTimersOut, **errors(401, 404)},
            operation_id="record_timers",
            summary="The service level timers of a work record (INC0001001...), each with "
                    "the intervals it counted, paused or did not run, and why")
def record_timers(request, ident: str):
    model = services.record_model_of(ident)
    if model is None:
        raise NotFound(f"No record '{ident}'.")
    record = get_object(request, model.objects.all(), ident)
    return {"record": record.number, "timers": [timer_out(t) for t in services.timers_of(record)]}


@timers.get("/sla-compliance", response={200: ComplianceOut, **errors(401, 403, 422)},
            operation_id="sla_compliance",
            summary="SLA compliance by service, customer, priority or month: percent met, "
                    "breaches, mean time to first response and to resolve")
def sla_compliance(request, filters: Query[ComplianceQuery]):
    refuse_unknown_params(request, {"by", "kind", "since", "until"})
    if not policy_for(Agreement).can(request.auth, "report"):
        raise Forbidden("The compliance report is for the support staff.")
    rows = services.compliance(filters.by, since=filters.since, until=filters.until,
                               kind=filters.kind)
    return {"by": filters.by, "rows": rows}


@timers.get("/sla-watermelon", response={200: list[WatermelonRowOut], **errors(401, 403, 422)},
            operation_id="sla_watermelon",
            summary="The watermelon check: per service and month, SLA compliance next to "
                    "satisfaction; services green on SLAs but red on satisfaction flagged")
def sla_watermelon(request, filters: Query[WatermelonQuery]):
    refuse_unknown_params(request, {"since", "until"})
    if not policy_for(Agreement).can(request.auth, "report"):
        raise Forbidden("The watermelon check is for the support staff.")
    return services.watermelon(since=filters.since, until=filters.until)


ROUTES = [("/calendars", calendars), ("/slas", agreements), ("", timers)]
