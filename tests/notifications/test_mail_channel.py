"""The e-mail channel, with a fixture set of real-world mail (Gmail, Outlook
and Apple Mail replies, a forwarded mail, an HTML-only mail, an auto-reply,
a bounce, an unknown sender): a new mail from a known person logs an
incident; a reply lands on it as a comment with its files, matched by
In-Reply-To/References, then the address token, then the subject tag, never
by the subject's words; automatic mail creates nothing; the management
command reads a message from a file or standard input. Outgoing lifecycle
mail goes through a real SMTP server (aiosmtpd): acknowledgement, waiting
for the caller, resolution with "fixed"/"not fixed" links that act once,
closure; threading headers; admins' templates and each person's
preferences."""

import email
import email.policy
import io
import re
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from aiosmtpd.controller import Controller
from django.core import mail as django_mail
from django.core.management import call_command
from django.test import override_settings

from servista.core.models import Attachment
from servista.core.tasks import run_pending
from servista.incidents import services
from servista.incidents.models import Incident
from servista.notifications import inbound
from servista.notifications.models import InboundMail, MailPreference, MailTemplate
from servista.testing import ServistaTestCase

FIXTURES = Path(__file__).parent / "mail"
SITE = "https://desk.example.com"


def fixture(name: str, **values) -> bytes:
    text = (FIXTURES / name).read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


