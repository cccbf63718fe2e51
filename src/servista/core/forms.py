"""Form base classes and reference fields shared by every practice's forms."""

from django import forms
from django.contrib.auth import get_user_model

from servista.core import lookup


def style_fields(form) -> None:
    """Bootstrap classes on every widget, so templates stay generic."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect
                      | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ServistaForm(forms.Form):
    """A form that knows who fills it in (``self.user``) and which object it
    acts on (``self.instance``)."""

    def __init__(self, *args, user=None, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"


class PersonField(forms.CharField):
    """A person typed by name, username or e-mail (with type-ahead suggestions from
    the people search); cleans to the User."""

    def __init__(self, *args, queryset=None, **kwargs):
        self.queryset = queryset
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({
            "autocomplete": "off", "list": "", "data-people-search": "1",
            "placeholder": "name, e-mail or username",
        })

    def prepare_value(self, value):
        if isinstance(value, get_user_model()):
            return value.username
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        qs = self.queryset if self.queryset is not None \
            else get_user_model().objects.filter(is_active=True)
        user = lookup.find_person(qs, value)
        if user is None:
            raise forms.ValidationError(f"No person '{value}' (or several): type a name, "
                                        "e-mail or username and pick from the list.")
        return user


def instance_or_none(value):
    return value if value not in ("", None) else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Any number of files (the limits are checked by the service, which
    names the file it refuses)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(FilesField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []
