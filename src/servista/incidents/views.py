"""The agent workspace: queues, the incident list, the incident page with its
actions and activity stream, logging and editing. Every change goes through
services.py."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views import View

from servista.core import services as records
from servista.core.api import count_rows
from servista.core.exceptions import DomainError, Forbidden, NotFound
from servista.core.generic_views import (
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ObjectMixin,
    apply_domain_error,
    htmx_redirect,
    safe_next,
)
from servista.core.idents import parse_id
from servista.core.permissions import restrict
from servista.core.priority import compute_priority

from . import services
from .choices import IncidentState
from .filtersets import IncidentFilterSet
from .forms import (
    AssignForm,
    BulkForm,
    CommentForm,
    EscalateForm,
    HoldForm,
    IncidentForm,
    MajorForm,
    ParentForm,
    PriorityForm,
    ReasonForm,
    RequiredReasonForm,
    ResolveForm,
    SwarmForm,
    grouped_subcategories,
    top_categories,
)
from .models import Incident
from .tables import IncidentTable

State = IncidentState
LIST_RELATED = ("caller", "assignment_group", "assigned_to")


class AgentOnlyMixin:
    """The workspace is the support staff's; requesters go to the portal."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_agent:
            ident = kwargs.get("ident")
            return redirect("portal:ticket", ident) if ident else redirect("portal:home")
        return super().dispatch(request, *args, **kwargs)


class IncidentListView(AgentOnlyMixin, ObjectListView):
    queryset = Incident.objects.select_related(*LIST_RELATED)
    filterset = IncidentFilterSet
    table = IncidentTable
    template_name = "incidents/incident_list.html"
    bulk_actions = "incidents/includes/bulk_bar.html"
    title = "Incidents"

    def get_context(self, **extra):
        return super().get_context(bulk_form=BulkForm(user=self.request.user), **extra)


QUEUES = {
    "mine": "Assigned to me",
    "groups": "My groups, unassigned",
    "open": "All open, by priority",
}


def queue_queryset(queue: str, user):
    qs = Incident.objects.filter(state__in=State.OPEN)
    if queue == "mine":
        return qs.filter(assigned_to=user)
    if queue == "groups":
        return qs.filter(assignment_group__in=user.support_groups.values("pk"),
                         assigned_to=None)
    return qs


class QueueView(IncidentListView):
    """The agent's queues: mine; my groups' unassigned; all open by priority."""

    template_name = "incidents/workspace.html"

    def get(self, request, *args, **kwargs):
        if kwargs["queue"] not in QUEUES:
            raise Http404("No such queue")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queue = self.kwargs["queue"]
        qs = restrict(queue_queryset(queue, self.request.user), self.request.user)
        return qs.select_related(*LIST_RELATED)

    def default_order_by(self):
        # "All open, by priority": most urgent first, then the oldest (by id:
        # the index on (state, priority, id) keeps that order).
        if self.kwargs["queue"] == "open":
            return ("priority",)
        return None

    def get_context(self, **extra):
        user = self.request.user
        tabs = []
        for key, label in QUEUES.items():
            count, estimated = count_rows(queue_queryset(key, user))
            tabs.append({"key": key, "label": label, "count": count, "estimated": estimated})
        return super().get_context(queue=self.kwargs["queue"], tabs=tabs,
                                   title=QUEUES[self.kwargs["queue"]], **extra)


class IncidentDetailView(AgentOnlyMixin, ObjectDetailView):
    queryset = Incident.objects.select_related(
        "caller", "caller__organization", "organization", "category", "subcategory", "service",
        "configuration_item", "assignment_group", "assignment_group__manager", "assigned_to",
        "opened_by", "resolved_by", "major_incident_manager", "parent",
    )
    lookup_field = "number"
    template_name = "incidents/incident_detail.html"

    def get_context(self, obj, **extra):
        user = self.request.user
        return {
            "object": obj,
            "incident": obj,
            "title": f"{obj.number} {obj.short_description}",
            "entries": records.visible_journal(obj, user),
            "comment_form": extra.pop("comment_form", None) or CommentForm(user=user),
            "children": obj.children.select_related("assigned_to").order_by("id"),
            "swarm": obj.swarm.all(),
            "links": records.links_of(obj),
            "actions": available_actions(obj, user),
            **extra,
        }


