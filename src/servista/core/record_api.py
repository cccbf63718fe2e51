"""Generic REST resources: a model's list, detail, create and update
endpoints (``ModelAPI``), plus, for work records, the journal and links
(``RecordAPI``). An app subclasses one, names its model, schemas and filter
set, implements ``create``/``update`` by calling its services, and registers
it on a router.
"""

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from servista.core import search
from servista.core import services as records
from servista.core.api import (
    ErrorOut,
    apply_filterset,
    expected_version,
    get_object,
    idempotent,
    paginate,
    refuse_unknown_params,
    resolve_ref,
)
from servista.core.exceptions import ValidationFailed
from servista.core.filtersets import query_schema
from servista.core.permissions import policy_for
from servista.core.schemas import JournalEntryIn, JournalEntryOut, LinkIn, LinkOut, Page
from servista.core.serializers import Dumper, json_response

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          412: ErrorOut, 422: ErrorOut}


def _errors(*codes):
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
    number_field: str | None = None  # look-up by number as well as id
    tags: list[str] | None = None
    # Re-read a created object through get_queryset() before answering; off
    # when the create service leaves every related object the answer shows
    # in memory (saves a query on the hottest write path).
    reload_after_create = True

    def get_queryset(self, request):
        return self.model._default_manager.all()

    def get_object(self, request, ident):
        return get_object(request, self.get_queryset(request), ident,
                          number_field=self.number_field)

    # {field: (model, look-up fields)}: references accepted by id or name.
    ref_fields: dict = {}

    def resolve(self, data: dict) -> dict:
        out = dict(data)
        for name, (model, lookups) in self.ref_fields.items():
            if name not in out:
                continue
            if isinstance(out[name], list):
                out[name] = [resolve_ref(model, v, name, lookups=lookups) for v in out[name]]
            else:
                out[name] = resolve_ref(model, out[name], name, lookups=lookups)
        return out

    def create(self, request, data: dict):
        """Reference data: policy check and model validation (core services).
        Work records override this with their practice's services."""
        return records.create_object(self.model, request.auth, self.resolve(data))

    def update(self, request, obj, data: dict, version: int | None):
        return records.update_object(obj, request.auth, self.resolve(data))

    def reload(self, request, obj):
        """The object as the list/detail endpoints return it (related rows joined)."""
        return self.get_queryset(request).get(pk=obj.pk)

    def respond_page(self, page: dict) -> HttpResponse:
        dump = Dumper(self.out_schema)
        return json_response({**page, "items": [dump(obj) for obj in page["items"]]})

    def respond(self, obj, status: int = 200, **headers) -> HttpResponse:
        """The object as ``out_schema`` describes it, with its ETag."""
        if hasattr(obj, "etag"):
            headers["ETag"] = obj.etag
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
            @router.get("", response={200: Page[Out], **_errors(401, 422)},
                        operation_id=f"list_{name}", summary=f"List {plural}")
            def list_objects(request, filters: Query[Filters], limit: int | None = None,
                             offset: int = 0):
                refuse_unknown_params(request, known_params)
                qs = policy_for(resource.model).scope(request.auth,
                                                      resource.get_queryset(request))
                params = filters.model_dump(exclude_none=True)
                qs = apply_filterset(resource.filterset, request, qs, params)
                # Searched lists count exactly only up to the search's own limit.
                exact = search.EXACT_COUNT_LIMIT if params.get("q") else None
                return resource.respond_page(paginate(qs, limit, offset, exact_up_to=exact))
        else:
            @router.get("", response={200: Page[Out], **_errors(401, 422)},
                        operation_id=f"list_{name}", summary=f"List {plural}")
            def list_objects(request, limit: int | None = None, offset: int = 0):
                refuse_unknown_params(request, known_params)
                qs = policy_for(resource.model).scope(request.auth,
                                                      resource.get_queryset(request))
                return resource.respond_page(paginate(qs, limit, offset))

        @router.get("/{ident}", response={200: Out, **_errors(401, 404)},
                    operation_id=f"get_{name}", summary=f"Get a {verbose}")
        def get_one(request, ident: str):
            return resource.respond(resource.get_object(request, ident))

        if self.create_schema is not None:
            CreateIn = self.create_schema

            @router.post("", response={201: Out, **_errors(401, 403, 404, 409, 422)},
                         operation_id=f"create_{name}", summary=f"Create a {verbose}")
            @decorate_view(idempotent)
            def create_one(request, payload: CreateIn):
                obj = resource.create(request, payload.model_dump(exclude_unset=True))
                if resource.reload_after_create:
                    obj = resource.reload(request, obj)
                return resource.respond(obj, 201,
                                        Location=f"{request.path.rstrip('/')}/{obj.pk}")

        if self.update_schema is not None:
            UpdateIn = self.update_schema

            @router.patch("/{ident}", response={200: Out, **ERRORS},
                          operation_id=f"update_{name}", summary=f"Update a {verbose}")
            def update_one(request, ident: str, payload: UpdateIn):
                obj = resource.get_object(request, ident)
                data = payload.model_dump(exclude_unset=True)
                version = expected_version(request, data.pop("version", None))
                obj = resource.update(request, obj, data, version)
                return resource.respond(resource.reload(request, obj))


