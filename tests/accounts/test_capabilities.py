"""Permissions beyond the role. Capabilities are declared by the practices,
given to groups by administrators only, and held by the active members of
active groups; policies also ask about the record itself (a CI's owner
group, the major-incident manager named on an incident). Each from both
sides, a refusal changing nothing."""

from servista.cmdb.factories import ConfigurationItemFactory
from servista.core.models import JournalEntry
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase
from tests.practice.services import rules as chores

CHECKER = "practice.checker"
MIM = "incidents.major_incident_manager"


class CapabilityGrantTest(ServistaTestCase):
    def test_the_registered_capabilities_are_listed(self):
        r = self.api("GET", "/api/v1/capabilities", self.cast.agent)
        self.assertStatus(r, 200)
        names = {c["name"] for c in r.data}
        self.assertTrue({CHECKER, MIM} <= names)
        self.assertStatus(self.api("GET", "/api/v1/capabilities"), 401)

    def test_only_an_administrator_gives_or_takes_capabilities(self):
        url = f"/api/v1/groups/{self.cast.network.pk}"
        with self.assertNothingChanged(self.cast.network):
            r = self.api("PATCH", url, self.cast.manager, {"capabilities": [CHECKER]})
            self.assertStatus(r, 403)
            r = self.api("PATCH", url, self.cast.admin, {"capabilities": ["no.such.thing"]})
            self.assertStatus(r, 422)
            self.assertIn("capabilities", r.data["errors"])
        r = self.api("PATCH", url, self.cast.admin, {"capabilities": [CHECKER]})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["capabilities"], [CHECKER])
        entry = JournalEntry.objects.for_record(self.cast.network).last()
        self.assertEqual((entry.actor, entry.origin), (self.cast.admin, "api"))
        self.assertEqual(entry.changes["capabilities"]["new"], [CHECKER])
        # A manager still runs the team, as long as the capabilities stay.
        r = self.api("PATCH", url, self.cast.manager,
                     {"description": "Switches and firewalls", "capabilities": [CHECKER]})
        self.assertStatus(r, 200)
        with self.assertNothingChanged(self.cast.network):
            r = self.api("PATCH", url, self.cast.manager, {"capabilities": []})
            self.assertStatus(r, 403)

    def test_the_group_page_says_what_its_members_may_do(self):
        self.cast.network.capabilities = [CHECKER]
        self.cast.network.save()
        self.client.force_login(self.cast.agent)
        r = self.client.get(self.cast.network.get_absolute_url())
        self.assertContains(r, "Chore checker")


class CapabilityUseTest(ServistaTestCase):
    def chore(self):
        return chores.create(self.cast.agent2, {
            "short_description": "Rotate the backup tapes",
            "assignment_group": self.cast.network, "assigned_to": self.cast.agent2})

    def finish(self, chore, user):
        return self.api("POST", f"/api/v1/chores/{chore.number}/finish", user,
                        {"reason": "Rotated"})

    def test_a_capability_lets_the_members_of_its_group_do_more(self):
        chore = self.chore()
        with self.assertNothingChanged(chore):
            self.assertStatus(self.finish(chore, self.cast.agent2), 403)
        self.cast.network.capabilities = [CHECKER]
        self.cast.network.save()
        self.assertStatus(self.finish(chore, self.cast.agent2), 200)
        # Not a member of the group: not a holder of its capability.
        other = self.chore()
        with self.assertNothingChanged(other):
            self.assertStatus(self.finish(other, self.cast.agent), 403)

    def test_an_inactive_group_gives_nothing(self):
        self.cast.network.capabilities = [CHECKER]
        self.cast.network.active = False
        self.cast.network.save()
        chore = chores.create(self.cast.agent2, {"short_description": "Rotate the tapes"})
        chores.change_state(chore, self.cast.agent2, "doing")
        with self.assertNothingChanged(chore):
            self.assertStatus(self.finish(chore, self.cast.agent2), 403)

    def test_major_incident_managers_declare_major_incidents(self):
        inc = IncidentFactory(caller=self.cast.requester)
        url = f"/api/v1/incidents/{inc.number}/promote-major"
        body = {"manager": "alice", "reason": "Whole floor down"}
        with self.assertNothingChanged(inc):
            self.assertStatus(self.api("POST", url, self.cast.agent, body), 403)
        self.cast.service_desk.capabilities = [MIM]
        self.cast.service_desk.save()
        r = self.api("POST", url, self.cast.agent, body)
        self.assertStatus(r, 200)
        self.assertTrue(r.data["is_major"])


class RecordPermissionTest(ServistaTestCase):
    def test_the_owners_of_a_ci_keep_it_up_to_date(self):
        ci = ConfigurationItemFactory(owner_group=self.cast.network)
        url = f"/api/v1/cis/{ci.pk}"
        r = self.api("PATCH", url, self.cast.agent2, {"description": "Core switch, rack 4"})
        self.assertStatus(r, 200)
        with self.assertNothingChanged(ci):
            r = self.api("PATCH", url, self.cast.agent, {"description": "Not mine"})
            self.assertStatus(r, 403)
        self.assertStatus(self.api("PATCH", url, self.cast.manager,
                                   {"status": "under_maintenance"}), 200)


class RecordPredicateTest(ServistaTestCase):
    def test_predicates_about_the_people_a_record_names(self):
        from servista.core.permissions import is_member_of, is_one_of, is_person
        from servista.incidents import services

        inc = IncidentFactory(caller=self.cast.requester)
        services.promote_major(inc, self.cast.manager, manager=self.cast.agent2,
                               swarm=[self.cast.agent], reason="Floor down")
        inc.refresh_from_db()
        self.assertTrue(is_person("caller").test(self.cast.requester, inc))
        self.assertFalse(is_person("caller").test(self.cast.colleague, inc))
        self.assertTrue(is_one_of("swarm").test(self.cast.agent, inc))
        self.assertFalse(is_one_of("swarm").test(self.cast.agent2, inc))
        self.assertTrue(is_member_of("assignment_group").test(self.cast.agent, inc))
        self.assertFalse(is_member_of("assignment_group").test(self.cast.agent2, inc))
        for predicate in (is_person("caller"), is_one_of("swarm"),
                          is_member_of("assignment_group")):
            self.assertFalse(predicate.test(self.cast.agent))  # no record: no
            self.assertFalse(predicate.test(None, inc))
