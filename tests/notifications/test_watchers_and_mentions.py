"""Watchers (CC) and @mentions: agents add and remove watchers (UI, API,
CLI); watchers hear of public comments and state changes through notify()
and their mail preferences, staff watchers also of work notes, a requester
watcher never; an @username or @first.last in a work note notifies that
colleague (support staff only) with a link to the entry."""

from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from servista.core import watchers
from servista.core.models import Mention, Watcher
from servista.core.tasks import run_pending
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.notifications import services as mail_services
from servista.notifications.models import MailKind, Notification
from servista.testing import ServistaTestCase, nothing_changed
from tests.practice.factories import ChoreFactory


class WatchersTestCase(ServistaTestCase):
    def setUp(self):
        super().setUp()
        c = self.cast
        c.agent2.last_name = "Stone"
        c.agent2.save()
        self.inc = IncidentFactory(caller=c.requester, opened_by=c.agent,
                                   assignment_group=c.service_desk)
        self.url = f"/api/v1/incidents/{self.inc.number}/watchers"

    def notices(self, user, kind=None):
        rows = Notification.objects.filter(user=user)
        if kind is not None:
            rows = rows.filter(kind=kind)
        return list(rows)


class ManagingWatchersTest(WatchersTestCase):
    def test_an_agent_adds_and_removes_watchers_through_the_api(self):
        c = self.cast
        r = self.api("POST", self.url, c.agent, {"user": "nick"})
        self.assertStatus(r, 201)
        self.assertEqual([p["username"] for p in r.data], ["nick"])
        r = self.api("POST", self.url, c.agent, {"user": "carl"})  # the caller's colleague
        self.assertStatus(r, 201)
        self.assertEqual([p["username"] for p in self.api("GET", self.url, c.agent).data],
                         ["nick", "carl"])
        self.assertStatus(self.api("DELETE", f"{self.url}/nick", c.agent), 204)
        self.assertEqual([p.username for p in watchers.watchers_of(self.inc)], ["carl"])

    def test_a_requester_may_not_manage_or_list_watchers(self):
        c = self.cast
        Watcher.objects.create(content_type_id=self.ct(), object_id=self.inc.pk,
                               user=c.agent2)
        with nothing_changed(self.inc):
            self.assertStatus(self.api("POST", self.url, c.requester, {"user": "carl"}), 403)
            self.assertStatus(self.api("DELETE", f"{self.url}/nick", c.requester), 403)
            self.assertStatus(self.api("GET", self.url, c.requester), 403)
        self.assertEqual(Watcher.objects.count(), 1)

    def ct(self):
        from django.contrib.contenttypes.models import ContentType
        return ContentType.objects.get_for_model(self.inc).pk

    def test_bad_watchers_answer_422_naming_the_user(self):
        c = self.cast
        for who, why in (("nobody", "No user"), ("bob", "cannot see")):
            with self.subTest(who=who), nothing_changed(self.inc):
                r = self.api("POST", self.url, c.agent, {"user": who})
                self.assertStatus(r, 422)
                self.assertIn(why, r.data["errors"]["user"][0])
        self.api("POST", self.url, c.agent, {"user": "nick"})
        r = self.api("POST", self.url, c.agent, {"user": "nick"})
        self.assertStatus(r, 422)
        self.assertIn("already watches", r.data["errors"]["user"][0])
        r = self.api("DELETE", f"{self.url}/carl", c.agent)
        self.assertStatus(r, 422)
        self.assertEqual(Watcher.objects.count(), 1)

    def test_the_record_page_adds_and_removes_watchers(self):
        c = self.cast
        self.client.force_login(c.agent)
        page = f"{self.inc.get_absolute_url()}"
        self.assertContains(self.client.get(page), "Nobody watches this record.")
        r = self.client.post(f"{page}watchers/", {"user": "Nick Stone"})
        self.assertEqual(r.status_code, 302)
        r = self.client.get(page)
        self.assertContains(r, 'id="watcher-nick"')
        self.assertContains(r, 'aria-label="Remove Nick Stone from the watchers"')
        self.client.post(f"{page}watchers/", {"remove": "nick"})
        self.assertContains(self.client.get(page), "Nobody watches this record.")
        with nothing_changed(self.inc):
            r = self.client.post(f"{page}watchers/", {"user": "bob"}, follow=True)
        self.assertContains(r, "cannot see")
        self.assertEqual(Watcher.objects.count(), 0)

    def test_a_requester_cannot_add_watchers_from_the_page(self):
        self.client.force_login(self.cast.requester)
        self.client.post(f"{self.inc.get_absolute_url()}watchers/", {"user": "carl"})
        self.assertEqual(Watcher.objects.count(), 0)

    def test_the_cli_watches_and_unwatches(self):
        out = StringIO()
        call_command("incident", "watch", "--as", "alice", self.inc.number, "nick", stdout=out)
        self.assertIn("watchers: nick", out.getvalue())
        call_command("incident", "unwatch", "--as", "alice", self.inc.number, "nick",
                     stdout=out)
        self.assertEqual(Watcher.objects.count(), 0)
        with self.assertRaises(CommandError):
            call_command("incident", "watch", "--as", "rita", self.inc.number, "carl",
                         stdout=out)
        self.assertEqual(Watcher.objects.count(), 0)

    def test_every_practice_gets_watchers(self):
        chore = ChoreFactory(opened_by=self.cast.agent)
        r = self.api("POST", f"/api/v1/chores/{chore.number}/watchers", self.cast.agent,
                     {"user": "nick"})
        self.assertStatus(r, 201)
        self.api("POST", f"/api/v1/chores/{chore.number}/comments", self.cast.agent,
                 {"body": "Half done"})
        self.assertEqual(len(self.notices(self.cast.agent2, MailKind.WATCHING)), 1)


