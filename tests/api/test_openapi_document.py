"""The OpenAPI document states every limit the server enforces, so that a
client generated from it never meets a surprise 422: page bounds, NUL in
any text, the choices of list filters, the spellings of yes/no filters and
the fields of an ordering, RFC 3339 times; and the answers any operation may
give besides its own (429 and 503 with Retry-After)."""

import re

import jsonschema

from servista.api.api import api
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"
NO_NUL = "^[^\u0000]*$"  # no NUL character


def parameters(spec, path, method="get") -> dict:
    return {p["name"]: p["schema"] for p in spec["paths"][path][method]["parameters"]}


def accepts(schema: dict, value) -> bool:
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError:
        return False
    return True


class OpenAPIDocumentTest(ServistaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.spec = api.get_openapi_schema()

    def test_page_bounds_are_stated_and_hold(self):
        params = parameters(self.spec, "/api/v1/incidents")
        limit = params["limit"]["anyOf"][0]
        self.assertEqual((limit["minimum"], limit["maximum"]), (1, 500))
        self.assertEqual(params["offset"]["minimum"], 0)
        for value, status in ((0, 422), (501, 422), (1, 200), (500, 200)):
            r = self.api("GET", API, self.cast.agent, {"limit": value})
            self.assertStatus(r, status)
            self.assertEqual(accepts(limit, value), status == 200)

    def test_list_filters_are_typed_from_their_choices(self):
        params = parameters(self.spec, "/api/v1/incidents")
        state = params["state"]["anyOf"][0]["items"]["enum"]
        self.assertEqual(state, ["new", "in_progress", "on_hold", "resolved", "closed",
                                 "cancelled"])
        self.assertEqual(params["priority"]["anyOf"][0]["items"]["enum"],
                         ["1", "2", "3", "4", "5"])
        ordering = params["ordering"]["anyOf"][0]["pattern"]
        for value, ok in (("priority", True), ("-opened_at,number", True), ("colour", False),
                          ("", True)):
            self.assertEqual(bool(re.match(ordering, value)), ok, value)
            r = self.api("GET", API, self.cast.agent, {"ordering": value})
            self.assertStatus(r, 200 if ok else 422)
        yes_no = params["open"]["anyOf"][0]["pattern"]
        for value, ok in (("TRUE", True), ("no", True), ("", True), ("maybe", False),
                          (" true", False)):
            self.assertEqual(bool(re.match(yes_no, value)), ok, value)
            self.assertStatus(self.api("GET", API, self.cast.agent, {"open": value}),
                              200 if ok else 422)
        self.assertEqual(params["opened_after"]["format"], "date-time")
        for value, ok in (("2026-03-01T09:30:00+01:00", True), ("0.5", False),
                          ("2026-13-01T09:30:00Z", False), ("2026-03-01", False)):
            self.assertStatus(self.api("GET", API, self.cast.agent, {"opened_after": value}),
                              200 if ok else 422)
        # An empty value of a list filter is not one of its choices.
        self.assertStatus(self.api("GET", API, self.cast.agent, {"state": ""}), 422)

    def test_every_text_a_request_carries_refuses_nul(self):
        checked = 0
        components = self.spec["components"]["schemas"]
        for name in ("IncidentIn", "IncidentPatch", "JournalEntryIn", "GroupIn"):
            for field, schema in components[name]["properties"].items():
                members = schema.get("anyOf", [schema])
                for member in members:
                    if member.get("type") == "string" and "enum" not in member:
                        self.assertEqual(member.get("pattern"), NO_NUL, f"{name}.{field}")
                        checked += 1
        self.assertEqual(parameters(self.spec, "/api/v1/incidents")["q"]["anyOf"][0]["pattern"],
                         NO_NUL)
        self.assertGreater(checked, 10)
        r = self.api("POST", API, self.cast.agent, {"short_description": "a\x00b"})
        self.assertStatus(r, 422)

    def test_every_operation_states_throttling_and_unavailability(self):
        for path, operations in self.spec["paths"].items():
            for method, operation in operations.items():
                with self.subTest(operation=f"{method.upper()} {path}"):
                    codes = {str(code) for code in operation["responses"]}
                    self.assertLessEqual({"429", "503"}, codes)
                    self.assertIn("Retry-After",
                                  operation["responses"][429]["headers"])


def test_every_schema_has_its_own_name_in_the_document():
    """The document names each body and answer shape by its class: two
    shapes of one name would share one description (a problem's resolution
    documented with an incident's codes)."""
    import sys

    from ninja import Schema

    from servista.api.api import api

    api.get_openapi_schema()  # every app's schemas imported
    by_name: dict[str, set] = {}
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        module = sys.modules.get(cls.__module__)
        if module is not None and cls.__module__.startswith("servista.") \
                and getattr(module, cls.__name__, None) is cls:
            by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not shared, f"schemas sharing a name: {shared}"
