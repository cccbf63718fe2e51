"""The service level API: calendars, agreements, a record's explained
timers, and the compliance report (JSON and CSV), each from both sides."""

import pytest

from servista.core import clock
from servista.incidents import services as incidents

from .helpers import agreement, log_p2, office_calendar, rome

pytestmark = pytest.mark.django_db


def get(client, cast, who, url):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


@pytest.fixture
def story(cast):
    agr = agreement(office_calendar(cast.admin),
                    targets=(("first_response", None, 30), ("resolution", 2, 8 * 60)))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    with clock.at(rome(2026, 3, 9, 9, 10)):
        incidents.take(inc, cast.agent)
    with clock.at(rome(2026, 3, 9, 10)):
        incidents.put_on_hold(inc, cast.agent, hold_reason="awaiting_caller")
    with clock.at(rome(2026, 3, 9, 12)):
        incidents.reopen(inc, cast.agent)
    with clock.at(rome(2026, 3, 9, 13)):
        incidents.resolve(inc, cast.agent, resolution_code="solved_remotely",
                          resolution_notes="Fixed")
    return agr, inc


def test_a_record_s_timers_explain_themselves(client, cast, story):
    _, inc = story
    body = get(client, cast, "agent", f"/api/v1/record-timers/{inc.number}").json()
    assert body["record"] == inc.number
    by_kind = {t["kind"]: t for t in body["timers"]}
    res = by_kind["resolution"]
    assert res["status"] == "met" and res["elapsed_minutes"] == 120
    assert res["paused_minutes"] == 120
    kinds = [(p["kind"], p["business_minutes"]) for p in res["explanation"]]
    assert ("paused", 120) in kinds and kinds[-1] == ("not_running", 0)
    assert any("hold_reason awaiting_caller" in p["why"] for p in res["explanation"])
    assert by_kind["first_response"]["elapsed_minutes"] == 10


def test_the_requester_sees_their_own_record_s_timers_and_no_one_else_s(client, cast, story):
    _, inc = story
    assert get(client, cast, "requester", f"/api/v1/record-timers/{inc.number}").status_code \
        == 200
    assert get(client, cast, "requester_b",
               f"/api/v1/record-timers/{inc.number}").status_code == 404
    assert get(client, cast, "agent", "/api/v1/record-timers/XYZ0001").status_code == 404


def test_agreements_and_calendars_are_listed_for_the_staff_only(client, cast, story):
    body = get(client, cast, "agent", "/api/v1/slas").json()
    assert body["count"] == 1
    assert {t["kind"] for t in body["items"][0]["targets"]} == {"first_response", "resolution"}
    cal = get(client, cast, "agent", "/api/v1/calendars").json()["items"][0]
    assert cal["time_zone"] == "Europe/Rome" and len(cal["hours"]) == 5
    assert get(client, cast, "requester", "/api/v1/slas").json()["count"] == 0
    assert get(client, cast, "requester", "/api/v1/calendars").json()["count"] == 0


def test_compliance_by_priority_and_month_in_json(client, cast, story):
    _, inc = story
    late = log_p2(cast, rome(2026, 3, 9, 9))
    with clock.at(rome(2026, 3, 11, 9)):
        incidents.resolve(late, cast.agent, resolution_code="solved_remotely",
                          resolution_notes="Late")
    body = get(client, cast, "agent", "/api/v1/sla-compliance?by=priority&kind=resolution")
    assert body.json()["rows"] == [{
        "group": 2, "total": 2, "met": 1, "breached": 1, "percent_met": 50.0,
        "mean_first_response_minutes": None,
        "mean_resolve_minutes": (120 + 16 * 60) / 2}]
    month = get(client, cast, "manager", "/api/v1/sla-compliance?by=month").json()["rows"]
    assert [r["group"] for r in month] == ["2026-03"]
    assert get(client, cast, "requester", "/api/v1/sla-compliance").status_code == 403
    assert get(client, cast, "agent", "/api/v1/sla-compliance?by=colour").status_code == 422
