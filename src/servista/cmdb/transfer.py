"""Import and export of configuration items, CSV and JSON.

A row reconciles with an existing item through its class's identification
rules (e.g. serial number, then host name, then name; the ``identifier``
column first when present) instead of duplicating it. Every row is checked
by the same rules as the API's (class, choices, typed attributes, unique
name, permissions); a bad row is reported with its line and reason and
never stops nor corrupts the good ones. A dry run reports what would be
created, updated, left alone or rejected and stores nothing. Rows are
written in chunks (a few queries per chunk, not per row) so that large
files go fast; the export writes the same columns, so that it re-imports
unchanged.
"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from servista.accounts.models import Group, Organization, User
from servista.catalog.models import Service
from servista.core import audit, context, lookup
from servista.core.bulk import insert_rows, update_rows
from servista.core.exceptions import DomainError, ValidationFailed
from servista.core.models import JournalEntry
from servista.core.models.journal import JournalKind
from servista.core.permissions import policy_for

from . import services
from .choices import AttributeType
from .models import ConfigurationItem

CHUNK = 2000
TEXT_FIELDS = ("name", "short_name", "abbreviations", "description", "status", "environment",
               "criticality")
REF_FIELDS = {"organization": (Organization, ("name",)), "owner_group": (Group, ("name",)),
              "owner": (User, ("username",)), "service": (Service, ("name",)),
              "represents": (Service, ("name",))}
COLUMNS = ("identifier", "name", "ci_class", "short_name", "abbreviations", "status",
           "environment", "criticality", "organization", "owner_group", "owner", "service",
           "represents", "description")
JOINED = ("ci_class", "organization", "owner_group", "owner", "service", "represents")


@dataclass
class RowResult:
    line: int
    outcome: str          # created, updated, unchanged, rejected
    name: str
    reason: str = ""


@dataclass
class Report:
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run,
                **{o: self.count(o) for o in ("created", "updated", "unchanged", "rejected")},
                "rows": [r.__dict__ for r in self.rows if r.outcome != "unchanged"]}


class Rejected(Exception):
    pass


# --- reading files --------------------------------------------------------------------


def read_rows(text: str, fmt: str) -> list[tuple[int, dict]]:
    """(line, row) of every row: CSV lines (the header is line 1), or the
    position of each object of a JSON list (1 for the first)."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        rows, start = [], 2
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
        return rows
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed.field("content", f"Not JSON: {exc}.")
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise ValidationFailed.field("content", "A JSON list of items (or {\"items\": [...]}).")
    return [(i + 1, item) for i, item in enumerate(data)]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


# --- importing ------------------------------------------------------------------------


