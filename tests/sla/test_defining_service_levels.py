"""Calendars, agreements and the hours of groups and services written
through the API: the generated resource tests, the rules of each kind of
input (422 naming the field, nothing stored), who may (administrators and
service level managers) and who may not, the journal, and the recompute of
open timers when an agreement's targets change."""

import pytest

from servista.accounts.models import Role
from servista.core import clock
from servista.core.journal import JournalEntry
from servista.sla import services
from servista.sla.models import Agreement, Calendar, GroupHours, Target, Timer
from servista.sla.policies import SERVICE_LEVEL_MANAGER
from servista.testing import APIViewTestCases, nothing_changed

from .helpers import agreement, log_p2, office_calendar, rome, timer

WEEKDAYS_9_TO_5 = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


class CalendarAPITest(APIViewTestCases.APIViewTestCase):
    model = Calendar
    api_base = "/api/v1/calendars"
    view_role = Role.AGENT
    create_role = Role.ADMIN
    update_role = Role.ADMIN
    create_data = {"name": "Lisbon office", "time_zone": "Europe/Lisbon",
                   "hours": WEEKDAYS_9_TO_5,
                   "holidays": [{"date": "2026-06-10", "name": "Portugal Day"}]}
    invalid_create_data = ({"time_zone": "Europe/Atlantis"}, "time_zone")
    update_data = {"description": "Head office hours"}

    def make_object(self):
        return services.create_calendar(self.cast.admin, name=f"Cal {Calendar.objects.count()}",
                                        hours={0: [["09:00", "17:00"]]})


class AgreementAPITest(APIViewTestCases.APIViewTestCase):
    model = Agreement
    api_base = "/api/v1/slas"
    view_role = Role.AGENT
    create_role = Role.ADMIN
    update_role = Role.ADMIN
    create_data = {"name": "Silver", "kind": "sla",
                   "targets": [{"kind": "resolution", "priority": 2, "minutes": 480,
                                "warnings": [50, 75],
                                "stop_when": {"state": ["resolved", "closed"]}}]}
    invalid_create_data = ({"targets": [{"kind": "resolution", "minutes": -5}]},
                           "targets.0.minutes")
    update_data = {"description": "For every customer"}

    def make_object(self):
        return agreement(None, name=f"Agreement {Agreement.objects.count()}")

    def make_filled_objects(self):
        from servista.catalog.models import Service

        n = Agreement.objects.count()
        cal = office_calendar(self.cast.admin, name=f"Calendar {n}")
        return [agreement(cal, name=f"UC {n}", kind="uc", customer=self.cast.org_a,
                          supplier=self.cast.org_b, group=self.cast.network,
                          service=Service.objects.create(name=f"Service {n}"))]


class GroupHoursAPITest(APIViewTestCases.APIViewTestCase):
    model = GroupHours
    api_base = "/api/v1/group-hours"
    view_role = Role.AGENT
    create_role = Role.ADMIN
    update_role = Role.ADMIN
    invalid_create_data = ({"calendar": "No such calendar"}, "calendar")

    def get_create_data(self):
        from servista.accounts.models import Group

        group = Group.objects.create(name=f"Team {Group.objects.count()}")
        return {"group": group.name, "calendar": office_calendar(self.cast.admin).name}

    def setUp(self):
        super().setUp()
        self.update_data = {"calendar": office_calendar(self.cast.admin, name="Later").pk}

    def make_object(self):
        from servista.accounts.models import Group

        group = Group.objects.create(name=f"Group {Group.objects.count()}")
        cal = Calendar.objects.first() or office_calendar(self.cast.admin)
        return services.set_group_hours(group, self.cast.admin, cal)


# --- the rules, one by one ------------------------------------------------------------------


def call(client, cast, who, method, url, body=None):
    return getattr(client, method)(url, body, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


@pytest.mark.django_db
def test_a_calendar_with_split_days_holidays_and_exceptions_is_journaled(client, cast):
    body = {"name": "Rome office", "time_zone": "Europe/Rome",
            "hours": [{"weekday": 0, "start": "09:00", "end": "13:00"},
                      {"weekday": 0, "start": "14:00", "end": "18:00"},
                      {"weekday": 4, "start": "09:00", "end": "24:00"}],
            "holidays": [{"date": "2026-04-06", "name": "Easter Monday"}],
            "exceptions": [{"date": "2026-04-11", "name": "Inventory Saturday",
                            "start": "09:00", "end": "12:00"},
                           {"date": "2026-12-24", "name": "Christmas Eve"}]}
    answer = call(client, cast, "admin", "post", "/api/v1/calendars", body)
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert [(h["weekday"], h["start"], h["end"]) for h in data["hours"]] == [
        (0, "09:00:00", "13:00:00"), (0, "14:00:00", "18:00:00"), (4, "09:00:00", "00:00:00")]
    assert [h["date"] for h in data["holidays"]] == ["2026-04-06"]
    assert [(e["date"], e["start"]) for e in data["exceptions"]] == [
        ("2026-04-11", "09:00:00"), ("2026-12-24", None)]
    cal = Calendar.objects.get(name="Rome office")
    # The arithmetic uses what was stored: Monday 12:00 + 2h skips the lunch break.
    assert services.add_business_time(cal, rome(2026, 3, 9, 12), 120) == rome(2026, 3, 9, 15)
    assert services.add_business_time(cal, rome(2026, 4, 11, 11, 30), 60) == \
        rome(2026, 4, 13, 9, 30)
    patch = call(client, cast, "admin", "patch", f"/api/v1/calendars/{cal.pk}",
                 {"hours": [{"weekday": 1, "start": "08:00", "end": "12:00"}]})
    assert patch.status_code == 200, patch.content
    assert [h["weekday"] for h in patch.json()["hours"]] == [1]
    entries = list(JournalEntry.objects.for_record(cal).order_by("id"))
    assert [e.body for e in entries] == ["Created", "Changed"]
    assert "Monday 09:00–13:00" in entries[0].changes["hours"]["new_display"]
    assert entries[1].changes["hours"]["new_display"] == "Tuesday 08:00–12:00"
    assert set(entries[1].changes) == {"hours"}
    history = call(client, cast, "admin", "get", f"/api/v1/calendars/{cal.pk}/journal")
    assert history.status_code == 200 and len(history.json()) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("change, field", [
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"hours": [{"weekday": 0, "start": "09:00", "end": "13:00"},
                {"weekday": 0, "start": "12:00", "end": "18:00"}]}, "hours"),
    ({"hours": [{"weekday": 2, "start": "17:00", "end": "09:00"}]}, "hours"),
    ({"hours": [{"weekday": 7, "start": "09:00", "end": "17:00"}]}, "hours.0.weekday"),
    ({"hours": [{"weekday": 1, "start": "nine", "end": "17:00"}]}, "hours"),
    ({"exceptions": [{"date": "2026-05-02", "start": "12:00", "end": "10:00"}]}, "exceptions"),
    ({"exceptions": [{"date": "2026-05-02", "start": "12:00"}]}, "exceptions.0.end"),
    ({"holidays": [{"date": "2026-05-01"}, {"date": "2026-05-01"}]}, "holidays.1.date"),
    ({"name": "Taken"}, "name"),
])
def test_bad_calendar_input_names_its_field_and_stores_nothing(client, cast, change, field):
    office_calendar(cast.admin, name="Taken")
    cal = office_calendar(cast.admin, name="Milan office")
    hours_before = list(cal.hours.values_list("weekday", "start", "end"))
    with nothing_changed(cal):
        answer = call(client, cast, "admin", "patch", f"/api/v1/calendars/{cal.pk}", change)
        assert answer.status_code == 422, answer.content
        assert field in answer.json()["errors"], answer.json()
    assert list(cal.hours.values_list("weekday", "start", "end")) == hours_before
    with nothing_changed(cal):
        created = call(client, cast, "admin", "post", "/api/v1/calendars",
                       {"name": "Fresh", **change} if field != "name" else change)
        assert created.status_code == 422, created.content
    assert not Calendar.objects.filter(name="Fresh").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"kind": "ola"}, "group"),
    ({"kind": "uc"}, "supplier"),
    ({"kind": "sla", "supplier": "Globex"}, "supplier"),
    ({"record_type": "auth.user"}, "record_type"),
    ({"calendar": "No such calendar"}, "calendar"),
    ({"targets": [{"minutes": 0}]}, "targets.0.minutes"),
    ({"targets": [{"minutes": 60, "warnings": [50, 100]}]}, "targets.0.warnings"),
    ({"targets": [{"minutes": 60, "warnings": [0]}]}, "targets.0.warnings"),
    ({"targets": [{"minutes": 60, "priority": 2}, {"minutes": 90, "priority": 2}]},
     "targets.1.priority"),
    ({"targets": [{"minutes": 60, "calendar": "Nowhere"}]}, "targets.0.calendar"),
])
def test_bad_agreement_input_names_its_field_and_stores_nothing(client, cast, body, field):
    before = (Agreement.objects.count(), Target.objects.count(), JournalEntry.objects.count())
    answer = call(client, cast, "admin", "post", "/api/v1/slas", {"name": "Bronze", **body})
    assert answer.status_code == 422, answer.content
    assert field in answer.json()["errors"], answer.json()
    assert (Agreement.objects.count(), Target.objects.count(),
            JournalEntry.objects.count()) == before


