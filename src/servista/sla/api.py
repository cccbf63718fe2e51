"""REST resources of service level management: /api/v1/calendars,
/api/v1/slas (agreements with their targets), /api/v1/record-timers/{number}
(the timers of any work record, each explained) and /api/v1/sla-compliance
(by service, customer, priority or month; as CSV on its page and
from the command line) and /api/v1/sla-watermelon."""

from ninja import Query, Router

from servista.core import lookup
from servista.core.api import get_object, refuse_unknown_params
from servista.core.exceptions import Forbidden, NotFound, ValidationFailed
from servista.core.model_api import ModelAPI, errors
from servista.core.permissions import policy_for

from . import services
from .models import Agreement, Calendar, GroupHours, ServiceHours, Target
from .schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    CalendarIn,
    CalendarOut,
    CalendarPatch,
    ComplianceOut,
    ComplianceQuery,
    GroupHoursIn,
    GroupHoursOut,
    HoursPatch,
    RecordTimersOut,
    ServiceHoursIn,
    ServiceHoursOut,
    WatermelonQuery,
    WatermelonRowOut,
)


class CalendarAPI(ModelAPI):
    model = Calendar
    name = "calendars"
    out_schema = CalendarOut
    create_schema = CalendarIn
    update_schema = CalendarPatch
    tags = ["service levels"]

    def get_queryset(self, request):
        return Calendar.objects.prefetch_related("hours", "holidays", "exceptions")

    def create(self, request, data):
        return services.save_calendar(request.auth, data)

    def update(self, request, obj, data, version):
        return services.save_calendar(request.auth, data, obj)


class AgreementAPI(ModelAPI):
    model = Agreement
    name = "slas"
    out_schema = AgreementOut
    create_schema = AgreementIn
    update_schema = AgreementPatch
    tags = ["service levels"]

    def get_queryset(self, request):
        return Agreement.objects.select_related(
            "customer", "service", "group", "supplier", "calendar").prefetch_related(
            "targets__calendar")

    def create(self, request, data):
        return services.save_agreement(request.auth, _agreement_input(self, data))

    def update(self, request, obj, data, version):
        return services.save_agreement(request.auth, _agreement_input(self, data), obj)


def _agreement_input(resource, data: dict) -> dict:
    """The input with its references (by id or name) as objects, the
    targets' calendars included."""
    targets = data.pop("targets", None) if "targets" in data else ...
    out = resource.resolve(data)
    if targets is not ...:
        out["targets"] = None if targets is None else [
            _target_input(i, t) for i, t in enumerate(targets)]
    return out


def _target_input(i: int, target: dict) -> dict:
    try:
        return lookup.resolve_refs(Target, dict(target))
    except ValidationFailed as exc:
        errors = {f"targets.{i}.{k}": v for k, v in exc.errors.items()}
        raise ValidationFailed(exc.detail, errors) from None


class HoursAPI(ModelAPI):
    """The calendar a group works in, or a service is offered in."""

    owner = ""
    tags = ["service levels"]

    def get_queryset(self, request):
        return self.model.objects.select_related(self.owner, "calendar")

    def create(self, request, data):
        data = self.resolve(data)
        setter = services.set_group_hours if self.owner == "group" else \
            services.set_service_hours
        if self.model.objects.filter(**{self.owner: data[self.owner]}).exists():
            raise ValidationFailed.field(self.owner, f"{data[self.owner]} has hours already: "
                                                     "change them.")
        return setter(data[self.owner], request.auth, data["calendar"])

    def update(self, request, obj, data, version):
        data = self.resolve(data)
        setter = services.set_group_hours if self.owner == "group" else \
            services.set_service_hours
        return setter(getattr(obj, self.owner), request.auth, data["calendar"])


class GroupHoursAPI(HoursAPI):
    model = GroupHours
    name = "group-hours"
    owner = "group"
    out_schema = GroupHoursOut
    create_schema = GroupHoursIn
    update_schema = HoursPatch


class ServiceHoursAPI(HoursAPI):
    model = ServiceHours
    name = "service-hours"
    owner = "service"
    out_schema = ServiceHoursOut
    create_schema = ServiceHoursIn
    update_schema = HoursPatch


calendars = CalendarAPI().router()
agreements = AgreementAPI().router()
group_hours = GroupHoursAPI().router()
service_hours = ServiceHoursAPI().router()
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


ROUTES = [("/calendars", calendars), ("/slas", agreements), ("/group-hours", group_hours),
          ("/service-hours", service_hours), ("", timers)]
