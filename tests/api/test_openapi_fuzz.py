"""Property-based tests of the REST API from its own OpenAPI document
(schemathesis), with every check schemathesis has: no server error, status
codes, content types, headers and bodies as documented, schema-valid
requests accepted and schema-violating ones refused, authentication
enforced, methods and Allow headers as documented.

A schema-valid request may still name something that does not exist (a
group called "x") or ask for what the rules refuse: that is a 422 naming
the field, which no schema can foresee, so 422 joins the answers a valid
request may get; but such a 422 must never be one the document could have
stated (a bound, a choice, a pattern, an unknown field): the check
``no_undocumented_input_rule`` fails those.

SERVISTA_FUZZ_EXAMPLES=200 explores more examples per operation (a nightly
run); CI uses a few."""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from servista.incidents.factories import IncidentFactory
from servista.testing import make_cast
from servista.wsgi import application

POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]

config = SchemathesisConfig.from_dict({
    "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)

# What the server says when an input breaks a rule the OpenAPI document
# states (pydantic's and the filters' own words, and ours for page bounds).
SCHEMA_LEVEL = ("Unknown field", "Unknown query parameter", "This field is required",
                "Input should", "String should", "List should", "Select a valid choice",
                "must be between", "NUL", "is not a yes/no value", "JSON object",
                "RFC 3339", "read-only")


@schemathesis.check
def no_undocumented_input_rule(ctx, response, case):
    """A schema-valid request refused with 422 was refused for a reason the
    document could not state (a name that exists nowhere, a domain rule)."""
    meta = case.meta
    if meta is None or response.status_code != 422 or \
            meta.generation.mode != GenerationMode.POSITIVE:
        return None
    body = json.loads(response.content)
    messages = [m for ms in body.get("errors", {}).values() for m in ms] or [body["detail"]]
    stated = [m for m in messages if any(marker in m for marker in SCHEMA_LEVEL)]
    if stated:
        raise AssertionError(f"A schema-valid request was refused for a rule the OpenAPI "
                             f"document does not state: {stated}")
    return None


@pytest.fixture
def agent_token(db):
    # The requests reach the WSGI application directly: keep Django from
    # closing the test's database connection at the end of each one (the
    # test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cast = make_cast()
    # Something to find, so look-ups by number and id reach the services.
    IncidentFactory(caller=cast.requester)
    yield cast.tokens["manager"]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=int(os.environ.get("SERVISTA_FUZZ_EXAMPLES", 12)), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_keeps_every_promise_of_its_openapi_document(case, agent_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {agent_token}"})
