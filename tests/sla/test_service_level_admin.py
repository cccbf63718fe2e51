"""The service level configuration in the admin: each page opens for an
administrator, and the hours of a group set there count for its OLA."""

import pytest

from servista.sla import services
from servista.sla.models import GroupHours

from .helpers import agreement, log_p2, office_calendar, rome, timer

pytestmark = pytest.mark.django_db


def test_every_service_level_admin_page_opens(client, cast):
    cal = office_calendar(cast.admin)
    agr = agreement(cal)
    services.set_group_hours(cast.network, cast.admin, cal)
    client.force_login(cast.admin)
    for path in ("calendar/", f"calendar/{cal.pk}/change/", "agreement/",
                 f"agreement/{agr.pk}/change/", "grouphours/", "servicehours/",
                 "escalation/", "grouphours/add/"):
        assert client.get(f"/admin/sla/{path}").status_code == 200, path
    client.force_login(cast.agent)
    assert client.get("/admin/sla/calendar/").status_code == 302


def test_group_hours_added_in_the_admin_count_for_the_group_s_ola(client, cast):
    cal = office_calendar(cast.admin)
    agreement(None, name="Network OLA", kind="ola", group=cast.network,
              targets=(("resolution", None, 120),))
    client.force_login(cast.admin)
    answer = client.post("/admin/sla/grouphours/add/",
                         {"group": cast.network.pk, "calendar": cal.pk, "_save": "Save"})
    assert answer.status_code == 302
    assert GroupHours.objects.get().calendar == cal
    inc = log_p2(cast, rome(2026, 3, 9, 16), assignment_group=cast.network)
    assert timer(inc).due_at == rome(2026, 3, 10, 10)
