import pytest

from servista.core.testing import make_cast


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

    token_cache.clear()
    yield
    token_cache.clear()
