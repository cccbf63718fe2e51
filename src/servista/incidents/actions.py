"""What can be done to an incident, declared once for the API
(``POST /api/v1/incidents/{ref}/<path>``), the incident page (buttons and
dialogs) and the command line (``servista incident <verb>``)."""

from servista.accounts.models import User
from servista.core.records.actions import Action, ActionSet, assign_action, take_action
from servista.core.schemas import ReasonIn

from . import services
from .forms import (
    EscalateForm,
    HoldForm,
    MajorForm,
    ParentForm,
    PriorityForm,
    ReasonForm,
    RequiredReasonForm,
    ResolveForm,
    SwarmForm,
)
from .models import Incident
from .schemas import EscalateIn, HoldIn, MajorIn, ParentIn, PriorityIn, ResolveIn, SwarmIn

State = Incident.State


def _reason(data) -> str:
    return data.get("reason", "")


def escalate(inc, user, data, version):
    if data.get("kind") == "hierarchical":
        return services.escalate_hierarchical(inc, user, reason=_reason(data),
                                              expected_version=version)
    return services.escalate_functional(
        inc, user, assignment_group=data.get("assignment_group"),
        assigned_to=data.get("assigned_to"), reason=_reason(data), expected_version=version)


def escalate_arguments(parser):
    to = parser.add_mutually_exclusive_group(required=True)
    to.add_argument("--group", help="the group to pass the incident to (functional)")
    to.add_argument("--hierarchical", action="store_true", help="inform management")
    parser.add_argument("--reason", required=True, help="kept in the journal")


def escalate_data(options) -> dict:
    if options["hierarchical"]:
        return {"kind": "hierarchical", "reason": options["reason"]}
    return {"kind": "functional", "assignment_group": options["group"],
            "reason": options["reason"]}


def priority_arguments(parser):
    value = parser.add_mutually_exclusive_group(required=True)
    value.add_argument("--set", dest="priority", type=int, choices=range(1, 6))
    value.add_argument("--matrix", action="store_true", help="back to the matrix")
    parser.add_argument("--reason", default="", help="kept in the journal")


def priority_data(options) -> dict:
    return {"priority": None if options["matrix"] else options["priority"],
            "reason": options["reason"]}


ACTIONS = ActionSet(
    take_action(services.rules),
    Action("start", "Start work", form=ReasonForm, schema=ReasonIn,
           target=State.IN_PROGRESS, summary="Start or resume work (to in progress)",
           shown_if=lambda inc, user: inc.state != State.RESOLVED,
           run=lambda inc, user, data, version: services.change_state(
               inc, user, State.IN_PROGRESS, reason=_reason(data), expected_version=version)),
    assign_action(services.rules),
    Action("hold", "Put on hold", form=HoldForm, schema=HoldIn, target=State.ON_HOLD,
           summary="Put on hold (reason required)",
           cli_flags={"hold_reason": ("--reason",), "reason": ("--note",)},
           run=lambda inc, user, data, version: services.put_on_hold(
               inc, user, hold_reason=data.get("hold_reason", ""), reason=_reason(data),
               expected_version=version)),
    Action("resolve", "Resolve", form=ResolveForm, schema=ResolveIn, target=State.RESOLVED,
           style="success", summary="Resolve (resolution code and notes required)",
           cli_flags={"resolution_code": ("--code",), "resolution_notes": ("--notes",)},
           run=lambda inc, user, data, version: services.resolve(
               inc, user, resolution_code=data.get("resolution_code", ""),
               resolution_notes=data.get("resolution_notes", ""), expected_version=version)),
    Action("escalate", "Escalate", form=EscalateForm, schema=EscalateIn, permission="escalate",
           summary="Escalate: functional (to another group) or hierarchical (inform management)",
           cli_arguments=escalate_arguments, cli_data=escalate_data, run=escalate),
    Action("priority", "Override priority", form=PriorityForm, schema=PriorityIn,
           permission="override_priority", states=State.ACTIVE, path="override-priority",
           summary="Override the priority (managers; null returns it to the matrix)",
           cli_arguments=priority_arguments, cli_data=priority_data,
           run=lambda inc, user, data, version: services.override_priority(
               inc, user, priority=data.get("priority"), reason=_reason(data),
               expected_version=version)),
    Action("major", "Declare major incident", form=MajorForm, schema=MajorIn,
           permission="promote_major", path="promote-major", refs={"manager": User},
           summary="Declare a major incident (managers and major incident managers)",
           shown_if=lambda inc, user: not inc.is_major,
           run=lambda inc, user, data, version: services.promote_major(
               inc, user, manager=data.get("manager"), swarm=data.get("swarm", []),
               reason=_reason(data), expected_version=version)),
    Action("swarm", "Swarm", form=SwarmForm, schema=SwarmIn, permission="manage_swarm",
           refs={"members": User}, summary="Set who swarms on a major incident",
           shown_if=lambda inc, user: inc.is_major,
           run=lambda inc, user, data, version: services.set_swarm(
               inc, user, data.get("members", []), expected_version=version)),
    Action("stand_down", "Stand down major incident", form=RequiredReasonForm,
           schema=ReasonIn, permission="stand_down_major", states=State.ACTIVE,
           path="stand-down-major",
           summary="End the major-incident procedure (reason required)",
           shown_if=lambda inc, user: inc.is_major,
           run=lambda inc, user, data, version: services.stand_down_major(
               inc, user, reason=_reason(data), expected_version=version)),
    Action("clear_escalation", "Clear escalation", form=RequiredReasonForm, schema=ReasonIn,
           permission="clear_escalation", states=State.ACTIVE,
           summary="Take back a hierarchical escalation (managers; reason required)",
           shown_if=lambda inc, user: inc.escalated,
           run=lambda inc, user, data, version: services.clear_escalation(
               inc, user, reason=_reason(data), expected_version=version)),
    Action("parent", "Set parent incident", form=ParentForm, schema=ParentIn,
           summary="Make this a child of another incident (or not)",
           run=lambda inc, user, data, version: services.set_parent(
               inc, user, data.get("parent"), expected_version=version)),
    Action("reopen", "Reopen", form=ReasonForm, schema=ReasonIn, permission="reopen",
           target=State.IN_PROGRESS, summary="Reopen a resolved incident",
           shown_if=lambda inc, user: inc.state == State.RESOLVED,
           run=lambda inc, user, data, version: services.reopen(
               inc, user, reason=_reason(data), expected_version=version)),
    Action("close", "Close", form=ReasonForm, schema=ReasonIn, permission="close",
           target=State.CLOSED, summary="Close a resolved incident",
           run=lambda inc, user, data, version: services.close(
               inc, user, reason=_reason(data), expected_version=version)),
    Action("cancel", "Cancel", form=RequiredReasonForm, schema=ReasonIn,
           target=State.CANCELLED, style="outline-danger", summary="Cancel (reason required)",
           run=lambda inc, user, data, version: services.cancel(
               inc, user, reason=_reason(data), expected_version=version)),
)
