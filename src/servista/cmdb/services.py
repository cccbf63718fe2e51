"""The CMDB's rules: class schemas (typed attributes inherited down the
class hierarchy) checked on every write, relationships and the rules that
say which classes a type may join, impact analysis in the database
(a recursive CTE, on SQLite and PostgreSQL alike), and the rules other
practices ask about. The API, the pages, the command line and the import
call these; nothing else writes a configuration item."""

import datetime
import decimal
import re
from dataclasses import dataclass

from django.db import connection, transaction

from servista.core import lookup
from servista.core.exceptions import ValidationFailed
from servista.core.journal import write_entry
from servista.core.models.journal import JournalKind
from servista.core.permissions import policy_for
from servista.core.services import create_object, update_object

from .choices import AttributeType, CIStatus, Direction, ImpactDirection
from .models import (
    AttributeDefinition,
    CIClass,
    ConfigurationItem,
    Relationship,
    RelationshipRule,
    RelationshipType,
)

MAX_DEPTH = 10          # the deepest impact analysis asked for
DEFAULT_DEPTH = 6
DEFAULT_IDENTIFICATION = ("name",)


def refuses_new_work(ci) -> str | None:
    """Why a configuration item may not be named on new or changed work (it
    is retired), or None when it may."""
    if ci is not None and ci.status == CIStatus.RETIRED:
        return f"{ci} is retired; choose an item in use."
    return None


# --- classes and their schemas ------------------------------------------------------


class Schemas:
    """The class hierarchy and every class's attributes (its own and its
    ancestors'), read in two queries; one per request or import."""

    def __init__(self):
        self.classes = {c.key: c for c in CIClass.objects.all()}
        self.by_id = {c.pk: c for c in self.classes.values()}
        own: dict[int, list] = {}
        for definition in AttributeDefinition.objects.select_related("reference_class"):
            own.setdefault(definition.ci_class_id, []).append(definition)
        self._own = own
        self._cache: dict[str, dict] = {}

    def get(self, key) -> CIClass | None:
        if isinstance(key, CIClass):
            return key
        return self.classes.get(key)

    def chain(self, ci_class: CIClass) -> list[CIClass]:
        """The class and its ancestors, the root first."""
        chain, seen = [], set()
        current = ci_class
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            chain.append(current)
            current = self.by_id.get(current.parent_id)
        return list(reversed(chain))

    def descendants(self, ci_class: CIClass) -> set[str]:
        """The keys of the class and of every class below it."""
        keys = {ci_class.key}
        changed = True
        while changed:
            changed = False
            for c in self.classes.values():
                parent = self.by_id.get(c.parent_id)
                if parent is not None and parent.key in keys and c.key not in keys:
                    keys.add(c.key)
                    changed = True
        return keys

    def is_a(self, ci_class: CIClass, ancestor: CIClass) -> bool:
        return any(c.pk == ancestor.pk for c in self.chain(ci_class))

    def schema(self, ci_class: CIClass) -> dict[str, AttributeDefinition]:
        """{key: definition}: the attributes of the class, inherited ones
        first (a class may redefine an ancestor's)."""
        if ci_class.key not in self._cache:
            schema = {}
            for c in self.chain(ci_class):
                for definition in self._own.get(c.pk, ()):
                    schema[definition.key] = definition
            self._cache[ci_class.key] = schema
        return self._cache[ci_class.key]

    def identification(self, ci_class: CIClass) -> tuple[str, ...]:
        for c in reversed(self.chain(ci_class)):
            if c.identification:
                return tuple(c.identification)
        return DEFAULT_IDENTIFICATION

    def is_service(self, ci_class: CIClass) -> bool:
        return any(c.is_service for c in self.chain(ci_class))


TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _check_value(definition: AttributeDefinition, value, *, from_text: bool, schemas: Schemas):
    """The value to store for one attribute, or ValueError with the reason.
    ``from_text``: the value comes from a file (CSV), where every value is
    text; otherwise (JSON) it must have the type itself."""
    kind = definition.type
    if from_text and isinstance(value, str):
        value = value.strip()
    if kind == AttributeType.STRING:
        if not isinstance(value, str):
            raise ValueError("Must be text.")
        if len(value) > 1000:
            raise ValueError("At most 1000 characters.")
        return value
    if kind == AttributeType.INTEGER:
        if from_text and isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,18}", value):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("Must be a whole number.")
        return value
    if kind == AttributeType.DECIMAL:
        if from_text and isinstance(value, str):
            try:
                number = decimal.Decimal(value)
            except decimal.InvalidOperation:
                raise ValueError("Must be a number.")
            if not number.is_finite():
                raise ValueError("Must be a number.")
            return int(number) if number == number.to_integral_value() and "." not in value \
                else float(number)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("Must be a number.")
        return value
    if kind == AttributeType.DATE:
        if not isinstance(value, str) or not DATE_RE.match(value):
            raise ValueError("Must be a date such as 2026-03-01 (YYYY-MM-DD).")
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError("Must be a date such as 2026-03-01 (YYYY-MM-DD).")
        return value
    if kind == AttributeType.BOOLEAN:
        if from_text and isinstance(value, str):
            if value.lower() in TRUE_WORDS:
                return True
            if value.lower() in FALSE_WORDS:
                return False
        if not isinstance(value, bool):
            raise ValueError("Must be true or false.")
        return value
    if kind == AttributeType.CHOICE:
        if value not in (definition.choices or []):
            raise ValueError("Must be one of: " + ", ".join(map(str, definition.choices)) + ".")
        return value
    if kind == AttributeType.REFERENCE:
        if from_text and isinstance(value, str) and value.isdigit():
            value = value  # a name may be all digits: looked up as name or id below
        if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            raise ValueError("Must name a configuration item (id or name).")
        target = lookup.find(ConfigurationItem.objects.select_related("ci_class"), value,
                             fields=("name",))
        if target is None:
            raise ValueError(f"No configuration item '{value}'.")
        wanted = definition.reference_class
        if wanted is not None and not schemas.is_a(schemas.classes[target.ci_class_id], wanted):
            raise ValueError(f"{target} is not a {wanted}.")
        return target.pk
    raise ValueError("Unknown attribute type.")


def clean_attributes(ci_class: CIClass, attributes, *, schemas: Schemas | None = None,
                     from_text: bool = False, prefix: str = "attributes") -> dict:
    """The attributes to store for an item of ``ci_class``: each known to the
    class's schema (inherited attributes included) and of its type, every
    required one present. Raises ValidationFailed naming each wrong one as
    ``attributes.<key>``."""
    schemas = schemas or Schemas()
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict):
        raise ValidationFailed.field(prefix, "Must be an object of attribute values.")
    schema = schemas.schema(ci_class)
    errors: dict[str, list[str]] = {}
    clean = {}
    for key, value in attributes.items():
        definition = schema.get(key)
        if definition is None:
            errors[f"{prefix}.{key}"] = [f"Class {ci_class} has no attribute '{key}'."]
            continue
        if value is None or (from_text and value == ""):
            continue
        try:
            clean[key] = _check_value(definition, value, from_text=from_text, schemas=schemas)
        except ValueError as exc:
            errors[f"{prefix}.{key}"] = [str(exc)]
    for key, definition in schema.items():
        if definition.required and key not in clean and f"{prefix}.{key}" not in errors:
            errors[f"{prefix}.{key}"] = ["This attribute is required."]
    if errors:
        first, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first}: {messages[0]}", errors)
    return clean


def attribute_rows(ci, schemas: Schemas | None = None) -> list[dict]:
    """The item's attributes as a page shows them: label, type, value (a
    reference as the item it names), in the schema's order."""
    schemas = schemas or Schemas()
    ci_class = schemas.classes.get(ci.ci_class_id)
    schema = schemas.schema(ci_class) if ci_class else {}
    references = [ci.attributes.get(k) for k, d in schema.items()
                  if d.type == AttributeType.REFERENCE and ci.attributes.get(k) is not None]
    named = ConfigurationItem.objects.in_bulk(references) if references else {}
    rows = []
    for key, definition in schema.items():
        value = ci.attributes.get(key)
        shown = named.get(value, value) if definition.type == AttributeType.REFERENCE \
            else value
        rows.append({"key": key, "label": definition.label or key, "type": definition.type,
                     "value": shown, "inherited_from": schemas.by_id[definition.ci_class_id]})
    return rows


