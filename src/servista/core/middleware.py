import re
from urllib.parse import urlencode, urlsplit

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

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


class HtmxLoginRedirectMiddleware:
    """An HTMX request of a signed-out user (an expired session) must not get
    the sign-in page swapped into a dialog or a panel: the redirect to the
    sign-in page becomes an ``HX-Redirect``, so that the whole page goes
    there, and comes back to the page the user was on (not to the fragment's
    URL) once signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or request.path.startswith("/api/"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        login_url = resolve_url(settings.LOGIN_URL)
        location = response.get("Location", "")
        to_login = response.status_code in (301, 302, 303, 307, 308) and \
            urlsplit(location).path == urlsplit(login_url).path
        if not (to_login or response.status_code == 401):
            return response
        redirect = HttpResponse(status=204)
        query = urlencode({"next": self.back_to(request)}, safe="/")
        redirect["HX-Redirect"] = f"{login_url}?{query}"
        return redirect

    @staticmethod
    def back_to(request) -> str:
        """The page shown in the browser (HX-Current-URL), when it is ours;
        else the requested path."""
        current = request.headers.get("HX-Current-URL", "")
        if current and url_has_allowed_host_and_scheme(
                current, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            parts = urlsplit(current)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return request.get_full_path()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy built once: every answer
    that asks for nothing of its own (no per-view change, no nonce) gets
    the header made from the settings the first time (django-csp would
    build the same string again for each answer)."""

    _built: tuple = (None, "")

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        own = any(hasattr(response, name) for name in (
            "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt", "_csp_config_ro",
            "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro"))
        if own or policy is None or getattr(request, "_csp_nonce", None) is not None \
                or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) \
                or policy.get("EXCLUDE_URL_PREFIXES") or HEADER in response:
            return super().process_response(request, response)
        key, header = ContentSecurityPolicyMiddleware._built
        if key is not policy:
            header = build_policy()
            ContentSecurityPolicyMiddleware._built = (policy, header)
        response[HEADER] = header
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class PreferencesMiddleware:
    """A signed-in person's preferences for the request (``request.preference``):
    dates and times are shown in their time zone when they chose one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import zoneinfo

        from django.utils import timezone

        from servista.core import personal

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        request.preference = preference = personal.preference(user)
        if preference.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(preference.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
