"""Domain errors raised by services and turned into HTTP answers, form errors
and CLI messages by the faces of the application; and which other failures
are the infrastructure's (HTTP 503, worth retrying)."""


class DomainError(Exception):
    status = 400

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}

    def as_dict(self) -> dict:
        return {"detail": self.detail, "errors": self.errors}


class ValidationFailed(DomainError):
    """Input is missing or wrong; nothing was changed (HTTP 422)."""

    status = 422

    @classmethod
    def field(cls, field: str, message: str) -> "ValidationFailed":
        return cls(message, {field: [message]})

    @classmethod
    def from_django(cls, exc) -> "ValidationFailed":
        """Build from a django.core.exceptions.ValidationError."""
        if hasattr(exc, "error_dict"):
            errors = {
                field: [str(m) for err in errs for m in err.messages]
                for field, errs in exc.error_dict.items()
            }
        else:
            errors = {"__all__": list(exc.messages)}
        first = next(iter(errors.items()))
        detail = f"{first[0]}: {first[1][0]}" if first[0] != "__all__" else first[1][0]
        return cls(detail, errors)


class InvalidTransition(DomainError):
    """The record's state does not allow the operation (HTTP 409)."""

    status = 409

    def __init__(self, detail: str, field: str = "state", status: int | None = None):
        super().__init__(detail, {field: [detail]})
        if status:
            self.status = status


class StaleVersion(DomainError):
    """The caller edited an older version of the record (HTTP 412)."""

    status = 412

    def __init__(self, current_version: int):
        super().__init__(
            f"The record was changed by someone else (current version {current_version}); "
            "reload it and try again.",
            {"version": [f"current version is {current_version}"]},
        )
        self.current_version = current_version


class PreconditionRequired(DomainError):
    """The server requires If-Match on updates and the request had none
    (HTTP 428)."""

    status = 428


class Throttled(DomainError):
    """Too many requests for now (HTTP 429); ``retry_after`` seconds."""

    status = 429

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


class Forbidden(DomainError):
    """The actor may see the record but not do this (HTTP 403)."""

    status = 403


class NotFound(DomainError):
    status = 404


# Answers to a failure of the infrastructure say when to try again (seconds).
RETRY_AFTER_SECONDS = 5


def infrastructure_failures() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the database, the broker or a peer is away or
    too slow, not that the request was wrong."""
    from django.db import InterfaceError, OperationalError
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (OperationalError, InterfaceError, BrokerError, RedisConnectionError,
            RedisTimeoutError, TimeoutError, ConnectionError)


def is_infrastructure_failure(exc: BaseException | None) -> bool:
    return exc is not None and isinstance(exc, infrastructure_failures())
