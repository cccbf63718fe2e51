"""Response templates (canned answers): personal or a group's, managed by
whom the rules say (API and admin), unknown placeholders refused, and the
comment box inserting one, its placeholders filled as plain text."""

from servista.core import response_templates
from servista.core.exceptions import Forbidden, ValidationFailed
from servista.core.models import ResponseTemplate
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase, nothing_changed

HTMX = {"HTTP_HX_REQUEST": "true"}
EDITOR = "core.response_templates"


class ResponseTemplateTestCase(ServistaTestCase):
    def setUp(self):
        super().setUp()
        c = self.cast
        c.requester.first_name, c.requester.last_name = "Rita", "<b>Jones</b>"
        c.requester.save()
        self.incident = IncidentFactory(caller=c.requester, short_description="Printer {{x}}")
        self.personal = response_templates.create(
            c.agent, title="Greeting", body="Hello {{caller.first_name}},\n\n{{agent.first_name}}")
        self.shared = response_templates.create(
            c.admin, title="Reboot", body="Please reboot ({{record.number}}: {{record.title}}).",
            group=c.service_desk)
        self.other_group = response_templates.create(
            c.admin, title="Network only", body="Cable?", group=c.network)


class ManagingThroughTheAPITest(ResponseTemplateTestCase):
    def test_an_agent_creates_a_personal_template_and_only_they_change_it(self):
        c = self.cast
        r = self.api("POST", "/api/v1/response-templates", c.agent2,
                     {"title": "Mine", "body": "Hi {{caller.name}}"})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["owner"]["username"], "nick")
        self.assertIsNone(r.data["group"])
        ident = r.data["id"]
        r = self.api("PATCH", f"/api/v1/response-templates/{ident}", c.agent2, {"title": "Mine!"})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["title"], "Mine!")
        # Another agent neither sees nor changes it.
        stored = ResponseTemplate.objects.get(pk=ident)
        with nothing_changed(stored):
            self.assertStatus(self.api("PATCH", f"/api/v1/response-templates/{ident}", c.agent,
                                       {"title": "Theirs"}), 404)
            self.assertStatus(self.api("DELETE", f"/api/v1/response-templates/{ident}",
                                       c.agent), 404)
        self.assertStatus(self.api("DELETE", f"/api/v1/response-templates/{ident}", c.agent2),
                          204)
        self.assertFalse(ResponseTemplate.objects.filter(pk=ident).exists())

    def test_a_group_member_with_the_capability_manages_the_groups_templates(self):
        c = self.cast
        c.service_desk.capabilities = [EDITOR]
        c.service_desk.save()
        r = self.api("POST", "/api/v1/response-templates", c.agent,
                     {"title": "Outage", "body": "We know, {{caller.first_name}}.",
                      "group": c.service_desk.name})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["group"]["display"], "Service Desk")
        self.assertIsNone(r.data["owner"])
        r = self.api("PATCH", f"/api/v1/response-templates/{self.shared.pk}", c.agent,
                     {"body": "Reboot, please."})
        self.assertStatus(r, 200)
        self.shared.refresh_from_db()
        self.assertEqual(self.shared.body, "Reboot, please.")

    def test_a_group_member_without_the_capability_may_not(self):
        c = self.cast
        with nothing_changed(self.shared):
            r = self.api("POST", "/api/v1/response-templates", c.agent,
                         {"title": "Outage", "body": "We know.", "group": c.service_desk.name})
            self.assertStatus(r, 403)
            r = self.api("PATCH", f"/api/v1/response-templates/{self.shared.pk}", c.agent,
                         {"body": "Changed"})
            self.assertStatus(r, 403)
            self.assertStatus(self.api("DELETE", f"/api/v1/response-templates/{self.shared.pk}",
                                       c.agent), 403)
        self.assertEqual(ResponseTemplate.objects.count(), 3)

    def test_the_capability_counts_only_for_ones_own_groups(self):
        c = self.cast
        c.service_desk.capabilities = [EDITOR]
        c.service_desk.save()
        with nothing_changed(self.other_group):
            r = self.api("POST", "/api/v1/response-templates", c.agent,
                         {"title": "X", "body": "Y", "group": c.network.name})
            self.assertStatus(r, 403)

    def test_an_administrator_manages_any_groups_templates(self):
        r = self.api("PATCH", f"/api/v1/response-templates/{self.other_group.pk}",
                     self.cast.admin, {"title": "Cables"})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["title"], "Cables")

    def test_a_requester_has_no_templates_and_cannot_create_one(self):
        c = self.cast
        self.assertEqual(self.api("GET", "/api/v1/response-templates", c.requester).data, [])
        r = self.api("POST", "/api/v1/response-templates", c.requester,
                     {"title": "X", "body": "Y"})
        self.assertStatus(r, 403)
        self.assertEqual(ResponseTemplate.objects.count(), 3)

    def test_an_agent_lists_their_own_and_their_groups_templates_only(self):
        r = self.api("GET", "/api/v1/response-templates", self.cast.agent)
        self.assertStatus(r, 200)
        self.assertEqual(sorted(t["title"] for t in r.data), ["Greeting", "Reboot"])

    def test_an_unknown_placeholder_is_refused_naming_the_body(self):
        c = self.cast
        r = self.api("POST", "/api/v1/response-templates", c.agent,
                     {"title": "Bad", "body": "Hi {{caller.password}} {{ 7*7 }}"})
        self.assertStatus(r, 422)
        self.assertIn("body", r.data["errors"])
        self.assertIn("{{caller.password}}", r.data["errors"]["body"][0])
        with nothing_changed(self.personal):
            r = self.api("PATCH", f"/api/v1/response-templates/{self.personal.pk}", c.agent,
                         {"body": "{% load static %}{{ settings.SECRET_KEY }}"})
        self.assertStatus(r, 422)
        self.assertIn("body", r.data["errors"])
        self.assertEqual(ResponseTemplate.objects.count(), 3)


