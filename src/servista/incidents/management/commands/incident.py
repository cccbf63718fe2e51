"""``servista incident``: log, list, show and work incidents from a shell.

    servista incident create --as USER -s "VPN down" [--caller U --impact 1 ...]
    servista incident list   --as USER [--state new --state in_progress --group G ...]
    servista incident show   --as USER INC0001001
    servista incident update --as USER INC0001001 --set urgency=1 --set group=Network
    servista incident resolve --as USER INC0001001 --code solved_remotely --notes "..."
    servista incident hold   --as USER INC0001001 --reason awaiting_caller
    servista incident assign --as USER INC0001001 [--group G] [--assignee A]
    servista incident comment --as USER INC0001001 "text" [--work-note]
    servista incident take | reopen | close | cancel --as USER INC0001001 [--reason "..."]
    servista incident escalate --as USER INC0001001 (--group G | --hierarchical) --reason "..."
    servista incident priority --as USER INC0001001 (--set N | --matrix) --reason "..."
    servista incident major --as USER INC0001001 --manager M [--swarm A --swarm B] [--reason ..]
    servista incident stand-down --as USER INC0001001 --reason "..."

Every operation acts as the ``--as`` user through ``incidents.services``
with the same permissions as in the web UI and the API (a record outside
the user's reach is "not found"), and its journal entries say 'cli'.
Refusals and bad input end with a one-line message and a non-zero exit.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from servista.accounts.models import User
from servista.core.api import apply_filterset
from servista.core.context import audit_context
from servista.core.exceptions import DomainError
from servista.core.idents import parse_id
from servista.core.permissions import restrict
from servista.core.services import visible_journal
from servista.incidents import services
from servista.incidents.choices import Channel
from servista.incidents.filtersets import IncidentFilterSet
from servista.incidents.models import Incident

# Short names accepted by ``update --set`` for the fields' real names.
ALIASES = {"group": "assignment_group", "assignee": "assigned_to", "ci": "configuration_item",
           "short": "short_description", "code": "resolution_code",
           "notes": "resolution_notes"}
NUMBERS = ("impact", "urgency", "priority")
RELATED = ("caller", "organization", "category", "subcategory", "service",
           "configuration_item", "assignment_group", "assigned_to", "opened_by",
           "resolved_by", "parent")


def one_line(exc: DomainError) -> str:
    """The first field error as 'field: message' (naming any other wrong
    fields after it), or the error's detail."""
    fields = [name for name, messages in exc.errors.items() if messages and name != "__all__"]
    if not fields:
        return exc.detail
    message = exc.errors[fields[0]][0]
    if not message.startswith(f"{fields[0]}:"):
        message = f"{fields[0]}: {message}"
    if len(fields) > 1:
        message += f" (also wrong: {', '.join(fields[1:])})"
    return message


