"""The audit context: who acts, through which face (web, API, CLI, background
job) and under which correlation id. Set explicitly by each entry point and read
by the journal, so every change is recorded whatever its origin."""

import contextlib
import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    origin: str = "system"
    correlation_id: str = ""


_DEFAULT = AuditContext()
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "servista_audit_context", default=None
)


def current() -> AuditContext:
    return _current.get() or _DEFAULT


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def audit_context(origin: str, correlation_id: str | None = None):
    token = _current.set(AuditContext(origin, correlation_id or new_correlation_id()))
    try:
        yield current()
    finally:
        _current.reset(token)


# Who an answer is for (the API sets it while it writes one): references to
# records show what this person may see of them (``schemas.RecordRef``).
_viewer: contextvars.ContextVar = contextvars.ContextVar("servista_viewer", default=None)


def viewer():
    return _viewer.get()


@contextlib.contextmanager
def viewing_as(user):
    token = _viewer.set(user)
    try:
        yield
    finally:
        _viewer.reset(token)
