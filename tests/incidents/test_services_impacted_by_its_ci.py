"""An incident naming a configuration item shows the services that item's
failure reaches (impact analysis), and proposes the nearest one in
operation as its service: on its page (one click sets it) and in the API."""

from servista.catalog.factories import ServiceFactory
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass, Relationship, RelationshipType
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase


class ImpactedServicesTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.mail = ServiceFactory(name="Mail")
        self.old = ServiceFactory(name="Old mail", status="retired")
        self.server = ConfigurationItemFactory(name="mx-01")
        app = ConfigurationItemFactory(name="mta", ci_class=CIClass.objects.get(
            key="application"))
        service_class = CIClass.objects.get(key="business_service")
        svc_old = ConfigurationItemFactory(name="Old mail", ci_class=service_class,
                                           represents=self.old)
        svc = ConfigurationItemFactory(name="Mail", ci_class=service_class,
                                       represents=self.mail)
        types = {t.key: t for t in RelationshipType.objects.all()}
        Relationship.objects.create(type=types["runs_on"], source=app, target=self.server)
        Relationship.objects.create(type=types["provides"], source=self.server,
                                    target=svc_old)
        Relationship.objects.create(type=types["provides"], source=app, target=svc)
        self.incident = IncidentFactory(configuration_item=self.server,
                                        caller=self.cast.requester, service=None)

    def test_the_api_lists_the_services_and_proposes_one_in_operation(self):
        r = self.api("GET", f"/api/v1/incidents/{self.incident.number}/impacted-services",
                     self.cast.agent)
        self.assertStatus(r, 200)
        self.assertEqual([(s["service"]["display"], s["depth"]) for s in r.data["services"]],
                         [("Old mail", 1), ("Mail", 2)])
        self.assertEqual(r.data["services"][1]["path"], ["mx-01", "mta", "Mail"])
        self.assertEqual(r.data["proposed"]["display"], "Mail")   # the retired one is not
        # A requester sees their incident but not the CMDB.
        r = self.api("GET", f"/api/v1/incidents/{self.incident.number}/impacted-services",
                     self.cast.requester)
        self.assertStatus(r, 403)

    def test_the_page_proposes_the_service_and_one_click_sets_it(self):
        self.client.force_login(self.cast.agent)
        page = self.client.get(self.incident.get_absolute_url())
        self.assertContains(page, 'id="panel-impacted-services"')
        self.assertContains(page, "Set the service to Mail")
        self.client.post(f"/incidents/{self.incident.number}/use-proposed-service/")
        self.incident.refresh_from_db()
        self.assertEqual(self.incident.service, self.mail)
        page = self.client.get(self.incident.get_absolute_url())
        self.assertNotContains(page, "Set the service to Mail")
        self.client.force_login(self.cast.requester)
        page = self.client.get(self.incident.get_absolute_url(), follow=True)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "panel-impacted-services")

    def test_without_a_service_in_reach_nothing_is_proposed_nor_changed(self):
        lonely = IncidentFactory(configuration_item=ConfigurationItemFactory(name="lonely"),
                                 caller=self.cast.requester, service=None)
        self.client.force_login(self.cast.agent)
        with self.assertNothingChanged(lonely):
            self.client.post(f"/incidents/{lonely.number}/use-proposed-service/")
        self.assertContains(self.client.get(lonely.get_absolute_url()),
                            "Its item reaches no service.")
