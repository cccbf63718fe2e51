"""What can be done to an article, declared once for the API
(``POST /api/v1/kb-articles/{ref}/<path>``), the article's page and the
command line (``servista kb <verb>``)."""

from servista.core.records.actions import Action, ActionSet, assign_action, take_action
from servista.core.records.forms import ReasonForm, RequiredReasonForm
from servista.core.schemas import ReasonIn, RequiredReasonIn

from . import services
from .choices import ArticleState
from .forms import ReviewedForm
from .schemas import ReviewedIn

State = ArticleState


def _reason(data) -> str:
    return data.get("reason", "")


ACTIONS = ActionSet(
    take_action(services.rules),
    assign_action(services.rules),
    Action("submit", "Submit for review", form=ReasonForm, schema=ReasonIn,
           target=State.IN_REVIEW, style="primary", summary="Submit the draft for review",
           run=lambda art, user, data, version: services.submit(
               art, user, reason=_reason(data), expected_version=version)),
    Action("publish", "Publish", form=ReasonForm, schema=ReasonIn, permission="publish",
           target=State.PUBLISHED, style="success",
           summary="Publish (reviewers): the text becomes the next kept version",
           run=lambda art, user, data, version: services.publish(
               art, user, reason=_reason(data), expected_version=version)),
    Action("send_back", "Send back", form=RequiredReasonForm, schema=RequiredReasonIn,
           target=State.DRAFT, summary="Send the draft back to its author (reason required)",
           shown_if=lambda art, user: art.state == State.IN_REVIEW,
           run=lambda art, user, data, version: services.send_back(
               art, user, reason=_reason(data), expected_version=version)),
    Action("revise", "Revise", form=ReasonForm, schema=ReasonIn, target=State.DRAFT,
           summary="Start a revision (the published version stays live)",
           shown_if=lambda art, user: art.state == State.PUBLISHED,
           run=lambda art, user, data, version: services.revise(
               art, user, reason=_reason(data), expected_version=version)),
    Action("reviewed", "Mark reviewed", form=ReviewedForm, schema=ReviewedIn,
           summary="The article is still right: the next review date moves on",
           shown_if=lambda art, user: art.published_version_id is not None,
           run=lambda art, user, data, version: services.mark_reviewed(
               art, user, review_due=data.get("review_due"), reason=_reason(data),
               expected_version=version)),
    Action("retire", "Retire", form=RequiredReasonForm, schema=RequiredReasonIn,
           permission="retire", target=State.RETIRED, style="outline-danger",
           summary="Retire: readers no longer see it (reason required)",
           run=lambda art, user, data, version: services.retire(
               art, user, reason=_reason(data), expected_version=version)),
)
