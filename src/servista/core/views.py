from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """Liveness and readiness: answers 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means not ready
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request):
    """Requesters land in the self-service portal, support staff in their
    workspace."""
    if request.user.is_agent:
        return redirect("incidents:queue", "mine")
    return redirect("portal:home")


@login_required
@require_GET
def people_search(request):
    """Type-ahead for person fields: ``<option>`` elements for a datalist.
    ``scope=agents`` limits to support staff. Requesters get nothing."""
    from servista.accounts.models import User

    query = request.GET.get("q", "").strip()
    if not request.user.is_agent or len(query) < 2:
        return HttpResponse("")
    people = User.objects.filter(is_active=True).filter(
        Q(username__icontains=query) | Q(first_name__icontains=query)
        | Q(last_name__icontains=query) | Q(email__icontains=query)
    ).exclude(username="servista-system")
    if request.GET.get("scope") == "agents":
        people = people.filter(role__in=("agent", "manager", "admin"))
    people = people.select_related("organization").order_by("last_name", "first_name")[:15]
    html = "".join(
        format_html('<option value="{}">{}{}</option>', p.username, p.get_full_name() or p.username,
                    f" · {p.organization}" if p.organization_id else "")
        for p in people
    )
    return HttpResponse(html)
