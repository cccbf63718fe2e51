"""Baselines: a named, frozen copy of a set of configuration items (chosen
by class, service or name) with their attributes and relationships, and
the differences between two baselines or between a baseline and now."""

from django.db import transaction
from django.db.models import Q

from servista.core import audit, lookup
from servista.core.exceptions import ValidationFailed
from servista.core.permissions import policy_for

from . import services
from .models import Baseline, CIClass, ConfigurationItem, Relationship

# The values of an item a baseline keeps (and compares), attributes aside.
FIELDS = ("name", "short_name", "abbreviations", "ci_class_id", "status", "environment",
          "criticality", "description", "organization_id", "owner_group_id", "owner_id",
          "service_id", "represents_id")


def scope_queryset(scope: dict):
    """The items a scope names: a class (and those below it), a service
    (the items supporting it, its own item and what that item depends on),
    a text in the name; all of them together narrow the set."""
    qs = ConfigurationItem.objects.all()
    if scope.get("ci_class"):
        ci_class = CIClass.objects.filter(key=scope["ci_class"]).first()
        if ci_class is None:
            return qs.none()
        qs = qs.filter(ci_class__in=services.Schemas().descendants(ci_class))
    if scope.get("service"):
        service_id = scope["service"]
        members = Q(service_id=service_id) | Q(represents_id=service_id)
        own = ConfigurationItem.objects.filter(represents_id=service_id).first()
        if own is not None:
            reached = services.impact(own, direction="upstream", depth=services.MAX_DEPTH,
                                      limit=100_000)
            members |= Q(pk__in=[r.ci.pk for r in reached.items])
        qs = qs.filter(members)
    if scope.get("q"):
        qs = qs.filter(name__icontains=scope["q"])
    return qs


def freeze(queryset) -> tuple[dict, list]:
    """({identifier: values}, [[source, type, target], ...]) of the items."""
    items = {}
    ids = {}
    for row in queryset.values("pk", "identifier", "attributes", *FIELDS).iterator():
        key = str(row.pop("identifier"))
        ids[row.pop("pk")] = key
        items[key] = row
    rels = []
    for source, type_key, target in Relationship.objects.filter(
            Q(source__in=list(ids)) | Q(target__in=list(ids))).values_list(
            "source_id", "type__key", "target_id").order_by("source_id", "type__key",
                                                           "target_id"):
        if source in ids and target in ids:
            rels.append([ids[source], type_key, ids[target]])
    # Relationships to items outside the set are kept by the outside item's name.
    outside = Relationship.objects.filter(
        (Q(source__in=list(ids)) & ~Q(target__in=list(ids)))
        | (~Q(source__in=list(ids)) & Q(target__in=list(ids)))).values_list(
        "source__identifier", "type__key", "target__identifier")
    rels += [[str(s), t, str(d)] for s, t, d in outside]
    return items, sorted(rels)


def take(actor, data: dict) -> Baseline:
    """Freeze the items of the scope (``ci_class``, ``service``, ``q``) now."""
    policy_for(Baseline).require(actor, "create")
    if Baseline.objects.filter(name=data.get("name")).exists():
        raise ValidationFailed.field("name", f"A baseline '{data['name']}' exists already.")
    scope = {}
    if data.get("ci_class") not in (None, ""):
        ci_class = lookup.resolve(CIClass, data["ci_class"], "ci_class",
                                  fields=("key", "name"))
        scope["ci_class"] = ci_class.key
    if data.get("service") not in (None, ""):
        from servista.catalog.models import Service

        scope["service"] = lookup.resolve(Service, data["service"], "service").pk
    if data.get("q"):
        scope["q"] = data["q"]
    items, rels = freeze(scope_queryset(scope))
    with transaction.atomic():
        baseline = Baseline.objects.create(
            name=data["name"], description=data.get("description") or "", scope=scope,
            taken_by=actor, items=items, relationships=rels)
        audit.journal_created(baseline, actor, body=f"Baseline of {len(items)} items")
    return baseline


def _names(*item_sets) -> dict:
    names = {}
    for items in item_sets:
        for key, values in items.items():
            names[key] = values["name"]
    return names


def diff(baseline: Baseline, other: Baseline | None = None) -> dict:
    """What changed from ``baseline`` to ``other`` (or to the items of the
    same scope now): items added and removed (by name), items changed with
    each field and attribute (``attributes.<key>``) old and new, and
    relationships added and removed ([source, type, target] by name)."""
    before, before_rels = baseline.items, baseline.relationships
    if other is not None:
        after, after_rels = other.items, other.relationships
    else:
        after, after_rels = freeze(scope_queryset(baseline.scope))
    names = _names(before, after)
    missing = {k for rel in before_rels + after_rels for k in (rel[0], rel[2])} - set(names)
    if missing:
        names.update({str(i): n for i, n in ConfigurationItem.objects.filter(
            identifier__in=missing).values_list("identifier", "name")})
    changed = []
    for key in sorted(set(before) & set(after), key=lambda k: names.get(k, k)):
        old, new = before[key], after[key]
        fields = {}
        for name in FIELDS:
            if old.get(name) != new.get(name):
                fields[name.removesuffix("_id")] = {"old": old.get(name), "new": new.get(name)}
        old_attrs, new_attrs = old.get("attributes") or {}, new.get("attributes") or {}
        for attr in sorted(set(old_attrs) | set(new_attrs)):
            if old_attrs.get(attr) != new_attrs.get(attr):
                fields[f"attributes.{attr}"] = {"old": old_attrs.get(attr),
                                                "new": new_attrs.get(attr)}
        if fields:
            changed.append({"name": names.get(key, key), "fields": fields})

    def named(rel):
        return [names.get(rel[0], rel[0]), rel[1], names.get(rel[2], rel[2])]

    old_rels, new_rels = {tuple(r) for r in before_rels}, {tuple(r) for r in after_rels}
    return {
        "added": sorted(names.get(k, k) for k in set(after) - set(before)),
        "removed": sorted(names.get(k, k) for k in set(before) - set(after)),
        "changed": changed,
        "relationships_added": sorted(named(r) for r in new_rels - old_rels),
        "relationships_removed": sorted(named(r) for r in old_rels - new_rels),
    }
