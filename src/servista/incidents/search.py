"""What the incident search box looks through (see ``core.search``), and
what incidents put among the suggestions while someone writes: open
incidents like it (possible duplicates) for the staff, a running major
incident for everyone, and resolved incidents in the knowledge search."""

from servista.core import search
from servista.core.permissions import is_agent, is_signed_in, restrict

from .choices import IncidentState
from .models import Incident

# The same fields as migration 0005's SearchIndex.
search.register(Incident, ("short_description", "description"))


def _open(user):
    return restrict(Incident.objects.filter(state__in=IncidentState.OPEN), user)


def _majors(user):
    # Everyone may know of a running major incident (not who reported it).
    return Incident.objects.filter(is_major=True, state__in=IncidentState.OPEN)


def _resolved(user):
    return restrict(Incident.objects.filter(
        state__in=(IncidentState.RESOLVED, IncidentState.CLOSED)), user)


def describe_open(incident, user) -> dict:
    return {"kind": "incident", "number": incident.number,
            "title": incident.short_description, "url": incident.get_absolute_url(),
            "note": "Major incident in progress" if incident.is_major
            else f"{incident.get_state_display()}, opened {incident.opened_at:%Y-%m-%d}"}


def describe_major(incident, user) -> dict:
    return {"kind": "major_incident", "number": incident.number,
            "title": incident.short_description,
            "url": incident.get_absolute_url() if is_agent(user) else "",
            "note": "A major incident in progress: the support staff are working on it."}


def describe_resolved(incident, user) -> dict:
    return {"kind": "incident", "number": incident.number,
            "title": incident.short_description, "url": incident.get_absolute_url(),
            "note": incident.resolution_notes[:200]}


search.register_suggestions(
    "incidents", "Open incidents like it", Incident, queryset=_open, describe=describe_open,
    # Measured with bench/quality.py (tuned on seed 1, reported on another seed).
    visible=is_agent, weight=30, threshold=0.35, relative=0.8)
search.register_suggestions(
    "major_incidents", "Major incidents in progress", Incident, queryset=_majors,
    describe=describe_major, visible=is_signed_in & ~is_agent, weight=5, threshold=0.2)
search.register_suggestions(
    "resolved_incidents", "Resolved incidents", Incident, queryset=None,
    search_queryset=_resolved, describe=describe_resolved, visible=is_agent, weight=40,
    threshold=0.35)
