"""A change of a group's members shows on the group's journal and on the
journal of each person added or removed (their "support groups"), whatever
the face: the admin, the groups API, ``accounts.services.set_members``."""

from servista.accounts import services
from servista.accounts.models import Group, User
from servista.core.context import audit_context
from servista.core.exceptions import Forbidden, ValidationFailed
from servista.core.models import JournalEntry
from tests.core.test_reference_data_journal import JournalTestCase, change


class MembershipJournalTest(JournalTestCase):
    def setUp(self):
        self.alice, self.nick = self.cast.agent, self.cast.agent2  # Service Desk; Network

    def groups_change(self, user, old, new) -> dict:
        ids = {g.name: g.pk for g in Group.objects.all()}
        return {"support_groups": change([ids[n] for n in old], [ids[n] for n in new],
                                         ", ".join(old), ", ".join(new))}

    def assertMembershipEntries(self, actor, origin):  # noqa: N802
        network = self.cast.network
        [group_entry] = self.entries(network)
        self.assertEntry(group_entry, actor, origin, {
            "members": change([self.nick.pk], [self.alice.pk], "Nick", "Alice")})
        [alice_entry] = self.entries(self.alice)
        self.assertEntry(alice_entry, actor, origin,
                         self.groups_change(self.alice, ["Service Desk"],
                                            ["Network", "Service Desk"]))
        [nick_entry] = self.entries(self.nick)
        self.assertEntry(nick_entry, actor, origin,
                         self.groups_change(self.nick, ["Network"], []))
        # One operation: one correlation id on every entry it wrote.
        self.assertEqual(len({group_entry.correlation_id, alice_entry.correlation_id,
                              nick_entry.correlation_id}), 1)
        self.assertEqual(self.entries(self.cast.manager), [])   # untouched member

    def test_groups_api(self):
        r = self.api("PATCH", f"/api/v1/groups/{self.cast.network.pk}", self.cast.manager,
                     {"members": ["alice"]})
        self.assertStatus(r, 200)
        self.assertMembershipEntries(self.cast.manager, "api")

    def test_admin(self):
        url = f"/admin/accounts/group/{self.cast.network.pk}/change/"
        r = self.admin_post(url, {"members": [self.alice.pk]})
        self.assertEqual(r.status_code, 302)
        self.assertMembershipEntries(self.cast.admin, "web")

    def test_set_members_in_a_background_job(self):
        with audit_context("job"):
            services.set_members(self.cast.network, [self.alice], self.cast.manager)
        self.assertMembershipEntries(self.cast.manager, "job")

    def test_set_members_from_the_command_line(self):
        with audit_context("cli", "cli-run-7"):
            services.set_members(self.cast.network, [self.alice], self.cast.manager)
        self.assertMembershipEntries(self.cast.manager, "cli")
        self.assertEqual(self.entries(self.cast.network)[0].correlation_id, "cli-run-7")

    def test_set_members_without_change_leaves_no_entry(self):
        with self.assertNothingChanged(self.cast.network, self.nick):
            services.set_members(self.cast.network, [self.nick], self.cast.manager)

    def test_refused_set_members_leaves_nothing(self):
        with self.assertNothingChanged(self.cast.network, self.nick, self.alice):
            with self.assertRaises(Forbidden):
                services.set_members(self.cast.network, [self.alice], self.alice)
            with self.assertRaises(ValidationFailed):
                services.set_members(self.cast.network, [self.alice, self.cast.requester],
                                     self.cast.manager)

    def test_refused_api_change_leaves_nothing(self):
        url = f"/api/v1/groups/{self.cast.network.pk}"
        with self.assertNothingChanged(self.cast.network, self.nick, self.alice):
            r = self.api("PATCH", url, self.alice, {"members": ["alice"]})
            self.assertStatus(r, 403)
            r = self.api("PATCH", url, self.cast.manager, {"members": ["alice", "rita"]})
            self.assertStatus(r, 422)
            r = self.api("PATCH", url, self.cast.manager, {"members": ["nobody"]})
            self.assertStatus(r, 422)

    def test_group_created_with_members(self):
        r = self.api("POST", "/api/v1/groups", self.cast.admin,
                     {"name": "Databases", "members": ["alice", "nick"]})
        self.assertStatus(r, 201)
        group = Group.objects.get(name="Databases")
        [created] = self.entries(group)
        self.assertEqual(created.body, "Created")
        self.assertEqual(created.changes["members"],
                         change([], [self.alice.pk, self.nick.pk], "", "Alice, Nick"))
        [entry] = self.entries(self.nick)
        self.assertEntry(entry, self.cast.admin, "api",
                         self.groups_change(self.nick, ["Network"], ["Databases", "Network"]))

    def test_group_deleted_in_the_admin(self):
        network = self.cast.network
        pk = network.pk
        self.client.force_login(self.cast.admin)
        r = self.client.post(f"/admin/accounts/group/{pk}/delete/", {"post": "yes"})
        self.assertEqual(r.status_code, 302)
        [deleted] = JournalEntry.objects.filter(content_type__model="group", object_id=pk)
        self.assertEntry(deleted, self.cast.admin, "web", body="Deleted")
        self.assertEqual(deleted.changes["members"], change([self.nick.pk], [], "Nick", ""))
        self.assertEqual(deleted.changes["manager"],
                         change(self.cast.manager.pk, None, "Maria", ""))
        [entry] = self.entries(self.nick)
        self.assertEntry(entry, self.cast.admin, "web", {"support_groups": change(
            [pk], [], "Network", "")})
        # The manager led the group but was no member: nothing on their journal.
        self.assertEqual(self.entries(self.cast.manager), [])

    def test_user_deleted_in_the_admin_leaves_their_groups(self):
        user = User.objects.create_user(username="temp", role="agent")
        self.cast.network.members.add(user)
        self.client.force_login(self.cast.admin)
        r = self.client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
        self.assertEqual(r.status_code, 302)
        [deleted] = JournalEntry.objects.filter(content_type__model="user", object_id=user.pk)
        self.assertEqual(deleted.body, "Deleted")
        self.assertEqual(deleted.changes["support_groups"],
                         change([self.cast.network.pk], [], "Network", ""))
        [entry] = self.entries(self.cast.network)
        self.assertEntry(entry, self.cast.admin, "web", {"members": change(
            [self.nick.pk, user.pk], [self.nick.pk], "Nick, temp", "Nick")})


