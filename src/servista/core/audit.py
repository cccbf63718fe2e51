"""The journal of configuration and reference data (groups, people, services,
CIs, categories, the priority matrix...): every creation, change and deletion
leaves one CHANGE entry, in the shape of work records' entries
(``changes = {field: {"old", "new", "old_display", "new_display"}}``, actor,
origin and correlation id from ``core.context``), so the same activity
templates and API schema show them.

A model is journaled once it is registered, by its own app::

    audit.register(User, exclude=("password", "last_login"), related=("support_groups",))

A snapshot holds the model's concrete fields (but the primary key, which the
entry names) and its many-to-many members, less the ``exclude``d fields, plus
the reverse many-to-many relations named in ``related``. A many-to-many
change is also journaled on each object added or removed when the other
model shows that relation (a group's ``members`` on each user's
``support_groups``, and back).

Each face that changes reference data (the generic services
``create_object``/``update_object``, the admin's ``JournaledAdmin``, the
apps' own services) takes a snapshot before, changes, and calls
``journal_created``, ``journal_changed`` or ``journal_deleted``, in the
transaction of the change. This module knows no app.
"""

import contextlib
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.db.models.fields.related import ManyToManyField, ManyToManyRel

from servista.core.journal import display_value, raw_value, write_entry
from servista.core.models import JournalEntry
from servista.core.models.journal import JournalKind

# --- the registry ---------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    exclude: frozenset[str]
    related: tuple[str, ...]

    def fields(self) -> list[models.Field]:
        """The concrete fields journaled, in declaration order."""
        return [f for f in self.model._meta.concrete_fields
                if not f.primary_key and f.name not in self.exclude]

    def relations(self) -> list:
        """The many-to-many relations journaled: forward fields, then the
        reverse relations named in ``related``."""
        forward = [f for f in self.model._meta.many_to_many if f.name not in self.exclude]
        return forward + [self.model._meta.get_field(name) for name in self.related]

    def tracks(self, name: str) -> bool:
        return any(rel.name == name for rel in self.relations())


_registry: dict[type[models.Model], Registration] = {}


def register(model: type[models.Model], *, exclude=(), related=()) -> type[models.Model]:
    """Journal every change of ``model`` made through the journaled faces.

    ``exclude``: fields never written to the journal (secrets, bookkeeping
    such as a last sign-in time), by name; ``related``: reverse
    many-to-many relations (by their accessor name) shown as a field of this
    model's journal. Each name must exist."""
    exclude, related = frozenset(exclude), tuple(related)
    for name in exclude | set(related):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(f"audit.register({model.__name__}): no field '{name}'")
        if name in related and not isinstance(field, ManyToManyRel):
            raise ImproperlyConfigured(
                f"audit.register({model.__name__}): '{name}' is not a reverse many-to-many "
                "relation")
    _registry[model] = Registration(model, exclude, related)
    return model


def is_registered(model) -> bool:
    return _concrete(model) in _registry


def registration(model) -> Registration:
    model = _concrete(model)
    try:
        return _registry[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} is changed through a journaled face but is not registered "
            "with servista.core.audit: register it (naming the fields never to journal) in "
            "its app's ready()")


def _concrete(model):
    model = model if isinstance(model, type) else type(model)
    return model._meta.concrete_model


# --- snapshots and differences ------------------------------------------------------


class Value(NamedTuple):
    raw: object      # JSON-friendly: a primary key for a relation, a list of them for many
    display: str


Snapshot = dict[str, Value]


def snapshot(obj) -> Snapshot:
    """The journaled values of ``obj`` as it is in memory (relations of a
    saved object are read from the database; an unsaved one has none)."""
    reg = registration(obj)
    values = {}
    for field in reg.fields():
        value = getattr(obj, field.name) if field.is_relation else getattr(obj, field.attname)
        values[field.name] = Value(raw_value(value), display_value(obj, field, value))
    for rel in reg.relations():
        members = list(_manager(obj, rel).all()) if obj.pk is not None else []
        values[rel.name] = _members_value(members)
    return values


