"""REST resources of the CMDB: /api/v1/cis (items, their relationships and
impact analysis), /api/v1/ci-classes (classes with their attribute
schemas), /api/v1/ci-relationship-types, /api/v1/ci-relationships,
/api/v1/ci-baselines (with their differences) and /api/v1/ci-import,
/api/v1/ci-export. Every change goes through services.py (and
transfer.py, baselines.py)."""

from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router
from ninja.decorators import decorate_view

from servista.core.api import get_object, idempotent, paginate, refuse_unknown_params
from servista.core.model_api import LIMIT, OFFSET, ModelAPI, errors
from servista.core.permissions import policy_for, restrict
from servista.core.serializers import json_response

from . import baselines, services, transfer
from .filtersets import CIFilterSet
from .models import Baseline, CIClass, ConfigurationItem, Relationship, RelationshipType
from .schemas import (
    BaselineIn,
    BaselineOut,
    CIClassIn,
    CIClassOut,
    CIIn,
    CIOut,
    CIPatch,
    DiffOut,
    ExportOut,
    ImpactOut,
    ImportIn,
    ImportOut,
    RelatedOut,
    RelationshipIn,
    RelationshipOut,
    RelationshipTypeIn,
    RelationshipTypeOut,
)


class CIAPI(ModelAPI):
    model = ConfigurationItem
    name = "cis"
    out_schema = CIOut
    create_schema = CIIn
    update_schema = CIPatch
    filterset = CIFilterSet

    def get_queryset(self, request):
        return ConfigurationItem.objects.select_related(
            "owner_group", "service", "organization", "owner", "represents")

    def create(self, request, data):
        return services.create_ci(request.auth, data)

    def update(self, request, obj, data, version):
        return services.update_ci(obj, request.auth, data)


cis = CIAPI()
router = cis.router()


def reached_out(reached) -> dict:
    ci = reached.ci
    return {"ci": {"id": ci.pk, "display": ci.name}, "ci_class": ci.ci_class_id,
            "depth": reached.depth,
            "path": [{"id": step.pk, "name": step.name} for step in reached.path],
            "service": {"id": ci.represents.pk, "display": ci.represents.name}
            if ci.represents_id else None}


def impact_out(result) -> dict:
    return {"origin": {"id": result.origin.pk, "display": result.origin.name},
            "direction": result.direction, "depth": result.depth,
            "truncated": result.truncated,
            "items": [reached_out(r) for r in result.items],
            "services": [reached_out(r) for r in result.services]}


@router.get("/{ident}/impact", response={200: ImpactOut, **errors(401, 404, 422)},
            operation_id="impact_cis",
            summary="Impact analysis: what a failure of the item reaches (downstream) or "
                    "what it depends on (upstream), each with its path and depth")
def ci_impact(request, ident: str,
              direction: Literal["downstream", "upstream"] = Query("downstream"),
              depth: int = Query(services.DEFAULT_DEPTH, ge=1, le=services.MAX_DEPTH),
              limit: int = Query(1000, ge=1, le=5000)):
    refuse_unknown_params(request, {"direction", "depth", "limit"})
    ci = cis.get_object(request, ident)
    result = services.impact(ci, direction=direction, depth=depth, limit=limit)
    return json_response(impact_out(result))


@router.get("/{ident}/relationships", response={200: list[RelatedOut], **errors(401, 404)},
            operation_id="relationships_cis",
            summary="The item's relationships, each read from its side")
def ci_relationships(request, ident: str):
    ci = cis.get_object(request, ident)
    return json_response([
        {"id": row["relationship"].pk, "verb": row["verb"], "direction": row["direction"],
         "other": {"id": row["other"].pk, "display": row["other"].name}}
        for row in services.relationships_of(ci)])


# --- classes ------------------------------------------------------------------------------


def class_out(ci_class, schemas) -> dict:
    parent = schemas.by_id.get(ci_class.parent_id)
    return {
        "id": ci_class.pk, "key": ci_class.key, "name": ci_class.name,
        "parent": parent.key if parent else None, "description": ci_class.description,
        "is_service": ci_class.is_service,
        "identification": list(schemas.identification(ci_class)),
        "attributes": [
            {"key": d.key, "label": d.label, "type": d.type, "required": d.required,
             "choices": d.choices or [],
             "reference_class": d.reference_class.key if d.reference_class else None,
             "defined_on": schemas.by_id[d.ci_class_id].key}
            for d in schemas.schema(ci_class).values()],
    }


class CIClassAPI(ModelAPI):
    model = CIClass
    name = "ci-classes"
    out_schema = CIClassOut
    create_schema = CIClassIn

    def create(self, request, data):
        data = dict(data)
        attributes = [dict(a) for a in data.pop("attributes", [])]
        return services.create_class(request.auth, {**self.resolve(data),
                                                    "attributes": attributes})

    def respond(self, obj, status=200, *, viewer=None, **headers):
        return json_response(class_out(obj, services.Schemas()), status, headers)

    def respond_page(self, page, viewer=None):
        schemas = services.Schemas()
        return json_response({**page, "items": [class_out(c, schemas) for c in page["items"]]})


class_router = CIClassAPI().router()


class RelationshipTypeAPI(ModelAPI):
    model = RelationshipType
    name = "ci-relationship-types"
    out_schema = RelationshipTypeOut
    create_schema = RelationshipTypeIn


type_router = RelationshipTypeAPI().router()


# --- relationships ------------------------------------------------------------------------

rel_router = Router(tags=["ci-relationships"])


