"""The query-count checks of the incident lists can fail: over incidents
that fill every relation, leaving out any one join or prefetch of the API
list, or any one join of the list page, makes the number of queries grow
with the rows, and the check says so."""

from contextlib import contextmanager
from unittest import mock

from django.db import transaction

from servista.incidents import api as incidents_api
from servista.incidents.factories import incidents_with_every_relation
from servista.incidents.models import Incident
from servista.incidents.views import incident_views
from servista.testing import APIViewTestCases, QueryCountCase, ViewTestCases


@contextmanager
def rolled_back():
    """Each case starts from the same rows (a page shows 25 of them: rows
    piling up past that would hide a growth)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class FilledIncidents:
    model = Incident

    def make_filled_objects(self):
        return incidents_with_every_relation(caller=self.cast.requester, agent=self.cast.agent,
                                             manager=self.cast.manager)


class APIListQueryCountTest(FilledIncidents, QueryCountCase, APIViewTestCases.Base):
    api_base = "/api/v1/incidents"
    view_role = "requester"

    def test_every_join_and_prefetch_is_needed(self):
        with rolled_back():
            self.assert_queries_flat(self.count_list_queries)  # as it is: flat
        relations = (*incidents_api.JOINED, *incidents_api.PREFETCHED)
        for left_out in relations:
            with self.subTest(left_out=left_out):
                joined = [r for r in incidents_api.JOINED if r != left_out]
                prefetched = [r for r in incidents_api.PREFETCHED if r != left_out]

                def queryset(joined=joined, prefetched=prefetched):
                    return Incident.objects.select_related(*joined).prefetch_related(
                        *prefetched)

                with rolled_back(), \
                        mock.patch.object(incidents_api, "incident_queryset", queryset), \
                        self.assertRaisesRegex(AssertionError, "grow"):
                    self.assert_queries_flat(self.count_list_queries)

    count_list_queries = APIViewTestCases.ListObjectsTest.count_list_queries


class PageListQueryCountTest(FilledIncidents, QueryCountCase, ViewTestCases.Base):
    list_url = "/incidents/"
    view_role = "agent"

    def test_every_join_of_the_page_is_needed(self):
        with rolled_back():
            self.assert_queries_flat(self.count_list_queries)  # as it is: flat
        for left_out in incident_views.list_related:
            with self.subTest(left_out=left_out):
                kept = tuple(r for r in incident_views.list_related if r != left_out)
                with rolled_back(), mock.patch.object(incident_views, "list_related", kept), \
                        self.assertRaisesRegex(AssertionError, "grow"):
                    self.assert_queries_flat(self.count_list_queries)

    count_list_queries = ViewTestCases.ListViewTest.count_list_queries
