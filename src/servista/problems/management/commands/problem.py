"""``servista problem``: log, analyse and resolve problems; the known errors.

    servista problem create --as USER -s "Mail queue stalls" [--incidents INC… --hold]
    servista problem list   --as USER [--known-error --state known_error -q "mail"]
    servista problem assess | investigate | fix --as USER PRB0001001
    servista problem analysis --as USER PRB0001001 --root-cause "..." --rca-method five_whys \\
        --rca '{"whys": [{"because": "..."}]}'
    servista problem known-error --as USER PRB0001001 --symptoms ... --workaround ...
    servista problem link-incidents --as USER PRB0001001 --incidents INC0001001 --hold
    servista problem apply-workaround --as USER PRB0001001 --incident INC0001002
    servista problem resolve --as USER PRB0001001 --code fix_deployed --notes "..." \\
        --resolve-incidents

The verbs are the kit's (``core.records.cli``) and the problem actions'
(``problems.actions``), through ``problems.services``.
"""

import json

from django.core.management.base import CommandError

from servista.core.records.cli import RecordCommand, when
from servista.problems import services
from servista.problems.api import resource


class Command(RecordCommand):
    help = "Log, analyse and resolve problems and known errors as a given user."
    api = resource
    flags = {"resolution_code": ("--code",), "resolution_notes": ("--notes",)}
    list_filters = ("state", "assignment_group", "assigned_to", "priority", "q", "known_error")

    def do_create(self, actor, **options):
        names = [n for n in self.api.create_schema.model_fields if n not in ("incidents",
                                                                              "hold")]
        data = {name: options[name] for name in names if options.get(name) not in (None, [])}
        refs = self.api.resolve({"incidents": options.get("incidents") or []},
                                extra={"incidents": "incidents.Incident"})
        problem = services.create_problem(actor, self.api.resolve(data),
                                          incidents_=refs["incidents"],
                                          hold=bool(options.get("hold")))
        self.stdout.write(problem.number)

    def do_action(self, action, actor, options):
        if "rca" in options and isinstance(options["rca"], str):
            try:
                options["rca"] = json.loads(options["rca"])
            except ValueError:
                raise CommandError("rca: give the analysis as JSON.")
        return super().do_action(action, actor, options)

    def action_output(self, action, problem):
        result = getattr(problem, "link_result", None)
        if result is not None:
            failed = "; ".join(f"{n}: {why}" for n, why in result["failed"].items())
            return f"{problem.number}: linked {', '.join(result['linked']) or 'none'}" + \
                (f" (not linked: {failed})" if failed else "")
        return super().action_output(action, problem)

    def show_rows(self, prb):
        return [
            ("Number", prb.number), ("Short description", prb.short_description),
            ("State", prb.get_state_display()), ("Priority", prb.get_priority_display()),
            ("Impact/probability", f"{prb.get_impact_display()} / "
                                   f"{prb.get_probability_display()}"),
            ("Identified from", prb.get_source_display()), ("Category", prb.category),
            ("Service", prb.service), ("Configuration item", prb.configuration_item),
            ("Assignment group", prb.assignment_group), ("Assigned to", prb.assigned_to),
            ("Symptoms", prb.symptoms), ("Root cause", prb.root_cause),
            ("Analysis", prb.get_rca_method_display()), ("Workaround", prb.workaround),
            ("Known error since", when(prb.known_error_at)),
            ("Re-assess by", prb.review_due or ""),
            ("Incidents", ", ".join(services.linked_incidents(prb).order_by("id")
                                    .values_list("number", flat=True)[:20])),
            ("Opened", f"{when(prb.opened_at)} by {prb.opened_by}"),
            ("Resolved", f"{when(prb.resolved_at)} by {prb.resolved_by}"
             if prb.resolved_at else ""),
            ("Resolution", prb.get_resolution_code_display()),
            ("Closed", when(prb.closed_at)),
        ]
