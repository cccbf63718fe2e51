"""Assignment groups are made of support staff."""

from servista.accounts import services
from servista.accounts.models import Group
from servista.core.exceptions import ValidationFailed
from servista.testing import ServistaTestCase


class GroupStaffOnlyTest(ServistaTestCase):
    def test_requesters_cannot_lead_or_join_a_group(self):
        with self.assertNothingChanged(self.cast.network):
            r = self.api("POST", "/api/v1/groups", self.cast.admin,
                         {"name": "G2", "manager": "rita"})
        self.assertStatus(r, 422)
        self.assertIn("manager", r.data["errors"])
        with self.assertNothingChanged(self.cast.network):
            r = self.api("POST", "/api/v1/groups", self.cast.admin,
                         {"name": "G2", "members": ["alice", "rita"]})
        self.assertStatus(r, 422)
        self.assertIn("members", r.data["errors"])
        self.assertFalse(Group.objects.filter(name="G2").exists())
        r = self.api("POST", "/api/v1/groups", self.cast.admin,
                     {"name": "G2", "manager": "maria", "members": ["alice"]})
        self.assertStatus(r, 201)

    def test_membership_service_refuses_requesters(self):
        with self.assertNothingChanged(self.cast.network), self.assertRaises(ValidationFailed):
            services.set_members(self.cast.network, [self.cast.agent2, self.cast.requester],
                                 self.cast.manager)
        self.assertEqual(list(self.cast.network.members.all()), [self.cast.agent2])
