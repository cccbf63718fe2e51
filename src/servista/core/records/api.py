"""The REST resource of a kind of work record: list, detail, create and
update (``ModelAPI``), plus the activity stream, comments and work notes,
links, one route per declared action, and bulk.

    class ChoreAPI(RecordAPI):
        model = Chore
        name = "chores"
        service = services.rules
        actions = ACTIONS
        # The schemas, the filters and the bulk body are the kit's unless
        # declared (out_schema, create_schema, update_schema, filterset,
        # bulk_schema).

    ROUTES = [("/chores", ChoreAPI().router())]   # found by servista.api
"""

from typing import Literal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import FileResponse
from ninja import File, Form, Router, Status, UploadedFile
from ninja.decorators import decorate_view
from pydantic import create_model

from servista.core import attachments, lookup, time_spent, watchers
from servista.core import services as records
from servista.core.api import expected_version, idempotent
from servista.core.exceptions import NotFound, ValidationFailed
from servista.core.model_api import ERRORS, ModelAPI, attachment_out, errors, journal_out
from servista.core.permissions import policy_for, restrict
from servista.core.schemas import (
    AttachmentOut,
    BulkOut,
    JournalEntryIn,
    JournalEntryOut,
    LinkIn,
    LinkOut,
    ReasonIn,
    UserRef,
)

from .actions import ActionSet
from .filtersets import filterset_for
from .schemas import WatcherIn, WorkRecordIn, WorkRecordOut, WorkRecordPatch, bulk_input


