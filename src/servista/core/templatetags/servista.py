"""Template helpers: badges for choice values, safe Markdown, permission checks."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from servista.core.choices import Priority
from servista.core.markup import markdown_html, markdown_text
from servista.core.permissions import policy_for

register = template.Library()

@register.filter
def markdown(text: str) -> str:
    """Markdown rendered to HTML and sanitised (see ``markdown_html``)."""
    return mark_safe(markdown_html(text))  # noqa: S308


@register.filter
def minutes(value) -> str:
    """Minutes as people read them: "45 min", "1 h 30 min", "2 h"."""
    try:
        value = int(value or 0)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(value, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.filter
def plain(text: str) -> str:
    """Markdown as plain words (autoescaped by the template)."""
    return markdown_text(text)


@register.simple_tag
def state_badge(obj) -> str:
    return format_html('<span class="badge text-bg-{} state-badge">{}</span>',
                       obj.get_state_color(), obj.get_state_display())


@register.simple_tag
def priority_badge(value) -> str:
    if value in (None, ""):
        return ""
    return format_html('<span class="badge priority-{} ">{}</span>', value, Priority.label(value))


@register.simple_tag
def choice_badge(choice_set, value) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', choice_set.color(value),
                       choice_set.label(value))


@register.simple_tag(takes_context=True)
def can(context, action: str, obj) -> bool:
    """{% can "resolve" incident as may_resolve %}"""
    user = context["request"].user
    model = obj if isinstance(obj, type) else type(obj)
    target = None if isinstance(obj, type) else obj
    return policy_for(model).can(user, action, target)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def field_label(changes_key: str) -> str:
    return changes_key.replace("_", " ").capitalize()


@register.filter
def model_label(model) -> str:
    """``incidents-incident``: a model as part of an element id."""
    return f"{model._meta.app_label}-{model._meta.model_name}"


@register.filter
def model_name(obj) -> str:
    """``incident`` for an Incident: prefixes the ids of a record's page."""
    return obj._meta.model_name


@register.simple_tag
def record_url(record, name: str, *args) -> str:
    """{% record_url record "edit" %}: a page of the record's app about it
    (``<app>:<name>`` with the record's number, then ``args``)."""
    return reverse(f"{record._meta.app_label}:{name}", args=[record.number, *args])
