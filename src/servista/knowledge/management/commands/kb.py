"""``servista kb``: write, review, publish and retire knowledge articles.

    servista kb create  --as USER -s "Reset a locked account" --audience requesters
    servista kb list    --as USER [--state published -q "vpn"]
    servista kb submit | publish | revise | reviewed --as USER KB0001001
    servista kb send-back | retire --as USER KB0001001 --reason "..."

The verbs are the kit's (``core.records.cli``) and the article actions'
(``knowledge.actions``), through ``knowledge.services``.
"""

from servista.core.records.cli import RecordCommand, when
from servista.knowledge.api import resource


class Command(RecordCommand):
    help = "Write, review, publish and retire knowledge articles as a given user."
    api = resource
    list_filters = ("state", "owner", "audience", "q")

    def show_rows(self, art):
        live = art.published_version
        return [
            ("Number", art.number), ("Title", art.short_description),
            ("State", art.get_state_display()),
            ("Live version", live.number if live else ""),
            ("Owner", art.owner), ("Audience", art.get_audience_display()),
            ("Audience group", art.audience_group), ("Keywords", art.keywords),
            ("Service", art.service), ("Review due", art.review_due or ""),
            ("Readers", f"{art.view_count} views, {art.helpful_count} helpful, "
                        f"{art.deflection_count} solved without a ticket"),
            ("Opened", f"{when(art.opened_at)} by {art.opened_by}"),
            ("Updated", when(art.updated_at)),
        ]
