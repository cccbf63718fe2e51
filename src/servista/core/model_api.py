"""Generic REST resources: a model's list, detail, create and update
endpoints and its change history (``ModelAPI``). An app subclasses it, names
its model, schemas and filter set, and registers it on a router; work
records use ``core.records.api.RecordAPI``, which adds the journal, links,
actions and bulk.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from ninja import Query, Router
from ninja.decorators import decorate_view

from servista.core import lookup, search
from servista.core import services as records
from servista.core.api import (
    MAX_OFFSET,
    ErrorOut,
    apply_filterset,
    expected_version,
    get_object,
    idempotent,
    paginate,
    refuse_unknown_params,
)
from servista.core.context import viewing_as
from servista.core.filtersets import query_schema
from servista.core.permissions import policy_for
from servista.core.schemas import JournalEntryOut, Page
from servista.core.serializers import Dumper, json_response

# Every answer an update may give besides success: 400 for a body that is
# not JSON, 412 for a stale If-Match, 428 when the server requires one.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          412: ErrorOut, 422: ErrorOut, 428: ErrorOut}


# The bounds of a page, as the OpenAPI document states them.
LIMIT = Query(None, ge=1, le=settings.SERVISTA["MAX_PAGE_SIZE"],
              description="Items per page (default PAGE_SIZE)")
OFFSET = Query(0, ge=0, le=MAX_OFFSET)


def errors(*codes):
    return dict.fromkeys(codes, ErrorOut)


def _mark_read_only(schema, out_schema) -> None:
    """Fields of the answer that the input does not take: sending one back
    answers "cannot be changed" (rather than "unknown field")."""
    if schema is not None and out_schema is not None:
        schema.read_only_fields = schema.read_only_fields | (
            frozenset(out_schema.model_fields) - frozenset(schema.model_fields))


class ModelAPI:
    # model -> its resource, so tests can check answers against out_schema
    registry: dict = {}

    model = None
    name = ""              # resource name in URLs and operation ids: "incidents"
    out_schema = None
    create_schema = None
    update_schema = None
    filterset = None
    tags: list[str] | None = None
    # Re-read a created object through get_queryset() before answering; off
    # when the create service leaves every related object the answer shows
    # in memory (saves a query on the hottest write path).
    reload_after_create = True

    def get_queryset(self, request):
        return self.model._default_manager.all()

    def get_object(self, request, ident):
        return get_object(request, self.get_queryset(request), ident)

    def resolve(self, data: dict, extra: dict | None = None) -> dict:
        """References in an input (by id, number or name) as objects: the
        model's relation fields, and ``extra`` ({key: model})."""
        return lookup.resolve_refs(self.model, data, extra=extra)

    def create(self, request, data: dict):
        """Reference data: policy check and model validation (core services).
        Work records override this with their practice's services."""
        return records.create_object(self.model, request.auth, self.resolve(data))

    def update(self, request, obj, data: dict, version: int | None):
        return records.update_object(obj, request.auth, self.resolve(data))

    def reload(self, request, obj):
        """The object as the list/detail endpoints return it (related rows joined)."""
        return self.get_queryset(request).get(pk=obj.pk)

    def respond_page(self, page: dict, viewer=None) -> HttpResponse:
        dump = Dumper(self.out_schema)
        with viewing_as(viewer):
            return json_response({**page, "items": [dump(obj) for obj in page["items"]]})

    def respond(self, obj, status: int = 200, *, viewer=None, **headers) -> HttpResponse:
        """The object as ``out_schema`` describes it to ``viewer`` (what
        they may see of related records), with its ETag."""
        if hasattr(obj, "etag"):
            headers["ETag"] = obj.etag
        with viewing_as(viewer):
            return json_response(Dumper(self.out_schema)(obj), status, headers)

    # --- routes --------------------------------------------------------------

    def router(self) -> Router:
        router = Router(tags=self.tags or [self.name])
        self.add_routes(router)
        return router

    def add_routes(self, router: Router) -> None:
        ModelAPI.registry[self.model] = self
        resource = self
        name = self.name.replace("-", "_")
        Out = self.out_schema
        verbose = self.model._meta.verbose_name
        plural = self.model._meta.verbose_name_plural
        Filters = query_schema(self.filterset, f"{self.model.__name__}Filters") \
            if self.filterset else None
        _mark_read_only(self.create_schema, Out)
        _mark_read_only(self.update_schema, Out)
        known_params = {"limit", "offset", *(Filters.model_fields if Filters else ())}

        if Filters is not None:
            @router.get("", response={200: Page[Out], **errors(401, 422)},
                        operation_id=f"list_{name}", summary=f"List {plural}")
            def list_objects(request, filters: Query[Filters], limit: int | None = LIMIT,
                             offset: int = OFFSET):
                refuse_unknown_params(request, known_params)
                qs = policy_for(resource.model).scope(request.auth,
                                                      resource.get_queryset(request))
                params = filters.model_dump(exclude_none=True)
                qs = apply_filterset(resource.filterset, request, qs, params)
                # Searched lists count exactly only up to the search's own limit.
                searched = bool(params.get("q"))
                return resource.respond_page(paginate(
                    qs, limit, offset, exact_up_to=search.EXACT_COUNT_LIMIT if searched else None,
                    estimate_from=search.ESTIMATE_FROM if searched else None), request.auth)
        else:
            @router.get("", response={200: Page[Out], **errors(401, 422)},
                        operation_id=f"list_{name}", summary=f"List {plural}")
            def list_objects(request, limit: int | None = LIMIT, offset: int = OFFSET):
                refuse_unknown_params(request, known_params)
                qs = policy_for(resource.model).scope(request.auth,
                                                      resource.get_queryset(request))
                return resource.respond_page(paginate(qs, limit, offset), request.auth)

        @router.get("/{ident}", response={200: Out, **errors(401, 404)},
                    operation_id=f"get_{name}", summary=f"Get a {verbose}")
        def get_one(request, ident: str):
            return resource.respond(resource.get_object(request, ident), viewer=request.auth)

        if self.create_schema is not None:
            CreateIn = self.create_schema

            @router.post("", response={201: Out, **errors(400, 401, 403, 404, 409, 422)},
                         operation_id=f"create_{name}", summary=f"Create a {verbose}")
            @decorate_view(idempotent)
            def create_one(request, payload: CreateIn):
                obj = resource.create(request, payload.model_dump(exclude_unset=True))
                if resource.reload_after_create:
                    obj = resource.reload(request, obj)
                return resource.respond(obj, 201, viewer=request.auth,
                                        Location=f"{request.path.rstrip('/')}/{obj.pk}")

        if self.update_schema is not None:
            UpdateIn = self.update_schema

            @router.patch("/{ident}", response={200: Out, **ERRORS},
                          operation_id=f"update_{name}", summary=f"Update a {verbose}")
            def update_one(request, ident: str, payload: UpdateIn):
                obj = resource.get_object(request, ident)
                data = payload.model_dump(exclude_unset=True)
                version = expected_version(request, data.pop("version", None))
                # Read back under the update's row lock: the answer shows the
                # version this request wrote, not a later one.
                with transaction.atomic():
                    obj = resource.update(request, obj, data, version)
                    return resource.respond(resource.reload(request, obj), viewer=request.auth)

        self.add_history_route(router)

    def history(self, request, obj) -> list[dict]:
        """The object's change history (every change, with actor and origin)."""
        policy_for(self.model).require(request.auth, "view_history", obj)
        return [journal_out(entry, entry.changes) for entry in records.journal(obj)]

    def add_history_route(self, router: Router) -> None:
        resource = self
        name = self.name.replace("-", "_")

        @router.get("/{ident}/journal",
                    response={200: list[JournalEntryOut], **errors(401, 403, 404)},
                    operation_id=f"journal_{name}",
                    summary="History: every change, with who made it, when and how")
        def history(request, ident: str):
            return resource.history(request, resource.get_object(request, ident))


