"""Optimistic locking through If-Match: any well-formed tag that is not the
current version answers 412 with the current ETag (whatever its form or
length), a malformed one 422 naming the header, a server may require
If-Match (428 without it), and the answer to an update shows the version
that update wrote."""

from unittest import mock

import pytest
from django.db import transaction

from servista.incidents import services
from servista.incidents.api import IncidentAPI
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase, make_cast

API = "/api/v1/incidents"


class IfMatchTest(ServistaTestCase):
    def patch(self, inc, if_match, data=None):
        return self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, data or {"urgency": 1},
                        headers={"If-Match": if_match})

    def test_any_well_formed_tag_that_is_not_current_answers_412_with_the_current_etag(self):
        inc = IncidentFactory(caller=self.cast.requester)
        for tag in ('"stale-0"', '"0"', '"2"', 'W/"1"', '"1x"', '""', '"' + "9" * 5000 + '"',
                    '"2", "3"', "7"):
            with self.subTest(tag=tag[:20]), self.assertNothingChanged(inc):
                r = self.patch(inc, tag)
                self.assertStatus(r, 412)
                self.assertEqual(r.headers["ETag"], '"1"')
                self.assertIn("version", r.data["errors"])

    def test_matching_tags_are_taken(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.assertStatus(self.patch(inc, '"1"'), 200)
        self.assertStatus(self.patch(inc, '"9", "2"', {"urgency": 3}), 200)
        self.assertStatus(self.patch(inc, "*", {"urgency": 2}), 200)
        self.assertStatus(self.patch(inc, "4", {"urgency": 1}), 200)
        inc.refresh_from_db()
        self.assertEqual((inc.version, inc.urgency), (5, 1))

    def test_an_action_with_a_stale_tag_answers_412_with_the_current_etag(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/{inc.number}/take", self.cast.agent, {},
                         headers={"If-Match": '"stale-0"'})
        self.assertStatus(r, 412)
        self.assertEqual(r.headers["ETag"], '"1"')

    def test_a_malformed_header_answers_422_naming_it(self):
        inc = IncidentFactory(caller=self.cast.requester)
        for value in ("abc", '"1" "2"', '"1', "W/1"):
            with self.subTest(value=value), self.assertNothingChanged(inc):
                r = self.patch(inc, value)
                self.assertStatus(r, 422)
                self.assertIn("If-Match", r.data["errors"])


class RequiredIfMatchTest(ServistaTestCase):
    def test_if_match_can_be_required_on_updates(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.settings(SERVISTA={**self.settings_dict(), "REQUIRE_IF_MATCH": True}):
            with self.assertNothingChanged(inc):
                r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"urgency": 1})
                self.assertStatus(r, 428)
                self.assertIn("If-Match", r.data["errors"])
                r = self.api("POST", f"{API}/{inc.number}/take", self.cast.agent, {})
                self.assertStatus(r, 428)
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"urgency": 1},
                         headers={"If-Match": '"1"'})
            self.assertStatus(r, 200)
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent,
                         {"urgency": 3, "version": 2})
            self.assertStatus(r, 200)
        # By default, If-Match is optional.
        r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"urgency": 2})
        self.assertStatus(r, 200)

    @staticmethod
    def settings_dict():
        from django.conf import settings

        return settings.SERVISTA


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["patch", "action"])
def test_the_answer_shows_the_version_the_request_wrote(client, how):
    """Someone else changes the incident right after this request's change
    commits: the answer still shows this request's version, not theirs."""
    cast = make_cast()
    inc = IncidentFactory(caller=cast.requester)
    service = IncidentAPI.service
    original = service.update if how == "patch" else service.assign

    def someone_else():
        services.rules.change_state(Incident.objects.get(pk=inc.pk), cast.manager,
                                    "in_progress", reason="Picked up by the manager")

    def then_someone_else(*args, **kwargs):
        result = original(*args, **kwargs)
        # Runs once this request's transaction commits (at once if none is open).
        transaction.on_commit(someone_else)
        return result

    auth = {"HTTP_AUTHORIZATION": f"Bearer {cast.tokens['agent']}"}
    with mock.patch.object(service, "update" if how == "patch" else "assign",
                           side_effect=then_someone_else):
        if how == "patch":
            r = client.patch(f"{API}/{inc.number}", {"short_description": "Printer jams again"},
                             content_type="application/json", **auth)
        else:
            r = client.post(f"{API}/{inc.number}/assign", {"assignment_group": "Network"},
                            content_type="application/json", **auth)
    assert r.status_code == 200, r.content
    assert r.json()["version"] == 2
    assert r["ETag"] == '"2"'
    inc.refresh_from_db()
    assert inc.version == 3  # the other change came after, as a version of its own