def create_class(actor, data: dict) -> CIClass:
    """A class with its own attributes (``attributes``: a list of
    definitions, each key unique in the class and its ancestors)."""
    attributes = data.pop("attributes", None) or []
    with transaction.atomic():
        ci_class = create_object(CIClass, actor, data)
        seen = set(Schemas().schema(ci_class))
        errors = {}
        for index, spec in enumerate(attributes):
            spec = dict(spec)
            key = spec.get("key")
            if key in seen:
                errors[f"attributes.{index}.key"] = [f"'{key}' is defined twice (here or in "
                                                     "a parent class)."]
                continue
            seen.add(key)
            problem = _definition_problem(spec)
            if problem:
                errors[f"attributes.{index}.{problem[0]}"] = [problem[1]]
                continue
            if spec.get("reference_class") is not None:
                spec["reference_class"] = lookup.resolve(
                    CIClass, spec["reference_class"], f"attributes.{index}.reference_class")
            definition = AttributeDefinition(ci_class=ci_class, **spec)
            definition.save()
        if errors:
            first, messages = next(iter(errors.items()))
            raise ValidationFailed(f"{first}: {messages[0]}", errors)
    return ci_class


def _definition_problem(spec: dict) -> tuple[str, str] | None:
    kind = spec.get("type")
    if kind == AttributeType.CHOICE and not spec.get("choices"):
        return "choices", "A choice attribute needs its choices."
    if kind != AttributeType.CHOICE and spec.get("choices"):
        return "choices", "Only a choice attribute has choices."
    if kind != AttributeType.REFERENCE and spec.get("reference_class"):
        return "reference_class", "Only a reference attribute names a class."
    return None


# --- configuration items ----------------------------------------------------------------


CI_REFS = {"ci_class": CIClass}


def resolve_ci_input(data: dict) -> dict:
    """References of an item's input as objects (class by key or name)."""
    data = dict(data)
    if "ci_class" in data:
        value = data["ci_class"]
        found = lookup.find(CIClass.objects.all(), value, fields=("key", "name")) \
            if value not in (None, "") else None
        if found is None:
            raise ValidationFailed.field("ci_class", f"No CI class '{value}'.")
        data["ci_class"] = found
    return lookup.resolve_refs(ConfigurationItem, data)


def _check_represents(ci_class, represents, schemas: Schemas):
    if represents is not None and not schemas.is_service(ci_class):
        raise ValidationFailed.field(
            "represents", f"Only an item of a service class represents a service; "
                          f"{ci_class} is not one.")


def create_ci(actor, data: dict, *, schemas: Schemas | None = None,
              from_text: bool = False) -> ConfigurationItem:
    """A new item: its class must exist, its attributes fit the class."""
    schemas = schemas or Schemas()
    policy_for(ConfigurationItem).require(actor, "create")
    data = resolve_ci_input(data)
    ci_class = data.get("ci_class")
    if ci_class is None:
        raise ValidationFailed.field("ci_class", "This field is required.")
    data["attributes"] = clean_attributes(ci_class, data.get("attributes"), schemas=schemas,
                                          from_text=from_text)
    _check_represents(ci_class, data.get("represents"), schemas)
    return create_object(ConfigurationItem, actor, data)


def update_ci(ci, actor, data: dict, *, schemas: Schemas | None = None,
              from_text: bool = False) -> ConfigurationItem:
    """Change an item; its attributes (given or kept) must fit its class
    (the new one, when the class changes). ``attributes`` replaces them all."""
    schemas = schemas or Schemas()
    policy_for(ConfigurationItem).require(actor, "change", ci)
    data = resolve_ci_input(data)
    ci_class = data.get("ci_class") or schemas.classes.get(ci.ci_class_id)
    if "attributes" in data or "ci_class" in data:
        attributes = data["attributes"] if "attributes" in data else ci.attributes
        data["attributes"] = clean_attributes(ci_class, attributes, schemas=schemas,
                                              from_text=from_text)
    if "represents" in data or "ci_class" in data:
        _check_represents(ci_class, data.get("represents", ci.represents), schemas)
    return update_object(ci, actor, data)


def attribute_filter(key: str, value: str):
    """``{lookup: value}`` finding the items whose attribute ``key`` is
    ``value`` (given as text: read as the attribute's type)."""
    definition = AttributeDefinition.objects.filter(key=key).first()
    typed = value
    if definition is not None:
        try:
            typed = _check_value(definition, value, from_text=True, schemas=Schemas())
        except ValueError:
            typed = value
    return {f"attributes__{key}": typed}


# --- relationships ---------------------------------------------------------------------------


