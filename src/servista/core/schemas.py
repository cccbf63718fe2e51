"""Schemas shared by every API resource."""

from datetime import datetime
from typing import Generic, TypeVar

from ninja import Schema
from pydantic import field_validator

T = TypeVar("T")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


class InputSchema(Schema):
    """Base of every request body and query: refuses NUL characters, which
    no database text column accepts, with an error naming the field."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value):
        if _has_nul(value):
            raise ValueError("Text may not contain NUL (0x00) characters.")
        return value


class Ref(Schema):
    """A related object: its id and how it reads."""

    id: int
    display: str

    @staticmethod
    def resolve_display(obj) -> str:
        return str(obj)


class UserRef(Schema):
    id: int
    username: str
    display: str

    @staticmethod
    def resolve_display(obj) -> str:
        return str(obj)


class RecordRef(Schema):
    id: int
    number: str
    display: str

    @staticmethod
    def resolve_display(obj) -> str:
        return f"{obj.number} {obj.short_description}"


class Page(Schema, Generic[T]):
    count: int
    count_is_estimate: bool = False
    items: list[T]


class FieldChange(Schema):
    old: object = None
    new: object = None
    old_display: str = ""
    new_display: str = ""


class JournalEntryOut(Schema):
    id: int
    kind: str
    body: str
    changes: dict[str, FieldChange]
    actor: UserRef | None
    created_at: datetime
    origin: str
    correlation_id: str


class JournalEntryIn(InputSchema):
    body: str
    kind: str = "comment"


class LinkIn(InputSchema):
    target: str
    kind: str = "relates_to"


class LinkOut(Schema):
    id: int
    kind: str
    direction: str
    other: str
    other_display: str
    created_at: datetime


class ReasonIn(InputSchema):
    reason: str = ""
    version: int | None = None