class FillingTest(ResponseTemplateTestCase):
    def test_placeholders_are_filled_for_the_record_as_plain_text(self):
        r = self.api("GET", f"/api/v1/response-templates/{self.shared.pk}/fill",
                     self.cast.agent, {"record": self.incident.number})
        self.assertStatus(r, 200)
        # The title's own braces are not expanded again: one pass, no template engine.
        self.assertEqual(r.data["text"],
                         f"Please reboot ({self.incident.number}: Printer {{{{x}}}}).")
        text = response_templates.fill(
            ResponseTemplate(body="{{caller.name}} / {{agent.first_name}}"), self.incident,
            self.cast.agent)
        self.assertEqual(text, "Rita <b>Jones</b> / Alice")

    def test_only_a_template_one_may_use_is_filled(self):
        r = self.api("GET", f"/api/v1/response-templates/{self.other_group.pk}/fill",
                     self.cast.agent, {"record": self.incident.number})
        self.assertStatus(r, 404)

    def test_the_comment_box_offers_usable_templates_and_inserts_one(self):
        c = self.cast
        self.client.force_login(c.agent)
        page = self.client.get(self.incident.get_absolute_url()).content.decode()
        self.assertIn('name="response_template"', page)
        self.assertIn("Greeting (personal)", page)
        self.assertIn("Reboot (Service Desk)", page)
        self.assertNotIn("Network only", page)
        url = f"{self.incident.get_absolute_url()}response-template/"
        r = self.client.get(url, {"response_template": self.personal.pk,
                                  "body": "Already written"}, **HTMX)
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn('id="comment_body"', html)
        self.assertIn("Already written\n\nHello Rita,\n\nAlice</textarea>", html)
        # Names are escaped in the box, never markup.
        r = self.client.get(url, {"response_template": self.shared.pk}, **HTMX)
        self.assertIn("Printer {{x}}", r.content.decode())
        r = self.client.get(url, {"response_template": self.other_group.pk}, **HTMX)
        self.assertEqual(r.status_code, 404)

    def test_a_filled_name_with_markup_is_escaped_in_the_comment_box(self):
        self.client.force_login(self.cast.agent)
        tpl = response_templates.create(self.cast.agent, title="Full",
                                        body="Dear {{caller.name}}")
        r = self.client.get(f"{self.incident.get_absolute_url()}response-template/",
                            {"response_template": tpl.pk}, **HTMX)
        self.assertIn("Dear Rita &lt;b&gt;Jones&lt;/b&gt;", r.content.decode())

    def test_a_requester_gets_no_templates(self):
        self.client.force_login(self.cast.requester)
        r = self.client.get(f"{self.incident.get_absolute_url()}response-template/",
                            {"response_template": self.personal.pk}, **HTMX)
        self.assertNotEqual(r.status_code, 200)
        self.assertEqual(list(response_templates.usable(self.cast.requester)), [])


class RulesTest(ResponseTemplateTestCase):
    def test_service_refusals(self):
        c = self.cast
        with self.assertRaises(Forbidden):
            response_templates.update(c.agent2, self.personal, title="Mine now")
        with self.assertRaises(ValidationFailed) as caught:
            response_templates.create(c.agent, title=" ", body="x")
        self.assertIn("title", caught.exception.errors)


class AdminTest(ResponseTemplateTestCase):
    def test_the_admin_refuses_an_unknown_placeholder(self):
        self.client.force_login(self.cast.admin)
        r = self.client.post("/admin/core/responsetemplate/add/", {
            "title": "Bad", "body": "Hi {{caller.secret}}", "group": self.cast.network.pk})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Unknown placeholder {{caller.secret}}")
        r = self.client.post("/admin/core/responsetemplate/add/", {
            "title": "Good", "body": "Hi {{caller.first_name}}", "group": self.cast.network.pk})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(ResponseTemplate.objects.filter(title="Good",
                                                        created_by=self.cast.admin).exists())
