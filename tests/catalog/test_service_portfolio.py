"""The service portfolio: a service has an owner, customers, service hours,
a criticality and a portfolio stage; portfolio reviews record one of the
six outcomes with date and reason; offerings say what customers consume;
and its item in the CMDB puts it in the impact graph."""

from servista.catalog.factories import ServiceFactory
from servista.catalog.models import PortfolioReview, ServiceOffering
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass
from servista.core.models import JournalEntry
from servista.testing import ServistaTestCase


class PortfolioTest(ServistaTestCase):
    def test_a_service_with_owner_customers_hours_and_stage(self):
        r = self.api("POST", "/api/v1/services", self.cast.admin, {
            "name": "Video", "owner": "maria", "customers": ["Acme Corp", "Globex"],
            "service_hours": "Mon-Fri 07:00-19:00", "status": "pipeline",
            "criticality": "high"})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["owner"]["username"], "maria")
        self.assertEqual(sorted(c["display"] for c in r.data["customers"]),
                         ["Acme Corp", "Globex"])
        self.assertEqual((r.data["status"], r.data["service_hours"]),
                         ("pipeline", "Mon-Fri 07:00-19:00"))
        self.assertIsNone(r.data["configuration_item"])
        service_id = r.data["id"]
        ci = ConfigurationItemFactory(name="Video", ci_class=CIClass.objects.get(
            key="business_service"), represents_id=service_id)
        r = self.api("GET", f"/api/v1/services/{service_id}", self.cast.agent)
        self.assertEqual(r.data["configuration_item"], {"id": ci.pk, "display": "Video"})
        r = self.api("PATCH", f"/api/v1/services/{service_id}", self.cast.manager,
                     {"status": "live", "customers": ["Acme Corp"]})
        self.assertStatus(r, 200)
        self.assertEqual([c["display"] for c in r.data["customers"]], ["Acme Corp"])

    def test_reviews_record_the_outcome_date_and_reason(self):
        service = ServiceFactory(name="Fax")
        url = f"/api/v1/services/{service.pk}/reviews"
        r = self.api("POST", url, self.cast.manager, {
            "outcome": "retire", "reviewed_on": "2026-11-30",
            "reason": "Below minimum technical and functional fitness"})
        self.assertStatus(r, 201)
        self.assertEqual((r.data["outcome"], r.data["reviewed_on"]), ("retire", "2026-11-30"))
        self.assertTrue(JournalEntry.objects.filter(
            content_type__model="service", object_id=service.pk,
            body__startswith="Portfolio review 2026-11-30: Retire").exists())
        for data, field in (({"outcome": "demolish", "reviewed_on": "2026-11-30",
                              "reason": "x"}, "outcome"),
                            ({"outcome": "renew", "reviewed_on": "30/11/2026",
                              "reason": "x"}, "reviewed_on"),
                            ({"outcome": "renew", "reviewed_on": "2026-11-30",
                              "reason": " "}, "reason")):
            with self.subTest(field=field), self.assertNothingChanged(service):
                r = self.api("POST", url, self.cast.manager, data)
                self.assertStatus(r, 422)
                self.assertIn(field, r.data["errors"])
        with self.assertNothingChanged(service):
            self.assertStatus(self.api("POST", url, self.cast.agent, {
                "outcome": "retain", "reviewed_on": "2026-11-30", "reason": "Fine"}), 403)
        self.assertEqual(PortfolioReview.objects.count(), 1)
        listed = self.api("GET", url, self.cast.agent)
        self.assertEqual([x["outcome"] for x in listed.data], ["retire"])

    def test_offerings_of_a_service(self):
        service = ServiceFactory(name="Laptops")
        r = self.api("POST", "/api/v1/service-offerings", self.cast.manager, {
            "service": "Laptops", "name": "Standard laptop",
            "description": "14-inch, docking station", "support_hours": "Mon-Fri 08-18"})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["service"]["display"], "Laptops")
        with self.assertNothingChanged(service):
            self.assertStatus(self.api("POST", "/api/v1/service-offerings", self.cast.agent,
                                       {"service": "Laptops", "name": "Other"}), 403)
        self.assertEqual(ServiceOffering.objects.count(), 1)
        self.client.force_login(self.cast.agent)
        page = self.client.get(service.get_absolute_url())
        self.assertContains(page, "Standard laptop")
        self.assertContains(page, "Not reviewed yet.")
