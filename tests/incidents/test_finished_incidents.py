"""Work on resolved, closed and cancelled incidents (through the services, the
API and the incident page); what requesters read of staff reasons;
references that may not be used; how the journal names related objects."""

from unittest import mock

from servista.catalog.factories import ServiceFactory
from servista.core import api as core_api
from servista.core import search
from servista.core.exceptions import Forbidden, InvalidTransition, ValidationFailed
from servista.core.models import JournalEntry, PriorityMatrix
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.notifications.models import Notification
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"
HTMX = {"HTTP_HX_REQUEST": "true"}


class FinishedIncidentTest(ServistaTestCase):
    def resolved(self):
        inc = IncidentFactory(caller=self.cast.requester)
        return services.resolve(inc, self.cast.agent, resolution_code="solved_permanently",
                                resolution_notes="Fixed.")

    def test_resolved_incident_takes_no_work_until_reopened(self):
        inc = self.resolved()
        version = inc.version
        notes = Notification.objects.count()
        attempts = {
            "take": {}, "assign": {"assignment_group": "Network"},
            "escalate": {"kind": "hierarchical", "reason": "x"},
            "promote-major": {"manager": "maria"},
        }
        for action, body in attempts.items():
            with self.subTest(action=action):
                user = self.cast.manager if action == "promote-major" else self.cast.agent
                with self.assertNothingChanged(inc):
                    r = self.api("POST", f"{API}/{inc.number}/{action}", user, body)
                self.assertStatus(r, 409)
                self.assertIn("reopen", r.data["detail"])
        with self.assertNothingChanged(inc), self.assertRaises(InvalidTransition):
            services.escalate_functional(inc, self.cast.agent,
                                         assignment_group=self.cast.network, reason="x")
        self.assertEqual(Notification.objects.count(), notes)
        child = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc, child):
            with self.assertRaises(ValidationFailed):  # a resolved parent takes no children
                services.set_parent(child, self.cast.agent, inc)
            with self.assertRaises(InvalidTransition):  # nor does a resolved child move
                services.set_parent(inc, self.cast.agent, child)
        inc.refresh_from_db()
        self.assertEqual(inc.version, version)
        # The caller's comment still reopens it, and then work goes on.
        services.comment(inc, self.cast.requester, "Still broken.")
        inc.refresh_from_db()
        self.assertEqual(inc.state, "in_progress")
        services.take(inc, self.cast.agent)

    def test_closed_and_cancelled_are_final(self):
        closed = services.close(self.resolved(), self.cast.requester)
        cancelled = services.cancel(IncidentFactory(caller=self.cast.requester),
                                    self.cast.agent, reason="Duplicate.")
        for inc in (closed, cancelled):
            with self.subTest(state=inc.state), self.assertNothingChanged(inc):
                r = self.api("POST", f"{API}/{inc.number}/override-priority", self.cast.manager,
                             {"priority": 1, "reason": "x"})
                self.assertStatus(r, 409)
                r = self.api("POST", f"{API}/{inc.number}/comments", self.cast.requester,
                             {"kind": "comment", "body": "Hello?"})
                self.assertStatus(r, 409)
                with self.assertRaises(InvalidTransition):
                    services.work_note(inc, self.cast.agent, "note")
                with self.assertRaises(InvalidTransition):
                    services.set_parent(inc, self.cast.agent, None)
                before = JournalEntry.objects.for_record(inc).count()
                inc.refresh_from_db()
                self.assertEqual(JournalEntry.objects.for_record(inc).count(), before)


def resolved(cast, caller):
    inc = IncidentFactory(caller=caller)
    return services.resolve(inc, cast.agent, resolution_code="solved_permanently",
                            resolution_notes="Fixed.")


class FinalIncidentPageTest(ServistaTestCase):
    def test_closed_incident_offers_no_comment_box_and_no_edit(self):
        inc = services.close(resolved(self.cast, self.cast.requester), self.cast.requester)
        self.client.force_login(self.cast.agent)
        page = self.client.get(inc.get_absolute_url())
        self.assertNotContains(page, 'id="comment-form"')
        with self.assertNothingChanged(inc):
            r = self.client.get(f"/incidents/{inc.number}/edit/")
            self.assertRedirects(r, inc.get_absolute_url(), fetch_redirect_response=False)
            r = self.client.post(f"/incidents/{inc.number}/comment/", {"body": "x",
                                                                       "kind": "comment"},
                                 **HTMX)
        self.assertEqual(r.status_code, 422)
        open_one = IncidentFactory(caller=self.cast.requester)
        self.assertContains(self.client.get(open_one.get_absolute_url()), 'id="comment-form"')


