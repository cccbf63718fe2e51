"""Writing the journal: the values a change entry holds (raw and as shown)
and the entry itself, with the actor, origin and correlation id of the audit
context. Used by the work records' services and by the audit of reference
data alike."""

import datetime
import decimal
import functools
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from servista.core import context
from servista.core.models import JournalEntry


def raw_value(value):
    """A JSON-friendly form of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


@functools.lru_cache(maxsize=512)
def _choices_of(field: models.Field) -> dict:
    return dict(field.flatchoices)


def display_value(record, field: models.Field, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if field.choices:
        return str(_choices_of(field).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def field_value(record, field: models.Field):
    if field.is_relation and field.many_to_one:
        # Use the cached related object when loaded, else the raw id.
        if field.is_cached(record):
            return getattr(record, field.name)
        return getattr(record, field.attname)
    return getattr(record, field.attname)


def change_of(record, field, old, new) -> dict:
    return {
        "old": raw_value(old),
        "new": raw_value(new),
        "old_display": display_value(record, field, old),
        "new_display": display_value(record, field, new),
    }


def write_entry(record, actor, kind, body="", changes=None) -> JournalEntry:
    ctx = context.current()
    return JournalEntry.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        kind=kind,
        body=body,
        changes=changes or {},
        actor=actor,
        origin=ctx.origin,
        correlation_id=ctx.correlation_id,
    )
