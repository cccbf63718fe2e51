"""Fast output for the API's hot paths.

ninja validates every response object attribute by attribute through
pydantic; for a work record with a dozen related objects that costs more than
the whole database work of the request. ``Dumper`` walks an output schema's
fields once, up front, and then turns model instances into the schema's
JSON-ready dict directly. The schema stays the documented contract (OpenAPI);
the test base classes validate real answers against it.
"""

import datetime
import decimal
import types
import typing
import uuid

import orjson
from django.db import models
from django.http import HttpResponse
from ninja import Schema


def _default(value):
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data) -> bytes:
    """JSON with times in ISO 8601 with their offset (stored in UTC)."""
    return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


def json_response(data, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(to_json(data), status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _schema_of(annotation):
    """(schema, many) when the annotation is a Schema, Optional[Schema] or
    list[Schema]; (None, False) otherwise."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _schema_of(arg)
        return None, False
    if origin in (list, tuple, set):
        args = typing.get_args(annotation)
        schema, _ = _schema_of(args[0]) if args else (None, False)
        return schema, schema is not None
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        return annotation, False
    return None, False


class Dumper:
    _cache: dict = {}

    def __new__(cls, schema):
        if schema not in cls._cache:
            instance = super().__new__(cls)
            instance._compile(schema)
            cls._cache[schema] = instance
        return cls._cache[schema]

    def _compile(self, schema) -> None:
        self.schema = schema
        self.fields = []
        for name, field in schema.model_fields.items():
            resolver = getattr(schema, f"resolve_{name}", None)
            nested, many = _schema_of(field.annotation)
            self.fields.append((name, resolver, Dumper(nested) if nested else None, many))

    def __call__(self, obj) -> dict:
        out = {}
        for name, resolver, nested, many in self.fields:
            value = resolver(obj) if resolver is not None else getattr(obj, name)
            if nested is not None and value is not None:
                if many and hasattr(value, "all"):  # a related manager: its (prefetched) rows
                    value = value.all()
                value = [nested(item) for item in value] if many else nested(value)
            elif isinstance(value, datetime.datetime | datetime.date):
                value = value.isoformat()
            out[name] = value
        return out
