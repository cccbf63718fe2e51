"""The pages of service level management: the compliance report (table,
chart, CSV) for the support staff."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_POST

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
        "error": error, "watermelon": services.watermelon()}, status=422 if error else 200)


def _answer(request, survey, template_context):
    """POST: record the score and comment, once (a second answer is refused)."""
    error = None
    raw = request.POST.get("score", "")
    score = int(raw) if raw.isdigit() else None
    try:
        services.answer_survey(survey, score=score, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        error = exc.detail
    status = 200 if error is None else (409 if survey.answered_at else 422)
    return render(request, "sla/survey.html", {**template_context, "survey": survey,
                                               "error": error, "thanks": error is None},
                  status=status)


def survey_by_link(request, token):
    """The email's single-use link: no sign-in needed, the token is the key."""
    survey = services.survey_for_token(token)
    if survey is None:
        raise Http404("No such survey.")
    context = {"title": f"How did we do on {survey.number}?", "action": request.path}
    if request.method == "POST":
        return _answer(request, survey, context)
    if survey.answered_at is not None:
        return render(request, "sla/survey.html", {**context, "survey": survey,
                                                   "error": "This survey has already been "
                                                            "answered. Thank you!"}, status=409)
    return render(request, "sla/survey.html", {**context, "survey": survey})


@login_required
@require_POST
def survey_of_record(request, number):
    """The portal's question on a resolved ticket, answered by its requester."""
    model = services.record_model_of(number)
    record = model.objects.filter(number__iexact=number).first() if model else None
    survey = services.pending_survey(record, request.user) if record else None
    if survey is None:
        raise Http404("No survey waits for your answer here.")
    return _answer(request, survey, {"title": f"How did we do on {survey.number}?",
                                     "action": request.path})


app_name = "sla"
urlpatterns = [
    path("compliance/", compliance, name="compliance"),
    path("survey/<str:token>/", survey_by_link, name="survey"),
    path("survey-of/<str:number>/", survey_of_record, name="survey_of_record"),
]