class RecordAPI(ModelAPI):
    """What is not declared is the kit's: the work-record schemas, the kit's
    filters, a bulk body with the record's states."""

    service = None            # the practice's RecordService
    actions = ActionSet()
    # The body of POST /bulk: a list of records (named after the resource,
    # e.g. "incidents"), "action" (take, assign, state), the assignment or
    # the state and the fields that state needs (``schemas.bulk_input``).
    bulk_schema = None
    bulk = True               # False: no bulk route
    # What the answers show of the shared relations: joined, and prefetched.
    joined: tuple = ("assignment_group", "assigned_to", "opened_by")
    prefetched: tuple = ("service", "configuration_item", "affected_services", "affected_cis")

    def __init__(self):
        model = self.model
        named = model.__name__
        if self.out_schema is None:
            self.out_schema = create_model(f"{named}Out", __base__=WorkRecordOut)
        if self.create_schema is None:
            self.create_schema = create_model(f"{named}In", __base__=WorkRecordIn)
        if self.update_schema is None:
            self.update_schema = create_model(f"{named}Patch", __base__=WorkRecordPatch)
        if self.filterset is None:
            self.filterset = filterset_for(model)
        if self.bulk and self.bulk_schema is None:
            self.bulk_schema = bulk_input(self.name, model)
        # Every answer shows the minutes logged on the record, summed by the
        # database in the same query as the record (the practice's queryset,
        # annotated).
        own_queryset = self.get_queryset
        self.get_queryset = lambda request: time_spent.annotate(own_queryset(request))

    def get_queryset(self, request):
        return self.model._default_manager.select_related(*self.joined) \
            .prefetch_related(*self.prefetched)

    def create(self, request, data: dict):
        return self.service.create(request.auth, self.resolve(data))

    def update(self, request, obj, data: dict, version: int | None):
        return self.service.update(obj, request.auth, self.resolve(data),
                                   expected_version=version)

    def history(self, request, obj) -> list[dict]:
        """The activity stream as the user may see it (requesters: comments
        and public changes; staff: everything)."""
        return [journal_out(entry, changes, self.file_urls(obj))
                for entry, changes in records.visible_journal(obj, request.auth)]

    def file_urls(self, record):
        """Where the API gives the content of ``record``'s files."""
        return lambda attachment: (f"/api/v1/{self.name}/{record.number}/attachments/"
                                   f"{attachment.pk}")

    @property
    def bulk_items(self) -> str:
        return self.name.replace("-", "_")

    # --- routes --------------------------------------------------------------

    def add_routes(self, router: Router) -> None:
        if self.bulk_schema is not None:
            self.add_bulk_route(router)
        super().add_routes(router)
        for action in self.actions:
            self.add_action_route(router, action)
        self.add_journal_routes(router)

    def add_action_route(self, router: Router, action) -> None:
        resource = self
        Body = action.schema or ReasonIn
        op = action.api_path.replace("-", "_")

        @router.post(f"/{{ident}}/{action.api_path}", response={200: self.out_schema, **ERRORS},
                     operation_id=f"{op}_{self.name.replace('-', '_')}", summary=action.help)
        @decorate_view(idempotent)
        def endpoint(request, ident: str, payload: Body):
            obj = resource.get_object(request, ident)
            data = payload.model_dump(exclude_unset=True)
            version = expected_version(request, data.pop("version", None))
            data = resource.resolve(data, extra=action.refs)
            with transaction.atomic():  # the answer shows the version this request wrote
                obj = action.run(obj, request.auth, data, version)
                return resource.respond(resource.reload(request, obj), viewer=request.auth)

        endpoint.__name__ = f"{op}_endpoint"

    def add_bulk_route(self, router: Router) -> None:
        resource = self
        Body = self.bulk_schema
        items_field = self.bulk_items
        plural = self.model._meta.verbose_name_plural

        @router.post("/bulk", response={200: BulkOut, **ERRORS},
                     operation_id=f"bulk_{items_field}",
                     summary=f"Assign or change the state of many {plural} at once")
        @decorate_view(idempotent)
        def bulk(request, payload: Body):
            done, failed = resource.run_bulk(request, payload)
            return {"done": [obj.number for obj in done], "failed": failed}

    def run_bulk(self, request, payload) -> tuple[list, dict]:
        user = request.auth
        visible = restrict(self.model._default_manager.all(), user)
        found, missing = [], {}
        verbose = self.model._meta.verbose_name.capitalize()
        for ident in dict.fromkeys(str(i) for i in getattr(payload, self.bulk_items)):
            obj = lookup.find(visible, ident)
            if obj is None:
                missing[ident] = f"{verbose} {ident} not found."
            else:
                found.append(obj)
        data = payload.model_dump(exclude={self.bulk_items, "action"})
        refs = self.resolve({k: data.pop(k) for k in ("assignment_group", "assigned_to")
                             if k in data})
        done, failed = self.service.bulk_action(found, user, payload.action, **refs, **data)
        return done, {**missing, **failed}

    def add_journal_routes(self, router: Router) -> None:
        resource = self
        name = self.name.replace("-", "_")

        @router.post("/{ident}/comments", response={201: JournalEntryOut, **ERRORS},
                     operation_id=f"comment_{name}",
                     summary="Add a comment (public) or work note (private to staff)")
        @decorate_view(idempotent)
        def add_comment(request, ident: str, payload: JournalEntryIn):
            obj = resource.get_object(request, ident)
            try:
                entry = resource.service.add_entry(obj, request.auth, payload.kind, payload.body,
                                                   time_spent=payload.time_spent)
            except ValidationFailed as exc:
                # The journal names the entry ("comment", "work_note"); the
                # client sent its text as "body".
                exc.errors = {("body" if key in ("comment", "work_note") else key): messages
                              for key, messages in exc.errors.items()}
                raise
            return Status(201, journal_out(entry, entry.changes, resource.file_urls(obj)))

        @router.post("/{ident}/attachments",
                     response={201: JournalEntryOut, **ERRORS, **errors(413, 415)},
                     operation_id=f"attach_{name}", openapi_extra=attach_body(self.model),
                     summary="Attach files, with a comment (public) or a work note (staff only)")
        def attach(request, ident: str, files: File[list[UploadedFile]] = None,
                   kind: Form[Literal["comment", "work_note"]] = "comment",
                   body: Form[str] = ""):
            unknown = sorted((set(request.POST) | set(request.FILES)) - {"files", "kind", "body"})
            if unknown:
                raise ValidationFailed.field(unknown[0], "Unknown field.")
            if not files:  # an empty part is no file (the parser drops it)
                raise ValidationFailed.field("files", "Attach at least one file with content.")
            obj = resource.get_object(request, ident)
            entry = resource.service.add_entry(obj, request.auth, kind, body, files=files)
            return Status(201, journal_out(entry, entry.changes, resource.file_urls(obj)))

        @router.get("/{ident}/attachments", response={200: list[AttachmentOut], **errors(401, 404)},
                    operation_id=f"attachments_{name}",
                    summary="The files of the record's activity the user may see")
        def list_files(request, ident: str):
            obj = resource.get_object(request, ident)
            staff = records.sees_work_notes(request.auth)
            return [attachment_out(a, resource.file_urls(obj))
                    for a in attachments.of_record(obj, staff=staff)]

        @router.get("/{ident}/attachments/{file_id}",
                    response={200: None, **errors(401, 404, 422)},
                    operation_id=f"attachment_{name}", summary="The content of one file",
                    openapi_extra={"responses": {"200": {
                        "description": "The file's content",
                        "content": {"application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}}}}}})
        def read_file(request, ident: str, file_id: int):
            obj = resource.get_object(request, ident)
            found = attachments.visible(request.auth, file_id)
            if (found.content_type.model_class(), found.object_id) != (type(obj), obj.pk):
                raise NotFound("No such file.")
            response = FileResponse(found.file.open("rb"), as_attachment=True,
                                    filename=found.name,
                                    content_type="application/octet-stream")
            response["X-Content-Type-Options"] = "nosniff"
            return response

        @router.get("/{ident}/watchers", response={200: list[UserRef], **errors(401, 403, 404)},
                    operation_id=f"watchers_{name}", summary="Who watches the record (CC)")
        def list_watchers(request, ident: str):
            obj = resource.get_object(request, ident)
            policy_for(type(obj)).require(request.auth, "work_note", obj)
            return watchers.watchers_of(obj)

        @router.post("/{ident}/watchers", response={201: list[UserRef], **ERRORS},
                     operation_id=f"watch_{name}",
                     summary="Copy a person on the record: they hear of its public comments "
                             "and state changes (staff also of work notes)")
        @decorate_view(idempotent)
        def add_watcher(request, ident: str, payload: WatcherIn):
            obj = resource.get_object(request, ident)
            policy_for(type(obj)).require(request.auth, "work_note", obj)
            person = lookup.resolve(get_user_model(), payload.user, "user")
            resource.service.add_watcher(obj, request.auth, person)
            return Status(201, watchers.watchers_of(obj))

        @router.delete("/{ident}/watchers/{user}", response={204: None, **ERRORS},
                       operation_id=f"unwatch_{name}", summary="Stop copying a person")
        def remove_watcher(request, ident: str, user: str):
            obj = resource.get_object(request, ident)
            policy_for(type(obj)).require(request.auth, "work_note", obj)
            person = lookup.resolve(get_user_model(), user, "user")
            resource.service.remove_watcher(obj, request.auth, person)
            return Status(204, None)

        @router.get("/{ident}/links", response={200: list[LinkOut], **errors(401, 404)},
                    operation_id=f"links_{name}", summary="Linked records")
        def list_links(request, ident: str):
            obj = resource.get_object(request, ident)
            return [link_out(row, visible=can_see(request.auth, row["other"]))
                    for row in records.links_of(obj) if row["other"] is not None]

        @router.post("/{ident}/links", response={201: LinkOut, **ERRORS},
                     operation_id=f"link_{name}", summary="Link this record to another")
        @decorate_view(idempotent)
        def add_link(request, ident: str, payload: LinkIn):
            obj = resource.get_object(request, ident)
            policy_for(type(obj)).require(request.auth, "change", obj)
            target = records.find_record(payload.target)
            if not visible_to(request.auth, target):
                raise ValidationFailed.field("target", f"Record {payload.target} does not exist.")
            link = records.link(obj, target, request.auth, payload.kind)
            return Status(201, link_out({"link": link, "direction": "outgoing",
                                         "other": target, "label": link.get_kind_display()}))


def attach_body(model) -> dict:
    """The multipart body of POST …/attachments as the OpenAPI document
    states it (its own name, no other field taken)."""
    # Merged into what django-ninja states (types, choices, required).
    return {"requestBody": {"content": {"multipart/form-data": {"schema": {
        "title": f"{model.__name__}AttachmentsIn", "additionalProperties": False,
        "required": ["files"],
        "properties": {
            "files": {"minItems": 1,
                      "description": "The files (size and kinds: the server's settings)"},
            "body": {"description": "The comment's or work note's text (Markdown)"},
        }}}}}}


def visible_to(user, record) -> bool:
    model = type(record)
    return policy_for(model).scope(user, model._default_manager.filter(pk=record.pk)).exists()


def can_see(user, record) -> bool:
    return policy_for(type(record)).can_see(user, record)


def link_out(row, visible: bool = True) -> dict:
    """A link as the user sees it: a record they may not see (another
    organization's) shows only that it exists, by its number."""
    other = row["other"]
    number = getattr(other, "number", str(other.pk))
    return {
        "id": row["link"].pk,
        "kind": row["link"].kind,
        "label": row["label"],
        "direction": row["direction"],
        "other": number,
        "other_display": str(getattr(other, "short_description", other)) if visible else number,
        "created_at": row["link"].created_at,
    }
