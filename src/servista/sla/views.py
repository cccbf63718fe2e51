"""The pages of service level management: the compliance report (table,
chart, CSV) for the support staff."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from servista.core.exceptions import DomainError, ValidationFailed
from servista.core.permissions import policy_for

from . import services
from .choices import TargetKind
from .models import Agreement

LABELS = {"service": "Service", "customer": "Customer", "priority": "Priority",
          "month": "Month"}


@login_required
def compliance(request):
    """SLA compliance by service, customer, priority or month."""
    if not policy_for(Agreement).can(request.user, "report"):
        raise PermissionDenied("The compliance report is for the support staff.")
    by = request.GET.get("by", "service")
    kind = request.GET.get("kind") or None
    error, rows = None, []
    try:
        if kind is not None and kind not in TargetKind.labels:
            raise ValidationFailed.field("kind", f"'{kind}' is not a target kind.")
        rows = services.compliance(by, kind=kind)
    except DomainError as exc:
        error = exc.detail
    if request.GET.get("format") == "csv" and error is None:
        answer = HttpResponse(services.compliance_csv(by, rows), content_type="text/csv")
        answer["Content-Disposition"] = f'attachment; filename="sla-compliance-{by}.csv"'
        return answer
    chart = {"labels": [str(r["group"]) for r in rows],
             "percent_met": [r["percent_met"] for r in rows],
             "breached": [r["breached"] for r in rows]}
    return render(request, "sla/compliance.html", {
        "title": "SLA compliance", "rows": rows, "by": by, "kind": kind or "",
        "dimensions": list(LABELS.items()), "kinds": TargetKind.choices, "chart": chart,
        "error": error}, status=422 if error else 200)


app_name = "sla"
urlpatterns = [path("compliance/", compliance, name="compliance")]
