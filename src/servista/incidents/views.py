"""The incident pages: the kit's record pages (list, page, log, edit,
actions, comments, bulk), configured, plus the agent's queues and the
subcategory options of the forms. Every change goes through services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from servista.accounts.models import Group
from servista.core import lookup
from servista.core.api import count_rows
from servista.core.exceptions import DomainError, Forbidden
from servista.core.generic_views import htmx_redirect
from servista.core.idents import parse_id
from servista.core.permissions import restrict
from servista.core.records.views import RecordCreateView, RecordListView, RecordViews
from servista.sla import services as sla

from . import services
from .actions import ACTIONS
from .choices import IncidentState
from .filtersets import IncidentFilterSet
from .forms import IncidentBulkForm, IncidentForm, grouped_subcategories, top_categories
from .models import Category, Incident
from .tables import IncidentTable

State = IncidentState
QUEUES = {
    "mine": "Assigned to me",
    "groups": "My groups, unassigned",
    "open": "All open, by priority",
    "due": "Due soonest",
}


def queue_queryset(queue: str, user):
    qs = Incident.objects.filter(state__in=State.OPEN)
    if queue == "mine":
        return qs.filter(assigned_to=user)
    if queue == "groups":
        return qs.filter(assignment_group__in=user.support_groups.values("pk"),
                         assigned_to=None)
    if queue == "due":
        return sla.with_due_time(qs).filter(sla_due_at__isnull=False)
    return qs


class QueueView(RecordListView):
    """The agent's queues: mine; my groups' unassigned; all open by priority."""

    template_name = "incidents/workspace.html"

    def get(self, request, *args, **kwargs):
        if kwargs["queue"] not in QUEUES:
            raise Http404("No such queue")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queue = self.kwargs["queue"]
        qs = restrict(queue_queryset(queue, self.request.user), self.request.user)
        if queue != "due":
            qs = sla.with_due_time(qs)
        return qs.select_related(*self.kit.list_related)

    def default_order_by(self):
        # "All open, by priority": most urgent first, then the oldest (by id:
        # the index on (state, priority, id) keeps that order).
        if self.kwargs["queue"] == "open":
            return ("priority",)
        if self.kwargs["queue"] == "due":
            return ("sla_due_at",)
        return None

    def get_context(self, **extra):
        user = self.request.user
        tabs = []
        for key, label in QUEUES.items():
            count, estimated = count_rows(queue_queryset(key, user))
            tabs.append({"key": key, "label": label, "count": count, "estimated": estimated})
        return super().get_context(queue=self.kwargs["queue"], tabs=tabs,
                                   title=QUEUES[self.kwargs["queue"]], **extra)


class IncidentListView(RecordListView):
    def get_queryset(self):
        return sla.with_due_time(super().get_queryset())


class IncidentCreateView(RecordCreateView):
    template_name = "incidents/incident_form.html"

    def save(self, form, obj):
        incident = super().save(form, obj)
        post = self.request.POST
        category = Category.objects.filter(pk=parse_id(post.get("suggested_category", ""))) \
            .first() if parse_id(post.get("suggested_category", "")) else None
        group = Group.objects.filter(pk=parse_id(post.get("suggested_group", ""))).first() \
            if parse_id(post.get("suggested_group", "")) else None
        services.record_routing(
            incident, category=category, group=group,
            category_confidence=_confidence(post.get("suggested_category_confidence")),
            group_confidence=_confidence(post.get("suggested_group_confidence")))
        return incident

    def get_form(self, obj, data=None):
        form = super().get_form(obj, data)
        caller = self.request.GET.get("caller")
        if caller and not form.is_bound:
            form.initial["caller"] = caller
        return form

    def success_message(self, obj):
        return f"{obj.number} logged with priority {obj.get_priority_display()}."


class IncidentViews(RecordViews):
    model = Incident
    service = services.rules
    actions = ACTIONS
    filterset = IncidentFilterSet
    table = IncidentTable
    form = IncidentForm
    bulk_form = IncidentBulkForm
    list_related = ("caller", "assignment_group", "assigned_to")
    detail_related = ("caller", "caller__organization", "organization", "category",
                      "subcategory", "service", "configuration_item", "assignment_group",
                      "assignment_group__manager", "assigned_to", "opened_by", "resolved_by",
                      "major_incident_manager", "parent")
    detail_template = "incidents/incident_detail.html"
    create_view = IncidentCreateView
    list_view = IncidentListView
    create_label = "Log incident"

    def create_title(self):
        return "Log an incident"

    def detail_context(self, incident, user):
        from servista.core.services import links_of

        return {
            "children": incident.children.select_related("assigned_to").order_by("id"),
            "swarm": incident.swarm.all(),
            # What it waits for, when on hold awaiting a problem (or change):
            # the records it is linked to as "caused by".
            "caused_by": [row["other"] for row in links_of(incident)
                          if row["link"].kind == "caused_by" and row["direction"] == "outgoing"
                          and row["other"] is not None and row["other"].is_open],
        }


incident_views = IncidentViews()
queue_view = QueueView.as_view(kit=incident_views)


def _confidence(value) -> float:
    try:
        return min(max(float(value), 0.0), 1.0)
    except (TypeError, ValueError):
        return 0.0


MAX_TEXT = 2000


def suggestions(request):
    """While an incident is written (the agent's form, the portal's report
    form): known errors, articles and open incidents like it, a running
    major incident, and for the staff the category and group suggested
    from resolved history."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    text = "\n".join(request.GET.get(name, "")[:MAX_TEXT]
                     for name in ("short_description", "description")).strip()
    found = services.suggestions(request.user, text) if text else \
        {"sources": [], "items": [], "category": None, "assignment_group": None}
    return render(request, "incidents/includes/suggestions.html", {
        "found": found, "text": text[:200], "for_staff": request.user.is_agent,
        "form_id": "object-form" if request.user.is_agent else "report-form"})


def subcategory_options(request):
    """The ``<option>``s of the subcategory select for the chosen category
    (all of them, grouped, when none is chosen). Used by the agent's form and
    the portal's report form."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    pk = parse_id(request.GET.get("category", ""))
    category = top_categories().filter(pk=pk).first() if pk is not None else None
    parts = []
    for value, label in grouped_subcategories(category):
        if isinstance(label, list | tuple):
            options = format_html_join("", '<option value="{}">{}</option>', label)
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, options))
        else:
            parts.append(format_html('<option value="{}">{}</option>', value, label))
    return HttpResponse("".join(parts))


@login_required
@require_POST
def use_proposed_service(request, ident):
    """From the incident's page: name the service its item's impact proposes."""
    incident = lookup.find(restrict(Incident.objects.all(), request.user), str(ident))
    if incident is None:
        raise Http404(f"No incident {ident}")
    try:
        services.use_proposed_service(incident, request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.detail)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        incident.refresh_from_db()
        messages.success(request, f"{incident.number}: service {incident.service}.")
    return htmx_redirect(request, incident.get_absolute_url())
