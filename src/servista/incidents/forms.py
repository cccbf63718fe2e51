"""Forms of the agent workspace and the self-service portal. They only
collect and type the input; the rules are in services.py. The forms every
record shares (comments, reasons, assignment, the bulk bar) are the kit's."""

from django import forms
from django.urls import reverse

from servista.accounts.models import Group
from servista.catalog.choices import ServiceStatus
from servista.catalog.models import Service
from servista.cmdb.choices import CIStatus
from servista.cmdb.models import ConfigurationItem
from servista.core import lookup
from servista.core.choices import Priority
from servista.core.forms import FilesField, PersonField, ServistaForm
from servista.core.idents import parse_id
from servista.core.records.forms import (
    BLANK,
    AssignForm,
    BulkForm,
    CommentForm,
    ReasonForm,
    RecordForm,
    RefChoiceField,
    RequiredReasonForm,
    WorkRecordForm,
    agents,
    shown_required,
)

from .choices import Channel, HoldReason, IncidentState, ResolutionCode
from .models import Category, Incident

__all__ = ["AssignForm", "CommentForm", "ReasonForm", "RequiredReasonForm"]


def grouped_subcategories(category=None):
    """The subcategories, grouped by category; only ``category``'s when one
    is given (a plain list then)."""
    subs = Category.objects.filter(active=True).exclude(parent=None).select_related("parent")
    if category is not None:
        return BLANK + [(str(sub.pk), sub.name) for sub in subs.filter(parent=category)
                        .order_by("name")]
    groups: dict[str, list] = {}
    for sub in subs:
        groups.setdefault(sub.parent.name, []).append((str(sub.pk), sub.name))
    return BLANK + sorted(groups.items())


def top_categories():
    return Category.objects.filter(parent=None, active=True).order_by("name")


def link_subcategories(form):
    """The category select reloads the subcategory options (HTMX), and a
    bound or initial category limits the subcategories to its own."""
    form.fields["category"].widget.attrs.update({
        "hx-get": reverse("incidents:subcategory_options"), "hx-target": "#id_subcategory",
        "hx-swap": "innerHTML", "hx-trigger": "change", "hx-include": "this",
    })
    category = None
    value = form.data.get("category") if form.is_bound else form.initial.get("category")
    if hasattr(value, "pk"):
        category = value
    elif parse_id(value) is not None:
        category = top_categories().filter(pk=parse_id(value)).first()
    form.fields["subcategory"].choices = grouped_subcategories(category)


def suggest_while_typing(form) -> None:
    """The title and details ask for suggestions as they are typed (HTMX,
    debounced; the answer goes to ``#suggestions``)."""
    for name in ("short_description", "description"):
        form.fields[name].widget.attrs.update({
            "hx-get": reverse("incidents:suggestions"), "hx-target": "#suggestions",
            "hx-trigger": "input changed delay:400ms", "hx-sync": "this:replace",
            "hx-include": "[name=short_description],[name=description]",
            "autocomplete": "off"})


def in_operation_services():
    return Service.objects.exclude(status=ServiceStatus.RETIRED)


def cis_in_use():
    return ConfigurationItem.objects.exclude(status=CIStatus.RETIRED)


class IncidentForm(WorkRecordForm):
    """Logging and editing an incident in the agent workspace."""

    model = Incident
    FIELDS = ("caller", "short_description", "description", "category", "subcategory",
              "service", "configuration_item", "affected_services", "affected_cis", "impact",
              "urgency", "channel", "assignment_group", "assigned_to")

    caller = PersonField(label="Caller")
    category = forms.ModelChoiceField(top_categories(), required=False)
    subcategory = RefChoiceField(model=Category, required=False)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment_group"].help_text = "Empty: routed by category"
        link_subcategories(self)
        if self.instance is None:
            suggest_while_typing(self)

    def choices_for(self, name):
        if name in ("service", "affected_services"):
            return in_operation_services()
        return cis_in_use()


