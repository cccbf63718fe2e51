
"""The API shapes of knowledge articles: the work record's shared fields
(no impact, urgency or priority: articles are not ranked so) and the
article's own; the readers' shapes."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from servista.core.schemas import DateIn, InputSchema, Ref, RefIn, UserRef, WholeInt, members

from .choices import ArticleState, Audience

StateValue = Literal[tuple(ArticleState.values)]
AudienceValue = Literal[tuple(Audience.values)]


class VersionOut(Schema):
    number: int
    title: str
    body: str
    published_at: datetime
    published_by: UserRef


class ArticleOut(Schema):
    id: int
    number: str
    short_description: str = Field(..., description="The title")
    description: str = Field(..., description="The body (Markdown) of the working copy")
    keywords: str
    state: StateValue
    owner: UserRef
    audience: AudienceValue
    audience_group: Ref | None
    review_due: date | None
    published_version: VersionOut | None
    first_published_at: datetime | None
    view_count: int
    helpful_count: int
    not_helpful_count: int
    deflection_count: int
    service: Ref | None
    configuration_item: Ref | None
    affected_services: list[Ref]
    affected_cis: list[Ref]
    assignment_group: Ref | None
    assigned_to: UserRef | None
    opened_by: UserRef
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    version: int

    @staticmethod
    def resolve_affected_services(obj):
        return members(obj, "affected_services")

    @staticmethod
    def resolve_affected_cis(obj):
        return members(obj, "affected_cis")


class ArticleIn(InputSchema):
    short_description: str = Field(..., min_length=1, max_length=200,
                                   description="The title")
    description: str = Field("", description="The body, in Markdown")
    keywords: str = Field("", max_length=200)
    service: RefIn | None = None
    configuration_item: RefIn | None = None
    affected_services: list[RefIn] = []
    affected_cis: list[RefIn] = []
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    owner: RefIn | None = None
    audience: AudienceValue = Audience.AGENTS
    audience_group: RefIn | None = None
    review_due: DateIn | None = None


class ArticlePatch(InputSchema):
    short_description: str = Field(None, min_length=1, max_length=200)
    description: str = None
    keywords: str = Field(None, max_length=200)
    service: RefIn | None = None
    configuration_item: RefIn | None = None
    affected_services: list[RefIn] = None
    affected_cis: list[RefIn] = None
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    owner: RefIn = None
    audience: AudienceValue = None
    audience_group: RefIn | None = None
    review_due: DateIn | None = None
    state: StateValue = None
    reason: str = None
    version: WholeInt = None


class ReviewedIn(InputSchema):
    review_due: DateIn | None = None
    reason: str = ""
    version: WholeInt | None = None


# --- readers ---------------------------------------------------------------------------


class ReadOut(Schema):
    number: str
    title: str
    body: str
    version: int
    published_at: datetime
    service: Ref | None
    helpful_count: int
    view_count: int


class HitOut(Schema):
    source: str
    number: str
    title: str
    url: str
    snippet: str
    score: float
    note: str = ""


class FeedbackIn(InputSchema):
    helpful: StrictBool
    comment: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    article: str
    helpful: bool
    comment: str
    helpful_count: int
    not_helpful_count: int


class DeflectIn(InputSchema):
    service: RefIn | None = None
    query: str = Field("", max_length=200)


class DeflectOut(Schema):
    article: str
    deflection_count: int