class RequesterReadsTest(ServistaTestCase):
    def test_staff_reasons_stay_with_staff(self):
        inc = IncidentFactory(caller=self.cast.requester)
        services.put_on_hold(inc, self.cast.agent, hold_reason="awaiting_vendor",
                             reason="Vendor is slow again")
        services.override_priority(inc, self.cast.manager, priority=1, reason="CEO affected")
        r = self.api("GET", f"{API}/{inc.number}/journal", self.cast.requester)
        self.assertStatus(r, 200)
        bodies = " ".join(e["body"] for e in r.data)
        self.assertNotIn("Vendor is slow", bodies)
        self.assertNotIn("CEO", bodies)
        # ... while the change itself is theirs to see.
        self.assertTrue(any("hold_reason" in e["changes"] for e in r.data))
        self.client.force_login(self.cast.requester)
        page = self.client.get(f"/portal/tickets/{inc.number}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Vendor is slow")
        self.assertNotContains(page, "CEO affected")
        r = self.api("GET", f"{API}/{inc.number}/journal", self.cast.agent)
        self.assertIn("Vendor is slow", " ".join(e["body"] for e in r.data))


class ReferencesTest(ServistaTestCase):
    def test_inactive_group_caller_and_assignee_are_refused(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.cast.network.active = False
        self.cast.network.save()
        with self.assertNothingChanged(inc), self.assertRaises(ValidationFailed) as err:
            services.assign(inc, self.cast.agent, assignment_group=self.cast.network)
        self.assertIn("assignment_group", err.exception.errors)
        self.cast.colleague.is_active = False
        self.cast.colleague.save()
        with self.assertNothingChanged(inc), self.assertRaises(ValidationFailed) as err:
            services.log_incident(self.cast.agent, short_description="x",
                                  caller=self.cast.colleague)
        self.assertIn("caller", err.exception.errors)
        self.cast.agent.is_active = False
        self.cast.agent.save()
        with self.assertNothingChanged(inc), self.assertRaises(ValidationFailed) as err:
            services.assign(inc, self.cast.manager, assignment_group=self.cast.service_desk,
                            assigned_to=self.cast.agent)
        self.assertIn("inactive", err.exception.errors["assigned_to"][0])

    def test_retired_service_is_refused(self):
        retired = ServiceFactory(name="Legacy Intranet", status="retired")
        with self.assertNothingChanged(), self.assertRaises(ValidationFailed) as err:
            services.log_incident(self.cast.agent, short_description="x",
                                  caller=self.cast.requester, service=retired)
        self.assertIn("service", err.exception.errors)
        self.assertFalse(Incident.objects.exists())
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc), self.assertRaises(ValidationFailed):
            services.update_incident(inc, self.cast.agent, {"service": retired})

    def test_journal_names_the_old_related_object(self):
        inc = IncidentFactory(caller=self.cast.requester)
        services.assign(IncidentFactory._meta.model.objects.get(pk=inc.pk), self.cast.agent,
                        assignment_group=self.cast.network)
        entry = JournalEntry.objects.for_record(inc).filter(
            changes__has_key="assignment_group").last()
        change = entry.changes["assignment_group"]
        self.assertEqual(change["old_display"], "Service Desk")
        self.assertEqual(change["new_display"], "Network")
        self.assertEqual(change["old"], self.cast.service_desk.pk)


class PriorityTest(ServistaTestCase):
    def test_other_edits_keep_the_priority(self):
        inc = IncidentFactory(caller=self.cast.requester, impact=2, urgency=2)
        self.assertEqual(inc.priority, 3)
        PriorityMatrix.objects.filter(impact=2, urgency=2).update(priority=4)
        services.update_incident(inc, self.cast.agent,
                                 {"short_description": "Renamed", "impact": 2, "urgency": 2})
        inc.refresh_from_db()
        self.assertEqual(inc.priority, 3)  # impact and urgency did not change
        services.update_incident(inc, self.cast.agent, {"urgency": 1})
        inc.refresh_from_db()
        self.assertEqual(inc.priority, 2)

    def test_override_message_and_permission(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc), self.assertRaises(Forbidden) as err:
            services.override_priority(inc, self.cast.agent, priority=1, reason="x")
        self.assertIn("override priority", str(err.exception))
        services.override_priority(inc, self.cast.manager, priority=1, reason="VIP")
        services.override_priority(inc, self.cast.manager, priority=None, reason="")
        last = JournalEntry.objects.for_record(inc).last()
        self.assertEqual(last.body, "Priority returned to the matrix.")


