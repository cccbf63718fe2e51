"""Readers: who sees which published article, views counted, "was this
helpful?" with comments, "this solved it" (no ticket, counted per article
and service), and the incidents an article resolved."""

from servista.catalog.factories import ServiceFactory
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.knowledge import services
from servista.knowledge.factories import ArticleFactory
from servista.knowledge.models import Deflection
from servista.testing import ServistaTestCase

API = "/api/v1/kb-articles"


class ReadingTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.vpn = ServiceFactory(name="VPN")
        self.public = ArticleFactory(opened_by=self.cast.agent, published_by=self.cast.manager,
                                     short_description="VPN disconnects: renew the certificate",
                                     service=self.vpn)
        self.staff = ArticleFactory(opened_by=self.cast.agent, published_by=self.cast.manager,
                                    audience="agents", short_description="VPN gateway failover")
        self.network_only = ArticleFactory(
            opened_by=self.cast.agent2, published_by=self.cast.manager, audience="group",
            audience_group=self.cast.network, short_description="VPN licence file")
        self.draft = ArticleFactory(opened_by=self.cast.agent, short_description="VPN draft")

    def readable(self, user):
        return set(services.readable(user).values_list("number", flat=True))

    def test_who_reads_what(self):
        self.assertEqual(self.readable(self.cast.requester), {self.public.number})
        self.assertEqual(self.readable(self.cast.agent), {self.public.number, self.staff.number})
        self.assertEqual(self.readable(self.cast.agent2),
                         {self.public.number, self.staff.number, self.network_only.number})
        self.client.force_login(self.cast.requester)
        self.assertEqual(self.client.get(self.public.get_reader_url()).status_code, 200)
        for hidden in (self.staff, self.draft):
            self.assertEqual(self.client.get(hidden.get_reader_url()).status_code, 404)
        # The staff pages send a requester to what they may read, or nowhere.
        r = self.client.get(self.public.get_absolute_url())
        self.assertRedirects(r, self.public.get_reader_url(), fetch_redirect_response=False)
        self.assertEqual(self.client.get(self.staff.get_absolute_url()).status_code, 404)

    def test_views_are_counted(self):
        self.client.force_login(self.cast.requester)
        self.client.get(self.public.get_reader_url())
        self.api("GET", f"{API}/{self.public.number}/published", self.cast.colleague)
        self.public.refresh_from_db()
        self.assertEqual(self.public.view_count, 2)

    def test_feedback_one_answer_per_reader_with_comments(self):
        url = f"{API}/{self.public.number}/feedback"
        r = self.api("POST", url, self.cast.requester, {"helpful": False,
                                                        "comment": "Step 3 is unclear"})
        self.assertStatus(r, 201)
        self.assertEqual((r.data["helpful_count"], r.data["not_helpful_count"]), (0, 1))
        r = self.api("POST", url, self.cast.requester, {"helpful": True})
        self.assertEqual((r.data["helpful_count"], r.data["not_helpful_count"]), (1, 0))
        self.public.refresh_from_db()
        with self.assertNothingChanged(self.public):
            self.assertStatus(self.api("POST", url, self.cast.requester, {"helpful": "maybe"}),
                              422)
            self.assertStatus(self.api("POST", f"{API}/{self.staff.number}/feedback",
                                       self.cast.requester, {"helpful": True}), 404)
        self.client.force_login(self.cast.agent)
        self.assertContains(self.client.get(self.public.get_absolute_url()), "Helpful")

    def test_this_solved_it_logs_no_ticket_and_is_counted(self):
        before = Incident.objects.count()
        self.client.force_login(self.cast.requester)
        r = self.client.post(f"/knowledge/read/{self.public.number}/solved/",
                             {"q": "vpn keeps dropping", "service": self.vpn.pk})
        self.assertEqual(r.status_code, 302)
        r = self.api("POST", f"{API}/{self.public.number}/solved", self.cast.colleague, {})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["deflection_count"], 2)
        self.assertEqual(Incident.objects.count(), before)
        self.assertEqual(Deflection.objects.filter(article=self.public).count(), 2)
        self.assertEqual(services.deflections_by_service(),
                         [{"service": self.vpn.pk, "service__name": "VPN", "count": 2}])
        r = self.api("GET", "/api/v1/kb-deflections", self.cast.agent)
        self.assertEqual(r.data, [{"service": self.vpn.pk, "service_name": "VPN", "count": 2}])
        self.assertStatus(self.api("GET", "/api/v1/kb-deflections", self.cast.requester), 403)
        with self.assertNothingChanged(self.staff):
            r = self.api("POST", f"{API}/{self.staff.number}/solved", self.cast.requester, {})
            self.assertStatus(r, 404)

    def test_an_article_lists_the_incidents_it_resolved(self):
        incident = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent)
        services.used_to_resolve(self.public, incident, self.cast.agent)
        services.used_to_resolve(self.public, incident, self.cast.agent)  # once only
        self.assertEqual(services.resolved_records(self.public), [incident])
        self.client.force_login(self.cast.agent)
        self.assertContains(self.client.get(self.public.get_absolute_url()), incident.number)
        from servista.core.exceptions import Forbidden

        with self.assertNothingChanged(incident), self.assertRaises(Forbidden):
            services.used_to_resolve(self.public, incident, self.cast.requester)

    def test_knowledge_search_finds_stemmed_words_with_snippets(self):
        self.client.force_login(self.cast.requester)
        r = self.client.get("/knowledge/search/", {"q": "disconnecting"})
        self.assertContains(r, self.public.number)
        self.assertContains(r, "<mark>")
        self.assertNotContains(r, self.staff.number)
        r = self.api("GET", "/api/v1/kb-search", self.cast.agent, {"q": "vpn"})
        self.assertStatus(r, 200)
        numbers = {hit["number"] for hit in r.data if hit["source"] == "articles"}
        self.assertEqual(numbers, {self.public.number, self.staff.number})
        self.assertStatus(self.api("GET", "/api/v1/kb-search", self.cast.agent, {"q": " "}), 422)