class Command(BaseCommand):
    help = "Log, list, show and work incidents as a given user."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        def action(name, help_text):
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user who acts")
            if name not in ("create", "list"):
                p.add_argument("number", help="incident number (or id)")
            return p

        create = action("create", "log an incident; prints its number")
        create.add_argument("-s", "--short", dest="short_description", required=True,
                            help="short description")
        create.add_argument("--description", default="")
        create.add_argument("--caller", help="username or e-mail (default: yourself)")
        create.add_argument("--impact", type=int, default=2, help="1 high, 2 medium, 3 low")
        create.add_argument("--urgency", type=int, default=2, help="1 high, 2 medium, 3 low")
        create.add_argument("--service")
        create.add_argument("--ci", dest="configuration_item", help="configuration item")
        create.add_argument("--category")
        create.add_argument("--subcategory")
        create.add_argument("--group", dest="assignment_group", help="assignment group")
        create.add_argument("--assignee", dest="assigned_to", help="username")
        create.add_argument("--channel", default=Channel.CLI,
                            help=f"one of {', '.join(Channel.values)} (default: cli)")

        listing = action("list", "list incidents, newest first")
        listing.add_argument("--state", action="append", help="repeat for several states")
        listing.add_argument("--group", help="assignment group")
        listing.add_argument("--assigned-to", help="username, 'me' or 'none'")
        listing.add_argument("--priority", action="append", help="repeat for several")
        listing.add_argument("-q", "--search", help="words of the description, or a number")
        listing.add_argument("--major", action="store_true", help="major incidents only")
        listing.add_argument("--limit", type=int, default=25)

        action("show", "an incident's fields and activity")

        update = action("update", "change fields (as in the edit form)")
        update.add_argument("--set", dest="assignments", action="append", required=True,
                            metavar="FIELD=VALUE", help="repeat for several fields")
        update.add_argument("--reason", default="", help="kept in the journal")

        resolve = action("resolve", "resolve with a code and notes")
        resolve.add_argument("--code", default="", help="resolution code")
        resolve.add_argument("--notes", default="", help="resolution notes")

        hold = action("hold", "put on hold")
        hold.add_argument("--reason", default="", help="hold reason, e.g. awaiting_caller")

        assign = action("assign", "assign to a group and/or a person")
        assign.add_argument("--group", help="assignment group")
        assign.add_argument("--assignee", help="username")

        action("take", "assign to yourself")
        for name, help_text in (("reopen", "reopen a resolved incident"),
                                ("close", "close a resolved incident"),
                                ("cancel", "cancel (logged by mistake, duplicate)"),
                                ("stand-down", "end the major-incident procedure (managers)")):
            action(name, help_text).add_argument("--reason", default="", help="kept in the journal")

        escalate = action("escalate", "functional (--group) or hierarchical escalation")
        to = escalate.add_mutually_exclusive_group(required=True)
        to.add_argument("--group", help="the group to pass the incident to")
        to.add_argument("--hierarchical", action="store_true", help="inform management")
        escalate.add_argument("--reason", required=True)

        priority = action("priority", "override the priority (managers)")
        value = priority.add_mutually_exclusive_group(required=True)
        value.add_argument("--set", dest="priority", type=int, choices=range(1, 6))
        value.add_argument("--matrix", action="store_true", help="back to the matrix")
        priority.add_argument("--reason", default="")

        major = action("major", "declare a major incident (managers)")
        major.add_argument("--manager", required=True, help="the major-incident manager")
        major.add_argument("--swarm", action="append", default=[], help="repeat for several")
        major.add_argument("--reason", default="")

        comment = action("comment", "add a comment (or a work note)")
        comment.add_argument("text")
        comment.add_argument("--work-note", action="store_true",
                             help="private work note instead of a public comment")

    def handle(self, *args, action, username, **options):
        actor = User.objects.filter(username__iexact=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user '{username}'.")
        with audit_context("cli"):
            try:
                getattr(self, f"do_{action.replace('-', '_')}")(actor, **options)
            except DomainError as exc:
                raise CommandError(one_line(exc))

    # --- look-ups -----------------------------------------------------------

    def get(self, actor, number: str) -> Incident:
        """An incident the actor may see; anything else is not found."""
        incidents = restrict(Incident.objects.select_related(*RELATED), actor)
        pk = parse_id(number)
        key = {"pk": pk} if pk is not None else {"number": number.upper()}
        incident = incidents.filter(**key).first()
        if incident is None:
            raise CommandError(f"Incident {number} not found.")
        return incident

    def done(self, incident: Incident) -> None:
        incident.refresh_from_db()
        self.stdout.write(f"{incident.number}: {incident.get_state_display()}")

    # --- actions -------------------------------------------------------------------

    def do_create(self, actor, **options):
        refs = ("caller", "service", "configuration_item", "category", "subcategory",
                "assignment_group", "assigned_to")
        data = {name: options[name] for name in refs if options.get(name)}
        data = services.resolve_refs(data)
        incident = services.log_incident(
            actor, short_description=options["short_description"],
            description=options["description"], impact=options["impact"],
            urgency=options["urgency"], channel=options["channel"], **data)
        self.stdout.write(incident.number)

    def do_list(self, actor, state, group, assigned_to, priority, search, major, limit,
                **options):
        if not 1 <= limit <= 1000:
            raise CommandError("--limit must be between 1 and 1000.")
        params = {"state": state, "assignment_group": group, "assigned_to": assigned_to,
                  "priority": priority, "q": search, "is_major": "true" if major else None}
        request = _Request(actor)
        incidents = apply_filterset(IncidentFilterSet, request,
                                    restrict(Incident.objects.all(), actor), params)
        rows = list(incidents.select_related("assignment_group", "assigned_to")
                    .order_by("-id")[:limit])
        if not rows:
            self.stdout.write("No incidents.")
            return
        self.stdout.write(f"{'NUMBER':<11} {'STATE':<12} {'P':<2} {'GROUP':<24} "
                          f"{'ASSIGNED TO':<20} {'OPENED':<16} SHORT DESCRIPTION")
        for inc in rows:
            self.stdout.write(
                f"{inc.number:<11} {inc.get_state_display():<12} {inc.priority:<2} "
                f"{_cut(inc.assignment_group, 24):<24} {_cut(inc.assigned_to, 20):<20} "
                f"{_when(inc.opened_at):<16} {_cut(inc.short_description, 60)}")

    def do_show(self, actor, number, **options):
        inc = self.get(actor, number)
        fields = [
            ("Number", inc.number), ("Short description", inc.short_description),
            ("State", inc.get_state_display()), ("Priority", inc.get_priority_display()),
            ("Impact / urgency", f"{inc.get_impact_display()} / {inc.get_urgency_display()}"),
            ("Caller", f"{inc.caller}" + (f" ({inc.organization})" if inc.organization else "")),
            ("Category", " / ".join(str(c.name) for c in (inc.category, inc.subcategory) if c)),
            ("Service", inc.service), ("Configuration item", inc.configuration_item),
            ("Assignment group", inc.assignment_group), ("Assigned to", inc.assigned_to),
            ("Channel", inc.get_channel_display()),
            ("Opened", f"{_when(inc.opened_at)} by {inc.opened_by}"),
            ("Updated", _when(inc.updated_at)),
            ("Hold reason", inc.get_hold_reason_display()),
            ("Resolved", f"{_when(inc.resolved_at)} by {inc.resolved_by}"
             if inc.resolved_at else ""),
            ("Resolution", inc.get_resolution_code_display()),
            ("Resolution notes", inc.resolution_notes), ("Closed", _when(inc.closed_at)),
            ("Parent", inc.parent), ("Major incident", "yes" if inc.is_major else ""),
        ]
        for label, value in fields:
            if value not in (None, ""):
                self.stdout.write(f"{label + ':':<20} {value}")
        if inc.description:
            self.stdout.write(f"\n{inc.description}")
        self.stdout.write("\nActivity:")
        for entry, changes in visible_journal(inc, actor):
            origin = entry.get_origin_display().lower()
            head = f"  {_when(entry.created_at)}  {entry.actor or 'system'} ({origin})"
            label = {"comment": "comment: ", "work_note": "work note: "}.get(entry.kind, "")
            self.stdout.write(f"{head} {label}{entry.body}".rstrip())
            for field, change in changes.items():
                old, new = change.get("old_display", ""), change.get("new_display", "")
                self.stdout.write(f"      {field}: {old or '-'} -> {new or '-'}")

    def do_update(self, actor, number, assignments, reason, **options):
        inc = self.get(actor, number)
        data = {}
        for item in assignments:
            name, sep, value = item.partition("=")
            name = ALIASES.get(name.strip(), name.strip())
            if not sep or not name:
                raise CommandError(f"--set expects FIELD=VALUE, got '{item}'.")
            data[name] = _value(name, value.strip())
        if reason:
            data["reason"] = reason
        services.update_incident(inc, actor, services.resolve_refs(data))
        self.done(inc)

    def do_resolve(self, actor, number, code, notes, **options):
        inc = self.get(actor, number)
        services.resolve(inc, actor, resolution_code=code, resolution_notes=notes)
        self.done(inc)

    def do_hold(self, actor, number, reason, **options):
        inc = self.get(actor, number)
        services.put_on_hold(inc, actor, hold_reason=reason)
        self.done(inc)

    def do_assign(self, actor, number, group, assignee, **options):
        if not group and not assignee:
            raise CommandError("Give --group, --assignee or both.")
        inc = self.get(actor, number)
        refs = services.resolve_refs({"assignment_group": group or None,
                                      "assigned_to": assignee or None})
        services.assign(inc, actor, assignment_group=refs["assignment_group"],
                        assigned_to=refs["assigned_to"])
        self.done(inc)

    def do_take(self, actor, number, **options):
        services.take(self.get(actor, number), actor)
        self.done(self.get(actor, number))

    def do_reopen(self, actor, number, reason, **options):
        self.with_reason(services.reopen, actor, number, reason)

    def do_close(self, actor, number, reason, **options):
        self.with_reason(services.close, actor, number, reason)

    def do_cancel(self, actor, number, reason, **options):
        self.with_reason(services.cancel, actor, number, reason)

    def do_stand_down(self, actor, number, reason, **options):
        self.with_reason(services.stand_down_major, actor, number, reason)

    def with_reason(self, operation, actor, number, reason):
        inc = self.get(actor, number)
        operation(inc, actor, reason=reason)
        self.done(inc)

    def do_escalate(self, actor, number, group, hierarchical, reason, **options):
        inc = self.get(actor, number)
        if hierarchical:
            services.escalate_hierarchical(inc, actor, reason=reason)
        else:
            target = services.resolve_refs({"assignment_group": group})["assignment_group"]
            services.escalate_functional(inc, actor, assignment_group=target, reason=reason)
        self.done(inc)

    def do_priority(self, actor, number, priority, matrix, reason, **options):
        inc = self.get(actor, number)
        services.override_priority(inc, actor, priority=None if matrix else priority,
                                   reason=reason)
        inc.refresh_from_db()
        self.stdout.write(f"{inc.number}: {inc.get_priority_display()}")

    def do_major(self, actor, number, manager, swarm, reason, **options):
        inc = self.get(actor, number)
        refs = services.resolve_refs({"manager": manager, "swarm": swarm})
        services.promote_major(inc, actor, manager=refs["manager"], swarm=refs["swarm"],
                               reason=reason)
        self.done(inc)

    def do_comment(self, actor, number, text, work_note, **options):
        inc = self.get(actor, number)
        if work_note:
            services.work_note(inc, actor, text)
        else:
            services.comment(inc, actor, text)
        self.done(inc)


class _Request:
    """What the filter set needs of a request: the user ('me' filters)."""

    def __init__(self, user):
        self.user = user


def _value(name: str, value: str):
    """A typed value for ``update --set``: numbers for impact, urgency and
    priority; empty means none."""
    if value == "":
        return None if name not in ("short_description", "description") else ""
    if name in NUMBERS:
        if parse_id(value) is None:
            raise CommandError(f"{name}: expected a number, got '{value}'.")
        return int(value)
    return value


def _cut(value, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