class MajorIncidentUndoTest(ServistaTestCase):
    def test_stand_down_and_clear_escalation(self):
        inc = IncidentFactory(caller=self.cast.requester)
        services.promote_major(inc, self.cast.manager, manager=self.cast.manager,
                               swarm=[self.cast.agent])
        services.escalate_hierarchical(inc, self.cast.agent, reason="Board asks")
        with self.assertNothingChanged(inc):
            with self.assertRaises(Forbidden):
                services.stand_down_major(inc, self.cast.agent, reason="x")
            with self.assertRaises(ValidationFailed):
                services.stand_down_major(inc, self.cast.manager, reason=" ")
        services.stand_down_major(inc, self.cast.manager, reason="Only one office")
        inc.refresh_from_db()
        self.assertFalse(inc.is_major)
        self.assertIsNone(inc.major_incident_manager)
        self.assertEqual(list(inc.swarm.all()), [])
        entry = JournalEntry.objects.for_record(inc).last()
        self.assertEqual(entry.changes["swarm"]["old_display"], str(self.cast.agent))
        with self.assertNothingChanged(inc):
            with self.assertRaises(InvalidTransition):
                services.stand_down_major(inc, self.cast.manager, reason="again")
            with self.assertRaises(Forbidden):
                services.clear_escalation(inc, self.cast.agent, reason="x")
        services.clear_escalation(inc, self.cast.manager, reason="Handled")
        inc.refresh_from_db()
        self.assertFalse(inc.escalated)


class MajorIncidentUndoAPITest(ServistaTestCase):
    def test_stand_down_and_clear_escalation_through_the_api(self):
        inc = IncidentFactory(caller=self.cast.requester)
        services.promote_major(inc, self.cast.manager, manager=self.cast.manager)
        services.escalate_hierarchical(inc, self.cast.agent, reason="Board asks")
        url = f"{API}/{inc.number}"
        with self.assertNothingChanged(inc):
            self.assertStatus(self.api("POST", f"{url}/stand-down-major", self.cast.agent,
                                       {"reason": "x"}), 403)
            r = self.api("POST", f"{url}/stand-down-major", self.cast.manager, {})
        self.assertStatus(r, 422)
        self.assertIn("reason", r.data["errors"])
        r = self.api("POST", f"{url}/stand-down-major", self.cast.manager, {"reason": "Small"})
        self.assertStatus(r, 200)
        self.assertFalse(r.data["is_major"])
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{url}/clear-escalation", self.cast.manager,
                         {"reason": "Done"}, headers={"If-Match": '"1"'})
        self.assertStatus(r, 412)
        r = self.api("POST", f"{url}/clear-escalation", self.cast.manager, {"reason": "Done"})
        self.assertStatus(r, 200)
        self.assertFalse(r.data["escalated"])
        with self.assertNothingChanged(inc):
            self.assertStatus(self.api("POST", f"{url}/clear-escalation", self.cast.manager,
                                       {"reason": "Again"}), 409)


class MajorIncidentUndoPageTest(ServistaTestCase):
    def test_stand_down_and_clear_escalation_buttons(self):
        inc = IncidentFactory(caller=self.cast.requester)
        services.promote_major(inc, self.cast.manager, manager=self.cast.manager)
        services.escalate_hierarchical(inc, self.cast.agent, reason="Board asks")
        self.client.force_login(self.cast.agent)
        page = self.client.get(inc.get_absolute_url())
        self.assertNotContains(page, 'id="action-stand_down"')
        self.assertNotContains(page, 'id="action-swarm"')  # not the major-incident manager
        with self.assertNothingChanged(inc):
            r = self.client.post(f"/incidents/{inc.number}/stand_down/", {"reason": "x"})
        self.assertEqual(r.status_code, 403)
        self.client.force_login(self.cast.manager)
        page = self.client.get(inc.get_absolute_url())
        self.assertContains(page, 'id="action-stand_down"')
        self.assertContains(page, 'id="action-clear_escalation"')
        r = self.client.post(f"/incidents/{inc.number}/stand_down/", {"reason": "Small"},
                             HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 204)
        r = self.client.post(f"/incidents/{inc.number}/clear_escalation/", {"reason": "Done"},
                             HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 204)
        inc.refresh_from_db()
        self.assertFalse(inc.is_major or inc.escalated)
        page = self.client.get(inc.get_absolute_url())
        self.assertNotContains(page, 'id="action-stand_down"')

    def test_searched_workspace_list_counts_up_to_the_search_limit(self):
        for _ in range(3):
            services.log_incident(self.cast.agent, caller=self.cast.requester,
                                  short_description="Printer jams")
        self.client.force_login(self.cast.agent)
        with mock.patch.object(search, "EXACT_COUNT_LIMIT", 2), \
                mock.patch("servista.core.generic_views.count_rows",
                           wraps=core_api.count_rows) as counted:
            self.client.get("/incidents/", {"q": "printer"})
            self.client.get("/incidents/")
        self.assertEqual([c.args[1] for c in counted.call_args_list], [2, None])
