"""Operations shared by every work record: creation with a number, locked
changes with a field-change journal, comments and work notes, links.

Practice apps call these from their own services.py; they hold no
practice-specific rules.
"""


from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from servista.core import attachments, clock, links, watchers
from servista.core import time_spent as time_spent_rules
from servista.core.exceptions import NotFound, StaleVersion, ValidationFailed
from servista.core.journal import change_of, field_value, write_entry
from servista.core.models import JournalEntry, Link
from servista.core.models.journal import JournalKind
from servista.core.numbering import next_number
from servista.core.registry import model_for_number

SYSTEM_USERNAME = "servista-system"  # the account background jobs act as


def system_user():
    """The account that background jobs and automations act as."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Servista", "last_name": "automation", "role": "admin"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user

# --- creation and changes -----------------------------------------------


def _clean(record, exclude_relations=True):
    """Field validation without one query per foreign key (relations are
    resolved, hence validated, by the calling service)."""
    exclude = [f.name for f in record._meta.concrete_fields if f.is_relation] \
        if exclude_relations else None
    try:
        record.clean_fields(exclude=exclude)
        record.clean()
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc)


@transaction.atomic(savepoint=False)  # always inside the calling service's transaction
def create_record(record, actor, *, body: str = "", relations: dict | None = None, files=()):
    """Number, validate and insert a new work record, set its many-to-many
    ``relations`` ({field: objects}), and journal its initial values (with
    the ``files`` sent with it)."""
    attachments.check(files)
    now = clock.now()
    if record.opened_by_id is None:
        record.opened_by = actor
    record.opened_at = record.opened_at or now
    record.updated_at = now
    record.version = 1
    if not record.number:
        record.number = "pending"  # validated below, replaced before insert
    _clean(record)
    record.number = next_number(record.number_prefix)
    record.save(force_insert=True)
    changes = {}
    for field in record._meta.concrete_fields:
        if field.name in record.unaudited_fields or field.name in ("opened_at", "opened_by"):
            continue
        value = field_value(record, field)
        if value is None or value == "" or value is False:
            continue
        if value == 0 and not field.choices:
            continue  # counters start at zero: nothing to tell
        changes[field.name] = change_of(record, field, None, value)
    for name, objs in (relations or {}).items():
        if objs:
            getattr(record, name).set(objs)
            changes[name] = {"old": [], "new": [o.pk for o in objs], "old_display": "",
                             "new_display": ", ".join(str(o) for o in objs)}
    entry = write_entry(record, actor, JournalKind.CHANGE, body=body or "Created",
                        changes=changes)
    attachments.store(entry, actor, files)
    _tell_observers(record, actor, changes, created=True)
    record.time_spent_total = 0  # nothing logged yet: the answer needs no query
    return record


def version_matches(expected, current: int) -> bool:
    """``expected`` is the version the caller edited: a number, or the
    numbers of an If-Match list (any of them may match; an empty list, for
    tags that name no version, never does)."""
    if isinstance(expected, list | tuple | set | frozenset):
        return current in expected
    return int(expected) == current


def lock(model, pk, expected_version=None):
    """Re-read a record with a row lock and check the caller's version
    (see ``version_matches``)."""
    try:
        record = model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotFound(f"{model._meta.verbose_name} {pk} not found")
    if expected_version is not None and not version_matches(expected_version, record.version):
        raise StaleVersion(record.version)
    return record


def save_changes(record, actor, changes: dict, *, body: str = "") -> dict:
    """Apply ``{field: new value}`` to a locked record: one UPDATE of the
    changed columns (a many-to-many field takes the full new list), a version
    bump and one journal entry with before/after.
    Returns the journal diff (empty when nothing changed)."""
    diff = {}
    fields = []
    relations = {}
    for name, new in changes.items():
        field = record._meta.get_field(name)
        if field.many_to_many:
            old_set = list(getattr(record, name).all())
            new_set = list(new)
            if {o.pk for o in old_set} != {o.pk for o in new_set}:
                relations[name] = new_set
                diff[name] = {
                    "old": [o.pk for o in old_set], "new": [o.pk for o in new_set],
                    "old_display": ", ".join(str(o) for o in old_set),
                    "new_display": ", ".join(str(o) for o in new_set),
                }
            continue
        old = field_value(record, field)
        old_cmp = old.pk if isinstance(old, models.Model) else old
        new_cmp = new.pk if isinstance(new, models.Model) else new
        if old_cmp == new_cmp:
            continue
        if name not in record.unaudited_fields:
            if field.is_relation and old is not None and not isinstance(old, models.Model):
                # The locked row holds only the id: the journal shows the name.
                old = field.related_model._base_manager.filter(pk=old).first() or old
            diff[name] = change_of(record, field, old, new)
        setattr(record, field.name, new)
        fields.append(field.name)
    if not fields and not relations:
        if body:
            write_entry(record, actor, JournalKind.CHANGE, body=body)
        return {}
    if fields:
        _clean(record)
    record.updated_at = clock.now()
    record.version += 1
    record.save(update_fields=[*fields, "updated_at", "version"])
    for name, objs in relations.items():
        getattr(record, name).set(objs)
    write_entry(record, actor, JournalKind.CHANGE, body=body, changes=diff)
    _tell_observers(record, actor, diff, created=False)
    return diff


# --- observers of work records ----------------------------------------------

_record_observers: list = []


def observe_records(func):
    """Register ``func(record, actor, changes, *, created)``, called in the
    transaction of every creation (``changes``: the initial values) and
    change (the journal diff) of a work record, after its journal entry:
    what a practice keeps about every record (service level timers, outgoing
    webhooks) follows every origin without the record's practice naming it."""
    if func not in _record_observers:
        _record_observers.append(func)
    return func


