from servista.core.permissions import Policy, RecordPolicy, register

from .models import Category, Incident


@register
class IncidentPolicy(RecordPolicy):
    """Requesters see their organization's incidents, log their own and
    comment; the caller may also confirm a resolution or reopen. Agents work
    incidents; managers override priority and run major incidents."""

    model = Incident
    roles = {
        **RecordPolicy.roles,
        "override_priority": "manager",
        "promote_major": "manager",
        "escalate": "agent",
        "stand_down_major": "manager",
        "clear_escalation": "manager",
    }

    def can(self, user, action, obj=None):
        if action in ("close", "reopen") and obj is not None and user.is_authenticated:
            # The caller confirms or rejects the resolution of their incident.
            if obj.caller_id == user.pk:
                return True
            return user.is_agent
        if action == "manage_swarm" and obj is not None and user.is_authenticated:
            # A manager, or the major-incident manager running this one.
            return user.is_manager or (user.is_agent and obj.major_incident_manager_id == user.pk)
        return super().can(user, action, obj)


@register
class CategoryPolicy(Policy):
    model = Category
    roles = {"view": "requester", "create": "admin", "change": "admin"}
