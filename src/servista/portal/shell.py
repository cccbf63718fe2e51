"""What the self-service portal shows in the page frame: every signed-in
person's way to their tickets, the requesters' home page and "new" entry,
and where a requester sees a record the staff pages show."""

from django.urls import reverse

from servista.core import shell
from servista.core.permissions import is_agent, is_signed_in
from servista.incidents.models import Incident

shell.nav("Portal", "portal:home", icon="house-heart", weight=90, shortcut="g p",
          shortcut_help="Self-service portal", visible=is_signed_in)
shell.new("Report a problem", "portal:report", visible=is_signed_in & ~is_agent, weight=90,
          icon="megaphone")
shell.home("portal:home", weight=1000)


def ticket_url(record):
    if isinstance(record, Incident):
        return reverse("portal:ticket", args=[record.number])
    return None


shell.requester_page(ticket_url)
