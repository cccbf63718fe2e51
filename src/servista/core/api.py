"""The API base: authentication, error bodies, look-ups by number or id,
list pages with capped counts, ETag/If-Match and Idempotency-Key.

Practice apps build their routers from these pieces (``RecordAPI``); a new
practice needs no change here.
"""

import hashlib
import json
import logging
import re
from functools import wraps

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import BaseRenderer
from ninja.security import APIKeyCookie, HttpBearer

from servista.core import lookup
from servista.core.auth import user_for_token
from servista.core.exceptions import (
    RETRY_AFTER_SECONDS,
    DomainError,
    PreconditionRequired,
    StaleVersion,
    Throttled,
    ValidationFailed,
    infrastructure_failures,
)
from servista.core.models import IdempotencyKey
from servista.core.permissions import restrict
from servista.core.queries import planner_estimate
from servista.core.serializers import to_json
from servista.core.throttling import credential_of_token, credential_of_user, throttle

log = logging.getLogger("servista.api")


# --- authentication ------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sv_...``; each token's requests are throttled
    (``core.throttling``)."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            throttle.check(credential_of_token(token))
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session; unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # Without a signed-in session there is nothing for a forged request
        # to ride on: no CSRF question, and ninja answers 401 (a client with
        # a wrong or missing token learns that, not "CSRF check failed").
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            throttle.check(credential_of_user(user))
            return user
        return None


AUTH = [TokenAuth(), SessionAuth()]


def request_user(request):
    """The authenticated user outside ninja's auth step (idempotency)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return user_for_token(header[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


# --- rendering ------------------------------------------------------------------


class JSONRenderer(BaseRenderer):
    """orjson, with times in ISO 8601 with their offset, for every answer."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return to_json(data)


# --- errors -----------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


# Where ninja says a value came from, and the names of our view parameters
# that hold a whole body or query model: neither is a field the client sent.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
_PARAMS = frozenset({"payload", "filters"})
# The tags pydantic puts in ``loc`` for each member of a union that failed.
_TYPE_TAGS = frozenset({"int", "str", "float", "bool", "none", "bytes", "list", "dict",
                        "decimal", "date", "datetime", "time", "uuid"})


def _is_tag(part) -> bool:
    return isinstance(part, str) and (
        "[" in part or part.startswith(("constrained-", "function-", "lax-", "json-or-")))


def _split_loc(loc) -> tuple[list, str | None]:
    """(the path of the field as the client wrote it, a union member's tag).
    A query parameter is named alone: ``?state=x&state=y`` has no items."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if parts and parts[0] in _PARAMS:
            parts.pop(0)
        if source == "query":
            parts = [p for p in parts if not isinstance(p, int)]
    tags = [p for p in parts if _is_tag(p)]
    return [p for p in parts if not _is_tag(p)], (tags[-1] if tags else None)


_MESSAGES = {
    "extra_forbidden": "Unknown field.",
    "missing": "This field is required.",
}


def _message(err: dict) -> str:
    return _MESSAGES.get(err.get("type"), err.get("msg") or "invalid")


def _union_message(members: list[tuple[dict, str]]) -> str:
    """One message for the failures of every member of a union."""
    tags = {tag.split("[")[0] for _, tag in members}
    if "int" in tags and tags & {"str", "constrained-str"} \
            and tags <= {"int", "str", "constrained-str"}:
        return "Must be an id (a whole number) or a name (text)."
    if all(err.get("type") == "literal_error" for err, _ in members):
        expected = [err.get("ctx", {}).get("expected", "") for err, _ in members]
        return "Input should be " + " or ".join(e for e in expected if e) + "."
    parts = list(dict.fromkeys(_message(err).removeprefix("Input should be ").rstrip(".")
                               for err, _ in members))
    return "Input should be " + " or ".join(parts) + "."


def validation_errors(raw_errors) -> dict[str, list[str]]:
    """pydantic's errors as ``{field: [message]}``, the field named as the
    client sent it ("caller", "parent.child", "members.0"), one message per
    problem: the failures of a union's members give one merged message."""
    split = [(err, *_split_loc(err.get("loc", ()))) for err in raw_errors]
    # A plain type tag ("int", "str") ends the loc of a union member's error:
    # it is a tag when errors at the same place carry different ones.
    endings: dict[tuple, set] = {}
    for _, parts, _tag in split:
        if len(parts) > 1 and parts[-1] in _TYPE_TAGS:
            endings.setdefault(tuple(parts[:-1]), set()).add(parts[-1])
    for _, parts, tag in split:
        # A member with a tag of its own ("constrained-str") at the same place.
        if tag is not None and tuple(parts) in endings:
            endings[tuple(parts)].add(tag)
    errors: dict[str, list[str]] = {}
    unions: dict[str, list[tuple[dict, str]]] = {}
    for err, parts, tag in split:
        if len(parts) > 1 and len(endings.get(tuple(parts[:-1]), ())) > 1:
            tag = parts.pop()
        field = ".".join(str(p) for p in parts) or "__all__"
        messages = errors.setdefault(field, [])
        if tag is not None:
            unions.setdefault(field, []).append((err, tag))
            continue
        message = _message(err)
        if field == "__all__" and err.get("type") == "missing":
            message = "A request body (a JSON object) is required."
        if message not in messages:
            messages.append(message)
    for field, members in unions.items():
        message = _union_message(members) if len(members) > 1 else _message(members[0][0])
        if message not in errors[field]:
            errors[field].append(message)
    return errors


