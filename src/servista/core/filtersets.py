"""Filter sets shared by the UI lists, the API and the tests."""

import re
from datetime import datetime
from typing import Annotated

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.choices import CallableChoiceIterator
from pydantic import AfterValidator, Field, create_model

from servista.core import lookup, search
from servista.core.idents import split_number
from servista.core.numbering import WIDTH as NUMBER_WIDTH
from servista.core.numbering import format_number
from servista.core.schemas import InputSchema


def yes_no():
    """The widget of a yes/no filter: Any, Yes, No."""
    return forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])


class RefField(forms.CharField):
    """A reference typed by a person or a program: an id, a name (as the
    model is named, see ``core.lookup``), or one of the ``specials`` (e.g.
    'none' for empty, 'me' for the current user). With ``pick_from`` (a
    callable returning a queryset) the web form offers a select of those
    objects instead of a text box."""

    def __init__(self, *args, model=None, lookups=None, specials=(), pick_from=None,
                 **kwargs):
        self.model = model
        self.lookups = lookups
        self.specials = specials
        super().__init__(*args, **kwargs)
        if pick_from is not None:
            def options():
                # Read when the select is drawn: API requests never pay for it.
                yield "", "Any"
                if "none" in specials:
                    yield "none", "(none)"
                for obj in pick_from():
                    yield str(obj.pk), str(obj)

            self.widget = forms.Select(choices=CallableChoiceIterator(options))
        elif model is not None and model is get_user_model():
            # A person: type-ahead on name, e-mail and username.
            self.widget.attrs.update({"autocomplete": "off", "data-people-search": "1",
                                      "placeholder": "name, e-mail or username"})

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        if value.lower() in self.specials:
            return value.lower()
        if self.model is get_user_model() and self.lookups is None:
            obj = lookup.find_person(self.model._default_manager.all(), value)
        else:
            obj = lookup.find(self.model._default_manager.all(), value, fields=self.lookups)
        if obj is None:
            raise forms.ValidationError(f"No {self.model._meta.verbose_name} '{value}'.")
        return obj


YES_NO_HELP = "true or false (also yes/no, 1/0, any case)"


