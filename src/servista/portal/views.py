"""The self-service portal: an employee reports a problem, follows their
organization's tickets, talks with the service desk, and confirms (or
rejects) a resolution. Only public comments and public fields are shown.

The portal composes the practices that concern requesters (incident
management today), through their services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from servista.core import lookup
from servista.core import services as records
from servista.core.exceptions import DomainError, Forbidden, NotFound
from servista.core.generic_views import apply_domain_error, htmx_redirect
from servista.core.records.forms import CommentForm
from servista.incidents import services
from servista.incidents.choices import IncidentState
from servista.incidents.forms import ReportForm
from servista.incidents.models import Incident
from servista.sla import services as sla

State = IncidentState
# "Open" includes resolved tickets: they still wait for the caller's word.
# "Awaiting confirmation" lists only the ones this person is the caller of:
# a colleague's resolution is the colleague's to confirm.
TABS = {
    "open": ("Open", lambda qs, user: qs.filter(state__in=State.ACTIVE)),
    "resolved": ("Awaiting confirmation",
                 lambda qs, user: qs.filter(state=State.RESOLVED, caller=user)),
    "all": ("All", lambda qs, user: qs),
}


def portal_queryset(user):
    """The tickets shown in someone's portal: their own and their
    organization's (the requester scope of the incident policy)."""
    return Incident.objects.filter(services.policy().requester_filter(user))


def get_ticket(user, ident) -> Incident:
    qs = portal_queryset(user).select_related("caller", "service", "assigned_to")
    ticket = lookup.find(qs, str(ident))
    if ticket is None:
        raise Http404("No such ticket")
    return ticket


PORTAL_PAGE_SIZE = 25


@login_required
def home(request):
    tab = request.GET.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    qs = portal_queryset(request.user).select_related("caller", "service").order_by("-id")
    counts = {key: narrow(qs, request.user).count() for key, (_, narrow) in TABS.items()}
    tickets = TABS[tab][1](qs, request.user)
    # Every tab is paged (get_page copes with junk and out-of-range pages).
    paginator = Paginator(tickets, PORTAL_PAGE_SIZE)
    paginator.count = counts[tab]  # counted just above
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "portal/home.html", {
        "title": "Self-service portal", "tickets": page.object_list, "page": page, "tab": tab,
        "tabs": TABS, "counts": counts,
    })


@login_required
def report(request):
    # Coming back from an article that did not solve it: what was typed is kept.
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user,
                      initial={"short_description": request.GET.get("short_description",
                                                                    "")[:200]})
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.log_incident(request.user, channel="portal", **form.cleaned_data)
        except Forbidden as exc:
            raise PermissionDenied(exc.detail)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Thank you. Your ticket {incident.number} is logged; "
                                      "the service desk will be in touch.")
            return htmx_redirect(request, incident_url(incident))
    status = 422 if form.is_bound else 200
    if status == 422 and request.htmx:
        # The form replaces itself (hx-swap outerHTML): the form alone, errors inline.
        return render(request, "core/includes/form.html", {
            "form": form, "form_id": "report-form", "submit_label": "Send to the service desk",
            "cancel_url": reverse("portal:home")}, status=status)
    return render(request, "portal/report.html",
                  {"form": form, "title": "Report a problem"}, status=status)


def incident_url(incident) -> str:
    return reverse("portal:ticket", args=[incident.number])


@login_required
def ticket(request, ident):
    incident = get_ticket(request.user, ident)
    return render(request, "portal/ticket.html", ticket_context(request, incident))


def ticket_context(request, incident, form=None):
    return {
        "title": f"{incident.number} {incident.short_description}",
        "incident": incident,
        "timeline": records.requester_timeline(incident, request.user),
        "comment_form": form or CommentForm(user=request.user),
        "is_caller": incident.caller_id == request.user.pk,
        "survey": sla.pending_survey(incident, request.user),
    }


@login_required
@require_POST
def comment(request, ident):
    incident = get_ticket(request.user, ident)
    form = CommentForm(request.POST, request.FILES, user=request.user)
    form.fields["kind"].required = False
    if form.is_valid():
        try:
            services.comment(incident, request.user, form.cleaned_data["body"],
                             files=form.cleaned_data["files"])
        except Forbidden as exc:
            raise PermissionDenied(exc.detail)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return htmx_redirect(request, incident_url(incident))
    return render(request, "portal/ticket.html",
                  ticket_context(request, incident, form), status=422)


@login_required
@require_POST
def confirm(request, ident):
    """The caller accepts the resolution: the ticket closes."""
    incident = get_ticket(request.user, ident)
    try:
        services.close(incident, request.user, reason="Resolution confirmed by the caller.")
    except Forbidden as exc:
        raise PermissionDenied(exc.detail)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"{incident.number} is closed. Thank you for confirming.")
    return htmx_redirect(request, incident_url(incident))


@require_http_methods(["GET", "POST"])
def answer(request, token):
    """The "it is fixed" / "it is not fixed" links of a resolution mail. The
    link's token says who answers what about which resolution; GET asks to
    confirm (mail scanners follow links), POST acts, once."""
    try:
        incident, said = services.read_answer(token)
    except NotFound as exc:
        raise Http404(exc.detail)
    except DomainError as exc:
        return render(request, "portal/answer.html", {"title": "Already answered",
                                                      "spent": exc.detail}, status=409)
    if request.method == "POST":
        try:
            incident = services.answer(token, comment=request.POST.get("comment", "")[:5000])
        except DomainError as exc:
            return render(request, "portal/answer.html", {"title": "Already answered",
                                                          "spent": exc.detail}, status=409)
        return render(request, "portal/answer.html", {
            "title": "Thank you", "incident": incident, "said": said, "done": True})
    return render(request, "portal/answer.html", {
        "title": "Is it fixed?", "incident": incident, "said": said, "token": token})
