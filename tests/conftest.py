import pytest

from servista.core.testing import make_cast


@pytest.fixture
def cast(db):
    return make_cast()