class WatchersAreToldTest(WatchersTestCase):
    def setUp(self):
        super().setUp()
        c = self.cast
        watchers.add(self.inc, c.agent, c.colleague)     # a requester watcher
        watchers.add(self.inc, c.agent, c.agent2)        # a staff watcher

    def test_a_requester_watcher_never_receives_a_work_note(self):
        c = self.cast
        services.work_note(self.inc, c.agent, "Internal: the root password is in the vault")
        self.assertEqual(self.notices(c.colleague), [])
        [notice] = self.notices(c.agent2, MailKind.WATCHING)
        self.assertIn("work note", notice.subject)
        self.assertIn("root password", notice.body)

    def test_watchers_hear_of_public_comments_but_not_their_own(self):
        c = self.cast
        services.comment(self.inc, c.agent2, "We are on it")
        [notice] = self.notices(c.colleague, MailKind.WATCHING)
        self.assertIn("We are on it", notice.body)
        self.assertTrue(notice.url.startswith(self.inc.get_absolute_url() + "#entry-"))
        self.assertEqual(self.notices(c.agent2, MailKind.WATCHING), [])

    def test_watchers_hear_of_state_changes(self):
        c = self.cast
        services.take(self.inc, c.agent)
        for person in (c.colleague, c.agent2):
            [notice] = self.notices(person, MailKind.WATCHING)
            self.assertIn("is now in progress", notice.subject)

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def test_mail_follows_each_watchers_preferences(self):
        c = self.cast
        mail_services.set_muted(c.colleague, [MailKind.WATCHING])
        with self.captureOnCommitCallbacks(execute=True):
            services.comment(self.inc, c.agent, "An update for everyone")
        mail.outbox.clear()
        run_pending()
        to = {address for m in mail.outbox if "An update for everyone" in m.body
              for address in m.to}
        self.assertIn(c.agent2.email, to)
        self.assertNotIn(c.colleague.email, to)   # muted: in the list, not by mail
        self.assertEqual(len(self.notices(c.colleague, MailKind.WATCHING)), 1)


class MentionsTest(WatchersTestCase):
    def test_a_username_in_a_work_note_notifies_that_colleague_with_a_link_to_it(self):
        c = self.cast
        r = self.api("POST", f"/api/v1/incidents/{self.inc.number}/comments", c.agent,
                     {"body": "@nick can you check the switch? (alice@example.com)",
                      "kind": "work_note"})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["mentions"], ["nick"])
        [notice] = self.notices(c.agent2, MailKind.MENTION)
        self.assertIn("mentioned you", notice.subject)
        self.assertEqual(notice.url, f"{self.inc.get_absolute_url()}#entry-{r.data['id']}")
        self.assertEqual(Mention.objects.get().user, c.agent2)
        # Journaled: the entry names who it mentions.
        journal = self.api("GET", f"/api/v1/incidents/{self.inc.number}/journal", c.agent).data
        self.assertEqual([e["mentions"] for e in journal if e["id"] == r.data["id"]], [["nick"]])
        self.client.force_login(c.agent2)
        self.assertContains(self.client.get("/notifications/"), "mentioned you")
        page = self.client.get(self.inc.get_absolute_url())
        self.assertContains(page, '<span class="badge text-bg-light border">@nick</span>')

    def test_first_dot_last_finds_the_colleague(self):
        c = self.cast
        services.work_note(self.inc, c.agent, "Thanks @Nick.Stone.")
        self.assertEqual(len(self.notices(c.agent2, MailKind.MENTION)), 1)

    def test_only_support_staff_can_be_mentioned(self):
        c = self.cast
        entry = services.work_note(self.inc, c.agent, "@rita said @carl knows; ask @nobody")
        self.assertEqual(entry.mentioned, [])
        for person in (c.requester, c.colleague):
            self.assertEqual(self.notices(person, MailKind.MENTION), [])
            self.assertFalse(Notification.objects.filter(user=person,
                                                         body__contains="knows").exists())
        self.assertEqual(Mention.objects.count(), 0)

    def test_a_mentioned_watcher_is_told_once(self):
        c = self.cast
        watchers.add(self.inc, c.agent, c.agent2)
        services.work_note(self.inc, c.agent, "@nick please look")
        self.assertEqual(len(self.notices(c.agent2)), 1)
        self.assertEqual(self.notices(c.agent2)[0].kind, MailKind.MENTION)
