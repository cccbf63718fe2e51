"""What can be done to a problem, declared once for the API
(``POST /api/v1/problems/{ref}/<path>``), the problem's page and the
command line (``servista problem <verb>``)."""

from servista.core.records.actions import Action, ActionSet, assign_action, take_action
from servista.core.records.forms import ReasonForm, RequiredReasonForm
from servista.core.schemas import ReasonIn, RequiredReasonIn
from servista.incidents.models import Incident

from . import services
from .choices import ProblemState
from .forms import (
    AnalysisForm,
    ApplyWorkaroundForm,
    KnownErrorForm,
    LinkIncidentsForm,
    ReassessForm,
    ResolveForm,
)
from .schemas import (
    AnalysisIn,
    ApplyWorkaroundIn,
    KnownErrorIn,
    LinkIncidentsIn,
    ProblemResolveIn,
    ReassessIn,
)

State = ProblemState


def _reason(data) -> str:
    return data.get("reason", "")


def link(problem, user, data, version):
    done, failed = services.link_incidents(problem, user, data.get("incidents", []),
                                           hold=data.get("hold", False))
    if failed and not done:
        from servista.core.exceptions import ValidationFailed

        number, why = next(iter(failed.items()))
        raise ValidationFailed.field("incidents", f"{number}: {why}")
    problem.link_result = {"linked": [i.number for i in done], "failed": failed}
    return problem


def analyse(problem, user, data, version):
    data = {k: v for k, v in data.items() if k in ("root_cause", "rca_method", "rca",
                                                   "contributing_causes")}
    if "contributing_causes" in data:
        data["contributing_causes"] = [dict(c) for c in data["contributing_causes"]]
    return services.update_problem(problem, user, data, expected_version=version)


def apply_workaround(problem, user, data, version):
    services.apply_workaround(problem, data["incident"], user,
                              resolve=data.get("resolve", True))
    return problem


ACTIONS = ActionSet(
    take_action(services.rules),
    assign_action(services.rules),
    Action("assess", "Assessed", form=ReasonForm, schema=ReasonIn, target=State.ASSESSED,
           style="primary", summary="Identification done: the problem is logged, "
                                    "categorised and prioritised",
           run=lambda prb, user, data, version: services.change_state(
               prb, user, State.ASSESSED, reason=_reason(data), expected_version=version)),
    Action("investigate", "Start root cause analysis", form=ReasonForm, schema=ReasonIn,
           target=State.ROOT_CAUSE_ANALYSIS, summary="Problem control: analyse the cause",
           shown_if=lambda prb, user: prb.state != State.RESOLVED,
           run=lambda prb, user, data, version: services.change_state(
               prb, user, State.ROOT_CAUSE_ANALYSIS, reason=_reason(data),
               expected_version=version)),
    Action("analysis", "Root cause analysis", form=AnalysisForm, schema=AnalysisIn,
           summary="Record the root cause, the analysis (5 whys, fishbone, timeline) and "
                   "the contributing causes", run=analyse),
    Action("known_error", "Known error", form=KnownErrorForm, schema=KnownErrorIn,
           target=State.KNOWN_ERROR, style="warning", path="known-error",
           summary="Error control: symptoms, root cause and workaround known; offered on "
                   "matching incidents",
           run=lambda prb, user, data, version: services.make_known_error(
               prb, user, symptoms=data.get("symptoms"), root_cause=data.get("root_cause"),
               workaround=data.get("workaround"), reason=_reason(data),
               expected_version=version)),
    Action("fix", "Fix in progress", form=ReasonForm, schema=ReasonIn,
           target=State.FIX_IN_PROGRESS, summary="The fix (a change) is under way",
           run=lambda prb, user, data, version: services.change_state(
               prb, user, State.FIX_IN_PROGRESS, reason=_reason(data),
               expected_version=version)),
    Action("link_incidents", "Link incidents", form=LinkIncidentsForm, schema=LinkIncidentsIn,
           refs={"incidents": Incident}, path="link-incidents",
           summary="Link incidents caused by this problem (many at once; optionally on "
                   "hold awaiting it)", run=link),
    Action("apply_workaround", "Apply workaround", form=ApplyWorkaroundForm,
           schema=ApplyWorkaroundIn, refs={"incident": Incident}, states=State.KNOWN_ERRORS,
           path="apply-workaround",
           summary="Apply the known error's workaround to an incident (resolved with it, or "
                   "told in a comment), journaled on both", run=apply_workaround),
    Action("reassess", "Re-assess", form=ReassessForm, schema=ReassessIn,
           states=State.KNOWN_ERRORS,
           summary="The periodic re-assessment of an unresolved known error",
           run=lambda prb, user, data, version: services.reassess(
               prb, user, note=data.get("note", ""), review_due=data.get("review_due"),
               expected_version=version)),
    Action("resolve", "Resolve", form=ResolveForm, schema=ProblemResolveIn, target=State.RESOLVED,
           style="success", cli_flags={"resolution_code": ("--code",),
                                       "resolution_notes": ("--notes",)},
           summary="Resolve (code and notes required); optionally its open incidents too",
           run=lambda prb, user, data, version: services.resolve(
               prb, user, resolution_code=data.get("resolution_code", ""),
               resolution_notes=data.get("resolution_notes", ""),
               resolve_incidents=data.get("resolve_incidents", False),
               expected_version=version)),
    Action("reopen", "Analyse again", form=RequiredReasonForm, schema=RequiredReasonIn,
           target=State.ROOT_CAUSE_ANALYSIS, summary="The fix did not hold: back to analysis",
           shown_if=lambda prb, user: prb.state == State.RESOLVED,
           run=lambda prb, user, data, version: services.change_state(
               prb, user, State.ROOT_CAUSE_ANALYSIS, reason=_reason(data),
               expected_version=version)),
    Action("close", "Close", form=ReasonForm, schema=ReasonIn, permission="close",
           target=State.CLOSED, summary="Close a resolved problem (problem managers)",
           run=lambda prb, user, data, version: services.change_state(
               prb, user, State.CLOSED, reason=_reason(data), expected_version=version)),
    Action("cancel", "Cancel", form=RequiredReasonForm, schema=RequiredReasonIn,
           permission="cancel", target=State.CANCELLED, style="outline-danger",
           summary="Cancel (problem managers; reason required)",
           run=lambda prb, user, data, version: services.change_state(
               prb, user, State.CANCELLED, reason=_reason(data), expected_version=version)),
)