def journal_out(entry, changes, files_url=None) -> dict:
    """An entry as the API shows it; ``files_url(attachment)`` is where a
    file's content is read (the record's resource knows)."""
    return {
        "id": entry.pk, "kind": entry.kind, "body": entry.body, "changes": changes,
        "actor": entry.actor, "created_at": entry.created_at,
        "origin": entry.origin, "correlation_id": entry.correlation_id,
        "attachments": [attachment_out(a, files_url) for a in getattr(entry, "files", ())],
        "time_spent": entry.time_spent,
        "mentions": [p.username for p in mentioned(entry)],
    }


def mentioned(entry) -> list:
    """The colleagues an entry mentions (kept on a new entry, else read
    through the journal's prefetch)."""
    found = getattr(entry, "mentioned", None)
    if found is None:
        found = [m.user for m in entry.mentions.all()]
    return found


def attachment_out(attachment, files_url=None) -> dict:
    return {
        "id": attachment.pk, "entry": attachment.entry_id, "name": attachment.name,
        "size": attachment.size, "content_type": attachment.mimetype,
        "sha256": attachment.sha256, "internal": attachment.internal,
        "uploaded_by": attachment.uploaded_by, "uploaded_at": attachment.uploaded_at,
        "url": files_url(attachment) if files_url else attachment.get_absolute_url(),
    }
