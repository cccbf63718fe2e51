"""Sorting and paging of the incident lists and queues: the open queue's
order, header sorting (which keeps the filters and goes back to page one),
sorting by state, forgiving paging values, and a filter form that carries
the sort and page size along."""

import re

from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}


def numbers_in_order(response) -> list[str]:
    return re.findall(r'data-number="(INC\d+)"', response.content.decode())


class QueueAndListTest(ServistaTestCase):
    def test_open_queue_is_by_priority_then_oldest(self):
        low_old = IncidentFactory(caller=self.cast.requester, impact=3, urgency=3)   # P5
        mid_old = IncidentFactory(caller=self.cast.requester, impact=2, urgency=2)   # P3
        high_old = IncidentFactory(caller=self.cast.requester, impact=1, urgency=1)  # P1
        mid_new = IncidentFactory(caller=self.cast.requester, impact=2, urgency=2)   # P3
        high_new = IncidentFactory(caller=self.cast.requester, impact=1, urgency=1)  # P1
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/queue/open/")
        expected = [i.number for i in (high_old, high_new, mid_old, mid_new, low_old)]
        self.assertEqual(numbers_in_order(r), expected)
        # The results partial (filters, paging) keeps that order too.
        r = self.client.get("/incidents/queue/open/", HTTP_HX_TARGET="results", **HTMX)
        self.assertEqual(numbers_in_order(r), expected)
        # A sort chosen in the header still wins.
        r = self.client.get("/incidents/queue/open/", {"sort": "-number"})
        self.assertEqual(numbers_in_order(r), sorted(expected, reverse=True))

    def test_bad_paging_values_do_not_fail(self):
        for _ in range(3):
            IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.admin)
        for url in ("/incidents/", "/incidents/queue/open/", "/services/", "/cis/"):
            for params in ({"per_page": "-5"}, {"per_page": "0"}, {"per_page": "abc"},
                           {"page": "-1"}, {"page": "0"}, {"page": "x"}, {"page": "9999"},
                           {"per_page": "-5", "page": "-3"}):
                with self.subTest(url=url, **params):
                    self.assertEqual(self.client.get(url, params).status_code, 200)
        # The page size is capped.
        r = self.client.get("/incidents/", {"per_page": "100000"})
        self.assertEqual(r.context["table"].paginator.per_page, 200)
        r = self.client.get("/incidents/", {"per_page": "1", "page": "9999"})
        self.assertEqual(r.context["table"].page.number, 3)

    def test_header_sorting_keeps_filters_and_goes_to_page_one(self):
        for _ in range(3):
            IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"state": "new", "per_page": "1", "page": "2"})
        links = re.findall(r'<a href="(\?[^"]*)" class="sort-link"', r.content.decode())
        self.assertTrue(links)
        for link in links:
            self.assertIn("state=new", link)
            self.assertIn("sort=", link)
            self.assertNotIn("page=", link.replace("per_page=", ""))
        # Sorting links reload the results in place.
        self.assertRegex(r.content.decode(), r'<thead [^>]*hx-boost="true"')

    def test_sort_by_state(self):
        new = IncidentFactory(caller=self.cast.requester)
        resolved = IncidentFactory(caller=self.cast.requester)
        services.resolve(resolved, self.cast.agent, resolution_code="user_error",
                         resolution_notes="Explained")
        held = IncidentFactory(caller=self.cast.requester)
        services.put_on_hold(held, self.cast.agent, hold_reason="awaiting_vendor")
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"sort": "state"})
        self.assertEqual(numbers_in_order(r), [new.number, held.number, resolved.number])
        self.assertContains(r, "sort=-state")
        r = self.client.get("/incidents/", {"sort": "-state"})
        self.assertEqual(numbers_in_order(r), [resolved.number, held.number, new.number])


class FilterKeepsSortTest(ServistaTestCase):
    def test_filter_form_carries_the_sort_and_page_size(self):
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"sort": "-priority", "per_page": "50", "page": "3"})
        self.assertContains(r, '<input type="hidden" name="sort" value="-priority">', html=True)
        self.assertContains(r, '<input type="hidden" name="per_page" value="50">', html=True)
        self.assertNotContains(r, '<input type="hidden" name="page" value="3">', html=True)
