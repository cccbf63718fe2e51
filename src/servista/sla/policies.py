"""Who may see and change service level data: the support staff read
calendars, agreements and the compliance report; administrators and the
service level managers (a capability given to a group) change calendars,
agreements, and the working hours of groups and services (in the admin, the
API or the command line). A record's timers are seen by whoever may see the
record."""

from servista.core.permissions import (
    Policy,
    has_capability,
    is_admin,
    is_agent,
    register,
    register_capability,
)

from .models import Agreement, Calendar, Escalation, GroupHours, ServiceHours, Target

SERVICE_LEVEL_MANAGER = register_capability(
    "sla.service_level_manager", "Service level manager",
    "Defines calendars, agreements (SLA, OLA, UC) with their targets, and the working "
    "hours of groups and services, besides the administrators.").name

manages_service_levels = is_admin | has_capability(SERVICE_LEVEL_MANAGER)

MANAGED = {"create": manages_service_levels, "change": manages_service_levels,
           "delete": manages_service_levels}


@register
class CalendarPolicy(Policy):
    model = Calendar
    rules = {**Policy.rules, **MANAGED, "view": is_agent}


@register
class AgreementPolicy(Policy):
    model = Agreement
    rules = {**Policy.rules, **MANAGED, "view": is_agent, "report": is_agent}


@register
class TargetPolicy(Policy):
    model = Target
    rules = {**Policy.rules, **MANAGED, "view": is_agent}


@register
class EscalationPolicy(Policy):
    model = Escalation
    rules = {**Policy.rules, **MANAGED, "view": is_agent}


@register
class GroupHoursPolicy(Policy):
    model = GroupHours
    rules = {**Policy.rules, **MANAGED, "view": is_agent}


@register
class ServiceHoursPolicy(Policy):
    model = ServiceHours
    rules = {**Policy.rules, **MANAGED, "view": is_agent}