def relationship_out(rel, cycle=False) -> dict:
    t = rel.type
    return {"id": rel.pk, "cycle": cycle,
            "type": {"id": t.pk, "key": t.key, "name": t.name, "reverse_name": t.reverse_name,
                     "impact": t.impact},
            "source": {"id": rel.source.pk, "display": rel.source.name},
            "target": {"id": rel.target.pk, "display": rel.target.name}}


@rel_router.post("", response={201: RelationshipOut, **errors(400, 401, 403, 404, 422)},
                 operation_id="create_ci_relationships",
                 summary="Relate two items (a cycle it closes is reported, not refused)")
@decorate_view(idempotent)
def create_relationship(request, payload: RelationshipIn):
    result = services.create_relationship(request.auth, payload.model_dump())
    return json_response(relationship_out(result.relationship, result.cycle), 201)


@rel_router.get("/{ident}", response={200: RelationshipOut, **errors(401, 404)},
                operation_id="get_ci_relationships", summary="Get a relationship")
def get_relationship(request, ident: str):
    rel = get_object(request, Relationship.objects.select_related("type", "source", "target"),
                     ident)
    return json_response(relationship_out(rel))


@rel_router.delete("/{ident}", response={204: None, **errors(401, 403, 404)},
                   operation_id="delete_ci_relationships", summary="Remove a relationship")
def delete_relationship(request, ident: str):
    rel = get_object(request, Relationship.objects.select_related("type", "source", "target"),
                     ident)
    services.delete_relationship(rel, request.auth)
    return HttpResponse(status=204)


# --- baselines ------------------------------------------------------------------------------

baseline_router = Router(tags=["ci-baselines"])


def baseline_out(baseline) -> dict:
    user = baseline.taken_by
    return {"id": baseline.pk, "name": baseline.name, "description": baseline.description,
            "taken_at": baseline.taken_at,
            "taken_by": {"id": user.pk, "username": user.username, "display": str(user)}
            if user else None,
            "item_count": len(baseline.items)}


@baseline_router.get("", response={200: list[BaselineOut], **errors(401, 422)},
                     operation_id="list_ci_baselines", summary="List baselines")
def list_baselines(request, limit: int | None = LIMIT, offset: int = OFFSET):
    refuse_unknown_params(request, {"limit", "offset"})
    qs = restrict(Baseline.objects.select_related("taken_by"), request.auth)
    page = paginate(qs, limit, offset)
    return json_response([baseline_out(b) for b in page["items"]])


@baseline_router.post("", response={201: BaselineOut, **errors(400, 401, 403, 404, 422)},
                      operation_id="create_ci_baselines",
                      summary="Freeze a set of items (by class, service or name) with their "
                              "attributes and relationships")
@decorate_view(idempotent)
def create_baseline(request, payload: BaselineIn):
    baseline = baselines.take(request.auth, payload.model_dump())
    return json_response(baseline_out(baseline), 201)


@baseline_router.get("/{ident}", response={200: BaselineOut, **errors(401, 404)},
                     operation_id="get_ci_baselines", summary="Get a baseline")
def get_baseline(request, ident: str):
    return json_response(baseline_out(
        get_object(request, Baseline.objects.select_related("taken_by"), ident)))


@baseline_router.get("/{ident}/diff", response={200: DiffOut, **errors(401, 404, 422)},
                     operation_id="diff_ci_baselines",
                     summary="What changed from the baseline to another one, or to now")
def diff_baseline(request, ident: str,
                  against: str | None = Query(None, max_length=150, pattern="^[^\x00]*$",
                                              description="Another baseline (default: now)")):
    refuse_unknown_params(request, {"against"})
    baseline = get_object(request, Baseline.objects.all(), ident)
    other = get_object(request, Baseline.objects.all(), against) if against else None
    return json_response(baselines.diff(baseline, other))


# --- import and export --------------------------------------------------------------------

transfer_router = Router(tags=["cis"])


@transfer_router.post("/ci-import", response={200: ImportOut, **errors(400, 401, 403, 422)},
                      operation_id="import_cis",
                      summary="Import items from CSV or JSON, reconciled by each class's "
                              "identification rules; dry_run stores nothing")
def import_cis(request, payload: ImportIn):
    policy_for(ConfigurationItem).require(request.auth, "import")
    report = transfer.import_text(request.auth, payload.content, payload.format,
                                  dry_run=payload.dry_run)
    return json_response(report.as_dict())


@transfer_router.get("/ci-export", response={200: ExportOut, **errors(401, 403, 422)},
                     operation_id="export_cis",
                     openapi_extra={"responses": {200: {
                         "description": "The items: JSON ({\"items\": [...]}) or CSV (a "
                                        "header line, then one line per item)",
                         "content": {"application/json": {"schema": {
                             "$ref": "#/components/schemas/ExportOut"}},
                             "text/csv": {"schema": {"type": "string"}}}}}},
                     summary="Export items as CSV or JSON, re-importable as they are")
def export_cis(request, format: Literal["csv", "json"] = Query("json"),
               ci_class: str | None = Query(None, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$",
                                            description="Only this class (and below), by "
                                                        "key")):
    refuse_unknown_params(request, {"format", "ci_class"})
    policy_for(ConfigurationItem).require(request.auth, "view")
    qs = restrict(ConfigurationItem.objects.all(), request.auth)
    text = transfer.export_text(qs, format, ci_class=ci_class)
    content_type = "text/csv" if format == "csv" else "application/json"
    return HttpResponse(text, content_type=f"{content_type}; charset=utf-8")


ROUTES = [("/cis", router), ("/ci-classes", class_router),
          ("/ci-relationship-types", type_router), ("/ci-relationships", rel_router),
          ("/ci-baselines", baseline_router), ("", transfer_router)]