class UserAccountJournalTest(JournalTestCase):
    def test_create_user_never_journals_the_password(self):
        with audit_context("cli"):
            user = services.create_user(self.cast.admin, {
                "username": "dora", "role": "agent", "password": "Dora-passphrase-9",
                "organization": self.cast.org_a})
        [entry] = self.entries(user)
        self.assertEntry(entry, self.cast.admin, "cli", body="Created")
        self.assertEqual(entry.changes["role"], change(None, "agent", "", "Agent"))
        self.assertEqual(entry.changes["organization"],
                         change(None, self.cast.org_a.pk, "", "Acme Corp"))
        self.assertNotIn("password", entry.changes)
        self.assertNotIn(user.password, str(entry.changes))
        self.assertTrue(user.check_password("Dora-passphrase-9"))

    def test_role_change_through_the_api(self):
        agent = self.cast.agent
        r = self.api("PATCH", f"/api/v1/users/{agent.pk}", self.cast.admin,
                     {"role": "manager"})
        self.assertStatus(r, 200)
        [entry] = self.entries(agent)
        self.assertEntry(entry, self.cast.admin, "api",
                         {"role": change("agent", "manager", "Agent", "Manager")})
        for entry in JournalEntry.objects.all():
            self.assertNotIn("password", entry.changes)