def _tell_observers(record, actor, changes: dict, *, created: bool) -> None:
    for func in _record_observers:
        func(record, actor, changes, created=created)


# --- journal --------------------------------------------------------------


def add_entry(record, actor, kind: str, body: str, files=(), *,
              time_spent: int | None = None) -> JournalEntry:
    """A comment or work note, with its files (a file alone needs no text)
    and the minutes of work it took (``time_spent``). The colleagues it
    mentions are kept, and the observers of entries told."""
    body = (body or "").strip()
    field = "work_note" if kind == JournalKind.WORK_NOTE else "comment"
    time_spent = time_spent_rules.check(time_spent)
    if not body and not files:
        raise ValidationFailed.field(field, "This field may not be blank.")
    if kind not in (JournalKind.COMMENT, JournalKind.WORK_NOTE):
        raise ValidationFailed.field("kind", "Kind must be 'comment' or 'work_note'.")
    attachments.check(files)
    entry = write_entry(record, actor, kind, body=body, time_spent=time_spent)
    entry.files = attachments.store(entry, actor, files)
    type(record).objects.filter(pk=record.pk).update(updated_at=entry.created_at)
    entry.mentioned = watchers.record_mentions(entry, actor)
    for func in _entry_observers:
        func(record, actor, entry)
    return entry


_entry_observers: list = []


def observe_entries(func):
    """Register ``func(record, actor, entry)``, called in the transaction of
    every comment and work note added to a work record (``entry.mentioned``:
    the colleagues it mentions): who watches a record or is mentioned is
    told without the record's practice naming them."""
    if func not in _entry_observers:
        _entry_observers.append(func)
    return func


def journal(record, *, public_only: bool = False):
    entries = JournalEntry.objects.for_record(record).select_related("actor") \
        .prefetch_related("mentions__user")
    if public_only:
        entries = entries.public()
    return entries


def public_view(entry: JournalEntry, record) -> dict | None:
    """What a requester may see of an entry: comments, and changes to the
    record's public fields only. None when nothing is left."""
    if entry.kind == JournalKind.WORK_NOTE:
        return None
    if entry.kind == JournalKind.COMMENT:
        return {"body": entry.body, "changes": {}}
    changes = {k: v for k, v in entry.changes.items() if k in record.public_fields}
    if not changes:
        return None
    return {"body": entry.body if entry.body in ("Created",) else "", "changes": changes}


def sees_work_notes(user) -> bool:
    """Support staff read work notes (and their files); nobody else does."""
    return bool(getattr(user, "is_agent", False))


def visible_journal(record, user, *, public: bool = False) -> list[tuple[JournalEntry, dict]]:
    """The activity stream as this user may see it, as (entry, changes):
    staff see everything; requesters (and anyone, with ``public=True``, as in
    the portal) see comments and changes to the record's public fields,
    never work notes."""
    staff_view = user.is_agent and not public
    entries = list(journal(record, public_only=not staff_view))
    files = attachments.by_entry(record, staff=staff_view)
    for entry in entries:
        entry.files = files.get(entry.pk, [])
    if staff_view:
        return [(entry, entry.changes) for entry in entries]
    visible = []
    for entry in entries:
        shown = public_view(entry, record)
        if shown is not None:
            # Reasons written with a change are the staff's (hold notes,
            # override and cancellation reasons): this copy, read-only like
            # every entry, carries only what the requester may read.
            entry.body = shown["body"]
            visible.append((entry, shown["changes"]))
    return visible


