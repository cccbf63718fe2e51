"""Notification mail: every link absolute (the SERVISTA_SITE_URL setting),
a plain-text part without Markdown and a sanitised HTML part, threading
headers; the notification list shows words, not Markdown."""

from django.core import mail
from django.test import override_settings

from servista.core.tasks import run_pending
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.notifications import services as mail_services
from servista.notifications.models import Notification
from servista.testing import ServistaTestCase


@override_settings(SERVISTA_SITE_URL="https://desk.example.com",
                   EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class NotificationMailTest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                   assigned_to=self.cast.agent,
                                   assignment_group=self.cast.service_desk)

    def comment_mail(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.comment(self.inc, self.cast.agent,
                             "Please **restart** the <Outlook.Addin> and [read this](/kb/1/)")
        mail.outbox.clear()
        run_pending()
        [message] = [m for m in mail.outbox if m.to == [self.cast.requester.email]
                     and "restart" in m.body]
        return message

    def test_links_are_absolute_and_both_parts_are_sent(self):
        message = self.comment_mail()
        url = f"https://desk.example.com/incidents/{self.inc.number}/"
        self.assertIn(url, message.body)
        self.assertNotIn("**", message.body)
        self.assertIn("Please restart the <Outlook.Addin> and read this", message.body)
        [(html, mimetype)] = message.alternatives
        self.assertEqual(mimetype, "text/html")
        self.assertIn(f'href="{url}"', html)
        self.assertIn("<strong>restart</strong>", html)
        self.assertIn("&lt;Outlook.Addin&gt;", html)
        self.assertIn("https://desk.example.com/kb/1/", html)

    def test_threading_headers(self):
        message = self.comment_mail()
        self.assertRegex(message.extra_headers["Message-ID"], r"^<.+@desk\.example\.com>$")

    def test_notification_list_shows_words_not_markdown(self):
        Notification.objects.create(user=self.cast.agent, subject="Note",
                                    body="Please **restart** the `<service>`")
        self.client.force_login(self.cast.agent)
        r = self.client.get("/notifications/")
        self.assertContains(r, "Please restart the &lt;service&gt;")
        self.assertNotContains(r, "**restart**")


class MailPreferencesPageTest(ServistaTestCase):
    def test_a_person_chooses_the_mail_they_receive(self):
        self.client.force_login(self.cast.requester)
        r = self.client.get("/notifications/preferences/")
        self.assertContains(r, 'value="resolved" id="mail-resolved" checked')
        self.client.post("/notifications/preferences/",
                         {"email": ["acknowledgement", "resolved", "closed"]})
        self.assertEqual(sorted(mail_services.muted(self.cast.requester)),
                         ["assigned", "awaiting_you", "comment", "mention", "other",
                          "sla_breach", "sla_warning", "watching"])
        # Only their own: another person's stay as they were.
        self.assertEqual(mail_services.muted(self.cast.colleague), set())
