"""Forms every work record's pages share: comments and work notes, a reason,
assignment to a group and one of its members, and the bulk bar of lists.
They collect and type input; the rules are in the practice's services."""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse

from servista.core import response_templates
from servista.core.choices import Impact, Urgency
from servista.core.forms import FilesField, ServistaForm
from servista.core.services import SYSTEM_USERNAME
from servista.core.time_spent import MAX_MINUTES

BLANK = [("", "—")]
STAFF_ROLES = ("agent", "manager", "admin")


def group_model(record_model):
    """The model of assignment groups, as the work record names it."""
    return record_model._meta.get_field("assignment_group").related_model


def active_groups(record_model):
    return group_model(record_model).objects.filter(active=True).order_by("name")


def agents():
    """Active support staff, by name (the account background jobs act as is
    not a person to pick)."""
    return (get_user_model().objects.filter(is_active=True, role__in=STAFF_ROLES)
            .exclude(username=SYSTEM_USERNAME).order_by("first_name", "last_name", "username"))


def grouped_assignees(record_model):
    """Each active agent once, by name, with the groups they belong to
    (``groups``: user id → group ids), so a form can narrow the list to the
    chosen group's members."""
    Group = group_model(record_model)
    rows = Group.members.through.objects.filter(
        group__active=True, user__is_active=True, user__role__in=STAFF_ROLES,
    ).select_related("user").order_by("user__first_name", "user__last_name",
                                      "user__username", "group_id")
    people: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for row in rows:
        key = str(row.user.pk)
        people.setdefault(key, str(row.user))
        groups.setdefault(key, []).append(str(row.group_id))
    return BLANK + list(people.items()), groups


class MembersSelect(forms.Select):
    """A select of people whose options carry their groups
    (``data-groups``); app.js shows only the members of the group chosen in
    the same form's ``assignment_group``."""

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups or {}
        self.attrs["data-members-of"] = "assignment_group"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.groups:
            option["attrs"]["data-groups"] = " ".join(self.groups[str(value)])
        return option


def set_assignees(field, record_model) -> None:
    """Fill an "assigned to" field: each person once, narrowed by group."""
    choices, groups = grouped_assignees(record_model)
    field.widget = MembersSelect(groups=groups, attrs=field.widget.attrs)
    field.choices = choices


class RefChoiceField(forms.TypedChoiceField):
    """A select of ids (possibly in option groups) that cleans to an object."""

    def __init__(self, *args, model=None, **kwargs):
        self.model = model
        super().__init__(*args, coerce=self.to_object, empty_value=None, **kwargs)

    def to_object(self, value):
        obj = self.model._default_manager.filter(pk=value).first()
        if obj is None:
            raise forms.ValidationError("Select a valid choice.")
        return obj

    def prepare_value(self, value):
        return str(value.pk) if hasattr(value, "pk") else value


def shown_required(field):
    """Mark a field as required in the form (asterisk, aria-required) while
    the service, not the form, checks it and says why."""
    field.shown_required = True
    field.widget.attrs["aria-required"] = "true"
    return field


class RecordForm(ServistaForm):
    """A form acting on a work record (``self.instance``); ``action_data()``
    is what it gives the action, keyed as the API's input."""

    def action_data(self) -> dict:
        return dict(self.cleaned_data)


class WorkRecordForm(ServistaForm):
    """Creating and editing a record in the workspace: the shared fields.
    A practice's form subclasses it (``model``, its own fields, and the
    order of all in ``FIELDS``)."""

    model = None
    FIELDS = ("short_description", "description", "service", "configuration_item",
              "affected_services", "affected_cis", "impact", "urgency", "assignment_group",
              "assigned_to")
    MANY = ("affected_services", "affected_cis")

    short_description = forms.CharField(max_length=200, widget=forms.TextInput(
        attrs={"col": "col-12", "autofocus": True}))
    description = forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 5, "col": "col-12"}))
    service = forms.ModelChoiceField(queryset=None, required=False)
    configuration_item = forms.ModelChoiceField(queryset=None, required=False,
                                                label="Configuration item")
    affected_services = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Also affects services",
        widget=forms.SelectMultiple(attrs={"size": 4}))
    affected_cis = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Also affects configuration items",
        widget=forms.SelectMultiple(attrs={"size": 4}))
    impact = forms.TypedChoiceField(choices=Impact.choices, coerce=int, initial=2)
    urgency = forms.TypedChoiceField(choices=Urgency.choices, coerce=int, initial=2)
    assignment_group = forms.ModelChoiceField(queryset=None, required=False)
    assigned_to = RefChoiceField(model=get_user_model(), required=False, label="Assigned to")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self.model
        self.order_fields([*self.FIELDS, "version"])
        for name in ("service", "configuration_item", "affected_services", "affected_cis"):
            self.fields[name].queryset = self.choices_for(name)
        self.fields["assignment_group"].queryset = active_groups(model)
        set_assignees(self.fields["assigned_to"], model)
        for name in ("impact", "urgency"):
            if name not in self.fields:
                continue  # a record not ranked by impact and urgency (an article)
            # innerHTML: the form's hx-swap (outerHTML) would replace the
            # preview element itself, and the next change would find no target.
            self.fields[name].widget.attrs.update({
                "hx-get": reverse("priority_preview"), "hx-target": "#priority-preview",
                "hx-swap": "innerHTML", "hx-include": "[name=impact],[name=urgency]",
                "hx-trigger": "change",
            })
        if self.instance is not None and not self.is_bound:
            for name in self.FIELDS:
                value = getattr(self.instance, name)
                self.initial[name] = list(value.all()) if name in self.MANY else value
            self.initial["version"] = self.instance.version

    def choices_for(self, name: str):
        """What a reference field offers (a practice may leave out retired
        services and items)."""
        return self.model._meta.get_field(name).related_model.objects.order_by("name")

    def changed(self) -> dict:
        """The fields the person actually changed (for an edit)."""
        return {name: self.cleaned_data[name] for name in self.FIELDS
                if name in self.changed_data}