@pytest.mark.django_db
def test_each_kind_of_agreement_is_with_its_party(client, cast):
    ola = call(client, cast, "admin", "post", "/api/v1/slas", {
        "name": "Network OLA", "kind": "ola", "group": "Network",
        "targets": [{"kind": "resolution", "minutes": 240, "warnings": [75]}]})
    assert ola.status_code == 201, ola.content
    assert ola.json()["group"]["id"] == cast.network.pk
    uc = call(client, cast, "admin", "post", "/api/v1/slas", {
        "name": "Globex UC", "kind": "uc", "supplier": "Globex", "group": "Network",
        "targets": [{"kind": "resolution", "minutes": 960}]})
    assert uc.status_code == 201, uc.content
    assert uc.json()["supplier"]["id"] == cast.org_b.pk
    agr = Agreement.objects.get(name="Network OLA")
    entry = JournalEntry.objects.for_record(agr).get()
    assert entry.changes["targets"]["new_display"] == \
        "resolution any priority 4h; warnings 75%"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["agent", "requester", "manager"])
def test_only_service_level_managers_change_definitions(client, cast, who):
    cal = office_calendar(cast.admin)
    agr = agreement(cal)
    with nothing_changed(cal, agr):
        assert call(client, cast, who, "patch", f"/api/v1/calendars/{cal.pk}",
                    {"time_zone": "UTC"}).status_code in (403, 404)
        assert call(client, cast, who, "post", "/api/v1/calendars",
                    {"name": "Mine"}).status_code == 403
        assert call(client, cast, who, "patch", f"/api/v1/slas/{agr.pk}",
                    {"targets": []}).status_code in (403, 404)
        assert call(client, cast, who, "post", "/api/v1/slas",
                    {"name": "Mine"}).status_code == 403
    # A member of a group holding the capability may.
    cast.network.capabilities = [SERVICE_LEVEL_MANAGER]
    cast.network.save()
    cast.network.members.add(cast.agent)
    assert call(client, cast, "agent", "patch", f"/api/v1/calendars/{cal.pk}",
                {"time_zone": "UTC"}).status_code == 200
    assert call(client, cast, "agent", "post", "/api/v1/slas",
                {"name": "Mine"}).status_code == 201


@pytest.mark.django_db
def test_changing_a_target_recomputes_the_open_timers(client, cast):
    agr = agreement(office_calendar(cast.admin), targets=(("resolution", 2, 8 * 60),))
    running = log_p2(cast, rome(2026, 3, 9, 9))
    done = log_p2(cast, rome(2026, 3, 9, 9))
    from servista.incidents import services as incidents

    with clock.at(rome(2026, 3, 9, 10)):
        incidents.resolve(done, cast.agent, resolution_code="solved_remotely",
                          resolution_notes="Fixed")
    assert timer(running).due_at == rome(2026, 3, 9, 17)
    met_before = Timer.objects.get(record_id=done.pk)
    with clock.at(rome(2026, 3, 9, 11)):
        answer = call(client, cast, "admin", "patch", f"/api/v1/slas/{agr.pk}", {
            "targets": [{"kind": "resolution", "priority": 2, "minutes": 4 * 60,
                         "warnings": [50], "stop_when": {"state": ["resolved", "closed"]}}]})
    assert answer.status_code == 200, answer.content
    assert [t["minutes"] for t in answer.json()["targets"]] == [240]
    fresh = timer(running)
    assert fresh.due_at == rome(2026, 3, 9, 13)
    assert fresh.target_duration.total_seconds() == 4 * 3600
    # A timer already met is not an open one: left as it was measured.
    assert Timer.objects.get(record_id=done.pk).target_duration == met_before.target_duration
    journal = JournalEntry.objects.for_record(agr).get()
    assert "8h" in journal.changes["targets"]["old_display"]
    assert "4h" in journal.changes["targets"]["new_display"]


@pytest.mark.django_db
def test_a_target_that_measured_timers_cannot_be_dropped(client, cast):
    agr = agreement(office_calendar(cast.admin))
    log_p2(cast, rome(2026, 3, 9, 9))
    with nothing_changed(agr):
        answer = call(client, cast, "admin", "patch", f"/api/v1/slas/{agr.pk}",
                      {"targets": []})
    assert answer.status_code == 422 and "targets" in answer.json()["errors"]
    assert agr.targets.count() == 1