@override_settings(SERVISTA_SITE_URL=SITE, SERVISTA_MAIL_ADDRESS="desk@example.com",
                   EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class IncomingMailTest(ServistaTestCase):
    def setUp(self):
        self.cast.requester.email = "rita@example.com"
        self.cast.requester.save()

    def new_incident(self) -> tuple[Incident, str]:
        """The incident of new_request.eml and its acknowledgement's Message-ID."""
        django_mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            row = inbound.receive(fixture("new_request.eml"))
        run_pending()
        inc = Incident.objects.get(number=row.record)
        [ack] = [m for m in django_mail.outbox if m.to == ["rita@example.com"]]
        return inc, ack.extra_headers["Message-ID"]

    def comments(self, inc):
        return [e.body for e, _ in services.records.visible_journal(inc, self.cast.agent)
                if e.kind == "comment"]

    def test_a_new_mail_logs_an_incident_with_its_files(self):
        inc, ack_id = self.new_incident()
        self.assertEqual((inc.caller, inc.channel), (self.cast.requester, "email"))
        self.assertEqual(inc.short_description, "Teams add-in crashes Outlook")
        self.assertIn("Error <ConnectionRefused> in <Outlook.Addin>", inc.description)
        [file] = Attachment.objects.filter(object_id=inc.pk)
        self.assertEqual((file.name, file.internal), ("crash.png", False))
        self.assertRegex(ack_id, rf"^<{inc.number}\.n\d+@desk\.example\.com>$")
        # Read twice (a redelivery): nothing more.
        with self.assertNothingChanged(inc):
            inbound.receive(fixture("new_request.eml"))
        self.assertEqual(Incident.objects.count(), 1)

    def test_replies_land_as_comments_whatever_their_subject(self):
        inc, ack_id = self.new_incident()
        thread = f"<{inc.number}@desk.example.com>"
        cases = [("gmail_reply.eml", "It happens every time I open a calendar invite."),
                 ("outlook_reply.eml", "Version 16.0.1234, see the log attached in my next "
                                       "mail."),
                 ("apple_reply_token_only.eml", "It works again after the update, thanks."),
                 ("subject_tag_reply.eml", "Here is the version number: 16.0.")]
        for name, words in cases:
            row = inbound.receive(fixture(name, MESSAGE_ID=ack_id, THREAD_ID=thread,
                                          NUMBER=inc.number))
            self.assertEqual((row.status, row.record), ("replied", inc.number), name)
            self.assertEqual(self.comments(inc)[-1], words, name)
        self.assertEqual(Incident.objects.count(), 1)

    def test_the_subject_alone_never_matches(self):
        inc, _ = self.new_incident()
        row = inbound.receive(fixture("same_subject_no_token.eml"))
        self.assertEqual(row.status, "created")
        self.assertNotEqual(row.record, inc.number)

    def test_automatic_mail_creates_nothing(self):
        inc, ack_id = self.new_incident()
        for name in ("auto_reply.eml", "bounce.eml"):
            with self.assertNothingChanged(inc):
                row = inbound.receive(fixture(name, MESSAGE_ID=ack_id, NUMBER=inc.number))
            self.assertEqual(row.status, "ignored", name)
        # Our own mail coming back is a loop.
        ack = django_mail.outbox[-1].message().as_bytes()
        self.assertEqual(inbound.receive(ack).status, "ignored")
        self.assertEqual(Incident.objects.count(), 1)

    def test_forwarded_and_html_only_mail(self):
        row = inbound.receive(fixture("forwarded.eml"))
        inc = Incident.objects.get(number=row.record)
        self.assertIn("Is this real?", inc.description)
        self.assertIn("http://phish.example/login", inc.description)  # what was forwarded
        row = inbound.receive(fixture("html_only.eml"))
        inc = Incident.objects.get(number=row.record)
        self.assertIn("The printer shows Error 0x80<Tray2>.", inc.description)
        self.assertNotIn("alert", inc.description)
        self.assertNotIn("color", inc.description)

    def test_unknown_senders_are_refused_with_a_reply(self):
        django_mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            row = inbound.receive(fixture("unknown_sender.eml"))
        self.assertEqual(row.status, "refused")
        self.assertFalse(Incident.objects.exists())
        [reply] = django_mail.outbox
        self.assertEqual(reply.to, ["stranger@elsewhere.example"])
        self.assertEqual(reply.extra_headers["Auto-Submitted"], "auto-replied")

    @override_settings(SERVISTA_MAIL_UNKNOWN_SENDERS="create")
    def test_unknown_senders_become_contacts_when_set(self):
        row = inbound.receive(fixture("unknown_sender.eml"))
        inc = Incident.objects.get(number=row.record)
        self.assertEqual(inc.caller.email, "stranger@elsewhere.example")
        self.assertEqual((inc.caller.first_name, inc.caller.has_usable_password()),
                         ("Stranger", False))

    def test_another_organizations_reply_becomes_its_own_ticket(self):
        inc, ack_id = self.new_incident()
        raw = fixture("gmail_reply.eml", MESSAGE_ID=ack_id, THREAD_ID="").replace(
            b"rita@example.com", b"bob@example.com")
        row = inbound.receive(raw)
        self.assertEqual(row.status, "created")
        self.assertEqual(Incident.objects.get(number=row.record).caller, self.cast.requester_b)
        self.assertNotIn("It happens every time", " ".join(self.comments(inc)))

    def test_the_command_reads_a_file_or_standard_input(self):
        out = io.StringIO()
        call_command("mailin", str(FIXTURES / "html_only.eml"), stdout=out)
        self.assertRegex(out.getvalue(), r"^Created a record: INC\d+")
        stdin = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(fixture("forwarded.eml")))
        try:
            call_command("mailin", stdout=out)
        finally:
            sys.stdin = stdin
        self.assertEqual(InboundMail.objects.filter(status="created").count(), 2)


class SMTPSink:
    """A real SMTP server on a free local port, keeping what it receives."""

    def __init__(self):
        self.messages = []
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(
            envelope.content, policy=email.policy.default)))
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