def install_error_handlers(api) -> None:
    def domain_error(request, exc: DomainError):
        response = api.create_response(request, exc.as_dict(), status=exc.status)
        if isinstance(exc, StaleVersion):
            # The version to edit now, as GET would tag it.
            response["ETag"] = f'"{exc.current_version}"'
        if isinstance(exc, Throttled):
            response["Retry-After"] = str(exc.retry_after)
        return response

    def validation_error(request, exc: NinjaValidationError):
        errors = validation_errors(exc.errors)
        first_field, messages = next(iter(errors.items()), ("__all__", ["invalid input"]))
        return api.create_response(
            request, {"detail": f"{first_field}: {messages[0]}", "errors": errors}, status=422
        )

    def not_found(request, exc):
        return api.create_response(request, {"detail": "Not found.", "errors": {}}, status=404)

    def http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": str(exc), "errors": {}},
                                   status=exc.status_code)

    def auth_error(request, exc):
        response = api.create_response(
            request, {"detail": "Authentication required: send 'Authorization: Bearer <token>'.",
                      "errors": {}}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="servista"'
        return response

    def data_error(request, exc):
        # Values the database refuses that no schema caught (out of range,
        # forbidden characters in a path): bad input, and nothing was stored.
        return api.create_response(request, {
            "detail": "A value is not accepted (out of range or not allowed characters).",
            "errors": {}}, status=422)

    def infrastructure_error(request, exc):
        log.warning("%s %s: infrastructure failure", request.method, request.path,
                    exc_info=exc)
        return unavailable_response(exc)

    for failure in infrastructure_failures():
        api.add_exception_handler(failure, infrastructure_error)
    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(DataError, data_error)
    api.add_exception_handler(NinjaValidationError, validation_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(AuthenticationError, auth_error)


def unavailable_response(exc=None) -> HttpResponse:
    """503 for a failure of the database, the broker or a peer: JSON, with
    when to try again; nothing was half-done (every change is one
    transaction)."""
    response = JsonResponse({
        "detail": f"The service is unavailable for a moment ({describe_failure(exc)}); "
                  f"try again in {RETRY_AFTER_SECONDS} seconds.", "errors": {}}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def describe_failure(exc) -> str:
    from django.db import Error as DatabaseError

    if isinstance(exc, DatabaseError):
        return "the database did not answer"
    if isinstance(exc, TimeoutError):
        return "a call timed out"
    return "a service it depends on did not answer"


def json_not_found(request, *args, **kwargs):
    """Any path under the API that names no endpoint: JSON, like every answer."""
    return JsonResponse({"detail": f"No API endpoint at {request.path}.", "errors": {}},
                        status=404)


json_not_found.csrf_exempt = True


def json_method_not_allowed(view):
    """Ninja answers a method no operation of a path takes with a plain-text
    405: give the JSON error body instead, keeping the Allow header."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
                "application/json"):
            allowed = response.get("Allow", "")
            json_response = JsonResponse(
                {"detail": f"Method {request.method} is not allowed here"
                           + (f" (allowed: {allowed})." if allowed else "."), "errors": {}},
                status=405)
            if allowed:
                json_response["Allow"] = allowed
            return json_response
        return response

    return wrapper


# --- the OpenAPI document ----------------------------------------------------


# No database text column takes NUL (0x00): every text a request carries is
# refused with it (InputSchema, the look-ups), and the document says so.
NO_NUL = "^[^\u0000]*$"


def _refuse_nul_in(schema: dict, components: dict, seen: set) -> None:
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _refuse_nul_in(components.get(name, {}), components, seen)
        return
    if schema.get("type") == "string" and "enum" not in schema and "const" not in schema \
            and "pattern" not in schema and "format" not in schema:
        schema["pattern"] = NO_NUL
    for key in ("anyOf", "oneOf", "allOf"):
        for member in schema.get(key, ()):
            _refuse_nul_in(member, components, seen)
    for member in schema.get("properties", {}).values():
        _refuse_nul_in(member, components, seen)
    if isinstance(schema.get("items"), dict):
        _refuse_nul_in(schema["items"], components, seen)
    if isinstance(schema.get("additionalProperties"), dict):
        _refuse_nul_in(schema["additionalProperties"], components, seen)


def state_input_limits(spec: dict) -> dict:
    """The limits the server enforces on what a request carries, written
    into the OpenAPI document: every text of a parameter or a body refuses
    NUL (the bounds of pages, the choices of list filters and the patterns
    of yes/no and ordering filters are stated by their own declarations)."""
    components = spec.get("components", {}).get("schemas", {})
    seen: set = set()
    retry_after = {"Retry-After": {"description": "Seconds to wait before trying again",
                                   "schema": {"type": "integer", "minimum": 1}}}
    error_body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            # Any operation may be throttled or meet an infrastructure failure.
            responses = operation.setdefault("responses", {})
            if "ErrorOut" in components:
                responses.setdefault(429, {
                    "description": "Too many requests for this token: wait Retry-After seconds",
                    "content": error_body, "headers": retry_after})
                responses.setdefault(503, {
                    "description": "The database or the broker did not answer: nothing was "
                                   "done; try again after Retry-After seconds",
                    "content": error_body, "headers": retry_after})
            for parameter in operation.get("parameters", ()):
                _refuse_nul_in(parameter.get("schema", {}), components, seen)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _refuse_nul_in(content.get("schema", {}), components, seen)
    return spec


# --- look-ups -------------------------------------------------------------------------


def get_object(request, queryset, ident):
    """One object the user may see, by id, number or name; 404 otherwise (a
    record outside the user's reach is indistinguishable from a missing one)."""
    return lookup.get(restrict(queryset, request.auth), str(ident))


# --- lists ------------------------------------------------------------------------------


def count_rows(queryset, limit: int | None = None, *,
               estimate_from: int | None = None) -> tuple[int, bool]:
    """Exact count up to ``limit`` (default EXACT_COUNT_LIMIT) rows; past it,
    the planner's estimate on PostgreSQL (an exact count of a million rows per
    page is what makes large lists slow). With ``estimate_from``, a query the
    planner expects to match at least that many rows is not counted at all
    (a search of a common word). Returns (count, is_estimate)."""
    if estimate_from is not None:
        estimate = planner_estimate(queryset)
        if estimate is not None and estimate >= estimate_from:
            return estimate, True
    limit = limit or settings.SERVISTA["EXACT_COUNT_LIMIT"]
    # Only the keys: a column computed per row (a record's time spent) is
    # not computed for counting.
    capped = queryset.order_by().values("pk")[: limit + 1].count()
    if capped <= limit:
        return capped, False
    estimate = planner_estimate(queryset)
    if estimate is None:
        return queryset.count(), False
    return max(estimate, limit + 1), True


MAX_OFFSET = 2**31 - 1  # what every database accepts in OFFSET


def page_bounds(limit: int | None, offset: int | None) -> tuple[int, int]:
    size = settings.SERVISTA["PAGE_SIZE"] if limit is None else limit
    if size < 1 or size > settings.SERVISTA["MAX_PAGE_SIZE"]:
        raise ValidationFailed.field(
            "limit", f"limit must be between 1 and {settings.SERVISTA['MAX_PAGE_SIZE']}.")
    offset = offset or 0
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationFailed.field("offset", f"offset must be between 0 and {MAX_OFFSET}.")
    return size, offset


def paginate(queryset, limit: int | None, offset: int | None, *,
             exact_up_to: int | None = None, estimate_from: int | None = None) -> dict:
    size, offset = page_bounds(limit, offset)
    count, estimated = count_rows(queryset, exact_up_to, estimate_from=estimate_from)
    items = list(queryset[offset:offset + size])
    return {"count": count, "count_is_estimate": estimated, "items": items}


def refuse_unknown_params(request, known) -> None:
    """A query parameter the list does not take is a mistake (``?stat=new``
    for ``?state=new``): 422 naming it, rather than an unfiltered list."""
    unknown = [name for name in request.GET if name not in known]
    if unknown:
        errors = {name: ["Unknown query parameter."] for name in unknown}
        raise ValidationFailed(f"{unknown[0]}: Unknown query parameter.", errors)


def apply_filterset(filterset_class, request, queryset, params: dict):
    """Filter through the app's FilterSet (the one the UI uses too); a bad
    value answers 422 naming the parameter."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = str(value)
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        errors = {name: [str(m) for m in msgs] for name, msgs in filterset.errors.items()}
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors)
    return filterset.qs


# --- optimistic concurrency ---------------------------------------------------------------


# One entity-tag of an If-Match list: "3", W/"3", or the bare number 3.
_ENTITY_TAG = re.compile(r'\s*(?:(W/)?"([\x21\x23-\x7e\x80-\xff]*)"|(\d+))\s*')
# Versions are numbers of at most this many digits (a bigint); a longer
# tag cannot name one.
MAX_VERSION_DIGITS = 18


def if_match_versions(header: str) -> tuple[int, ...] | None:
    """The versions an If-Match header accepts: None for ``*`` (any), else
    the numbers its strong tags name; a well-formed tag that names no
    version ("stale-0", a weak tag, a 5,000-digit number) adds none, so
    that it answers 412 with the current ETag. A header that is not a list
    of entity-tags answers 422 naming it."""
    if header.strip() == "*":
        return None
    versions = []
    position = 0
    while True:
        match = _ENTITY_TAG.match(header, position)
        if match is None:
            raise ValidationFailed.field(
                "If-Match", 'If-Match must be an ETag such as "3" (or a comma-separated list '
                            'of them, or *).')
        weak, opaque, bare = match.groups()
        tag = opaque if opaque is not None else bare
        if not weak and tag.isascii() and tag.isdigit() and len(tag) <= MAX_VERSION_DIGITS:
            versions.append(int(tag))
        position = match.end()
        if position == len(header):
            return tuple(versions)
        if header[position] != ",":
            raise ValidationFailed.field("If-Match", "If-Match must be a comma-separated "
                                                     "list of ETags.")
        position += 1


def expected_version(request, body_version: int | None = None):
    """The version the caller edited: If-Match (one or more ETags) or
    ``version`` in the body; None when the caller names none. With
    ``SERVISTA["REQUIRE_IF_MATCH"]`` an update without either answers 428."""
    header = request.headers.get("If-Match")
    if header is not None and header.strip():
        versions = if_match_versions(header)
        if versions is not None:
            return versions[0] if len(versions) == 1 else versions
        return body_version
    if body_version is None and settings.SERVISTA.get("REQUIRE_IF_MATCH"):
        raise PreconditionRequired(
            "This server requires If-Match on updates: send the ETag of the version you "
            "edited (from GET), e.g. If-Match: \"3\".",
            {"If-Match": ["required"]})
    return body_version


# --- Idempotency-Key ----------------------------------------------------------------------------


def request_digest(body: bytes) -> str:
    """The digest of a request body that a retry must repeat: of its JSON in a
    canonical form (a client may re-serialise with other spacing or key order),
    of the raw bytes when it is not JSON."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def idempotent(view):
    """Wraps a POST view: the first answer to a key is stored with the work it
    did (same transaction) and replayed on a retry with the same key and the
    same request (same path, same JSON body)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or request.method != "POST":
            return view(request, *args, **kwargs)
        if len(key) > 255:
            return JsonResponse({"detail": "Idempotency-Key is longer than 255 characters.",
                                 "errors": {"Idempotency-Key": ["too long"]}}, status=422)
        user = request_user(request)
        if user is None:
            return view(request, *args, **kwargs)  # ninja answers 401
        digest = request_digest(request.body)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    entry = IdempotencyKey.objects.create(
                        user=user, key=key, endpoint=request.path, request_digest=digest)
            except IntegrityError:
                previous = IdempotencyKey.objects.get(user=user, key=key)
                if previous.endpoint != request.path or previous.request_digest != digest:
                    return JsonResponse(
                        {"detail": "This Idempotency-Key was used for a different request.",
                         "errors": {"Idempotency-Key": ["already used for another request"]}},
                        status=422)
                replay = replay_of(previous)
                for name, value in previous.headers.items():
                    replay[name] = value
                replay["Idempotent-Replayed"] = "true"
                return replay
            response = view(request, *args, **kwargs)
            if response.status_code >= 400:
                # A refused request changed nothing: the key is not kept, and
                # a retry (with the body or the If-Match corrected) runs again.
                transaction.set_rollback(True)
                return response
            entry.status_code = response.status_code
            # The very bytes of the answer: a replay is identical to it.
            entry.body = response.content.decode()
            entry.headers = {h: response[h] for h in ("Content-Type", "ETag", "Location")
                             if h in response}
            entry.save(update_fields=["status_code", "body", "headers"])
            return response

    return wrapper


def replay_of(previous: IdempotencyKey) -> HttpResponse:
    """The stored first answer to an Idempotency-Key."""
    if previous.body is not None:
        return HttpResponse(previous.body.encode(), status=previous.status_code,
                            content_type=previous.headers.get("Content-Type",
                                                              "application/json"))
    # Kept before answers were stored as they were sent: the same JSON.
    return JsonResponse(previous.response, status=previous.status_code, safe=False)
