from servista.core.records.actions import Action, ActionSet, assign_action, take_action
from servista.core.records.forms import RequiredReasonForm

from .models import ChoreState
from .services import rules

ACTIONS = ActionSet(
    take_action(rules),
    assign_action(rules),
    Action("finish", "Finish", form=RequiredReasonForm, permission="finish",
           target=ChoreState.DONE, style="success", summary="Sign the chore off as done",
           run=lambda chore, user, data, version: rules.change_state(
               chore, user, ChoreState.DONE, reason=data.get("reason", ""),
               expected_version=version)),
)