class OutgoingMailTest(ServistaTestCase):
    def setUp(self):
        self.smtp = SMTPSink()
        self.smtp.controller.start()
        self.addCleanup(self.smtp.controller.stop)
        self.override = override_settings(
            SERVISTA_SITE_URL=SITE, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=self.smtp.port, EMAIL_USE_TLS=False)
        self.override.enable()
        self.addCleanup(self.override.disable)

    def deliver(self, work):
        with self.captureOnCommitCallbacks(execute=True):
            result = work()
        run_pending()
        return result

    def log(self):
        return self.deliver(lambda: services.log_incident(
            self.cast.agent, caller=self.cast.requester, short_description="VPN drops",
            impact=2, urgency=2, channel="phone"))

    def test_acknowledgement_and_waiting_for_the_caller(self):
        inc = self.log()
        [ack] = self.smtp.to("rita@example.com")
        self.assertEqual(ack["Subject"], f"[{inc.number}] {inc.number} received: VPN drops")
        self.assertEqual(ack["In-Reply-To"], f"<{inc.number}@desk.example.com>")
        self.assertEqual(ack["References"], f"<{inc.number}@desk.example.com>")
        self.assertTrue(ack.get_body(("plain",)) and ack.get_body(("html",)))
        self.deliver(lambda: services.put_on_hold(inc, self.cast.agent,
                                                  hold_reason="awaiting_caller"))
        self.assertIn("is waiting for you", self.smtp.to("rita@example.com")[-1]["Subject"])

    def test_resolution_mail_has_absolute_links_that_act_once(self):
        inc = self.log()
        before = len(self.smtp.to("rita@example.com"))
        inc = self.deliver(lambda: services.resolve(inc, self.cast.agent,
                                                    resolution_code="solved_permanently",
                                                    resolution_notes="New VPN profile"))
        mails = self.smtp.to("rita@example.com")[before:]
        self.assertEqual(len(mails), 1)  # one mail
        text = mails[0].get_body(("plain",)).get_content()
        html = mails[0].get_body(("html",)).get_content()
        links = re.findall(r'href="([^"]+)"', html)
        self.assertTrue(links and all(link.startswith(SITE + "/") for link in links), links)
        self.assertNotIn("**", text)
        fixed = next(link for link in links if "/portal/answer/" in link and
                     link in text)
        path = urlparse(fixed).path
        self.assertContains(self.client.get(path), "Yes, it is fixed")  # no sign-in needed
        r = self.client.post(path)
        self.assertContains(r, f"{inc.number} is closed.")
        inc.refresh_from_db()
        self.assertEqual(inc.state, "closed")
        with self.assertNothingChanged(inc):
            self.assertEqual(self.client.post(path).status_code, 409)
        self.assertEqual(self.client.get(path + "x").status_code, 404)

    def test_not_fixed_reopens_with_the_callers_words(self):
        inc = self.log()
        inc = services.resolve(inc, self.cast.agent, resolution_code="solved_permanently",
                               resolution_notes="New VPN profile")
        token = services.answer_token(inc, "not_fixed")
        self.client.post(f"/portal/answer/{token}/", {"comment": "Still drops at 10:00"})
        inc.refresh_from_db()
        self.assertEqual(inc.state, "in_progress")
        self.assertEqual(services.records.journal(inc).filter(kind="comment").last().body,
                         "Still drops at 10:00")

    def test_templates_and_preferences(self):
        MailTemplate.objects.create(kind="acknowledgement",
                                    subject="We got it: {{ record.number }}",
                                    body="Hello {{ recipient.first_name }}, see {{ url }}")
        inc = self.log()
        [ack] = self.smtp.to("rita@example.com")
        self.assertEqual(ack["Subject"], f"[{inc.number}] We got it: {inc.number}")
        self.assertIn(f"Hello Rita, see {SITE}/incidents/{inc.number}/",
                      ack.get_body(("plain",)).get_content())
        MailPreference.objects.create(user=self.cast.requester, muted=["comment"])
        self.deliver(lambda: services.comment(inc, self.cast.agent, "Try again now"))
        self.assertEqual(len(self.smtp.to("rita@example.com")), 1)  # muted: no mail