class ReportForm(ServistaForm):
    """The self-service portal's 'report a problem' form, in the words of
    the person affected."""

    short_description = forms.CharField(
        label="What is not working?", max_length=200,
        widget=forms.TextInput(attrs={
            "col": "col-12", "autofocus": True,
            "placeholder": "e.g. I cannot print to the 3rd floor printer"}))
    description = forms.CharField(
        label="Details", required=False,
        help_text="What were you doing? Any error message? Since when?",
        widget=forms.Textarea(attrs={"rows": 5, "col": "col-12"}))
    category = forms.ModelChoiceField(top_categories(), required=False,
                                      label="What kind of problem is it?",
                                      empty_label="I don't know")
    subcategory = RefChoiceField(model=Category, required=False, label="More precisely")
    service = forms.ModelChoiceField(Service.objects.filter(status=ServiceStatus.LIVE),
                                     required=False, label="Which service is affected?",
                                     empty_label="I don't know")
    impact = forms.TypedChoiceField(
        label="Who is affected?", coerce=int, initial=3,
        choices=[(3, "Just me"), (2, "My team or department"), (1, "Many people / everyone")])
    urgency = forms.TypedChoiceField(
        label="How much does it stop your work?", coerce=int, initial=3,
        choices=[(3, "I can work around it"), (2, "It slows me down a lot"),
                 (1, "I cannot work at all")])
    files = FilesField(label="Screenshots or files",
                       help_text="Choose, drop or paste them (screenshots: Ctrl+V).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        link_subcategories(self)
        self.fields["files"].widget.attrs["data-file-input"] = "1"
        suggest_while_typing(self)


class ResolveForm(RecordForm):
    # Required by the resolution rules (services.py), which say so on the form.
    resolution_code = shown_required(
        forms.ChoiceField(choices=BLANK + ResolutionCode.choices, required=False))
    resolution_notes = shown_required(forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 4, "col": "col-12"}), help_text="What was done to restore the service "
                                                       "(visible to the caller)."))


class HoldForm(RecordForm):
    hold_reason = shown_required(forms.ChoiceField(choices=BLANK + HoldReason.choices,
                                                   required=False, label="Waiting for"))
    reason = forms.CharField(required=False, label="Note",
                             widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))


class EscalateForm(RecordForm):
    kind = forms.ChoiceField(choices=[
        ("functional", "Functional: pass to a group with more expertise"),
        ("hierarchical", "Hierarchical: inform management"),
    ], widget=forms.RadioSelect, initial="functional", label="Escalation")
    assignment_group = forms.ModelChoiceField(Group.objects.filter(active=True), required=False,
                                              help_text="For a functional escalation")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))


class PriorityForm(RecordForm):
    priority = forms.TypedChoiceField(choices=[("", "Back to the matrix")] + Priority.choices,
                                      coerce=int, empty_value=None, required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))


class MajorForm(RecordForm):
    manager = forms.ModelChoiceField(agents(), label="Major-incident manager")
    swarm = forms.ModelMultipleChoiceField(agents(), required=False,
                                           help_text="Agents who swarm on it",
                                           widget=forms.SelectMultiple(attrs={"size": 8}))
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2,
                                                                          "col": "col-12"}))


class SwarmForm(RecordForm):
    swarm = forms.ModelMultipleChoiceField(agents(), required=False,
                                           help_text="Agents who swarm on the major incident",
                                           widget=forms.SelectMultiple(attrs={"size": 10}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not self.is_bound:
            self.initial["swarm"] = list(self.instance.swarm.values_list("pk", flat=True))

    def action_data(self):
        return {"members": self.cleaned_data["swarm"]}


class ParentForm(RecordForm):
    parent = forms.CharField(required=False, label="Parent incident number",
                             help_text="Empty to detach from the parent")

    def clean_parent(self):
        number = self.cleaned_data["parent"].strip().upper()
        if not number:
            return None
        parent = lookup.find(Incident.objects.all(), number, fields=("number",))
        if parent is None:
            raise forms.ValidationError(f"No incident {number}.")
        return parent


class IncidentBulkForm(BulkForm):
    model = Incident
    state_fields = {IncidentState.ON_HOLD: ("hold_reason",),
                    IncidentState.RESOLVED: ("resolution_code", "resolution_notes")}
    reason_required_for = (IncidentState.CANCELLED,)

    hold_reason = forms.ChoiceField(choices=BLANK + HoldReason.choices, required=False,
                                    label="Waiting for")
    resolution_code = forms.ChoiceField(choices=BLANK + ResolutionCode.choices, required=False,
                                        label="Resolution code")
    resolution_notes = forms.CharField(required=False, label="Resolution notes")
