"""Suggestions while an incident is written: the HTMX panel of the agent's
form and of the portal's report form (what each may see), the API for a
text not yet logged, and the category and group suggested from resolved
history, with the agent's acceptance counted."""

from servista.incidents import routing, services
from servista.incidents.factories import CategoryFactory, IncidentFactory
from servista.incidents.models import Incident, RoutingSuggestion
from servista.knowledge.factories import ArticleFactory
from servista.problems.factories import known_error
from servista.testing import ServistaTestCase


class SuggestionPanelTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.known = known_error(self.cast.agent,
                                 short_description="VPN drops after the client update",
                                 symptoms="The VPN connection drops every few minutes")
        self.article = ArticleFactory(opened_by=self.cast.agent, published_by=self.cast.manager,
                                      short_description="VPN keeps disconnecting: what to do",
                                      description="Renew the VPN certificate from the portal.")
        self.staff_article = ArticleFactory(opened_by=self.cast.agent,
                                            published_by=self.cast.manager, audience="agents",
                                            short_description="VPN gateway failover runbook")
        self.duplicate = IncidentFactory(caller=self.cast.colleague, opened_by=self.cast.agent,
                                         short_description="VPN connection drops constantly")
        self.major = IncidentFactory(caller=self.cast.requester_b, opened_by=self.cast.agent,
                                     short_description="VPN down for all remote staff")
        services.promote_major(self.major, self.cast.manager, manager=self.cast.manager)

    def panel(self, user, **text):
        self.client.force_login(user)
        return self.client.get("/incidents/suggestions", text, HTTP_HX_REQUEST="true")

    def test_agents_see_known_errors_articles_and_duplicates(self):
        r = self.panel(self.cast.agent, short_description="vpn connection keeps disconnecting",
                       description="it drops every few minutes")
        self.assertEqual(r.status_code, 200)
        body = r.content.decode()
        self.assertIn(self.known.number, body)
        self.assertIn(self.duplicate.number, body)
        self.assertIn(self.article.number, body)
        self.assertLess(body.index(self.known.number), body.index(self.article.number))
        self.assertIn("Workaround:", body)

    def test_requesters_see_articles_for_them_and_a_running_major_incident(self):
        r = self.panel(self.cast.requester, short_description="my vpn is down and drops")
        body = r.content.decode()
        self.assertIn(self.article.number, body)
        self.assertIn("VPN down for all remote staff", body)
        self.assertIn("major incident in progress", body)
        for hidden in (self.known.number, self.duplicate.number, self.staff_article.number,
                       "Workaround:", f'href="{self.major.get_absolute_url()}"'):
            self.assertNotIn(hidden, body)

    def test_nothing_typed_nothing_suggested_and_sign_in_needed(self):
        r = self.panel(self.cast.agent, short_description="  ")
        self.assertNotIn("suggestion", r.content.decode().replace("suggestions-panel", ""))
        self.client.logout()
        self.assertEqual(self.client.get("/incidents/suggestions").status_code, 401)

    def test_forms_ask_while_typing(self):
        self.client.force_login(self.cast.agent)
        page = self.client.get("/incidents/new/")
        self.assertContains(page, 'hx-get="/incidents/suggestions"')
        self.assertContains(page, 'hx-trigger="input changed delay:400ms"')
        self.assertContains(page, 'id="suggestions"')
        self.client.force_login(self.cast.requester)
        page = self.client.get("/portal/report/")
        self.assertContains(page, 'hx-get="/incidents/suggestions"')

    def test_the_api_suggests_for_a_text_not_yet_logged(self):
        r = self.api("GET", "/api/v1/incident-suggestions", self.cast.agent,
                     {"text": "vpn keeps dropping every few minutes"})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["items"][0]["number"], self.known.number)
        self.assertStatus(self.api("GET", "/api/v1/incident-suggestions", self.cast.agent),
                          422)
        r = self.api("GET", "/api/v1/incident-suggestions", self.cast.requester,
                     {"text": "vpn drops"})
        self.assertEqual({i["source"] for i in r.data["items"]},
                         {"articles", "major_incidents"})


class RoutingTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.network = CategoryFactory(name="Network")
        self.hardware = CategoryFactory(name="Hardware")
        history = [("VPN tunnel drops at home", self.network, self.cast.network),
                   ("Wi-Fi drops in the meeting room", self.network, self.cast.network),
                   ("VPN client shows error 809", self.network, self.cast.network),
                   ("Laptop battery does not charge", self.hardware, self.cast.service_desk),
                   ("Laptop screen flickers", self.hardware, self.cast.service_desk)]
        for title, category, group in history:
            incident = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                       short_description=title, category=category,
                                       assignment_group=group)
            services.resolve(incident, self.cast.manager, resolution_code="solved_remotely",
                             resolution_notes="Fixed")
        routing.train()

    def test_category_and_group_from_resolved_history_with_confidence(self):
        guess = routing.suggest("the vpn drops all the time")
        self.assertEqual(guess["category"][0], self.network.pk)
        self.assertEqual(guess["group"][0], self.cast.network.pk)
        self.assertGreater(guess["category"][1], 0.5)
        guess = routing.suggest("my laptop battery is dead")
        self.assertEqual(guess["category"][0], self.hardware.pk)
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/suggestions", {"short_description": "vpn drops"})
        self.assertContains(r, 'data-fill-field="category"')
        self.assertContains(r, f'data-fill-value="{self.network.pk}"')
        self.client.force_login(self.cast.requester)
        r = self.client.get("/incidents/suggestions", {"short_description": "vpn drops"})
        self.assertNotContains(r, "data-fill-field")

    def test_acceptance_is_counted(self):
        self.client.force_login(self.cast.agent)
        base = {"caller": "rita", "impact": 2, "urgency": 2, "channel": "phone",
                "suggested_category": self.network.pk, "suggested_category_confidence": "0.9",
                "suggested_group": self.cast.network.pk, "suggested_group_confidence": "0.8"}
        r = self.client.post("/incidents/new/", {**base, "short_description": "VPN drops",
                                                 "category": self.network.pk,
                                                 "assignment_group": self.cast.network.pk})
        self.assertEqual(r.status_code, 302)
        r = self.client.post("/incidents/new/", {**base, "short_description": "VPN slow",
                                                 "category": self.hardware.pk})
        self.assertEqual(r.status_code, 302)
        stats = services.routing_acceptance()
        self.assertEqual((stats["categories"], stats["categories_kept"], stats["category_rate"]),
                         (2, 1, 0.5))
        self.assertEqual(stats["groups_kept"], 1)
        kept = RoutingSuggestion.objects.get(incident__short_description="VPN drops")
        self.assertEqual((kept.category_accepted, kept.group_accepted), (True, True))
        self.assertEqual(Incident.objects.filter(short_description="VPN slow").count(), 1)
