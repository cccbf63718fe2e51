"""The problem pages: the kit's record pages (list, page, log, edit, actions,
comments, bulk), configured, with the incidents a problem causes; the
known error database; trend and Pareto analysis; the problem candidates of
repeat-incident detection; and the steps taken from an incident's page or
the incident list. Every change goes through services.py (trends.py for
the candidates)."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from servista.core import lookup
from servista.core.exceptions import DomainError, Forbidden
from servista.core.generic_views import htmx_redirect
from servista.core.permissions import is_agent, policy_for, restrict
from servista.core.records.views import RecordViews
from servista.incidents.models import Incident

from . import services, trends
from .actions import ACTIONS
from .choices import CandidateStatus, Dimension
from .filtersets import ProblemFilterSet
from .forms import DecisionForm, FromIncidentsForm, ProblemForm
from .models import Problem, ProblemCandidate
from .tables import ProblemTable


class ProblemViews(RecordViews):
    model = Problem
    service = services.rules
    actions = ACTIONS
    filterset = ProblemFilterSet
    table = ProblemTable
    form = ProblemForm
    detail_related = ("assignment_group", "assigned_to", "opened_by", "service",
                      "configuration_item", "category", "resolved_by")
    detail_template = "problems/problem_detail.html"
    create_label = "Log problem"

    def detail_context(self, problem, user):
        incidents = list(services.linked_incidents(problem)
                         .select_related("assigned_to").order_by("-id")[:50])
        return {"incidents": incidents,
                "open_incidents": sum(1 for i in incidents if i.is_open)}


problem_views = ProblemViews()


def _staff(request):
    if not is_agent(request.user):
        raise PermissionDenied("Problem management is for the support staff.")


def _incident(request, ident) -> Incident:
    incident = lookup.find(restrict(Incident.objects.all(), request.user), str(ident))
    if incident is None:
        raise Http404(f"No incident {ident}")
    return incident


def _problem(request, ident) -> Problem:
    problem = lookup.find(restrict(Problem.objects.all(), request.user), str(ident))
    if problem is None:
        raise Http404(f"No problem {ident}")
    return problem


@login_required
@require_POST
def apply_to(request, ident, incident):
    """From an incident's page: apply a known error's workaround to it."""
    _staff(request)
    problem, inc = _problem(request, ident), _incident(request, incident)
    try:
        services.apply_workaround(problem, inc, request.user,
                                  resolve=request.POST.get("resolve") == "on")
    except Forbidden as exc:
        raise PermissionDenied(exc.detail)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Workaround of {problem.number} applied to {inc.number}.")
    return htmx_redirect(request, inc.get_absolute_url())


@login_required
@require_POST
def link_incident(request, incident):
    """From an incident's page: link it to a problem by number."""
    _staff(request)
    inc = _incident(request, incident)
    problem = lookup.find(restrict(Problem.objects.all(), request.user),
                          request.POST.get("problem", "").strip())
    if problem is None:
        messages.error(request, f"No problem '{request.POST.get('problem', '')[:20]}'.")
        return htmx_redirect(request, inc.get_absolute_url())
    try:
        done, failed = services.link_incidents(problem, request.user, [inc],
                                               hold=request.POST.get("hold") == "on")
    except Forbidden as exc:
        raise PermissionDenied(exc.detail)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        for number, why in failed.items():
            messages.error(request, f"{number}: {why}")
        if done:
            messages.success(request, f"{inc.number} linked to {problem.number}.")
    return htmx_redirect(request, inc.get_absolute_url())


@login_required
def from_incidents(request):
    """Incidents selected on the incident list (or one from its page): link
    them to a problem, or log a new problem with them."""
    _staff(request)
    numbers = request.POST.getlist("selection") or request.GET.getlist("selection")
    chosen = list(restrict(Incident.objects.all(), request.user)
                  .filter(number__in=[n.upper() for n in numbers]).order_by("id"))
    form = FromIncidentsForm(request.POST if "confirm" in request.POST else None)
    if not chosen:
        messages.error(request, "Select at least one incident.")
        return redirect("incidents:list")
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                problem = _link_or_create(request, chosen, form.cleaned_data)
            except Forbidden as exc:
                raise PermissionDenied(exc.detail)
            except DomainError as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect(problem.get_absolute_url())
        status = 422
    return render(request, "problems/from_incidents.html", {
        "title": "Problem from incidents", "incidents": chosen, "form": form}, status=status)