class Importer:
    def __init__(self, actor, *, dry_run: bool):
        self.actor = actor
        self.dry_run = dry_run
        self.schemas = services.Schemas()
        self.refs: dict = {}
        self.policy = policy_for(ConfigurationItem)
        self.may_create = self.policy.can(actor, "create")
        self.content_type = ContentType.objects.get_for_model(ConfigurationItem)
        # Items this import made or changed, by identity (later rows see them).
        self.seen_names: dict[str, ConfigurationItem] = {}
        self.seen_keys: dict[tuple, ConfigurationItem] = {}

    def ref(self, name: str, value):
        model, fields = REF_FIELDS[name]
        value = _text(value)
        if not value:
            return None
        key = (name, value)
        if key not in self.refs:
            self.refs[key] = lookup.find(model._default_manager.all(), value, fields=fields)
        if self.refs[key] is None:
            raise Rejected(f"{name}: no {model._meta.verbose_name} '{value}'.")
        return self.refs[key]

    # -- one chunk --

    def candidates(self, rows) -> dict:
        """Existing items that rows of the chunk may name, by identity."""
        wanted: dict[str, set] = {"identifier": set(), "name": set()}
        for _, row in rows:
            if not isinstance(row, dict):
                continue
            for key, value in self._identity_values(row):
                wanted.setdefault(key, set()).add(value)
            if _text(row.get("name")):
                wanted["name"].add(_text(row.get("name")))
        found: dict[tuple, list] = {}
        qs = ConfigurationItem.objects.select_related(*JOINED)
        for key, values in wanted.items():
            if not values:
                continue
            if key in ("identifier", "name", "short_name"):
                values = [v for v in values if key != "identifier" or _is_uuid(v)]
                items = qs.filter(**{f"{key}__in": values}) if values else []
                for ci in items:
                    found.setdefault((key, str(getattr(ci, key))), []).append(ci)
            else:
                for ci in qs.filter(**{f"attributes__{key}__in": list(values)}):
                    found.setdefault((key, _text(ci.attributes.get(key))), []).append(ci)
        return found

    def _class_of(self, row):
        value = _text(row.get("ci_class"))
        if not value:
            return None
        ci_class = self.schemas.get(value) or next(
            (c for c in self.schemas.classes.values() if c.name == value), None)
        if ci_class is None:
            raise Rejected(f"ci_class: no CI class '{value}'.")
        return ci_class

    def _identity_values(self, row):
        try:
            ci_class = self._class_of(row)
        except Rejected:
            ci_class = None
        keys = ["identifier", *(self.schemas.identification(ci_class) if ci_class
                                else services.DEFAULT_IDENTIFICATION)]
        attrs = row.get("attributes") if isinstance(row.get("attributes"), dict) else {}
        for key in keys:
            value = _text(row.get(key, attrs.get(key)))
            if value:
                yield key, value

    def identify(self, row, found) -> ConfigurationItem | None:
        for key, value in self._identity_values(row):
            if (key, value) in self.seen_keys:
                return self.seen_keys[(key, value)]
            matches = found.get((key, value), [])
            if len(matches) > 1:
                raise Rejected(f"{key} '{value}' names {len(matches)} items; cannot tell which.")
            if matches:
                return matches[0]
        return None

    def values(self, row, existing) -> tuple[dict, dict]:
        """(fields, attributes) the row asks for, checked."""
        data = {}
        for name in TEXT_FIELDS:
            if name in row and row[name] is not None and (_text(row[name]) or name in
                                                           ("short_name", "abbreviations",
                                                            "description")):
                data[name] = _text(row[name]) if name != "description" else str(row[name])
        for name in REF_FIELDS:
            if name in row:
                data[name] = self.ref(name, row[name])
        ci_class = self._class_of(row)
        if ci_class is None and existing is None:
            raise Rejected("ci_class: required for a new item.")
        data["ci_class"] = ci_class or existing.ci_class
        given = {}
        if isinstance(row.get("attributes"), dict):
            given.update(row["attributes"])
        for key, value in row.items():
            if key not in COLUMNS and key != "attributes" and key is not None:
                given[key] = value
        attributes = dict(existing.attributes) if existing is not None else {}
        schema = self.schemas.schema(data["ci_class"])
        for key, value in given.items():
            if value is None or _text(value) == "":
                if key in schema:
                    attributes.pop(key, None)
                continue
            definition = schema.get(key)
            if definition is not None and definition.type == AttributeType.REFERENCE:
                value = self._reference_value(definition, value)
            attributes[key] = value
        try:
            attributes = services.clean_attributes(data["ci_class"], attributes,
                                                   schemas=self.schemas, from_text=True)
        except ValidationFailed as exc:
            raise Rejected("; ".join(f"{k}: {m[0]}" for k, m in exc.errors.items()))
        return data, attributes

    def _reference_value(self, definition, value):
        # Names of items are looked up once per import.
        key = ("reference", _text(value))
        if key not in self.refs:
            self.refs[key] = lookup.find(ConfigurationItem.objects.all(), _text(value),
                                         fields=("name",))
        target = self.refs[key]
        if target is None:
            raise Rejected(f"attributes.{definition.key}: no configuration item '{value}'.")
        return target.pk

    def process(self, chunk, report: Report) -> None:
        found = self.candidates(chunk)
        creates, updates = [], []
        for line, row in chunk:
            name = _text(row.get("name")) if isinstance(row, dict) else ""
            try:
                if not isinstance(row, dict):
                    raise Rejected("An item must be an object.")
                existing = self.identify(row, found)
                data, attributes = self.values(row, existing)
                outcome, obj, before = self.apply(existing, data, attributes, found)
            except Rejected as exc:
                report.rows.append(RowResult(line, "rejected", name, str(exc)))
                continue
            except DomainError as exc:
                report.rows.append(RowResult(line, "rejected", name, exc.detail))
                continue
            result = RowResult(line, outcome, obj.name)
            report.rows.append(result)
            if outcome == "created":
                creates.append((result, obj))
            elif outcome == "updated":
                updates.append((result, obj, before))
        if not self.dry_run:
            self.write(creates, updates, report)

    def apply(self, existing, data, attributes, found):
        name = data.get("name") or (existing.name if existing else "")
        if not name:
            raise Rejected("name: required for a new item.")
        other = self.seen_names.get(name) or next(iter(found.get(("name", name), [])), None)
        same = existing is not None and (other is existing or (
            other is not None and other.pk is not None and other.pk == existing.pk))
        if other is not None and not same:
            raise Rejected(f"name: '{name}' is the name of another item.")
        if existing is None:
            if not self.may_create:
                raise Rejected("Your role does not allow creating items.")
            obj = ConfigurationItem(attributes=attributes, **data)
            before = None
        else:
            if not self.policy.can(self.actor, "change", existing):
                raise Rejected("Your role does not allow changing this item.")
            before = audit.snapshot(existing) if existing.pk else None
            obj = existing
            changed = attributes != existing.attributes
            for key, value in data.items():
                current = getattr(existing, key)
                if (current.pk if hasattr(current, "pk") else current) != \
                        (value.pk if hasattr(value, "pk") else value):
                    changed = True
            if not changed:
                return "unchanged", existing, None
            if existing.pk is not None:
                # A copy: a rejected write must not leave the cache changed.
                obj = ConfigurationItem.objects.select_related(*JOINED).get(pk=existing.pk) \
                    if self.dry_run else existing
            for key, value in data.items():
                setattr(obj, key, value)
            obj.attributes = attributes
        if data.get("represents") is not None and not self.schemas.is_service(data["ci_class"]):
            raise Rejected("represents: only an item of a service class represents a service.")
        try:
            obj.clean_fields(exclude=[f.name for f in ConfigurationItem._meta.concrete_fields
                                      if f.is_relation] + ["identifier", "attributes"])
        except ValidationError as exc:
            raise Rejected("; ".join(f"{k}: {m[0]}" for k, m in exc.message_dict.items()))
        self.seen_names[name] = obj
        for key, value in self._identity_values({**{k: getattr(obj, k, "") for k in
                                                    ("name", "short_name")},
                                                 "identifier": str(obj.identifier),
                                                 "ci_class": obj.ci_class.key,
                                                 "attributes": obj.attributes}):
            self.seen_keys[(key, value)] = obj
        if existing is not None and existing.name != name:
            self.seen_names.pop(existing.name, None)
        return ("created" if existing is None or existing.pk is None else "updated"), obj, before

    # -- writing --

    def entry(self, obj, changes, body) -> JournalEntry:
        ctx = context.current()
        return JournalEntry(content_type=self.content_type, object_id=obj.pk,
                            kind=JournalKind.CHANGE, body=body, changes=changes,
                            actor=self.actor, origin=ctx.origin,
                            correlation_id=ctx.correlation_id)

    def write(self, creates, updates, report) -> None:
        if not creates and not updates:
            return
        try:
            with transaction.atomic():
                self._write_all(creates, updates)
        except DatabaseError:
            # One row the checks let through and the database refuses: write
            # the rows one by one, each on its own, to find it.
            for result, obj in creates:
                obj.pk = None
                obj._state.adding = True
                self._write_one(result, lambda r=result, o=obj: self._write_all([(r, o)], []))
            for result, obj, before in updates:
                self._write_one(result, lambda r=result, o=obj, b=before:
                                self._write_all([], [(r, o, b)]))

    def _write_one(self, result, write):
        try:
            with transaction.atomic():
                write()
        except DatabaseError as exc:
            result.outcome, result.reason = "rejected", f"refused by the database: {exc}"

    def _write_all(self, creates, updates):
        made = insert_rows([obj for _, obj in creates])
        entries = [self.entry(obj, audit.creation_changes(obj), "Imported")
                   for obj in made]
        if updates:
            update_rows(
                [obj for _, obj, _ in updates],
                ["name", "short_name", "abbreviations", "description", "status",
                 "environment", "criticality", "ci_class", "organization", "owner_group",
                 "owner", "service", "represents", "attributes"])
            entries += [self.entry(obj, audit.diff(before, audit.snapshot(obj)),
                                   "Updated by an import") for _, obj, before in updates]
        insert_rows(entries)
        # The graph follows each item's service, as for every other write
        # (rows that name no service and change none cost nothing here).
        for obj in made:
            services.sync_service_relationship(obj, self.actor, None, schemas=self.schemas)
        for _, obj, before in updates:
            old = before["service"].raw if before else None
            if old != obj.service_id:
                services.sync_service_relationship(obj, self.actor, old, schemas=self.schemas)


