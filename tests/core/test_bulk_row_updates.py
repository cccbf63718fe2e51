"""``core.bulk.update_rows`` and ``insert_rows`` write what ``save()`` would write: text,
JSON, foreign keys set and cleared, durations, instants and NULLs, in
batches beyond SQLite's parameter limit, leaving other rows alone."""

from datetime import UTC, datetime, timedelta

import pytest

from servista.accounts.factories import GroupFactory
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import ConfigurationItem
from servista.core.bulk import insert_rows, update_rows
from servista.sla.models import Timer
from tests.sla.helpers import agreement, office_calendar

pytestmark = pytest.mark.django_db

FIELDS = ["description", "attributes", "owner_group", "service"]


def test_rows_get_the_values_save_would_write(cast):
    items = [ConfigurationItemFactory(filled=True) for _ in range(3)]
    untouched = ConfigurationItemFactory(filled=True, description="left alone")
    group = GroupFactory()
    items[0].description, items[0].attributes = "it's \"quoted\"; DROP", {"ram_gb": 64, "t": [1]}
    items[0].owner_group = group
    items[1].service = None  # a foreign key cleared
    items[2].attributes = {}
    assert update_rows(items, FIELDS) == 3
    for item in items:
        stored = ConfigurationItem.objects.get(pk=item.pk)
        assert [getattr(stored, f) for f in FIELDS] == [getattr(item, f) for f in FIELDS]
    assert ConfigurationItem.objects.get(pk=untouched.pk).description == "left alone"
    assert ConfigurationItem.objects.get(pk=items[1].pk).service is None


def test_durations_instants_and_nulls_round_trip_in_many_batches(cast):
    agr = agreement(office_calendar(cast.admin))
    target = agr.targets.get()
    when = datetime(2026, 3, 9, 15, 30, 12, 345000, tzinfo=UTC)
    timers = Timer.objects.bulk_create([
        Timer(record_type="tests.row", record_id=n, agreement=agr, target=target,
              kind="resolution", due_at=when) for n in range(1, 1201)])
    for n, t in enumerate(timers):
        t.elapsed = timedelta(hours=n, microseconds=7)
        t.due_at = None if n % 2 else when + timedelta(minutes=n)
        t.status = "paused" if n % 3 else "met"
    # 1,200 rows of four fields: more parameters than SQLite takes at once.
    assert update_rows(timers, ["elapsed", "due_at", "status"]) == 1200
    stored = {t.record_id: (t.elapsed, t.due_at, t.status)
              for t in Timer.objects.filter(record_type="tests.row")}
    assert stored == {t.record_id: (t.elapsed, t.due_at, t.status) for t in timers}


def test_nothing_to_write_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert update_rows([], ["description"]) == 0


def test_the_key_or_a_many_to_many_field_is_refused(cast):
    item = ConfigurationItemFactory()
    with pytest.raises(ValueError, match="concrete, non-key"):
        update_rows([item], ["id"])


def test_inserted_rows_get_their_keys_and_the_values_save_would_write(cast):
    group = GroupFactory()
    items = [ConfigurationItem(name=f"bulk-{n}", ci_class=ConfigurationItemFactory().ci_class,
                               owner_group=group if n % 2 else None,
                               attributes={"n": n, "quote": "it's"}, description="a\tb\\c\nd")
             for n in range(5)]
    assert insert_rows(items) == items
    assert all(item.pk is not None and not item._state.adding for item in items)
    for item in items:
        stored = ConfigurationItem.objects.get(pk=item.pk)
        assert (stored.name, stored.attributes, stored.owner_group_id, stored.description,
                stored.identifier) == (item.name, item.attributes, item.owner_group_id,
                                       item.description, item.identifier)
    # The sequence moved past the keys taken: the next save gets a new one.
    assert ConfigurationItemFactory().pk > max(item.pk for item in items)


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows([]) == []
