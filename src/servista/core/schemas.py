"""Schemas shared by every API resource."""

import re
from datetime import date, datetime
from typing import Annotated, ClassVar, Generic, Literal, TypeVar

import pydantic
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import (
    BeforeValidator,
    ConfigDict,
    StrictStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

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
    """Base of every request body and query: refuses unknown fields (a typo
    is an error, not silently ignored) and NUL characters, which no database
    text column accepts, each with an error naming the field.

    ``read_only_fields``: names a client may know from the answers (``number``,
    ``opened_by``...) but not set; sending one answers "cannot be changed"
    rather than "unknown field". ``ModelAPI`` fills it from the resource's
    output schema."""

    model_config = ConfigDict(extra="forbid")

    read_only_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value):
        if _has_nul(value):
            raise ValueError("Text may not contain NUL (0x00) characters.")
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, data, handler, info):
        # Replaces ninja's root validator (same name), which validates twice
        # when extra fields are forbidden; a request's input is a dict.
        if data is None or isinstance(data, list | str | int | float | bool):
            # A JSON body that is not an object ([], "x", true, null, 0.0)
            # is not an empty one.
            raise ValidationError.from_exception_data(cls.__name__, [{
                "type": PydanticCustomError("model_type", "The request body must be a JSON "
                                                          "object ({...})."),
                "loc": (), "input": data}])
        if not isinstance(data, dict):
            return handler(DjangoGetter(data, cls, info.context))
        fixed = [name for name in data if name in cls.read_only_fields]
        if not fixed:
            return handler(data)
        # Report the read-only fields together with every other problem.
        line_errors = [
            {"type": PydanticCustomError("read_only", "This field is read-only and cannot be "
                                                      "changed."),
             "loc": (name,), "input": data[name]}
            for name in fixed
        ]
        try:
            handler({k: v for k, v in data.items() if k not in fixed})
        except ValidationError as exc:
            line_errors += [
                {"type": PydanticCustomError(err["type"], err["msg"], _plain_ctx(err)),
                 "loc": err["loc"], "input": err.get("input")}
                for err in exc.errors(include_url=False)
            ]
        raise ValidationError.from_exception_data(cls.__name__, line_errors)


def _plain_ctx(err: dict) -> dict | None:
    ctx = err.get("ctx")
    if not ctx:
        return None
    return {k: v if isinstance(v, str | int | float) else str(v) for k, v in ctx.items()}


def _whole_number(value):
    """JSON ``true`` and ``1.5`` are not the numbers 1 and 1.5 of a level or
    priority (pydantic's literals and lax ints accept them)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 3.0 is the integer 3 in JSON Schema
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise PydanticCustomError("int_type", "Input should be a whole number (not "
                                              "true/false, a fraction or text).")
    return value


# A date-time as RFC 3339 (and JSON Schema's "date-time") writes it.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339(value):
    """A time given as text must be an RFC 3339 time with its offset (not a
    number of seconds, not a date alone): what the document promises."""
    if isinstance(value, str) and not RFC3339.match(value):
        raise PydanticCustomError(
            "datetime_format", "A time such as 2026-03-01T09:30:00+01:00 (RFC 3339, with its "
                               "offset).")
    if not isinstance(value, str | datetime):
        raise PydanticCustomError("datetime_type", "A time as text (RFC 3339).")
    return value


# A time in a query or a body: RFC 3339 only.
DateTimeIn = Annotated[datetime, BeforeValidator(_rfc3339)]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value):
    """A date given as text must be written YYYY-MM-DD (not a number)."""
    if not isinstance(value, str | date) or isinstance(value, str) and not ISO_DATE.match(value):
        raise PydanticCustomError("date_format", "A date such as 2026-03-01 (YYYY-MM-DD).")
    return value


# A date in a query or a body: YYYY-MM-DD only.
DateIn = Annotated[date, BeforeValidator(_iso_date)]

# Put on an int or an int Literal: refuses booleans, floats and strings.
WholeNumber = BeforeValidator(_whole_number)
# An integer as JSON Schema has it: 3 or 3.0, never true, 3.5 or "3".
WholeInt = Annotated[int, WholeNumber]

# A related object named by id or by name (username for people, number for
# records). Strict: JSON true is not the id 1, 1.5 is neither an id nor a name.
RefIn = WholeInt | StrictStr
# One of a list of references: an empty name is not one (a single reference
# may be empty, to clear it).
RefItem = WholeInt | Annotated[StrictStr, StringConstraints(min_length=1)]


def members(obj, name: str) -> list:
    """The objects of a many-to-many field for an answer: those the service
    that created ``obj`` just set (no query), else its (prefetched) rows."""
    initial = getattr(obj, "initial_relations", None)
    if initial is not None and name in initial:
        return initial[name]
    return list(getattr(obj, name).all())


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
    """Another record: its number, and its title only for someone who may
    see that record (a requester learns that a related record of another
    organization exists, nothing more)."""

    id: int
    number: str
    display: str

    @staticmethod
    def resolve_display(obj) -> str:
        from servista.core.context import viewer
        from servista.core.permissions import policy_for

        user = viewer()
        if user is not None and not policy_for(type(obj)).can_see(user, obj):
            return obj.number
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


class AttachmentOut(Schema):
    """A file on an entry of a record's activity (its content: ``url``)."""

    id: int
    entry: int = Field(..., description="The journal entry the file belongs to")
    name: str
    size: int = Field(..., description="Bytes")
    content_type: str
    sha256: str
    internal: bool = Field(..., description="On a work note: support staff only")
    uploaded_by: UserRef
    uploaded_at: datetime
    url: str = Field(..., description="Where the content is read (API)")


class JournalEntryOut(Schema):
    id: int
    kind: str
    body: str
    changes: dict[str, FieldChange]
    actor: UserRef | None
    created_at: datetime
    origin: str
    correlation_id: str
    attachments: list[AttachmentOut] = []
    time_spent: int | None = Field(None, description="Minutes of work logged with the entry")
    mentions: list[str] = Field([], description="Usernames of the colleagues it mentions")


# Time spent with a journal entry: whole minutes, at most a day.
Minutes = Annotated[int, pydantic.Field(ge=1, le=1440), WholeNumber]


class JournalEntryIn(InputSchema):
    body: str = Field(..., min_length=1)
    kind: Literal["comment", "work_note"] = "comment"
    time_spent: Minutes | None = Field(
        None, description="Minutes of work it took (support staff; 1 to 1440)")

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("blank", "This field may not be blank.")
        return value


class LinkIn(InputSchema):
    target: str = Field(..., description="The number of the record to link to")
    kind: str = Field("relates_to", description="A registered link kind: relates_to, "
                                                "duplicate_of, caused_by, resolved_by...")


class LinkOut(Schema):
    id: int
    kind: str
    label: str = Field(..., description="The kind as it reads from this record")
    direction: str
    other: str
    other_display: str
    created_at: datetime


class ReasonIn(InputSchema):
    reason: str = ""
    version: WholeInt | None = None


class RequiredReasonIn(InputSchema):
    reason: str = Field(..., min_length=1)
    version: WholeInt | None = None


class BulkOut(Schema):
    done: list[str]
    failed: dict[str, str]
