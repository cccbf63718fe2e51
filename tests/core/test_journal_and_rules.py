import itertools

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from servista.core import numbering
from servista.core import services as records
from servista.core.exceptions import InvalidTransition, ValidationFailed
from servista.core.models import JournalEntry, PriorityMatrix
from servista.core.models.journal import AppendOnlyError
from servista.core.priority import compute_priority
from servista.incidents import services
from servista.incidents.choices import IncidentState
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase, nothing_changed


class JournalAppendOnlyTest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester)
        self.entry = JournalEntry.objects.for_record(self.inc).first()

    def test_entries_cannot_be_updated_or_deleted_through_the_orm(self):
        self.entry.body = "rewritten"
        with self.assertNothingChanged(self.entry, self.inc):
            with self.assertRaises(AppendOnlyError):
                self.entry.save()
            with self.assertRaises(AppendOnlyError):
                self.entry.delete()
            with self.assertRaises(AppendOnlyError):
                JournalEntry.objects.filter(pk=self.entry.pk).update(body="x")
            with self.assertRaises(AppendOnlyError):
                JournalEntry.objects.filter(pk=self.entry.pk).delete()
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.body, "Created")

    def test_admin_cannot_change_or_delete_entries(self):
        self.client.force_login(self.cast.admin)
        url = f"/admin/core/journalentry/{self.entry.pk}/change/"
        with self.assertNothingChanged(self.entry, self.inc):
            r = self.client.post(url, {"body": "rewritten"})
            self.assertIn(r.status_code, (302, 403))
            r = self.client.post(f"/admin/core/journalentry/{self.entry.pk}/delete/",
                                 {"post": "yes"})
            self.assertEqual(r.status_code, 403)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.body, "Created")
        self.assertEqual(self.client.get("/admin/core/journalentry/").status_code, 200)

    def test_api_offers_no_way_to_edit_entries(self):
        url = f"/api/v1/incidents/{self.inc.number}/journal"
        for method in ("PUT", "PATCH", "DELETE"):
            with self.assertNothingChanged(self.entry, self.inc):
                r = self.api(method, url, self.cast.admin, {"body": "x"})
            self.assertEqual(r.status, 405, method)
        self.assertEqual(JournalEntry.objects.filter(body="x").count(), 0)

    def test_journal_origin_and_correlation(self):
        r = self.api("PATCH", f"/api/v1/incidents/{self.inc.number}", self.cast.agent,
                     {"urgency": 1}, headers={"X-Request-ID": "req-42"})
        self.assertStatus(r, 200)
        self.assertEqual(r.headers["X-Request-ID"], "req-42")
        entry = JournalEntry.objects.for_record(self.inc).last()
        self.assertEqual((entry.origin, entry.correlation_id), ("api", "req-42"))


class NumberingTest(ServistaTestCase):
    def test_numbers_are_prefixed_padded_and_sequential(self):
        first = IncidentFactory(caller=self.cast.requester)
        second = IncidentFactory(caller=self.cast.requester)
        self.assertRegex(first.number, r"^INC\d{7}$")
        self.assertEqual(int(second.number[3:]), int(first.number[3:]) + 1)

    def test_block_reservation_continues_the_sequence(self):
        last = IncidentFactory(caller=self.cast.requester)
        start = numbering.reserve_block("INC", 50)
        self.assertEqual(start, int(last.number[3:]) + 1)
        nxt = IncidentFactory(caller=self.cast.requester)
        self.assertEqual(int(nxt.number[3:]), start + 50)

    def test_number_is_unique_in_the_database(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc), self.assertRaises(IntegrityError), \
                transaction.atomic():
            Incident.objects.filter(pk=IncidentFactory(caller=self.cast.requester).pk).update(
                number=inc.number)


class StateMachineTest(ServistaTestCase):
    """Every transition not declared in IncidentState.TRANSITIONS is refused
    with a clear 409 error, and changes nothing."""

    FIELDS = {
        IncidentState.ON_HOLD: {"hold_reason": "awaiting_caller"},
        IncidentState.RESOLVED: {"resolution_code": "solved_permanently",
                                 "resolution_notes": "Fixed"},
        IncidentState.CANCELLED: {"reason": "Logged twice"},
    }

    def bring_to(self, state):
        inc = IncidentFactory(caller=self.cast.requester)
        path = {
            IncidentState.NEW: [],
            IncidentState.IN_PROGRESS: [IncidentState.IN_PROGRESS],
            IncidentState.ON_HOLD: [IncidentState.ON_HOLD],
            IncidentState.RESOLVED: [IncidentState.RESOLVED],
            IncidentState.CLOSED: [IncidentState.RESOLVED, IncidentState.CLOSED],
            IncidentState.CANCELLED: [IncidentState.CANCELLED],
        }[state]
        for step in path:
            services.change_state(inc, self.cast.agent, step, **self.FIELDS.get(step, {}))
        inc.refresh_from_db()
        self.assertEqual(inc.state, state)
        return inc

    def test_every_pair(self):
        for current, target in itertools.product(IncidentState.values, repeat=2):
            if current == target:
                continue
            inc = self.bring_to(current)
            allowed = IncidentState.can_transition(current, target)
            with self.subTest(current=current, target=target):
                if allowed:
                    services.change_state(inc, self.cast.agent, target,
                                          **self.FIELDS.get(target, {}))
                    inc.refresh_from_db()
                    self.assertEqual(inc.state, target)
                else:
                    version = inc.version
                    with self.assertNothingChanged(inc), \
                            self.assertRaises(InvalidTransition) as ctx:
                        services.change_state(inc, self.cast.agent, target,
                                              **self.FIELDS.get(target, {}))
                    self.assertIn("Cannot go from", ctx.exception.detail)
                    inc.refresh_from_db()
                    self.assertEqual((inc.state, inc.version), (current, version))

    def test_hold_needs_a_known_reason(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc), self.assertRaises(ValidationFailed) as ctx:
            services.put_on_hold(inc, self.cast.agent, hold_reason="lunch")
        self.assertIn("hold_reason", ctx.exception.errors)
        services.put_on_hold(inc, self.cast.agent, hold_reason="awaiting_change")
        services.change_state(inc, self.cast.agent, IncidentState.IN_PROGRESS)
        inc.refresh_from_db()
        self.assertEqual(inc.hold_reason, "")

    def test_closed_incident_cannot_be_edited(self):
        inc = self.bring_to(IncidentState.CLOSED)
        with self.assertNothingChanged(inc), self.assertRaises(InvalidTransition):
            services.update_incident(inc, self.cast.agent, {"short_description": "late edit"})


