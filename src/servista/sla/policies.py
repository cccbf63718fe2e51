"""Who may see and change service level data: the support staff read
calendars, agreements and the compliance report; administrators change
calendars and agreements (in the admin, the API or the command line).
A record's timers are seen by whoever may see the record."""

from servista.core.permissions import Policy, is_agent, register

from .models import Agreement, Calendar, Escalation, Target


@register
class CalendarPolicy(Policy):
    model = Calendar
    rules = {**Policy.rules, "view": is_agent}


@register
class AgreementPolicy(Policy):
    model = Agreement
    rules = {**Policy.rules, "view": is_agent, "report": is_agent}


@register
class TargetPolicy(Policy):
    model = Target
    rules = {**Policy.rules, "view": is_agent}


@register
class EscalationPolicy(Policy):
    model = Escalation
    rules = {**Policy.rules, "view": is_agent}
