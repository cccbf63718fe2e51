"""The CMDB's forms: an item with the CMDB minimum fields and its class's
typed attributes (inherited ones included) as inputs of their type, and a
relationship from an item's page.

The forms check only what a browser cannot send wrong by itself; the rules
(an attribute's type, a choice's values, a reference's class, a
relationship's class rules, no self-loop) are the services', which read the
attributes as text (``from_text``, as an import does) and name the wrong one;
the views put that message on its field."""

from types import SimpleNamespace

from django import forms
from django.urls import reverse

from servista.accounts.models import Group, Organization
from servista.catalog.models import Service
from servista.core.forms import PersonField, ServistaForm, style_fields

from .choices import AttributeType, CIStatus, Environment
from .models import CIClass, ConfigurationItem, RelationshipType
from .services import Schemas

ATTR_PREFIX = "attr__"
FIELDS = ("name", "ci_class", "short_name", "abbreviations", "status", "environment",
          "criticality", "organization", "owner_group", "owner", "service", "represents",
          "description")


def attribute_field_name(key: str) -> str:
    """The form field of the attribute ``key`` (the services name it
    ``attributes.<key>``; a dot is no good in an element id)."""
    return f"{ATTR_PREFIX}{key}"


def form_errors(errors: dict) -> dict:
    """A service's ``{field: messages}`` with the attributes renamed as
    the form names them."""
    return {attribute_field_name(name.removeprefix("attributes."))
            if name.startswith("attributes.") else name: messages
            for name, messages in errors.items()}


