"""The service desk's canned answers in the demo: response templates shared
with the Service Desk group, and one of the demo agent's own (reference
data: made once, found again on a second load)."""

from servista.core import demo
from servista.core.models import ResponseTemplate

SHARED = {
    "Acknowledge": "Hello {{caller.first_name}},\n\nthank you for reporting "
                   "{{record.number}} ({{record.title}}). We are looking into it and will "
                   "keep you posted here.\n\n{{agent.first_name}}, Service Desk",
    "Please restart": "Hello {{caller.first_name}},\n\ncould you restart your computer and "
                      "tell us whether the problem is still there?\n\n{{agent.first_name}}",
    "Resolved, please confirm": "Hello {{caller.first_name}},\n\nwe believe {{record.number}} "
                                "is fixed. Please confirm, or simply reply if it is not."
                                "\n\n{{agent.first_name}}",
}
PERSONAL = {"VPN profile steps": "1. Open the VPN client\n2. *Settings* > *Profiles*\n"
                                 "3. Remove the old profile and import the new one"}


@demo.story("incidents.desk_tools", after=("accounts.department",))
def desk_tools(ctx: demo.Context) -> None:
    """Response templates of the Service Desk group and of the demo agent."""
    desk, agent = ctx["groups"]["Service Desk"], ctx["logins"]["agent"]
    for title, body in SHARED.items():
        ResponseTemplate.objects.get_or_create(
            title=title, group=desk, defaults={"body": body, "created_by": agent})
    for title, body in PERSONAL.items():
        ResponseTemplate.objects.get_or_create(
            title=title, owner=agent, defaults={"body": body, "created_by": agent})
    ctx.tally("response templates", len(SHARED) + len(PERSONAL))