class StrictBooleanSelect(forms.NullBooleanSelect):
    """Draws like Django's yes/no/unknown select but hands the field the value
    as sent (Django's maps anything it does not know to "unknown")."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.NullBooleanField):
    """A yes/no filter value: true/false, yes/no, 1/0 in any case; empty (or
    the "unknown" of Django's select) for either. Anything else is an error
    naming the parameter, not a filter silently left out."""

    widget = StrictBooleanSelect
    TRUE = frozenset({"true", "yes", "1"})
    FALSE = frozenset({"false", "no", "0"})
    default_error_messages = {
        "invalid": "'%(value)s' is not a yes/no value: use true or false (also yes/no, 1/0).",
    }

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        text = str(value)
        if not text.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid",
                                        params={"value": text[:50]})
        text = text.lower()
        if text in ("", "unknown"):
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid",
                                    params={"value": str(value)[:50]})

    def validate(self, value):
        pass


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """One or more values of a choice field (``?state=new&state=on_hold``).
    No DISTINCT: the filtered column is on the row itself, and DISTINCT would
    make the database sort a whole large result before the first page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class RefFilter(django_filters.Filter):
    """Filter on a foreign key given by id or name; 'none' selects records
    where it is empty, and, for people, 'me' the requesting user."""

    field_class = RefField

    def __init__(self, *args, model=None, lookups=None, specials=("none",), pick_from=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.extra.update(model=model, lookups=lookups, specials=specials, pick_from=pick_from)

    def filter(self, qs, value):
        if value is None:
            return qs
        if value == "none":
            return qs.filter(**{f"{self.field_name}__isnull": True})
        if value == "me":
            user = getattr(self.parent.request, "user", None)
            return qs.filter(**{self.field_name: user}) if user else qs.none()
        return qs.filter(**{self.field_name: value})


class BaseFilterSet(django_filters.FilterSet):
    """``q`` searches: a record number (INC0001001, any case, or just 1001)
    finds that record; other text goes through the full-text index of a model registered
    with ``core.search``, else through the fields listed in ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    number_field: str | None = None
    # People fields whose person's name, e-mail or username the search also
    # looks at ("caller": incidents found by who reported them).
    person_search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every yes/no filter of every app refuses a value that is not one.
        for filt in self.filters.values():
            if isinstance(filt, django_filters.BooleanFilter) \
                    and not issubclass(filt.field_class, StrictBooleanField):
                filt.field_class = StrictBooleanField
                filt.__dict__.pop("_field", None)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        model = queryset.model
        prefix = getattr(model, "number_prefix", None)
        number = split_number(value) if self.number_field else None
        if number and number[0] == prefix:
            return queryset.filter(**{self.number_field: "".join(number)})
        if self.number_field and prefix and value.isascii() and value.isdigit() \
                and len(value) <= NUMBER_WIDTH:
            # "1299": the record INC0001299 when there is one, else the words.
            by_number = queryset.filter(**{self.number_field: format_number(prefix, int(value))})
            if by_number.exists():
                return by_number
        by_person = self.person_matches(value)
        if search.is_searchable(model):
            return queryset.filter(search.matches(model, value, using=queryset.db) | by_person)
        query = by_person
        if self.number_field:
            query |= Q(**{f"{self.number_field}__iexact": value})
        for field_name in self.search_fields:
            query |= Q(**{f"{field_name}__icontains": value})
        return queryset.filter(query)

    def person_matches(self, value: str) -> Q:
        """Records whose ``person_search_fields`` name a person matching
        every word (a handful of people at most: a name is selective)."""
        if not self.person_search_fields:
            return Q(pk__in=[])
        people = list(get_user_model().objects.filter(lookup.people_query(value))
                      .values_list("pk", flat=True)[:50])
        if not people:
            return Q(pk__in=[])
        query = Q(pk__in=[])
        for name in self.person_search_fields:
            query |= Q(**{f"{name}__in": people})
        return query


# A yes/no value as StrictBooleanField takes it (ASCII letters in any case).
def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


YES_NO_PATTERN = "^(" + "|".join(_any_case(w) for w in (
    "true", "false", "yes", "no", "1", "0", "unknown")) + ")?$"


# A date-time as RFC 3339 (and JSON Schema's "date-time") writes it.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _date_time(value: str) -> str:
    if not RFC3339.match(value):
        raise ValueError("A time such as 2026-03-01T09:30:00+01:00 (RFC 3339, with its offset).")
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("Not a real time (a month, day or hour out of range).")
    return value


def query_schema(filterset_class, name: str):
    """A pydantic model of the filter set's parameters, so that the API's
    OpenAPI documents the very filters the UI offers, with every value the
    server takes: a list filter's choices, an ordering's fields, a yes/no
    filter's spellings."""
    from typing import Literal

    model = filterset_class._meta.model
    # An instance has its choices filled in (a record's states...).
    filterset = filterset_class(queryset=model._default_manager.none()) if model else None
    fields = {}
    for filter_name, filt in filterset_class.base_filters.items():
        live = filterset.filters[filter_name] if filterset is not None else filt
        if isinstance(filt, django_filters.OrderingFilter):
            options = [str(value) for value, _ in live.field.choices if value]
            one = "(" + "|".join(re.escape(option) for option in options) + ")"
            fields[filter_name] = (str | None, Field(
                None, pattern=f"^({one}(,{one})*)?$",
                description="Order by: " + ", ".join(options) + " (comma-separated)"))
        elif isinstance(filt, django_filters.MultipleChoiceFilter):
            values = [str(value) for value, _ in live.field.choices if str(value) != ""]
            if values:
                fields[filter_name] = (list[Literal[tuple(values)]] | None, None)
            else:
                fields[filter_name] = (list[str] | None, None)
        elif isinstance(filt, django_filters.IsoDateTimeFilter):
            fields[filter_name] = (Annotated[str, AfterValidator(_date_time)] | None, Field(
                None, description="A time as RFC 3339 writes it, with its offset",
                json_schema_extra={"format": "date-time"}))
        elif isinstance(filt, django_filters.BooleanFilter):
            fields[filter_name] = (str | None, Field(None, description=YES_NO_HELP,
                                                     pattern=YES_NO_PATTERN))
        else:
            fields[filter_name] = (str | None, None)
    return create_model(name, __base__=InputSchema, **fields)