class PriorityMatrixTest(ServistaTestCase):
    def test_default_matrix(self):
        expected = {(1, 1): 1, (1, 2): 2, (1, 3): 3, (2, 1): 2, (2, 2): 3, (2, 3): 4,
                    (3, 1): 3, (3, 2): 4, (3, 3): 5}
        for (impact, urgency), priority in expected.items():
            self.assertEqual(compute_priority(impact, urgency), priority)

    def set_cell(self, impact, urgency, priority):
        cell = PriorityMatrix.objects.get(impact=impact, urgency=urgency)
        cell.priority = priority
        cell.save()  # as the admin does

    def test_edited_matrix_applies_to_new_and_recomputed_incidents(self):
        compute_priority(3, 3)  # the matrix is now cached in this process
        self.set_cell(3, 3, 4)
        inc = IncidentFactory(caller=self.cast.requester, impact=3, urgency=3)
        self.assertEqual(inc.priority, 4)
        self.set_cell(2, 3, 5)
        services.update_incident(inc, self.cast.agent, {"impact": 2})
        inc.refresh_from_db()
        self.assertEqual(inc.priority, 5)

    def test_admin_edits_the_matrix(self):
        self.client.force_login(self.cast.admin)
        self.assertEqual(self.client.get("/admin/core/prioritymatrix/").status_code, 200)
        compute_priority(1, 1)
        cell = PriorityMatrix.objects.get(impact=1, urgency=1)
        r = self.client.get(f"/admin/core/prioritymatrix/{cell.pk}/change/")
        self.assertEqual(r.status_code, 200)
        r = self.client.post(f"/admin/core/prioritymatrix/{cell.pk}/change/",
                             {"impact": 1, "urgency": 1, "priority": 2})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(compute_priority(1, 1), 2)

    def test_out_of_range_refused(self):
        cell = PriorityMatrix.objects.get(impact=3, urgency=1)
        with self.assertNothingChanged(cell), self.assertRaises(ValidationFailed) as ctx:
            compute_priority(4, 1)
        self.assertIn("impact", ctx.exception.errors)


@pytest.mark.django_db
def test_links_between_records(cast):
    a = IncidentFactory(caller=cast.requester)
    b = IncidentFactory(caller=cast.requester)
    records.link(a, b, cast.agent, "caused_by")
    with nothing_changed(a, b):
        with pytest.raises(ValidationFailed):
            records.link(a, b, cast.agent, "caused_by")
        with pytest.raises(ValidationFailed):
            records.link(a, a, cast.agent)
    rows = records.links_of(b)
    assert [(r["direction"], r["other"].number) for r in rows] == [("incoming", a.number)]


NUMBERING_DATABASES = ["default", "numbering"] if "numbering" in settings.DATABASES \
    else ["default"]


@pytest.mark.django_db(transaction=True, databases=NUMBERING_DATABASES)
def test_numbers_are_taken_on_their_own_connection(settings):
    """On PostgreSQL a number is committed apart from the record that takes
    it: a rolled-back creation leaves a gap and never holds the counter."""
    settings.SERVISTA = {**settings.SERVISTA, "SEPARATE_NUMBERING": True}
    first = numbering.next_value("TST")
    with pytest.raises(RuntimeError), transaction.atomic():
        taken = numbering.next_value("TST")
        raise RuntimeError("the creation fails")
    after = numbering.next_value("TST")
    if connection.vendor == "postgresql":
        assert numbering.numbering_alias() == "numbering"
        assert (taken, after) == (first + 1, first + 2)
    else:
        assert numbering.numbering_alias() == "default"
        assert after == first + 1


@pytest.mark.django_db
def test_clock_at_dates_records_journal_and_notifications(cast):
    from datetime import UTC, datetime

    from servista.core import clock
    from servista.notifications.models import Notification

    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with clock.at(when):
        inc = IncidentFactory(caller=cast.requester, opened_by=cast.agent,
                              assignment_group=cast.network, assigned_to=cast.agent2)
    assert (inc.opened_at, inc.updated_at) == (when, when)
    assert {e.created_at for e in JournalEntry.objects.for_record(inc)} == {when}
    assert Notification.objects.get(user=cast.agent2).created_at == when
    assert clock.now() > when
