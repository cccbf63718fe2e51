"""Schemas shared by every API resource."""

from datetime import datetime
from typing import Generic, TypeVar

from ninja import Schema

T = TypeVar("T")


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


class JournalEntryIn(Schema):
    body: str
    kind: str = "comment"


class LinkIn(Schema):
    target: str
    kind: str = "relates_to"


class LinkOut(Schema):
    id: int
    kind: str
    direction: str
    other: str
    other_display: str
    created_at: datetime


class ReasonIn(Schema):
    reason: str = ""
    version: int | None = None