def _manager(obj, rel):
    name = rel.name if isinstance(rel, ManyToManyField) else rel.get_accessor_name()
    return getattr(obj, name)


def _members_value(members) -> Value:
    return Value([m.pk for m in members], ", ".join(str(m) for m in members))


def _same(old, new) -> bool:
    if isinstance(old, list) and isinstance(new, list):
        return sorted(old) == sorted(new)
    return old == new


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value is False


def diff(before: Snapshot | None, after: Snapshot | None) -> dict:
    """``{field: {"old", "new", "old_display", "new_display"}}`` for each
    field that differs. Without ``before`` (a creation), the fields set to
    something; without ``after`` (a deletion), the last values."""
    changes = {}
    names = (after or before or {}).keys()
    for name in names:
        old = before.get(name) if before is not None else None
        new = after.get(name) if after is not None else None
        if old is None and (new is None or _empty(new.raw)):
            continue
        if new is None and _empty(old.raw):
            continue
        if old is not None and new is not None and _same(old.raw, new.raw):
            continue
        changes[name] = _change(old, new, many=isinstance((old or new).raw, list))
    return changes


def creation_changes(obj) -> dict:
    """``diff(None, snapshot(obj))`` (what a creation entry holds) without
    reading the fields a creation leaves empty: for imports of many items."""
    reg = registration(obj)
    changes = {}
    for field in reg.fields():
        if _empty(getattr(obj, field.attname)):
            continue
        value = getattr(obj, field.name) if field.is_relation else getattr(obj, field.attname)
        new = Value(raw_value(value), display_value(obj, field, value))
        if not _empty(new.raw):
            changes[field.name] = _change(None, new)
    for rel in reg.relations():
        members = list(_manager(obj, rel).all()) if obj.pk is not None else []
        if members:
            changes[rel.name] = _change(None, _members_value(members), many=True)
    return changes


def _change(old: Value | None, new: Value | None, *, many: bool = False) -> dict:
    nothing = Value([] if many else None, "")
    old, new = old or nothing, new or nothing
    return {"old": old.raw, "new": new.raw,
            "old_display": old.display, "new_display": new.display}


# --- writing the journal -------------------------------------------------------------


def journal_created(obj, actor, *, body: str = "Created") -> JournalEntry:
    """After ``obj`` and its many-to-many members were first saved."""
    after = snapshot(obj)
    changes = diff(None, after)
    entry = write_entry(obj, actor, JournalKind.CHANGE, body=body, changes=changes)
    _mirror(obj, actor, None, after, changes)
    return entry


def journal_changed(obj, actor, before: Snapshot, *, body: str = "") -> JournalEntry | None:
    """After a change of ``obj`` (``before``: its ``snapshot`` before the
    change, or that of the row as stored): one entry, or none when nothing
    changed."""
    after = snapshot(obj)
    changes = diff(before, after)
    if not changes:
        return None
    entry = write_entry(obj, actor, JournalKind.CHANGE, body=body, changes=changes)
    _mirror(obj, actor, before, after, changes)
    return entry