@dataclass
class RelationshipResult:
    relationship: Relationship
    cycle: bool = False   # it closes a cycle (reported, not refused)


def allowed_pairs(rel_type: RelationshipType) -> list[RelationshipRule]:
    return list(rel_type.rules.select_related("source_class", "target_class"))


def check_relationship(rel_type, source, target, schemas: Schemas | None = None) -> None:
    """422 naming the field: a self-loop (``target``), a pair of classes the
    type's rules do not allow (``type``)."""
    if source.pk == target.pk:
        raise ValidationFailed.field("target", "An item cannot be related to itself.")
    rules = allowed_pairs(rel_type)
    if not rules:
        return
    schemas = schemas or Schemas()
    source_class = schemas.classes[source.ci_class_id]
    target_class = schemas.classes[target.ci_class_id]
    for rule in rules:
        if schemas.is_a(source_class, rule.source_class) and \
                schemas.is_a(target_class, rule.target_class):
            return
    allowed = "; ".join(f"{r.source_class} → {r.target_class}" for r in rules)
    raise ValidationFailed.field(
        "type", f"'{rel_type.name}' may not join a {source_class} to a {target_class} "
                f"(allowed: {allowed}).")


def closes_cycle(source, target) -> bool:
    """Whether a relationship source → target closes a cycle: source is
    reached from target along relationships (each item visited once)."""
    sql = """
        WITH RECURSIVE reach(ci) AS (
            SELECT CAST(%s AS BIGINT)
            UNION
            SELECT r.target_id FROM reach JOIN cmdb_relationship r ON r.source_id = reach.ci
        )
        SELECT 1 FROM reach WHERE ci = %s LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [target.pk, source.pk])
        return cursor.fetchone() is not None


def _journal_relationship(rel, actor, verb: str) -> None:
    rel_type = rel.type
    write_entry(rel.source, actor, JournalKind.CHANGE,
                body=f"Relationship {verb}: {rel.source} {rel_type.name} {rel.target}",
                changes={"relationships": {"old": None, "new": None, "old_display": "",
                                           "new_display": f"{verb}: {rel_type.name} "
                                                          f"{rel.target}"}})
    write_entry(rel.target, actor, JournalKind.CHANGE,
                body=f"Relationship {verb}: {rel.target} {rel_type.reverse_name} {rel.source}",
                changes={"relationships": {"old": None, "new": None, "old_display": "",
                                           "new_display": f"{verb}: {rel_type.reverse_name} "
                                                          f"{rel.source}"}})


def create_relationship(actor, data: dict, *, schemas: Schemas | None = None,
                        journal: bool = True) -> RelationshipResult:
    """Relate two items (``type``, ``source``, ``target``: objects or names).
    A cycle it closes is reported, not refused."""
    data = lookup.resolve_refs(Relationship, data)
    for name in ("type", "source", "target"):
        if data.get(name) is None:
            raise ValidationFailed.field(name, "This field is required.")
    rel_type, source, target = data["type"], data["source"], data["target"]
    policy_for(Relationship).require(actor, "create", source)
    check_relationship(rel_type, source, target, schemas)
    with transaction.atomic():
        if Relationship.objects.filter(type=rel_type, source=source, target=target).exists():
            raise ValidationFailed.field("target", f"{source} already {rel_type.name} "
                                                   f"{target}.")
        rel = Relationship.objects.create(type=rel_type, source=source, target=target)
        if journal:
            _journal_relationship(rel, actor, "added")
    return RelationshipResult(rel, closes_cycle(source, target))


def delete_relationship(rel, actor) -> None:
    policy_for(Relationship).require(actor, "delete", rel.source)
    with transaction.atomic():
        _journal_relationship(rel, actor, "removed")
        rel.delete()


def relationships_of(ci) -> list[dict]:
    """Every relationship of the item, read from its side: the verb and the
    other item."""
    rows = []
    for rel in Relationship.objects.filter(source=ci).select_related("type", "target"):
        rows.append({"relationship": rel, "verb": rel.type.name, "other": rel.target,
                     "direction": "outgoing"})
    for rel in Relationship.objects.filter(target=ci).select_related("type", "source"):
        rows.append({"relationship": rel, "verb": rel.type.reverse_name, "other": rel.source,
                     "direction": "incoming"})
    return rows


# --- impact analysis ---------------------------------------------------------------------------


@dataclass
class Reached:
    ci: ConfigurationItem
    depth: int
    path: list[ConfigurationItem]   # from the origin to the item, both included


@dataclass
class Impact:
    origin: ConfigurationItem
    direction: str
    depth: int
    items: list[Reached]
    truncated: bool

    @property
    def services(self) -> list[Reached]:
        return [r for r in self.items if r.ci.represents_id is not None
                or r.ci.ci_class.is_service]


def _impact_types() -> tuple[list[int], list[int]]:
    """(types along which a failing target impacts the source, types along
    which a failing source impacts the target)."""
    to_source, to_target = [0], [0]     # never empty: IN () is not SQL
    for pk, impact in RelationshipType.objects.values_list("pk", "impact"):
        if impact in (ImpactDirection.TO_SOURCE, ImpactDirection.BOTH):
            to_source.append(pk)
        if impact in (ImpactDirection.TO_TARGET, ImpactDirection.BOTH):
            to_target.append(pk)
    return to_source, to_target


# One step of a failure from the item ``{here}``: along a relationship whose
# type carries the failure from that end ({near}) to the other ({far}), and
# along those carrying it the other way. An OR of two indexed look-ups, so the
# database follows the step from each item reached (an index nested loop),
# never reading the whole table.
STEP_ON = """(
    (r.{near} = {here} AND r.type_id IN ({first}))
    OR (r.{far} = {here} AND r.type_id IN ({second})))"""
NEXT = "CASE WHEN r.{near} = {here} THEN r.{far} ELSE r.{near} END"

# Breadth first: each level holds every item once (UNION), so the walk is
# bounded by items x depth whatever the number of paths and cycles; then each
# item's nearest depth, and one parent one level nearer (the smallest id), from
# which the paths are read back.
# PostgreSQL: the same step as two index look-ups side by side (LATERAL),
# each answered from the index alone.
STEP_LATERAL = """JOIN LATERAL (
        SELECT r.{far} AS next_ci FROM cmdb_relationship r
        WHERE r.{near} = {here} AND r.type_id IN ({first})
        UNION ALL
        SELECT r.{near} AS next_ci FROM cmdb_relationship r
        WHERE r.{far} = {here} AND r.type_id IN ({second})
    ) step ON TRUE"""

# Breadth first: each level holds every item once (UNION), so the walk is
# bounded by items x depth whatever the number of paths and cycles, and it
# stops after ``cap`` rows (the nearest levels come first); then each item's
# nearest depth, and one parent one level nearer (the smallest id), from
# which the paths are read back.
IMPACT_SQL = """
WITH RECURSIVE walk(ci, depth) AS (
    SELECT CAST(%s AS BIGINT), 0
    UNION
    SELECT {next_walk}, walk.depth + 1
    FROM walk {join_walk}
    WHERE walk.depth < {depth}
),
capped AS {materialized} (SELECT ci, depth FROM walk LIMIT %s),
best AS {materialized} (SELECT ci, MIN(depth) AS depth FROM capped GROUP BY ci),
ranked AS {materialized} (
    SELECT ci, depth FROM best WHERE depth > 0 ORDER BY depth, ci LIMIT %s
),
candidates AS {materialized} (
    SELECT ranked.ci, ranked.depth, {prev} AS prev_ci
    FROM ranked JOIN cmdb_relationship r ON {step_back}
)
SELECT candidates.ci, candidates.depth, MIN(candidates.prev_ci),
       (SELECT COUNT(*) FROM capped)
