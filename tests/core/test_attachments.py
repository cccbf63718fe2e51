"""Files on work records: sent with a comment, a work note or a report
(agent page, portal), previewed when they are images, checked against the
size and type limits of the settings with a clear error (nothing stored),
kept with their SHA-256 through the storage API, and served only to those
who may see their entry: a file on a work note never reaches a requester
(404), nor does another organization's."""

import hashlib

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from servista.core.models import Attachment
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

# A 1x1 PNG, as a pasted screenshot arrives.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
HTMX = {"HTTP_HX_REQUEST": "true"}


def screenshot(name="screenshot-2026-12-01.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


class AttachmentTest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                   assigned_to=self.cast.agent,
                                   assignment_group=self.cast.service_desk)

    def post_entry(self, kind, files, body="See the screenshot"):
        self.client.force_login(self.cast.agent)
        return self.client.post(f"/incidents/{self.inc.number}/comment/",
                                {"body": body, "kind": kind, "files": files}, **HTMX)

    def test_screenshot_on_a_work_note_is_stored_previewed_and_hidden_from_the_requester(self):
        r = self.post_entry("work_note", [screenshot()])
        self.assertEqual(r.status_code, 200)
        file = Attachment.objects.get()
        self.assertTrue(file.internal)
        self.assertEqual(file.sha256, hashlib.sha256(PNG).hexdigest())
        self.assertEqual((file.size, file.mimetype), (len(PNG), "image/png"))
        url = file.get_absolute_url()
        self.assertContains(r, f'<img src="{url}"', html=False)
        # The agent sees it, inline, byte for byte.
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(b"".join(r.streaming_content), PNG)
        self.assertEqual(r["Content-Type"], "image/png")
        self.assertTrue(r["Content-Disposition"].startswith("inline"))
        # The requester: not on the portal page, 404 on its URL.
        self.client.force_login(self.cast.requester)
        page = self.client.get(f"/portal/tickets/{self.inc.number}/").content.decode()
        self.assertNotIn(url, page)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_file_on_a_comment_reaches_the_requester_not_another_organization(self):
        self.post_entry("comment", [SimpleUploadedFile("steps.txt", b"1. restart\n")])
        file = Attachment.objects.get()
        self.assertFalse(file.internal)
        url = file.get_absolute_url()
        self.client.force_login(self.cast.requester)
        self.assertContains(self.client.get(f"/portal/tickets/{self.inc.number}/"), url)
        r = self.client.get(url)
        self.assertEqual(b"".join(r.streaming_content), b"1. restart\n")
        # Not an image: downloaded, never rendered by the browser.
        self.assertTrue(r["Content-Disposition"].startswith("attachment"))
        self.assertEqual(r["Content-Type"], "application/octet-stream")
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
        self.client.force_login(self.cast.requester_b)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)  # to sign in

    @override_settings(SERVISTA={**settings.SERVISTA, "ATTACHMENT_MAX_BYTES": 50})
    def test_limits_refuse_with_a_clear_error_and_store_nothing(self):
        with self.assertNothingChanged(self.inc):
            r = self.post_entry("comment", [screenshot("big.png")])
        self.assertEqual(r.status_code, 422)
        self.assertContains(
            r, f"“big.png” is {len(PNG)} bytes; the largest file taken is 50 bytes.",
            status_code=422)
        with self.assertNothingChanged(self.inc):
            r = self.post_entry("comment", [SimpleUploadedFile("run.exe", b"MZ")])
        self.assertContains(r, "“run.exe”: files of this type are not taken.", status_code=422)
        self.assertFalse(Attachment.objects.exists())

    def test_a_file_alone_needs_no_text(self):
        r = self.post_entry("comment", [screenshot()], body="")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(Attachment.objects.count(), 1)

    def test_a_requester_reports_and_comments_with_files(self):
        self.client.force_login(self.cast.requester)
        self.client.post("/portal/report/", {"short_description": "Printer shows an error",
                                             "impact": 3, "urgency": 3,
                                             "files": [screenshot("error.png")]})
        inc = Incident.objects.get(short_description="Printer shows an error")
        services.comment(inc, self.cast.agent, "Which printer?")
        inc.refresh_from_db()
        self.client.post(f"/portal/tickets/{inc.number}/comment/",
                         {"body": "This one", "files": [SimpleUploadedFile("label.jpg", PNG)]})
        names = sorted(Attachment.objects.filter(object_id=inc.pk).values_list("name",
                                                                             flat=True))
        self.assertEqual(names, ["error.png", "label.jpg"])
        page = self.client.get(f"/portal/tickets/{inc.number}/").content.decode()
        for file in Attachment.objects.filter(object_id=inc.pk):
            self.assertIn(f'<img src="{file.get_absolute_url()}"', page)
        # The agent's page shows them too.
        self.client.force_login(self.cast.agent)
        page = self.client.get(inc.get_absolute_url()).content.decode()
        self.assertEqual(page.count('class="attachment-preview'), 2)

    def test_names_are_cleaned(self):
        self.post_entry("comment", [SimpleUploadedFile("../../etc/pa<ss>wd.txt", b"x")])
        self.assertEqual(Attachment.objects.get().name, "passwd.txt")


class AttachmentAPITest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                   assigned_to=self.cast.agent,
                                   assignment_group=self.cast.service_desk)

    def upload(self, user, data):
        return self.client.post(f"/api/v1/incidents/{self.inc.number}/attachments", data,
                                HTTP_AUTHORIZATION=f"Bearer {self.token_for(user)}")

    def get(self, user, url):
        return self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {self.token_for(user)}")

    def test_multipart_upload_list_and_content(self):
        r = self.upload(self.cast.agent, {"files": [screenshot()], "kind": "work_note",
                                          "body": "Trace attached"})
        self.assertEqual(r.status_code, 201, r.content)
        [file] = r.json()["attachments"]
        self.assertEqual((file["name"], file["internal"], file["sha256"]),
                         ("screenshot-2026-12-01.png", True, hashlib.sha256(PNG).hexdigest()))
        r = self.get(self.cast.agent, file["url"])
        self.assertEqual(b"".join(r.streaming_content), PNG)
        listed = self.get(self.cast.agent, f"/api/v1/incidents/{self.inc.number}/attachments")
        self.assertEqual([f["id"] for f in listed.json()], [file["id"]])
        # The requester sees neither the work note's file nor its content.
        listed = self.get(self.cast.requester,
                          f"/api/v1/incidents/{self.inc.number}/attachments")
        self.assertEqual(listed.json(), [])
        self.assertEqual(self.get(self.cast.requester, file["url"]).status_code, 404)
        history = self.get(self.cast.agent, f"/api/v1/incidents/{self.inc.number}/journal")
        self.assertIn(file["id"], [f["id"] for e in history.json() for f in e["attachments"]])

    def test_refusals_name_the_files_and_store_nothing(self):
        with self.assertNothingChanged(self.inc):
            r = self.upload(self.cast.agent, {"files": [SimpleUploadedFile("x.exe", b"MZ")]})
        self.assertEqual(r.status_code, 415)
        self.assertIn("files", r.json()["errors"])
        with self.assertNothingChanged(self.inc):
            r = self.upload(self.cast.requester_b, {"files": [screenshot()]})
        self.assertEqual(r.status_code, 404)
        self.assertFalse(Attachment.objects.exists())
