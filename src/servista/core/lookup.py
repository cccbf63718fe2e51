"""How people and programs name objects, in one place: by id, or by the
fields each model declares (a work record by its number, a person by
username or e-mail, a group or a service by name).

Every face uses these functions: the API (a record in a URL, references in
a body), the pages (a record in a URL), the forms and filters (a person
typed in a box), and the command line.

    lookup.register(Group, ("name",))          # in the owning app, at start-up
    lookup.find(queryset, "INC0001001")        # the object, or None
    lookup.get(queryset, "1001")               # the object, or NotFound
    lookup.resolve(Group, "Network", "assignment_group")   # or ValidationFailed naming the field
    lookup.resolve_refs(Incident, {"caller": "rita", "swarm": ["alice"]}, extra={"swarm": User})
"""

from django.apps import apps
from django.db.models import Q

from servista.core.exceptions import NotFound, ValidationFailed
from servista.core.idents import parse_id

_fields: dict = {}


def register(model, fields) -> None:
    """``model``'s objects may be named by any of ``fields`` (compared
    without case), besides their id."""
    _fields[model] = tuple(fields)


def fields_of(model) -> tuple[str, ...]:
    """How ``model``'s objects are named: registered fields, or the number
    for work records."""
    if model in _fields:
        return _fields[model]
    for base in model.__mro__[1:]:
        if base in _fields:
            return _fields[base]
    return ("number",) if _is_work_record(model) else ()


def _is_work_record(model) -> bool:
    from servista.core.models import WorkRecord

    return issubclass(model, WorkRecord)


def find(queryset, ident, *, fields=None):
    """The object of ``queryset`` that ``ident`` names (an id, or the value
    of one of the naming fields, tried in order), or None."""
    if ident is None or ident == "" or isinstance(ident, bool):
        return None
    model = queryset.model
    pk = parse_id(ident)
    if pk is not None:
        obj = queryset.filter(pk=pk).first()
        if obj is not None or isinstance(ident, int):
            return obj
    if not isinstance(ident, str):
        return None
    for name in fields if fields is not None else fields_of(model):
        if name == "number":
            # Numbers are stored upper case: an exact match uses the unique index.
            obj = queryset.filter(number=ident.strip().upper()).first()
        else:
            obj = queryset.filter(**{f"{name}__iexact": ident.strip()}).first()
        if obj is not None:
            return obj
    return None


def get(queryset, ident, *, fields=None):
    """Like ``find``, but a missing object raises NotFound (404)."""
    obj = find(queryset, ident, fields=fields)
    if obj is None:
        raise NotFound(f"No {queryset.model._meta.verbose_name} '{ident}'.")
    return obj


def resolve(model, value, field: str, *, queryset=None, fields=None):
    """The object ``value`` names, for the input field ``field``; None for an
    empty value; a 422 naming ``field`` when there is no such object."""
    if value is None or value == "":
        return None
    if hasattr(value, "_meta"):  # already an object (a form's cleaned value)
        return value
    qs = queryset if queryset is not None else model._default_manager.all()
    obj = find(qs, value, fields=fields)
    if obj is None:
        raise ValidationFailed.field(field, f"No {model._meta.verbose_name} '{value}'.")
    return obj


def related_model(model, name: str):
    """The model a relation field of ``model`` points to, or None."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist and reverse relations alike
        return None
    return field.related_model if field.is_relation else None


def resolve_refs(model, data: dict, *, extra: dict | None = None) -> dict:
    """A copy of ``data`` whose references (given by id, number or name) are
    objects: every key that is a relation of ``model``, plus those of
    ``extra`` ({key: model or "app_label.Model"}); lists are resolved item by
    item. The first unknown reference raises a 422 naming its key."""
    extra = extra or {}
    out = dict(data)
    for key, value in data.items():
        target = extra.get(key) or related_model(model, key)
        if target is None:
            continue
        if isinstance(target, str):
            target = apps.get_model(target)
        if isinstance(value, list | tuple):
            if any(item is None or item == "" for item in value):
                raise ValidationFailed.field(key, "A list of references may not hold an "
                                                  "empty one.")
            out[key] = list(dict.fromkeys(resolve(target, item, key) for item in value))
        else:
            out[key] = resolve(target, value, key)
    return out


def people_query(text: str, prefix: str = "") -> Q:
    """People whose first name, last name, username or e-mail hold every
    word of ``text`` (``prefix``: the path to the person, e.g. "caller__")."""
    query = Q()
    for word in text.split()[:5]:
        query &= (Q(**{f"{prefix}first_name__icontains": word})
                  | Q(**{f"{prefix}last_name__icontains": word})
                  | Q(**{f"{prefix}username__icontains": word})
                  | Q(**{f"{prefix}email__icontains": word}))
    return query


def find_person(queryset, text):
    """The person ``text`` names: by id, username or e-mail, else the one
    person whose name, username or e-mail hold all its words ("Rita Jones",
    "rita.jones@"); None when nobody or several people match."""
    person = find(queryset, text)
    if person is not None or not isinstance(text, str) or not text.strip():
        return person
    matches = list(queryset.filter(people_query(text))[:2])
    return matches[0] if len(matches) == 1 else None
