"""Error pages: 404 and 403 in the site's layout, a 403 with the view's own
message, a standalone 500 page, and the sign-in lockout page (429) that
leads back to sign in."""

from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import include, path

from servista.incidents.factories import IncidentFactory
from servista.testing import PASSWORD, ServistaTestCase


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def forbidden(request):
    raise PermissionDenied("No entry for you.")


# A URL configuration with a failing view, for the 500 page.
urlpatterns = [
    path("boom/", boom),
    path("forbidden/", forbidden),
    path("", include("servista.urls")),
]


class ErrorPagesTest(ServistaTestCase):
    def test_404_and_403_have_the_site_layout(self):
        self.client.force_login(self.cast.agent)
        with self.assertNothingChanged():
            r = self.client.get("/no-such-page/")
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, 'id="user-menu"', status_code=404)
        self.assertContains(r, "Page not found", status_code=404)
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.client.get(f"/incidents/{inc.number}/priority/")
        self.assertEqual(r.status_code, 403)
        self.assertContains(r, 'id="user-menu"', status_code=403)
        self.assertContains(r, "not allowed", status_code=403)

    @override_settings(ROOT_URLCONF=__name__)
    def test_500_page_is_standalone(self):
        self.client.force_login(self.cast.agent)
        self.client.raise_request_exception = False
        r = self.client.get("/boom/")
        self.assertEqual(r.status_code, 500)
        self.assertContains(r, "Servista", status_code=500)
        self.assertContains(r, "Something went wrong", status_code=500)
        r = self.client.get("/forbidden/")
        self.assertContains(r, "No entry for you.", status_code=403)

    def test_lockout_page_links_back_to_sign_in(self):
        for _ in range(5):
            self.client.post("/login/", {"username": "alice", "password": "wrong"})
        with self.assertNothingChanged(self.cast.agent):
            r = self.client.post("/login/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)
        self.assertContains(r, 'href="/login/"', status_code=429)
