import re

from servista.core.context import audit_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class AuditContextMiddleware:
    """Marks every change made during a request with its origin (web or API)
    and a correlation id (the caller's X-Request-ID when well formed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = "api" if request.path.startswith("/api/") else "web"
        supplied = request.headers.get("X-Request-ID", "")
        with audit_context(origin, supplied if _REQUEST_ID.match(supplied) else None) as ctx:
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.correlation_id
        return response
