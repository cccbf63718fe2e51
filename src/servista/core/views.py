import base64
import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servista.core import attachments, health, search, shell
from servista.core.api import unavailable_response
from servista.core.exceptions import (
    RETRY_AFTER_SECONDS,
    DomainError,
    NotFound,
    is_infrastructure_failure,
)
from servista.core.idents import split_number
from servista.core.permissions import is_agent, restrict
from servista.core.priority import compute_priority
from servista.core.registry import model_for_number
from servista.core.templatetags.servista import priority_badge


@require_GET
@never_cache
def healthz(request):
    """Readiness: 200 only when every database connection answers, the
    broker (if any) answers, no due job has waited too long and a
    background worker has reported recently; 503 with what is wrong."""
    healthy, body = health.report()
    response = JsonResponse(body, status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """An uncaught exception: under /api/ a JSON body; a failure of the
    database, the broker or a timeout answers 503 with Retry-After (on
    pages too), anything else 500."""
    exc = sys.exc_info()[1]
    if is_infrastructure_failure(exc):
        if request.path.startswith("/api/"):
            return unavailable_response(exc)
        # No request context: its processors would ask the database again.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Internal server error.", "errors": {}}, status=500)
    return defaults.server_error(request)


@login_required
def home(request):
    """Where a user lands: the first home page the apps registered that fits
    them (the agent's workspace, the requester's portal...)."""
    url = shell.home_url(request.user)
    if url is None:
        return render(request, "core/home.html", {"title": "Servista"})
    return redirect(url)


SEARCH_PER_SOURCE = 10


@login_required
@require_GET
def global_search(request):
    """The search box: a record number opens that record; other words are
    searched in every source the user may use, a few results each, with a
    link to the whole list."""
    query = request.GET.get("q", "").strip()
    sources = shell.search_sources(request.user)
    parts = split_number(query)
    if parts is not None:
        model = model_for_number(query)
        if model is not None:
            record = restrict(model._default_manager.all(), request.user) \
                .filter(number=query.upper()).first()
            if record is not None:
                url = record.get_absolute_url() if is_agent(request.user) \
                    else shell.requester_url(record)
                if url:
                    return redirect(url)
    results = []
    if query:
        for source in sources:
            rows = restrict(source.model._default_manager.all(), request.user)
            if search.is_searchable(source.model):
                rows = rows.filter(search.matches(source.model, query, using=rows.db))
            else:
                rows = rows.none()
            found = list(rows.order_by("-pk")[:SEARCH_PER_SOURCE + 1])
            results.append({
                "source": source, "rows": found[:SEARCH_PER_SOURCE],
                "more": len(found) > SEARCH_PER_SOURCE,
                "all_url": f"{reverse(source.list_url)}?{request.GET.urlencode()}",
            })
    return render(request, "core/search.html", {
        "title": f"Search: {query}" if query else "Search", "query": query,
        "results": results, "sources": sources,
    })


def priority_preview(request):
    """The priority the matrix gives for the impact and urgency on a form."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    try:
        impact = int(request.GET.get("impact", 2))
        urgency = int(request.GET.get("urgency", 2))
        priority = compute_priority(impact, urgency)
    except (ValueError, DomainError):
        return HttpResponse("")
    return HttpResponse(priority_badge(priority))


DASHBOARD_DAYS = (7, 14, 30, 90)


@login_required
@require_GET
def dashboard(request):
    """The sections the apps registered (core/shell.py), over the last
    ``days`` days (7, 14, 30 or 90)."""
    if not shell.has_dashboard(request.user):
        raise PermissionDenied("The dashboard is for the support staff.")
    try:
        days = int(request.GET.get("days", 14))
    except ValueError:
        days = 14
    if days not in DASHBOARD_DAYS:
        days = 14
    return render(request, "core/dashboard.html", {
        "title": "Dashboard", "days": days, "choices": DASHBOARD_DAYS,
        "sections": shell.dashboard_sections(request.user, days)})
@login_required
@require_GET
def attachment(request, pk, name):
    """A file of a record's activity, to whoever may see its entry (else
    404, as if it did not exist). Images show inline; every other kind is
    downloaded, never rendered by the browser."""
    try:
        found = attachments.visible(request.user, pk)
    except NotFound:
        raise Http404("No such file.")
    inline = found.is_image
    response = FileResponse(found.file.open("rb"), as_attachment=not inline,
                            filename=found.name,
                            content_type=found.mimetype if inline else "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Digest"] = "sha-256=" + base64.b64encode(bytes.fromhex(found.sha256)).decode()
    return response
