"""API routes of the kit that belong to no one kind of record: response
templates (``/response-templates``) and time spent per agent
(``/time-spent``). Found by ``servista.api`` through ``ROUTES``."""

from datetime import datetime

from django.contrib.auth import get_user_model
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from servista.core import lookup, response_templates, time_spent
from servista.core.api import idempotent, refuse_unknown_params
from servista.core.exceptions import NotFound
from servista.core.model_api import ERRORS, errors
from servista.core.models import ResponseTemplate
from servista.core.records.api import visible_to
from servista.core.registry import model_for_number
from servista.core.schemas import DateTimeIn, InputSchema, Ref, RefIn, UserRef

templates = Router(tags=["response-templates"])


class ResponseTemplateOut(Schema):
    id: int
    title: str
    body: str
    owner: UserRef | None = Field(description="A personal template's owner")
    group: Ref | None = Field(description="The group a shared template belongs to")
    created_at: datetime
    updated_at: datetime


class ResponseTemplateIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=response_templates.TITLE_MAX)
    body: str = Field(..., min_length=1, max_length=response_templates.BODY_MAX,
                      description="Markdown with placeholders: "
                                  + ", ".join("{{" + n + "}}"
                                              for n in response_templates.PLACEHOLDERS))
    group: RefIn | None = Field(None, description="Share with this group (empty: personal)")


class ResponseTemplatePatch(InputSchema):
    title: str = Field(None, min_length=1, max_length=response_templates.TITLE_MAX)
    body: str = Field(None, min_length=1, max_length=response_templates.BODY_MAX)


class FillQuery(InputSchema):
    record: str = Field(..., min_length=1, max_length=40,
                        description="The number of the record it is inserted into")


class FilledOut(Schema):
    text: str


def _group(value):
    group_model = ResponseTemplate._meta.get_field("group").related_model
    return lookup.resolve(group_model, value, "group")


@templates.get("", response={200: list[ResponseTemplateOut], **errors(401)},
               operation_id="list_response_templates",
               summary="The response templates you may use (administrators: all)")
def list_templates(request):
    return list(response_templates.visible(request.auth))


@templates.post("", response={201: ResponseTemplateOut, **ERRORS},
                operation_id="create_response_template",
                summary="Create a personal response template, or one shared with a group")
@decorate_view(idempotent)
def create_template(request, payload: ResponseTemplateIn):
    group = _group(payload.group) if payload.group is not None else None
    return Status(201, response_templates.create(request.auth, title=payload.title,
                                                 body=payload.body, group=group))


@templates.get("/{ident}", response={200: ResponseTemplateOut, **errors(401, 404)},
               operation_id="get_response_template", summary="One response template")
def get_template(request, ident: str):
    return response_templates.get(request.auth, ident)


@templates.patch("/{ident}", response={200: ResponseTemplateOut, **ERRORS},
                 operation_id="update_response_template",
                 summary="Change a response template's title or text")
def update_template(request, ident: str, payload: ResponseTemplatePatch):
    found = response_templates.get(request.auth, ident)
    data = payload.model_dump(exclude_unset=True)
    return response_templates.update(request.auth, found, title=data.get("title"),
                                     body=data.get("body"))


@templates.delete("/{ident}", response={204: None, **ERRORS},
                  operation_id="delete_response_template", summary="Delete a response template")
def delete_template(request, ident: str):
    response_templates.delete(request.auth, response_templates.get(request.auth, ident))
    return Status(204, None)


@templates.get("/{ident}/fill", response={200: FilledOut, **errors(401, 404, 422)},
               operation_id="fill_response_template",
               summary="The template's text with its placeholders filled for a record")
def fill_template(request, ident: str, filters: Query[FillQuery]):
    refuse_unknown_params(request, {"record"})
    found = response_templates.usable(request.auth).filter(pk=ident).first() \
        if ident.isdigit() else None
    if found is None:
        raise NotFound(f"Response template {ident} not found.")
    record = find_record(request.auth, filters.record)
    return {"text": response_templates.fill(found, record, request.auth)}


def find_record(user, number: str):
    model = model_for_number(number)
    record = model._default_manager.filter(number=number.upper()).first() if model else None
    if record is None or not visible_to(user, record):
        raise NotFound(f"Record {number} not found.")
    return record


# --- time spent -----------------------------------------------------------------------------

spent = Router(tags=["time-spent"])


class TimeSpentQuery(InputSchema):
    since: DateTimeIn | None = Field(None, description="From this time (included)")
    until: DateTimeIn | None = Field(None, description="Until this time (excluded)")
    agent: str | None = Field(None, min_length=1, max_length=150,
                              description="One agent (username or id); agents may name only "
                                          "themselves")


class AgentTimeOut(Schema):
    agent: UserRef
    minutes: int
    entries: int


class TimeSpentOut(Schema):
    since: datetime | None
    until: datetime | None
    minutes: int = Field(description="The total of the rows")
    items: list[AgentTimeOut]


@spent.get("", response={200: TimeSpentOut, **errors(401, 403, 422)},
           operation_id="time_spent",
           summary="Minutes logged with comments and work notes, per agent over a period "
                   "(managers: everyone's; agents: their own)")
def time_spent_per_agent(request, filters: Query[TimeSpentQuery]):
    refuse_unknown_params(request, {"since", "until", "agent"})
    agent = lookup.resolve(get_user_model(), filters.agent, "agent",
                           fields=("username",)) if filters.agent else None
    rows = time_spent.per_agent(request.auth, since=filters.since, until=filters.until,
                                agent=agent)
    return {"since": filters.since, "until": filters.until,
            "minutes": sum(r["minutes"] for r in rows), "items": rows}


ROUTES = [("/response-templates", templates), ("/time-spent", spent)]
