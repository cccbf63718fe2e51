"""Calendars and agreements shared by the service level tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

from servista.core import clock
from servista.incidents import services as incidents
from servista.sla import services
from servista.sla.models import Agreement, Target

ROME = ZoneInfo("Europe/Rome")
OFFICE = {day: [["09:00", "17:00"]] for day in range(5)}
SPLIT = {day: [["09:00", "13:00"], ["14:00", "18:00"]] for day in range(5)}

# The incident conditions an agreement states in data.
RESOLUTION = {
    "pause_when": {"state": ["on_hold"], "hold_reason": ["awaiting_caller"]},
    "stop_when": {"state": ["resolved", "closed"]},
    "cancel_when": {"state": ["cancelled"]},
    "reset_when": {"state": ["in_progress"]},
}
FIRST_RESPONSE = {
    "stop_when": {"state": ["in_progress", "on_hold", "resolved", "closed"]},
    "cancel_when": {"state": ["cancelled"]},
}


def rome(*args):
    return datetime(*args, tzinfo=ROME)


def office_calendar(actor, name="Rome office", hours=None):
    return services.create_calendar(actor, name=name, time_zone="Europe/Rome",
                                    hours=hours or OFFICE)


def agreement(calendar, *, name="Gold", kind="sla", targets=(("resolution", 2, 8 * 60),),
              warnings=(50, 75, 90), **scope):
    agr = Agreement.objects.create(name=name, kind=kind, calendar=calendar, **scope)
    for target_kind, priority, minutes in targets:
        rules = RESOLUTION if target_kind == "resolution" else FIRST_RESPONSE
        Target.objects.create(agreement=agr, kind=target_kind, priority=priority,
                              minutes=minutes, warnings=list(warnings), **rules)
    return agr


def log_p2(cast, at, **extra):
    with clock.at(at):
        return incidents.log_incident(cast.agent, short_description="Mail down",
                                      caller=cast.requester, impact=1, urgency=2, **extra)


def timer(record, kind="resolution", agreement_name=None):
    for t in services.timers_of(record):
        if t.kind == kind and (agreement_name is None or t.agreement.name == agreement_name):
            return t
    raise AssertionError(f"no {kind} timer on {record}")
