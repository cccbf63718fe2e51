"""Watchers (CC) of a work record and the colleagues a journal entry
mentions with @. Core keeps who watches and who was mentioned; the
notifications app tells them (it observes journal entries and record
changes), so the rules of who hears what are in one place:

* watchers hear of public comments and state changes; those of the
  support staff also of work notes; a requester never of a work note;
* ``@username`` (or ``@first.last``) in a comment or work note names a
  colleague of the support staff; anyone else named so is not mentioned.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q

from servista.core.exceptions import ValidationFailed
from servista.core.models import JournalEntry, Mention, Watcher
from servista.core.permissions import policy_for

STAFF_ROLES = ("agent", "manager", "admin")
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[\w.+-]*\w)?)")
MENTIONS_MAX = 20


def _of(record) -> Q:
    return Q(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


def watchers_of(record) -> list:
    """The people watching ``record``, in the order they were added."""
    return [w.user for w in Watcher.objects.filter(_of(record)).select_related("user")]


def watches(record, user) -> bool:
    return Watcher.objects.filter(_of(record), user=user).exists()


def _require_staff(actor, record) -> None:
    policy_for(type(record)).require(actor, "work_note", record)


@transaction.atomic
def add(record, actor, user) -> Watcher:
    """``actor`` (support staff) adds ``user`` as a watcher of ``record``; a
    watcher must be able to see the record and be active."""
    _require_staff(actor, record)
    if user is None or not user.is_active:
        raise ValidationFailed.field("user", "Choose an active person.")
    if not policy_for(type(record)).can_see(user, record):
        raise ValidationFailed.field("user", f"{user} cannot see {record.number}.")
    try:
        with transaction.atomic():
            return Watcher.objects.create(content_type=ContentType.objects.get_for_model(record),
                                          object_id=record.pk, user=user, added_by=actor)
    except IntegrityError:
        raise ValidationFailed.field("user", f"{user} already watches {record.number}.")


@transaction.atomic
def remove(record, actor, user) -> None:
    """``actor`` (support staff) stops ``user`` watching ``record``."""
    _require_staff(actor, record)
    deleted, _ = Watcher.objects.filter(_of(record), user=user).delete()
    if not deleted:
        raise ValidationFailed.field("user", f"{user} does not watch {record.number}.")


# --- mentions ----------------------------------------------------------------------------


def mentioned_staff(body: str, actor=None) -> list:
    """The support staff ``body`` names with ``@username`` or ``@first.last``
    (one query; the author and anyone not of the staff are left out)."""
    names = list(dict.fromkeys(m.group(1).lower() for m in MENTION.finditer(body or "")))
    names = names[:MENTIONS_MAX]
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(username__iexact=name)
        first, dot, last = name.partition(".")
        if dot and first and last and "." not in last:
            query |= Q(first_name__iexact=first, last_name__iexact=last)
    people = get_user_model().objects.filter(query, is_active=True, role__in=STAFF_ROLES)
    if actor is not None:
        people = people.exclude(pk=actor.pk)
    found = {}
    for person in people:
        for key in (person.username.lower(),
                    f"{person.first_name}.{person.last_name}".lower()):
            found.setdefault(key, []).append(person)
    chosen = []
    for name in names:
        matches = found.get(name, [])
        if len(matches) == 1 and matches[0] not in chosen:
            chosen.append(matches[0])
        elif len(matches) > 1:
            exact = [p for p in matches if p.username.lower() == name]
            if len(exact) == 1 and exact[0] not in chosen:
                chosen.append(exact[0])
    return chosen


def record_mentions(entry: JournalEntry, actor=None) -> list:
    """Keep who ``entry`` mentions (``Mention`` rows); returns them."""
    people = mentioned_staff(entry.body, actor)
    if people:
        Mention.objects.bulk_create([Mention(entry=entry, user=p) for p in people])
    return people
