"""Property-based tests of the REST API from its own OpenAPI document
(schemathesis): whatever a client sends, every operation answers with a
clear 4xx or a success, never a server error.

SERVISTA_FUZZ_EXAMPLES=200 explores more examples per operation."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from servista.incidents.factories import IncidentFactory
from servista.testing import make_cast
from servista.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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
def test_api_never_answers_with_a_server_error(case, agent_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {agent_token}"},
                           checks=[not_a_server_error])
