from servista.core.permissions import (
    Policy,
    RecordPolicy,
    has_capability,
    is_admin,
    is_agent,
    is_manager,
    is_person,
    register,
    register_capability,
)

from .models import Category, Incident

MAJOR_INCIDENT_MANAGER = register_capability(
    "incidents.major_incident_manager", "Major incident manager",
    "Declares major incidents, leads them and stands them down, besides the managers.").name


@register
class IncidentPolicy(RecordPolicy):
    """Requesters see the incidents they are the caller of and their
    organization's, log their own and comment; the caller also confirms a
    resolution (close) or rejects it (reopen). Agents work incidents;
    managers override priorities; managers and the major incident managers
    run major incidents, and the manager named on one runs its swarm."""

    model = Incident
    requester_fields = ("caller",)
    organization_field = "organization"
    runs_majors = is_manager | has_capability(MAJOR_INCIDENT_MANAGER)
    rules = {
        **RecordPolicy.rules,
        "escalate": is_agent,
        "close": is_agent | is_person("caller"),
        "reopen": is_agent | is_person("caller"),
        "promote_major": runs_majors,
        "stand_down_major": runs_majors,
        "clear_escalation": is_manager,
        "manage_swarm": is_manager | (is_agent & is_person("major_incident_manager")),
    }


@register
class CategoryPolicy(Policy):
    model = Category
    rules = {**Policy.rules, "create": is_admin, "change": is_admin}
