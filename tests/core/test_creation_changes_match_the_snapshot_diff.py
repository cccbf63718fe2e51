"""An import writes creation entries through ``audit.creation_changes``,
which skips the fields a creation leaves empty: it holds exactly what
``diff(None, snapshot(obj))`` holds, many-to-many members included."""

import pytest

from servista.accounts.factories import OrganizationFactory
from servista.catalog.factories import ServiceFactory
from servista.cmdb.factories import ConfigurationItemFactory
from servista.core import audit

pytestmark = pytest.mark.django_db


def test_a_filled_item_and_a_bare_one(cast):
    filled = ConfigurationItemFactory(filled=True, description="a\nb", criticality="high",
                                      attributes={"cpu_count": 4})
    bare = ConfigurationItemFactory()
    for item in (filled, bare):
        assert audit.creation_changes(item) == audit.diff(None, audit.snapshot(item))
    assert "owner_group" in audit.creation_changes(filled)
    assert "owner_group" not in audit.creation_changes(bare)


def test_many_to_many_members_are_part_of_it(cast):
    service = ServiceFactory()
    service.customers.set([OrganizationFactory(), OrganizationFactory()])
    changes = audit.creation_changes(service)
    assert changes == audit.diff(None, audit.snapshot(service))
    assert sorted(changes["customers"]["new"]) == sorted(service.customers.values_list(
        "pk", flat=True))
