"""The CMDB's pages: the item list with its filters (class and below,
status, environment, attribute...), the item page (fields, attributes,
relationships, impact and its graph, open incidents through the panels),
the graph data the page draws, the item's forms (new, edit, its class's
attributes re-drawn when the class changes, relating and unrelating items)
and baselines with their differences. Every change goes through
``cmdb.services``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_POST

from servista.core.exceptions import DomainError, Forbidden, ValidationFailed
from servista.core.generic_views import (
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    htmx_redirect,
    int_param,
)
from servista.core.idents import parse_id
from servista.core.models import JournalEntry
from servista.core.permissions import policy_for, restrict

from . import baselines, services
from .choices import Direction
from .filtersets import CIFilterSet
from .forms import CIForm, RelationshipForm, attribute_field_name, form_errors
from .models import Baseline, ConfigurationItem, Relationship
from .tables import CITable

JOINED = ("owner_group", "service", "organization", "owner", "represents", "ci_class")


class CIListView(ObjectListView):
    queryset = ConfigurationItem.objects.select_related(*JOINED)
    filterset = CIFilterSet
    table = CITable


class CIDetailView(ObjectDetailView):
    queryset = ConfigurationItem.objects.select_related(*JOINED)
    template_name = "cmdb/ci_detail.html"
    detail_fields = ("identifier", "name", "short_name", "abbreviations", "ci_class", "status",
                     "environment", "criticality", "organization", "owner_group", "owner",
                     "service", "represents", "description")

    def get_context(self, obj, **extra):
        schemas = services.Schemas()
        direction = self.request.GET.get("direction", Direction.DOWNSTREAM)
        if direction not in Direction.values:
            direction = Direction.DOWNSTREAM
        depth = int_param(self.request, "depth", 3, high=services.MAX_DEPTH)
        can_change = policy_for(ConfigurationItem).can(self.request.user, "change", obj)
        return super().get_context(
            obj, attributes=services.attribute_rows(obj, schemas),
            relationships=services.relationships_of(obj), can_change=can_change,
            relationship_form=RelationshipForm(instance=obj, user=self.request.user)
            if can_change else None,
            impact=services.impact(obj, direction=direction, depth=depth, limit=200),
            direction=direction, depth=depth, depths=range(1, services.MAX_DEPTH + 1),
            **extra)


class CIGraphView(ObjectDetailView):
    """The graph around an item, as the page's Cytoscape canvas draws it:
    the items within ``depth`` relationships either way, and the
    relationships between them (JSON)."""

    queryset = ConfigurationItem.objects.select_related("ci_class")

    def get(self, request, *args, **kwargs):
        ci = self.get_object()
        depth = int_param(request, "depth", 2, high=services.MAX_DEPTH)
        return JsonResponse(services.neighbourhood(ci, depth=depth))


class BaselineListView(ObjectDetailView):
    queryset = Baseline.objects.select_related("taken_by")

    def get(self, request, *args, **kwargs):
        rows = self.get_queryset()[:200]
        return render(request, "cmdb/baseline_list.html",
                      {"title": "Baselines", "baselines": rows})


class BaselineDetailView(ObjectDetailView):
    queryset = Baseline.objects.select_related("taken_by")

    def get(self, request, *args, **kwargs):
        baseline = self.get_object()
        others = self.get_queryset().exclude(pk=baseline.pk)
        against = others.filter(pk=request.GET.get("against") or 0).first() \
            if (request.GET.get("against") or "").isdigit() else None
        return render(request, "cmdb/baseline_detail.html", {
            "title": f"Baseline {baseline}", "baseline": baseline, "others": others[:100],
            "against": against, "diff": baselines.diff(baseline, against)})


# --- the item's forms ----------------------------------------------------------------------


def last_entry(ci) -> int:
    """The id of the item's latest journal entry: every change of an item,
    from any face, writes one, so it tells whether the item changed since
    a form showed it (items carry no version number)."""
    return JournalEntry.objects.for_record(ci).order_by("-pk") \
        .values_list("pk", flat=True).first() or 0


class CIFormMixin:
    queryset = ConfigurationItem.objects.select_related(*JOINED)
    form_class = CIForm
    template_name = "cmdb/ci_form.html"
    form_template = "cmdb/includes/ci_form.html"

    def get_form(self, obj, data=None):
        form = self.form_class(data=data, instance=obj, user=self.request.user,
                               initial=self.initial_values(obj))
        return form

    def initial_values(self, obj) -> dict:
        return {}

    def load(self):
        # The CMDB is the staff's: those who may not see it at all are
        # refused outright (403), whichever item the address names.
        self.require("view")
        return super().load()

    def save(self, form, obj):
        try:
            return self.write(form, obj)
        except ValidationFailed as exc:
            # The services name an attribute "attributes.<key>"; the form
            # calls its input "attr__<key>".
            raise ValidationFailed(exc.detail, form_errors(exc.errors))


class CICreateView(CIFormMixin, ObjectFormView):
    """A new item, of the class chosen (``?ci_class=server`` chooses one)."""

    creating = True
    action = "create"
    title = "New configuration item"

    def initial_values(self, obj):
        key = self.request.GET.get("ci_class")
        return {"ci_class": key} if key else {}

    def write(self, form, obj):
        return services.create_ci(self.request.user, form.service_data(), from_text=True)

    def success_message(self, obj):
        return f"{obj} created."


class CIEditView(CIFormMixin, ObjectFormView):
    """Changing an item. The form carries the journal entry it was drawn
    from: a change made meanwhile (by anyone, through any face) refuses
    the save, and nothing is written."""

    def get_form(self, obj, data=None):
        form = super().get_form(obj, data)
        form.fields["seen"] = forms.CharField(widget=forms.HiddenInput, required=False)
        form.initial["seen"] = str(last_entry(obj))
        return form

    def write(self, form, obj):
        with transaction.atomic():
            locked = ConfigurationItem.objects.select_for_update(of=("self",)) \
                .select_related(*JOINED) \
                .get(pk=obj.pk)
            if str(last_entry(locked)) != form.cleaned_data.get("seen", ""):
                raise ValidationFailed(
                    "This item was changed by someone else since you opened the form; "
                    "reload it and make your change again.",
                    {"__all__": ["Changed meanwhile."]})
            return services.update_ci(locked, self.request.user, form.service_data(),
                                      from_text=True)


@login_required
@require_GET
def ci_attribute_fields(request):
    """The attribute inputs of the class chosen (HTMX, when the form's class
    changes), keeping the values typed in inputs of the same name."""
    if not policy_for(ConfigurationItem).can(request.user, "view"):
        raise PermissionDenied("You are not allowed to view this.")
    form = CIForm(user=request.user)
    ci_class = form.schemas.classes.get(request.GET.get("ci_class", ""))
    form = CIForm(user=request.user, ci_class=ci_class, initial={
        attribute_field_name(key): request.GET.get(attribute_field_name(key))
        for key in (form.schemas.schema(ci_class) if ci_class else {})
        if request.GET.get(attribute_field_name(key)) not in (None, "")})
    return render(request, "cmdb/includes/attribute_fields.html",
                  {"form": form, "ci_class": ci_class})


OPTIONS = 15


@login_required
@require_GET
def ci_options(request):
    """Type-ahead for item pickers: ``<option>``s for a datalist, the items
    whose name holds what is typed (in ``?field=``'s value, or ``?q=``), of
    ``?ci_class=`` and below when given."""
    field = request.GET.get("field", "q")
    text = (request.GET.get(field) or request.GET.get("q") or "").strip()
    if len(text) < 2:
        return HttpResponse("")
    items = restrict(ConfigurationItem.objects.all(), request.user).filter(
        name__icontains=text)
    schemas = services.Schemas()
    ci_class = schemas.classes.get(request.GET.get("ci_class", ""))
    if ci_class is not None:
        items = items.filter(ci_class__in=schemas.descendants(ci_class))
    items = items.select_related("ci_class").order_by("name")[:OPTIONS]
    return HttpResponse(format_html_join("", '<option value="{}">{}</option>',
                                         ((ci.name, ci.ci_class) for ci in items)))


class RelationshipCreateView(ObjectFormView):
    """Relate the item to another, from its page (``cmdb.services`` apply
    the type's class rules, refuse a self-loop and a second copy, and
    require the right to relate the source item)."""

    queryset = ConfigurationItem.objects.select_related("ci_class")
    form_class = RelationshipForm
    template_name = "core/object_edit.html"
    action = "change"

    def load(self):
        self.require("view")
        return super().load()

    def get_context(self, form, obj):
        return {**super().get_context(form, obj), "title": f"Relate {obj}",
                "form_action": self.request.path, "form_id": "relationship-form",
                "submit_label": "Add relationship"}

    def save(self, form, obj):
        data = form.service_data()
        try:
            result = services.create_relationship(self.request.user, data)
        except ValidationFailed as exc:
            if form.cleaned_data["direction"] == RelationshipForm.INCOMING:
                # The other item is the source here: its errors go on the input.
                exc = ValidationFailed(exc.detail, {
                    "target" if name == "source" else name: messages_
                    for name, messages_ in exc.errors.items()})
            raise exc
        self.cycle = result.cycle
        return obj

    def success_url(self, obj):
        # The item's page itself (no fragment): HTMX's redirect to the page
        # it is on with a fragment would only scroll, not reload it.
        return obj.get_absolute_url()

    def success_message(self, obj):
        if getattr(self, "cycle", False):
            return "Relationship added; it closes a cycle of relationships."
        return "Relationship added."


@login_required
@require_POST
def relationship_remove(request, ident, rel):
    """Remove one of the item's relationships (either end)."""
    if not policy_for(ConfigurationItem).can(request.user, "view"):
        raise PermissionDenied("You are not allowed to view this.")
    ci = restrict(ConfigurationItem.objects.all(), request.user).filter(pk=ident).first()
    if ci is None:
        raise Http404(f"No configuration item {ident}")
    pk = parse_id(str(rel))
    found = Relationship.objects.select_related("type", "source", "target").filter(
        pk=pk).first() if pk is not None else None
    if found is None or ci.pk not in (found.source_id, found.target_id):
        raise Http404(f"No relationship {rel} of {ci}")
    try:
        services.delete_relationship(found, request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.detail)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Relationship removed: {found}.")
    return htmx_redirect(request, f"{ci.get_absolute_url()}#ci-relationships")
