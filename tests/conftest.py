import os

import pytest
from hypothesis import settings as hypothesis_settings

from servista.testing import make_cast

# CI runs the property-based tests (hypothesis, schemathesis) with fixed
# examples so that a run is reproducible; elsewhere they explore at random.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """Tests roll rows back behind the per-process caches: start each clean."""
    from servista.core.refcache import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def _fresh_token_cache():
    from servista.accounts.services import token_cache
    from servista.core.throttling import throttle

    token_cache.clear()
    throttle.clear()
    yield
    token_cache.clear()
    throttle.clear()


@pytest.fixture
def short_lived_connections():
    """Connections opened during the test (by a worker's threads) close at
    the end of each task, so none outlives the test database."""
    from django.db import connections

    saved = {alias: connections.settings[alias]["CONN_MAX_AGE"] for alias in connections}
    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0
    yield
    for alias, value in saved.items():
        connections.settings[alias]["CONN_MAX_AGE"] = value


@pytest.fixture(scope="session", autouse=True)
def _close_the_cache_listener(django_db_setup, django_db_blocker):
    """The listening connection of core.invalidation (PostgreSQL) is closed
    before the test database is dropped."""
    yield
    from servista.core.invalidation import receiver

    receiver.close()