def import_rows(actor, rows, *, dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None) -> Report:
    """Import ``rows`` ([(line, row)]); see the module's description."""
    importer = Importer(actor, dry_run=dry_run)
    report = Report(dry_run=dry_run)
    total = len(rows)
    for start in range(0, total, CHUNK):
        importer.process(rows[start:start + CHUNK], report)
        if progress is not None:
            progress(min(start + CHUNK, total), total)
    report.rows.sort(key=lambda r: r.line)
    return report


def import_text(actor, text: str, fmt: str, *, dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None) -> Report:
    if not policy_for(ConfigurationItem).can(actor, "import"):
        from servista.core.exceptions import Forbidden

        raise Forbidden("Your role does not allow importing configuration items.")
    return import_rows(actor, read_rows(text, fmt), dry_run=dry_run, progress=progress)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# --- exporting ------------------------------------------------------------------------


def export_rows(queryset, *, ci_class: str | None = None) -> tuple[list[str], list[dict]]:
    """(columns, rows) of the items, as the import reads them back."""
    schemas = services.Schemas()
    if ci_class:
        found = schemas.get(ci_class)
        queryset = queryset.filter(ci_class__in=schemas.descendants(found)) if found \
            else queryset.none()
    items = list(queryset.select_related(*JOINED).order_by("pk"))
    reference_keys = {d.key for c in schemas.classes.values() for d in
                      schemas.schema(c).values() if d.type == AttributeType.REFERENCE}
    referenced = {v for ci in items for k, v in ci.attributes.items() if k in reference_keys}
    names = dict(ConfigurationItem.objects.filter(pk__in=referenced).values_list("pk", "name")) \
        if referenced else {}
    attribute_keys = sorted({k for ci in items for k in ci.attributes})
    rows = []
    for ci in items:
        row = {"identifier": str(ci.identifier), "name": ci.name, "ci_class": ci.ci_class_id,
               "short_name": ci.short_name, "abbreviations": ci.abbreviations,
               "status": ci.status, "environment": ci.environment,
               "criticality": ci.criticality,
               "organization": ci.organization.name if ci.organization else "",
               "owner_group": ci.owner_group.name if ci.owner_group else "",
               "owner": ci.owner.username if ci.owner else "",
               "service": ci.service.name if ci.service else "",
               "represents": ci.represents.name if ci.represents else "",
               "description": ci.description,
               "attributes": {k: names.get(v, v) if k in reference_keys else v
                              for k, v in ci.attributes.items()}}
        rows.append(row)
    return [*COLUMNS, *attribute_keys], rows


def export_text(queryset, fmt: str, *, ci_class: str | None = None) -> str:
    columns, rows = export_rows(queryset, ci_class=ci_class)
    if fmt == "json":
        return json.dumps({"items": rows}, indent=1, ensure_ascii=False)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        attributes = row.pop("attributes")
        writer.writerow({**row, **{k: _cell(v) for k, v in attributes.items()}})
    return out.getvalue()


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