def journal_deleted(objs, actor, *, body: str = "Deleted") -> list[JournalEntry]:
    """Just before deleting ``objs`` (an object, or objects of one model), in
    the deleting transaction (which takes the entries back if the deletion
    fails): one entry with the last values of each object deleted, and of
    each registered object the deletion cascades to; one change entry on
    each registered object whose reference to them the deletion clears
    (``on_delete=SET_NULL``...)."""
    objs = [objs] if isinstance(objs, models.Model) else list(objs)
    if not objs:
        return []
    registration(objs[0])
    collector = Collector(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    doomed: dict = defaultdict(set)
    for model, instances in collector.data.items():
        doomed[_concrete(model)] |= {obj.pk for obj in instances}
    for queryset in collector.fast_deletes:
        if is_registered(queryset.model):
            doomed[_concrete(queryset.model)] |= set(queryset.values_list("pk", flat=True))
    entries = []
    for model, pks in doomed.items():
        if model not in _registry:
            continue
        gone: set = set()
        for obj in model._base_manager.filter(pk__in=pks):   # every field loaded
            before = snapshot(obj)
            changes = diff(before, None)
            entries.append(write_entry(obj, actor, JournalKind.CHANGE, body=body, changes=changes))
            _mirror(obj, actor, before, None, changes, gone=gone)
            gone.add(obj.pk)
    for (field, value), batches in collector.field_updates.items():
        model = _concrete(field.model)
        if model not in _registry or field.name in _registry[model].exclude:
            continue
        pks = set().union(*({obj.pk for obj in batch} for batch in batches)) - doomed[model]
        for obj in model._base_manager.filter(pk__in=pks):
            old = getattr(obj, field.name) if field.is_relation else getattr(obj, field.attname)
            setattr(obj, field.attname, value)
            new = getattr(obj, field.name) if field.is_relation else value
            change = _change(Value(raw_value(old), display_value(obj, field, old)),
                             Value(raw_value(new), display_value(obj, field, new)))
            entries.append(write_entry(obj, actor, JournalKind.CHANGE,
                                  changes={field.name: change}))
    return entries


@contextlib.contextmanager
def changing(obj, actor, *, body: str = ""):
    """``with changing(obj, actor): <change and save obj>``: one entry for
    what the block changed."""
    with transaction.atomic():
        before = snapshot(obj)
        yield
        journal_changed(obj, actor, before, body=body)


@contextlib.contextmanager
def deleting(objs, actor):
    """``with deleting(obj, actor): obj.delete()``: the deletion (of an
    object or a queryset) is journaled with the last values, or not at all if
    the block fails."""
    with transaction.atomic():
        journal_deleted(objs, actor)
        yield


def _mirror(obj, actor, before, after, changes, *, gone=frozenset()) -> None:
    """A many-to-many change seen from each object added or removed, when
    its model journals that relation too. ``gone``: objects of obj's model
    whose deletion was journaled already (deleted with obj, still stored)."""
    reg = registration(obj)
    for rel in reg.relations():
        if rel.name not in changes:
            continue
        forward = rel if isinstance(rel, ManyToManyField) else rel.remote_field
        other_model = _concrete(rel.related_model)
        other_name = forward.remote_field.name if forward is rel else forward.name
        if other_model not in _registry or not _registry[other_model].tracks(other_name):
            continue
        old = set(before[rel.name].raw) if before else set()
        new = set(after[rel.name].raw) if after else set()
        touched = old ^ new
        if touched:
            _mirror_relation(obj, actor, rel, forward, other_model, other_name, old, new,
                             touched, gone)


def _mirror_relation(obj, actor, rel, forward, other_model, other_name, old, new, touched,
                     gone):
    # The through table: which objects of obj's model each touched object is
    # related to now (obj itself set aside: it is in or out as the change says).
    through = forward.remote_field.through
    mine, theirs = forward.m2m_field_name(), forward.m2m_reverse_field_name()
    if forward is not rel:
        mine, theirs = theirs, mine
    mine_col = through._meta.get_field(mine).attname
    theirs_col = through._meta.get_field(theirs).attname
    pairs = through._default_manager.filter(**{f"{theirs_col}__in": touched}).exclude(
        **{f"{mine_col}__in": {obj.pk, *gone}}).values_list(theirs_col, mine_col)
    others_of: dict = {pk: set() for pk in touched}
    for other_pk, my_pk in pairs:
        others_of[other_pk].add(my_pk)
    # Listed in the model's order, obj with them (still stored when deleting).
    wanted = set().union({obj.pk}, *others_of.values())
    ordered = list(type(obj)._base_manager.filter(pk__in=wanted))
    if obj not in ordered:
        ordered.append(obj)
    for other in other_model._base_manager.filter(pk__in=touched):
        base = others_of[other.pk]
        old_set = base | ({obj.pk} if other.pk in old else set())
        new_set = base | ({obj.pk} if other.pk in new else set())
        change = _change(_members_value([o for o in ordered if o.pk in old_set]),
                         _members_value([o for o in ordered if o.pk in new_set]), many=True)
        write_entry(other, actor, JournalKind.CHANGE, changes={other_name: change})

