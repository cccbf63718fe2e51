"""``servista incident``: log, list, show and work incidents from a shell.

    servista incident create --as USER -s "VPN down" [--caller U --impact 1 ...]
    servista incident list   --as USER [--state new --state in_progress --group G ...]
    servista incident show   --as USER INC0001001
    servista incident update --as USER INC0001001 --set urgency=1 --set group=Network
    servista incident resolve --as USER INC0001001 --code solved_remotely --notes "..."
    servista incident hold   --as USER INC0001001 --reason awaiting_caller
    servista incident assign --as USER INC0001001 [--group G] [--assignee A]
    servista incident comment --as USER INC0001001 "text" [--work-note]
    servista incident take | start | reopen | close | cancel --as USER INC0001001 [--reason ..]
    servista incident escalate --as USER INC0001001 (--group G | --hierarchical) --reason "..."
    servista incident priority --as USER INC0001001 (--set N | --matrix) --reason "..."
    servista incident major --as USER INC0001001 --manager M [--swarm A --swarm B] [--reason ..]
    servista incident swarm | stand-down | clear-escalation | parent ...

The verbs are the kit's (``core.records.cli``) and the incident actions'
(``incidents.actions``), through ``incidents.services``.
"""

from servista.core.records.cli import RecordCommand, when
from servista.incidents.api import resource


class Command(RecordCommand):
    help = "Log, list, show and work incidents as a given user."
    api = resource
    flags = {"resolution_code": ("--code",), "resolution_notes": ("--notes",),
             "is_major": ("--major",)}
    list_filters = ("state", "assignment_group", "assigned_to", "priority", "q", "is_major")

    def show_rows(self, inc):
        return [
            ("Number", inc.number), ("Short description", inc.short_description),
            ("State", inc.get_state_display()), ("Priority", inc.get_priority_display()),
            ("Impact / urgency", f"{inc.get_impact_display()} / {inc.get_urgency_display()}"),
            ("Caller", f"{inc.caller}" + (f" ({inc.organization})" if inc.organization else "")),
            ("Category", " / ".join(str(c.name) for c in (inc.category, inc.subcategory) if c)),
            ("Service", inc.service), ("Configuration item", inc.configuration_item),
            ("Assignment group", inc.assignment_group), ("Assigned to", inc.assigned_to),
            ("Channel", inc.get_channel_display()),
            ("Opened", f"{when(inc.opened_at)} by {inc.opened_by}"),
            ("Updated", when(inc.updated_at)), ("Hold reason", inc.get_hold_reason_display()),
            ("Resolved", f"{when(inc.resolved_at)} by {inc.resolved_by}"
             if inc.resolved_at else ""),
            ("Resolution", inc.get_resolution_code_display()),
            ("Resolution notes", inc.resolution_notes), ("Closed", when(inc.closed_at)),
            ("Parent", inc.parent), ("Major incident", "yes" if inc.is_major else ""),
        ]

    def action_output(self, action, inc):
        if action.name == "priority":
            return f"{inc.number}: {inc.get_priority_display()}"
        return super().action_output(action, inc)