def requester_timeline(record, user) -> list[dict]:
    """The record's story as its requester reads it: when it was reported,
    each step in plain words (being worked on, waiting for you, resolved...)
    and the conversation; never work notes or the raw field changes.
    Items: {"kind": "step" | "comment", "at", "text", "entry"}."""
    items = [{"kind": "step", "at": record.opened_at, "text": "Reported", "entry": None}]
    for entry, changes in visible_journal(record, user, public=True):
        if entry.kind == JournalKind.COMMENT:
            items.append({"kind": "comment", "at": entry.created_at, "text": entry.body,
                          "entry": entry})
            continue
        text = record.requester_milestone(changes)
        if text and text == items[-1]["text"] and getattr(entry, "files", None):
            items[-1]["entry"] = entry  # the files sent with the report
        elif text and text != items[-1]["text"]:
            items.append({"kind": "step", "at": entry.created_at, "text": text, "entry": entry})
    return items


# --- links ----------------------------------------------------------------


def find_record(number: str):
    model = model_for_number(number)
    if model is None:
        raise ValidationFailed.field("target", f"'{number}' is not a record number.")
    try:
        return model.objects.get(number=number.upper())
    except model.DoesNotExist:
        raise ValidationFailed.field("target", f"Record {number} does not exist.")


@transaction.atomic
def link(source, target, actor, kind: str = links.RELATES_TO) -> Link:
    if links.kind(kind) is None:
        known = ", ".join(k.value for k in links.kinds())
        raise ValidationFailed.field("kind", f"Unknown link kind '{kind}'; use one of {known}.")
    if type(source) is type(target) and source.pk == target.pk:
        raise ValidationFailed.field("target", "A record cannot be linked to itself.")
    source_type = ContentType.objects.get_for_model(source)
    target_type = ContentType.objects.get_for_model(target)
    obj, created = Link.objects.get_or_create(
        source_type=source_type, source_id=source.pk,
        target_type=target_type, target_id=target.pk, kind=kind,
        defaults={"created_by": actor},
    )
    if not created:
        raise ValidationFailed.field(
            "target", f"{source} already {obj.get_kind_display()} {target}.")
    write_entry(source, actor, JournalKind.CHANGE, body=f"Linked: {links.label(kind)} {target}")
    write_entry(target, actor, JournalKind.CHANGE,
           body=f"Linked: {links.label(kind, 'incoming')} {source}")
    return obj


def links_of(record) -> list[dict]:
    """Links in both directions, each with the record at the other end."""
    ct = ContentType.objects.get_for_model(record)
    outgoing = Link.objects.filter(source_type=ct, source_id=record.pk)
    incoming = Link.objects.filter(target_type=ct, target_id=record.pk)
    ends: dict[int, set] = {}
    rows = []
    for link_obj in outgoing:
        rows.append((link_obj, "outgoing", link_obj.target_type_id, link_obj.target_id))
    for link_obj in incoming:
        rows.append((link_obj, "incoming", link_obj.source_type_id, link_obj.source_id))
    for _, _, type_id, obj_id in rows:
        ends.setdefault(type_id, set()).add(obj_id)
    resolved = {}
    for type_id, ids in ends.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        for obj in model.objects.filter(pk__in=ids):
            resolved[(type_id, obj.pk)] = obj
    return [
        {"link": link_obj, "direction": direction, "other": resolved.get((type_id, obj_id)),
         "label": links.label(link_obj.kind, direction)}
        for link_obj, direction, type_id, obj_id in rows
    ]


# --- plain objects (reference data: groups, services, CIs...) --------------------


def _assign_and_save(obj, data: dict):
    m2m = {}
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(obj, name, value)
    try:
        obj.full_clean()
        if m2m and hasattr(obj, "clean_relations"):
            obj.clean_relations(m2m)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc)
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)
    return obj


@transaction.atomic
def create_object(model, actor, data: dict):
    """Create reference data (policy, validation) and journal its values."""
    from servista.core import audit
    from servista.core.permissions import policy_for

    policy_for(model).require(actor, "create")
    obj = _assign_and_save(model(), data)
    audit.journal_created(obj, actor)
    return obj


@transaction.atomic
def update_object(obj, actor, data: dict):
    """Change reference data; one journal entry when something changed."""
    from servista.core import audit
    from servista.core.permissions import policy_for

    policy_for(type(obj)).require(actor, "change", obj)
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before = audit.snapshot(obj)
    obj = _assign_and_save(obj, data)
    audit.journal_changed(obj, actor, before)
    return obj
