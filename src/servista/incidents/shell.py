"""What incident management shows in the page frame: navigation, the "new"
entry, the agent's home, search, and the open incidents on the pages of
services, configuration items and groups."""

from django.db.models import Q
from django.urls import reverse

from servista.accounts.models import Group, User
from servista.catalog.models import Service
from servista.cmdb.models import ConfigurationItem
from servista.core import shell
from servista.core.permissions import is_agent, restrict

from . import figures
from .choices import IncidentState
from .models import Incident

PANEL_ROWS = 10

shell.nav("Workspace", "incidents:queue", args=("mine",), icon="kanban", weight=10,
          shortcut="g w", shortcut_help="Workspace (my queue)")
shell.nav("Incidents", "incidents:list", icon="exclamation-octagon", weight=20,
          shortcut="g i", shortcut_help="All incidents")
shell.new("Log a new incident", "incidents:create", weight=10, icon="exclamation-octagon")
shell.home("incidents:queue", args=("mine",), applies=is_agent, weight=10)
shell.search(Incident, "Incidents", "incidents:list", weight=10)


def _open_incidents(condition: Q, user, title: str, list_query: str):
    rows = restrict(Incident.objects.filter(condition, state__in=IncidentState.OPEN), user)
    found = list(rows.select_related("assigned_to").order_by("priority", "id")[:PANEL_ROWS + 1])
    return {"title": title, "rows": found[:PANEL_ROWS], "more": len(found) > PANEL_ROWS,
            "list_url": f"{reverse('incidents:list')}?{list_query}&open=true"}


def _affecting(field: str, through_field: str, obj) -> Q:
    through = Incident._meta.get_field(field).remote_field.through
    affected = through.objects.filter(**{through_field: obj}).values("incident_id")
    return Q(pk__in=affected)


def service_incidents(service, user):
    condition = Q(service=service) | _affecting("affected_services", "service", service)
    return _open_incidents(condition, user, "Open incidents", f"service={service.pk}")


def ci_incidents(ci, user):
    condition = Q(configuration_item=ci) | _affecting("affected_cis", "configurationitem", ci)
    return _open_incidents(condition, user, "Open incidents", f"ci={ci.pk}")


def person_incidents(person, user):
    return _open_incidents(Q(caller=person), user, "Open incidents reported",
                           f"caller={person.username}")


def group_incidents(group, user):
    return _open_incidents(Q(assignment_group=group), user, "Open incidents of the group",
                           f"assignment_group={group.pk}")


def impacted_services(incident, user):
    """On the incident's page (support staff): the services its item's
    failure reaches, and the one proposed as its service."""
    if incident.configuration_item_id is None or not is_agent(user):
        return None
    from . import services

    reached = services.impacted_services(incident)
    proposed = services.proposed_service(incident, reached)
    return {"incident": incident, "reached": reached, "proposed": proposed,
            "propose": proposed is not None and incident.service_id != proposed.pk
            and incident.is_open}


shell.panel("Services impacted", "incidents/panels/impacted_services.html", impacted_services,
            models=[Incident], weight=8)

TEMPLATE = "incidents/panels/open_incidents.html"
shell.panel("Open incidents", TEMPLATE, service_incidents, models=[Service], weight=20)
shell.panel("Open incidents", TEMPLATE, ci_incidents, models=[ConfigurationItem], weight=20)
shell.panel("Open incidents", TEMPLATE, group_incidents, models=[Group], weight=20)
shell.panel("Open incidents", TEMPLATE, person_incidents, models=[User], weight=20)


# --- the service desk dashboard ------------------------------------------------------

def _chart(key, title, axis, kind, labels, series):
    rows = [{"label": label, "cells": [{"value": serie["values"][i], "url": serie["urls"][i]}
                                       for serie in series]}
            for i, label in enumerate(labels)]
    return {"key": key, "title": title, "axis": axis, "data_id": f"chart-{key}-data",
            "spec": {"kind": kind, "labels": labels, "series": series}, "rows": rows}


def desk_dashboard(user, days):
    """The figures of incidents/figures.py, with the charts that draw them."""
    data = figures.desk_figures(user, days)
    by_priority = data["open_by_priority"]
    groups = data["open_by_group"]
    trend = data["trend"]
    data["charts"] = [
        _chart("priority", "Open incidents by priority", "Priority", "bar",
               [row["label"] for row in by_priority],
               [{"name": "Open", "values": [row["count"] for row in by_priority],
                 "urls": [row["url"] for row in by_priority]}]),
        _chart("groups", "Open incidents by group", "Group", "hbar",
               [row["name"] for row in groups],
               [{"name": "Open", "values": [row["count"] for row in groups],
                 "urls": [row["url"] for row in groups], "color": "#0a58ca"}]),
        _chart("aging", "Age of the open incidents", "Age", "bar",
               [row["label"] for row in data["aging"]],
               [{"name": "Open", "values": [row["count"] for row in data["aging"]],
                 "urls": [row["url"] for row in data["aging"]], "color": "#6f42c1"}]),
        _chart("trend", f"Created and resolved per day (last {data['days']} days)", "Day",
               "line", [row["day"] for row in trend],
               [{"name": "Created", "values": [row["created"] for row in trend],
                 "urls": [row["created_url"] for row in trend], "color": "#b02a37"},
                {"name": "Resolved", "values": [row["resolved"] for row in trend],
                 "urls": [row["resolved_url"] for row in trend], "color": "#198754"}]),
    ]
    return data


def nothing_assigned(user) -> bool:
    """Support staff with no open incident of their own land on the dashboard."""
    return is_agent(user) and not Incident.objects.filter(
        assigned_to=user, state__in=IncidentState.OPEN).exists()


shell.dashboard("Service desk", "incidents/dashboard/desk.html", desk_dashboard, weight=10)
shell.nav("Dashboard", "dashboard", icon="speedometer2", weight=15, shortcut="g d",
          shortcut_help="Dashboard")
shell.home("dashboard", applies=nothing_assigned, weight=5)
