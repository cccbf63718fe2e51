"""REST resources of knowledge: /api/v1/kb-articles (the staff's: the kit's
resource, configured) and what readers use (/api/v1/kb-search, an
article's published text, feedback and "this solved it"). Every change
goes through services.py."""


from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from servista.core import search
from servista.core.api import idempotent
from servista.core.lookup import resolve
from servista.core.model_api import ERRORS, errors
from servista.core.records.api import RecordAPI
from servista.core.schemas import DateTimeIn, InputSchema

from . import services
from .actions import ACTIONS
from .filtersets import ArticleFilterSet
from .models import Article
from .schemas import (
    ArticleIn,
    ArticleOut,
    ArticlePatch,
    DeflectIn,
    DeflectOut,
    FeedbackIn,
    FeedbackOut,
    HitOut,
    ReadOut,
)


class ArticleAPI(RecordAPI):
    model = Article
    name = "kb-articles"
    service = services.rules
    actions = ACTIONS
    out_schema = ArticleOut
    create_schema = ArticleIn
    update_schema = ArticlePatch
    filterset = ArticleFilterSet
    joined = ("assignment_group", "assigned_to", "opened_by", "owner", "audience_group",
              "published_version__published_by")


resource = ArticleAPI()
router = resource.router()

readers = Router(tags=["kb-search"])


class SearchQuery(InputSchema):
    q: str = Field(..., min_length=1, description="What to look for")
    source: list[str] | None = None
    limit: int = Field(10, ge=1, le=50)


@readers.get("", response={200: list[HitOut], **errors(401, 422)}, operation_id="kb_search",
             summary="Search published articles, known errors and resolved incidents "
                     "(what the user may see), best first, with highlighted snippets")
def kb_search(request, filters: Query[SearchQuery]):
    from servista.core.exceptions import ValidationFailed

    if not 1 <= filters.limit <= 50:
        raise ValidationFailed.field("limit", "limit must be between 1 and 50.")
    if not filters.q.strip():
        raise ValidationFailed.field("q", "Type what to look for.")
    found = search.search_everywhere(filters.q, request.auth, only=filters.source,
                                     limit=filters.limit)
    return [{"source": part["source"].key, "number": item["number"], "title": item["title"],
             "url": item["url"], "snippet": str(item["snippet"]), "score": item["score"],
             "note": item.get("note", "")}
            for part in found for item in part["items"]]


@router.get("/{ident}/published", response={200: ReadOut, **errors(401, 404)},
          operation_id="read_kb_articles",
          summary="The published text of an article (readers: requesters too); counts a view")
def read_article(request, ident: str):
    article = services.get_readable(request.auth, ident)
    services.count_view(article)
    version = article.published_version
    return {"number": article.number, "title": version.title, "body": version.body,
            "version": version.number, "published_at": version.published_at,
            "service": article.service, "helpful_count": article.helpful_count,
            "view_count": article.view_count + 1}


@router.post("/{ident}/feedback", response={201: FeedbackOut, **ERRORS},
           operation_id="feedback_kb_articles", summary="Was this article helpful?")
@decorate_view(idempotent)
def feedback(request, ident: str, payload: FeedbackIn):
    article = services.get_readable(request.auth, ident)
    services.give_feedback(article, request.auth, helpful=payload.helpful,
                           comment=payload.comment)
    article.refresh_from_db()
    return Status(201, {"article": article.number, "helpful": payload.helpful,
                        "comment": payload.comment, "helpful_count": article.helpful_count,
                        "not_helpful_count": article.not_helpful_count})


@router.post("/{ident}/solved", response={201: DeflectOut, **ERRORS},
           operation_id="solved_kb_articles",
           summary="This article solved my problem: no ticket is logged (a deflection)")
@decorate_view(idempotent)
def solved(request, ident: str, payload: DeflectIn):
    from servista.catalog.models import Service

    article = services.get_readable(request.auth, ident)
    service = resolve(Service, payload.service, "service")
    services.deflect(article, request.auth, service=service, query=payload.query)
    article.refresh_from_db()
    return Status(201, {"article": article.number,
                        "deflection_count": article.deflection_count})


deflections = Router(tags=["kb-articles"])


class DeflectionRow(Schema):
    service: int | None
    service_name: str | None
    count: int


class DeflectionQuery(InputSchema):
    since: DateTimeIn | None = Field(None, description="Only deflections from then on")


@deflections.get("", response={200: list[DeflectionRow], **errors(401, 403, 422)},
                 operation_id="kb_deflections",
                 summary="Problems solved by articles without a ticket, per service (staff)")
def deflections_per_service(request, filters: Query[DeflectionQuery]):
    since = filters.since
    from servista.core.exceptions import Forbidden
    from servista.core.permissions import is_agent

    if not is_agent(request.auth):
        raise Forbidden("Deflection figures are for the support staff.")
    return [{"service": row["service"], "service_name": row["service__name"],
             "count": row["count"]} for row in services.deflections_by_service(since)]


ROUTES = [("/kb-articles", router), ("/kb-search", readers), ("/kb-deflections", deflections)]
