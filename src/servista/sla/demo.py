"""The demo's service levels, as ``servista.core.demo`` stories:

  ``sla.agreements``  (reference) the head office calendar (Europe/Rome,
                      09:00–13:00 and 14:00–18:00 on weekdays, Italian public
                      holidays generated), the standard incident SLA (first
                      response and resolution per priority, priority 1 round
                      the clock), the Email service SLA, the Network team's
                      OLA, and escalations (warn the assignee at 75 %, tell
                      the assignee and the group manager on a breach, raise
                      an Email breach to priority 2)
  ``sla.history``     (history) the timers of the demo's incidents brought up
                      to now; warnings and breaches older than a day count in
                      the reports but are not mailed again

It runs before the incidents' history, so every demo incident gets its
timers as it is played, interval by interval.
"""

from datetime import timedelta

from django.utils import timezone

from servista.core import demo
from servista.core.services import system_user

from . import services
from .models import Agreement, Calendar, Escalation, Target, TimerEvent

OFFICE = {day: [["09:00", "13:00"], ["14:00", "18:00"]] for day in range(5)}
RESOLUTION = {
    "pause_when": {"state": ["on_hold"], "hold_reason": ["awaiting_caller", "awaiting_vendor"]},
    "stop_when": {"state": ["resolved", "closed"]},
    "cancel_when": {"state": ["cancelled"]},
    "reset_when": {"state": ["in_progress"]},
}
FIRST_RESPONSE = {
    "stop_when": {"state": ["in_progress", "on_hold", "resolved", "closed"]},
    "cancel_when": {"state": ["cancelled"]},
}
# priority: (first response, resolution) in business minutes
STANDARD = {1: (15, 4 * 60), 2: (30, 8 * 60), 3: (60, 24 * 60), 4: (4 * 60, 40 * 60),
            5: (8 * 60, 80 * 60)}


def _target(agreement, kind, priority, minutes, calendar=None, warnings=(50, 75, 90)):
    rules = RESOLUTION if kind == "resolution" else FIRST_RESPONSE
    Target.objects.get_or_create(agreement=agreement, kind=kind, priority=priority, defaults={
        "minutes": minutes, "calendar": calendar, "warnings": list(warnings), **rules})


@demo.story("sla.agreements", after=("accounts.department", "catalog.services"))
def agreements(ctx: demo.Context) -> None:
    """The head office's calendar with its holidays, a standard SLA per priority,
    the e-mail service's SLA, the network team's OLA and their escalations."""
    admin = system_user()
    calendar = Calendar.objects.filter(name="Head office").first()
    if calendar is None:
        calendar = services.create_calendar(
            admin, name="Head office", time_zone="Europe/Rome", hours=OFFICE, country="IT",
            description="Weekdays 09:00–13:00 and 14:00–18:00, Italian public holidays")
        year = timezone.now().year
        services.generate_holidays(calendar, admin, [year - 1, year, year + 1])
    standard, _ = Agreement.objects.get_or_create(name="Standard incident SLA", defaults={
        "kind": "sla", "calendar": calendar,
        "description": "Every incident of every customer: first response and resolution "
                       "per priority, in head office hours (priority 1 round the clock)."})
    for priority, (response, resolution) in STANDARD.items():
        _target(standard, "first_response", priority, response)
        _target(standard, "resolution", priority, resolution)
    email = ctx["services"].get("Email")
    if email is not None:
        mail, _ = Agreement.objects.get_or_create(name="Email service SLA", defaults={
            "kind": "sla", "service": email, "calendar": calendar,
            "description": "Mail delivery is business critical: faster resolution."})
        _target(mail, "resolution", 1, 2 * 60)
        _target(mail, "resolution", 2, 4 * 60)
        Escalation.objects.get_or_create(agreement=mail, on="breach",
                                         action=Escalation.RAISE_PRIORITY,
                                         defaults={"priority": 2})
    network = ctx["groups"].get("Network")
    if network is not None:
        ola, _ = Agreement.objects.get_or_create(name="Network team OLA", defaults={
            "kind": "ola", "group": network, "calendar": calendar,
            "description": "The network team resolves what it is given within a working day."})
        _target(ola, "resolution", None, 8 * 60)
    for agreement in Agreement.objects.all():
        Escalation.objects.get_or_create(agreement=agreement, on="warning_75",
                                         action=Escalation.NOTIFY,
                                         defaults={"notify_group_manager": False})
        Escalation.objects.get_or_create(agreement=agreement, on="breach",
                                         action=Escalation.NOTIFY)
    # Priority 1 runs round the clock (a target with a calendar of its own
    # would name it; none is the agreement's): here, set on the targets.
    Target.objects.filter(agreement=standard, priority=1, calendar=None).update(
        calendar=Calendar.objects.get_or_create(
            name="Round the clock", defaults={"time_zone": "Europe/Rome"})[0])
    round_clock = Calendar.objects.get(name="Round the clock")
    if not round_clock.hours.exists():
        services.set_hours(round_clock, admin, {day: [["00:00", "24:00"]] for day in range(7)})
    ctx.tally("agreements", Agreement.objects.count())


@demo.story("sla.history", kind=demo.HISTORY, after=("incidents.history",))
def history(ctx: demo.Context) -> None:
    """The warnings and breaches of the demo history, raised by the scan; those
    older than a day marked as handled (no escalation runs for the past)."""
    for _ in range(100):  # bounded: each pass moves every timer past its due events
        if not services.scan(limit=1000):
            break
    old = timezone.now() - timedelta(days=1)
    TimerEvent.objects.filter(at__lt=old, handled=False).update(handled=True)
    ctx.report(f"Service levels: {TimerEvent.objects.filter(name='breach').count()} "
               "breaches in the history.")