FROM candidates JOIN best ON best.ci = candidates.prev_ci
    AND best.depth = candidates.depth - 1
GROUP BY candidates.ci, candidates.depth
ORDER BY candidates.depth, candidates.ci
"""

REACHED_FIELDS = ("id", "name", "ci_class__id", "ci_class__key", "ci_class__name",
                  "ci_class__is_service", "represents__id", "represents__name")

# How many rows of the walk (an item may come at several depths) are read
# per item asked for, at most.
WALK_ROWS_PER_ITEM = 4


def impact(ci, *, direction: str = Direction.DOWNSTREAM, depth: int = DEFAULT_DEPTH,
           limit: int = 1000) -> Impact:
    """What a failure of ``ci`` reaches (downstream), or what ``ci`` depends
    on (upstream), up to ``depth`` relationships away: each item with its
    depth (the fewest relationships from ``ci``) and a shortest path,
    nearest first, computed in the database."""
    depth = max(1, min(int(depth), MAX_DEPTH))
    to_source, to_target = _impact_types()
    if direction == Direction.DOWNSTREAM:
        # A failing target impacts the source: walk from targets to sources.
        near, far = "target_id", "source_id"
    else:
        near, far = "source_id", "target_id"
    first = ",".join(str(int(t)) for t in to_source)
    second = ",".join(str(int(t)) for t in to_target)
    if connection.vendor == "postgresql":
        join_walk = STEP_LATERAL.format(near=near, far=far, here="walk.ci", first=first,
                                        second=second)
        next_walk = "step.next_ci"
    else:
        join_walk = "JOIN cmdb_relationship r ON " + STEP_ON.format(
            near=near, far=far, here="walk.ci", first=first, second=second)
        next_walk = NEXT.format(near=near, far=far, here="walk.ci")
    sql = IMPACT_SQL.format(
        depth=depth, join_walk=join_walk, next_walk=next_walk,
        materialized="MATERIALIZED" if connection.vendor in ("postgresql", "sqlite") else "",
        # Back one step from an item reached: the same relationships, read
        # from the other end.
        step_back=STEP_ON.format(near=far, far=near, here="ranked.ci", first=first,
                                 second=second),
        prev=NEXT.format(near=far, far=near, here="ranked.ci"))
    cap = (limit + 1) * WALK_ROWS_PER_ITEM
    with connection.cursor() as cursor:
        cursor.execute(sql, [ci.pk, cap, limit + 1])
        walked = cursor.fetchall()
    rows = [row[:3] for row in walked]
    truncated = len(rows) > limit or (bool(walked) and walked[0][3] >= cap)
    rows = rows[:limit]
    parent = {pk: up for pk, _, up in rows}
    # What the faces show of an item reached (a thousand of them at once):
    # the rest of each row is left in the database.
    objs = ConfigurationItem.objects.select_related("ci_class", "represents").only(
        *REACHED_FIELDS).in_bulk([ci.pk, *parent])

    def path_to(pk):
        steps = [pk]
        while steps[-1] != ci.pk and steps[-1] in parent and len(steps) <= depth:
            steps.append(parent[steps[-1]])
        return [objs[p] for p in reversed(steps) if p in objs]

    items = [Reached(objs[pk], d, path_to(pk)) for pk, d, _ in rows if pk in objs]
    return Impact(ci, direction, depth, items, truncated)


NEIGHBOURHOOD_SQL = """
WITH RECURSIVE near(ci, depth) AS (
    SELECT CAST(%s AS BIGINT), 0
    UNION
    SELECT step.next_ci, near.depth + 1
    FROM near JOIN (
        SELECT r.source_id AS here, r.target_id AS next_ci FROM cmdb_relationship r
        UNION ALL
        SELECT r.target_id AS here, r.source_id AS next_ci FROM cmdb_relationship r
    ) step ON step.here = near.ci
    WHERE near.depth < %s
)
SELECT ci, MIN(depth) AS depth FROM near GROUP BY ci ORDER BY MIN(depth), ci LIMIT %s
"""

GRAPH_LIMIT = 300


def neighbourhood(ci, *, depth: int = 2, limit: int = GRAPH_LIMIT) -> dict:
    """The items within ``depth`` relationships of ``ci`` either way (the
    nearest ``limit``) and the relationships between them, as a graph
    library takes them: ``{"nodes": [...], "edges": [...]}``."""
    depth = max(1, min(int(depth), MAX_DEPTH))
    with connection.cursor() as cursor:
        cursor.execute(NEIGHBOURHOOD_SQL, [ci.pk, depth, limit])
        depths = dict(cursor.fetchall())
    items = ConfigurationItem.objects.select_related("ci_class").in_bulk(list(depths))
    rels = Relationship.objects.filter(source__in=list(depths), target__in=list(depths)) \
        .select_related("type")
    return {
        "centre": ci.pk,
        "depth": depth,
        "nodes": [{"data": {"id": str(pk), "label": items[pk].name,
                            "ci_class": items[pk].ci_class.name, "depth": d,
                            "service": items[pk].ci_class.is_service
                            or items[pk].represents_id is not None,
                            "url": items[pk].get_absolute_url()}}
                  for pk, d in depths.items() if pk in items],
        "edges": [{"data": {"id": f"r{r.pk}", "source": str(r.source_id),
                            "target": str(r.target_id), "label": r.type.name}}
                  for r in rels],
    }
