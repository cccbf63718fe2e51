"""The pages of services, configuration items, groups and people show the
open incidents on them, through the panels incident management registers
(their own apps know nothing of incidents); closed ones and those another
user may not see are left out."""

from servista.catalog.factories import ServiceFactory
from servista.cmdb.factories import ConfigurationItemFactory
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase


class RelatedPanelsTest(ServistaTestCase):
    def setUp(self):
        self.mail = ServiceFactory(name="Mail")
        self.gateway = ConfigurationItemFactory(name="mx-01", service=self.mail)
        self.main = IncidentFactory(caller=self.cast.requester, service=self.mail,
                                    configuration_item=self.gateway)
        self.affecting = IncidentFactory(caller=self.cast.requester,
                                         affected_services=[self.mail],
                                         affected_cis=[self.gateway], opened_by=self.cast.agent)
        self.done = IncidentFactory(caller=self.cast.requester, service=self.mail,
                                    configuration_item=self.gateway)
        services.cancel(self.done, self.cast.agent, reason="Duplicate")
        self.client.force_login(self.cast.agent)

    def test_service_and_ci_pages_list_the_incidents_on_them(self):
        for obj in (self.mail, self.gateway):
            r = self.client.get(obj.get_absolute_url())
            self.assertContains(r, 'id="panel-open-incidents"')
            self.assertContains(r, self.main.number)
            self.assertContains(r, self.affecting.number)
            self.assertNotContains(r, self.done.number)
        r = self.client.get(self.mail.get_absolute_url())
        self.assertContains(r, 'id="panel-service-cis"')
        self.assertContains(r, "mx-01")

    def test_group_and_person_pages(self):
        r = self.client.get(self.cast.service_desk.get_absolute_url())
        self.assertContains(r, self.main.number)
        r = self.client.get(self.cast.requester.get_absolute_url())
        self.assertContains(r, "Open incidents reported")
        self.assertContains(r, self.main.number)
        self.assertNotContains(r, self.done.number)

    def test_requesters_see_no_panel_of_the_staff(self):
        self.client.force_login(self.cast.requester)
        r = self.client.get(self.mail.get_absolute_url())
        self.assertNotContains(r, 'id="panel-open-incidents"')
        self.assertNotContains(r, self.main.number)
