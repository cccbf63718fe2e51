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
    servista incident dashboard --as USER [--days 14]

The verbs are the kit's (``core.records.cli``) and the incident actions'
(``incidents.actions``), through ``incidents.services``.
"""

from django.core.management import CommandError

from servista.core.exceptions import Forbidden
from servista.core.permissions import is_agent
from servista.core.records.cli import RecordCommand, when
from servista.incidents import figures
from servista.incidents.api import resource


class Command(RecordCommand):
    help = "Log, list, show and work incidents as a given user."
    api = resource
    flags = {"resolution_code": ("--code",), "resolution_notes": ("--notes",),
             "is_major": ("--major",)}
    list_filters = ("state", "assignment_group", "assigned_to", "priority", "q", "is_major")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = next(action for action in parser._subparsers._group_actions
                   if action.dest == "verb")
        board = sub.add_parser("dashboard", help="the service desk's figures (as the "
                                                 "dashboard and GET /api/v1/incident-dashboard)")
        board.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user who acts")
        board.add_argument("--days", type=int, default=figures.DAYS_DEFAULT,
                           help=f"the trend and rates cover this many days (1 to "
                                f"{figures.DAYS_MAX})")

    def do_dashboard(self, actor, days, **options):
        if not is_agent(actor):
            raise Forbidden("The dashboard is for the support staff.")
        if not 1 <= days <= figures.DAYS_MAX:
            raise CommandError(f"--days: from 1 to {figures.DAYS_MAX}.")
        data = figures.desk_figures(actor, days)
        rate = lambda part: "—" if part["rate"] is None else f"{part['rate']:.0%}"  # noqa: E731
        write = self.stdout.write
        write(f"Open incidents: {data['open_total']}")
        write("By priority: " + ", ".join(f"{row['label']}: {row['count']}"
                                           for row in data["open_by_priority"]))
        write("By group: " + ", ".join(f"{row['name']}: {row['count']}"
                                        for row in data["open_by_group"]))
        write("Age: " + ", ".join(f"{row['label']}: {row['count']}" for row in data["aging"]))
        created = sum(day["created"] for day in data["trend"])
        resolved = sum(day["resolved"] for day in data["trend"])
        write(f"Last {data['days']} days: {created} created, {resolved} resolved")
        fcr, moved = data["first_contact_resolution"], data["reassignment"]
        write(f"First-contact resolution: {rate(fcr)} ({fcr['count']} of {fcr['resolved']})")
        write(f"Reassignment rate: {rate(moved)} ({moved['count']} of {moved['resolved']})")
        write(f"Open major incidents: {data['major_backlog']['count']}")

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

