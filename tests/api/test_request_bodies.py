"""A request body is a JSON object: any other JSON value ([], "x", true,
null, 0.0) answers 422 and stores nothing, and a body that is not JSON at
all answers 400, as the OpenAPI document says of every operation that takes
a body."""

from servista.api.api import api
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"
NOT_OBJECTS = ("[]", '["x"]', '"x"', "true", "null", "0.0", "3")


class BodyShapeTest(ServistaTestCase):
    def send(self, method, url, raw):
        call = getattr(self.client, method)
        return call(url, raw, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {self.cast.tokens['agent']}")

    def test_a_json_value_that_is_not_an_object_answers_422(self):
        inc = IncidentFactory(caller=self.cast.requester)
        targets = [("post", API), ("patch", f"{API}/{inc.number}"),
                   ("post", f"{API}/{inc.number}/take"),
                   ("post", f"{API}/{inc.number}/comments"),
                   ("post", "/api/v1/groups")]
        for raw in NOT_OBJECTS:
            for method, url in targets:
                with self.subTest(raw=raw, url=url), self.assertNothingChanged(inc):
                    r = self.send(method, url, raw)
                    self.assertEqual(r.status_code, 422, r.content)
                    self.assertIn("JSON object", r.json()["detail"])
        self.assertEqual(Incident.objects.count(), 1)

    def test_an_object_is_still_taken(self):
        r = self.send("post", API, '{"short_description": "Scanner offline", "caller": "rita"}')
        self.assertEqual(r.status_code, 201, r.content)

    def test_a_body_that_is_not_json_answers_400(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.send("patch", f"{API}/{inc.number}", "{not json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["errors"], {})

    def test_the_openapi_document_states_400_for_every_operation_with_a_body(self):
        spec = api.get_openapi_schema()
        with_body = [(path, method, op) for path, ops in spec["paths"].items()
                     for method, op in ops.items() if "requestBody" in op]
        self.assertGreater(len(with_body), 20)
        for path, method, op in with_body:
            with self.subTest(operation=f"{method.upper()} {path}"):
                self.assertIn("400", {str(code) for code in op["responses"]})
