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