class IncidentCreateView(AgentOnlyMixin, ObjectFormView):
    queryset = Incident.objects.all()
    form_class = IncidentForm
    creating = True
    template_name = "incidents/incident_form.html"
    title = "Log an incident"

    def get_form(self, obj, data=None):
        form = super().get_form(obj, data)
        caller = self.request.GET.get("caller")
        if caller and not form.is_bound:
            form.initial["caller"] = caller
        return form

    def save(self, form, obj):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.log_incident(self.request.user, **data)

    def success_message(self, obj):
        return f"{obj.number} logged with priority {obj.get_priority_display()}."


class IncidentEditView(AgentOnlyMixin, ObjectFormView):
    queryset = Incident.objects.select_related("caller", "assignment_group", "assigned_to")
    lookup_field = "number"
    form_class = IncidentForm
    template_name = "incidents/incident_form.html"

    def get(self, request, *args, **kwargs):
        incident = self.load()
        if not incident.is_open:  # closed and cancelled are final: nothing to edit
            messages.error(request, f"{incident.number} is {incident.get_state_display().lower()}"
                                    " and can no longer be changed.")
            return redirect(incident.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def save(self, form, obj):
        return services.update_incident(obj, self.request.user, form.changed(),
                                        expected_version=form.cleaned_data.get("version"))


# --- actions of the incident page --------------------------------------------------


def _always(incident, user) -> bool:
    return True


@dataclass(frozen=True)
class Action:
    """A button of the incident page. A state change names its ``target``
    and shows wherever the state machine allows it; the others list the
    states they apply in."""

    label: str
    form: type | None
    permission: str
    perform: Callable
    target: str | None = None
    states: tuple = State.OPEN
    shown_if: Callable = _always

    def permitted(self, incident, user) -> bool:
        """The user's role may do this to this incident."""
        return services.policy().can(user, self.permission, incident)

    def applies(self, incident, user) -> bool:
        """The incident's current state (and condition) offers this action."""
        if self.target is not None:
            in_state = State.can_transition(incident.state, self.target)
        else:
            in_state = incident.state in self.states
        return in_state and self.shown_if(incident, user)

    def available(self, incident, user) -> bool:
        return self.permitted(incident, user) and self.applies(incident, user)


def _reason(data):
    return data.get("reason", "")


def escalate(inc, user, data):
    if data["kind"] == "hierarchical":
        return services.escalate_hierarchical(inc, user, reason=_reason(data))
    return services.escalate_functional(inc, user, assignment_group=data.get("assignment_group"),
                                        reason=_reason(data))


ACTIONS = {
    "take": Action("Assign to me", None, "assign",
                   lambda inc, user, data: services.take(inc, user),
                   shown_if=lambda inc, user: inc.assigned_to_id != user.pk),
    "start": Action("Start work", ReasonForm, "change",
                    lambda inc, user, data: services.change_state(
                        inc, user, State.IN_PROGRESS, reason=_reason(data)),
                    target=State.IN_PROGRESS,
                    shown_if=lambda inc, user: inc.state != State.RESOLVED),
    "assign": Action("Assign", AssignForm, "assign",
                     lambda inc, user, data: services.assign(
                         inc, user, assignment_group=data.get("assignment_group"),
                         assigned_to=data.get("assigned_to"))),
    "hold": Action("Put on hold", HoldForm, "change",
                   lambda inc, user, data: services.put_on_hold(
                       inc, user, hold_reason=data["hold_reason"], reason=_reason(data)),
                   target=State.ON_HOLD),
    "resolve": Action("Resolve", ResolveForm, "change",
                      lambda inc, user, data: services.resolve(
                          inc, user, resolution_code=data["resolution_code"],
                          resolution_notes=data["resolution_notes"]),
                      target=State.RESOLVED),
    "escalate": Action("Escalate", EscalateForm, "escalate", escalate),
    "priority": Action("Override priority", PriorityForm, "override_priority",
                       lambda inc, user, data: services.override_priority(
                           inc, user, priority=data.get("priority"), reason=_reason(data)),
                       states=State.ACTIVE),
    "major": Action("Declare major incident", MajorForm, "promote_major",
                    lambda inc, user, data: services.promote_major(
                        inc, user, manager=data["manager"], swarm=data.get("swarm", []),
                        reason=_reason(data)),
                    shown_if=lambda inc, user: not inc.is_major),
    "swarm": Action("Swarm", SwarmForm, "manage_swarm",
                    lambda inc, user, data: services.set_swarm(inc, user,
                                                               data.get("swarm", [])),
                    shown_if=lambda inc, user: inc.is_major),
    "stand_down": Action("Stand down major incident", RequiredReasonForm, "stand_down_major",
                         lambda inc, user, data: services.stand_down_major(
                             inc, user, reason=_reason(data)),
                         states=State.ACTIVE, shown_if=lambda inc, user: inc.is_major),
    "clear_escalation": Action("Clear escalation", RequiredReasonForm, "clear_escalation",
                               lambda inc, user, data: services.clear_escalation(
                                   inc, user, reason=_reason(data)),
                               states=State.ACTIVE, shown_if=lambda inc, user: inc.escalated),
    "parent": Action("Set parent incident", ParentForm, "change",
                     lambda inc, user, data: services.set_parent(inc, user, data.get("parent"))),
    "reopen": Action("Reopen", ReasonForm, "reopen",
                     lambda inc, user, data: services.reopen(inc, user, reason=_reason(data)),
                     target=State.IN_PROGRESS,
                     shown_if=lambda inc, user: inc.state == State.RESOLVED),
    "close": Action("Close", ReasonForm, "close",
                    lambda inc, user, data: services.close(inc, user, reason=_reason(data)),
                    target=State.CLOSED),
    "cancel": Action("Cancel", RequiredReasonForm, "change",
                     lambda inc, user, data: services.cancel(inc, user, reason=_reason(data)),
                     target=State.CANCELLED),
}


def available_actions(incident, user) -> list[dict]:
    """The buttons to show: the ones the user's role allows in this state."""
    return [{"name": name, "label": action.label, "needs_form": action.form is not None}
            for name, action in ACTIONS.items() if action.available(incident, user)]


class IncidentActionView(AgentOnlyMixin, ObjectMixin, View):
    """GET: the action's form (loaded into a modal). POST: run it; a refusal
    shows on the form, success reloads the incident page.

    An action is only done where its button shows: a role that may not gets
    403, a state that does not offer it 409 (the same checks as the buttons)."""

    queryset = Incident.objects.select_related("assignment_group", "assigned_to")
    lookup_field = "number"

    def get_action(self):
        name = self.kwargs["action"]
        if name not in ACTIONS:
            raise Http404("No such action")
        return name, ACTIONS[name]

    def refusal(self, incident, action):
        """None when the action may be done now; else the answer refusing it."""
        user = self.request.user
        if not action.permitted(incident, user):
            raise PermissionDenied(f"You are not allowed to {action.label.lower()} "
                                   f"on {incident.number}.")
        if not action.applies(incident, user):
            message = (f"“{action.label}” is not possible on {incident.number} now: "
                       f"it is {incident.get_state_display().lower()}. Reload the page to see "
                       "what can be done.")
            return render(self.request, "incidents/action_refused.html", {
                "incident": incident, "message": message, "title": "Not possible now",
            }, status=409)
        return None

    def render_form(self, incident, form, status=200):
        name, action = self.get_action()
        context = {"incident": incident, "form": form, "action": name, "label": action.label,
                   "title": f"{action.label} · {incident.number}"}
        if not self.request.htmx:
            template = "incidents/action_page.html"
        elif status == 422:
            # The dialog's form replaces itself (hx-swap outerHTML): send the
            # form only, not the dialog's header around it again.
            template = "incidents/includes/action_form_body.html"
        else:
            template = "incidents/includes/action_form.html"
        return render(self.request, template, context, status=status)

    def get(self, request, *args, **kwargs):
        incident = self.get_object()
        _, action = self.get_action()
        refused = self.refusal(incident, action)
        if refused is not None:
            return refused
        form = action.form(user=request.user, instance=incident) if action.form else None
        return self.render_form(incident, form)

    def post(self, request, *args, **kwargs):
        incident = self.get_object()
        _, action = self.get_action()
        refused = self.refusal(incident, action)
        if refused is not None:
            return refused
        form = action.form(request.POST, user=request.user, instance=incident) \
            if action.form else None
        if form is not None and not form.is_valid():
            return self.render_form(incident, form, status=422)
        label = action.label
        try:
            action.perform(incident, request.user, form.cleaned_data if form else {})
        except (Forbidden, NotFound) as exc:
            raise PermissionDenied(exc.detail)
        except DomainError as exc:
            if form is None:
                messages.error(request, exc.detail)
                return htmx_redirect(request, incident.get_absolute_url())
            apply_domain_error(form, exc)
            return self.render_form(incident, form, status=422)
        messages.success(request, f"{incident.number}: {label.lower()} done.")
        return htmx_redirect(request, incident.get_absolute_url())


class CommentView(ObjectMixin, View):
    """Add a comment or work note from the activity panel (HTMX: the panel
    is re-rendered in place)."""

    queryset = Incident.objects.all()
    lookup_field = "number"

    def post(self, request, *args, **kwargs):
        incident = self.get_object()
        form = CommentForm(request.POST, user=request.user)
        status = 200
        if form.is_valid():
            try:
                services.add_journal_entry(incident, request.user, form.cleaned_data["kind"],
                                           form.cleaned_data["body"])
            except Forbidden as exc:
                raise PermissionDenied(exc.detail)
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = 422
            else:
                form = CommentForm(user=request.user)
        else:
            status = 422
        if not request.htmx:
            return redirect(incident.get_absolute_url())
        incident.refresh_from_db()
        return render(request, "incidents/includes/activity_panel.html", {
            "incident": incident, "comment_form": form,
            "entries": records.visible_journal(incident, request.user),
        }, status=status)


class BulkView(AgentOnlyMixin, ObjectMixin, View):
    """Assign or change the state of the selected incidents; each one is
    done or refused on its own."""

    queryset = Incident.objects.all()

    def get(self, request):
        # Back from signing in after a bulk action whose session had expired:
        # the selection is gone, the list is where to go on.
        return redirect(reverse("incidents:list"))

    def post(self, request):
        form = BulkForm(request.POST, user=request.user)
        back = safe_next(request, request.POST.get("next"), reverse("incidents:list"))
        if not form.is_valid():
            messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
            return htmx_redirect(request, back)
        data = form.cleaned_data
        incidents = list(self.get_queryset().filter(number__in=data["selection"]))
        if data["action"] == "take":
            done, failed = services.bulk(incidents, request.user, services.take)
        elif data["action"] == "assign":
            done, failed = services.bulk(incidents, request.user, services.assign,
                                         assignment_group=data["assignment_group"])
        else:
            done, failed = services.bulk(
                incidents, request.user, services.change_state, target=data["state"],
                hold_reason=data["hold_reason"], resolution_code=data["resolution_code"],
                resolution_notes=data["resolution_notes"], reason=data["reason"])
        if done:
            numbers = ", ".join(i.number for i in done)
            messages.success(request, f"Done for {len(done)}: {numbers}")
        for number, error in failed.items():
            messages.error(request, f"{number}: {error}")
        return htmx_redirect(request, back)


def priority_preview(request):
    """The priority the matrix gives for the impact and urgency on the form."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    try:
        impact = int(request.GET.get("impact", 2))
        urgency = int(request.GET.get("urgency", 2))
        priority = compute_priority(impact, urgency)
    except (ValueError, DomainError):
        return HttpResponse("")
    from servista.core.templatetags.servista import priority_badge

    return HttpResponse(priority_badge(priority))


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