class CIPicker(forms.TextInput):
    """An item typed by name, with suggestions (a datalist the CMDB fills
    as one types, from the items of ``ci_class`` and below when given)."""

    template_name = "cmdb/widgets/ci_picker.html"

    def __init__(self, *args, ci_class: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.ci_class = ci_class

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ident = context["widget"]["attrs"].get("id") or f"id_{name}"
        query = f"?field={name}" + (f"&ci_class={self.ci_class}" if self.ci_class else "")
        context["widget"]["attrs"].update({
            "list": f"{ident}_options", "autocomplete": "off",
            "placeholder": "name of the item",
            "hx-get": reverse("cmdb:ci_options") + query,
            "hx-trigger": "input changed delay:300ms", "hx-target": f"#{ident}_options",
            "hx-swap": "innerHTML", "hx-sync": "this:replace",
        })
        context["widget"]["options_id"] = f"{ident}_options"
        return context


def attribute_form_field(definition) -> forms.Field:
    """An input of the attribute's type. Every value is taken as text and
    read by the services (one set of rules for the API, the page, the
    command line and the import)."""
    label = definition.label or definition.key
    common = {"label": label, "required": False}
    kind = definition.type
    if kind == AttributeType.INTEGER:
        return forms.CharField(widget=forms.NumberInput(attrs={"step": "1"}), **common)
    if kind == AttributeType.DECIMAL:
        return forms.CharField(widget=forms.NumberInput(attrs={"step": "any"}), **common)
    if kind == AttributeType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == AttributeType.BOOLEAN:
        return forms.BooleanField(**common)
    if kind == AttributeType.CHOICE:
        choices = [("", "—")] + [(str(c), str(c)) for c in definition.choices or []]
        return forms.CharField(widget=forms.Select(choices=choices), **common)
    if kind == AttributeType.REFERENCE:
        ref = definition.reference_class
        return forms.CharField(widget=CIPicker(ci_class=ref.key if ref else ""),
                               help_text=f"A {ref}" if ref else "", **common)
    return forms.CharField(max_length=1000, **common)


class CIForm(ServistaForm):
    """A configuration item: the CMDB minimum and its class's attributes.
    ``cleaned_data`` becomes the services' input with ``service_data()``."""

    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autofocus": True}))
    ci_class = forms.ModelChoiceField(CIClass.objects.order_by("name"), to_field_name="key",
                                      label="Class")
    short_name = forms.CharField(max_length=60, required=False)
    abbreviations = forms.CharField(max_length=200, required=False,
                                    help_text="Abbreviations and acronyms, comma-separated")
    status = forms.ChoiceField(choices=CIStatus.choices, initial=CIStatus.LIVE)
    environment = forms.ChoiceField(choices=Environment.choices,
                                    initial=Environment.PRODUCTION)
    criticality = forms.ChoiceField(choices=ConfigurationItem._meta.get_field(
        "criticality").choices, initial="medium")
    organization = forms.ModelChoiceField(Organization.objects.order_by("name"),
                                          required=False)
    owner_group = forms.ModelChoiceField(Group.objects.order_by("name"), required=False,
                                         label="Owner group")
    owner = PersonField(required=False, label="Owner")
    service = forms.ModelChoiceField(Service.objects.order_by("name"), required=False,
                                     help_text="The service this item supports: it is "
                                               "related to the service's item")
    represents = forms.ModelChoiceField(
        Service.objects.order_by("name"), required=False, label="Represents",
        help_text="For an item of a service class: the service of the portfolio it is")
    description = forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 4, "col": "col-12"}))

    def __init__(self, *args, schemas: Schemas | None = None, ci_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.schemas = schemas or Schemas()
        self.fields["ci_class"].widget.attrs.update({
            "hx-get": reverse("cmdb:ci_attribute_fields"), "hx-trigger": "change",
            "hx-target": "#ci-attribute-fields", "hx-swap": "innerHTML",
            "hx-include": "closest form",
        })
        ci = self.instance
        if ci is not None and not self.is_bound:
            for name in FIELDS:
                self.initial[name] = getattr(ci, name)
            self.initial["ci_class"] = ci.ci_class_id
        self.chosen = ci_class or self.chosen_class()
        self.attribute_names = []
        if self.chosen is not None:
            self.add_attribute_fields(self.chosen)

    def chosen_class(self):
        """The class whose attributes the form shows: the one sent, else
        the item's, else the one asked for in the address."""
        key = self.data.get("ci_class") if self.is_bound else self.initial.get("ci_class")
        key = getattr(key, "key", key)
        return self.schemas.classes.get(key) if key else None

    def add_attribute_fields(self, ci_class) -> None:
        schema = self.schemas.schema(ci_class)
        stored = self.instance.attributes if self.instance is not None else {}
        references = [stored.get(key) for key, d in schema.items()
                      if d.type == AttributeType.REFERENCE and stored.get(key) is not None]
        named = ConfigurationItem.objects.in_bulk(references) if references else {}
        for key, definition in schema.items():
            name = attribute_field_name(key)
            field = attribute_form_field(definition)
            field.shown_required = definition.required
            inherited = definition.ci_class_id != ci_class.pk
            if inherited:
                owner = self.schemas.by_id[definition.ci_class_id]
                field.help_text = " ".join(filter(None, [field.help_text,
                                                         f"(from {owner})"]))
            self.fields[name] = field
            self.attribute_names.append((key, name))
            if not self.is_bound and key in stored:
                value = stored[key]
                if definition.type == AttributeType.REFERENCE:
                    value = getattr(named.get(value), "name", value)
                self.initial[name] = value
        style_fields(SimpleNamespace(fields={name: self.fields[name]
                                             for _, name in self.attribute_names}))

    def attribute_fields(self):
        return [self[name] for _, name in self.attribute_names]

    def minimum_fields(self):
        return [self[name] for name in FIELDS]

    def attributes(self) -> dict:
        """The attribute values as text, for the services to read; an empty
        input leaves the attribute out."""
        values = {}
        for key, name in self.attribute_names:
            value = self.cleaned_data.get(name)
            if isinstance(value, bool):
                values[key] = "true" if value else "false"
            elif value not in (None, ""):
                values[key] = value
        return values

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in FIELDS}
        data["ci_class"] = data["ci_class"].key
        data["attributes"] = self.attributes()
        return data


class RelationshipForm(ServistaForm):
    """A relationship from the item's page: of a type, either way, with
    another item (typed by name)."""

    OUTGOING, INCOMING = "outgoing", "incoming"

    type = forms.ModelChoiceField(RelationshipType.objects.order_by("name"),
                                  to_field_name="key", label="Relationship")
    direction = forms.ChoiceField(label="Direction", initial=OUTGOING, choices=[
        (OUTGOING, "This item → the other (read from this item)"),
        (INCOMING, "The other → this item (read from the other)")])
    target = forms.CharField(label="Other item", max_length=200,
                             widget=CIPicker())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="rel", **kwargs)
        self.fields["type"].label_from_instance = \
            lambda t: f"{t.name} / {t.reverse_name}"

    def service_data(self) -> dict:
        """The services' input: source and target as this item and the
        other, in the direction chosen."""
        ci, other = self.instance, self.cleaned_data["target"]
        if self.cleaned_data["direction"] == self.INCOMING:
            return {"type": self.cleaned_data["type"], "source": other, "target": ci}
        return {"type": self.cleaned_data["type"], "source": ci, "target": other}