class CommentForm(ServistaForm):
    body = forms.CharField(label="Comment", required=False, widget=forms.Textarea(
        attrs={"rows": 3, "col": "col-12", "data-shortcut-focus": "c",
               "placeholder": "Write a comment… (Markdown)"}))
    kind = forms.ChoiceField(choices=[("comment", "Comment (visible to the requester)"),
                                      ("work_note", "Work note (support staff only)")],
                             initial="comment", widget=forms.RadioSelect)
    files = FilesField(label="Attach files")
    # The support staff's: the minutes the work took, and a response
    # template to insert (not sent with the entry: app.js asks the record's
    # "response-template" page for its filled text).
    time_spent = forms.IntegerField(
        label="Time spent (minutes)", required=False, min_value=1,
        max_value=MAX_MINUTES, widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}))
    response_template = forms.ChoiceField(label="Insert a response template", required=False)

    def __init__(self, *args, requester_label: str = "the requester", **kwargs):
        # Its own ids: the record page also holds an action dialog whose
        # fields (an escalation's "kind") would otherwise share them, and a
        # click on a dialog's label would tick the comment form's radio.
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("comment", f"Comment (visible to {requester_label})"),
            ("work_note", "Work note (support staff only)"),
        ]
        if getattr(self.user, "is_agent", False):
            self.fields["response_template"].choices = BLANK + [
                (str(t.pk), f"{t.title} ({t.group or 'personal'})")
                for t in response_templates.usable(self.user)]
        else:
            del self.fields["time_spent"], self.fields["response_template"]

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("files") \
                and "body" not in self.errors:
            self.add_error("body", "Write something or attach a file.")
        return data


class ReasonForm(RecordForm):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2,
                                                                          "col": "col-12"}))


class RequiredReasonForm(RecordForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))


class AssignForm(RecordForm):
    """A group and, optionally, one of the agents of a group."""

    assignment_group = forms.ModelChoiceField(queryset=None, required=False)
    assigned_to = RefChoiceField(model=get_user_model(), required=False, label="Assigned to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = type(self.instance)
        self.fields["assignment_group"].queryset = active_groups(model)
        set_assignees(self.fields["assigned_to"], model)
        if not self.is_bound:
            self.initial.update(assignment_group=self.instance.assignment_group_id,
                                assigned_to=self.instance.assigned_to_id)


class BulkForm(ServistaForm):
    """The bulk bar of a record list: take, assign to a group, or move to a
    state. A practice's subclass adds the fields its states need and says
    which state needs which (``state_fields``); ``reason`` goes with any."""

    model = None
    state_fields: dict[str, tuple[str, ...]] = {}
    reason_required_for: tuple[str, ...] = ()

    selection = forms.MultipleChoiceField(required=True)
    action = forms.ChoiceField(choices=[("take", "Assign to me"), ("assign", "Assign"),
                                        ("state", "Change state")])
    assignment_group = forms.ModelChoiceField(queryset=None, required=False)
    state = forms.ChoiceField(required=False)
    reason = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selection"].error_messages["required"] = \
            f"Select at least one {self.model._meta.verbose_name}."
        self.fields["assignment_group"].queryset = active_groups(self.model)
        self.fields["state"].choices = BLANK + self.model.State.choices
        if self.is_bound:
            self.fields["selection"].choices = [(n, n) for n in self.data.getlist("selection")]

    @property
    def first_state(self) -> str:
        """The state records start in: not one to move records back to."""
        return self.model._meta.get_field("state").default

    def controls(self) -> list[dict]:
        """The fields each target state needs, for the bar's template."""
        out = []
        for state, names in self.state_fields.items():
            for name in names:
                out.append({"state": state, "field": self[name], "name": name,
                            "id": f"bulk-{name.replace('_', '-')}"})
        return out

    def state_data(self) -> dict:
        """The fields of the chosen state change, and the reason."""
        names = {name for names in self.state_fields.values() for name in names}
        return {name: self.cleaned_data.get(name, "") for name in (*sorted(names), "reason")}