def _link_or_create(request, incidents, data) -> Problem:
    number = (data.get("problem") or "").strip()
    if number:
        problem = lookup.find(restrict(Problem.objects.all(), request.user), number)
        if problem is None:
            from servista.core.exceptions import ValidationFailed

            raise ValidationFailed.field("problem", f"No problem '{number}'.")
        done, failed = services.link_incidents(problem, request.user, incidents,
                                               hold=data["hold"])
        if done:
            messages.success(request, f"Linked to {problem.number}: "
                                      f"{', '.join(i.number for i in done)}.")
        for failed_number, why in failed.items():
            messages.error(request, f"{failed_number}: {why}")
        return problem
    first = incidents[0]
    problem = services.create_problem(request.user, {
        "short_description": data["short_description"], "category": first.category,
        "service": first.service, "configuration_item": first.configuration_item,
        "description": "Logged from " + ", ".join(i.number for i in incidents) + ".",
    }, incidents_=incidents, hold=data["hold"])
    messages.success(request, f"{problem.number} logged with {len(incidents)} incident(s).")
    return problem


def _date(value, end=False):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


@login_required
def analysis(request):
    """Trend and Pareto analysis of incidents over a period."""
    _staff(request)
    dimension = request.GET.get("dimension", Dimension.CATEGORY)
    interval = request.GET.get("interval", "week")
    since, until = _date(request.GET.get("since")), _date(request.GET.get("until"), end=True)
    error = None
    try:
        pareto = trends.pareto(dimension, since, until)
        trend = trends.trend(dimension, since, until, interval=interval)
    except DomainError as exc:
        error, pareto, trend = exc.detail, None, None
    chart = None
    if pareto is not None:
        chart = {"pareto": {"labels": [r["label"] for r in pareto["rows"]],
                            "counts": [r["count"] for r in pareto["rows"]],
                            "cumulative": [r["cumulative"] for r in pareto["rows"]],
                            "vital": [r["vital"] for r in pareto["rows"]]},
                 "trend": {"periods": trend["periods"],
                           "series": [{"name": s["label"], "data": s["data"]}
                                      for s in trend["series"]]}}
    return render(request, "problems/analysis.html", {
        "title": "Incident trends and Pareto analysis", "pareto": pareto, "trend": trend,
        "chart": chart, "error": error,
        "dimensions": Dimension.choices, "dimension": dimension, "interval": interval,
        "since": (pareto or {}).get("since"), "until": (pareto or {}).get("until")},
        status=422 if error else 200)


@login_required
def candidates(request):
    _staff(request)
    status = request.GET.get("status", CandidateStatus.PROPOSED)
    if status not in CandidateStatus.labels:
        status = CandidateStatus.PROPOSED
    rows = ProblemCandidate.objects.filter(status=status) \
        .select_related("rule", "decided_by", "problem")[:100]
    return render(request, "problems/candidates.html", {
        "title": "Problem candidates", "candidates": rows, "status": status,
        "statuses": CandidateStatus.choices,
        "may_decide": policy_for(ProblemCandidate).can(request.user, "decide")})


@login_required
def candidate(request, pk):
    _staff(request)
    found = ProblemCandidate.objects.select_related("rule", "decided_by", "problem") \
        .filter(pk=pk).first()
    if found is None:
        raise Http404("No such candidate")
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        try:
            if request.POST.get("decision") == "accept":
                problem = trends.accept_candidate(
                    found, request.user,
                    short_description=form.cleaned_data.get("short_description", ""))
                messages.success(request, f"{problem.number} logged from the candidate.")
                return redirect(problem.get_absolute_url())
            trends.dismiss_candidate(found, request.user,
                                     reason=form.cleaned_data.get("reason", ""))
            messages.success(request, "Candidate dismissed.")
            return redirect(reverse("problems:candidates"))
        except Forbidden as exc:
            raise PermissionDenied(exc.detail)
        except DomainError as exc:
            form.add_error(None, exc.detail)
            status = 422
    incidents = Incident.objects.filter(pk__in=found.incident_ids).order_by("-id")[:100]
    return render(request, "problems/candidate.html", {
        "title": str(found), "candidate": found, "incidents": incidents, "form": form,
        "may_decide": policy_for(ProblemCandidate).can(request.user, "decide", found)},
        status=status)


app_name = "problems"
urlpatterns = [
    path("analysis/", analysis, name="analysis"),
    path("candidates/", candidates, name="candidates"),
    path("candidates/<int:pk>/", candidate, name="candidate"),
    path("from-incidents/", from_incidents, name="from_incidents"),
    path("link-incident/<str:incident>/", link_incident, name="link_incident"),
    path("<str:ident>/apply-to/<str:incident>/", apply_to, name="apply_to"),
    *problem_views.urls(),
]