class RecordAPI(ModelAPI):
    """Work records: number look-up, the activity stream and links."""

    number_field = "number"

    def add_entry(self, request, obj, kind: str, body: str):
        """Add a comment or work note; apps route this through their services."""
        raise NotImplementedError(f"{type(self).__name__} does not take journal entries")

    def action(self, router: Router, path: str, schema, summary: str, *, name: str | None = None):
        """Declare ``POST /{ident}/<path>`` taking ``schema``: the decorated
        function ``(request, obj, data: dict, version) -> obj`` calls a
        service; the answer is the record with its new ETag."""
        resource = self
        op = (name or path).replace("-", "_")
        Out = self.out_schema

        def decorator(func):
            @router.post(f"/{{ident}}/{path}", response={200: Out, **ERRORS},
                         operation_id=f"{op}_{self.name.replace('-', '_')}", summary=summary)
            @decorate_view(idempotent)
            def endpoint(request, ident: str, payload: schema):
                obj = resource.get_object(request, ident)
                data = payload.model_dump(exclude_unset=True)
                version = expected_version(request, data.pop("version", None))
                obj = func(request, obj, data, version)
                return resource.respond(resource.reload(request, obj))

            endpoint.__name__ = f"{op}_endpoint"
            return func

        return decorator

    def add_routes(self, router: Router) -> None:
        super().add_routes(router)
        resource = self
        name = self.name.replace("-", "_")

        @router.get("/{ident}/journal", response={200: list[JournalEntryOut], **_errors(401, 404)},
                    operation_id=f"journal_{name}",
                    summary="Activity stream (comments, work notes, field changes)")
        def journal(request, ident: str):
            obj = resource.get_object(request, ident)
            return [
                {
                    "id": entry.pk, "kind": entry.kind, "body": entry.body, "changes": changes,
                    "actor": entry.actor, "created_at": entry.created_at,
                    "origin": entry.origin, "correlation_id": entry.correlation_id,
                }
                for entry, changes in records.visible_journal(obj, request.auth)
            ]

        @router.post("/{ident}/comments", response={201: JournalEntryOut, **ERRORS},
                     operation_id=f"comment_{name}",
                     summary="Add a comment (public) or work note (private to staff)")
        @decorate_view(idempotent)
        def add_comment(request, ident: str, payload: JournalEntryIn):
            obj = resource.get_object(request, ident)
            try:
                entry = resource.add_entry(request, obj, payload.kind, payload.body)
            except ValidationFailed as exc:
                # The journal names the entry ("comment", "work_note"); the
                # client sent its text as "body".
                exc.errors = {("body" if key in ("comment", "work_note") else key): messages
                              for key, messages in exc.errors.items()}
                raise
            return Status(201, entry)

        @router.get("/{ident}/links", response={200: list[LinkOut], **_errors(401, 404)},
                    operation_id=f"links_{name}", summary="Linked records")
        def list_links(request, ident: str):
            obj = resource.get_object(request, ident)
            return [_link_out(row) for row in records.links_of(obj)
                    if row["other"] is not None and _visible(request.auth, row["other"])]

        @router.post("/{ident}/links", response={201: LinkOut, **ERRORS},
                     operation_id=f"link_{name}", summary="Link this record to another")
        @decorate_view(idempotent)
        def add_link(request, ident: str, payload: LinkIn):
            obj = resource.get_object(request, ident)
            policy_for(type(obj)).require(request.auth, "change", obj)
            target = records.find_record(payload.target)
            if not _visible(request.auth, target):
                raise ValidationFailed.field("target", f"Record {payload.target} does not exist.")
            link = records.link(obj, target, request.auth, payload.kind)
            return Status(201, _link_out({"link": link, "direction": "outgoing",
                                          "other": target}))


def _visible(user, record) -> bool:
    model = type(record)
    return policy_for(model).scope(user, model._default_manager.filter(pk=record.pk)).exists()


def _link_out(row) -> dict:
    other = row["other"]
    return {
        "id": row["link"].pk,
        "kind": row["link"].kind,
        "direction": row["direction"],
        "other": getattr(other, "number", str(other.pk)),
        "other_display": str(getattr(other, "short_description", other)),
        "created_at": row["link"].created_at,
    }
