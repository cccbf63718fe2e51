"""Response templates (canned answers): who may use and manage them, and
filling their placeholders for one record.

A template is personal (its owner's) or shared with a support group. Agents
use their own and those of their groups; a personal one is managed by its
owner, a group's by that group's members holding the "response templates"
capability, and by administrators.

Placeholders are ``{{caller.first_name}}``, ``{{record.number}}``... from a
fixed list (``PLACEHOLDERS``), replaced by plain text in one pass: the text
of a template is never run as a template, so nothing in it (or in the
values) executes or expands further."""

from django.db import transaction
from django.db.models import Q

from servista.core import clock
from servista.core.exceptions import Forbidden, NotFound, ValidationFailed
from servista.core.models import ResponseTemplate
from servista.core.models.desk import PLACEHOLDER, PLACEHOLDERS, unknown_placeholders
from servista.core.permissions import policy_for, register_capability

EDITOR = register_capability(
    "core.response_templates", "Response template editor",
    "Creates, changes and deletes the response templates shared with their groups.")

TITLE_MAX = 120
BODY_MAX = 10_000


def requester_of(record):
    """The person the record is for: the first of its policy's requester
    fields (an incident's caller), else who opened it."""
    for name in getattr(policy_for(type(record)), "requester_fields", ()):
        person = getattr(record, name, None)
        if person is not None:
            return person
    return getattr(record, "opened_by", None)


def person_value(user, attr: str) -> str:
    if user is None:
        return ""
    if attr == "name":
        return user.get_full_name() or user.username
    return getattr(user, attr, "") or ""


def value_of(name: str, record, agent) -> str:
    """The text a placeholder (one of ``PLACEHOLDERS``) stands for."""
    scope, _, attr = name.partition(".")
    if scope == "caller":
        return person_value(requester_of(record), attr)
    if scope == "agent":
        return person_value(agent, attr)
    if attr == "title":
        return record.short_description
    if attr in ("state", "priority"):
        return str(getattr(record, f"get_{attr}_display")())
    return str(getattr(record, attr))


def fill(template: ResponseTemplate, record, agent) -> str:
    """The template's body for ``record``, as ``agent`` would write it."""
    def value(match):
        name = match.group(1).strip()
        return value_of(name, record, agent) if name in PLACEHOLDERS else match.group(0)
    return PLACEHOLDER.sub(value, template.body)


# --- who may use and manage -----------------------------------------------------------


def usable(user):
    """The templates ``user`` may insert: their own and their groups'."""
    if not getattr(user, "is_agent", False):
        return ResponseTemplate.objects.none()
    return ResponseTemplate.objects.filter(
        Q(owner=user) | Q(group_id__in=user.support_group_ids())
    ).select_related("owner", "group")


def visible(user):
    """What the user sees in the API: what they may use (administrators:
    every template)."""
    if getattr(user, "is_agent", False) and user.has_role("admin"):
        return ResponseTemplate.objects.select_related("owner", "group")
    return usable(user)


def may_manage(user, *, owner=None, group=None) -> bool:
    if not getattr(user, "is_agent", False):
        return False
    if owner is not None:
        return owner.pk == user.pk
    if group is None:
        return False
    if user.has_role("admin"):
        return True
    return group.pk in user.support_group_ids() and user.has_capability(EDITOR.name)


def _require_manage(user, owner=None, group=None) -> None:
    if not may_manage(user, owner=owner, group=group):
        if group is not None:
            raise Forbidden(f"Only members of {group} with the response template editor "
                            "capability, and administrators, manage its templates.")
        raise Forbidden("Only its owner manages a personal response template.")


def get(user, ident) -> ResponseTemplate:
    found = visible(user).filter(pk=ident).first() if str(ident).isdigit() else None
    if found is None:
        raise NotFound(f"Response template {ident} not found.")
    return found


def _check(title: str, body: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = ["Give the template a title."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"At most {TITLE_MAX} characters."]
    if not body.strip():
        errors["body"] = ["Write the template's text."]
    elif len(body) > BODY_MAX:
        errors["body"] = [f"At most {BODY_MAX} characters."]
    else:
        unknown = unknown_placeholders(body)
        if unknown:
            known = ", ".join("{{" + name + "}}" for name in PLACEHOLDERS)
            errors["body"] = [f"Unknown placeholder {unknown[0]}; use one of {known}."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)


@transaction.atomic
def create(user, *, title: str, body: str, group=None) -> ResponseTemplate:
    """A personal template (no ``group``) or one shared with ``group``."""
    owner = None if group is not None else user
    _require_manage(user, owner=owner, group=group)
    title, body = (title or "").strip(), body or ""
    _check(title, body)
    return ResponseTemplate.objects.create(title=title, body=body, owner=owner, group=group,
                                           created_by=user)


@transaction.atomic
def update(user, template: ResponseTemplate, *, title=None, body=None) -> ResponseTemplate:
    _require_manage(user, owner=template.owner, group=template.group)
    template = ResponseTemplate.objects.select_for_update().get(pk=template.pk)
    if title is not None:
        template.title = title.strip()
    if body is not None:
        template.body = body
    _check(template.title, template.body)
    template.updated_at = clock.now()
    template.save(update_fields=["title", "body", "updated_at"])
    return template


@transaction.atomic
def delete(user, template: ResponseTemplate) -> None:
    _require_manage(user, owner=template.owner, group=template.group)
    template.delete()
